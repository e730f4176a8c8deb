/* draw: the drawing primitives every view uses. Text is sanitized and measured here, colours
 * come from theme roles, glyphs from the UTF-8 or ASCII set; views never pick colours. */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "ui.h"
#include "comboscope/text.h"

const ui_glyphs ui_glyphs_utf8 = {
    .hline = "─", .vline = "│", .tee_down = "┬", .tee_up = "┴", .cross = "┼",
    .corner_tl = "┌", .corner_tr = "┐", .corner_bl = "└", .corner_br = "┘",
    .arrow_up = "↑", .arrow_down = "↓", .arrow_left = "←", .arrow_right = "→",
    .sort_up = "▲", .sort_down = "▼",
    .ellipsis = "…", .bullet = "•", .check = "✓", .cross_mark = "✗", .plus_minus = "±",
    .minus = "−",
    .half_upper = "▀", .half_lower = "▄", .full_block = "█", .cursor_mark = "◆",
    .shade = {" ", "░", "▒", "▓", "█"},
    .bar = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"},
};

const ui_glyphs ui_glyphs_ascii = {
    .hline = "-", .vline = "|", .tee_down = "+", .tee_up = "+", .cross = "+",
    .corner_tl = "+", .corner_tr = "+", .corner_bl = "+", .corner_br = "+",
    .arrow_up = "^", .arrow_down = "v", .arrow_left = "<", .arrow_right = ">",
    .sort_up = "^", .sort_down = "v",
    .ellipsis = "~", .bullet = "*", .check = "+", .cross_mark = "x", .plus_minus = "+-",
    .minus = "-",
    .half_upper = "\"", .half_lower = ",", .full_block = "#", .cursor_mark = "@",
    .shade = {" ", ".", ":", "*", "#"},
    .bar = {"", "", "", "", "-", "-", "-", "-", "#"},
};

/* ---- colours ---------------------------------------------------------------------------------- */

static ui_caps caps;
static theme cur_theme;
static short role_pair[ROLE_COUNT];
/* Heat pairs are made on first use: (top + 2, bottom + 2), -1 meaning unmeasured and -2 blank
 * (the terminal's background: a cell a filter leaves out). */
static short heat_pair[THEME_HEAT_LEVELS + 2][THEME_HEAT_LEVELS + 2];
/* Text on heat cells, made on first use (ui_heat_text_attr). */
static short text_pair[THEME_HEAT_LEVELS];
static short next_pair;
/* What each pair means, for golden screen dumps: two characters per cell. */
static char pair_code[512][3];

static attr_t attrs_of(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & THEME_BOLD)
        r |= A_BOLD;
    if (a & THEME_REVERSE)
        r |= A_REVERSE;
    if (a & THEME_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & THEME_DIM)
        r |= A_DIM;
    return r;
}

static short tier_color(int c)
{
    return (short)theme_color_reduce(c, caps.colors);
}

/* Attributes a role gets on top of its theme's, when its colour had to change (role_fg). */
static attr_t role_extra[ROLE_COUNT];

/* The foreground of a role on this tier. On 8 colours every grey becomes black or white, and
 * on the default background one of them is the background itself: the Heatmaps' '?' and the
 * "unmeasured" swatch were black on black (dark theme), light greys white on white (light
 * theme). A grey foreground on the default background that does not come out as the normal
 * text's colour takes that colour, dimmed (*extra = A_DIM): still apart from normal text. */
static short role_fg(const theme *t, int r, attr_t *extra)
{
    short fg = tier_color(t->role[r].fg);
    *extra = 0;
    int orig = t->role[r].fg;
    if (caps.colors != 8 || orig < 16 || t->role[r].bg != THEME_DEFAULT_COLOR || (fg != 0 && fg != 7))
        return fg;
    short normal = tier_color(t->role[ROLE_NORMAL].fg);
    if (normal < 0) /* the terminal's own text colour: assume a dark background under a dark theme */
        normal = theme_color_lightness(t->role[ROLE_NUMBER].fg) >= 128 ? 7 : 0;
    if (fg == normal)
        return fg;
    *extra = A_DIM;
    return normal;
}

