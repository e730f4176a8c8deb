/* view_lattice: every combination that contains the current target, coloured by measured gain.
 *
 * Two layouts of the same lattice (core: lattice.h):
 *   grid     the Gray-code grid: neighbouring cells differ by one dataset, so the arrow keys
 *            add or remove one dataset each. Each character holds two cells, one above the
 *            other, so 12 datasets (64 x 32 cells) fit in 64 x 16 characters in every mode:
 *            - UTF-8 and colour: a half block, upper cell in the foreground colour, lower in
 *              the background, each the heat of its gain.
 *            - ASCII or no colour: a pair glyph (pair_glyphs below). Colour or shade cannot
 *              give each half its own heat there, so the glyph answers the question one asks
 *              of the whole lattice, "where is it good?": each half is good (gain above the
 *              cut: > 0, the top 10% or the top 1% of measured gains, cycled with a key),
 *              measured but not good, or not measured. Dots mark good (bold, or the heat
 *              colour of the better half), blank is measured but not good, lines are
 *              unmeasured (dim or grey: a quiet texture that still shows the grid's extent
 *              in a study that has measured little), '+' or '~' a prediction
 *              (predicted good or not, see below). So the good region
 *              reads as dots on a clean ground. Half blocks alone (filled or not) cannot
 *              hold three states per half, hence ASCII glyphs in UTF-8 too: they read the
 *              same in every font.
 *            The zoom key shows one cell per character instead (a ramp glyph, coloured when
 *            colours exist): every gain's level, a page at a time (each page a sub-lattice,
 *            its fixed datasets named in the title). Any grid larger than the screen (13 or
 *            more datasets) is paged the same way.
 *   by size  one column block per combination size, best first: a Hasse diagram flattened so
 *            that how gains grow with size can be read at a glance. Half blocks with colour,
 *            else one cell per character (the ramp; see cells_per_char). Left and right take the
 *            best measured step down or up (a greedy walk); up and down walk the order.
 * The side panel shows the combination under the cursor, and the list below the grid shows
 * every neighbour, sorted by what the move does. Nothing is computed here beyond layout:
 * scores, gains, neighbours and orders come from the core.
 * Predictions: when the app holds a predictor's scores (app.predictions, the lattice.h hook),
 * unmeasured cells with a prediction take the predicted role (never a heat colour, so that a
 * prediction cannot pass for a measurement), told apart by the predicted gain under the same
 * cut (core: lattice_cutoff_good): bold half blocks or '+' where the predictor expects a gain
 * that passes it, dots or '~' where not, so that a lattice predicted almost everywhere is not
 * one flat wall. The panel and the list mark predictions with '~'; the legend names them only
 * while some are on screen. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "comboscope/find.h"
#include "comboscope/lattice.h"
#include "comboscope/text.h"
#include "ui.h"

typedef struct lattice_view {
    int target; /* the target the layouts were built for */
    int metric; /* the metric shown (index into study.metrics) */
    bool by_size;
    combo_t cursor;
    lattice_grid grid;
    lattice_scale scale;
    lattice_hasse hasse;
    bool hasse_ready;
    int toggle_match; /* the dataset the toggle prompt's text names, -1 for none */
    bool toggling;    /* the toggle prompt is open */
    bool zoom;        /* one cell per character (the ramp) rather than two */
    lattice_cut cut;  /* what is called good (pair glyphs, predictions): cycled with a key */
    lattice_cutoff cutoff;
    /* cells drawn in the last frame with a prediction, and those predicted good: the legend
     * names the predicted glyphs only when some are on screen */
    size_t shown_predicted, shown_predicted_good;
} lattice_view;

/* Two cells per character without half-block colours: [upper][lower] by the class of each
 * half. Dots are good, a dot where the good cell is (' upper, . lower, : both); lines are
 * unmeasured (- upper, _ lower, = both); blank is measured and not good. Mixed pairs put the
 * dot and the line where they belong (i: good over unmeasured, !: unmeasured over good). A
 * pair with no measured half but a prediction is '~' (as '~' marks predictions in the panel
 * and the list). */
enum { HALF_GOOD, HALF_MEASURED, HALF_NONE };
static const char *const pair_glyphs[3][3] = {
    /* lower:          good measured none */
    [HALF_GOOD] =     {":", "'", "i"},
    [HALF_MEASURED] = {".", " ", "_"},
    [HALF_NONE] =     {"!", "-", "="},
};
/* Pairs with no measured half but a prediction: their own family, by the predicted gain under
 * the same cut, '+' when a half is predicted good, '~' when none is. */
static const char pair_predicted_good[] = "+";
static const char pair_predicted[] = "~";

/* Heat ramps for one cell per character, most negative to most positive, and the glyph of
 * an unmeasured cell: bar heights in UTF-8 read as "how good", plain ASCII needs symbols. */
static const char *const ramp_utf8[THEME_HEAT_LEVELS] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇"};
static const char *const ramp_ascii[THEME_HEAT_LEVELS] = {"=", "-", "~", ":", "+", "*", "#"};
static const char unmeasured_utf8[] = "·";
static const char unmeasured_ascii[] = ".";

/* Colour carries the heat (not glyphs): a colour tier and a theme whose heat roles have colours. */
static bool heat_colors(void)
{
    return !ui_heat_glyphs();
}

static bool half_blocks(const app *a)
{
    return a->caps.utf8 && heat_colors();
}

/* Cells per character row: two unless zoomed. The by-size layout keeps one per character
 * without half blocks: its blocks are sorted by gain, so the ramp's levels are what it is
 * read for, and a pair glyph would leave its measured-but-not-good cells blank, which in a
 * list of measured combinations only (13 or more datasets) would show nothing at all. */
static int cells_per_char(const app *a, const lattice_view *v)
{
    return v->zoom || (v->by_size && !half_blocks(a)) ? 1 : 2;
}

