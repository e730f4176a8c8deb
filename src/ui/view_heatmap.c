/* view_heatmap: what each auxiliary dataset does for each target, per task type. Rows are the
 * datasets of one task type after another (each under its task's name), columns every dataset
 * of the study (grouped by task type), a cell the gain of training the row's dataset together
 * with the column's: the pair gain, or the mean marginal gain over every measured pair of
 * combinations that differ by the column's dataset (core: heatmap.h). Diverging colours around
 * zero with a legend; in no colour the cells carry +/- marks. The numbers are shown on a key,
 * in points (x 100) when the metric lies in [0, 1]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/find.h"
#include "comboscope/heatmap.h"
#include "comboscope/lattice.h"
#include "comboscope/text.h"
#include "ui.h"

#define CELL_W 5   /* four characters and a gap */
#define LABEL_W 4

typedef struct heatmap_view {
    int metric;
    bool marginal; /* show mean marginal gains (else pair gains) */
    bool values;   /* show the numbers */
    heatmap map;
    double scale;  /* 100 when the metric lies in [0, 1]: values in points */
    int rows[2 * COMBO_MAX_DATASETS]; /* dataset index, or -1 - task for a task's title row */
    int n_rows;
    int cols[COMBO_MAX_DATASETS]; /* auxiliary datasets, grouped by task type */
    char labels[COMBO_MAX_DATASETS][16];
    int row, col; /* cursor: index into rows (a dataset row) and into cols */
    int top, left;
    bool search_col; /* the last search match was a column (n goes on from there) */
} heatmap_view;

static void heatmap_view_compute(app *a, heatmap_view *v)
{
    const study *s = a->study;
    heatmap_done(&v->map);
    heatmap_compute(&v->map, s, v->metric);
    /* Points only make sense for a metric on [0, 1] (F1, precision, recall...). */
    v->scale = 100;
    if (v->metric >= 0 && v->metric < s->n_metrics) {
        const study_stat *val = s->values[v->metric];
        for (size_t i = 0; i < s->n_obs; i++)
            if (val[i].n && (val[i].mean < 0 || val[i].mean > 1)) {
                v->scale = 1;
                break;
            }
    }
}

/* Puts the cursor on the target's row, off the diagonal. */
static void heatmap_view_target_row(app *a, heatmap_view *v)
{
    for (int i = 0; i < v->n_rows; i++)
        if (v->rows[i] == a->target)
            v->row = i;
    if (v->row >= 0 && v->row < v->n_rows && v->cols[v->col] == v->rows[v->row])
        v->col = v->col + 1 < a->study->n_datasets ? v->col + 1 : 0;
}

static void *heatmap_init(app *a)
{
    const study *s = a->study;
    heatmap_view *v = xcalloc(1, sizeof *v);
    v->metric = s->metric;
    int k = 0;
    for (int t = 0; t < s->n_tasks; t++) {
        int ds[COMBO_MAX_DATASETS];
        int n = heatmap_task_rows(s, t, ds);
        if (!n)
            continue;
        v->rows[v->n_rows++] = -1 - t;
        for (int i = 0; i < n; i++) {
            v->rows[v->n_rows++] = ds[i];
            v->cols[k++] = ds[i];
        }
    }
    for (int i = 0; i < s->n_datasets; i++)
        heatmap_short_label(s, i, LABEL_W, v->labels[i], sizeof v->labels[i]);
    heatmap_view_compute(a, v);
    v->row = v->n_rows > 1 ? 1 : 0;
    heatmap_view_target_row(a, v);
    return v;
}

static void heatmap_view_done(void *state)
{
    heatmap_view *v = state;
    heatmap_done(&v->map);
    free(v);
}

static void heatmap_target(app *a, void *state)
{
    heatmap_view_target_row(a, state);
}

/* The value a cell shows, and whether it has one. */
static bool cell_value(const heatmap_view *v, int t, int aux, double *out)
{
    if (t == aux)
        return false;
    const heatmap_cell *c = heatmap_at(&v->map, t, aux);
    if (v->marginal) {
        *out = c->marginal;
        return c->n_pairs > 0;
    }
    *out = c->pair;
    return c->has_pair;
}

