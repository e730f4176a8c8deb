/* lattice_layouts: the Lattice view's geometry and its two layouts (see lattice_view.h).
 *
 * Cells. Two cells per character while the grid does not fit one per character:
 *   - UTF-8 and colour: a half block, upper cell in the foreground colour, lower in the
 *     background, each the heat of its gain.
 *   - ASCII or no colour: a pair glyph (lattice_pair_glyphs). Colour or shade cannot give each
 *     half its own heat there, so the glyph answers the question one asks of the whole lattice,
 *     "where is it good?": each half is good (gain above the cut: > 0, the top 10% or the top 1%
 *     of measured gains, cycled with a key), measured but not good, or not measured. Dots mark
 *     good (bold, or the heat colour of the better half), blank is measured but not good, lines
 *     are unmeasured, '+' or '~' a prediction (predicted good or not).
 * One cell per character (the screen has the rows, or the zoom key): a full block in the heat
 * colour with colours and UTF-8, else a ramp glyph; two characters per cell when the screen is
 * wide enough. A cell the filter leaves out is blank (the terminal's background).
 * The cursor is a marker glyph (g->cursor_mark: a diamond, '@' in ASCII) drawn in the colour or
 * role of the cell it is on, so the cell's colour stays visible and no cell state looks like it.
 *
 * Axis labels. Above the grid, one row per column dataset from the slowest bit: a bracket over
 * each band of columns in which it is in, with its short name and its effect on the target
 * (lattice_axes.h), in the good or bad role by the effect's sign. Right of the grid, one bar per
 * row dataset (slowest first) over each band of rows in which it is in, its name and effect at
 * the band's first row. With effect order (the default) these are the datasets that change the
 * target's score most, so the map's large blocks are named. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "comboscope/text.h"
#include "lattice_view.h"

/* [upper][lower] by the class of each half: dots are good (' upper, . lower, : both); lines are
 * unmeasured (- upper, _ lower, = both); blank is measured and not good; i and ! mix them. */
const char *const lattice_pair_glyphs[3][3] = {
    /* lower:          good measured none */
    [HALF_GOOD] =     {":", "'", "i"},
    [HALF_MEASURED] = {".", " ", "_"},
    [HALF_NONE] =     {"!", "-", "="},
};
/* Pairs with no measured half but a prediction: '+' when a half is predicted good, '~' else. */
const char lattice_pair_predicted_good[] = "+";
const char lattice_pair_predicted[] = "~";
const char *const lattice_ramp_ascii[THEME_HEAT_LEVELS] = {"=", "-", "~", ":", "+", "*", "#"};

/* ---- geometry ----------------------------------------------------------------------------------- */

/* Row labels: bars, a blank, then a short name and the effect. */
enum { RLAB_TEXT = 14, PANEL_MIN = 14, PANEL_MAX = 34 };