/* Two cells per character drawn with pair glyphs rather than half blocks. */
static bool pair_mode(const app *a, const lattice_view *v)
{
    return cells_per_char(a, v) == 2 && !half_blocks(a);
}

static const char *ramp_glyph(const app *a, int level)
{
    if (level < 0)
        return a->caps.utf8 ? unmeasured_utf8 : unmeasured_ascii;
    return a->caps.utf8 ? ramp_utf8[level] : ramp_ascii[level];
}

/* ---- state -------------------------------------------------------------------------------------- */

static void lattice_rebuild(app *a, lattice_view *v)
{
    const study *s = a->study;
    v->target = a->target;
    lattice_grid_init(&v->grid, s->n_datasets, v->target);
    lattice_scale_of(s, v->metric, v->target, &v->scale);
    lattice_cutoff_of(s, v->metric, v->target, &v->scale, v->cut, &v->cutoff);
    if (v->hasse_ready)
        lattice_hasse_done(&v->hasse);
    v->hasse_ready = false;
    if (v->by_size) {
        lattice_hasse_build(&v->hasse, s, v->metric, v->target);
        v->hasse_ready = true;
    }
}

static void *lattice_init(app *a)
{
    lattice_view *v = xcalloc(1, sizeof *v);
    v->metric = a->study->metric;
    v->cursor = combo_single(a->target);
    v->toggle_match = -1;
    lattice_rebuild(a, v);
    return v;
}

static void lattice_done(void *state)
{
    lattice_view *v = state;
    if (v->hasse_ready)
        lattice_hasse_done(&v->hasse);
    free(v);
}

/* The target changed: keep the other members, swap the target in. */
static void lattice_target(app *a, void *state)
{
    lattice_view *v = state;
    v->cursor = (v->cursor & ~combo_single(v->target)) | combo_single(a->target);
    lattice_rebuild(a, v);
}

/* The predictions that apply to what is shown: the app's, for the metric in use only. */
static const lattice_predictions *predictions(const app *a, const lattice_view *v)
{
    return v->metric == a->study->metric ? a->predictions : NULL;
}

/* Heat level (0..6) of combination c, -1 when it is not measured, or PREDICTED + level when
 * it is not measured but predicted. */
enum { PREDICTED = 100 };

/* good (may be NULL) is set when c's gain, measured or else predicted, passes the cut (core:
 * lattice_cutoff_good). Counts the predicted cells drawn, for the legend. */
static int cell_level(const app *a, lattice_view *v, combo_t c, bool *good)
{
    const study_stat *st = study_stat_of(a->study, c, v->target, v->metric);
    if (good)
        *good = false;
    if (st) {
        double gain = lattice_gain(v->scale.goal, st->mean, v->scale.reference);
        if (good)
            *good = lattice_cutoff_good(&v->cutoff, gain);
        return ui_heat_level(gain, v->scale.range);
    }
    const lattice_predictions *pr = predictions(a, v);
    double mean, spread;
    if (pr && pr->predict && pr->predict(pr->ctx, v->target, c, &mean, &spread) && isfinite(mean)) {
        double gain = lattice_gain(v->scale.goal, mean, v->scale.reference);
        bool g = lattice_cutoff_good(&v->cutoff, gain);
        if (good)
            *good = g;
        v->shown_predicted++;
        v->shown_predicted_good += g;
        return PREDICTED + ui_heat_level(gain, v->scale.range);
    }
    return -1;
}

/* One cell per character: the ramp glyph of level (measured, predicted or neither) and its
 * attributes. Predicted cells take the predicted role, so that they never pass for measured. */
static void draw_cell1(const app *a, int y, int x, int level, bool cursor)
{
    bool pred = level >= PREDICTED;
    int l = pred ? level - PREDICTED : level;
    attr_t at = cursor ? ui_role_attr(ROLE_CURSOR)
              : pred ? ui_role_attr(ROLE_PREDICTED)
              : l < 0 ? ui_role_attr(ROLE_UNMEASURED)
              : heat_colors() ? ui_role_attr((theme_role)(ROLE_HEAT_N3 + l))
                              : A_NORMAL;
    ui_glyph(y, x, at, ramp_glyph(a, l));
}

/* Two cells per character (half blocks). The half-block colour pairs carry measured levels
 * only. A character with no measured half but a prediction is drawn in the predicted role, by
 * the predicted gain under the cut: the halves predicted good as bold blocks, a character with
 * none predicted good as a quiet dot, so that a lattice predicted almost everywhere still shows
 * where the predictor expects gains. */
static void draw_cell2(const app *a, int y, int x, int top, bool top_good, int bottom, bool bottom_good,
                       bool has_bottom, bool cur_top, bool cur_bottom)
{
    if (cur_top || cur_bottom) {
        /* the cursor's half shows the cursor role's background, the other half its
         * foreground: the character stands out and says which half is meant */
        ui_glyph(y, x, ui_role_attr(ROLE_CURSOR), cur_top ? a->g->half_lower : a->g->half_upper);
        return;
    }
    bool ptop = top >= PREDICTED, pbottom = has_bottom && bottom >= PREDICTED;
    if (ptop || pbottom) {
        bool mtop = top >= 0 && !ptop, mbottom = has_bottom && bottom >= 0 && !pbottom;
        bool gtop = ptop && top_good, gbottom = pbottom && bottom_good;
        if (mtop || mbottom) /* the measured half wins the colour; the other stays grey */
            ui_glyph(y, x, ui_heat_attr(mtop ? top : -1, mbottom ? bottom : -1), a->g->half_upper);
        else if (gtop || gbottom)
            ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED) | A_BOLD,
                     gtop && gbottom ? a->g->full_block : gtop ? a->g->half_upper : a->g->half_lower);
        else
            ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED), ramp_glyph(a, -1));
        return;
    }
    if (!has_bottom)
        ui_glyph(y, x, ui_role_attr(top < 0 ? ROLE_UNMEASURED : (theme_role)(ROLE_HEAT_N3 + top)),
                 a->g->half_upper);
    else
        ui_glyph(y, x, ui_heat_attr(top, bottom), a->g->half_upper);
}

