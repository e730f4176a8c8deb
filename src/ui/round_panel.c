/* round_panel: one frame of the Round view (see round_view.h): the header with the predictor
 * and its cross-validated accuracy, the batch with predicted score +- spread, the expected gain
 * over the best measured and how each suggestion differs from the best measured combination,
 * the detail of the suggestion under the cursor, how the last commit's runs are coming along. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/launch.h"
#include "comboscope/round.h"
#include "comboscope/text.h"
#include "round_view.h"

int round_serves_count(const study *s, combo_t c)
{
    int n = 0;
    for (int i = 0; i < s->n_targets; i++)
        n += combo_has(c, s->targets[i]);
    return n;
}

/* ---- drawing ---------------------------------------------------------------------------------- */

/* "+A +B -C" (what c adds to and removes from the best measured), "same as best" or "". */
void round_diff_text(app *a, combo_t c, char *buf, size_t n)
{
    combo_t add, rem;
    round_diff_best(a->session, c, &add, &rem);
    buf[0] = '\0';
    size_t k = 0;
    for (int d = 0; d < a->study->n_datasets; d++) {
        if (!combo_has(add | rem, d))
            continue;
        int w = snprintf(buf + k, n - k, "%s%s%s", k ? " " : "", combo_has(add, d) ? "+" : "-",
                         a->study->datasets[d].name);
        if (w < 0 || (size_t)w >= n - k)
            break;
        k += (size_t)w;
    }
    if (!k)
        snprintf(buf, n, a->session->summary.has_best ? "= best measured" : "the target alone");
}

static const char *decision_text(const round_item *it)
{
    switch (it->decision) {
    case DECISION_ACCEPTED: return "accepted";
    case DECISION_REJECTED: return "rejected";
    case DECISION_OVERRIDDEN: return "overridden";
    default: return "open";
    }
}

static theme_role decision_role(const round_item *it)
{
    switch (it->decision) {
    case DECISION_ACCEPTED: return ROLE_GOOD;
    case DECISION_REJECTED: return ROLE_BAD;
    case DECISION_OVERRIDDEN: return ROLE_ACCENT;
    default: return ROLE_DIM;
    }
}

/* "0.6169 ± 0.0043", or "0.6169 ± n/a" when the predictor has no spread (sd NAN). */
void round_fmt_pm(app *a, char *buf, size_t n, double mean, double sd)
{
    char m[24], s[24];
    if (!isfinite(mean)) {
        snprintf(buf, n, "-");
        return;
    }
    ui_fmt_score(m, sizeof m, isfinite(mean), mean);
    if (isfinite(sd))
        ui_fmt_score(s, sizeof s, true, sd);
    else
        snprintf(s, sizeof s, "n/a");
    snprintf(buf, n, "%s %s %s", m, a->g->plus_minus, s);
}

/* What the spread of the fitted predictor means (predict_spread_meaning; for auto, of the kind
 * it chose), or NULL when it has none. */
static const char *spread_meaning(const round_session *rs)
{
    predict_kind k = rs->settings.predictor;
    predict_choice c;
    if (k == PREDICT_AUTO && rs->model && predict_auto_choice(rs->model, &c))
        k = c.chosen;
    for (int j = 0; k == PREDICT_AUTO && rs->is_joint && j < rs->n_targets; j++)
        if (rs->targets[j] == rs->target && rs->fits[j].automatic)
            k = rs->fits[j].choice.chosen;
    return predict_spread_meaning(k);
}

/* The prediction shown for combination c, the same in the list and in the editor: the fitted
 * model's (round_score). The batch's own figures (mean, sd) are the fallback when no model is
 * fitted; those sds are taken after the batch's earlier picks were assumed measured, so they
 * shrink down the batch (to 0.0000 right after a commit), which is no uncertainty of c itself.
 * No spread (mlp, random): sd NAN, shown as n/a. */
