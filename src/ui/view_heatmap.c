/* view_heatmap: what each auxiliary dataset does for each target, per task type. Rows are the
 * datasets of one task type after another (each under its task's name), columns every dataset
 * of the study (grouped by task type), a cell the gain of training the row's dataset together
 * with the column's: the pair gain, or the mean marginal gain over every measured pair of
 * combinations that differ by the column's dataset (core: heatmap.h). Gains are in the metric's
 * own unit, as in every view (+0.0148, or +.015 where a cell is narrow). Diverging colours
 * around zero (orange to blue by default) with a legend giving the scale's ends; the numbers,
 * on a key, are drawn on the filled cells in black or white by the cell's lightness; without
 * colour the cells carry +/- marks. The cursor is a pair of brackets beside its cell, so the
 * cell keeps its colour, and the line under the map names its row and column in full with the
 * values. A key sorts rows (within their task) and columns by their mean. Unmeasured cells are
 * counted in the legend; with a fitted predictor their predicted pair gain is shown, marked
 * '~' in the predicted colour. Cells and rows grow with the screen. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/find.h"
#include "comboscope/export.h"
#include "comboscope/heatmap.h"
#include "comboscope/lattice.h"
#include "comboscope/text.h"
#include "ui.h"

#define CELL_MIN 5 /* four characters and a gap */
#define CELL_MAX 9 /* "+0.0148" and a gap, and one to spare */
#define NAME_MAX 15

typedef struct heatmap_view {
    int metric;
    bool marginal; /* show mean marginal gains (else pair gains) */
    bool values;   /* show the numbers */
    bool sorted;   /* rows (within their task) and columns by their mean, best first */
    heatmap map;
    int rows[2 * COMBO_MAX_DATASETS]; /* dataset index, or -1 - task for a task's title row */
    int n_rows;
    int cols[COMBO_MAX_DATASETS]; /* auxiliary datasets, grouped by task type (or sorted) */
    int row, col; /* cursor: index into rows (a dataset row) and into cols */
    int top, left;
    int shown_predicted; /* cells drawn with a prediction in the last frame (for the legend) */
    bool search_col; /* the last search match was a column (n goes on from there) */
} heatmap_view;

/* Rows and columns: grouped by task type in study order, or sorted by their means. */
static void heatmap_view_layout(app *a, heatmap_view *v)
{
    const study *s = a->study;
    int cur_t = v->n_rows ? v->rows[v->row] : -1, cur_a = v->cols[v->col];
    v->n_rows = 0;
    int k = 0;
    for (int t = 0; t < s->n_tasks; t++) {
        int ds[COMBO_MAX_DATASETS];
        int n = heatmap_task_rows(s, t, ds);
        if (!n)
            continue;
        v->rows[v->n_rows++] = -1 - t;
        if (v->sorted)
            heatmap_sort_by_mean(&v->map, true, v->marginal, ds, n);
        for (int i = 0; i < n; i++) {
            v->rows[v->n_rows++] = ds[i];
            v->cols[k++] = ds[i];
        }
    }
    if (v->sorted)
        heatmap_sort_by_mean(&v->map, false, v->marginal, v->cols, k);
    /* the cursor stays on its cell */
    for (int i = 0; i < v->n_rows; i++)
        if (v->rows[i] == cur_t && cur_t >= 0)
            v->row = i;
    for (int j = 0; j < k; j++)
        if (v->cols[j] == cur_a)
            v->col = j;
}