/* Two cells per character with a pair glyph (see pair_glyphs). The cursor's character is
 * reversed as a whole; the side panel says which of its two cells is meant. */
static void draw_pair(int y, int x, int top, bool top_good, int bottom, bool bottom_good,
                      bool has_bottom, bool cursor)
{
    bool mtop = top >= 0 && top < PREDICTED, mbottom = has_bottom && bottom >= 0 && bottom < PREDICTED;
    int ct = !mtop ? HALF_NONE : top_good ? HALF_GOOD : HALF_MEASURED;
    /* no lower cell at all (an odd count): drawn as blank, not as "unmeasured" */
    int cb = !has_bottom ? HALF_MEASURED : !mbottom ? HALF_NONE : bottom_good ? HALF_GOOD : HALF_MEASURED;
    bool predicted = !mtop && !mbottom && (top >= PREDICTED || (has_bottom && bottom >= PREDICTED));
    bool predicted_good = predicted && ((top >= PREDICTED && top_good) || (has_bottom && bottom >= PREDICTED && bottom_good));
    const char *glyph = predicted_good ? pair_predicted_good : predicted ? pair_predicted : pair_glyphs[ct][cb];
    attr_t at;
    if (cursor)
        at = ui_role_attr(ROLE_CURSOR);
    else if (predicted_good)
        at = ui_role_attr(ROLE_PREDICTED) | A_BOLD;
    else if (ct == HALF_GOOD || cb == HALF_GOOD) /* ASCII with colour: the heat of the better half */
        at = heat_colors() ? ui_role_attr((theme_role)(ROLE_HEAT_N3 + (!mbottom || (mtop && top > bottom) ? top : bottom)))
                           : ui_role_attr(ROLE_GOOD);
    else if (predicted)
        at = ui_role_attr(ROLE_PREDICTED);
    else if (ct == HALF_NONE || cb == HALF_NONE)
        at = ui_role_attr(ROLE_UNMEASURED);
    else
        at = ui_role_attr(ROLE_NORMAL);
    ui_glyph(y, x, at, glyph);
}

static theme_role gain_role(bool has, double g)
{
    return !has ? ROLE_DIM : g > 5e-5 ? ROLE_GOOD : g < -5e-5 ? ROLE_BAD : ROLE_NUMBER;
}

/* ---- geometry ----------------------------------------------------------------------------------- */

/* Where things go for one frame. Rows of r: title, the layout, the legend, the neighbours. */
typedef struct geom {
    int cell_h;          /* cells per character row (cells_per_char): 2, or 1 zoomed */
    int top, rows;       /* the layout's character rows */
    int left, width;     /* the layout's columns */
    int panel_x, panel_w;
    int legend_y, list_y, list_rows;
    uint64_t x0, y0, pc, pr; /* grid: the page shown */
} geom;

static geom lattice_geom(const app *a, const lattice_view *v, ui_rect r)
{
    geom g = {0};
    g.cell_h = cells_per_char(a, v);
    g.list_rows = r.h >= 20 ? 4 : r.h >= 12 ? 2 : 0;
    /* by size the blocks need the height more than the list does: 12 datasets need 17 rows */
    if (v->by_size && g.list_rows > 2)
        g.list_rows = 2;
    g.legend_y = r.y + r.h - g.list_rows - 1;
    g.list_y = g.legend_y + 1;
    g.top = r.y + 1;
    g.rows = g.legend_y - g.top;
    if (g.rows < 1)
        g.rows = 1;
    g.left = r.x;
    int avail = r.w >= 48 && !v->by_size ? r.w - 16 : r.w;
    uint64_t cx, cy;
    lattice_grid_cell(&v->grid, v->cursor, &cx, &cy);
    lattice_grid_window(&v->grid, cx, cy, (uint64_t)avail, (uint64_t)g.rows * (uint64_t)g.cell_h,
                        &g.x0, &g.y0, &g.pc, &g.pr);
    g.width = v->by_size ? avail : (int)g.pc;
    if (!v->by_size)
        g.rows = (int)((g.pr + (uint64_t)g.cell_h - 1) / (uint64_t)g.cell_h);
    g.panel_x = r.x + g.width + 1;
    g.panel_w = r.x + r.w - g.panel_x;
    if (g.panel_w > 24)
        g.panel_w = 24;
    if (v->by_size || g.panel_w < 12)
        g.panel_w = 0; /* the by-size layout shows the combination in the legend rows instead */
    return g;
}

/* ---- the grid ------------------------------------------------------------------------------------ */

static void draw_grid(app *a, lattice_view *v, const geom *g)
{
    uint64_t cx, cy;
    lattice_grid_cell(&v->grid, v->cursor, &cx, &cy);
    for (int row = 0; row < g->rows; row++) {
        for (int col = 0; col < (int)g->pc; col++) {
            uint64_t x = g->x0 + (uint64_t)col;
            uint64_t y = g->y0 + (uint64_t)row * (uint64_t)g->cell_h;
            bool top_good, bottom_good = false;
            int top = cell_level(a, v, lattice_grid_combo(&v->grid, x, y), &top_good);
            bool cur_top = x == cx && y == cy;
            int sy = g->top + row, sx = g->left + col;
            if (g->cell_h == 1) {
                draw_cell1(a, sy, sx, top, cur_top);
                continue;
            }
            bool has_bottom = y + 1 < g->y0 + g->pr;
            int bottom = has_bottom ? cell_level(a, v, lattice_grid_combo(&v->grid, x, y + 1), &bottom_good) : -1;
            bool cur_bottom = has_bottom && x == cx && y + 1 == cy;
            if (pair_mode(a, v))
                draw_pair(sy, sx, top, top_good, bottom, bottom_good, has_bottom, cur_top || cur_bottom);
            else
                draw_cell2(a, sy, sx, top, top_good, bottom, bottom_good, has_bottom, cur_top, cur_bottom);
        }
    }
}