void round_shown_prediction(const round_session *rs, combo_t c, double mean, double sd, double *out_mean,
                             double *out_sd)
{
    if (!round_score(rs, c, out_mean, out_sd)) {
        *out_mean = mean;
        *out_sd = sd;
    }
    if (!spread_meaning(rs))
        *out_sd = NAN;
}

void round_expected_gain(app *a, double predicted, char *buf, size_t n)
{
    const round_session *rs = a->session;
    bool has = rs->summary.has_best && isfinite(predicted);
    ui_fmt_gain(buf, n, has, has ? study_gain(a->study, predicted, rs->summary.best) : 0);
}

/* The per-target figures of target j of a joint round: "RE_BioRED best 0.6264, ensemble cv rho
 * 0.53" (wide: with the mae, auto's choice). */
static void joint_target_text(const app *a, int j, bool wide, char *buf, size_t n)
{
    const round_session *rs = a->session;
    const round_target_fit *f = &rs->fits[j];
    char sc[32], cv[96] = "no cv", why[160];
    ui_fmt_score(sc, sizeof sc, f->summary.has_best, f->summary.best);
    if (f->automatic && wide)
        snprintf(cv, sizeof cv, "%s", predict_choice_format(&f->choice, why, sizeof why));
    else if (f->has_cv && wide)
        snprintf(cv, sizeof cv, "cv rho %.2f, mae %.4f", f->cv_spearman, f->cv_mae);
    else if (f->has_cv)
        snprintf(cv, sizeof cv, "cv rho %.2f", f->cv_spearman);
    if (wide)
        snprintf(buf, n, "%s best %s (%zu runs, %s)", a->study->datasets[rs->targets[j]].name, sc, f->measured, cv);
    else
        snprintf(buf, n, "%s best %s (%s)", a->study->datasets[rs->targets[j]].name, sc, cv);
}

/* The rest of a joint round's header: the predictor and rule, each target's best and accuracy. */
static int draw_header_joint(app *a, ui_rect r, int y)
{
    const round_session *rs = a->session;
    char buf[512];
    ui_textf(y++, r.x + 1, r.w - 2, ROLE_NORMAL, "predictor %s  %s  batch %d  joint: value summed over its targets", predict_kind_name(rs->settings.predictor),
             search_acquisition_name(rs->settings.acquisition), rs->settings.batch);
    /* each target's best and accuracy: on one line each when there is room, else run together */
    int rows_free = r.h >= 40 ? rs->n_targets : 1;
    if (rows_free >= rs->n_targets) {
        for (int j = 0; j < rs->n_targets; j++) {
            joint_target_text(a, j, true, buf, sizeof buf);
            ui_text(y++, r.x + 1, r.w - 2, ROLE_DIM, buf);
        }
    } else {
        int x = 0;
        for (int j = 0; j < rs->n_targets && x < r.w - 4; j++) {
            joint_target_text(a, j, false, buf, sizeof buf);
            x += ui_textf(y, r.x + 1 + x, r.w - 2 - x, ROLE_DIM, "%s%s", j ? "  " : "", buf);
        }
        y++;
    }
    ui_glyph_row(y++, r.x, r.w, ui_role_attr(ROLE_BORDER), a->g->hline);
    return y;
}

