/* view_study: the study at a glance. Datasets grouped by task type; for each target its
 * baseline, its best measured combination and that combination's gain, how many of its
 * combinations are measured, and how many are left; above the table, for the current target,
 * what the predictor expects is still to be gained once the round model has fitted one (or
 * that nothing is expected to beat the best measured; on a complete table, that nothing is
 * left to measure). The
 * numbers come from study_target_summarize and the round model (core); this file only lays
 * them out. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/round.h"
#include "comboscope/find.h"
#include "comboscope/text.h"
#include "ui.h"

typedef struct study_row {
    int task;    /* the task type this row belongs to */
    int dataset; /* -1: the task type's header row */
    bool target;
    study_target_summary sum;
} study_row;

typedef struct study_view {
    study_row *rows;
    int n_rows;
    int cursor; /* index into rows, always a dataset row */
    int top;    /* first row shown */
    int hscroll; /* Right/Left: number columns, then combination members, scrolled past */
    double max_gain; /* largest |gain| among targets, for the bars */
} study_view;

static void *study_init(app *a)
{
    study_view *v = xcalloc(1, sizeof *v);
    const study *s = a->study;
    v->rows = xcalloc((size_t)(s->n_datasets + s->n_tasks), sizeof *v->rows);
    bool is_target[COMBO_MAX_DATASETS] = {false};
    for (int i = 0; i < s->n_targets; i++)
        is_target[s->targets[i]] = true;
    for (int t = 0; t < s->n_tasks; t++) {
        v->rows[v->n_rows++] = (study_row){t, -1, false, {0}};
        for (int d = 0; d < s->n_datasets; d++) {
            if (s->datasets[d].task != t)
                continue;
            study_row *r = &v->rows[v->n_rows++];
            r->task = t;
            r->dataset = d;
            r->target = is_target[d];
            study_target_summarize(s, d, &r->sum);
            if (r->target && r->sum.has_best && r->sum.has_baseline && fabs(r->sum.gain) > v->max_gain)
                v->max_gain = fabs(r->sum.gain);
        }
    }
    v->cursor = -1;
    for (int i = 0; i < v->n_rows; i++)
        if (v->rows[i].dataset == a->target || (v->cursor < 0 && v->rows[i].dataset >= 0))
            v->cursor = i;
    if (v->cursor < 0)
        v->cursor = 0;
    return v;
}

static void study_done(void *state)
{
    study_view *v = state;
    free(v->rows);
    free(v);
}

/* Column layout for a width: which optional columns fit. Scrolled right (hscroll), the number
 * columns go first, one a step (baseline, best, gain, runs, left), then the members of the best
 * combination, so that every combination can be read whole in its column. */
enum { STUDY_NUM_COLS = 5 };
typedef struct study_cols {
    int name, num, runs, rest, combo; /* widths; 0 hides the column */
    int hidden; /* number columns scrolled past */
    int skip;   /* members of the best combination scrolled past */
} study_cols;

static study_cols study_layout(const study *s, int w, int hscroll)
{
    int name = 7;
    for (int d = 0; d < s->n_datasets; d++) {
        int nw = ui_text_width(s->datasets[d].name);
        if (nw > name)
            name = nw;
    }
    study_cols c = {name > 24 ? 24 : name, 8, 6, 7, 0, 0, 0};
    c.hidden = hscroll < STUDY_NUM_COLS ? hscroll : STUDY_NUM_COLS;
    c.skip = hscroll - c.hidden;
    int fixed = 2 + c.name + 1; /* where the combination column starts */
    for (int k = c.hidden; k < STUDY_NUM_COLS; k++)
        fixed += k < 3 ? c.num + 1 : k == 3 ? c.runs + 1 : c.rest + 2;
    c.combo = w - fixed;
    if (c.combo < 8 && c.hidden < STUDY_NUM_COLS) {
        c.rest = 0;
        c.combo = w - (fixed - 9);
        if (c.combo < 8)
            c.combo = 0;
    }
    return c;
}