/* ---- the by-size layout -------------------------------------------------------------------------- */

/* Character columns of size z's block when each block column holds h cells. */
static int block_width(const lattice_hasse *hs, int z, int h)
{
    size_t c = hs->count[z];
    return c ? (int)((c + (size_t)h - 1) / (size_t)h) : 1;
}

/* The first size shown, so that the cursor's size block is on screen. */
static int hasse_first(const lattice_hasse *hs, int cur_size, int h, int width)
{
    int first = 1;
    for (;;) {
        int x = 0;
        for (int z = first; z <= cur_size; z++)
            x += block_width(hs, z, h) + 1;
        if (x - 1 <= width || first >= cur_size)
            return first;
        first++;
    }
}

static void draw_hasse(app *a, lattice_view *v, const geom *g)
{
    const lattice_hasse *hs = &v->hasse;
    int h = g->rows - 1; /* the first row holds the size labels */
    if (h < 1)
        return;
    int cells = h * g->cell_h;
    int cur_size = 0;
    size_t cur_pos = 0;
    bool found = lattice_hasse_find(hs, v->cursor, &cur_size, &cur_pos);
    int first = hasse_first(hs, found ? cur_size : 1, cells, g->width);
    int x = g->left, label_end = g->left - 1;
    for (int z = first; z <= hs->n_datasets; z++) {
        int w = block_width(hs, z, cells);
        if (x + w > g->left + g->width)
            break;
        char label[24];
        snprintf(label, sizeof label, "%d", z);
        if (x > label_end) /* narrow blocks: a label that would touch the previous one is left out */
            label_end = x + ui_text(g->top, x, w + 1, found && z == cur_size ? ROLE_ACCENT : ROLE_HEADER, label);
        size_t n = hs->count[z];
        for (int col = 0; col < w; col++) {
            for (int row = 0; row < h; row++) {
                size_t p = (size_t)col * (size_t)cells + (size_t)row * (size_t)g->cell_h;
                if (p >= n)
                    break;
                int sy = g->top + 1 + row, sx = x + col;
                bool top_good, bottom_good = false;
                int top = cell_level(a, v, hs->combos[hs->start[z] + p], &top_good);
                bool cur_top = found && z == cur_size && p == cur_pos;
                if (g->cell_h == 1) {
                    draw_cell1(a, sy, sx, top, cur_top);
                    continue;
                }
                bool has_bottom = p + 1 < n;
                bool cur_bottom = found && z == cur_size && p + 1 == cur_pos;
                int bottom = has_bottom ? cell_level(a, v, hs->combos[hs->start[z] + p + 1], &bottom_good) : -1;
                if (pair_mode(a, v))
                    draw_pair(sy, sx, top, top_good, bottom, bottom_good, has_bottom, cur_top || cur_bottom);
                else
                    draw_cell2(a, sy, sx, top, top_good, bottom, bottom_good, has_bottom, cur_top, cur_bottom);
            }
        }
        x += w + 1;
    }
}

/* ---- text: title, panel, legend, neighbours ------------------------------------------------------- */

static void draw_title(app *a, lattice_view *v, const geom *g, ui_rect r)
{
    const study *s = a->study;
    char name[128], line[512], ref[32];
    text_sanitize(s->datasets[v->target].name, name, sizeof name);
    ui_fmt_score(ref, sizeof ref, true, v->scale.reference);
    int n = snprintf(line, sizeof line, "%s  %s vs %s %s  %zu/%llu measured", name,
                     s->metrics[v->metric], v->scale.has_baseline ? "baseline" : "mean", ref,
                     v->scale.measured, (unsigned long long)combo_lattice_size(s->n_datasets));
    if (v->by_size) {
        snprintf(line + n, sizeof line - (size_t)n, "  by size%s",
                 v->hasse.complete ? "" : " (measured only)");
    } else if (g->pc < v->grid.cols || g->pr < v->grid.rows) {
        /* a page of a larger grid: name what it holds fixed */
        combo_t fixed, in = lattice_grid_page_fixed(&v->grid, g->x0, g->y0, g->pc, g->pr, &fixed);
        int k = combo_rank(fixed);
        if (k == 1) {
            int d = __builtin_ctzll(fixed);
            char dn[64];
            text_sanitize(s->datasets[d].name, dn, sizeof dn);
            snprintf(line + n, sizeof line - (size_t)n, "  page %s%s", in ? "+" : a->g->minus, dn);
        } else {
            snprintf(line + n, sizeof line - (size_t)n, "  page holds %d fixed (%d in)", k, combo_rank(in));
        }
    }
    ui_text(r.y, r.x, r.w, ROLE_HEADER, line);
}

