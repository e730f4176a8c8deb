/* view_table: the raw observations, one row per (combination, dataset). Sorting, filtering and
 * searching are done by obs_table (core); this file keeps the cursor and lays out the columns:
 * the combination first, taking the width left, then the most telling columns that fit (the sort
 * column, the dataset, the gain, the metric in use, size, replicates). Right and Left scroll
 * sideways: the dataset stays, the other columns follow in their own order, and past the last
 * column the combinations' members scroll (combo_from), so that every value and every
 * combination can be read. Under the rows, the selected row's dataset and whole combination,
 * wrapped; Enter opens the detail, every value of the row, an overlay with keys of its own
 * (scope_now: SCOPE_DETAIL; Enter, Esc and q close it, the moves still go from row to row).
 * T keeps the target's rows; E exports what is shown. The Lattice's R shows one combination's
 * rows here (a linked jump), and L shows the selected row's combination in the Lattice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/export.h"
#include "comboscope/obs_table.h"
#include "comboscope/text.h"
#include "ui.h"

typedef struct table_view {
    size_t *rows; /* observation indices in display order */
    size_t n;
    size_t cursor, top;
    int sort_col;
    bool descending;
    bool only_target;
    bool detail;     /* the detail is open: every value of the row */
    bool only_combo; /* the rows of one combination (a jump from the Lattice) */
    int hscroll;     /* columns scrolled past with Right (0: the most telling columns) */
    combo_t combo;
    char filter[128];
} table_view;

/* Rebuilds the rows from the query, keeping the cursor on the same observation if it is still
 * there. */
static void table_rebuild(app *a, table_view *v)
{
    size_t keep = v->n > 0 ? v->rows[v->cursor] : (size_t)-1;
    free(v->rows);
    obs_table_query q = {v->sort_col, v->descending, v->filter, v->only_target ? a->target : -1};
    v->n = obs_table_rows(a->study, &q, &v->rows);
    if (v->only_combo) {
        size_t k = 0;
        for (size_t i = 0; i < v->n; i++)
            if (a->study->obs[v->rows[i]].combo == v->combo)
                v->rows[k++] = v->rows[i];
        v->n = k;
    }
    v->cursor = 0;
    for (size_t i = 0; i < v->n; i++)
        if (v->rows[i] == keep)
            v->cursor = i;
}

static void *table_init(app *a)
{
    table_view *v = xcalloc(1, sizeof *v);
    v->sort_col = OBS_COL_COMBINATION;
    table_rebuild(a, v);
    return v;
}

static void table_done(void *state)
{
    table_view *v = state;
    free(v->rows);
    free(v);
}

/* Which columns are shown, at which x and width. The combination column takes what is left;
 * the sort column is always shown. */
typedef struct table_layout {
    int n;
    int col[64], x[64], w[64];
} table_layout;

static int column_width(const study *s, int col)
{
    switch (col) {
    case OBS_COL_DATASET: {
        int w = 7;
        for (int d = 0; d < s->n_datasets; d++) {
            int dw = ui_text_width(s->datasets[d].name);
            if (dw > w)
                w = dw;
        }
        return w > 20 ? 20 : w;
    }
    case OBS_COL_TASK: {
        int w = 4;
        for (int t = 0; t < s->n_tasks; t++) {
            int tw = ui_text_width(s->tasks[t]);
            if (tw > w)
                w = tw;
        }
        return w > 10 ? 10 : w;
    }
    case OBS_COL_SIZE: return 4;
    case OBS_COL_N: return 3;
    default: {
        int w = ui_text_width(obs_table_column_name(s, col));
        return w > 8 ? (w > 12 ? 12 : w) : 8;
    }
    }
}

/* A column's width with its header whole: the name, and the sort arrow on the sort column
 * ("task" and "size" were cut to "tas..." and "siz..." when sorted on). */
static int header_width(const study *s, int col, int sort_col)
{
    int w = column_width(s, col), hw = ui_text_width(obs_table_column_name(s, col)) + (col == sort_col);
    return hw > w ? hw : w;
}

/* hscroll > 0 (Right and Left): the columns from the hscroll-th after the combination, in
 * column order, as many as fit; 0: the most telling ones (below). */