static int draw_header(app *a, ui_rect r)
{
    const round_session *rs = a->session;
    const study *s = a->study;
    int y = r.y;
    char buf[512], sc[32], g[32];
    int x = ui_textf(y, r.x + 1, r.w - 2, ROLE_HEADER, "Round %d", rs->number);
    if (rs->is_joint) { /* one round for several targets: name them all */
        x += ui_textf(y, r.x + 1 + x, r.w - 2 - x, ROLE_NORMAL, "  joint, %d targets:", rs->n_targets);
        for (int j = 0; j < rs->n_targets && x < r.w - 4; j++)
            x += ui_textf(y, r.x + 1 + x, r.w - 2 - x, ROLE_ACCENT, " %s", s->datasets[rs->targets[j]].name);
    } else {
        x += ui_text(y, r.x + 1 + x, r.w - 2 - x, ROLE_NORMAL, "  target ");
        x += ui_text(y, r.x + 1 + x, r.w - 2 - x, ROLE_ACCENT, rs->target >= 0 ? s->datasets[rs->target].name : "-");
    }
    if (rs->read_only)
        ui_text_right(y, r.x + 1 + x + 1, r.w - 3 - x, ROLE_BAD, rs->journal ? "read-only" : "read-only: no journal");
    else if (rs->oracle)
        ui_text_right(y, r.x + 1 + x + 1, r.w - 3 - x, ROLE_DIM, "oracle answers runs");
    y++;
    if (rs->is_joint)
        return draw_header_joint(a, r, y);
    predict_choice choice;
    bool automatic = !rs->design && predict_auto_choice(rs->model, &choice);
    if (rs->design)
        snprintf(buf, sizeof buf, "initial design (auto: %s): %zu run%s measured, too few to fit a predictor",
                 rs->design_alone ? "the target alone, a small lattice" : "the paper's", rs->measured,
                 rs->measured == 1 ? "" : "s");
    else if (automatic) {
        char why[200], runs[64];
        if (rs->fit_sampled_from) /* a large table: the fit took a sample (round.h, ROUND_FIT_MAX) */
            snprintf(runs, sizeof runs, "a sample of %zu of %zu runs", rs->measured, rs->fit_sampled_from);
        else
            snprintf(runs, sizeof runs, "%zu runs", rs->measured);
        snprintf(buf, sizeof buf, "%s on %s  %s%s  batch %d", predict_choice_format(&choice, why, sizeof why), runs,
                 search_acquisition_name(rs->settings.acquisition), rs->later_by_gp ? ", then gp" : "",
                 rs->settings.batch);
    }
    else if (rs->has_cv && isfinite(rs->cv_spearman) && rs->fit_sampled_from)
        snprintf(buf, sizeof buf, "predictor %s (cv rho %.2f, mae %.4f on a sample of %zu of %zu runs)  %s  batch %d",
                 predict_kind_name(rs->settings.predictor), rs->cv_spearman, rs->cv_mae, rs->measured,
                 rs->fit_sampled_from, search_acquisition_name(rs->settings.acquisition), rs->settings.batch);
    else if (rs->has_cv && isfinite(rs->cv_spearman))
        snprintf(buf, sizeof buf, "predictor %s (cv rho %.2f, mae %.4f on %zu runs)  %s  batch %d",
                 predict_kind_name(rs->settings.predictor), rs->cv_spearman, rs->cv_mae, rs->measured,
                 search_acquisition_name(rs->settings.acquisition), rs->settings.batch);
    else if (!rs->model)
        snprintf(buf, sizeof buf, "predictor %s (not fitted: %zu runs, nothing left to propose)",
                 predict_kind_name(rs->settings.predictor), rs->measured);
    else
        snprintf(buf, sizeof buf, "predictor %s (no cv: %zu runs)  %s  batch %d",
                 predict_kind_name(rs->settings.predictor), rs->measured,
                 search_acquisition_name(rs->settings.acquisition), rs->settings.batch);
    ui_text(y++, r.x + 1, r.w - 2, ROLE_NORMAL, buf);
    if (!rs->design && rs->no_skill) /* auto has no skill yet: say so in words */
        ui_text(y++, r.x + 1, r.w - 2, ROLE_BAD, "the predictor cannot rank these runs yet: read its predictions as guesses");
    const study_target_summary *sum = &rs->summary;
    ui_fmt_score(sc, sizeof sc, sum->has_best, sum->best);
    ui_fmt_gain(g, sizeof g, sum->has_best && sum->has_baseline, sum->gain);
    if (!sum->has_best)
        x = ui_text(y, r.x + 1, r.w - 2, ROLE_DIM, "nothing measured for the target yet (vs best: vs the target alone)");
    else
        x = ui_textf(y, r.x + 1, r.w - 2, ROLE_NORMAL, "best measured %s (%s over baseline)  ", sc, g);
    if (sum->has_best)
        ui_text(y, r.x + 1 + x, r.w - 2 - x, ROLE_DIM, study_combo_format(s, sum->best_combo, buf, sizeof buf));
    y++;
    ui_glyph_row(y++, r.x, r.w, ui_role_attr(ROLE_BORDER), a->g->hline);
    return y;
}