static void draw_panel(app *a, lattice_view *v, const geom *g)
{
    if (!g->panel_w)
        return;
    const study *s = a->study;
    int x = g->panel_x, w = g->panel_w, y = g->top, end = g->top + g->rows;
    if (end < g->legend_y)
        end = g->legend_y;
    lattice_point p;
    lattice_point_of(s, v->metric, v->target, v->cursor, &p);
    char buf[64], num[32];
    snprintf(buf, sizeof buf, "size %d of %d", combo_rank(v->cursor), s->n_datasets);
    ui_text(y++, x, w, ROLE_HEADER, buf);
    if (p.measured) {
        ui_text(y, x, w, ROLE_NORMAL, s->metrics[v->metric]);
        ui_text_right(y++, x, w, ROLE_NUMBER, ui_fmt_score(num, sizeof num, true, p.score));
        if (p.replicates > 1) {
            snprintf(buf, sizeof buf, "%s%s", a->g->plus_minus, ui_fmt_score(num, sizeof num, true, p.sd));
            ui_text(y, x, w, ROLE_DIM, buf);
            snprintf(buf, sizeof buf, "n=%u", p.replicates);
            ui_text_right(y++, x, w, ROLE_DIM, buf);
        } else {
            ui_text(y++, x, w, ROLE_DIM, "1 replicate");
        }
        double gain = lattice_gain(v->scale.goal, p.score, v->scale.reference);
        ui_text(y, x, w, ROLE_NORMAL, v->scale.has_baseline ? "gain" : "vs mean");
        ui_text_right(y++, x, w, gain_role(true, gain), ui_fmt_gain(num, sizeof num, true, gain));
    } else if (lattice_point_predict(predictions(a, v), v->target, &p), p.predicted) {
        /* a prediction, never shown as if measured: its own role, a '~', its spread */
        ui_text(y, x, w, ROLE_PREDICTED, "predicted");
        snprintf(buf, sizeof buf, "~%s", ui_fmt_score(num, sizeof num, true, p.pred_mean));
        ui_text_right(y++, x, w, ROLE_PREDICTED, buf);
        snprintf(buf, sizeof buf, "%s%s", a->g->plus_minus, ui_fmt_score(num, sizeof num, true, p.pred_spread));
        ui_text_right(y++, x, w, ROLE_PREDICTED, buf);
        double gain = lattice_gain(v->scale.goal, p.pred_mean, v->scale.reference);
        ui_text(y, x, w, ROLE_PREDICTED, "gain");
        snprintf(buf, sizeof buf, "~%s", ui_fmt_gain(num, sizeof num, true, gain));
        ui_text_right(y++, x, w, ROLE_PREDICTED, buf);
    } else {
        ui_text(y++, x, w, ROLE_UNMEASURED, "not measured");
        ui_text(y++, x, w, ROLE_DIM, s->metrics[v->metric]);
        y++;
    }
    ui_glyph_row(y, x, w, ui_role_attr(ROLE_BORDER), a->g->hline);
    if (g->cell_h == 2 && g->pr > 1) {
        /* a character holds two cells: the rule names the cursor's */
        uint64_t cx, cy;
        lattice_grid_cell(&v->grid, v->cursor, &cx, &cy);
        ui_text(y, x + 1, w - 2, ROLE_DIM, (cy - g->y0) % 2 ? " lower cell " : " upper cell ");
    }
    y++;
    /* Every other dataset on a line of its own, members marked: a dataset keeps its place as
     * the cursor moves, so the eye finds it, and the terminal gets only the changed marks. */
    int rows = end - y;
    if (s->n_datasets - 1 <= rows) {
        for (int d = 0; d < s->n_datasets; d++) {
            if (d == v->target)
                continue;
            bool in = combo_has(v->cursor, d);
            ui_text(y, x, 2, ROLE_ACCENT, in ? a->g->bullet : " ");
            ui_text(y++, x + 2, w - 2, in ? ROLE_NORMAL : ROLE_DIM, s->datasets[d].name);
        }
        return;
    }
    /* too many datasets for that: the members alone */
    int members[64];
    int k = combo_members(v->cursor & ~combo_single(v->target), members);
    for (int i = 0; i < k && y < end; i++) {
        if (y == end - 1 && i < k - 1) {
            snprintf(buf, sizeof buf, "+%d more", k - i);
            ui_text(y++, x, w, ROLE_DIM, buf);
            break;
        }
        ui_text(y, x, 2, ROLE_ACCENT, a->g->bullet);
        ui_text(y++, x + 2, w - 2, ROLE_NORMAL, s->datasets[members[i]].name);
    }
}

/* The legend of pair glyphs: what the dots and lines mean under the current cut. */
static int draw_pair_legend(lattice_view *v, int y, int x, int end)
{
    int x0 = x;
    char buf[64], num[32];
    attr_t good = heat_colors() ? ui_role_attr(ROLE_HEAT_P3) : ui_role_attr(ROLE_GOOD);
    attr_t none = ui_role_attr(ROLE_UNMEASURED);
    const char *dots[3] = {pair_glyphs[HALF_GOOD][HALF_MEASURED], pair_glyphs[HALF_MEASURED][HALF_GOOD],
                           pair_glyphs[HALF_GOOD][HALF_GOOD]};
    const char *lines[3] = {pair_glyphs[HALF_NONE][HALF_MEASURED], pair_glyphs[HALF_MEASURED][HALF_NONE],
                            pair_glyphs[HALF_NONE][HALF_NONE]};
    for (int i = 0; i < 3 && x + 2 <= end; i++, x += 2)
        ui_glyph(y, x, good, dots[i]);
    if (v->cut == LATTICE_CUT_ZERO)
        snprintf(buf, sizeof buf, "%s", lattice_cut_name(v->cut));
    else if (v->cutoff.known)
        snprintf(buf, sizeof buf, "%s (gain >= %s)", lattice_cut_name(v->cut),
                 ui_fmt_gain(num, sizeof num, true, v->cutoff.gain));
    else
        snprintf(buf, sizeof buf, "%s (none measured)", lattice_cut_name(v->cut));
    x += ui_text(y, x, end - x, ROLE_GOOD, buf) + 2;
    for (int i = 0; i < 3 && x + 2 <= end; i++, x += 2)
        ui_glyph(y, x, none, lines[i]);
    x += ui_text(y, x, end - x, ROLE_DIM, "unmeasured") + 2;
    if (v->shown_predicted && x + 23 <= end) {
        /* only when predictions are on screen: before the Round view fits, none are */
        ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED) | A_BOLD, pair_predicted_good);
        x += 2;
        x += ui_text(y, x, end - x, ROLE_PREDICTED, "predicted good") + 2;
        ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED), pair_predicted);
        x += 2;
        x += ui_text(y, x, end - x, ROLE_PREDICTED, "not") + 2;
    }
    if (x + 10 <= end) {
        ui_glyph(y, x, good, pair_glyphs[HALF_GOOD][HALF_NONE]);
        ui_glyph(y, x + 2, good, pair_glyphs[HALF_NONE][HALF_GOOD]);
        x += 4;
        x += ui_text(y, x, end - x, ROLE_DIM, "mixed") + 2;
    }
    if (x + 12 <= end)
        x += ui_text(y, x, end - x, ROLE_DIM, "blank: below") + 2;
    return x - x0;
}

