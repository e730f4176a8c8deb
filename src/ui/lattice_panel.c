/* lattice_panel: the Lattice view's text (see lattice_view.h): the title, the side panel (the
 * combination under the cursor, its score, and every dataset in axis order with its effect on
 * the target, full names), the legend (with the cursor's combination when there is no panel)
 * and the neighbour list (every dataset added or removed, sorted by what the move does). */
#include <stdio.h>
#include <string.h>

#include "comboscope/text.h"
#include "lattice_view.h"

void lattice_page_label(const app *a, const lattice_view *v, const lattice_geom *g, int w, char *buf, size_t n)
{
    const study *s = a->study;
    uint64_t k = lattice_page_index(g->page_ds, g->n_page, v->cursor);
    int len = g->n_page < 64 ? snprintf(buf, n, "page %llu/%llu", (unsigned long long)k + 1,
                                        (unsigned long long)1 << g->n_page)
                             : snprintf(buf, n, "page %llu", (unsigned long long)k + 1);
    /* every fixed dataset, in or out, when they fit at a readable width; else the ones in */
    for (int aw = 12; aw >= 3; aw--) {
        char tmp[512], sn[64];
        size_t j = 0;
        for (int i = 0; i < g->n_page && j < sizeof tmp; i++) {
            int d = g->page_ds[i];
            j += (size_t)snprintf(tmp + j, sizeof tmp - j, " %s%s", combo_has(g->base, d) ? "+" : a->g->minus,
                                  lattice_abbrev(s, d, aw, sn, sizeof sn));
        }
        if (len + 1 + ui_text_width(tmp) <= w) {
            snprintf(buf + len, n - (size_t)len, ":%s", tmp);
            return;
        }
    }
    int in = combo_rank(g->base);
    size_t j = (size_t)len;
    j += (size_t)snprintf(buf + j, n - j, ":");
    for (int i = 0; i < g->n_page && j < n; i++) {
        char sn[64];
        int d = g->page_ds[i];
        if (combo_has(g->base, d))
            j += (size_t)snprintf(buf + j, n - j, " +%s", lattice_abbrev(s, d, 8, sn, sizeof sn));
    }
    if (j < n)
        snprintf(buf + j, n - j, in ? " (%d more out)" : " all %d out", g->n_page - in);
}

void lattice_draw_title(app *a, lattice_view *v, const lattice_geom *g, ui_rect r)
{
    const study *s = a->study;
    char name[128], line[512], ref[32];
    text_sanitize(s->datasets[v->target].name, name, sizeof name);
    ui_fmt_score(ref, sizeof ref, true, v->scale.reference);
    char head[256], measured[64], order[48];
    snprintf(head, sizeof head, "%s  %s vs %s %s", name, s->metrics[v->metric],
             v->scale.has_baseline ? "baseline" : "mean", ref);
    snprintf(measured, sizeof measured, "  %zu/%llu measured", v->scale.measured,
             (unsigned long long)combo_lattice_size(s->n_datasets));
    if (v->by_size)
        snprintf(order, sizeof order, "  by size%s", v->hasse.complete ? "" : " (measured only)");
    else
        snprintf(order, sizeof order, "  %s", v->study_order ? "study order" : "by effect");
    bool paged = !v->by_size && g->n_page;
    char label[512] = "";
    if (paged) {
        /* a page of a larger grid: which page and what it holds fixed come before the counts
         * (the effect order, the default, is then left unsaid when the line is short) */
        int hw = ui_text_width(head) + 2;
        lattice_page_label(a, v, g, r.w - hw, label, sizeof label);
        if (!strchr(label, ':') || strstr(label, " out")) {
            /* not every fixed dataset named: the target's name alone gives the page the room */
            char alone[512];
            lattice_page_label(a, v, g, r.w - ui_text_width(name) - 2, alone, sizeof alone);
            if (!strstr(alone, " out")) {
                snprintf(label, sizeof label, "%s", alone);
                if (ui_text_width(head) + 2 + ui_text_width(label) > r.w)
                    snprintf(head, sizeof head, "%s", name);
                hw = ui_text_width(head) + 2;
            }
        }
        int room = r.w - hw - ui_text_width(label);
        if (room < ui_text_width(measured) + ui_text_width(order)) {
            if (!v->study_order)
                order[0] = '\0';
            if (room < ui_text_width(measured) + ui_text_width(order))
                measured[0] = '\0';
        }
    }
    snprintf(line, sizeof line, "%s%s%s", head, measured, order);
    int x = r.x + ui_text(r.y, r.x, r.w, ROLE_HEADER, line);
    if (paged)
        x += 2 + ui_text(r.y, x + 2, r.x + r.w - x - 2, ROLE_ACCENT, label);
    if (v->filter.with | v->filter.without) {
        /* the filter, in words: what the blank cells are */
        char f[512];
        size_t k = (size_t)snprintf(f, sizeof f, "  filter:");
        for (int d = 0; d < s->n_datasets && k < sizeof f; d++) {
            char sn[64];
            if (combo_has(v->filter.with | v->filter.without, d))
                k += (size_t)snprintf(f + k, sizeof f - k, " %s%s", combo_has(v->filter.with, d) ? "+" : a->g->minus,
                                      lattice_abbrev(s, d, 10, sn, sizeof sn));
        }
        ui_text(r.y, x, r.x + r.w - x, ROLE_ACCENT, f);
    }
}