/* One row of a joint round from x 17: its value, then each target it serves with its
 * prediction (wide: ± spread, the gain over that target's best, its value). it NULL: the
 * user's combination c (an override), predicted by the round's models. */
static void draw_joint_row(app *a, ui_rect r, int y, combo_t c, const round_item *it, theme_role base, bool cur)
{
    const round_session *rs = a->session;
    const study *s = a->study;
    bool wide = r.w >= 120;
    char pm[128], gain[32];
    if (it && isfinite(it->acquisition))
        ui_textf(y, r.x + 17, 7, cur ? base : ROLE_NUMBER, "%7.3f", it->acquisition);
    int x = r.x + 26, end = r.x + r.w - 1, served = 0;
    for (int j = 0; j < rs->n_targets && x < end - 4; j++) {
        if (!combo_has(c, rs->targets[j]))
            continue;
        double mean = it ? it->t_predicted[j] : NAN, sd = it ? it->t_sd[j] : NAN;
        if (!it)
            round_score_target(rs, j, c, &mean, &sd);
        const round_target_fit *f = &rs->fits[j];
        x += ui_textf(y, x, end - x, base, "%s%s ", served++ ? "  " : "", s->datasets[rs->targets[j]].name);
        if (wide) {
            round_fmt_pm(a, pm, sizeof pm, mean, sd);
            bool has = f->summary.has_best && isfinite(mean);
            ui_fmt_gain(gain, sizeof gain, has, has ? study_gain(s, mean, f->summary.best) : 0);
            x += ui_textf(y, x, end - x, cur ? base : ROLE_PREDICTED, "%s", pm);
            x += ui_textf(y, x, end - x, cur ? base : ROLE_NUMBER, " %s", gain);
            if (it && isfinite(it->t_value[j]))
                x += ui_textf(y, x, end - x, cur ? base : ROLE_DIM, " v%.2f", it->t_value[j]);
        } else {
            ui_fmt_score(pm, sizeof pm, isfinite(mean), mean);
            x += ui_text(y, x, end - x, cur ? base : ROLE_PREDICTED, pm);
        }
    }
    if (!served)
        ui_text(y, x, end - x, cur ? base : ROLE_BAD, "serves none of the round's targets");
}