static void heatmap_view_compute(app *a, heatmap_view *v)
{
    heatmap_done(&v->map);
    heatmap_compute(&v->map, a->study, v->metric);
    heatmap_view_layout(a, v);
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

static double value_range(const heatmap_view *v)
{
    return v->marginal ? v->map.marginal_range : v->map.pair_range;
}

/* The predictions that apply: the app's, for the metric in use, pair gains only. */
static const lattice_predictions *predictions(const app *a, const heatmap_view *v)
{
    return !v->marginal && v->metric == a->study->metric ? a->predictions : NULL;
}

/* A gain in w columns: "+0.0148", or "+.0148" / "+.015" / "+.01" without room. */
static char *fmt_value(char *buf, size_t n, double x, int w)
{
    if (fabs(x) < 5e-5)
        x = 0;
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%+.4f", x);
    if ((int)strlen(tmp) <= w || fabs(x) >= 1) {
        snprintf(buf, n, "%s", tmp);
        return buf;
    }
    for (int dec = 4; dec >= 1; dec--) {
        snprintf(tmp, sizeof tmp, "%+.*f", dec, x);
        /* "+0.015" -> "+.015": the same unit, narrower */
        snprintf(buf, n, "%c%s", tmp[0], tmp + 2);
        if (strspn(buf + 2, "0") == strlen(buf + 2)) /* "-.000": rounds to nothing, no sign */
            buf[0] = ' ';
        if ((int)strlen(buf) <= w)
            break;
    }
    return buf;
}

/* No-colour cell marks, from most negative to most positive. */
static const char *const marks[THEME_HEAT_LEVELS] = {"---", "--", "-", "0", "+", "++", "+++"};

/* One cell of w columns (its gap excluded) on row_h lines: filled with its heat colour, the
 * number on it when shown; brackets beside it for the cursor. */
static void draw_cell(app *a, heatmap_view *v, int y, int x, int w, int row_h, int t, int aux,
                      bool cursor)
{
    double val = 0;
    bool has = heatmap_value(&v->map, t, aux, v->marginal, &val);
    char buf[32];
    if (cursor) {
        for (int k = 0; k < row_h; k++) {
            ui_glyph(y + k, x - 1, ui_role_attr(ROLE_ACCENT) | A_BOLD, "[");
            ui_glyph(y + k, x + w, ui_role_attr(ROLE_ACCENT) | A_BOLD, "]");
        }
    }
    if (!has) {
        double pg;
        if (t != aux && heatmap_predicted_pair(&v->map, a->study, predictions(a, v), t, aux, &pg)) {
            char num[32];
            snprintf(buf, sizeof buf, "~%s", v->values ? fmt_value(num, sizeof num, pg, w - 1) : "");
            ui_text_right(y, x, w, ROLE_PREDICTED, buf);
            v->shown_predicted++;
            return;
        }
        ui_text_right(y, x, w, ROLE_UNMEASURED, t == aux ? "" : "?");
        return;
    }
    int level = ui_heat_level(val, value_range(v));
    if (!ui_heat_glyphs()) {
        attr_t at = ui_heat_text_attr(level);
        for (int k = 0; k < row_h; k++)
            ui_glyph_row(y + k, x, w, at, " ");
        if (v->values) {
            fmt_value(buf, sizeof buf, val, w);
            int len = (int)strlen(buf);
            for (int i = 0; i < len; i++) {
                char ch[2] = {buf[i], '\0'};
                ui_glyph(y, x + w - len + i, at, ch);
            }
        }
    } else if (v->values) {
        ui_text_right(y, x, w, ROLE_NUMBER, fmt_value(buf, sizeof buf, val, w));
    } else {
        ui_text_right(y, x, w, ROLE_NORMAL, marks[level]);
    }
}

static void draw_legend(const heatmap_view *v, int y, int x, int w)
{
    char buf[96], num[32];
    double r = value_range(v);
    int x0 = x;
    size_t n = (size_t)v->map.n_datasets, missing = heatmap_unmeasured(&v->map, v->marginal);
    if (n < 2 || missing == n * (n - 1)) {
        ui_text(y, x, w, ROLE_DIM, v->marginal ? "? no measured pair of combinations differing by one dataset"
                                               : "? no measured pair with its baseline");
        return;
    }
    x += ui_text(y, x, w, ROLE_DIM, "gain ");
    x += ui_text(y, x, x0 + w - x, ROLE_NUMBER, fmt_value(num, sizeof num, -r, 7)) + 1;
    for (int l = 0; l < THEME_HEAT_LEVELS && x + 4 < x0 + w; l++) {
        if (!ui_heat_glyphs())
            ui_glyph_row(y, x, 2, ui_heat_text_attr(l), " ");
        else
            ui_text(y, x, 3, ROLE_NORMAL, marks[l]);
        x += !ui_heat_glyphs() ? 2 : 4;
    }
    x += 1;
    x += ui_text(y, x, x0 + w - x, ROLE_NUMBER, fmt_value(num, sizeof num, r, 7)) + 2;
    snprintf(buf, sizeof buf, "? %zu of %zu not measured", missing, n * (n - 1));
    x += ui_text(y, x, x0 + w - x, ROLE_DIM, buf) + 2;
    if (v->shown_predicted && x + 12 < x0 + w)
        ui_text(y, x, x0 + w - x, ROLE_PREDICTED, "~ predicted");
}

/* The lines under the map: the cell under the cursor, its row and column named in full. */
static void draw_info(app *a, const heatmap_view *v, int y, int x, int w)
{
    const study *s = a->study;
    if (v->n_rows == 0 || s->n_datasets == 0)
        return;
    int t = v->rows[v->row], aux = v->cols[v->col];
    if (t < 0)
        return;
    char tn[128], an[128], line[640], p[32], m[32];
    text_sanitize(s->datasets[t].name, tn, sizeof tn);
    text_sanitize(s->datasets[aux].name, an, sizeof an);
    if (t == aux) {
        snprintf(line, sizeof line, "%s: the diagonal (a dataset with itself)", tn);
        ui_text(y, x, w, ROLE_DIM, line);
        return;
    }
    const heatmap_cell *c = heatmap_at(&v->map, t, aux);
    if (!c->has_pair && !c->n_pairs) {
        double pg;
        if (heatmap_predicted_pair(&v->map, s, a->predictions && v->metric == s->metric ? a->predictions : NULL,
                                   t, aux, &pg))
            snprintf(line, sizeof line, "%s + %s: not measured; predicted pair gain ~%s", tn, an,
                     fmt_value(p, sizeof p, pg, 7));
        else
            snprintf(line, sizeof line, "%s + %s: not measured (neither the pair nor two runs that differ by %s)",
                     tn, an, an);
        ui_text(y, x, w, ROLE_UNMEASURED, line);
        return;
    }
    snprintf(line, sizeof line, "%s + %s: pair %s, marginal %s (%s, %u pairs)", tn, an,
             c->has_pair ? fmt_value(p, sizeof p, c->pair, 7) : "?",
             c->n_pairs ? fmt_value(m, sizeof m, c->marginal, 7) : "?", s->metrics[v->metric], c->n_pairs);
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
    snprintf(line, sizeof line, v->marginal ? "mean marginal gain in %s: adding the column to runs with the row%s"
                                            : "pair gain in %s: the row trained with the column, vs alone%s",
             s->metrics[v->metric], v->sorted ? "; sorted by mean" : "");
    ui_text(r.y, r.x, r.w, ROLE_HEADER, line);
    v->shown_predicted = 0;

    int name_full = 0;
    for (int i = 0; i < n; i++) {
        int w = ui_text_width(s->datasets[i].name);
        if (w > name_full)
            name_full = w;
    }
    if (name_full > NAME_MAX)
        name_full = NAME_MAX;
    /* cells grow with the width, up to CELL_MAX; numbers need six columns at least */
    int cw = n ? (r.w - 3 - name_full) / n : CELL_MIN;
    if (cw > CELL_MAX)
        cw = CELL_MAX;
    if (cw < CELL_MIN)
        cw = CELL_MIN;
    if (v->values && cw < 6)
        cw = 6;
    /* names give up what the cells need, down to six columns (full names are under the map) */
    int name_w = r.w - 3 - n * cw;
    if (name_w > name_full)
        name_w = name_full;
    if (name_w < 6)
        name_w = name_full < 6 ? name_full : 6;
    int gx = r.x + 2 + name_w + 1;
    int vis_cols = (r.x + r.w - gx) / cw;
    if (vis_cols < 1)
        vis_cols = 1;
    int body_top = r.y + 3, body_h = r.h - 3 - 3; /* title, two header rows; legend and info */
    if (body_h < 1)
        body_h = 1;
    int row_h = body_h >= 2 * v->n_rows ? 2 : 1; /* rows grow too when there is room */
    int vis_rows = body_h / row_h;
    /* keep the cursor in view */
    if (v->col < v->left)
        v->left = v->col;
    if (v->col >= v->left + vis_cols)
        v->left = v->col - vis_cols + 1;
    if (v->row < v->top)
        v->top = v->row > 0 && v->rows[v->row - 1] < 0 ? v->row - 1 : v->row;
    if (v->row >= v->top + vis_rows)
        v->top = v->row - vis_rows + 1;

    /* column headers: task names over their groups (not when sorted), then short labels */
    int prev_task = -1;
    for (int j = v->left; j < n && j < v->left + vis_cols; j++) {
        int d = v->cols[j], x = gx + (j - v->left) * cw;
        int task = s->datasets[d].task;
        if (task != prev_task && !v->sorted)
            ui_text(r.y + 1, x, r.x + r.w - x, ROLE_TASK, s->tasks[task]);
        prev_task = task;
        char label[16];
        heatmap_short_label(s, d, cw - 1 < 15 ? cw - 1 : 15, label, sizeof label);
        ui_text_right(r.y + 2, x, cw - 1, j == v->col ? ROLE_ACCENT : ROLE_HEADER, label);
    }
    if (v->sorted)
        ui_text(r.y + 1, gx, r.x + r.w - gx, ROLE_DIM, "columns by mean gain, best first");
    for (int i = v->top; i < v->n_rows && i < v->top + vis_rows; i++) {
        int y = body_top + (i - v->top) * row_h, t = v->rows[i];
        if (t < 0) {
            ui_text(y, r.x, gx - r.x, ROLE_TASK, s->tasks[-1 - t]);
            continue;
        }
        ui_text(y, r.x, 2, ROLE_ACCENT, t == a->target ? a->g->bullet : " ");
        ui_text(y, r.x + 2, name_w, i == v->row ? ROLE_ACCENT : ROLE_NORMAL, s->datasets[t].name);
        for (int j = v->left; j < n && j < v->left + vis_cols; j++)
            draw_cell(a, v, y, gx + (j - v->left) * cw, cw - 1, row_h, t, v->cols[j], i == v->row && j == v->col);
    }
    draw_legend(v, r.y + r.h - 3, r.x, r.w);
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
        heatmap_view_layout(a, v); /* sorted by the kind shown */
        return UI_HANDLED | UI_REDRAW;
    case ACTION_HEATMAP_EXPORT: {
        char name[192];
        snprintf(name, sizeof name, "heatmap-%s.csv", s->metrics[v->metric]);
        return app_export_prompt(a, EXPORT_HEATMAP, v->metric, -1, name);
    }
    case ACTION_HEATMAP_SORT:
        v->sorted = !v->sorted;
        heatmap_view_layout(a, v);
        app_message(a, false, "%s", v->sorted ? "rows (within their task) and columns by mean gain, best first"
                                              : "rows and columns in study order, grouped by task");
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
        if (t >= 0)
            app_explore_target(a, t); /* any dataset with scores, with a note if not a target */
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