lattice_geom lattice_geometry(const app *a, const lattice_view *v, ui_rect r)
{
    lattice_geom g = {0};
    g.cell_w = 1;
    g.left = r.x;
    if (v->by_size) {
        g.cell_h = lattice_cells_per_char(a, v);
        g.list_rows = r.h >= 12 ? 2 : 0; /* 12 datasets need 17 rows of blocks */
        g.legend_y = r.y + r.h - g.list_rows - 1;
        g.list_y = g.legend_y + 1;
        g.top = r.y + 1;
        g.rows = g.legend_y - g.top;
        if (g.rows < 1)
            g.rows = 1;
        g.width = r.w;
        return g;
    }
    const lattice_grid *gr = &v->grid;
    int avail = r.h - 2; /* the title and the legend */
    /* one cell per character when the whole grid's rows fit with two label rows and two list rows */
    g.cell_h = v->zoom || (uint64_t)avail >= gr->rows + 4 ? 1 : 2;
    uint64_t want_rows = (gr->rows + (uint64_t)g.cell_h - 1) / (uint64_t)g.cell_h;
    int want = want_rows > (uint64_t)(avail > 4 ? avail - 4 : 1) ? (avail > 4 ? avail - 4 : 1) : (int)want_rows;
    g.list_rows = r.h >= 20 ? 4 : r.h >= 12 ? 2 : 0;
    g.clab_rows = gr->col_bits < 3 ? gr->col_bits : 3;
    while (want + g.clab_rows + g.list_rows > avail) {
        if (g.list_rows > 2)
            g.list_rows -= 2;
        else if (g.clab_rows > 2)
            g.clab_rows--;
        else if (g.list_rows > 0)
            g.list_rows -= 2;
        else if (g.clab_rows > 0)
            g.clab_rows--;
        else
            break;
    }
    /* row bars: at two cells per character the fastest bit alternates within a character */
    int labelled = gr->row_bits - (g.cell_h == 2 ? 1 : 0);
    g.rlab_bars = labelled < 0 ? 0 : labelled > (r.w >= 100 ? 3 : 2) ? (r.w >= 100 ? 3 : 2) : labelled;
    g.rlab_w = g.rlab_bars ? g.rlab_bars + (r.w >= 100 ? RLAB_TEXT + 6 : RLAB_TEXT) : 0;
    if (r.w < 48)
        g.rlab_w = g.rlab_bars = 0;
    /* two characters per cell when the grid, its labels and a panel still fit */
    if (g.cell_h == 1 && (uint64_t)r.w >= 2 * gr->cols + (uint64_t)g.rlab_w + 1 + 20)
        g.cell_w = 2;
    g.legend_y = r.y + r.h - g.list_rows - 1;
    g.list_y = g.legend_y + 1;
    g.clab_y = r.y + 1;
    g.top = g.clab_y + g.clab_rows;
    g.rows = g.legend_y - g.top;
    if (g.rows < 1)
        g.rows = 1;
    int vis = (r.w - g.rlab_w) / g.cell_w;
    uint64_t cx, cy;
    lattice_grid_cell(gr, v->cursor, &cx, &cy);
    lattice_grid_window(gr, cx, cy, (uint64_t)(vis > 0 ? vis : 1), (uint64_t)g.rows * (uint64_t)g.cell_h,
                        &g.x0, &g.y0, &g.pc, &g.pr);
    /* the page in its own coordinates: every page is laid out alike (core: lattice_grid_page) */
    int pcb = __builtin_ctzll(g.pc), prb = __builtin_ctzll(g.pr);
    g.fixed = lattice_grid_page(gr, pcb, prb, &g.page);
    g.n_page = lattice_grid_page_datasets(gr, pcb, prb, g.page_ds);
    g.base = v->cursor & g.fixed;
    g.x0 = g.y0 = 0;
    g.width = (int)g.pc * g.cell_w;
    g.rows = (int)((g.pr + (uint64_t)g.cell_h - 1) / (uint64_t)g.cell_h);
    /* rows the grid does not need go to the neighbour list, under the legend */
    if (g.top + g.rows < g.legend_y) {
        g.legend_y = g.top + g.rows;
        g.list_y = g.legend_y + 1;
        g.list_rows = r.y + r.h - g.list_y;
        if (g.list_rows > 8)
            g.list_rows = 8;
    }
    g.rlab_x = g.left + g.width;
    g.panel_x = g.rlab_x + g.rlab_w + 1;
    g.panel_w = r.x + r.w - g.panel_x;
    if (g.panel_w > PANEL_MAX)
        g.panel_w = PANEL_MAX;
    if (g.panel_w < PANEL_MIN)
        g.panel_w = 0; /* the legend row shows the cursor's combination instead */
    return g;
}

/* ---- cells -------------------------------------------------------------------------------------- */

/* The attributes a cell of level l (measured, predicted, unmeasured, filtered) is drawn in when
 * one cell takes a character or more. */
static attr_t cell_attr(int level)
{
    if (level == LATTICE_FILTERED)
        return ui_role_attr(ROLE_DIM);
    if (level >= LATTICE_PREDICTED)
        return ui_role_attr(ROLE_PREDICTED);
    if (level < 0)
        return ui_role_attr(ROLE_UNMEASURED);
    return lattice_heat_colors() ? ui_role_attr((theme_role)(ROLE_HEAT_N3 + level)) : A_NORMAL;
}

/* One cell in w characters: a full block in its heat colour (colours and UTF-8), else the ramp
 * glyph of its level; predicted cells in the predicted role, so that they never pass for
 * measured; the cursor as the marker in the cell's own attributes. */
static void draw_cell1(const app *a, int y, int x, int w, int level, bool cursor)
{
    bool pred = level >= LATTICE_PREDICTED;
    int l = pred ? level - LATTICE_PREDICTED : level;
    const char *glyph = level == LATTICE_FILTERED ? " "
                      : cursor ? a->g->cursor_mark
                      : !pred && l >= 0 && lattice_half_blocks(a) ? a->g->full_block
                      : lattice_ramp_glyph(a, l);
    attr_t at = cell_attr(level) | (cursor ? A_BOLD : 0);
    if (cursor && level == LATTICE_FILTERED) {
        glyph = a->g->cursor_mark;
        at |= A_BOLD;
    }
    ui_glyph_row(y, x, w, at, glyph);
}