static void draw_items(app *a, round_view *v, ui_rect r, int y, int y_end)
{
    const round_session *rs = a->session;
    char buf[1024], pm[128], gain[32];
    if (rs->is_joint)
        ui_textf(y++, r.x + 1, r.w - 2, ROLE_HEADER, " #  decision      value  serves: predicted%s per target",
                 r.w >= 120 ? " ± spread, gain over its best, value" : "");
    else
        ui_textf(y++, r.x + 1, r.w - 2, ROLE_HEADER, " #  decision    predicted %s spread  exp.gain serves vs best measured",
                 a->g->plus_minus);
    if (rs->n_items == 0) {
        ui_text(y, r.x + 2, r.w - 3, ROLE_DIM,
                v->problem[0] ? v->problem : "no suggestions: every combination with the target is measured or queued");
        return;
    }
    /* scroll so that the cursor's rows are in sight (an override takes two rows) */
    int avail = y_end - y;
    if (v->cursor < v->top)
        v->top = v->cursor;
    for (;;) {
        int used = 0;
        for (size_t i = v->top; i <= v->cursor && i < rs->n_items; i++)
            used += 1 + (rs->items[i].decision == DECISION_OVERRIDDEN);
        if (used <= avail || v->top >= v->cursor)
            break;
        v->top++;
    }
    if (v->top >= rs->n_items)
        v->top = 0;
    for (size_t i = v->top; i < rs->n_items && y < y_end; i++) {
        const round_item *it = &rs->items[i];
        bool cur = i == v->cursor;
        theme_role base = cur ? ROLE_CURSOR : ROLE_NORMAL;
        if (cur)
            ui_fill(y, r.x, r.w, ROLE_CURSOR);
        ui_textf(y, r.x + 1, 3, base, "%2zu", i + 1);
        ui_text(y, r.x + 5, 11, cur ? base : decision_role(it), decision_text(it));
        if (rs->is_joint) {
            draw_joint_row(a, r, y, it->decision == DECISION_OVERRIDDEN ? it->combo : it->combo, it, base, cur);
            y++;
            if (it->decision == DECISION_OVERRIDDEN && y < y_end) {
                ui_text(y, r.x + 5, 11, ROLE_ACCENT, a->g->arrow_right);
                ui_text(y, r.x + 7, 9, ROLE_ACCENT, "yours");
                draw_joint_row(a, r, y, it->replacement, NULL, ROLE_NORMAL, false);
                y++;
            }
            continue;
        }
        double mean, sd;
        round_shown_prediction(rs, it->combo, it->predicted, it->sd, &mean, &sd);
        round_fmt_pm(a, pm, sizeof pm, mean, sd);
        ui_text(y, r.x + 17, 19, base, pm);
        round_expected_gain(a, mean, gain, sizeof gain);
        ui_text_right(y, r.x + 36, 8, cur ? base : ROLE_NUMBER, gain);
        ui_textf(y, r.x + 46, 5, base, "%s%d", it->serves > 1 ? "*" : " ", it->serves);
        round_diff_text(a, it->combo, buf, sizeof buf);
        ui_text(y, r.x + 52, r.w - 53, cur ? base : ROLE_DIM, buf);
        y++;
        if (it->decision == DECISION_OVERRIDDEN && y < y_end) {
            ui_text(y, r.x + 5, 11, ROLE_ACCENT, a->g->arrow_right);
            ui_text(y, r.x + 7, 9, ROLE_ACCENT, "yours");
            round_shown_prediction(rs, it->replacement, it->repl_predicted, it->repl_sd, &mean, &sd);
            round_fmt_pm(a, pm, sizeof pm, mean, sd);
            ui_text(y, r.x + 17, 19, ROLE_PREDICTED, pm);
            round_expected_gain(a, mean, gain, sizeof gain);
            ui_text_right(y, r.x + 36, 8, ROLE_NUMBER, gain);
            int sv = round_serves_count(a->study, it->replacement);
            ui_textf(y, r.x + 46, 5, ROLE_NORMAL, "%s%d", sv > 1 ? "*" : " ", sv);
            round_diff_text(a, it->replacement, buf, sizeof buf);
            ui_text(y, r.x + 52, r.w - 53, ROLE_DIM, buf);
            y++;
        }
    }
}

/* The detail of a joint round's suggestion: the targets it serves and its value for each (its
 * prediction ± spread, the gain over that target's best, its share of the joint value), one
 * line per target of the round; wide, that target's best combination too. Returns the next y. */