/* The legend of the ramp (zoomed) or the half blocks: the scale's ends and its levels. */
static int draw_ramp_legend(app *a, lattice_view *v, const geom *g, int y, int x, int end)
{
    int x0 = x;
    char num[32];
    x += ui_text(y, x, 6, ROLE_DIM, "gain ");
    x += ui_text(y, x, 9, ROLE_NUMBER, ui_fmt_gain(num, sizeof num, true, -v->scale.range)) + 1;
    for (int l = 0; l < THEME_HEAT_LEVELS; l++) {
        if (heat_colors())
            ui_glyph(y, x++, ui_role_attr((theme_role)(ROLE_HEAT_N3 + l)),
                     a->caps.utf8 ? a->g->full_block : ramp_ascii[l]);
        else
            ui_glyph(y, x++, A_NORMAL, ramp_glyph(a, l));
    }
    x++;
    x += ui_text(y, x, 9, ROLE_NUMBER, ui_fmt_gain(num, sizeof num, true, v->scale.range)) + 2;
    ui_glyph(y, x, ui_role_attr(ROLE_UNMEASURED), g->cell_h == 2 ? a->g->full_block : ramp_glyph(a, -1));
    x += 2;
    x += ui_text(y, x, end - x, ROLE_DIM, "unmeasured") + 2;
    if (!v->shown_predicted)
        return x - x0; /* predictions are named only when some are on screen */
    if (g->cell_h == 1) { /* one cell per character: the predicted level's ramp glyph */
        if (x + 11 <= end) {
            ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED), ramp_glyph(a, THEME_HEAT_LEVELS - 2));
            x += 2;
            x += ui_text(y, x, end - x, ROLE_PREDICTED, "predicted") + 2;
        }
        return x - x0;
    }
    char buf[48];
    snprintf(buf, sizeof buf, "predicted %s", lattice_cut_name(v->cut));
    if (x + ui_text_width(buf) + 9 <= end) {
        ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED) | A_BOLD, a->g->full_block);
        x += 2;
        x += ui_text(y, x, end - x, ROLE_PREDICTED, buf) + 2;
        ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED), ramp_glyph(a, -1));
        x += 2;
        x += ui_text(y, x, end - x, ROLE_PREDICTED, "not") + 2;
    }
    return x - x0;
}

static void draw_legend(app *a, lattice_view *v, const geom *g, ui_rect r)
{
    int y = g->legend_y, x = r.x;
    x += pair_mode(a, v) ? draw_pair_legend(v, y, x, r.x + r.w) : draw_ramp_legend(a, v, g, y, x, r.x + r.w);
    if (v->by_size && r.x + r.w - x > 10) {
        /* the by-size layout has no side panel: the combination goes here */
        lattice_point p;
        lattice_point_of(a->study, v->metric, v->target, v->cursor, &p);
        char buf[128], sc[32];
        if (!p.measured) {
            snprintf(buf, sizeof buf, "size %d  not measured", combo_rank(v->cursor));
            ui_text(y, x, r.x + r.w - x, ROLE_UNMEASURED, buf);
            return;
        }
        snprintf(buf, sizeof buf, "size %d  %s %s  ", combo_rank(v->cursor), a->study->metrics[v->metric],
                 ui_fmt_score(sc, sizeof sc, true, p.score));
        x += ui_text(y, x, r.x + r.w - x, ROLE_NORMAL, buf);
        double gain = lattice_gain(v->scale.goal, p.score, v->scale.reference);
        ui_text(y, x, r.x + r.w - x, gain_role(true, gain), ui_fmt_gain(sc, sizeof sc, true, gain));
    }
}

/* Which dataset each arrow key toggles from the cursor: [left, right, up, down]. */
static void arrow_datasets(app *a, lattice_view *v, int out[4])
{
    for (int d = 0; d < 4; d++)
        out[d] = -1;
    if (v->by_size) {
        combo_t c;
        if (lattice_best_step(a->study, v->metric, v->target, v->cursor, false, &c))
            out[0] = __builtin_ctzll(c ^ v->cursor);
        if (lattice_best_step(a->study, v->metric, v->target, v->cursor, true, &c))
            out[1] = __builtin_ctzll(c ^ v->cursor);
        return;
    }
    for (int d = 0; d < 4; d++) {
        uint64_t x, y;
        lattice_grid_cell(&v->grid, v->cursor, &x, &y);
        out[d] = lattice_grid_step(&v->grid, &x, &y, (lattice_dir)d);
    }
}