/* Whether number column k (0 baseline .. 4 left) is shown. */
static bool col_shown(study_cols c, int k)
{
    return k >= c.hidden && (k < 4 || c.rest);
}

static void draw_summary(app *a, ui_rect r)
{
    const study *s = a->study;
    char line[512], name[128];
    text_sanitize(s->name ? s->name : "(unnamed)", name, sizeof name);
    unsigned long long all = s->n_datasets >= 64 ? 0 : (1ULL << s->n_datasets) - 1;
    snprintf(line, sizeof line, "%s: %d datasets, %d task types, %zu of %llu combinations measured",
             name, s->n_datasets, s->n_tasks, s->n_combos, all);
    ui_text(r.y, r.x + 1, r.w - 2, ROLE_NORMAL, line);
    snprintf(line, sizeof line, "%zu observations (%zu rows); metric %s, %s is better; %d target%s",
             s->n_obs, s->n_rows, s->metrics[s->metric], s->goal == GOAL_MIN ? "lower" : "higher",
             s->n_targets, s->n_targets == 1 ? "" : "s");
    ui_text(r.y + 1, r.x + 1, r.w - 2, ROLE_DIM, line);
}

/* What the predictor expects is still to be gained for the current target: the round model's
 * prospect (core: round_prospect, which scores the unmeasured combinations once per fit),
 * shown only when it has a model fitted for this target, never fitted here (start-up stays
 * fast); otherwise where to get one. */
static void draw_prospect(app *a, int y, int x, int w)
{
    const study *s = a->study;
    round_session *rs = a->session;
    if (a->target < 0 || !rs || w < 20)
        return;
    char line[512], combo[256], mean[32], gain[32], name[128];
    text_sanitize(s->datasets[a->target].name, name, sizeof name);
    study_target_summary sum;
    study_target_summarize(s, a->target, &sum);
    if (sum.lattice > 0 && sum.measured >= sum.lattice) { /* a complete table: nothing to predict */
        snprintf(line, sizeof line, "nothing left to measure for %s: all %llu combinations measured",
                 name, (unsigned long long)sum.lattice);
        ui_text(y, x, w, ROLE_DIM, line);
        return;
    }
    if (rs->target != a->target || (!rs->model && rs->design)) {
        snprintf(line, sizeof line, "still to be gained for %s: %s", name,
                 rs->target != a->target ? "the Round view (4) fits a predictor"
                                         : "too few runs to fit a predictor (the initial design first)");
        ui_text(y, x, w, ROLE_DIM, line);
        return;
    }
    combo_t best;
    double mean_v, gain_v;
    if (!round_prospect(rs, &best, &mean_v, &gain_v)) /* scored once per fit, then cached */
        return;
    combo_t with = best & ~combo_single(a->target);
    if (with) {
        combo[0] = '+';
        study_combo_format(s, with, combo + 1, sizeof combo - 1);
    } else {
        snprintf(combo, sizeof combo, "(alone)");
    }
    /* the combination last: on a narrow screen it is what the ellipsis cuts */
    if (gain_v > 0)
        snprintf(line, sizeof line, "predicted for %s: ~%s over the best measured, ~%s with %s", name,
                 ui_fmt_gain(gain, sizeof gain, true, gain_v), ui_fmt_score(mean, sizeof mean, true, mean_v), combo);
    else /* a negative "gain" reads as a promise: say plainly that none is expected */
        snprintf(line, sizeof line, "predicted for %s: nothing expected to beat the best measured (at best ~%s, %s)",
                 name, ui_fmt_score(mean, sizeof mean, true, mean_v), combo);
    ui_text(y, x, w, ROLE_PREDICTED, line);
}

