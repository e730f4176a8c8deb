/* view_lattice: every combination that contains the current target, coloured by measured gain.
 * The entry point of the Lattice view: its state, keys, prompts and ops table; the layouts are
 * drawn by lattice_layouts.c and the text by lattice_panel.c (lattice_view.h says who does what).
 *
 * Two layouts of the same lattice (core: lattice.h, lattice_axes.h):
 *   grid     the Gray-code grid: neighbouring cells differ by one dataset, so the arrow keys
 *            add or remove one dataset each. Its axes are ordered by effect (the default): the
 *            datasets that change the target's score most take the slowest bits, so the map
 *            falls into large blocks, and labels along the top and the right name the dataset
 *            of each band and its effect; the order key switches to the fixed study order.
 *            Two cells per character (half blocks, or pair glyphs without colour or UTF-8) at
 *            80x24, one per character when the screen has the rows, two characters per cell when
 *            it also has the columns; the zoom key forces one per character, a page at a time.
 *            Any grid larger than the screen (13 or more datasets) is paged the same way: a page
 *            is a sub-lattice laid out like every other page, by effect the strongest datasets
 *            vary on it and the weakest are held fixed (lattice_frame deals the axes for the
 *            page's size), the title names them; the arrows wrap within the page and the page
 *            keys turn it (core: lattice_grid_init_paged, lattice_page_turn).
 *   by size  one column block per combination size, best first: a Hasse diagram flattened so
 *            that how gains grow with size can be read at a glance. Left and right take the best
 *            measured step down or up (a greedy walk); up and down walk the order.
 * The filter key keeps combinations that contain some datasets and not others, blanking the
 * rest. The side panel (or, at 80 columns, the legend row) shows the combination under the
 * cursor, and the list below the grid every neighbour, sorted by what the move does.
 * Predictions: when the app holds a predictor's scores (app.predictions, the lattice.h hook),
 * unmeasured cells with a prediction take the predicted role (never a heat colour, so that a
 * prediction cannot pass for a measurement), told apart by the predicted gain under the same
 * cut (core: lattice_cutoff_good); the panel and the list mark predictions with '~'. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/find.h"
#include "comboscope/export.h"
#include "comboscope/text.h"
#include "lattice_view.h"

/* Heat ramps for one cell per character, most negative to most positive, and the glyph of an
 * unmeasured cell: bar heights in UTF-8 read as "how good", plain ASCII needs symbols. */
static const char *const ramp_utf8[THEME_HEAT_LEVELS] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇"};
static const char unmeasured_utf8[] = "·";
static const char unmeasured_ascii[] = ".";

/* Colour carries the heat (not glyphs): a colour tier and a theme whose heat roles have colours. */
bool lattice_heat_colors(void)
{
    return !ui_heat_glyphs();
}

bool lattice_half_blocks(const app *a)
{
    return a->caps.utf8 && lattice_heat_colors();
}

/* Cells per character row in the by-size layout: two unless zoomed, or one without half
 * blocks: its blocks are sorted by gain, so the ramp's levels are what it is read for, and a
 * pair glyph would leave its measured-but-not-good cells blank. (The grid's is decided by its
 * geometry, lattice_geometry.) */
int lattice_cells_per_char(const app *a, const lattice_view *v)
{
    return v->zoom || (v->by_size && !lattice_half_blocks(a)) ? 1 : 2;
}

const char *lattice_ramp_glyph(const app *a, int level)
{
    if (level < 0)
        return a->caps.utf8 ? unmeasured_utf8 : unmeasured_ascii;
    return a->caps.utf8 ? ramp_utf8[level] : lattice_ramp_ascii[level];
}

theme_role lattice_gain_role(bool has, double g)
{
    return !has ? ROLE_DIM : g > 5e-5 ? ROLE_GOOD : g < -5e-5 ? ROLE_BAD : ROLE_NUMBER;
}

char *lattice_fmt_effect(char *buf, size_t n, const lattice_effect *e)
{
    if (!e->known) {
        snprintf(buf, n, "?");
        return buf;
    }
    double x = fabs(e->effect) < 5e-5 ? 0.0 : e->effect;
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%+.4f", x); /* "+0.0148" -> "+.0148": the same unit, narrower */
    if (tmp[1] == '0' && tmp[2] == '.')
        snprintf(buf, n, "%c%s%s", tmp[0], e->predicted ? "~" : "", tmp + 2);
    else
        snprintf(buf, n, "%s%s", e->predicted ? "~" : "", tmp);
    return buf;
}

/* The predictions that apply to what is shown: the app's, for the metric in use only. */
const lattice_predictions *lattice_pred(const app *a, const lattice_view *v)
{
    return v->metric == a->study->metric ? a->predictions : NULL;
}

/* ---- state -------------------------------------------------------------------------------------- */