static double value_range(const heatmap_view *v)
{
    return v->marginal ? v->map.marginal_range : v->map.pair_range;
}

static char *fmt_value(char *buf, size_t n, double x)
{
    double ax = fabs(x);
    if (ax >= 99.5)
        snprintf(buf, n, "%+.0e", x);
    else if (ax >= 9.95)
        snprintf(buf, n, "%+.0f", x);
    else
        snprintf(buf, n, "%+.1f", x);
    if (strcmp(buf, "+0.0") == 0 || strcmp(buf, "-0.0") == 0)
        snprintf(buf, n, "0.0");
    return buf;
}

/* No-colour cell marks, from most negative to most positive. */
static const char *const marks[THEME_HEAT_LEVELS] = {"---", "--", "-", "0", "+", "++", "+++"};

static void draw_cell(app *a, const heatmap_view *v, int y, int x, int t, int aux, bool cursor)
{
    double val = 0;
    bool has = cell_value(v, t, aux, &val);
    char buf[32];
    if (!has) {
        theme_role role = cursor ? ROLE_CURSOR : ROLE_UNMEASURED;
        if (cursor)
            ui_fill(y, x, LABEL_W, ROLE_CURSOR);
        ui_text_right(y, x, LABEL_W, role, t == aux ? "" : "?");
        return;
    }
    int level = ui_heat_level(val, value_range(v));
    theme_role heat = (theme_role)(ROLE_HEAT_N3 + level);
    if (cursor)
        ui_fill(y, x, LABEL_W, ROLE_CURSOR);
    if (v->values) {
        ui_text_right(y, x, LABEL_W, cursor ? ROLE_CURSOR : !ui_heat_glyphs() ? heat : ROLE_NUMBER,
                      fmt_value(buf, sizeof buf, val * v->scale));
    } else if (!ui_heat_glyphs()) {
        attr_t at = cursor ? ui_role_attr(ROLE_CURSOR) : ui_role_attr(heat);
        ui_glyph_row(y, x, LABEL_W, at, a->caps.utf8 ? a->g->full_block : "#");
    } else {
        ui_text_right(y, x, LABEL_W, cursor ? ROLE_CURSOR : ROLE_NORMAL, marks[level]);
    }
}

static void draw_legend(app *a, const heatmap_view *v, int y, int x, int w)
{
    char buf[64], num[32];
    double r = value_range(v) * v->scale;
    int x0 = x;
    bool any = false;
    for (int i = 0; i < v->map.n_datasets * v->map.n_datasets && !any; i++)
        any = v->marginal ? v->map.cells[i].n_pairs > 0 : v->map.cells[i].has_pair;
    if (!any) {
        ui_text(y, x, w, ROLE_DIM, v->marginal ? "? no measured pair of combinations differing by one dataset"
                                               : "? no measured pair with its baseline");
        return;
    }
    x += ui_text(y, x, w, ROLE_DIM, v->scale == 100 ? "points " : "gain ");
    x += ui_text(y, x, x0 + w - x, ROLE_NUMBER, fmt_value(num, sizeof num, -r)) + 1;
    for (int l = 0; l < THEME_HEAT_LEVELS && x + 4 < x0 + w; l++) {
        if (!ui_heat_glyphs())
            ui_glyph_row(y, x, 2, ui_role_attr((theme_role)(ROLE_HEAT_N3 + l)),
                         a->caps.utf8 ? a->g->full_block : "#");
        else
            ui_text(y, x, 3, ROLE_NORMAL, marks[l]);
        x += !ui_heat_glyphs() ? 2 : 4;
    }
    x += 1;
    x += ui_text(y, x, x0 + w - x, ROLE_NUMBER, fmt_value(num, sizeof num, r)) + 2;
    snprintf(buf, sizeof buf, "? no %s", v->marginal ? "measured pair" : "pair or baseline");
    ui_text(y, x, x0 + w - x, ROLE_DIM, buf);
}