void ui_colors_init(const ui_caps *c, const theme *t)
{
    caps = *c;
    cur_theme = *t;
    memset(role_pair, 0, sizeof role_pair);
    memset(role_extra, 0, sizeof role_extra);
    memset(heat_pair, 0, sizeof heat_pair);
    memset(text_pair, 0, sizeof text_pair);
    memset(pair_code, 0, sizeof pair_code);
    next_pair = 1;
    if (!caps.colors)
        return;
    start_color();
    use_default_colors(); /* keeps the user's background where a role says "default" */
    for (int r = 0; r < ROLE_COUNT && next_pair < COLOR_PAIRS && next_pair < 512; r++) {
        init_pair(next_pair, role_fg(t, r, &role_extra[r]), tier_color(t->role[r].bg));
        role_pair[r] = next_pair;
        snprintf(pair_code[next_pair], 3, "%c ", theme_role_code((theme_role)r));
        next_pair++;
    }
}

attr_t ui_role_attr(theme_role role)
{
    if (!caps.colors)
        return attrs_of(cur_theme.role[role].attrs);
    return attrs_of(cur_theme.role[role].attrs) | role_extra[role] | COLOR_PAIR(role_pair[role]);
}

static int heat_fg(int level)
{
    return level == -2 ? THEME_DEFAULT_COLOR
         : level < 0 ? cur_theme.role[ROLE_UNMEASURED].fg
                     : cur_theme.role[ROLE_HEAT_N3 + level].fg;
}

static char heat_code(int level)
{
    return level == -2 ? '.' : level < 0 ? 'x' : (char)('1' + level);
}

attr_t ui_heat_attr(int top, int bottom)
{
    if (!caps.colors)
        return A_NORMAL;
    if (top < -2 || top >= THEME_HEAT_LEVELS || bottom < -2 || bottom >= THEME_HEAT_LEVELS)
        return ui_role_attr(ROLE_NORMAL);
    short *p = &heat_pair[top + 2][bottom + 2];
    if (!*p) {
        if (next_pair >= COLOR_PAIRS || next_pair >= 512) /* few pairs: the upper half wins */
            return ui_role_attr(top == -2 ? ROLE_NORMAL : top < 0 ? ROLE_UNMEASURED : (theme_role)(ROLE_HEAT_N3 + top));
        init_pair(next_pair, tier_color(heat_fg(top)), tier_color(heat_fg(bottom)));
        snprintf(pair_code[next_pair], 3, "%c%c", heat_code(top), heat_code(bottom));
        *p = next_pair++;
    }
    return COLOR_PAIR(*p);
}

attr_t ui_heat_text_attr(int level)
{
    if (!caps.colors || level < 0 || level >= THEME_HEAT_LEVELS)
        return ui_role_attr(ROLE_NUMBER);
    short *p = &text_pair[level];
    if (!*p) {
        if (next_pair >= COLOR_PAIRS || next_pair >= 512)
            return ui_role_attr((theme_role)(ROLE_HEAT_N3 + level)) | A_REVERSE;
        short bg = tier_color(cur_theme.role[ROLE_HEAT_N3 + level].fg);
        int light = theme_color_lightness(bg);
        init_pair(next_pair, light >= 0 && light < 128 ? COLOR_WHITE : COLOR_BLACK, bg);
        snprintf(pair_code[next_pair], 3, "=%c", '1' + level);
        *p = next_pair++;
    }
    return COLOR_PAIR(*p);
}

bool ui_heat_glyphs(void)
{
    if (!caps.colors)
        return true;
    for (int l = 0; l < THEME_HEAT_LEVELS; l++)
        if (cur_theme.role[ROLE_HEAT_N3 + l].fg != THEME_DEFAULT_COLOR)
            return false;
    return true;
}

const char *ui_pair_code(int pair)
{
    if (pair <= 0 || pair >= 512 || !pair_code[pair][0])
        return "  ";
    return pair_code[pair];
}

int ui_heat_level(double gain, double full)
{
    if (!(full > 0) || !isfinite(gain))
        return 3;
    double x = gain / full;
    if (fabs(x) < 1.0 / 6)
        return 3;
    int step = fabs(x) < 0.5 ? 1 : fabs(x) < 0.85 ? 2 : 3;
    return x < 0 ? 3 - step : 3 + step;
}

/* ---- text ----------------------------------------------------------------------------------- */

