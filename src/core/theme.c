/* theme: parsing theme files and reducing colours to what a terminal has. No curses here. */
#include "comboscope/theme.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comboscope/text.h"
#include "comboscope/fileio.h"

static const struct role_info {
    const char *key;
    char code;
    short fg, bg;
    unsigned attrs, mono;
} roles[ROLE_COUNT] = {
#define THEME_ROLE_INFO(id, key, code, fg, bg, attrs, mono) {key, code, fg, bg, attrs, mono},
    THEME_ROLES(THEME_ROLE_INFO)
#undef THEME_ROLE_INFO
};

void theme_default(theme *t)
{
    snprintf(t->name, sizeof t->name, "dark");
    for (int r = 0; r < ROLE_COUNT; r++)
        t->role[r] = (theme_style){roles[r].fg, roles[r].bg, roles[r].attrs};
}

void theme_mono(theme *t)
{
    snprintf(t->name, sizeof t->name, "mono");
    for (int r = 0; r < ROLE_COUNT; r++)
        t->role[r] = (theme_style){THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, roles[r].mono};
}

int theme_role_find(const char *key)
{
    for (int r = 0; r < ROLE_COUNT; r++)
        if (strcmp(roles[r].key, key) == 0)
            return r;
    return -1;
}

const char *theme_role_key(theme_role r) { return roles[r].key; }
char theme_role_code(theme_role r) { return roles[r].code; }

static const char *const color_names[8] = {"black", "red", "green", "yellow",
                                           "blue", "magenta", "cyan", "white"};

/* A colour word: "default", a name, "bright-NAME", or 0..255. -2 if not a colour. */
static int parse_color(const char *w)
{
    if (strcmp(w, "default") == 0)
        return THEME_DEFAULT_COLOR;
    for (int i = 0; i < 8; i++) {
        if (strcmp(w, color_names[i]) == 0)
            return i;
        if (strncmp(w, "bright-", 7) == 0 && strcmp(w + 7, color_names[i]) == 0)
            return 8 + i;
    }
    if (isdigit((unsigned char)*w)) {
        char *end;
        long v = strtol(w, &end, 10);
        if (!*end && v >= 0 && v <= 255)
            return (int)v;
    }
    return -2;
}

static int parse_attr(const char *w)
{
    static const struct { const char *name; int bit; } attrs[] = {
        {"bold", THEME_BOLD}, {"reverse", THEME_REVERSE},
        {"underline", THEME_UNDERLINE}, {"dim", THEME_DIM},
    };
    for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++)
        if (strcmp(w, attrs[i].name) == 0)
            return attrs[i].bit;
    return 0;
}

/* Parses the words after '=' of one line into *st. NULL on success, else what is wrong. */
static const char *parse_style(char *spec, theme_style *st, char *why, size_t nwhy)
{
    theme_style s = {THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0};
    int colors = 0; /* 0: expecting fg, 1: fg seen, 2: expecting bg after "on", 3: bg seen */
    bool any = false;
    for (char *w = strtok(spec, " \t"); w; w = strtok(NULL, " \t")) {
        any = true;
        int c, a;
        if (strcmp(w, "none") == 0) {
            continue;
        } else if (strcmp(w, "on") == 0) {
            if (colors == 2 || colors == 3)
                return "'on' given twice";
            colors = 2;
        } else if ((a = parse_attr(w)) != 0) {
            s.attrs |= (unsigned)a;
        } else if ((c = parse_color(w)) != -2) {
            if (colors == 0)
                s.fg = (short)c, colors = 1;
            else if (colors == 2)
                s.bg = (short)c, colors = 3;
            else {
                char safe[41];
                snprintf(why, nwhy, "unexpected colour '%s' (write FG on BG)",
                         text_sanitize(w, safe, sizeof safe));
                return why;
            }
        } else {
            /* The word comes from the file: no escape sequence may reach the terminal. */
            char safe[41];
            snprintf(why, nwhy, "unknown colour or attribute '%s'", text_sanitize(w, safe, sizeof safe));
            return why;
        }
    }
    if (!any)
        return "missing a style after '='";
    if (colors == 2)
        return "missing a colour after 'on'";
    *st = s;
    return NULL;
}