static int draw_detail_joint(app *a, ui_rect r, const round_item *it, int y, int y_end)
{
    const round_session *rs = a->session;
    const study *s = a->study;
    char pm[128], gain[32], sc[32], buf[1024];
    bool wide = r.w >= 120;
    int serves = 0, w = 0;
    for (int j = 0; j < rs->n_targets; j++) {
        serves += combo_has(it->combo, rs->targets[j]);
        int l = ui_text_width(s->datasets[rs->targets[j]].name);
        w = l > w ? l : w;
    }
    w = w > 24 ? 24 : w;
    if (y < y_end && isfinite(it->acquisition) && it->acquisition <= 0)
        /* nothing is expected to beat a best: search_round_joint then ranks by the closest */
        ui_textf(y++, r.x + 1, r.w - 2, ROLE_NORMAL, "serves %d of %d targets; value 0 (%s): no best expected to "
                 "fall; closest first", serves, rs->n_targets, search_acquisition_name(rs->settings.acquisition));
    else if (y < y_end)
        ui_textf(y++, r.x + 1, r.w - 2, ROLE_NORMAL, "serves %d of %d targets; joint value %.4f (%s, summed over "
                 "its targets)", serves, rs->n_targets, isfinite(it->acquisition) ? it->acquisition : 0.0,
                 search_acquisition_name(rs->settings.acquisition));
    for (int j = 0; j < rs->n_targets && y < y_end; j++) {
        int d = rs->targets[j];
        ui_text(y, r.x + 3, w, ROLE_ACCENT, s->datasets[d].name);
        int x = r.x + 3 + w + 2;
        if (!combo_has(it->combo, d)) {
            ui_text(y++, x, r.w - (x - r.x) - 1, ROLE_DIM, "not served (not a member)");
            continue;
        }
        const round_target_fit *f = &rs->fits[j];
        round_fmt_pm(a, pm, sizeof pm, it->t_predicted[j], it->t_sd[j]);
        bool has = f->summary.has_best && isfinite(it->t_predicted[j]);
        ui_fmt_gain(gain, sizeof gain, has, has ? study_gain(s, it->t_predicted[j], f->summary.best) : 0);
        ui_fmt_score(sc, sizeof sc, f->summary.has_best, f->summary.best);
        x += ui_textf(y, x, r.w - (x - r.x) - 1, ROLE_PREDICTED, "%-19s", pm);
        x += ui_textf(y, x, r.w - (x - r.x) - 1, ROLE_NUMBER, " gain %s", gain);
        x += ui_textf(y, x, r.w - (x - r.x) - 1, ROLE_NORMAL, "  value %.4f", isfinite(it->t_value[j]) ? it->t_value[j] : 0.0);
        x += ui_textf(y, x, r.w - (x - r.x) - 1, ROLE_DIM, "  (best %s", sc);
        if (wide && f->summary.has_best)
            x += ui_textf(y, x, r.w - (x - r.x) - 1, ROLE_DIM, ": %s", study_combo_format(s, f->summary.best_combo, buf, sizeof buf));
        ui_text(y++, x, r.w - (x - r.x) - 1, ROLE_DIM, ")");
        if (wide && r.h >= 40 && f->summary.has_best && y < y_end) { /* what it changes in that target's best */
            combo_t add = it->combo & ~f->summary.best_combo, rem = f->summary.best_combo & ~it->combo;
            size_t k = 0;
            buf[0] = '\0';
            for (int q = 0; q < s->n_datasets && k < sizeof buf - 300; q++)
                if (combo_has(add | rem, q))
                    k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s%s", k ? " " : "", combo_has(add, q) ? "+" : "-",
                                          s->datasets[q].name);
            ui_textf(y++, r.x + 3 + w + 2, r.w - w - 6, ROLE_DIM, "vs its best: %s", k ? buf : "the same");
        }
    }
    return y;
}

/* Text after a label of lx columns on line y, wrapped under itself while lines are left before
 * y_end, so that a long combination, reason or note reads whole (issue 10). Returns the lines used. */
static int labelled_wrap(ui_rect r, int y, int y_end, int lx, theme_role role, const char *text)
{
    int w = r.w - 2 - lx;
    if (w < 8) /* no room beside the label: on the lines below it, the full width */
        return 1 + (y + 1 < y_end ? ui_text_wrap(y + 1, r.x + 1, r.w - 2, y_end - y - 1, role, text) : 0);
    return ui_text_wrap(y, r.x + 1 + lx, w, y_end - y, role, text);
}