/* Two cells per character (half blocks). The half-block colour pairs carry measured levels
 * only. A character with no measured half but a prediction is drawn in the predicted role, by
 * the predicted gain under the cut: the halves predicted good as bold blocks, a character with
 * none predicted good as a quiet dot. The cursor's character is the marker in the colour of the
 * cursor's cell (the side panel or the legend says which half). */
static void draw_cell2(const app *a, int y, int x, int top, bool top_good, int bottom, bool bottom_good,
                       bool has_bottom, bool cur_top, bool cur_bottom)
{
    if (cur_top || cur_bottom) {
        ui_glyph(y, x, cell_attr(cur_top ? top : bottom) | A_BOLD, a->g->cursor_mark);
        return;
    }
    bool ptop = top >= LATTICE_PREDICTED, pbottom = has_bottom && bottom >= LATTICE_PREDICTED;
    if (ptop || pbottom) {
        bool mtop = top >= 0 && !ptop, mbottom = has_bottom && bottom >= 0 && !pbottom;
        bool gtop = ptop && top_good, gbottom = pbottom && bottom_good;
        if (mtop || mbottom) /* the measured half wins the colour; the other stays grey */
            ui_glyph(y, x, ui_heat_attr(mtop ? top : -1, mbottom ? bottom : -1), a->g->half_upper);
        else if (gtop || gbottom)
            ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED) | A_BOLD,
                     gtop && gbottom ? a->g->full_block : gtop ? a->g->half_upper : a->g->half_lower);
        else
            ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED), lattice_ramp_glyph(a, -1));
        return;
    }
    if (!has_bottom)
        ui_glyph(y, x, top == LATTICE_FILTERED ? A_NORMAL : cell_attr(top), a->g->half_upper);
    else
        ui_glyph(y, x, ui_heat_attr(top, bottom), a->g->half_upper);
}

static int half_class(int level, bool good, bool present)
{
    if (!present || level == LATTICE_FILTERED)
        return HALF_MEASURED; /* no cell, or one the filter leaves out: blank */
    if (level < 0 || level >= LATTICE_PREDICTED)
        return HALF_NONE;
    return good ? HALF_GOOD : HALF_MEASURED;
}

/* The attributes of a good half in pair glyphs: its heat colour, or the good role. */
static attr_t good_attr(int level)
{
    return lattice_heat_colors() ? ui_role_attr((theme_role)(ROLE_HEAT_N3 + level)) : ui_role_attr(ROLE_GOOD);
}

/* Two cells per character with a pair glyph (see lattice_pair_glyphs). The cursor is the marker,
 * in the attributes its own cell's class has. */
static void draw_pair(const app *a, int y, int x, int top, bool top_good, int bottom, bool bottom_good,
                      bool has_bottom, bool cur_top, bool cur_bottom)
{
    int ct = half_class(top, top_good, true), cb = half_class(bottom, bottom_good, has_bottom);
    if (cur_top || cur_bottom) {
        int l = cur_top ? top : bottom;
        bool gd = cur_top ? top_good : bottom_good;
        int cl = cur_top ? ct : cb;
        attr_t at = l >= LATTICE_PREDICTED ? ui_role_attr(ROLE_PREDICTED)
                  : l == LATTICE_FILTERED ? ui_role_attr(ROLE_DIM)
                  : cl == HALF_NONE ? ui_role_attr(ROLE_UNMEASURED)
                  : gd ? good_attr(l) : ui_role_attr(ROLE_NORMAL);
        ui_glyph(y, x, at | A_BOLD, a->g->cursor_mark);
        return;
    }
    bool mtop = top >= 0 && top < LATTICE_PREDICTED;
    bool mbottom = has_bottom && bottom >= 0 && bottom < LATTICE_PREDICTED;
    bool ptop = top >= LATTICE_PREDICTED, pbottom = has_bottom && bottom >= LATTICE_PREDICTED;
    bool predicted = !mtop && !mbottom && (ptop || pbottom);
    bool predicted_good = predicted && ((ptop && top_good) || (pbottom && bottom_good));
    const char *glyph = predicted_good ? lattice_pair_predicted_good
                      : predicted ? lattice_pair_predicted : lattice_pair_glyphs[ct][cb];
    attr_t at;
    if (predicted_good)
        at = ui_role_attr(ROLE_PREDICTED) | A_BOLD;
    else if (ct == HALF_GOOD || cb == HALF_GOOD) /* ASCII with colour: the heat of the better half */
        at = good_attr(!mbottom || (mtop && top > bottom) ? top : bottom);
    else if (predicted)
        at = ui_role_attr(ROLE_PREDICTED);
    else if (ct == HALF_NONE || cb == HALF_NONE)
        at = ui_role_attr(ROLE_UNMEASURED);
    else
        at = ui_role_attr(ROLE_NORMAL);
    ui_glyph(y, x, at, glyph);
}