bool theme_load(theme *t, const char *path, cs_error *err)
{
    FILE *f = file_fopen_read(path, NULL, err);
    if (!f)
        return false;
    char line[1024], why[160];
    long lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            ok = error_set(err, path, lineno, 0, "line too long");
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        char *end = p + strlen(p);
        while (end > p && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if (!*p)
            continue;
        char *eq = strchr(p, '=');
        if (!eq) {
            ok = error_set(err, path, lineno, 0, "expected 'role = style'");
            break;
        }
        *eq = '\0';
        char *key_end = eq;
        while (key_end > p && isspace((unsigned char)key_end[-1]))
            *--key_end = '\0';
        if (strcmp(p, "name") == 0) {
            char *v = eq + 1;
            while (isspace((unsigned char)*v))
                v++;
            snprintf(t->name, sizeof t->name, "%s", v);
            continue;
        }
        int r = theme_role_find(p);
        if (r < 0) {
            char safe[61];
            ok = error_set(err, path, lineno, 0, "unknown role '%s'", text_sanitize(p, safe, sizeof safe));
            break;
        }
        const char *bad = parse_style(eq + 1, &t->role[r], why, sizeof why);
        if (bad)
            ok = error_set(err, path, lineno, 0, "%s", bad);
    }
    if (ok && ferror(f))
        ok = error_set(err, path, 0, 0, "read error");
    fclose(f);
    return ok;
}

static bool readable_file(const char *p)
{
    return access(p, R_OK) == 0;
}

bool theme_find(const char *arg, char *out, unsigned n, cs_error *err)
{
    if (strchr(arg, '/') || readable_file(arg)) {
        if (!readable_file(arg))
            return error_set(err, arg, 0, 0, "cannot open theme: %s", strerror(errno));
        snprintf(out, n, "%s", arg);
        return true;
    }
    for (const char *p = arg; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return error_set(err, NULL, 0, 0, "theme '%.60s': not a theme name or file", arg);
    const char *dirs[] = {"themes", COMBOSCOPE_DATADIR "/themes"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        snprintf(out, n, "%s/%s", dirs[i], arg);
        if (readable_file(out))
            return true;
    }
    return error_set(err, NULL, 0, 0, "theme '%.60s': no such theme (looked in themes/ and %s/themes)",
                     arg, COMBOSCOPE_DATADIR);
}

/* The xterm palette: the 16 system colours, the 6x6x6 cube and the grey ramp. */
static void color_rgb(int c, int rgb[3])
{
    static const unsigned char sys[16][3] = {
        {0, 0, 0},       {205, 0, 0},   {0, 205, 0},   {205, 205, 0},
        {0, 0, 238},     {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
        {127, 127, 127}, {255, 0, 0},   {0, 255, 0},   {255, 255, 0},
        {92, 92, 255},   {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
    };
    if (c < 16) {
        for (int i = 0; i < 3; i++)
            rgb[i] = sys[c][i];
    } else if (c < 232) {
        static const int level[6] = {0, 95, 135, 175, 215, 255};
        c -= 16;
        rgb[0] = level[c / 36];
        rgb[1] = level[(c / 6) % 6];
        rgb[2] = level[c % 6];
    } else {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
    }
}

int theme_color_lightness(int c)
{
    if (c < 0 || c > 255)
        return -1;
    int rgb[3];
    color_rgb(c, rgb);
    int hi = rgb[0], lo = rgb[0];
    for (int k = 1; k < 3; k++) {
        if (rgb[k] > hi)
            hi = rgb[k];
        if (rgb[k] < lo)
            lo = rgb[k];
    }
    return (hi + lo) / 2;
}

/* Nearest by RGB distance would turn most pastel colours into greys (xterm's system colours are
 * far apart), so that "good" and "bad" would look the same. Instead: greys stay greys by
 * lightness; any colour with a visible tint keeps its hue (the nearest of the six ANSI hues)
 * and takes the bright variant when light. */
int theme_color_reduce(int c, int ncolors)
{
    if (c < 0 || c < ncolors || ncolors >= 256)
        return c;
    if (c < 16) /* a bright system colour on an 8-colour terminal */
        return c - 8;
    int rgb[3];
    color_rgb(c, rgb);
    int hi = rgb[0], lo = rgb[0];
    for (int k = 1; k < 3; k++) {
        if (rgb[k] > hi)
            hi = rgb[k];
        if (rgb[k] < lo)
            lo = rgb[k];
    }
    int light = (hi + lo) / 2;
    bool sixteen = ncolors >= 16;
    if (hi - lo < 32) { /* a grey */
        if (sixteen)
            return light < 60 ? 0 : light < 160 ? 8 : light < 230 ? 7 : 15;
        return light < 80 ? 0 : 7;
    }
    /* hue in degrees, then the nearest ANSI hue: red 0, yellow 60, green 120, cyan 180,
     * blue 240, magenta 300 (ANSI numbers 1, 3, 2, 6, 4, 5) */
    double r = rgb[0], g = rgb[1], b = rgb[2], d = hi - lo, h;
    if (hi == rgb[0])
        h = 60 * ((g - b) / d);
    else if (hi == rgb[1])
        h = 60 * ((b - r) / d + 2);
    else
        h = 60 * ((r - g) / d + 4);
    if (h < 0)
        h += 360;
    static const int ansi_of_sector[6] = {1, 3, 2, 6, 4, 5};
    int sector = (int)((h + 30) / 60) % 6;
    int base = ansi_of_sector[sector];
    return sixteen && light > 150 ? base + 8 : base;
}
