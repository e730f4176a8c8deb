/* ui: the explorer's internal interface, shared by the app loop (app.c), the drawing
 * primitives (draw.c), the key table (keys.c) and the views (view_*.c). Only src/ui includes
 * curses. See src/ui/README.md for how to add a view and a golden screen test.
 *
 * Ownership: the app owns the terminal, the study and the current target; each view owns the
 * private state its init returns; the core owns the data and computes what views show. */
#ifndef COMBOSCOPE_UI_H
#define COMBOSCOPE_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <curses.h>

#include "actions.h"
#include "comboscope/explorer.h"
#include "comboscope/journal.h"
#include "comboscope/study.h"
#include "comboscope/theme.h"

/* ---- views -------------------------------------------------------------------------------- */

/* View numbers are the keys that select them; 0 is unused. */
enum view_id {
    VIEW_STUDY = 1,
    VIEW_LATTICE = 2,
    VIEW_HEATMAPS = 3,
    VIEW_ROUND = 4,
    VIEW_HISTORY = 5,
    VIEW_TABLE = 6,
    VIEW_MAX = 7,
};

/* Bits a handler returns: the loop repaints only when something asks for it. */
enum {
    UI_UNHANDLED = 0,
    UI_HANDLED = 1 << 0, /* the action was used */
    UI_REDRAW = 1 << 1,  /* the screen must be drawn again */
    UI_QUIT = 1 << 2,    /* leave the program */
};

/* The area a view draws in (the screen minus the tab bar and the status line). */
typedef struct ui_rect {
    int y, x, h, w;
} ui_rect;

struct app;

/* PROMPT_SEARCH belongs to the app (the `/` search, see the search op); views open the others.
 * PROMPT_CONFIRM: a question in the status line (its label) answered by one key: the view's
 * prompt op gets done with text "y" for y and "" for any other key. */
enum prompt_kind { PROMPT_NONE, PROMPT_SEARCH, PROMPT_FILTER, PROMPT_TEXT /* free text: a reason, a note */,
                   PROMPT_CONFIRM, PROMPT_EXPORT /* the app's: a file name for app_export_prompt */ };

/* How a search op is asked to look: the incremental edits of `/` (the cursor's own item may
 * answer), n (the next match) and N (the previous one). */
enum search_step { SEARCH_TYPED, SEARCH_NEXT, SEARCH_PREV };

/* One view, one file, one ops table. Called in this order: init once when the view is first
 * shown; then any number of draw / action / prompt / target calls; done at exit.
 *   name    tab-bar title;  scope  the scope of its keys in the action table.
 *   init    returns the view's private state (owned by the view, freed by done).
 *   draw    paints the whole of r with the ui_* primitives (the screen is erased before);
 *           must not call refresh: the loop does one doupdate() per frame.
 *   action  handles one action; returns UI_* bits (UI_UNHANDLED lets the global meaning run).
 *   prompt  (optional) called on every edit of a prompt the view opened, with the text so far;
 *           done is true once Enter was pressed, cancelled once Esc was (text is then "").
 *   target  (optional) the current target changed (app->target).
 *   click   (optional, --mouse) a button-1 click at screen cell (y, x) inside r.
 *   scope_now (optional) the scope of the keys right now, when a mode of the view (an editor)
 *           has keys of its own; NULL: always `scope`.
 *   show    (optional) the view is about to be shown (switched to): work put off until then
 *           (the Round view's fit after a target change) is done here, before the frame.
 *   reload  (optional) the study was reloaded (results came back): drop anything derived
 *           from the old one. Views without it are closed and opened again.
 *   search  (optional) `/`, n and N in this view. The app owns the prompt, the text (one per
 *           view: app_search_text) and the messages; the op looks for an item that text
 *           matches (find.h: find_words, find_combo, find_next) from the cursor: SEARCH_TYPED
 *           lets the cursor's own item answer, SEARCH_NEXT / SEARCH_PREV move on, wrapping.
 *           It moves the cursor and returns true, or returns false (the app says "not found").
 *           It may app_message where the match is ("match 2 of 5"). Views draw matches with
 *           ui_text_match(..., app_search_text(a, ID)). A view without it still gets the prompt,
 *           so that what is typed after `/` is never run as keys, and "no search in this view".
 *   keep each view's search in one small function next to its ops table. */