static table_layout table_lay_out(const study *s, int width, int sort_col, int hscroll)
{
    table_layout L = {0};
    int ncols = obs_table_columns(s);
    if (ncols > 64)
        ncols = 64;
    int want[64], nw = 0, used = 0;
    const int min_combo = 30;
    /* the most telling columns first (the sort column, the dataset, the gain, the metric in
     * use), then the rest while they fit; shown in column order */
    bool chosen[64] = {false};
    int order[64], no = 0;
    int metric_col = s->metric >= 0 ? OBS_COL_METRIC0 + s->metric : -1;
    int first[] = {sort_col, OBS_COL_DATASET, OBS_COL_GAIN, metric_col, OBS_COL_SIZE, OBS_COL_N};
    bool queued[64] = {false};
    for (size_t i = 0; i < sizeof first / sizeof *first; i++)
        if (first[i] > 0 && first[i] < ncols && !queued[first[i]])
            order[no++] = first[i], queued[first[i]] = true;
    for (int c = 1; c < ncols; c++)
        if (!queued[c])
            order[no++] = c, queued[c] = true;
    if (hscroll > 0) { /* the dataset stays; a window over the other columns in their own order */
        no = 0;
        order[no++] = OBS_COL_DATASET;
        for (int c = 1 + hscroll; c < ncols; c++)
            if (c != OBS_COL_DATASET)
                order[no++] = c;
    }
    for (int i = 0; i < no; i++) {
        int w = header_width(s, order[i], sort_col) + 1;
        if (used + w + min_combo + 1 > width)
            continue;
        chosen[order[i]] = true;
        used += w;
    }
    want[nw++] = OBS_COL_COMBINATION;
    for (int c = 1; c < ncols; c++)
        if (chosen[c])
            want[nw++] = c;
    int x = 1;
    for (int i = 0; i < nw; i++) {
        int w = want[i] == OBS_COL_COMBINATION ? width - used - 2 : header_width(s, want[i], sort_col);
        L.col[L.n] = want[i];
        L.x[L.n] = x;
        L.w[L.n] = w;
        L.n++;
        x += w + 1;
    }
    return L;
}

/* Past the last column, Right scrolls the combinations: their members from the skip-th on, an
 * ellipsis for those scrolled past ("…+RE_git+TC_ade"). */
static const char *combo_from(const app *a, combo_t c, int skip, char *buf, size_t n)
{
    if (skip <= 0)
        return study_combo_format(a->study, c, buf, n);
    size_t k = (size_t)snprintf(buf, n, "%s", a->g->ellipsis);
    int m = 0;
    for (int d = 0; d < a->study->n_datasets && k + 1 < n; d++) {
        if (!combo_has(c, d) || m++ < skip)
            continue;
        int w = snprintf(buf + k, n - k, "+%s", a->study->datasets[d].name);
        if (w < 0 || (size_t)w >= n - k)
            break;
        k += (size_t)w;
    }
    return buf;
}

/* How far Right goes: every column after the combination and the dataset, then the members of
 * the longest combination shown but its last. */
static int table_hscroll_max(const app *a, const table_view *v)
{
    int most = 0;
    for (size_t i = 0; i < v->n; i++) {
        int m = combo_rank(a->study->obs[v->rows[i]].combo);
        most = m > most ? m : most;
    }
    int ncols = obs_table_columns(a->study);
    return (ncols > 2 ? ncols - 2 : 0) + (most > 1 ? most - 1 : 0);
}

/* The selected row in full: a rule, then its dataset and whole combination, wrapped; open, every
 * value of the row too. */
