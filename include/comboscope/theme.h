/* theme: semantic colour roles and the theme files (themes/NAME) that map them to colours.
 * Plain text, no curses: the UI turns a theme into colour pairs; the core only parses. */
#ifndef COMBOSCOPE_THEME_H
#define COMBOSCOPE_THEME_H

#include <stdbool.h>

#include "comboscope/error.h"

/* Colours: -1 is the terminal's default, 0..7 the ANSI colours, 8..15 their bright forms,
 * 16..255 the xterm 256-colour cube and grey ramp. */
#define THEME_DEFAULT_COLOR (-1)

enum theme_attr {
    THEME_BOLD = 1 << 0,
    THEME_REVERSE = 1 << 1,
    THEME_UNDERLINE = 1 << 2,
    THEME_DIM = 1 << 3,
};

/* Every role a view can draw in: X(id, "file key", dump code, dark fg, dark bg, dark attrs,
 * mono attrs). The dark columns are the built-in default theme (themes/dark says the same);
 * the mono column is what no-colour mode uses, so that meaning survives through attributes.
 * The dump code is the letter a golden screen test prints for a cell drawn in the role.
 * heat_* is a diverging scale around zero (n3 most negative .. p3 most positive): orange to
 * blue by default, which colour-blind readers tell apart (themes/redgreen keeps red to green). */
#define THEME_ROLES(X)                                                                   \
    X(NORMAL,      "normal",      'n', -1,  -1,  0, 0)                                    \
    X(TITLE,       "title",       'T', 15,  24,  THEME_BOLD, THEME_REVERSE)              \
    X(TAB,         "tab",         't', 252, 24,  0, THEME_REVERSE)                         \
    X(TAB_ACTIVE,  "tab_active",  'A', 16,  117, THEME_BOLD, THEME_BOLD)                   \
    X(STATUS,      "status",      's', 252, 236, 0, THEME_REVERSE)                         \
    X(HEADER,      "header",      'h', 117, -1,  THEME_BOLD, THEME_BOLD | THEME_UNDERLINE) \
    X(TASK,        "task",        'k', 180, -1,  THEME_BOLD, THEME_BOLD)                   \
    X(CURSOR,      "cursor",      'C', 16,  152, 0, THEME_REVERSE)                         \
    X(DIM,         "dim",         'd', 244, -1,  0, THEME_DIM)                             \
    X(NUMBER,      "number",      'u', 252, -1,  0, 0)                                     \
    X(GOOD,        "good",        'g', 114, -1,  0, THEME_BOLD)                            \
    X(BAD,         "bad",         'b', 210, -1,  0, THEME_UNDERLINE)                       \
    X(ACCENT,      "accent",      'a', 222, -1,  THEME_BOLD, THEME_BOLD)                   \
    X(BORDER,      "border",      'r', 240, -1,  0, 0)                                     \
    X(MESSAGE,     "message",     'm', 222, 236, 0, THEME_REVERSE)                         \
    X(ERROR,       "error",       'E', 15,  124, THEME_BOLD, THEME_REVERSE | THEME_BOLD)   \
    X(PROMPT,      "prompt",      'p', 15,  236, THEME_BOLD, THEME_REVERSE | THEME_BOLD)   \
    X(MATCH,       "match",       'M', 16,  222, 0, THEME_UNDERLINE | THEME_BOLD)          \
    X(UNMEASURED,  "unmeasured",  'x', 238, -1,  0, THEME_DIM)                             \
    X(PREDICTED,   "predicted",   'P', 147, -1,  0, THEME_UNDERLINE)                       \
    X(HEAT_N3,     "heat_n3",     '1', 166, -1,  0, 0)                                     \
    X(HEAT_N2,     "heat_n2",     '2', 208, -1,  0, 0)                                     \
    X(HEAT_N1,     "heat_n1",     '3', 223, -1,  0, 0)                                     \
    X(HEAT_ZERO,   "heat_zero",   '4', 250, -1,  0, 0)                                     \
    X(HEAT_P1,     "heat_p1",     '5', 153, -1,  0, 0)                                     \
    X(HEAT_P2,     "heat_p2",     '6', 75,  -1,  0, 0)                                     \
    X(HEAT_P3,     "heat_p3",     '7', 33,  -1,  0, 0)

typedef enum theme_role {
#define THEME_ROLE_ENUM(id, key, code, fg, bg, attrs, mono) ROLE_##id,
    THEME_ROLES(THEME_ROLE_ENUM)
#undef THEME_ROLE_ENUM
    ROLE_COUNT
} theme_role;

/* Number of heat levels, ROLE_HEAT_N3 .. ROLE_HEAT_P3. */
#define THEME_HEAT_LEVELS 7

typedef struct theme_style {
    short fg, bg; /* colours as above */
    unsigned attrs; /* enum theme_attr bits */
} theme_style;

typedef struct theme {
    char name[64];
    theme_style role[ROLE_COUNT];
} theme;

/* The built-in default (dark) theme. */
void theme_default(theme *t);

/* The built-in monochrome theme: default colours, the roles' mono attributes. */
void theme_mono(theme *t);

/* Parses a theme file over *t (roles the file leaves out keep their value). Lines are
 * `role = FG [on BG] [bold] [reverse] [underline] [dim]` or `role = none`, blank, or `#`
 * comments; colours are `default`, a name (black red green yellow blue magenta cyan white,
 * `bright-` forms) or 0..255. False with err "FILE:LINE: what" on the first problem. */
bool theme_load(theme *t, const char *path, cs_error *err);

/* Finds a theme by name or path: an argument containing '/' or naming an existing file is a
 * path; otherwise themes/NAME in the source tree, then in the installed data directory.
 * Writes the path into out (size n); false with err if none exists. */
bool theme_find(const char *name_or_path, char *out, unsigned n, cs_error *err);

/* The role called key ("cursor"), or -1. */
int theme_role_find(const char *key);

/* The file key and dump code of a role. */
const char *theme_role_key(theme_role r);
char theme_role_code(theme_role r);

/* Maps colour c (-1..255) to the nearest one a terminal with ncolors (8, 16 or 256) has,
 * by the xterm palette's RGB values. -1 stays -1. */
int theme_color_reduce(int c, int ncolors);

/* The lightness (0..255, HSL) of xterm colour c (0..255), -1 for the default colour: what
 * decides whether text on it is drawn dark or light. */
int theme_color_lightness(int c);

#endif