struct view_ops {
    const char *name;
    enum view_id id;
    enum action_scope scope;
    void *(*init)(struct app *app);
    void (*draw)(struct app *app, void *state, ui_rect r);
    int (*action)(struct app *app, void *state, enum action a);
    int (*prompt)(struct app *app, void *state, enum prompt_kind kind, const char *text,
                  bool done, bool cancelled);
    void (*target)(struct app *app, void *state);
    int (*click)(struct app *app, void *state, ui_rect r, int y, int x);
    enum action_scope (*scope_now)(struct app *app, void *state);
    void (*reload)(struct app *app, void *state);
    void (*show)(struct app *app, void *state);
    bool (*search)(struct app *app, void *state, const char *text, enum search_step step);
    void (*done)(void *state);
};

extern const struct view_ops view_study_ops;
extern const struct view_ops view_lattice_ops;
extern const struct view_ops view_heatmap_ops;
extern const struct view_ops view_table_ops;
extern const struct view_ops view_round_ops;
extern const struct view_ops view_history_ops;

/* ---- capabilities and glyphs ---------------------------------------------------------------- */

/* Glyphs for UTF-8 and for plain ASCII terminals. Ramps go from empty to full. */
typedef struct ui_glyphs {
    const char *hline, *vline, *tee_down, *tee_up, *cross;
    const char *corner_tl, *corner_tr, *corner_bl, *corner_br;
    const char *arrow_up, *arrow_down, *arrow_left, *arrow_right;
    const char *sort_up, *sort_down;
    const char *ellipsis, *bullet, *check, *cross_mark, *plus_minus, *minus;
    const char *half_upper, *half_lower, *full_block; /* ASCII: "^", "_"/"," and "#" */
    const char *cursor_mark; /* the Lattice cursor, in the colour of the cell it is on */
    const char *shade[5]; /* " ", light, medium, dark, full: no-colour heat ramp */
    const char *bar[9];   /* horizontal bar eighths: "", 1/8 .. 8/8 (ASCII: "" .. "#") */
} ui_glyphs;

extern const ui_glyphs ui_glyphs_utf8;
extern const ui_glyphs ui_glyphs_ascii;

typedef struct ui_caps {
    int colors; /* 256, 16, 8, or 0 for no colour */
    bool utf8;  /* draw UTF-8 glyphs and text; false: ASCII only */
    bool mouse;
} ui_caps;

/* ---- the app ---------------------------------------------------------------------------------- */

#define UI_MIN_COLS 60
#define UI_MIN_LINES 16

typedef struct app {
    study *study;
    int target;  /* dataset index of the current target */
    int target_pos; /* its position in study->targets */
    ui_caps caps;
    const ui_glyphs *g;
    theme theme;
    enum view_id view;   /* the view shown */
    bool help;           /* the help screen is over the view */
    int help_top;        /* help scroll position */
    void *state[VIEW_MAX];
    char message[256];   /* one-line message in the status bar until the next key */
    bool message_error;
    /* the prompt (search or filter) in the status line, if open */
    enum prompt_kind prompt;
    enum view_id prompt_view;
    char prompt_label[200];
    char prompt_text[1024]; /* a reason or a note may be a few sentences */
    char search[VIEW_MAX][128]; /* the last `/` text of each view (n and N look for it again) */
    char search_before[128];    /* the view's search text when `/` was pressed (Esc restores it) */
    /* the target chooser overlay */
    bool chooser;
    int chooser_pos;
    ui_rect body;        /* where the current view was last drawn (for paging) */
    int tab_x0[VIEW_MAX], tab_x1[VIEW_MAX]; /* tab bar columns of each view (for clicks) */
    const explorer_options *opt;
    /* Predicted scores for the metric in use (lattice.h), set by whoever owns a fitted
     * predictor (the search engine); NULL until then. The Lattice view draws them apart from
     * measurements. */
    const struct lattice_predictions *predictions;
    /* The journal, its lock, the current round and results coming back (round.h). */
    struct round_session *session;
    bool dump_notices;   /* golden-test mode: each busy notice also dumps the screen */
    bool quitting;       /* q was pressed while sbatch or scancel was out: leave once it answered */
    char fit_label[128]; /* what the fit running now is ("fitting ensemble on N runs") */
    int ahead[32];       /* keys typed during a fit, handled after it */
    int n_ahead;
    /* A linked jump (app_show_combo): the view that is to select focus_combo the next time it
     * draws (VIEW_LATTICE: its cursor; VIEW_TABLE: that combination's rows); 0 for none. */
    enum view_id focus_view;
    combo_t focus_combo;
    /* the export the PROMPT_EXPORT prompt names a file for (app_export_prompt) */
    int export_kind, export_metric, export_target;
} app;

/* Fits with at least this many runs get a notice first (about 0.1 s with the ensemble). */
#define APP_FIT_NOTICE_RUNS 200