static void draw_detail(app *a, round_view *v, ui_rect r, int y, int y_end)
{
    const round_session *rs = a->session;
    const study *s = a->study;
    char buf[1024];
    if (y >= y_end)
        return;
    ui_glyph_row(y++, r.x, r.w, ui_role_attr(ROLE_BORDER), a->g->hline);
    if (rs->n_items > 0 && y < y_end) {
        const round_item *it = &rs->items[v->cursor];
        int x = ui_textf(y, r.x + 1, r.w - 2, ROLE_NORMAL, "#%zu ", v->cursor + 1);
        y += labelled_wrap(r, y, y_end, x, ROLE_NORMAL, study_combo_format(s, it->combo, buf, sizeof buf));
        if (it->decision == DECISION_OVERRIDDEN && y < y_end) {
            x = ui_text(y, r.x + 1, r.w - 2, ROLE_ACCENT, "yours: ");
            y += labelled_wrap(r, y, y_end, x, ROLE_NORMAL, study_combo_format(s, it->replacement, buf, sizeof buf));
        }
        if (it->reason && y < y_end) {
            x = ui_text(y, r.x + 1, r.w - 2, ROLE_BAD, "reason: ");
            y += labelled_wrap(r, y, y_end, x, ROLE_NORMAL, it->reason);
        }
        if (rs->is_joint)
            y = draw_detail_joint(a, r, it, y, y_end);
        char diff[1024];
        round_diff_text(a, it->combo, diff, sizeof diff);
        if (!rs->is_joint && ui_text_width(diff) > r.w - 53 && y < y_end) /* clipped in its row: whole here */
            ui_textf(y++, r.x + 1, r.w - 2, ROLE_DIM, "vs best: %s", diff);
        if (!rs->is_joint && isfinite(it->acquisition) && y < y_end)
            ui_textf(y++, r.x + 1, r.w - 2, ROLE_DIM, "acquisition value (%s) %.4f",
                     search_acquisition_name(rs->settings.acquisition), it->acquisition);
        if ((rs->model || rs->is_joint) && y < y_end) { /* what the ± means for this predictor */
            const char *sm = spread_meaning(rs);
            if (sm)
                ui_textf(y++, r.x + 1, r.w - 2, ROLE_DIM, "%s spread: %s", a->g->plus_minus, sm);
            else
                ui_textf(y++, r.x + 1, r.w - 2, ROLE_DIM, "%s spread: n/a (%s gives no uncertainty)", a->g->plus_minus,
                         predict_kind_name(rs->settings.predictor));
        }
        if (!rs->is_joint && it->serves > 1 && y < y_end)
            ui_textf(y++, r.x + 1, r.w - 2, ROLE_DIM, "* one run of it scores %d of the study's targets", it->serves);
        /* its notes, from the journal */
        const journal_round *jr = rs->journal ? journal_round_find(rs->journal, rs->number) : NULL;
        for (size_t k = 0; jr && k < jr->n_notes && y < y_end; k++) {
            const journal_event *e = &rs->journal->events[jr->notes[k]];
            if (e->combo == it->combo || e->combo == 0) {
                int u = ui_text(y, r.x + 1, r.w - 2, ROLE_ACCENT, e->combo ? "note: " : "round note: ");
                y += labelled_wrap(r, y, y_end, u, ROLE_NORMAL, e->text ? e->text : "");
            }
        }
    }
    /* how the last committed round is coming along */
    round_progress pr;
    if (round_progress_of(rs, &pr) && y < y_end) {
        if (pr.complete)
            ui_textf(y++, r.x + 1, r.w - 2, ROLE_GOOD, "round %d complete: %zu of %zu run%s done; round %d is proposed with "
                     "their results", pr.round, pr.done, pr.runs, pr.runs == 1 ? "" : "s", rs->number);
        else {
            char states[256] = "";
            size_t k = 0;
            for (int st = 0; st < RUN_N_STATES; st++)
                if (st != RUN_DONE && pr.by_state[st] && k < sizeof states)
                    k += (size_t)snprintf(states + k, sizeof states - k, "%s%zu %s", k ? ", " : " (", pr.by_state[st],
                                          run_state_name((run_state)st));
            ui_textf(y++, r.x + 1, r.w - 2, ROLE_ACCENT, "round %d: %zu of %zu run%s done%s%s; R lists them", pr.round,
                     pr.done, pr.runs, pr.runs == 1 ? "" : "s", states, k ? ")" : "");
        }
    }
    /* the queue: runs approved and not yet measured */
    const journal *j = rs->journal;
    size_t open = 0, coming = 0, withdrawn = 0; /* coming: waiting and not failed, cancelled or lost */
    for (size_t i = 0; j && i < j->n_runs; i++) {
        open += journal_run_waiting(&j->runs[i]);
        coming += journal_run_waiting(&j->runs[i]) && j->runs[i].state <= RUN_RUNNING;
        withdrawn += j->runs[i].withdrawn && j->events[j->runs[i].withdrawn_event].kind == JOURNAL_WITHDRAWN;
    }
    if (a->study->launch && !rs->oracle) { /* the engine brings them back; the line above counts them */
        if (coming && y < y_end)
            ui_textf(y++, r.x + 1, r.w - 2, ROLE_DIM, "results come back by themselves from the %s; R lists the runs",
                     a->study->launch->engine == LAUNCH_SLURM ? "Slurm engine" : "local engine");
    } else if (open && y < y_end) {
        int x = ui_textf(y, r.x + 1, r.w - 2, ROLE_ACCENT, "queue: %zu run%s waiting for results:", open,
                         open == 1 ? "" : "s");
        for (size_t i = 0; i < j->n_runs && x < r.w - 8; i++)
            if (journal_run_waiting(&j->runs[i]))
                x += ui_textf(y, r.x + 1 + x, r.w - 2 - x, ROLE_NORMAL, " %s", j->runs[i].id);
        y++;
        if (y < y_end)
            ui_text(y++, r.x + 1, r.w - 2, ROLE_DIM,
                    rs->read_only ? "results are read when a table changes"
                                  : "results are read when a table changes; e types one in, w withdraws");
    }
    if (withdrawn && y < y_end) { /* the latest ones taken back, newest first */
        int x = ui_text(y, r.x + 1, r.w - 2, ROLE_BAD, "withdrawn:");
        for (size_t i = j->n_runs; i-- > 0 && x < r.w - 40;)
            if (j->runs[i].withdrawn && j->events[j->runs[i].withdrawn_event].kind == JOURNAL_WITHDRAWN)
                x += ui_textf(y, r.x + 1 + x, r.w - 2 - x, ROLE_NORMAL, " %s", j->runs[i].id);
        ui_text(y++, r.x + 2 + x, r.w - 3 - x, ROLE_DIM, "(out of the queue; may be proposed again)");
    }
}