static void draw_detail(app *a, table_view *v, int y, int x, int w, int h)
{
    const study *s = a->study;
    size_t o = v->rows[v->cursor < v->n ? v->cursor : 0];
    ui_glyph_row(y, x, w, ui_role_attr(ROLE_BORDER), a->g->hline);
    ui_text(y, x + 2, w - 4, ROLE_DIM, v->detail ? " detail (Enter or Esc closes, L: in the Lattice) "
                                                 : " row (Enter: every value, L: in the Lattice) ");
    y++, h--;
    char text[64 * 70], combo[64 * 64];
    size_t k = (size_t)snprintf(text, sizeof text, "%s in %d datasets: ", s->datasets[s->obs[o].dataset].name,
                                combo_rank(s->obs[o].combo));
    study_combo_format(s, s->obs[o].combo, combo, sizeof combo);
    for (const char *p = combo; *p && k + 4 < sizeof text; p++) {
        if (*p == '+')
            k += (size_t)snprintf(text + k, sizeof text - k, " + ");
        else
            text[k++] = *p;
    }
    text[k < sizeof text ? k : sizeof text - 1] = '\0';
    int used = ui_text_wrap(y, x + 1, w - 2, v->detail ? h - 1 : h, ROLE_NORMAL, text);
    if (!v->detail || used >= h)
        return;
    /* every value of the row, in one wrapped line of "name value" pairs */
    k = 0;
    int ncols = obs_table_columns(s);
    for (int col = OBS_COL_SIZE; col < ncols && k + 64 < sizeof text; col++) {
        double num;
        char buf[64];
        bool has = obs_table_number(s, o, col, &num);
        if (col == OBS_COL_GAIN)
            ui_fmt_gain(buf, sizeof buf, has, num);
        else if (col == OBS_COL_SIZE || col == OBS_COL_N)
            snprintf(buf, sizeof buf, "%.0f", num);
        else
            ui_fmt_score(buf, sizeof buf, has, num);
        k += (size_t)snprintf(text + k, sizeof text - k, "%s%s %s", k ? "   " : "", obs_table_column_name(s, col), buf);
    }
    ui_text_wrap(y + used, x + 1, w - 2, h - used, ROLE_NUMBER, text);
}