/* ---- the grid ------------------------------------------------------------------------------------ */

void lattice_draw_grid(app *a, lattice_view *v, const lattice_geom *g)
{
    uint64_t cx, cy;
    lattice_grid_cell(&g->page, v->cursor, &cx, &cy);
    bool pairs = g->cell_h == 2 && !lattice_half_blocks(a);
    for (int row = 0; row < g->rows; row++) {
        for (int col = 0; col < (int)g->pc; col++) {
            uint64_t x = g->x0 + (uint64_t)col;
            uint64_t y = g->y0 + (uint64_t)row * (uint64_t)g->cell_h;
            bool top_good, bottom_good = false;
            int top = lattice_cell_level(a, v, lattice_page_combo(g, x, y), &top_good);
            bool cur_top = x == cx && y == cy;
            int sy = g->top + row, sx = g->left + col * g->cell_w;
            if (g->cell_h == 1) {
                draw_cell1(a, sy, sx, g->cell_w, top, cur_top);
                continue;
            }
            bool has_bottom = y + 1 < g->y0 + g->pr;
            int bottom = has_bottom ? lattice_cell_level(a, v, lattice_page_combo(g, x, y + 1), &bottom_good) : -1;
            bool cur_bottom = has_bottom && x == cx && y + 1 == cy;
            if (pairs)
                draw_pair(a, sy, sx, top, top_good, bottom, bottom_good, has_bottom, cur_top, cur_bottom);
            else
                draw_cell2(a, sy, sx, top, top_good, bottom, bottom_good, has_bottom, cur_top, cur_bottom);
        }
    }
}

/* ---- axis labels --------------------------------------------------------------------------------- */

static theme_role effect_role(const lattice_effect *e)
{
    if (!e->known)
        return ROLE_DIM;
    return e->effect > 5e-5 ? ROLE_GOOD : e->effect < -5e-5 ? ROLE_BAD : ROLE_NUMBER;
}

/* The label of dataset d in at most w columns: its short name and its effect ("bc4chemd +.0148"),
 * or the name alone when the two do not fit. */
static void label_text(const app *a, const lattice_view *v, int d, int w, char *buf, size_t n)
{
    char eff[16], name[96];
    lattice_fmt_effect(eff, sizeof eff, &v->effects[d]);
    int ew = (int)strlen(eff);
    const char *full = a->study->datasets[d].name;
    if (w < ew + 1 + ui_text_width(lattice_abbrev(a->study, d, 64, name, sizeof name)) && ew > 3 &&
        eff[ew - 1] >= '0' && eff[ew - 1] <= '9' && strchr(eff, '.')) {
        /* tight: one digit less of the effect before the name is cut */
        eff[--ew] = '\0';
    }
    (void)full;
    if (w >= ew + 1 + 3) {
        lattice_abbrev(a->study, d, w - ew - 1, name, sizeof name);
        snprintf(buf, n, "%s %s", name, eff);
    } else {
        lattice_abbrev(a->study, d, w, buf, n);
    }
}