static void draw_header(int y, int x, study_cols c, int w)
{
    static const char *const names[STUDY_NUM_COLS] = {"baseline", "best", "gain", "runs", "left"};
    ui_fill(y, x, w, ROLE_HEADER);
    int cx = x + 2;
    ui_text(y, cx, c.name, ROLE_HEADER, "dataset");
    cx += c.name + 1;
    for (int k = 0; k < STUDY_NUM_COLS; k++) {
        if (!col_shown(c, k))
            continue;
        int cw = k < 3 ? c.num : k == 3 ? c.runs : c.rest;
        ui_text_right(y, cx, cw, ROLE_HEADER, names[k]);
        cx += cw + (k == 4 ? 2 : 1);
    }
    if (c.combo) {
        char h[64];
        if (c.skip)
            snprintf(h, sizeof h, "best: trained with, from the %d%s", c.skip + 1,
                     c.skip == 1 ? "nd" : c.skip == 2 ? "rd" : "th");
        else if (c.hidden)
            snprintf(h, sizeof h, "best: trained with (Left: back)");
        else
            snprintf(h, sizeof h, "best: trained with");
        ui_text(y, cx, c.combo, ROLE_HEADER, h);
    }
}

static void draw_row(app *a, const study_row *row, int y, int x, study_cols c, int w, bool cursor,
                     const char *search)
{
    const study *s = a->study;
    char buf[64], combo[1024];
    if (row->dataset < 0) {
        ui_text(y, x + 1, w - 2, ROLE_TASK, s->tasks[row->task]);
        return;
    }
    theme_role base = cursor ? ROLE_CURSOR : ROLE_NORMAL;
    if (cursor)
        ui_fill(y, x, w, ROLE_CURSOR);
    const study_target_summary *t = &row->sum;
    ui_text(y, x, 2, base, row->dataset == a->target ? a->g->bullet : " ");
    int cx = x + 2;
    ui_text_match(y, cx, c.name, cursor ? ROLE_CURSOR : row->target ? ROLE_NORMAL : ROLE_DIM,
                  s->datasets[row->dataset].name, search);
    cx += c.name + 1;
    bool has_gain = t->has_best && t->has_baseline;
    for (int k = 0; k < STUDY_NUM_COLS; k++) {
        if (!col_shown(c, k))
            continue;
        switch (k) {
        case 0:
            ui_text_right(y, cx, c.num, cursor ? base : ROLE_NUMBER,
                          ui_fmt_score(buf, sizeof buf, t->has_baseline, t->baseline));
            cx += c.num + 1;
            break;
        case 1:
            ui_text_right(y, cx, c.num, cursor ? base : ROLE_NUMBER, ui_fmt_score(buf, sizeof buf, t->has_best, t->best));
            cx += c.num + 1;
            break;
        case 2: {
            theme_role gr = cursor ? base : !has_gain ? ROLE_DIM : t->gain > 5e-5 ? ROLE_GOOD
                                           : t->gain < -5e-5 ? ROLE_BAD : ROLE_NUMBER;
            ui_text_right(y, cx, c.num, gr, ui_fmt_gain(buf, sizeof buf, has_gain, t->gain));
            cx += c.num + 1;
            break;
        }
        case 3:
            snprintf(buf, sizeof buf, "%zu", t->measured);
            ui_text_right(y, cx, c.runs, cursor ? base : ROLE_NUMBER, buf);
            cx += c.runs + 1;
            break;
        default:
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)(t->lattice - t->measured));
            ui_text_right(y, cx, c.rest, cursor ? base : ROLE_DIM, buf);
            cx += c.rest + 2;
        }
    }
    if (c.combo) {
        /* the target is in every one of its combinations: show what is trained with it, from
         * the member scrolled to */
        if (!t->has_best) {
            snprintf(combo, sizeof combo, "-");
        } else if (t->best_combo == combo_single(row->dataset)) {
            snprintf(combo, sizeof combo, "(alone)");
        } else {
            size_t k = 0;
            int m = 0;
            combo[0] = '\0';
            for (int d = 0; d < s->n_datasets && k + 1 < sizeof combo; d++) {
                if (d == row->dataset || !combo_has(t->best_combo, d))
                    continue;
                if (m++ < c.skip) {
                    if (m == 1)
                        k += (size_t)snprintf(combo + k, sizeof combo - k, "%s", a->g->ellipsis);
                    continue;
                }
                int n = snprintf(combo + k, sizeof combo - k, "+%s", s->datasets[d].name);
                if (n < 0 || (size_t)n >= sizeof combo - k)
                    break;
                k += (size_t)n;
            }
        }
        ui_text(y, cx, c.combo, base, combo);
    }
}