/* The line about the cell under the cursor. */
static void draw_info(app *a, const heatmap_view *v, int y, int x, int w)
{
    const study *s = a->study;
    if (v->n_rows == 0 || s->n_datasets == 0)
        return;
    int t = v->rows[v->row], aux = v->cols[v->col];
    if (t < 0)
        return;
    char tn[64], an[64], line[512], p[32], m[32];
    text_sanitize(s->datasets[t].name, tn, sizeof tn);
    text_sanitize(s->datasets[aux].name, an, sizeof an);
    if (t == aux) {
        snprintf(line, sizeof line, "%s: the diagonal (a dataset with itself)", tn);
        ui_text(y, x, w, ROLE_DIM, line);
        return;
    }
    const heatmap_cell *c = heatmap_at(&v->map, t, aux);
    if (!c->has_pair && !c->n_pairs) {
        snprintf(line, sizeof line, "%s + %s: not measured (neither the pair nor two runs that differ by %s)",
                 tn, an, an);
        ui_text(y, x, w, ROLE_UNMEASURED, line);
        return;
    }
    const char *unit = v->scale == 100 ? " pts" : "";
    snprintf(line, sizeof line, "%s + %s: pair %s%s, mean marginal %s%s over %u pairs", tn, an,
             c->has_pair ? fmt_value(p, sizeof p, c->pair * v->scale) : "?", c->has_pair ? unit : "",
             c->n_pairs ? fmt_value(m, sizeof m, c->marginal * v->scale) : "?", c->n_pairs ? unit : "",
             c->n_pairs);
    ui_text(y, x, w, ROLE_NORMAL, line);
    if (c->n_pairs) {
        snprintf(line, sizeof line, "adding %s helped %s in %u of %u pairs (%.0f%%)", an, tn, c->n_better,
                 c->n_pairs, 100.0 * c->n_better / c->n_pairs);
        ui_text(y + 1, x, w, ROLE_DIM, line);
    }
}

static void heatmap_draw(app *a, void *state, ui_rect r)
{
    heatmap_view *v = state;
    const study *s = a->study;
    int n = s->n_datasets;
    char line[256];
    snprintf(line, sizeof line, v->marginal ? "mean marginal gain%s in %s: adding the column to runs with the row"
                                            : "pair gain%s in %s: the row trained with the column, vs alone",
             v->scale == 100 ? " (points)" : "", s->metrics[v->metric]);
    ui_text(r.y, r.x, r.w, ROLE_HEADER, line);

    int name_w = 0;
    for (int i = 0; i < n; i++) {
        int w = ui_text_width(s->datasets[i].name);
        if (w > name_w)
            name_w = w;
    }
    if (name_w > 15)
        name_w = 15;
    int gx = r.x + 2 + name_w + 1;
    int vis_cols = (r.x + r.w - gx) / CELL_W;
    if (vis_cols < 1)
        vis_cols = 1;
    int body_top = r.y + 3, body_h = r.h - 3 - 3; /* title, two header rows; legend and info */
    if (body_h < 1)
        body_h = 1;
    /* keep the cursor in view */
    if (v->col < v->left)
        v->left = v->col;
    if (v->col >= v->left + vis_cols)
        v->left = v->col - vis_cols + 1;
    if (v->row < v->top)
        v->top = v->row > 0 && v->rows[v->row - 1] < 0 ? v->row - 1 : v->row;
    if (v->row >= v->top + body_h)
        v->top = v->row - body_h + 1;

    /* column headers: task names over their groups, then short labels */
    int prev_task = -1;
    for (int j = v->left; j < n && j < v->left + vis_cols; j++) {
        int d = v->cols[j], x = gx + (j - v->left) * CELL_W;
        int task = s->datasets[d].task;
        if (task != prev_task)
            ui_text(r.y + 1, x, r.x + r.w - x, ROLE_TASK, s->tasks[task]);
        prev_task = task;
        ui_text_right(r.y + 2, x, LABEL_W, j == v->col ? ROLE_ACCENT : ROLE_HEADER, v->labels[d]);
    }
    for (int i = v->top; i < v->n_rows && i < v->top + body_h; i++) {
        int y = body_top + i - v->top, t = v->rows[i];
        if (t < 0) {
            ui_text(y, r.x, gx - r.x, ROLE_TASK, s->tasks[-1 - t]);
            continue;
        }
        ui_text(y, r.x, 2, ROLE_ACCENT, t == a->target ? a->g->bullet : " ");
        ui_text(y, r.x + 2, name_w, i == v->row ? ROLE_ACCENT : ROLE_NORMAL, s->datasets[t].name);
        for (int j = v->left; j < n && j < v->left + vis_cols; j++)
            draw_cell(a, v, y, gx + (j - v->left) * CELL_W, t, v->cols[j], i == v->row && j == v->col);
    }
    draw_legend(a, v, r.y + r.h - 3, r.x, r.w);
    draw_info(a, v, r.y + r.h - 2, r.x, r.w);
}

