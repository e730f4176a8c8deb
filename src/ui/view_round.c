/* view_round: the cockpit. The current round of the search for the current target: the
 * predictor and its cross-validated accuracy, the batch with predicted score +- spread, the
 * expected gain over the best measured and how each suggestion differs from the best measured
 * combination; decisions go to the round model (core/round.c), which journals each one before
 * this view says it is saved. A combination editor serves overrides. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/find.h"
#include "comboscope/launch.h"
#include "comboscope/round.h"
#include "comboscope/text.h"
#include "ui.h"

enum ask { ASK_NONE, ASK_REASON, ASK_NOTE, ASK_RESULT, ASK_NAME, ASK_COMMIT, ASK_WITHDRAW };

typedef struct round_view {
    size_t cursor;
    size_t top;          /* first suggestion shown */
    bool proposed;       /* round_propose ran for the current target (lazily: fitting takes a
                          * moment, so a target change while another view is shown waits
                          * until this one is shown again) */
    char problem[ERROR_MSG_MAX]; /* why there is no batch, or "" */
    /* the combination editor (override) */
    bool editing;
    size_t edit_item;
    combo_t edit;
    int edit_pos;        /* dataset index under the editor's cursor */
    int name_match;      /* dataset the name prompt names, -1 for none */
    enum ask ask;
    round_runs_view runs; /* the runs list (R), over the batch while open */
    size_t ask_item;
    char ask_run[JOURNAL_RUN_MAX];
} round_view;

static void propose(app *a, round_view *v)
{
    cs_error err;
    v->proposed = true;
    v->problem[0] = '\0';
    if (a->target < 0) {
        snprintf(v->problem, sizeof v->problem, "the study has no target");
        return;
    }
    app_notice_fit(a, a->target, a->session->settings.predictor);
    if (!round_propose(a->session, a->target, &err))
        snprintf(v->problem, sizeof v->problem, "%s", err.msg);
    if (a->session->study != a->study)
        app_study_reloaded(a);
    if (a->session->target >= 0 && a->session->target != a->target)
        app_message(a, false, "round %d is open for %s: decide and commit it (Enter) first", a->session->number,
                    a->study->datasets[a->session->target].name);
    /* a reopened round: start at the first suggestion not decided yet */
    v->cursor = 0;
    while (v->cursor + 1 < a->session->n_items && a->session->items[v->cursor].decision != DECISION_NONE)
        v->cursor++;
}

static void *round_init(app *a)
{
    round_view *v = xcalloc(1, sizeof *v);
    v->name_match = -1;
    propose(a, v);
    return v;
}

static void round_done(void *state)
{
    free(state);
}

static void round_target(app *a, void *state)
{
    round_view *v = state;
    v->editing = false;
    v->proposed = false;
    if (a->view == VIEW_ROUND)
        propose(a, v);
}

static void round_show(app *a, void *state)
{
    round_view *v = state;
    if (!v->proposed)
        propose(a, v);
}

static void round_reload(app *a, void *state)
{
    round_view *v = state;
    if (v->cursor >= a->session->n_items)
        v->cursor = a->session->n_items ? a->session->n_items - 1 : 0;
}

static enum action_scope round_scope_now(app *a, void *state)
{
    (void)a;
    const round_view *v = state;
    return v->runs.open ? SCOPE_RUNS : v->editing ? SCOPE_EDITOR : SCOPE_ROUND;
}

/* The study's targets among the members of c: one run scores each of them. */
static int serves_count(const study *s, combo_t c)
{
    int n = 0;
    for (int i = 0; i < s->n_targets; i++)
        n += combo_has(c, s->targets[i]);
    return n;
}

/* ---- drawing ---------------------------------------------------------------------------------- */

/* "+A +B -C" (what c adds to and removes from the best measured), "same as best" or "". */
static void diff_text(app *a, combo_t c, char *buf, size_t n)
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
static void fmt_pm(app *a, char *buf, size_t n, double mean, double sd)
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
    return predict_spread_meaning(k);
}

/* The prediction shown for combination c, the same in the list and in the editor: the fitted
 * model's (round_score). The batch's own figures (mean, sd) are the fallback when no model is
 * fitted; those sds are taken after the batch's earlier picks were assumed measured, so they
 * shrink down the batch (to 0.0000 right after a commit), which is no uncertainty of c itself.
 * No spread (mlp, random): sd NAN, shown as n/a. */