/* The selected dataset in a sentence: its baseline, best and gain, and the best combination's
 * members in full, wrapped. */
static void draw_detail(app *a, const study_row *row, int y, int x, int w, int h)
{
    const study *s = a->study;
    const study_target_summary *t = &row->sum;
    ui_glyph_row(y, x, w, ui_role_attr(ROLE_BORDER), a->g->hline);
    ui_text(y, x + 2, w - 4, ROLE_DIM, " selected (L: its best in the Lattice) ");
    char text[64 * 70], combo[64 * 64], b[32], g[32], bl[32];
    size_t k = (size_t)snprintf(text, sizeof text, "%s: ", s->datasets[row->dataset].name);
    if (!t->has_best) {
        snprintf(text + k, sizeof text - k, "nothing measured");
    } else {
        k += (size_t)snprintf(text + k, sizeof text - k, "baseline %s, best %s (%s) with ",
                              ui_fmt_score(bl, sizeof bl, t->has_baseline, t->baseline),
                              ui_fmt_score(b, sizeof b, true, t->best),
                              ui_fmt_gain(g, sizeof g, t->has_baseline, t->gain));
        study_combo_format(s, t->best_combo, combo, sizeof combo);
        for (const char *p = combo; *p && k + 4 < sizeof text; p++) {
            if (*p == '+')
                k += (size_t)snprintf(text + k, sizeof text - k, " + ");
            else
                text[k++] = *p;
        }
        text[k < sizeof text ? k : sizeof text - 1] = '\0';
    }
    ui_text_wrap(y + 1, x + 1, w - 2, h - 1, ROLE_NORMAL, text);
}

static void study_draw(app *a, void *state, ui_rect r)
{
    study_view *v = state;
    study_cols c = study_layout(a->study, r.w, v->hscroll);
    draw_summary(a, r);
    draw_header(r.y + 3, r.x, c, r.w);
    /* under the rows, the selected dataset's best combination in full (the column cuts it) */
    int detail_h = r.h >= 16 ? 3 : 0;
    int list_y = r.y + 4, list_h = r.h - 4 - detail_h;
    if (list_h < 1)
        return;
    if (detail_h && v->cursor < v->n_rows && v->rows[v->cursor].dataset >= 0)
        draw_detail(a, &v->rows[v->cursor], r.y + r.h - detail_h, r.x, r.w, detail_h);
    if (v->cursor < v->top)
        v->top = v->cursor;
    /* keep the cursor's task header in sight when scrolling up to its first dataset */
    if (v->cursor > 0 && v->rows[v->cursor - 1].dataset < 0 && v->cursor - 1 < v->top)
        v->top = v->cursor - 1;
    if (v->cursor >= v->top + list_h)
        v->top = v->cursor - list_h + 1;
    for (int i = 0; i < list_h && v->top + i < v->n_rows; i++)
        draw_row(a, &v->rows[v->top + i], list_y + i, r.x, c, r.w, v->top + i == v->cursor, app_search_text(a, VIEW_STUDY));
    int more_w = 0;
    if (v->n_rows > list_h) {
        char more[32];
        snprintf(more, sizeof more, " %d/%d ", v->cursor + 1, v->n_rows);
        more_w = ui_text_width(more);
        ui_text_right(r.y + 2, r.x, r.w - 1, ROLE_DIM, more);
    }
    draw_prospect(a, r.y + 2, r.x + 1, r.w - 2 - more_w);
}

/* Moves the cursor by delta dataset rows (skipping task headers), clamped. */
static void study_move(study_view *v, int delta)
{
    int step = delta > 0 ? 1 : -1;
    for (int k = 0; k != delta; k += step) {
        int i = v->cursor + step;
        while (i >= 0 && i < v->n_rows && v->rows[i].dataset < 0)
            i += step;
        if (i < 0 || i >= v->n_rows)
            break;
        v->cursor = i;
    }
}