void round_panel_draw(app *a, round_view *v, ui_rect r)
{
    int y = draw_header(a, r);
    const round_session *rs = a->session;
    int rows = (int)rs->n_items;
    for (size_t i = 0; i < rs->n_items; i++)
        rows += rs->items[i].decision == DECISION_OVERRIDDEN;
    int y_end = y + 1 + (rows > 0 ? rows : 1);
    if (y_end > r.y + r.h - 5)
        y_end = r.y + r.h - 5;
    draw_items(a, v, r, y, y_end);
    draw_detail(a, v, r, y_end, r.y + r.h - 1);
    const journal_run *run = v->ask == ASK_RESULT && rs->journal ? journal_run_find(rs->journal, v->ask_run) : NULL;
    if (run) { /* the prompt below takes the scores: say whose, in which order */
        char names[1024];
        int x = ui_textf(r.y + r.h - 1, r.x + 1, r.w - 2, ROLE_ACCENT, "%s: one %s each, in order: ", run->id,
                         a->study->metrics[a->study->metric]);
        ui_text(r.y + r.h - 1, r.x + 1 + x, r.w - 2 - x, ROLE_NORMAL,
                study_combo_format(a->study, run->combo, names, sizeof names));
    } else if (rs->read_only) { /* no decision keys: say why instead */
        int x = ui_text(r.y + r.h - 1, r.x + 1, r.w - 2, ROLE_BAD, rs->read_only_why);
        ui_text(r.y + r.h - 1, r.x + 3 + x, r.w - 4 - x, ROLE_DIM, "p predictor  ? keys");
    } else {
        ui_text(r.y + r.h - 1, r.x + 1, r.w - 2, ROLE_DIM,
                "a accept  x reject  o override  u undo  w withdraw  Enter commit  ? more keys");
    }
}