static void shown_prediction(const round_session *rs, combo_t c, double mean, double sd, double *out_mean,
                             double *out_sd)
{
    if (!round_score(rs, c, out_mean, out_sd)) {
        *out_mean = mean;
        *out_sd = sd;
    }
    if (!spread_meaning(rs))
        *out_sd = NAN;
}

static void expected_gain(app *a, double predicted, char *buf, size_t n)
{
    const round_session *rs = a->session;
    bool has = rs->summary.has_best && isfinite(predicted);
    ui_fmt_gain(buf, n, has, has ? study_gain(a->study, predicted, rs->summary.best) : 0);
}

static int draw_header(app *a, ui_rect r)
{
    const round_session *rs = a->session;
    const study *s = a->study;
    int y = r.y;
    char buf[512], sc[32], g[32];
    int x = ui_textf(y, r.x + 1, r.w - 2, ROLE_HEADER, "Round %d", rs->number);
    x += ui_text(y, r.x + 1 + x, r.w - 2 - x, ROLE_NORMAL, "  target ");
    x += ui_text(y, r.x + 1 + x, r.w - 2 - x, ROLE_ACCENT, rs->target >= 0 ? s->datasets[rs->target].name : "-");
    if (rs->read_only)
        ui_text_right(y, r.x + 1 + x + 1, r.w - 3 - x, ROLE_BAD, rs->journal ? "read-only" : "read-only: no journal");
    else if (rs->oracle)
        ui_text_right(y, r.x + 1 + x + 1, r.w - 3 - x, ROLE_DIM, "oracle answers runs");
    y++;
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

static void draw_items(app *a, round_view *v, ui_rect r, int y, int y_end)
{
    const round_session *rs = a->session;
    char buf[1024], pm[128], gain[32];
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
        double mean, sd;
        shown_prediction(rs, it->combo, it->predicted, it->sd, &mean, &sd);
        fmt_pm(a, pm, sizeof pm, mean, sd);
        ui_text(y, r.x + 17, 19, base, pm);
        expected_gain(a, mean, gain, sizeof gain);
        ui_text_right(y, r.x + 36, 8, cur ? base : ROLE_NUMBER, gain);
        ui_textf(y, r.x + 46, 5, base, "%s%d", it->serves > 1 ? "*" : " ", it->serves);
        diff_text(a, it->combo, buf, sizeof buf);
        ui_text(y, r.x + 52, r.w - 53, cur ? base : ROLE_DIM, buf);
        y++;
        if (it->decision == DECISION_OVERRIDDEN && y < y_end) {
            ui_text(y, r.x + 5, 11, ROLE_ACCENT, a->g->arrow_right);
            ui_text(y, r.x + 7, 9, ROLE_ACCENT, "yours");
            shown_prediction(rs, it->replacement, it->repl_predicted, it->repl_sd, &mean, &sd);
            fmt_pm(a, pm, sizeof pm, mean, sd);
            ui_text(y, r.x + 17, 19, ROLE_PREDICTED, pm);
            expected_gain(a, mean, gain, sizeof gain);
            ui_text_right(y, r.x + 36, 8, ROLE_NUMBER, gain);
            int sv = serves_count(a->study, it->replacement);
            ui_textf(y, r.x + 46, 5, ROLE_NORMAL, "%s%d", sv > 1 ? "*" : " ", sv);
            diff_text(a, it->replacement, buf, sizeof buf);
            ui_text(y, r.x + 52, r.w - 53, ROLE_DIM, buf);
            y++;
        }
    }
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
        ui_text(y++, r.x + 1 + x, r.w - 2 - x, ROLE_NORMAL, study_combo_format(s, it->combo, buf, sizeof buf));
        if (it->decision == DECISION_OVERRIDDEN && y < y_end) {
            x = ui_text(y, r.x + 1, r.w - 2, ROLE_ACCENT, "yours: ");
            ui_text(y++, r.x + 1 + x, r.w - 2 - x, ROLE_NORMAL, study_combo_format(s, it->replacement, buf, sizeof buf));
        }
        if (it->reason && y < y_end) {
            x = ui_text(y, r.x + 1, r.w - 2, ROLE_BAD, "reason: ");
            ui_text(y++, r.x + 1 + x, r.w - 2 - x, ROLE_NORMAL, it->reason);
        }
        char diff[1024];
        diff_text(a, it->combo, diff, sizeof diff);
        if (ui_text_width(diff) > r.w - 53 && y < y_end) /* clipped in its row: whole here */
            ui_textf(y++, r.x + 1, r.w - 2, ROLE_DIM, "vs best: %s", diff);
        if (isfinite(it->acquisition) && y < y_end)
            ui_textf(y++, r.x + 1, r.w - 2, ROLE_DIM, "acquisition value (%s) %.4f",
                     search_acquisition_name(rs->settings.acquisition), it->acquisition);
        if (rs->model && y < y_end) { /* what the ± means for this predictor */
            const char *sm = spread_meaning(rs);
            if (sm)
                ui_textf(y++, r.x + 1, r.w - 2, ROLE_DIM, "%s spread: %s", a->g->plus_minus, sm);
            else
                ui_textf(y++, r.x + 1, r.w - 2, ROLE_DIM, "%s spread: n/a (%s gives no uncertainty)", a->g->plus_minus,
                         predict_kind_name(rs->settings.predictor));
        }
        if (it->serves > 1 && y < y_end)
            ui_textf(y++, r.x + 1, r.w - 2, ROLE_DIM, "* one run of it scores %d of the study's targets", it->serves);
        /* its notes, from the journal */
        const journal_round *jr = rs->journal ? journal_round_find(rs->journal, rs->number) : NULL;
        for (size_t k = 0; jr && k < jr->n_notes && y < y_end; k++) {
            const journal_event *e = &rs->journal->events[jr->notes[k]];
            if (e->combo == it->combo || e->combo == 0) {
                int u = ui_text(y, r.x + 1, r.w - 2, ROLE_ACCENT, e->combo ? "note: " : "round note: ");
                ui_text(y++, r.x + 1 + u, r.w - 2 - u, ROLE_NORMAL, e->text ? e->text : "");
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

static void draw_editor(app *a, round_view *v, ui_rect r)
{
    const round_session *rs = a->session;
    const study *s = a->study;
    char buf[1024], pm[128], gain[32], sc[32];
    int y = r.y;
    ui_textf(y++, r.x + 1, r.w - 2, ROLE_HEADER, "Override #%zu: your combination for %s", v->edit_item + 1,
             s->datasets[rs->target].name);
    ui_glyph_row(y++, r.x, r.w, ui_role_attr(ROLE_BORDER), a->g->hline);
    int list_w = 26;
    int y0 = y;
    int rows = r.h - 3;
    int top = v->edit_pos >= rows ? v->edit_pos - rows + 1 : 0;
    for (int d = top; d < s->n_datasets && y < r.y + r.h; d++, y++) {
        bool cur = d == v->edit_pos;
        theme_role role = cur ? ROLE_CURSOR : d == v->name_match ? ROLE_MATCH : ROLE_NORMAL;
        if (cur)
            ui_fill(y, r.x, list_w, ROLE_CURSOR);
        const char *mark = d == rs->target ? "[T]" : combo_has(v->edit, d) ? "[x]" : "[ ]";
        ui_text(y, r.x + 1, 4, cur ? role : combo_has(v->edit, d) ? ROLE_GOOD : ROLE_DIM, mark);
        ui_text(y, r.x + 5, list_w - 6, role, s->datasets[d].name);
    }
    /* the prediction for the edited combination, updated on every toggle */
    int x = r.x + list_w + 2, w = r.w - list_w - 3;
    y = y0;
    double mean, sd;
    shown_prediction(rs, v->edit, NAN, NAN, &mean, &sd);
    fmt_pm(a, pm, sizeof pm, mean, sd);
    ui_text(y, x, w, ROLE_NORMAL, "predicted   ");
    ui_text(y++, x + 12, w - 12, ROLE_PREDICTED, pm);
    expected_gain(a, mean, gain, sizeof gain);
    ui_textf(y++, x, w, ROLE_NORMAL, "exp. gain   %s over the best measured", gain);
    double meas;
    bool has = study_score(s, v->edit, rs->target, &meas);
    ui_fmt_score(sc, sizeof sc, has, meas);
    ui_textf(y++, x, w, has ? ROLE_ACCENT : ROLE_DIM, "measured    %s", has ? sc : "not yet");
    int sv = serves_count(s, v->edit);
    ui_textf(y++, x, w, ROLE_NORMAL, "datasets    %d (serves %d target%s)", combo_rank(v->edit), sv,
             sv == 1 ? "" : "s");
    y++;
    diff_text(a, v->edit, buf, sizeof buf);
    ui_text(y++, x, w, ROLE_NORMAL, "vs best measured:");
    ui_text(y++, x + 2, w - 2, ROLE_DIM, buf);
    combo_t sug = rs->items[v->edit_item].combo, add = v->edit & ~sug, rem = sug & ~v->edit;
    ui_text(y++, x, w, ROLE_NORMAL, "vs the suggestion:");
    size_t k = 0;
    buf[0] = '\0';
    for (int d = 0; d < s->n_datasets; d++)
        if (combo_has(add | rem, d) && k < sizeof buf - 80)
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s%s", k ? " " : "", combo_has(add, d) ? "+" : "-",
                                  s->datasets[d].name);
    ui_text(y++, x + 2, w - 2, ROLE_DIM, k ? buf : "(the same: change something)");
    y++;
    ui_text(y++, x, w, ROLE_DIM, "Space toggles, x by name,");
    ui_text(y++, x, w, ROLE_DIM, "Enter overrides, Esc leaves");
}

static void round_draw(app *a, void *state, ui_rect r)
{
    round_view *v = state;
    if (!v->proposed)
        propose(a, v);
    if (v->runs.open) {
        round_runs_draw(a, &v->runs, r);
        return;
    }
    if (v->editing && a->session->n_items > 0) {
        draw_editor(a, v, r);
        return;
    }
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

/* ---- actions ------------------------------------------------------------------------------------ */

static int saved(app *a, bool ok, const cs_error *err, const char *what)
{
    if (ok)
        app_message(a, false, "saved: %s (journal line %ld)", what, a->session->journal->lines);
    else if (a->session->journal && a->session->journal->lost)
        app_message(a, true, "%s (r reloads)", err->msg);
    else
        app_message(a, true, "%s", err->msg);
    return UI_HANDLED | UI_REDRAW;
}

/* Commits the round (the question, if one was due, was answered y). */
static int commit(app *a, round_view *v)
{
    round_session *rs = a->session;
    cs_error err;
    size_t queued;
    int number = rs->number;
    app_notice_fit(a, rs->target, rs->settings.predictor);
    bool ok = round_commit(rs, &queued, &err);
    if (rs->study != a->study)
        app_study_reloaded(a);
    v->cursor = 0;
    if (!ok)
        app_message(a, true, "%s", err.msg);
    else if (rs->launched[0])
        app_message(a, strncmp(rs->launched, "not submitted", 13) == 0, "round %d committed: %s", number,
                    rs->launched);
    else if (rs->oracle && queued)
        app_message(a, false, "round %d committed: %zu run%s queued, answered by the oracle; round %d proposed",
                    number, queued, queued == 1 ? "" : "s", rs->number);
    else
        app_message(a, false, "round %d committed: %zu run%s in the queue", number, queued, queued == 1 ? "" : "s");
    return UI_HANDLED | UI_REDRAW;
}

static int editor_action(app *a, round_view *v, enum action act)
{
    const study *s = a->study;
    int n = s->n_datasets;
    cs_error err;
    switch (act) {
    case ACTION_MOVE_UP: v->edit_pos = v->edit_pos > 0 ? v->edit_pos - 1 : 0; break;
    case ACTION_MOVE_DOWN: v->edit_pos = v->edit_pos + 1 < n ? v->edit_pos + 1 : n - 1; break;
    case ACTION_MOVE_FIRST: v->edit_pos = 0; break;
    case ACTION_MOVE_LAST: v->edit_pos = n - 1; break;
    case ACTION_EDIT_TOGGLE:
        if (v->edit_pos == a->session->target)
            app_message(a, false, "the target is in every combination");
        else
            v->edit ^= combo_single(v->edit_pos);
        break;
    case ACTION_EDIT_NAME:
        v->ask = ASK_NAME;
        v->name_match = -1;
        app_prompt_open(a, PROMPT_TEXT, "toggle: ", "");
        break;
    case ACTION_EDIT_CANCEL:
        v->editing = false;
        app_message(a, false, "no decision made");
        break;
    case ACTION_EDIT_DONE: {
        bool ok = round_override(a->session, v->edit_item, v->edit, &err);
        if (ok) {
            v->editing = false;
            if (v->cursor + 1 < a->session->n_items)
                v->cursor++;
        }
        char what[64];
        snprintf(what, sizeof what, "#%zu overridden", v->edit_item + 1);
        return saved(a, ok, &err, what);
    }
    default: return UI_UNHANDLED;
    }
    return UI_HANDLED | UI_REDRAW;
}

static int round_action(app *a, void *state, enum action act)
{
    round_view *v = state;
    round_session *rs = a->session;
    if (v->runs.open)
        return round_runs_action(a, &v->runs, act);
    if (v->editing)
        return editor_action(a, v, act);
    cs_error err;
    char what[96];
    size_t n = rs->n_items;
    switch (act) {
    case ACTION_MOVE_UP:
        if (v->cursor > 0)
            v->cursor--;
        return UI_HANDLED | UI_REDRAW;
    case ACTION_MOVE_DOWN:
        if (v->cursor + 1 < n)
            v->cursor++;
        return UI_HANDLED | UI_REDRAW;
    case ACTION_MOVE_FIRST: v->cursor = 0; return UI_HANDLED | UI_REDRAW;
    case ACTION_MOVE_LAST: v->cursor = n ? n - 1 : 0; return UI_HANDLED | UI_REDRAW;
    case ACTION_SHOW_LATTICE: { /* the suggestion (or its override) in the Lattice */
        if (v->cursor >= n)
            return UI_UNHANDLED;
        const round_item *it = &rs->items[v->cursor];
        return app_show_combo(a, VIEW_LATTICE, it->decision == DECISION_OVERRIDDEN ? it->replacement : it->combo,
                              a->target);
    }
    case ACTION_ROUND_ACCEPT: {
        bool ok = round_accept(rs, v->cursor, &err);
        snprintf(what, sizeof what, "#%zu accepted", v->cursor + 1);
        int r = saved(a, ok, &err, what);
        if (ok && v->cursor + 1 < n)
            v->cursor++;
        return r;
    }
    case ACTION_ROUND_REJECT:
        if (rs->read_only || v->cursor >= n)
            return saved(a, round_reject(rs, v->cursor, NULL, &err), &err, "");
        v->ask = ASK_REASON;
        v->ask_item = v->cursor;
        app_prompt_open(a, PROMPT_TEXT, "reason: ", "");
        return UI_HANDLED | UI_REDRAW;
    case ACTION_ROUND_NOTE:
        if (rs->read_only)
            return saved(a, round_note(rs, v->cursor, "", &err), &err, "");
        v->ask = ASK_NOTE;
        v->ask_item = n ? v->cursor : (size_t)-1;
        app_prompt_open(a, PROMPT_TEXT, "note: ", "");
        return UI_HANDLED | UI_REDRAW;
    case ACTION_ROUND_OVERRIDE:
        if (rs->read_only || v->cursor >= n)
            return saved(a, round_override(rs, v->cursor, 0, &err), &err, "");
        v->editing = true;
        v->edit_item = v->cursor;
        v->edit = rs->items[v->cursor].decision == DECISION_OVERRIDDEN ? rs->items[v->cursor].replacement
                                                                       : rs->items[v->cursor].combo;
        v->edit_pos = 0;
        v->name_match = -1;
        return UI_HANDLED | UI_REDRAW;
    case ACTION_ROUND_UNDO: {
        round_undone u;
        bool ok = round_undo(rs, &u, &err);
        if (rs->study != a->study)
            app_study_reloaded(a);
        if (ok) {
            v->cursor = u.item;
            if (u.commit)
                snprintf(what, sizeof what, "round %d's commit undone, %zu run%s out of the queue", u.round, u.runs,
                         u.runs == 1 ? "" : "s");
            else
                snprintf(what, sizeof what, "decision on #%zu undone", u.item + 1);
        }
        return saved(a, ok, &err, what);
    }
    case ACTION_ROUND_COMMIT: {
        char question[200];
        bool decided = false;
        for (size_t i = 0; i < n; i++)
            decided |= rs->items[i].decision != DECISION_NONE;
        /* read-only, or nothing decided: the commit itself refuses and says why, no question */
        if (rs->read_only || !decided || !round_commit_question(rs, question, sizeof question))
            return commit(a, v);
        v->ask = ASK_COMMIT;
        app_prompt_open(a, PROMPT_CONFIRM, question, "");
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_ROUND_RUNS:
        round_runs_open(a, &v->runs);
        return UI_HANDLED | UI_REDRAW;
    case ACTION_ROUND_WITHDRAW: {
        const journal_run *run = round_last_waiting(rs);
        if (rs->read_only)
            app_message(a, true, "%s", rs->read_only_why);
        else if (!run)
            app_message(a, false, "nothing to withdraw: no run waits that has not started");
        else {
            v->ask = ASK_WITHDRAW;
            app_prompt_open(a, PROMPT_TEXT, "withdraw run: ", run->id);
        }
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_ROUND_PREDICTOR:
    case ACTION_ROUND_ACQUISITION:
    case ACTION_ROUND_BATCH_MORE:
    case ACTION_ROUND_BATCH_LESS: {
        bool ok;
        app_notice_fit(a, rs->target,
                       act == ACTION_ROUND_PREDICTOR ? (int)((rs->settings.predictor + 1) % PREDICT_N_KINDS)
                                                     : (int)rs->settings.predictor);
        if (act == ACTION_ROUND_PREDICTOR)
            ok = round_set_predictor(rs, (predict_kind)((rs->settings.predictor + 1) % PREDICT_N_KINDS), &err);
        else if (act == ACTION_ROUND_ACQUISITION)
            ok = round_set_acquisition(
                rs, (search_acquisition)((rs->settings.acquisition + 1) % SEARCH_N_ACQUISITIONS), &err);
        else
            ok = round_set_batch(rs, rs->settings.batch + (act == ACTION_ROUND_BATCH_MORE ? 1 : -1), &err);
        if (v->cursor >= rs->n_items)
            v->cursor = rs->n_items ? rs->n_items - 1 : 0;
        if (ok)
            app_message(a, false, "proposed again: %s, %s, batch %d", predict_kind_name(rs->settings.predictor),
                        search_acquisition_name(rs->settings.acquisition), rs->settings.batch);
        else
            app_message(a, true, "%s", err.msg);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_ROUND_RESULT: {
        const journal *j = rs->journal;
        const journal_run *run = NULL;
        for (size_t i = 0; j && i < j->n_runs && !run; i++)
            if (!j->runs[i].has_result)
                run = &j->runs[i];
        if (rs->read_only) {
            app_message(a, true, "%s", rs->read_only_why);
        } else if (!run) {
            app_message(a, false, "no run is waiting for a result");
        } else {
            char label[16];
            snprintf(v->ask_run, sizeof v->ask_run, "%s", run->id);
            snprintf(label, sizeof label, "%.8s: ", run->id);
            v->ask = ASK_RESULT;
            app_prompt_open(a, PROMPT_TEXT, label, "");
        }
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_ROUND_RELOAD: {
        app_notice_fit(a, rs->target, rs->settings.predictor);
        journal_place lost = rs->journal ? rs->journal->lost : JOURNAL_IN_PLACE;
        int got = round_poll(rs, true, &err);
        if (rs->study != a->study)
            app_study_reloaded(a);
        if (got < 0)
            app_message(a, true, "%s", err.msg);
        else if (lost)
            app_message(a, false, "journal %s: %ld line%s; tables read again: %d new result%s",
                        lost == JOURNAL_REMOVED ? "started again" : "reloaded", rs->journal->lines,
                        rs->journal->lines == 1 ? "" : "s", got, got == 1 ? "" : "s");
        else
            app_message(a, false, "tables read again: %d new result%s", got, got == 1 ? "" : "s");
        return UI_HANDLED | UI_REDRAW;
    }
    default: return UI_UNHANDLED;
    }
}

/* The index of the only dataset whose name contains text (ignoring case), or -1. */
static int name_match(const study *s, const char *text)
{
    int found = -1;
    if (!*text)
        return -1;
    for (int d = 0; d < s->n_datasets; d++) {
        const char *nm = s->datasets[d].name;
        size_t tl = strlen(text);
        for (const char *p = nm; *p; p++) {
            size_t k = 0;
            while (k < tl && p[k] && ((p[k] | 0x20) == (text[k] | 0x20)))
                k++;
            if (k == tl) {
                if (strcmp(nm, text) == 0)
                    return d;
                found = found < 0 ? d : -2;
                break;
            }
        }
    }
    return found < 0 ? -1 : found;
}

static int round_prompt(app *a, void *state, enum prompt_kind kind, const char *text, bool done, bool cancelled)
{
    round_view *v = state;
    round_session *rs = a->session;
    cs_error err;
    char what[96];
    if (v->runs.ask && kind == PROMPT_CONFIRM)
        return round_runs_prompt(a, &v->runs, text);
    enum ask ask = v->ask;
    if (ask == ASK_NAME && !done && !cancelled) {
        v->name_match = name_match(a->study, text);
        return UI_HANDLED | UI_REDRAW;
    }
    if (!done && !cancelled)
        return UI_HANDLED;
    v->ask = ASK_NONE;
    if (cancelled) {
        v->name_match = -1;
        app_message(a, false, "cancelled: nothing saved");
        return UI_HANDLED | UI_REDRAW;
    }
    switch (ask) {
    case ASK_REASON: {
        bool ok = round_reject(rs, v->ask_item, text, &err);
        snprintf(what, sizeof what, "#%zu rejected", v->ask_item + 1);
        saved(a, ok, &err, what);
        if (ok && v->cursor + 1 < rs->n_items)
            v->cursor++;
        break;
    }
    case ASK_NOTE:
        snprintf(what, sizeof what, "note on #%zu", v->ask_item + 1);
        saved(a, round_note(rs, v->ask_item, text, &err), &err, v->ask_item == (size_t)-1 ? "note" : what);
        break;
    case ASK_RESULT: {
        app_notice_fit(a, rs->target, rs->settings.predictor);
        bool ok = round_enter_result(rs, v->ask_run, text, &err);
        if (rs->study != a->study)
            app_study_reloaded(a);
        if (ok)
            app_message(a, false, "saved: result of %s (table and journal)", v->ask_run);
        else
            app_message(a, true, "%s", err.msg);
        break;
    }
    case ASK_COMMIT:
        if (strcmp(text, "y") == 0)
            return commit(a, v);
        app_message(a, false, "not committed: nothing changed (only y commits)");
        break;
    case ASK_WITHDRAW: {
        char run[JOURNAL_RUN_MAX + 1];
        snprintf(run, sizeof run, "%s", text);
        bool ok = round_withdraw(rs, run, &err);
        if (ok)
            app_message(a, false, "saved: run %s withdrawn (journal line %ld); it may be proposed again", run,
                        rs->journal->lines);
        else
            app_message(a, true, "%s", err.msg);
        break;
    }
    case ASK_NAME: {
        int d = name_match(a->study, text);
        v->name_match = -1;
        if (d < 0)
            app_message(a, true, "no single dataset is called '%s'", text);
        else if (d == rs->target)
            app_message(a, false, "the target is in every combination");
        else {
            v->edit ^= combo_single(d);
            v->edit_pos = d;
        }
        break;
    }
    default: break;
    }
    return UI_HANDLED | UI_REDRAW;
}

typedef struct round_match {
    const app *a;
    const char *text;
} round_match;

static bool round_item_matches(void *ctx, size_t i)
{
    const round_match *m = ctx;
    const round_item *it = &m->a->session->items[i];
    return find_combo(m->a->study, it->combo, m->text) ||
           (it->decision == DECISION_OVERRIDDEN && find_combo(m->a->study, it->replacement, m->text)) ||
           (it->reason && find_words(it->reason, m->text));
}

/* `/`: the next suggestion whose combination (or override) has a member matching each word
 * of text, or whose rejection reason holds them. Moves the cursor only: nothing is decided. */
static bool round_search(app *a, void *state, const char *text, enum search_step step)
{
    round_view *v = state;
    if (v->runs.open)
        return round_runs_search(a, &v->runs, text, step);
    if (v->editing) /* the editor names datasets with x or / (EDIT_NAME) */
        return false;
    round_match m = {a, text};
    long i = find_next(a->session->n_items, v->cursor, step == SEARCH_PREV ? -1 : 1, step == SEARCH_TYPED,
                       round_item_matches, &m);
    if (i < 0)
        return false;
    v->cursor = (size_t)i;
    return true;
}

const struct view_ops view_round_ops = {
    .name = "Round",
    .id = VIEW_ROUND,
    .scope = SCOPE_ROUND,
    .init = round_init,
    .draw = round_draw,
    .action = round_action,
    .prompt = round_prompt,
    .target = round_target,
    .scope_now = round_scope_now,
    .reload = round_reload,
    .show = round_show,
    .search = round_search,
    .done = round_done,
};