/* Which of the cursor's two cells a character means, when it holds two. */
static const char *cursor_half(const lattice_view *v, const lattice_geom *g)
{
    if (g->cell_h != 2 || v->by_size || g->pr < 2)
        return NULL;
    uint64_t cx, cy;
    lattice_grid_cell(&g->page, v->cursor, &cx, &cy);
    return (cy - g->y0) % 2 ? "lower cell" : "upper cell";
}

void lattice_draw_panel(app *a, lattice_view *v, const lattice_geom *g)
{
    if (!g->panel_w)
        return;
    const study *s = a->study;
    int x = g->panel_x, w = g->panel_w, y = g->top - g->clab_rows, end = g->top + g->rows;
    if (end < g->legend_y)
        end = g->legend_y;
    lattice_point p;
    lattice_point_of(s, v->metric, v->target, v->cursor, &p);
    char buf[96], num[32];
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
        ui_text_right(y++, x, w, lattice_gain_role(true, gain), ui_fmt_gain(num, sizeof num, true, gain));
    } else if (lattice_point_predict(lattice_pred(a, v), v->target, &p), p.predicted) {
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
    const char *half = cursor_half(v, g);
    snprintf(buf, sizeof buf, " %s%s%s ", half ? half : "", half && w >= 26 ? ", " : "",
             !half || w >= 26 ? "effect" : "");
    ui_text(y, x + 1, w - 2, ROLE_DIM, buf);
    y++;
    /* Every other dataset on a line of its own, in axis order (the slowest bits first), members
     * marked, with its effect on the target: a dataset keeps its place as the cursor moves. */
    int order[COMBO_MAX_DATASETS], k = 0;
    const lattice_grid *gr = &g->page; /* what varies on the page, then what it holds fixed */
    for (int i = 0; i < gr->col_bits || i < gr->row_bits; i++) {
        if (i < gr->col_bits)
            order[k++] = gr->col_dataset[gr->col_bits - 1 - i];
        if (i < gr->row_bits)
            order[k++] = gr->row_dataset[gr->row_bits - 1 - i];
    }
    int varying = k;
    for (int i = 0; i < g->n_page; i++)
        order[k++] = g->page_ds[i];
    int rows = end - y;
    int shown = k <= rows ? k : rows - 1;
    for (int i = 0; i < shown; i++) {
        int d = order[i];
        if (i == varying && y < end - 1 && shown - i < rows - 1) { /* the page's fixed datasets */
            ui_glyph_row(y, x, w, ui_role_attr(ROLE_BORDER), a->g->hline);
            ui_text(y++, x + 1, w - 2, ROLE_DIM, " fixed on the page (PgDn) ");
            rows--;
            if (shown > rows)
                shown = rows - 1;
            if (i >= shown)
                break;
        }
        bool in = combo_has(v->cursor, d);
        char eff[16];
        lattice_fmt_effect(eff, sizeof eff, &v->effects[d]);
        int ew = (int)strlen(eff);
        ui_text(y, x, 2, ROLE_ACCENT, in ? a->g->bullet : " ");
        ui_text(y, x + 2, w - 3 - ew, in ? ROLE_NORMAL : ROLE_DIM, s->datasets[d].name);
        ui_text_right(y++, x + w - ew, ew, v->effects[d].predicted ? ROLE_PREDICTED
                                            : v->effects[d].effect > 5e-5 ? ROLE_GOOD
                                            : v->effects[d].effect < -5e-5 ? ROLE_BAD : ROLE_DIM, eff);
    }
    if (shown < k && shown >= 0) {
        snprintf(buf, sizeof buf, "%s %d more", a->g->ellipsis, k - shown);
        ui_text(y, x, w, ROLE_DIM, buf);
    }
}