static void draw_neighbours(app *a, lattice_view *v, const geom *g, ui_rect r)
{
    if (g->list_rows <= 0)
        return;
    const study *s = a->study;
    lattice_neighbour nb[COMBO_MAX_DATASETS];
    int k = lattice_neighbours_predicted(s, v->metric, v->target, v->cursor, predictions(a, v), nb);
    int arrows[4];
    arrow_datasets(a, v, arrows);
    const char *arrow_glyph[4] = {a->g->arrow_left, a->g->arrow_right, a->g->arrow_up, a->g->arrow_down};
    int ncols = r.w >= 78 ? 3 : r.w >= 52 ? 2 : 1;
    int cw = r.w / ncols;
    int slots = ncols * g->list_rows;
    for (int i = 0; i < k && i < slots; i++) {
        int y = g->list_y + i % g->list_rows, x = r.x + (i / g->list_rows) * cw;
        if (i == slots - 1 && k > slots) {
            char more[32];
            snprintf(more, sizeof more, "%s %d more", a->g->ellipsis, k - i);
            ui_text(y, x + 1, cw - 1, ROLE_DIM, more);
            break;
        }
        const lattice_neighbour *e = &nb[i];
        const char *arrow = " ";
        for (int d = 3; d >= 0; d--)
            if (arrows[d] == e->dataset)
                arrow = arrow_glyph[d];
        bool match = v->toggling && e->dataset == v->toggle_match;
        ui_text(y, x, 1, ROLE_ACCENT, arrow);
        ui_text(y, x + 1, 1, e->add ? ROLE_GOOD : ROLE_BAD, e->add ? "+" : a->g->minus);
        ui_text(y, x + 2, cw - 11, match ? ROLE_MATCH : ROLE_NORMAL, s->datasets[e->dataset].name);
        char num[32];
        if (e->has_delta)
            ui_text_right(y, x + cw - 9, 8, gain_role(true, e->delta), ui_fmt_gain(num, sizeof num, true, e->delta));
        else if (e->delta_predicted) {
            char pn[40];
            snprintf(pn, sizeof pn, "~%s", ui_fmt_gain(num, sizeof num, true, e->delta));
            ui_text_right(y, x + cw - 9, 8, ROLE_PREDICTED, pn);
        } else if (e->point.measured)
            ui_text_right(y, x + cw - 9, 8, ROLE_DIM, ui_fmt_score(num, sizeof num, true, e->point.score));
        else
            ui_text_right(y, x + cw - 9, 8, ROLE_UNMEASURED, "?");
    }
}

static void lattice_draw(app *a, void *state, ui_rect r)
{
    lattice_view *v = state;
    if (v->target != a->target)
        lattice_target(a, v);
    geom g = lattice_geom(a, v, r);
    v->shown_predicted = v->shown_predicted_good = 0;
    draw_title(a, v, &g, r);
    if (v->by_size)
        draw_hasse(a, v, &g);
    else
        draw_grid(a, v, &g);
    draw_panel(a, v, &g);
    draw_legend(a, v, &g, r);
    draw_neighbours(a, v, &g, r);
}

/* ---- actions -------------------------------------------------------------------------------------- */

static int move_grid(app *a, lattice_view *v, lattice_dir d)
{
    uint64_t x, y;
    lattice_grid_cell(&v->grid, v->cursor, &x, &y);
    if (lattice_grid_step(&v->grid, &x, &y, d) < 0) {
        app_message(a, false, "no dataset on that axis");
        return UI_HANDLED | UI_REDRAW;
    }
    v->cursor = lattice_grid_combo(&v->grid, x, y);
    return UI_HANDLED | UI_REDRAW;
}

/* By size: left/right take the best measured step down/up (else the first possible one). */
static int move_size(app *a, lattice_view *v, bool add)
{
    lattice_neighbour nb[COMBO_MAX_DATASETS];
    int k = lattice_neighbours(a->study, v->metric, v->target, v->cursor, nb);
    for (int i = 0; i < k; i++) {
        if (nb[i].add == add && (nb[i].point.measured || v->hasse.complete)) {
            v->cursor = nb[i].point.combo;
            return UI_HANDLED | UI_REDRAW;
        }
    }
    app_message(a, false, add ? "nothing measured to add" : "nothing to remove");
    return UI_HANDLED | UI_REDRAW;
}

/* By size: walk the order within the cursor's size by delta places (clamped). */
static int walk_size(lattice_view *v, long delta)
{
    const lattice_hasse *hs = &v->hasse;
    int z;
    size_t pos;
    if (!lattice_hasse_find(hs, v->cursor, &z, &pos)) {
        if (hs->n_combos)
            v->cursor = hs->combos[0];
        return UI_HANDLED | UI_REDRAW;
    }
    long p = (long)pos + delta;
    if (p < 0)
        p = 0;
    if (p >= (long)hs->count[z])
        p = (long)hs->count[z] - 1;
    v->cursor = hs->combos[hs->start[z] + (size_t)p];
    return UI_HANDLED | UI_REDRAW;
}

static int step_best(app *a, lattice_view *v, bool add)
{
    combo_t c;
    if (!lattice_best_step(a->study, v->metric, v->target, v->cursor, add, &c)) {
        app_message(a, false, add ? "no measured combination adds one dataset to this one"
                                  : "no measured combination removes one dataset from this one");
        return UI_HANDLED | UI_REDRAW;
    }
    v->cursor = c;
    return UI_HANDLED | UI_REDRAW;
}