void lattice_draw_axis_labels(app *a, lattice_view *v, const lattice_geom *g)
{
    const lattice_grid *gr = &g->page;
    lattice_band b[64];
    char text[128];
    /* a page of a larger grid holds the slower bits fixed: label the slowest that vary on it */
    int col_bits = __builtin_ctzll(g->pc), row_bits = __builtin_ctzll(g->pr);
    for (int i = 0; i < g->clab_rows && i < col_bits; i++) {
        int bit = col_bits - 1 - i, d = gr->col_dataset[bit];
        int y = g->clab_y + i;
        attr_t at = ui_role_attr(effect_role(&v->effects[d]));
        int k = lattice_grid_bands(gr, true, bit, g->x0, g->pc, b, 64);
        for (int j = 0; j < k; j++) {
            int sx = g->left + (int)(b[j].start - g->x0) * g->cell_w, w = (int)b[j].len * g->cell_w;
            if (w < 2) {
                ui_glyph(y, sx, at, a->g->hline);
                continue;
            }
            ui_glyph(y, sx, at, a->g->corner_tl);
            ui_glyph_row(y, sx + 1, w - 2, at, a->g->hline);
            ui_glyph(y, sx + w - 1, at, a->g->corner_tr);
            if (w >= 6) {
                label_text(a, v, d, w - 4, text, sizeof text);
                int tw = ui_text_width(text);
                ui_text(y, sx + 2, tw, effect_role(&v->effects[d]), text);
            }
        }
    }
    if (!g->rlab_bars)
        return;
    bool named[256] = {false}; /* character rows that already hold a name */
    int text_x = g->rlab_x + g->rlab_bars, text_w = g->rlab_w - g->rlab_bars;
    for (int i = 0; i < g->rlab_bars && row_bits - 1 - i >= (g->cell_h == 2 ? 1 : 0); i++) {
        int bit = row_bits - 1 - i, d = gr->row_dataset[bit];
        int x = g->rlab_x + i;
        attr_t at = ui_role_attr(effect_role(&v->effects[d]));
        int k = lattice_grid_bands(gr, false, bit, g->y0, g->pr, b, 64);
        for (int j = 0; j < k; j++) {
            int r0 = (int)((b[j].start - g->y0) / (uint64_t)g->cell_h);
            int r1 = (int)((b[j].start + b[j].len - 1 - g->y0) / (uint64_t)g->cell_h);
            for (int row = r0; row <= r1 && row < g->rows; row++) {
                const char *glyph = r0 == r1 ? a->g->hline : row == r0 ? a->g->corner_tr
                                  : row == r1 ? a->g->corner_br : a->g->vline;
                ui_glyph(g->top + row, x, at, glyph);
            }
            if (r0 < g->rows && r0 < 256 && !named[r0] && text_w > 2) {
                named[r0] = true;
                int sp = text_w > RLAB_TEXT; /* a blank after the bars when there is room */
                label_text(a, v, d, text_w - sp, text, sizeof text);
                ui_text(g->top + r0, text_x + sp, text_w - sp, effect_role(&v->effects[d]), text);
            }
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

void lattice_draw_hasse(app *a, lattice_view *v, const lattice_geom *g)
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
    bool pairs = g->cell_h == 2 && !lattice_half_blocks(a);
    /* The last block shown (the largest size on screen) is always labelled, at its start or,
     * when the block is narrower than its label, ending at its right edge; narrow blocks before it whose label would touch the previous
     * one or that last one are left out. */
    int last = first - 1, last_x = 0;
    for (int z = first, xx = g->left; z <= hs->n_datasets; z++) {
        int w = block_width(hs, z, cells);
        if (xx + w > g->left + g->width)
            break;
        last = z;
        int lw = z >= 10 ? 2 : 1;
        last_x = w >= lw ? xx : xx + w - lw; /* at the block's start, or ending at its edge */
        xx += w + 1;
    }
    if (last_x < g->left)
        last_x = g->left;
    for (int z = first; z <= hs->n_datasets; z++) {
        int w = block_width(hs, z, cells);
        if (x + w > g->left + g->width)
            break;
        char label[24];
        int lw = snprintf(label, sizeof label, "%d", z);
        theme_role lrole = found && z == cur_size ? ROLE_ACCENT : ROLE_HEADER;
        if (z == last)
            ui_text(g->top, last_x, lw, lrole, label);
        else if (x > label_end && x + lw < last_x) /* room before the next label and the last */
            label_end = x + ui_text(g->top, x, w + 1, lrole, label);
        size_t n = hs->count[z];
        for (int col = 0; col < w; col++) {
            for (int row = 0; row < h; row++) {
                size_t p = (size_t)col * (size_t)cells + (size_t)row * (size_t)g->cell_h;
                if (p >= n)
                    break;
                int sy = g->top + 1 + row, sx = x + col;
                bool top_good, bottom_good = false;
                int top = lattice_cell_level(a, v, hs->combos[hs->start[z] + p], &top_good);
                bool cur_top = found && z == cur_size && p == cur_pos;
                if (g->cell_h == 1) {
                    draw_cell1(a, sy, sx, 1, top, cur_top);
                    continue;
                }
                bool has_bottom = p + 1 < n;
                bool cur_bottom = found && z == cur_size && p + 1 == cur_pos;
                int bottom = has_bottom ? lattice_cell_level(a, v, hs->combos[hs->start[z] + p + 1], &bottom_good) : -1;
                if (pairs)
                    draw_pair(a, sy, sx, top, top_good, bottom, bottom_good, has_bottom, cur_top, cur_bottom);
                else
                    draw_cell2(a, sy, sx, top, top_good, bottom, bottom_good, has_bottom, cur_top, cur_bottom);
            }
        }
        x += w + 1;
    }
}