/* Decodes the next character of s into *wc and returns its byte length (at least 1). Anything
 * a terminal could take as a control, any invalid byte, and (in ASCII mode) anything non-ASCII
 * becomes '?'. Zero-width characters come back with *width 0 and are skipped by the caller. */
static size_t next_char(const char *s, wchar_t *wc, int *width)
{
    unsigned char c = (unsigned char)*s;
    if (c < 0x80) {
        *wc = (c < 0x20 || c == 0x7f) ? L'?' : (wchar_t)c;
        *width = 1;
        return 1;
    }
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = mbrtowc(wc, s, strlen(s), &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *wc = L'?';
        *width = 1;
        return 1;
    }
    /* Invisible characters that could disguise a name (bidi overrides, zero-width spaces:
     * text_invisible) are shown, as '?', never applied. */
    if (!caps.utf8 || (*wc >= 0x80 && *wc < 0xa0) || text_invisible((unsigned)*wc)) {
        *wc = L'?';
        *width = 1;
        return n;
    }
    int w = wcwidth(*wc);
    if (w < 0) {
        *wc = L'?';
        w = 1;
    }
    *width = w;
    return n;
}

int ui_text_width(const char *s)
{
    int total = 0;
    while (*s) {
        wchar_t wc;
        int w;
        s += next_char(s, &wc, &w);
        total += w;
    }
    return total;
}

static void put_wide(int y, int x, attr_t at, const wchar_t *buf, int n)
{
    if (n <= 0)
        return;
    attr_set(at & ~A_COLOR, (short)PAIR_NUMBER(at), NULL);
    mvaddnwstr(y, x, buf, n);
    attr_set(A_NORMAL, 0, NULL);
}

int ui_text(int y, int x, int w, theme_role role, const char *s)
{
    if (w <= 0 || y < 0 || y >= LINES || x < 0 || x >= COLS)
        return 0;
    if (x + w > COLS)
        w = COLS - x;
    int total = ui_text_width(s);
    int room = total > w ? w - 1 : w; /* leave a column for the ellipsis when cut */
    wchar_t buf[512];
    int n = 0, used = 0;
    while (*s && n < (int)(sizeof buf / sizeof *buf) - 2) {
        wchar_t wc;
        int cw;
        size_t len = next_char(s, &wc, &cw);
        if (cw == 0) {
            s += len;
            continue;
        }
        if (used + cw > room)
            break;
        buf[n++] = wc;
        used += cw;
        s += len;
    }
    if (total > w && w > 0) {
        wchar_t el;
        int ew;
        next_char(caps.utf8 ? ui_glyphs_utf8.ellipsis : ui_glyphs_ascii.ellipsis, &el, &ew);
        /* a wide character may have left a gap of one column before the ellipsis */
        while (used < w - 1)
            buf[n++] = L' ', used++;
        buf[n++] = el;
        used++;
    }
    put_wide(y, x, ui_role_attr(role), buf, n);
    return used;
}