static int lattice_action(app *a, void *state, enum action act)
{
    lattice_view *v = state;
    if (v->target != a->target)
        lattice_target(a, v);
    const study *s = a->study;
    geom g = lattice_geom(a, v, a->body);
    long page = (long)(g.rows - 1) * g.cell_h;
    switch (act) {
    case ACTION_MOVE_LEFT: return v->by_size ? move_size(a, v, false) : move_grid(a, v, LATTICE_LEFT);
    case ACTION_MOVE_RIGHT: return v->by_size ? move_size(a, v, true) : move_grid(a, v, LATTICE_RIGHT);
    case ACTION_MOVE_UP: return v->by_size ? walk_size(v, -1) : move_grid(a, v, LATTICE_UP);
    case ACTION_MOVE_DOWN: return v->by_size ? walk_size(v, 1) : move_grid(a, v, LATTICE_DOWN);
    case ACTION_PAGE_UP:
    case ACTION_PAGE_DOWN: {
        bool up = act == ACTION_PAGE_UP;
        if (v->by_size)
            return walk_size(v, up ? -(page > 0 ? page : 1) : (page > 0 ? page : 1));
        uint64_t x, y;
        lattice_grid_cell(&v->grid, v->cursor, &x, &y);
        y = up ? y - g.pr : y + g.pr; /* the next page of rows: wraps like the grid */
        v->cursor = lattice_grid_combo(&v->grid, x, y);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_LATTICE_LAYOUT:
        v->by_size = !v->by_size;
        lattice_rebuild(a, v);
        return UI_HANDLED | UI_REDRAW;
    case ACTION_LATTICE_BASELINE:
        v->cursor = combo_single(v->target);
        return UI_HANDLED | UI_REDRAW;
    case ACTION_LATTICE_ALL:
        v->cursor = combo_all(s->n_datasets);
        return UI_HANDLED | UI_REDRAW;
    case ACTION_LATTICE_BEST: {
        combo_t best;
        if (!lattice_best(s, v->metric, v->target, &best)) {
            app_message(a, false, "nothing measured for this target");
            return UI_HANDLED | UI_REDRAW;
        }
        v->cursor = best;
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_LATTICE_ADD_BEST: return step_best(a, v, true);
    case ACTION_LATTICE_DROP_BEST: return step_best(a, v, false);
    case ACTION_LATTICE_ZOOM:
        v->zoom = !v->zoom;
        app_message(a, false, "%s", v->zoom ? "one cell per character: every gain's level, a page at a time"
                                            : "two cells per character: the whole lattice");
        return UI_HANDLED | UI_REDRAW;
    case ACTION_LATTICE_CUT: {
        v->cut = (lattice_cut)((v->cut + 1) % LATTICE_CUT_COUNT);
        lattice_rebuild(a, v);
        char num[32];
        /* colour shows measured gains by heat: the cut marks predictions there, and every
         * cell in the ASCII and no-colour glyphs */
        const char *where = pair_mode(a, v) ? "" : " (marks predictions; all cells in ASCII and no colour)";
        if (v->cut != LATTICE_CUT_ZERO && v->cutoff.known)
            app_message(a, false, "good: %s, gain >= %s%s", lattice_cut_name(v->cut),
                        ui_fmt_gain(num, sizeof num, true, v->cutoff.gain), where);
        else
            app_message(a, false, "good: %s%s", lattice_cut_name(v->cut), where);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_LATTICE_METRIC:
        if (s->n_metrics > 0)
            v->metric = (v->metric + 1) % s->n_metrics;
        lattice_rebuild(a, v);
        app_message(a, false, "metric: %s", s->metrics[v->metric]);
        return UI_HANDLED | UI_REDRAW;
    case ACTION_LATTICE_TOGGLE:
        v->toggling = true;
        v->toggle_match = -1;
        app_prompt_open(a, PROMPT_TEXT, "toggle: ", "");
        return UI_HANDLED | UI_REDRAW;
    default: return UI_UNHANDLED;
    }
}

/* The dataset (not the target) that text names: an exact name first, then the first name
 * that starts with it, then the first that contains it, ignoring case. -1 if none. */
static int find_dataset(const study *s, int target, const char *text)
{
    if (!text[0])
        return -1;
    size_t n = strlen(text);
    int prefix = -1, inside = -1;
    for (int i = 0; i < s->n_datasets; i++) {
        if (i == target)
            continue;
        const char *name = s->datasets[i].name;
        if (strcasecmp(name, text) == 0)
            return i;
        if (prefix < 0 && strncasecmp(name, text, n) == 0)
            prefix = i;
        if (inside < 0) {
            for (const char *p = name; *p && inside < 0; p++)
                if (strncasecmp(p, text, n) == 0)
                    inside = i;
        }
    }
    return prefix >= 0 ? prefix : inside;
}

static int lattice_prompt(app *a, void *state, enum prompt_kind kind, const char *text, bool done,
                          bool cancelled)
{
    (void)kind; /* the toggle key's prompt: a dataset to toggle */
    lattice_view *v = state;
    v->toggling = !done && !cancelled;
    v->toggle_match = find_dataset(a->study, v->target, text);
    if (cancelled)
        return UI_HANDLED | UI_REDRAW;
    char name[128];
    if (!done) {
        if (v->toggle_match >= 0)
            app_message(a, false, "Enter %s %s", combo_has(v->cursor, v->toggle_match) ? "removes" : "adds",
                        text_sanitize(a->study->datasets[v->toggle_match].name, name, sizeof name));
        return UI_HANDLED | UI_REDRAW;
    }
    if (v->toggle_match < 0) {
        app_message(a, true, "no dataset other than the target matches \"%s\"",
                    text_sanitize(text, name, sizeof name));
        return UI_HANDLED | UI_REDRAW;
    }
    v->cursor ^= combo_single(v->toggle_match);
    v->toggle_match = -1;
    return UI_HANDLED | UI_REDRAW;
}

/* `/ddi git`: the best measured combination with a member matching each word; n and N walk
 * the matches from best to worst. */
static bool lattice_search(app *a, void *state, const char *text, enum search_step step)
{
    lattice_view *v = state;
    if (v->target != a->target)
        lattice_target(a, v);
    combo_t c;
    size_t rank, n = find_lattice(a->study, v->metric, v->target, text, v->cursor, step == SEARCH_PREV ? -1 : 1,
                                  step == SEARCH_TYPED, &c, &rank);
    if (!n)
        return false;
    v->cursor = c;
    app_message(a, false, "match %zu of %zu, best first (n next, N previous)", rank, n);
    return true;
}

const struct view_ops view_lattice_ops = {
    .name = "Lattice",
    .id = VIEW_LATTICE,
    .scope = SCOPE_LATTICE,
    .init = lattice_init,
    .draw = lattice_draw,
    .action = lattice_action,
    .prompt = lattice_prompt,
    .search = lattice_search,
    .target = lattice_target,
    .done = lattice_done,
};