static int heatmap_action(app *a, void *state, enum action act)
{
    heatmap_view *v = state;
    const study *s = a->study;
    int n = s->n_datasets;
    switch (act) {
    case ACTION_MOVE_UP:
    case ACTION_MOVE_DOWN: {
        int step = act == ACTION_MOVE_UP ? -1 : 1;
        for (int i = v->row + step; i >= 0 && i < v->n_rows; i += step)
            if (v->rows[i] >= 0) {
                v->row = i;
                break;
            }
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_MOVE_LEFT:
        if (v->col > 0)
            v->col--;
        return UI_HANDLED | UI_REDRAW;
    case ACTION_MOVE_RIGHT:
        if (v->col + 1 < n)
            v->col++;
        return UI_HANDLED | UI_REDRAW;
    case ACTION_MOVE_FIRST: v->col = 0; return UI_HANDLED | UI_REDRAW;
    case ACTION_MOVE_LAST: v->col = n > 0 ? n - 1 : 0; return UI_HANDLED | UI_REDRAW;
    case ACTION_HEATMAP_KIND:
        v->marginal = !v->marginal;
        return UI_HANDLED | UI_REDRAW;
    case ACTION_HEATMAP_VALUES:
        v->values = !v->values;
        return UI_HANDLED | UI_REDRAW;
    case ACTION_HEATMAP_METRIC:
        if (s->n_metrics > 0)
            v->metric = (v->metric + 1) % s->n_metrics;
        heatmap_view_compute(a, v);
        app_message(a, false, "metric: %s", s->metrics[v->metric]);
        return UI_HANDLED | UI_REDRAW;
    case ACTION_HEATMAP_TARGET: {
        int t = v->n_rows ? v->rows[v->row] : -1;
        for (int i = 0; t >= 0 && i < s->n_targets; i++)
            if (s->targets[i] == t) {
                app_set_target(a, t);
                return UI_HANDLED | UI_REDRAW;
            }
        app_message(a, true, "that dataset is not one of the study's targets");
        return UI_HANDLED | UI_REDRAW;
    }
    default: return UI_UNHANDLED;
    }
}

typedef struct heatmap_match {
    const app *a;
    const heatmap_view *v;
    const char *text;
} heatmap_match;

/* Items 0 .. n_rows-1 are the rows, then the columns. */
static bool heatmap_item_matches(void *ctx, size_t i)
{
    const heatmap_match *m = ctx;
    size_t nr = (size_t)m->v->n_rows;
    int d = i < nr ? m->v->rows[i] : m->v->cols[i - nr];
    return d >= 0 && find_words(m->a->study->datasets[d].name, m->text);
}

/* `/`: a row (target) whose name holds every word of text, then a column (auxiliary); n and
 * N go through the rows, then the columns. */
static bool heatmap_search(app *a, void *state, const char *text, enum search_step step)
{
    heatmap_view *v = state;
    size_t nr = (size_t)v->n_rows, n = nr + (size_t)a->study->n_datasets;
    heatmap_match m = {a, v, text};
    size_t cur = v->search_col ? nr + (size_t)v->col : (size_t)v->row;
    long i = find_next(n, cur, step == SEARCH_PREV ? -1 : 1, step == SEARCH_TYPED, heatmap_item_matches, &m);
    if (i < 0)
        return false;
    v->search_col = (size_t)i >= nr;
    if (v->search_col)
        v->col = (int)((size_t)i - nr);
    else
        v->row = (int)i;
    return true;
}

const struct view_ops view_heatmap_ops = {
    .name = "Heatmaps",
    .id = VIEW_HEATMAPS,
    .scope = SCOPE_HEATMAPS,
    .init = heatmap_init,
    .draw = heatmap_draw,
    .action = heatmap_action,
    .target = heatmap_target,
    .search = heatmap_search,
    .done = heatmap_view_done,
};