/* The legend of pair glyphs: what the dots and lines mean under the current cut. */
static int draw_pair_legend(lattice_view *v, int y, int x, int end)
{
    int x0 = x;
    char buf[64], num[32];
    attr_t good = lattice_heat_colors() ? ui_role_attr(ROLE_HEAT_P3) : ui_role_attr(ROLE_GOOD);
    attr_t none = ui_role_attr(ROLE_UNMEASURED);
    const char *dots[3] = {lattice_pair_glyphs[HALF_GOOD][HALF_MEASURED], lattice_pair_glyphs[HALF_MEASURED][HALF_GOOD],
                           lattice_pair_glyphs[HALF_GOOD][HALF_GOOD]};
    const char *lines[3] = {lattice_pair_glyphs[HALF_NONE][HALF_MEASURED], lattice_pair_glyphs[HALF_MEASURED][HALF_NONE],
                            lattice_pair_glyphs[HALF_NONE][HALF_NONE]};
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
        ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED) | A_BOLD, lattice_pair_predicted_good);
        x += 2;
        x += ui_text(y, x, end - x, ROLE_PREDICTED, "predicted good") + 2;
        ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED), lattice_pair_predicted);
        x += 2;
        x += ui_text(y, x, end - x, ROLE_PREDICTED, "not") + 2;
    }
    return x - x0;
}

/* The legend of the ramp or the half blocks: the scale's ends and its levels. */
static int draw_ramp_legend(app *a, lattice_view *v, const lattice_geom *g, int y, int x, int end)
{
    int x0 = x;
    char num[32];
    x += ui_text(y, x, 6, ROLE_DIM, "gain ");
    x += ui_text(y, x, 9, ROLE_NUMBER, ui_fmt_gain(num, sizeof num, true, -v->scale.range)) + 1;
    for (int l = 0; l < THEME_HEAT_LEVELS; l++) {
        if (lattice_heat_colors())
            ui_glyph(y, x++, ui_role_attr((theme_role)(ROLE_HEAT_N3 + l)),
                     a->caps.utf8 ? a->g->full_block : lattice_ramp_ascii[l]);
        else
            ui_glyph(y, x++, A_NORMAL, lattice_ramp_glyph(a, l));
    }
    x++;
    x += ui_text(y, x, 9, ROLE_NUMBER, ui_fmt_gain(num, sizeof num, true, v->scale.range)) + 2;
    ui_glyph(y, x, ui_role_attr(ROLE_UNMEASURED), g->cell_h == 2 ? a->g->full_block : lattice_ramp_glyph(a, -1));
    x += 2;
    x += ui_text(y, x, end - x, ROLE_DIM, "unmeasured") + 2;
    if (!v->shown_predicted)
        return x - x0; /* predictions are named only when some are on screen */
    if (g->cell_h == 1) { /* one cell per character: the predicted level's ramp glyph */
        if (x + 11 <= end) {
            ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED), lattice_ramp_glyph(a, THEME_HEAT_LEVELS - 2));
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
        ui_glyph(y, x, ui_role_attr(ROLE_PREDICTED), lattice_ramp_glyph(a, -1));
        x += 2;
        x += ui_text(y, x, end - x, ROLE_PREDICTED, "not") + 2;
    }
    return x - x0;
}

void lattice_draw_legend(app *a, lattice_view *v, const lattice_geom *g, ui_rect r)
{
    int y = g->legend_y, x = r.x;
    bool pairs = g->cell_h == 2 && !lattice_half_blocks(a);
    x += pairs ? draw_pair_legend(v, y, x, r.x + r.w) : draw_ramp_legend(a, v, g, y, x, r.x + r.w);
    if (g->panel_w || r.x + r.w - x <= 10)
        return;
    /* no side panel: the combination under the cursor goes here */
    lattice_point p;
    lattice_point_of(a->study, v->metric, v->target, v->cursor, &p);
    char buf[128], sc[32];
    const char *half = cursor_half(v, g);
    int n = snprintf(buf, sizeof buf, "%s size %d", a->g->cursor_mark, combo_rank(v->cursor));
    if (half && r.x + r.w - x >= 40)
        snprintf(buf + n, sizeof buf - (size_t)n, " %s", half[0] == 'u' ? "upper" : "lower");
    x += ui_text(y, x, r.x + r.w - x, ROLE_ACCENT, buf) + 2;
    if (!p.measured) {
        lattice_point_predict(lattice_pred(a, v), v->target, &p);
        if (p.predicted) {
            double gain = lattice_gain(v->scale.goal, p.pred_mean, v->scale.reference);
            char gn[32];
            snprintf(buf, sizeof buf, "predicted ~%s ~%s", ui_fmt_score(sc, sizeof sc, true, p.pred_mean),
                     ui_fmt_gain(gn, sizeof gn, true, gain));
            ui_text(y, x, r.x + r.w - x, ROLE_PREDICTED, buf);
        } else {
            ui_text(y, x, r.x + r.w - x, ROLE_UNMEASURED, "not measured");
        }
        return;
    }
    snprintf(buf, sizeof buf, "%s %s ", a->study->metrics[v->metric], ui_fmt_score(sc, sizeof sc, true, p.score));
    x += ui_text(y, x, r.x + r.w - x, ROLE_NORMAL, buf);
    double gain = lattice_gain(v->scale.goal, p.score, v->scale.reference);
    ui_text(y, x, r.x + r.w - x, lattice_gain_role(true, gain), ui_fmt_gain(sc, sizeof sc, true, gain));
}