/* The effects and the grid's axes: by effect, or the fixed study order. */
static void lattice_axes(app *a, lattice_view *v)
{
    const study *s = a->study;
    v->effects_pr = lattice_pred(a, v);
    lattice_effects(s, v->metric, v->target, v->effects_pr, v->effects);
    if (v->study_order) {
        lattice_grid_init(&v->grid, s->n_datasets, v->target);
        return;
    }
    int order[COMBO_MAX_DATASETS];
    lattice_effect_rank(s->n_datasets, v->target, v->effects, order);
    /* paged: the strongest vary on every page, the weakest select the page */
    lattice_grid_init_paged(&v->grid, s->n_datasets, v->target, order, v->page_cb, v->page_rb);
}

lattice_geom lattice_frame(app *a, lattice_view *v, ui_rect r)
{
    lattice_geom g = lattice_geometry(a, v, r);
    if (v->by_size || v->study_order)
        return g;
    /* the page's size does not depend on which dataset is where: deal the axes for it once */
    int pcb = __builtin_ctzll(g.pc), prb = __builtin_ctzll(g.pr);
    if (pcb >= v->grid.col_bits && prb >= v->grid.row_bits)
        pcb = prb = 64; /* the whole grid */
    if (pcb != v->page_cb || prb != v->page_rb) {
        v->page_cb = pcb;
        v->page_rb = prb;
        lattice_axes(a, v);
        g = lattice_geometry(a, v, r);
    }
    return g;
}