typedef struct study_match {
    const app *a;
    const study_view *v;
    const char *text;
} study_match;

static bool study_row_matches(void *ctx, size_t i)
{
    const study_match *m = ctx;
    int d = m->v->rows[i].dataset;
    return d >= 0 && find_words(m->a->study->datasets[d].name, m->text);
}

/* `/`: the next dataset row whose name holds every word of text. */
static bool study_view_search(app *a, void *state, const char *text, enum search_step step)
{
    study_view *v = state;
    study_match m = {a, v, text};
    long i = find_next((size_t)v->n_rows, (size_t)v->cursor, step == SEARCH_PREV ? -1 : 1, step == SEARCH_TYPED,
                       study_row_matches, &m);
    if (i < 0)
        return false;
    v->cursor = (int)i;
    return true;
}

static int study_action(app *a, void *state, enum action act)
{
    study_view *v = state;
    int page = a->body.h > 6 ? a->body.h - 5 : 1;
    switch (act) {
    case ACTION_MOVE_UP: study_move(v, -1); break;
    case ACTION_MOVE_DOWN: study_move(v, 1); break;
    case ACTION_PAGE_UP: study_move(v, -page); break;
    case ACTION_PAGE_DOWN: study_move(v, page); break;
    case ACTION_MOVE_RIGHT:
    case ACTION_MOVE_LEFT: {
        /* scroll: the number columns first, then the members of the best combinations, as far
         * as the longest of them needs */
        int most = 0;
        for (int i = 0; i < v->n_rows; i++) {
            const study_row *row = &v->rows[i];
            if (row->dataset >= 0 && row->sum.has_best) {
                int m = combo_rank(row->sum.best_combo & ~combo_single(row->dataset));
                most = m > most ? m : most;
            }
        }
        int max = STUDY_NUM_COLS + (most > 1 ? most - 1 : 0);
        if (act == ACTION_MOVE_RIGHT && v->hscroll < max)
            v->hscroll++;
        else if (act == ACTION_MOVE_LEFT && v->hscroll > 0)
            v->hscroll--;
        else
            app_message(a, false, "%s", act == ACTION_MOVE_LEFT ? "at the first column" : "every column is shown");
        break;
    }
    case ACTION_MOVE_FIRST: study_move(v, -v->n_rows); break;
    case ACTION_MOVE_LAST: study_move(v, v->n_rows); break;
    case ACTION_SHOW_LATTICE: {
        const study_row *row = &v->rows[v->cursor];
        if (row->dataset < 0 || !row->sum.has_best) {
            app_message(a, false, "nothing measured for this dataset");
            break;
        }
        return app_show_combo(a, VIEW_LATTICE, row->sum.best_combo, row->dataset);
    }
    case ACTION_STUDY_SELECT: {
        const study_row *row = &v->rows[v->cursor];
        if (row->dataset < 0)
            break;
        if (!row->target) { /* explored, with a note that it is not one of the study's targets */
            app_explore_target(a, row->dataset);
            break;
        }
        app_set_target(a, row->dataset);
        break;
    }
    default: return UI_UNHANDLED;
    }
    return UI_HANDLED | UI_REDRAW;
}

static void study_target(app *a, void *state)
{
    study_view *v = state;
    for (int i = 0; i < v->n_rows; i++)
        if (v->rows[i].dataset == a->target)
            v->cursor = i;
}

static int study_click(app *a, void *state, ui_rect r, int y, int x)
{
    study_view *v = state;
    (void)a, (void)x;
    int i = v->top + (y - (r.y + 4));
    if (y >= r.y + 4 && i >= 0 && i < v->n_rows && v->rows[i].dataset >= 0)
        v->cursor = i;
    return UI_HANDLED;
}

const struct view_ops view_study_ops = {
    .name = "Study",
    .id = VIEW_STUDY,
    .scope = SCOPE_STUDY,
    .init = study_init,
    .draw = study_draw,
    .action = study_action,
    .search = study_view_search,
    .target = study_target,
    .click = study_click,
    .done = study_done,
};