static void table_draw(app *a, void *state, ui_rect r)
{
    table_view *v = state;
    const study *s = a->study;
    if (a->focus_view == VIEW_TABLE) { /* a linked jump: this combination's rows */
        a->focus_view = 0;
        v->only_combo = true;
        v->combo = a->focus_combo;
        v->only_target = false;
        v->filter[0] = '\0';
        table_rebuild(a, v);
        for (size_t i = 0; i < v->n; i++)
            if (s->obs[v->rows[i]].dataset == a->target)
                v->cursor = i;
        if (!v->n)
            app_message(a, false, "that combination has no rows: it is not measured");
    }
    int ncols_all = obs_table_columns(s), col_steps = ncols_all > 2 ? ncols_all - 2 : 0;
    int hmax = table_hscroll_max(a, v);
    if (v->hscroll > hmax)
        v->hscroll = hmax;
    int skip = v->hscroll > col_steps ? v->hscroll - col_steps : 0; /* combination members */
    table_layout L = table_lay_out(s, r.w, v->sort_col, v->hscroll < col_steps ? v->hscroll : col_steps);
    /* line 1: what is shown */
    char line[512];
    int x = ui_textf(r.y, r.x + 1, r.w - 2, ROLE_NORMAL, "%zu of %zu observations", v->n, s->n_obs);
    if (v->only_target && a->target >= 0)
        x += ui_textf(r.y, r.x + 1 + x, r.w - 2 - x, ROLE_ACCENT, "  dataset %s", s->datasets[a->target].name);
    if (v->filter[0]) {
        snprintf(line, sizeof line, "  filter: %s", v->filter);
        x += ui_text(r.y, r.x + 1 + x, r.w - 2 - x, ROLE_ACCENT, line);
    }
    if (v->only_combo)
        x += ui_textf(r.y, r.x + 1 + x, r.w - 2 - x, ROLE_ACCENT, "  one combination (f clears)");
    if (skip)
        x += ui_textf(r.y, r.x + 1 + x, r.w - 2 - x, ROLE_ACCENT, "  combinations from member %d (%s)", skip + 1,
                      a->g->arrow_left);
    else if (v->hscroll)
        x += ui_textf(r.y, r.x + 1 + x, r.w - 2 - x, ROLE_ACCENT, "  from column %s (%s)",
                      obs_table_column_name(s, 1 + v->hscroll), a->g->arrow_left);
    snprintf(line, sizeof line, "sorted by %s %s", obs_table_column_name(s, v->sort_col),
             v->descending ? a->g->sort_down : a->g->sort_up);
    if (r.w - 2 - x > ui_text_width(line) + 2)
        ui_text_right(r.y, r.x, r.w - 1, ROLE_DIM, line);
    /* header */
    int hy = r.y + 1;
    ui_fill(hy, r.x, r.w, ROLE_HEADER);
    for (int i = 0; i < L.n; i++) {
        const char *name = obs_table_column_name(s, L.col[i]);
        char h[64];
        if (L.col[i] == v->sort_col)
            snprintf(h, sizeof h, "%s%s", name, v->descending ? a->g->sort_down : a->g->sort_up);
        else
            snprintf(h, sizeof h, "%s", name);
        if (obs_table_column_is_text(L.col[i]))
            ui_text(hy, r.x + L.x[i], L.w[i], ROLE_HEADER, h);
        else
            ui_text_right(hy, r.x + L.x[i], L.w[i], ROLE_HEADER, h);
    }
    /* the detail under the rows: 2 lines, or up to half the view when open */
    int detail_h = r.h >= 12 ? (v->detail ? (r.h - 3) / 2 : 2) : 0;
    int list_y = r.y + 2, list_h = r.h - 2 - (detail_h ? detail_h + 1 : 0);
    if (list_h < 1)
        return;
    if (detail_h && v->n)
        draw_detail(a, v, r.y + r.h - detail_h - 1, r.x, r.w, detail_h + 1);
    if (v->n == 0) {
        ui_text(list_y, r.x + 1, r.w - 2, ROLE_DIM, v->filter[0] ? "no observation matches the filter"
                                                                 : "no observations");
        return;
    }
    if (v->cursor < v->top)
        v->top = v->cursor;
    if (v->cursor >= v->top + (size_t)list_h)
        v->top = v->cursor - (size_t)list_h + 1;
    char combo[64 * 64], buf[64];
    for (int i = 0; i < list_h && v->top + (size_t)i < v->n; i++) {
        size_t row = v->top + (size_t)i, o = v->rows[row];
        bool cur = row == v->cursor;
        int y = list_y + i;
        if (cur)
            ui_fill(y, r.x, r.w, ROLE_CURSOR);
        for (int c = 0; c < L.n; c++) {
            int col = L.col[c], cx = r.x + L.x[c], w = L.w[c];
            double num;
            switch (col) {
            case OBS_COL_COMBINATION:
                ui_text_match(y, cx, w, cur ? ROLE_CURSOR : ROLE_NORMAL,
                              combo_from(a, s->obs[o].combo, skip, combo, sizeof combo), app_search_text(a, VIEW_TABLE));
                break;
            case OBS_COL_DATASET:
                ui_text_match(y, cx, w, cur ? ROLE_CURSOR : s->obs[o].dataset == a->target ? ROLE_ACCENT : ROLE_NORMAL,
                              s->datasets[s->obs[o].dataset].name, app_search_text(a, VIEW_TABLE));
                break;
            case OBS_COL_TASK:
                ui_text_match(y, cx, w, cur ? ROLE_CURSOR : ROLE_DIM, s->tasks[s->datasets[s->obs[o].dataset].task],
                              app_search_text(a, VIEW_TABLE));
                break;
            case OBS_COL_SIZE:
            case OBS_COL_N:
                obs_table_number(s, o, col, &num);
                snprintf(buf, sizeof buf, "%.0f", num);
                ui_text_right(y, cx, w, cur ? ROLE_CURSOR : ROLE_NUMBER, buf);
                break;
            case OBS_COL_GAIN: {
                bool has = obs_table_number(s, o, col, &num);
                theme_role gr = cur ? ROLE_CURSOR : !has ? ROLE_DIM : num > 5e-5 ? ROLE_GOOD
                                                   : num < -5e-5 ? ROLE_BAD : ROLE_NUMBER;
                ui_text_right(y, cx, w, gr, ui_fmt_gain(buf, sizeof buf, has, num));
                break;
            }
            default: {
                bool has = obs_table_number(s, o, col, &num);
                theme_role mr = cur ? ROLE_CURSOR : has ? ROLE_NUMBER : ROLE_DIM;
                ui_text_right(y, cx, w, mr, ui_fmt_score(buf, sizeof buf, has, num));
            }
            }
        }
    }
}

static void table_move(table_view *v, long delta)
{
    if (v->n == 0)
        return;
    long c = (long)v->cursor + delta;
    if (c < 0)
        c = 0;
    if (c >= (long)v->n)
        c = (long)v->n - 1;
    v->cursor = (size_t)c;
}

/* The open detail is an overlay with keys of its own: Enter, Esc and q close it. */
static enum action_scope table_scope_now(app *a, void *state)
{
    (void)a;
    const table_view *v = state;
    return v->detail ? SCOPE_DETAIL : SCOPE_TABLE;
}