/* The ops of view id, or NULL if that view does not exist (yet). */
const struct view_ops *app_view_ops(enum view_id id);

/* Sets the current target (a dataset index that is one of the study's targets) and tells every
 * view that has been opened. */
void app_set_target(app *a, int dataset);

/* Whether dataset is one of the study's targets. */
bool app_is_study_target(const app *a, int dataset);

/* Makes dataset the current target: one of the study's targets (app_set_target), or any other
 * dataset with scores, explored in the Study, Lattice, Heatmaps and Table views with a note
 * that it is not one of the study's targets (the Round view goes back to the last study
 * target). False, with a message, for a dataset without scores. */
bool app_explore_target(app *a, int dataset);

/* Shows combination c in view id (VIEW_LATTICE or VIEW_TABLE) and switches to it: the linked
 * jump between views. dataset (-1: none) is the dataset the combination was scored for; when it
 * is one of the study's targets other than the current one, it becomes the current target.
 * Returns UI_* bits. */
int app_show_combo(app *a, enum view_id id, combo_t c, int dataset);

/* Asks in the status line for a file name (default_name offered) and writes there, as CSV, all
 * of what view kind (export.h's export_kind) shows for metric and target (-1: every row):
 * through the atomic writer, relative to the study's directory and confined to it (no links,
 * no ".."). Says "wrote FILE: N rows" or why not. Returns UI_* bits. */
int app_export_prompt(app *a, int kind, int metric, int target, const char *default_name);