/* Which dataset each arrow key toggles from the cursor: [left, right, up, down]. */
static void arrow_datasets(app *a, lattice_view *v, const lattice_geom *g, int out[4])
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
        lattice_grid_cell(&g->page, v->cursor, &x, &y);
        out[d] = lattice_grid_step(&g->page, &x, &y, (lattice_dir)d);
    }
}

/* With no side panel, the combination under the cursor, whole, on the first rows of the list
 * (full names, or without their task prefix when that saves a row). Returns the rows used. */
static int draw_cursor_combo(app *a, lattice_view *v, int y, ui_rect r, int rows)
{
    const study *s = a->study;
    char text[2][64 * 72];
    for (int shortn = 0; shortn < 2; shortn++) {
        size_t k = (size_t)snprintf(text[shortn], sizeof text[shortn], "%s", a->g->cursor_mark);
        for (int d = 0; d < s->n_datasets && k < sizeof text[shortn]; d++) {
            if (!combo_has(v->cursor, d))
                continue;
            char sn[128], safe[128];
            const char *name = shortn ? lattice_abbrev(s, d, 12, sn, sizeof sn) : s->datasets[d].name;
            k += (size_t)snprintf(text[shortn] + k, sizeof text[shortn] - k, "%s%s", k > strlen(a->g->cursor_mark) ? " + " : " ",
                                  text_sanitize(name, safe, sizeof safe));
        }
    }
    int w = r.w - 2;
    int full = ui_text_wrap_part(y, r.x + 1, w, 0, 0, ROLE_ACCENT, text[0]);
    int brief = ui_text_wrap_part(y, r.x + 1, w, 0, 0, ROLE_ACCENT, text[1]);
    return ui_text_wrap(y, r.x + 1, w, rows, ROLE_ACCENT, text[full > brief ? 1 : 0]);
}

void lattice_draw_neighbours(app *a, lattice_view *v, const lattice_geom *g, ui_rect r)
{
    if (g->list_rows <= 0)
        return;
    int list_y = g->list_y, list_rows = g->list_rows;
    if (!g->panel_w) { /* the panel would list the members: here they go first */
        int used = draw_cursor_combo(a, v, list_y, r, list_rows);
        list_y += used;
        list_rows -= used;
        if (list_rows <= 0)
            return;
    }
    const study *s = a->study;
    lattice_neighbour nb[COMBO_MAX_DATASETS];
    int k = lattice_neighbours_predicted(s, v->metric, v->target, v->cursor, lattice_pred(a, v), nb);
    int arrows[4];
    arrow_datasets(a, v, g, arrows);
    const char *arrow_glyph[4] = {a->g->arrow_left, a->g->arrow_right, a->g->arrow_up, a->g->arrow_down};
    int ncols = r.w >= 78 ? 3 : r.w >= 52 ? 2 : 1;
    if (r.w >= 150)
        ncols = 4;
    int cw = r.w / ncols;
    if (cw > 40)
        cw = 40;
    int slots = ncols * list_rows;
    for (int i = 0; i < k && i < slots; i++) {
        int y = list_y + i % list_rows, x = r.x + (i / list_rows) * cw;
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
        /* the value first: the name keeps a blank before it ("TC_healthadvice~+0.0028" ran
         * together at 80 columns when a prediction's '~' made the value 8 wide) */
        char num[32], val[40];
        theme_role vrole;
        if (e->has_delta) {
            snprintf(val, sizeof val, "%s", ui_fmt_gain(num, sizeof num, true, e->delta));
            vrole = lattice_gain_role(true, e->delta);
        } else if (e->delta_predicted) {
            snprintf(val, sizeof val, "~%s", ui_fmt_gain(num, sizeof num, true, e->delta));
            vrole = ROLE_PREDICTED;
        } else if (e->point.measured) {
            snprintf(val, sizeof val, "%s", ui_fmt_score(num, sizeof num, true, e->point.score));
            vrole = ROLE_DIM;
        } else {
            snprintf(val, sizeof val, "?");
            vrole = ROLE_UNMEASURED;
        }
        int vw = ui_text_width(val);
        int name_w = cw - 4 - (vw > 7 ? vw : 7);
        ui_text(y, x + 2, name_w > 1 ? name_w : 1, match ? ROLE_MATCH : ROLE_NORMAL, s->datasets[e->dataset].name);
        ui_text_right(y, x + cw - 9, 8, vrole, val);
    }
}