static int table_action(app *a, void *state, enum action act)
{
    table_view *v = state;
    int ncols = obs_table_columns(a->study);
    long page = a->body.h > 4 ? a->body.h - 3 : 1;
    switch (act) {
    case ACTION_MOVE_LEFT:
    case ACTION_MOVE_RIGHT:
        /* scroll the columns: Right shows the ones that did not fit, Left goes back */
        if (act == ACTION_MOVE_RIGHT && v->hscroll < table_hscroll_max(a, v))
            v->hscroll++;
        else if (act == ACTION_MOVE_LEFT && v->hscroll > 0)
            v->hscroll--;
        break;
    case ACTION_MOVE_UP: table_move(v, -1); break;
    case ACTION_MOVE_DOWN: table_move(v, 1); break;
    case ACTION_PAGE_UP: table_move(v, -page); break;
    case ACTION_PAGE_DOWN: table_move(v, page); break;
    case ACTION_MOVE_FIRST: table_move(v, -(long)v->n); break;
    case ACTION_MOVE_LAST: table_move(v, (long)v->n); break;
    case ACTION_TABLE_SORT:
    case ACTION_TABLE_SORT_PREV:
        v->sort_col = (v->sort_col + (act == ACTION_TABLE_SORT ? 1 : ncols - 1)) % ncols;
        /* numbers read best from the top down, names from A to Z */
        v->descending = !obs_table_column_is_text(v->sort_col);
        table_rebuild(a, v);
        v->cursor = v->top = 0; /* a new order is read from its top */
        break;
    case ACTION_TABLE_REVERSE:
        v->descending = !v->descending;
        table_rebuild(a, v);
        v->cursor = v->top = 0;
        break;
    case ACTION_TABLE_FILTER: app_prompt_open(a, PROMPT_FILTER, "filter: ", v->filter); break;
    case ACTION_TABLE_TARGET:
        v->only_target = !v->only_target;
        table_rebuild(a, v);
        break;
    case ACTION_TABLE_EXPORT:
        return app_export_prompt(a, EXPORT_TABLE, a->study->metric, v->only_target ? a->target : -1,
                                 v->only_target ? "table-target.csv" : "table.csv");
    case ACTION_TABLE_DETAIL: v->detail = true; break;
    case ACTION_DETAIL_HIDE:
    case ACTION_DETAIL_CLOSE: v->detail = false; break;
    case ACTION_SHOW_LATTICE:
        if (!v->n) {
            app_message(a, false, "no row selected");
            break;
        }
        return app_show_combo(a, VIEW_LATTICE, a->study->obs[v->rows[v->cursor]].combo,
                              a->study->obs[v->rows[v->cursor]].dataset);
    default: return UI_UNHANDLED;
    }
    return UI_HANDLED | UI_REDRAW;
}

static int table_prompt(app *a, void *state, enum prompt_kind kind, const char *text, bool done,
                        bool cancelled)
{
    table_view *v = state;
    if (kind == PROMPT_FILTER) {
        /* the filter applies as it is typed; Esc leaves the old one */
        if (!cancelled) {
            snprintf(v->filter, sizeof v->filter, "%s", text);
            v->only_combo = false; /* a filter replaces the one combination of a jump */
            table_rebuild(a, v);
        }
        (void)done;
        return UI_REDRAW;
    }
    return UI_REDRAW;
}

/* `/`: the next row with the text in its combination, dataset or note (obs_table_find). */
static bool table_search(app *a, void *state, const char *text, enum search_step step)
{
    table_view *v = state;
    if (v->n == 0)
        return false;
    int dir = step == SEARCH_PREV ? -1 : 1;
    size_t from = step == SEARCH_TYPED ? v->cursor : dir > 0 ? (v->cursor + 1) % v->n : (v->cursor + v->n - 1) % v->n;
    long p = obs_table_find(a->study, v->rows, v->n, from, dir, text);
    if (p < 0)
        return false;
    v->cursor = (size_t)p;
    return true;
}

static void table_target(app *a, void *state)
{
    table_view *v = state;
    if (v->only_target)
        table_rebuild(a, v);
}

static int table_click(app *a, void *state, ui_rect r, int y, int x)
{
    table_view *v = state;
    (void)a, (void)x;
    size_t i = v->top + (size_t)(y - (r.y + 2));
    if (y >= r.y + 2 && i < v->n)
        v->cursor = i;
    return UI_HANDLED;
}

const struct view_ops view_table_ops = {
    .name = "Table",
    .id = VIEW_TABLE,
    .scope = SCOPE_TABLE,
    .init = table_init,
    .draw = table_draw,
    .action = table_action,
    .prompt = table_prompt,
    .search = table_search,
    .target = table_target,
    .click = table_click,
    .scope_now = table_scope_now,
    .done = table_done,
};