/* Shows a one-line message in the status bar until the next key (printf-style). */
void app_message(app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The session's study changed (a reload after results came back): a->study follows it and
 * every open view is told (reload op) or closed, to be opened again when shown. */
void app_study_reloaded(app *a);

/* Before a call that may fit the predictor for target (round_propose and its kin): when the
 * round model says the fit takes APP_FIT_NOTICE_RUNS runs or more, draws "fitting KIND on N
 * runs..." in the status line and sends it to the terminal at once, so that the wait is
 * explained. kind is the predictor about to be fitted. */
void app_notice_fit(app *a, int target, int kind);

/* Opens a prompt in the status line for the current view (its prompt op gets every edit).
 * kind is PROMPT_TEXT or PROMPT_FILTER: `/` (PROMPT_SEARCH) is the app's, see the search op. */
void app_prompt_open(app *a, enum prompt_kind kind, const char *label, const char *initial);

/* The search text of view id ("" when none): what its draw marks with ui_text_match. */
const char *app_search_text(const app *a, enum view_id id);

/* ---- the Round view's runs list (round_runs.c) -------------------------------------------------- */

enum round_runs_ask { ROUND_RUNS_ASK_NONE, ROUND_RUNS_ASK_CANCEL, ROUND_RUNS_ASK_WITHDRAW };

/* The runs list's state, held by the Round view (R opens it over the batch). */
typedef struct round_runs_view {
    bool open;
    size_t cursor, top;    /* index into journal.runs */
    bool log;              /* the last lines of the selected run's log are shown */
    enum round_runs_ask ask; /* a y/N question is open about ask_run */
    char ask_run[JOURNAL_RUN_MAX];
} round_runs_view;

/* Opens the list with the cursor on the first run of the latest round. */
void round_runs_open(app *a, round_runs_view *v);
/* The id of the run under the cursor, or NULL when there are none. */
const char *round_runs_current(app *a, const round_runs_view *v);
/* Paints the list in r (every run, its state and what it means, the selected run's engine,
 * job and log), as a view's draw does. */
void round_runs_draw(app *a, round_runs_view *v, ui_rect r);
/* Handles an action of the list's scope (SCOPE_RUNS) or a movement; UI_* bits. Cancel and
 * withdraw ask y/N first (a PROMPT_CONFIRM whose answer goes to round_runs_prompt). */
int round_runs_action(app *a, round_runs_view *v, enum action act);
/* The answer to the list's question ("y" or ""): carries out or drops the cancel/withdraw. */
int round_runs_prompt(app *a, round_runs_view *v, const char *text);
/* `/` while the list is open: the next run whose id, state or combination's members match
 * text (as the search op). */
bool round_runs_search(app *a, round_runs_view *v, const char *text, enum search_step step);

/* ---- drawing primitives (draw.c) --------------------------------------------------------------- */

/* Starts colours for the capability tier and theme: one pair per role. Call after initscr. */
void ui_colors_init(const ui_caps *caps, const theme *t);

/* The curses attributes of a role (colour pair and attributes) under the current tier. */
attr_t ui_role_attr(theme_role role);

/* The attributes of a half-block heat cell: upper half level `top`, lower half `bottom`
 * (0..THEME_HEAT_LEVELS-1, -1 for an unmeasured half, -2 for a blank one: the terminal's
 * background), drawn with g->half_upper. In no-colour
 * mode this returns plain attributes: use the shade ramp instead. */
attr_t ui_heat_attr(int top, int bottom);

/* The attributes of text drawn on a heat cell of level (0..THEME_HEAT_LEVELS-1): the heat colour
 * as background, black or white text by its lightness, so numbers on filled cells read in every
 * theme. Dumped as "=" and the level. Without colour: the number role. */
attr_t ui_heat_text_attr(int level);

/* True when heat must be drawn with the shade ramp (g->shade) rather than colours: no colour,
 * or a theme (such as mono) whose heat roles have no colours. */
bool ui_heat_glyphs(void);

/* Display width of UTF-8 text s as drawn (control characters count as the '?' they become,
 * invalid bytes as one '?'; in ASCII mode every non-ASCII character is one '?'). */
int ui_text_width(const char *s);

/* Draws s at (y, x) in role, clipped to w columns (an ellipsis marks cut text), measuring wide
 * characters. Control characters are replaced, so text from files is safe to pass.
 * Returns the columns used. */
int ui_text(int y, int x, int w, theme_role role, const char *s);

/* ui_text, with every occurrence of needle (ignoring ASCII case; NULL or "": none) drawn in
 * ROLE_MATCH: how a search shows what it found. */
int ui_text_match(int y, int x, int w, theme_role role, const char *s, const char *needle);

/* The same, right-aligned in w columns. */
int ui_text_right(int y, int x, int w, theme_role role, const char *s);

/* Draws s from (y, x) wrapped at spaces into lines of w columns, at most max_lines of them (the
 * last ends in an ellipsis when text is left over). Returns the lines used. */
int ui_text_wrap(int y, int x, int w, int max_lines, theme_role role, const char *s);

/* Part of s wrapped as ui_text_wrap does: its lines first .. first + max_lines - 1, the first of
 * them at (y, x); max_lines 0 draws nothing. Returns how many lines the whole text takes, so that
 * a view can scroll through wrapped text. */
int ui_text_wrap_part(int y, int x, int w, int first, int max_lines, theme_role role, const char *s);

/* printf into ui_text. */
int ui_textf(int y, int x, int w, theme_role role, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Fills w columns at (y, x) with blanks in role (for bars and highlighted rows). */
void ui_fill(int y, int x, int w, theme_role role);

/* Draws one glyph (a g-> string, one column wide) at (y, x) with raw curses attributes. */
void ui_glyph(int y, int x, attr_t attr, const char *glyph);

/* Draws n copies of glyph in a row. */
void ui_glyph_row(int y, int x, int n, attr_t attr, const char *glyph);

/* Formats a score and a gain the same way in every view ("0.8510", "+0.0070"; "-" if missing). */
char *ui_fmt_score(char *buf, size_t n, bool has, double v);
char *ui_fmt_gain(char *buf, size_t n, bool has, double v);

/* The heat level (0..THEME_HEAT_LEVELS-1) of a gain on a scale where |gain| >= full is the
 * end of the scale; 3 is the zero level. */
int ui_heat_level(double gain, double full);

/* Two-character code of colour pair `pair` for golden dumps (role letter and a blank, or the
 * two heat levels of a half-block cell, 'x' for unmeasured). */
const char *ui_pair_code(int pair);

/* Writes the screen to out as text, then colour roles per cell (colour) or attributes per cell
 * (no colour): the golden screen format. */
void ui_dump(FILE *out, const char *title);

/* ---- keys (keys.c) ------------------------------------------------------------------------------ */

/* The curses key code of a key name from the action table ("Up", "k", "^L"), or -1. */
int ui_key_code(const char *name);

/* The action bound to key code c in scope (its own keys first, then the global ones; the
 * PROMPT scope alone). */
enum action ui_key_action(int c, enum action_scope scope);

/* The table, ACTION_COUNT - 1 rows. */
extern const struct action_info ui_actions[];
extern const char *const ui_scope_titles[SCOPE_COUNT];

/* ---- the help screen (view_help.c) --------------------------------------------------------------- */

/* Draws the help for scope (its keys, then the global ones) in r, scrolled by *top. */
void view_help_draw(app *a, enum action_scope scope, ui_rect r, int *top);

/* Number of lines the help for scope has. */
int view_help_lines(enum action_scope scope);

#endif