static void lattice_rebuild(app *a, lattice_view *v)
{
    const study *s = a->study;
    v->target = a->target;
    lattice_axes(a, v);
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
    v->page_cb = v->page_rb = 64;
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

/* The target changed: keep the other members, swap the target in; a filter on the new target
 * is dropped. */
static void lattice_target(app *a, void *state)
{
    lattice_view *v = state;
    v->cursor = (v->cursor & ~combo_single(v->target)) | combo_single(a->target);
    if ((v->filter.with | v->filter.without) & combo_single(a->target))
        v->filter.with = v->filter.without = 0;
    lattice_rebuild(a, v);
}

/* good (may be NULL) is set when c's gain, measured or else predicted, passes the cut (core:
 * lattice_cutoff_good). Counts the predicted cells drawn, for the legend. */
int lattice_cell_level(const app *a, lattice_view *v, combo_t c, bool *good)
{
    if (good)
        *good = false;
    if (!lattice_filter_keeps(&v->filter, c))
        return LATTICE_FILTERED;
    const study_stat *st = study_stat_of(a->study, c, v->target, v->metric);
    if (st) {
        double gain = lattice_gain(v->scale.goal, st->mean, v->scale.reference);
        if (good)
            *good = lattice_cutoff_good(&v->cutoff, gain);
        return ui_heat_level(gain, v->scale.range);
    }
    const lattice_predictions *pr = lattice_pred(a, v);
    double mean, spread;
    if (pr && pr->predict && pr->predict(pr->ctx, v->target, c, &mean, &spread) && isfinite(mean)) {
        double gain = lattice_gain(v->scale.goal, mean, v->scale.reference);
        bool g = lattice_cutoff_good(&v->cutoff, gain);
        if (good)
            *good = g;
        v->shown_predicted++;
        v->shown_predicted_good += g;
        return LATTICE_PREDICTED + ui_heat_level(gain, v->scale.range);
    }
    return -1;
}

static void lattice_draw(app *a, void *state, ui_rect r)
{
    lattice_view *v = state;
    if (v->target != a->target)
        lattice_target(a, v);
    else if (v->effects_pr != lattice_pred(a, v))
        lattice_axes(a, v); /* a predictor was fitted (or dropped) since: its effects, its order */
    if (a->focus_view == VIEW_LATTICE) { /* a linked jump from another view */
        a->focus_view = 0;
        char name[128];
        if (!combo_has(a->focus_combo, v->target))
            app_message(a, false, "%s is not in that combination: shown with it added",
                        text_sanitize(a->study->datasets[v->target].name, name, sizeof name));
        v->cursor = (a->focus_combo | combo_single(v->target)) & combo_all(a->study->n_datasets);
        if (!lattice_filter_keeps(&v->filter, v->cursor))
            v->filter.with = v->filter.without = 0;
        if (v->by_size && !v->hasse.complete && !study_stat_of(a->study, v->cursor, v->target, v->metric))
            v->by_size = false, lattice_rebuild(a, v);
    }
    lattice_geom g = lattice_frame(a, v, r);
    v->shown_predicted = v->shown_predicted_good = 0;
    lattice_draw_title(a, v, &g, r);
    if (v->by_size) {
        lattice_draw_hasse(a, v, &g);
    } else {
        lattice_draw_grid(a, v, &g);
        lattice_draw_axis_labels(a, v, &g);
    }
    lattice_draw_panel(a, v, &g);
    lattice_draw_legend(a, v, &g, r);
    lattice_draw_neighbours(a, v, &g, r);
}

/* ---- actions -------------------------------------------------------------------------------------- */

static int move_grid(app *a, lattice_view *v, const lattice_geom *g, lattice_dir d)
{
    /* within the page shown, wrapping at its edges: a page is a sub-lattice, PgUp/PgDn turn it */
    uint64_t x, y;
    lattice_grid_cell(&g->page, v->cursor, &x, &y);
    if (lattice_grid_step(&g->page, &x, &y, d) < 0) {
        app_message(a, false, "no dataset on that axis");
        return UI_HANDLED | UI_REDRAW;
    }
    v->cursor = lattice_page_combo(g, x, y);
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
    lattice_geom g = lattice_frame(a, v, a->body);
    long page = (long)(g.rows - 1) * g.cell_h;
    switch (act) {
    case ACTION_MOVE_LEFT: return v->by_size ? move_size(a, v, false) : move_grid(a, v, &g, LATTICE_LEFT);
    case ACTION_MOVE_RIGHT: return v->by_size ? move_size(a, v, true) : move_grid(a, v, &g, LATTICE_RIGHT);
    case ACTION_MOVE_UP: return v->by_size ? walk_size(v, -1) : move_grid(a, v, &g, LATTICE_UP);
    case ACTION_MOVE_DOWN: return v->by_size ? walk_size(v, 1) : move_grid(a, v, &g, LATTICE_DOWN);
    case ACTION_PAGE_UP:
    case ACTION_PAGE_DOWN: {
        bool up = act == ACTION_PAGE_UP;
        if (v->by_size)
            return walk_size(v, up ? -(page > 0 ? page : 1) : (page > 0 ? page : 1));
        if (!g.n_page) {
            app_message(a, false, "the whole lattice is on the screen: no other page");
            return UI_HANDLED | UI_REDRAW;
        }
        /* the next page in Gray order: one fixed dataset toggled, the rest of the cursor kept */
        uint64_t k = lattice_page_index(g.page_ds, g.n_page, v->cursor);
        v->cursor = lattice_page_turn(g.page_ds, g.n_page, v->cursor, up ? k - 1 : k + 1);
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
        bool pairs = g.cell_h == 2 && !lattice_half_blocks(a);
        const char *where = pairs ? "" : " (marks predictions; all cells in ASCII and no colour)";
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
    case ACTION_LATTICE_EXPORT: {
        char name[192];
        snprintf(name, sizeof name, "lattice-%s.csv", s->datasets[v->target].name);
        return app_export_prompt(a, EXPORT_LATTICE, v->metric, v->target, name);
    }
    case ACTION_LATTICE_ROWS:
        return app_show_combo(a, VIEW_TABLE, v->cursor, -1);
    case ACTION_LATTICE_ORDER:
        v->study_order = !v->study_order;
        lattice_axes(a, v);
        app_message(a, false, "%s", v->study_order
                                        ? "grid axes in study order (the fixed Gray-code grid)"
                                        : "grid axes by effect: the datasets that change the score most split the map first");
        return UI_HANDLED | UI_REDRAW;
    case ACTION_LATTICE_FILTER: {
        char text[128] = "";
        size_t k = 0;
        for (int d = 0; d < s->n_datasets && k + 1 < sizeof text; d++)
            if (combo_has(v->filter.with | v->filter.without, d))
                k += (size_t)snprintf(text + k, sizeof text - k, "%s%s%s", k ? " " : "",
                                      combo_has(v->filter.without, d) ? "-" : "", s->datasets[d].name);
        app_prompt_open(a, PROMPT_FILTER, "filter: ", text);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_LATTICE_TOGGLE:
        v->toggling = true;
        v->toggle_match = -1;
        app_prompt_open(a, PROMPT_TEXT, "toggle: ", "");
        return UI_HANDLED | UI_REDRAW;
    default: return UI_UNHANDLED;
    }
}

/* The filter prompt: incremental while the words name datasets; Esc restores the filter that
 * was there before it opened; Enter keeps the text's (empty: none). */
static int filter_prompt(app *a, lattice_view *v, const char *text, bool done, bool cancelled)
{
    static lattice_filter before; /* the filter when the prompt opened */
    static bool editing;
    if (!editing) {
        before = v->filter;
        editing = true;
    }
    if (cancelled) {
        v->filter = before;
        editing = false;
        return UI_HANDLED | UI_REDRAW;
    }
    lattice_filter f;
    char bad[128], name[128];
    bool ok = lattice_filter_parse(a->study, v->target, text, &f, bad, sizeof bad);
    if (ok)
        v->filter = f;
    if (!done) {
        if (!ok && bad[0])
            app_message(a, false, "no dataset other than the target matches \"%s\"",
                        text_sanitize(bad, name, sizeof name));
        return UI_HANDLED | UI_REDRAW;
    }
    editing = false;
    if (!ok) {
        v->filter = before;
        app_message(a, true, "no dataset other than the target matches \"%s\": filter unchanged",
                    text_sanitize(bad, name, sizeof name));
    } else if (!(f.with | f.without)) {
        app_message(a, false, "filter off: every combination");
    }
    return UI_HANDLED | UI_REDRAW;
}

static int lattice_prompt(app *a, void *state, enum prompt_kind kind, const char *text, bool done,
                          bool cancelled)
{
    lattice_view *v = state;
    if (kind == PROMPT_FILTER)
        return filter_prompt(a, v, text, done, cancelled);
    /* the toggle key's prompt names a dataset to toggle */
    v->toggling = !done && !cancelled;
    v->toggle_match = lattice_find_dataset(a->study, v->target, text);
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