int ui_text_match(int y, int x, int w, theme_role role, const char *s, const char *needle)
{
    int used = ui_text(y, x, w, role, s);
    size_t n = needle ? strlen(needle) : 0;
    if (n == 0)
        return used;
    char prefix[1024];
    for (const char *p = s; *p; p++) {
        size_t k = 0;
        while (k < n && p[k] && tolower((unsigned char)p[k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k < n)
            continue;
        size_t off = (size_t)(p - s);
        if (off >= sizeof prefix)
            break;
        memcpy(prefix, s, off);
        prefix[off] = '\0';
        int col = ui_text_width(prefix);
        char part[256];
        size_t m = n < sizeof part ? n : sizeof part - 1;
        memcpy(part, p, m);
        part[m] = '\0';
        int pw = ui_text_width(part);
        /* leave the ellipsis of a cut text alone */
        int room = used - col - (ui_text_width(s) > w ? 1 : 0);
        if (room <= 0)
            break;
        ui_text(y, x + col, pw < room ? pw : room, ROLE_MATCH, part);
        p += n - 1;
    }
    return used;
}

int ui_text_right(int y, int x, int w, theme_role role, const char *s)
{
    int tw = ui_text_width(s);
    if (tw < w)
        return ui_text(y, x + w - tw, tw, role, s) + (w - tw);
    return ui_text(y, x, w, role, s);
}

int ui_textf(int y, int x, int w, theme_role role, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return ui_text(y, x, w, role, buf);
}

void ui_fill(int y, int x, int w, theme_role role)
{
    if (y < 0 || y >= LINES || x < 0 || x >= COLS || w <= 0)
        return;
    if (x + w > COLS)
        w = COLS - x;
    attr_t at = ui_role_attr(role);
    attr_set(at & ~A_COLOR, (short)PAIR_NUMBER(at), NULL);
    mvhline(y, x, ' ', w);
    attr_set(A_NORMAL, 0, NULL);
}

void ui_glyph(int y, int x, attr_t attr, const char *glyph)
{
    if (!glyph || !*glyph || y < 0 || y >= LINES || x < 0 || x >= COLS)
        return;
    wchar_t wc;
    int w;
    next_char(glyph, &wc, &w);
    put_wide(y, x, attr, &wc, 1);
}

void ui_glyph_row(int y, int x, int n, attr_t attr, const char *glyph)
{
    for (int i = 0; i < n; i++)
        ui_glyph(y, x + i, attr, glyph);
}

char *ui_fmt_score(char *buf, size_t n, bool has, double v)
{
    if (has)
        snprintf(buf, n, "%.4f", v);
    else
        snprintf(buf, n, "-");
    return buf;
}

char *ui_fmt_gain(char *buf, size_t n, bool has, double v)
{
    if (has)
        snprintf(buf, n, "%+.4f", fabs(v) < 5e-5 ? 0.0 : v);
    else
        snprintf(buf, n, "-");
    return buf;
}

/* ---- golden screen dumps ---------------------------------------------------------------------- */

static bool dump_header_done;

void ui_dump(FILE *out, const char *title)
{
    fprintf(out, "=== %s (%dx%d)\n", title, COLS, LINES);
    if (!dump_header_done) {
        /* the capability tiers once per run, so that a golden file says what it was drawn for */
        if (caps.colors) {
            fprintf(out, "--- %d colours, %s\n", caps.colors, caps.utf8 ? "UTF-8" : "ASCII");
            /* the colours each role got on this terminal (after reduction to its tier) */
            fprintf(out, "--- role colours (fg/bg):");
            for (int r = 0; r < ROLE_COUNT; r++) {
                short fg = -1, bg = -1;
                if (role_pair[r])
                    pair_content(role_pair[r], &fg, &bg);
                fprintf(out, " %c=%d/%d", theme_role_code((theme_role)r), fg, bg);
            }
            fprintf(out, "\n");
        } else
            fprintf(out, "--- no colour, %s\n", caps.utf8 ? "UTF-8" : "ASCII");
        dump_header_done = true;
    }
    char line[4096];
    for (int y = 0; y < LINES; y++) {
        size_t k = 0;
        for (int x = 0; x < COLS; x++) {
            cchar_t cc;
            wchar_t wch[CCHARW_MAX + 1];
            attr_t at;
            short pair;
            if (mvin_wch(y, x, &cc) == ERR || getcchar(&cc, wch, &at, &pair, NULL) == ERR) {
                line[k++] = '?';
                continue;
            }
            if (wch[0] == L'\0')
                wch[0] = L' ';
            if (wcwidth(wch[0]) == 2)
                x++; /* the next cell is the second column of this character */
            char mb[MB_LEN_MAX * (CCHARW_MAX + 1)];
            mbstate_t st;
            memset(&st, 0, sizeof st);
            size_t m = wcrtomb(mb, wch[0], &st);
            if (m == (size_t)-1) {
                mb[0] = '?';
                m = 1;
            }
            if (k + m < sizeof line - 1) {
                memcpy(line + k, mb, m);
                k += m;
            }
        }
        while (k > 0 && line[k - 1] == ' ')
            k--;
        line[k] = '\0';
        fprintf(out, "%s\n", line);
    }
    if (caps.colors) {
        fprintf(out, "--- colour roles, two characters per cell (role letter, or heat levels)\n");
        for (int y = 0; y < LINES; y++) {
            size_t k = 0;
            for (int x = 0; x < COLS; x++) {
                cchar_t cc;
                wchar_t wch[CCHARW_MAX + 1];
                attr_t at;
                short pair = 0;
                if (mvin_wch(y, x, &cc) != ERR)
                    getcchar(&cc, wch, &at, &pair, NULL);
                if (k + 2 >= sizeof line)
                    break; /* a screen wider than the line buffer: its right part is not dumped */
                memcpy(line + k, ui_pair_code(pair), 2);
                k += 2;
            }
            while (k > 0 && line[k - 1] == ' ')
                k--;
            line[k] = '\0';
            fprintf(out, "%s\n", line);
        }
    } else {
        fprintf(out, "--- attributes per cell (r reverse, b bold, u underline, d dim, R bold+reverse, "
                     "U bold+underline, * other)\n");
        for (int y = 0; y < LINES; y++) {
            size_t k = 0;
            for (int x = 0; x < COLS; x++) {
                cchar_t cc;
                wchar_t wch[CCHARW_MAX + 1];
                attr_t at = 0;
                short pair;
                if (mvin_wch(y, x, &cc) != ERR)
                    getcchar(&cc, wch, &at, &pair, NULL);
                at &= (A_BOLD | A_REVERSE | A_UNDERLINE | A_DIM);
                char c = at == 0                           ? ' '
                         : at == A_REVERSE                 ? 'r'
                         : at == A_BOLD                    ? 'b'
                         : at == A_UNDERLINE               ? 'u'
                         : at == A_DIM                     ? 'd'
                         : at == (A_BOLD | A_REVERSE)      ? 'R'
                         : at == (A_BOLD | A_UNDERLINE)    ? 'U'
                                                           : '*';
                if (k + 1 >= sizeof line)
                    break;
                line[k++] = c;
            }
            while (k > 0 && line[k - 1] == ' ')
                k--;
            line[k] = '\0';
            fprintf(out, "%s\n", line);
        }
    }
    fflush(out); /* a test that kills the program reads every screen it dumped */
}

/* The wrapping of ui_text_wrap and ui_text_wrap_part: lines first .. first + max_lines - 1 drawn
 * from (y, x) (none with max_lines 0); with ellipsis, the last drawn line ends in one when text is
 * left over. Returns how many lines the whole text takes. */
static int text_wrap(int y, int x, int w, int first, int max_lines, bool ellipsis, theme_role role, const char *s)
{
    if (w < 1)
        return 0;
    int lines = 0;
    char line[1024];
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        /* the longest run of words that fits w columns, breaking at a space or after the '+' of
         * a combination (A+B+C reads whole across lines); a word longer than w is cut */
        size_t fit = 0, last_space = 0, after_plus = 0, i = 0;
        int width = 0;
        while (s[i]) {
            size_t clen = 1;
            while (((unsigned char)s[i + clen] & 0xC0) == 0x80)
                clen++;
            if (s[i] == ' ')
                last_space = i;
            if (width + 1 > w)
                break;
            width++;
            if (s[i] == '+' && i > 0 && s[i - 1] != ' ' && s[i + 1] && s[i + 1] != ' ') /* infix, not +A */
                after_plus = i + 1;
            i += clen;
            fit = i;
        }
        size_t brk = after_plus > last_space ? after_plus : last_space;
        size_t take = !s[fit] ? fit : brk > 0 ? brk : fit;
        if (take >= sizeof line)
            take = sizeof line - 1;
        if (lines >= first && lines < first + max_lines) {
            bool last = ellipsis && lines == first + max_lines - 1 && s[take] && s[take + strspn(s + take, " ")];
            memcpy(line, s, take);
            line[take] = '\0';
            if (last) { /* more text than lines: the last one says so */
                ui_text(y + lines - first, x, w - 1, role, line);
                ui_glyph(y + lines - first, x + w - 1, ui_role_attr(ROLE_DIM), caps.utf8 ? "…" : "~");
                return lines + 1;
            }
            ui_text(y + lines - first, x, w, role, line);
        }
        lines++;
        s += take;
    }
    return lines;
}

int ui_text_wrap(int y, int x, int w, int max_lines, theme_role role, const char *s)
{
    if (max_lines < 1)
        return 0;
    int n = text_wrap(y, x, w, 0, max_lines, true, role, s);
    return n < max_lines ? n : max_lines;
}

int ui_text_wrap_part(int y, int x, int w, int first, int max_lines, theme_role role, const char *s)
{
    return text_wrap(y, x, w, first < 0 ? 0 : first, max_lines < 0 ? 0 : max_lines, false, role, s);
}
