#include "comboscope/review.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/text.h"

static bool was_left_open(const journal *j, const journal_round *jr, combo_t c)
{
    for (size_t k = 0; k < jr->n_left_open; k++)
        if (j->events[jr->left_open[k]].combo == c)
            return true;
    return false;
}

review_round *review_rounds(const round_session *rs, size_t *n)
{
    *n = 0;
    const journal *j = rs ? rs->journal : NULL;
    if (!j)
        return NULL;
    const study *s = rs->study;
    size_t nr;
    const journal_round *rounds = journal_rounds(j, &nr);
    if (!nr)
        return NULL;
    review_round *out = xcalloc(nr, sizeof *out);
    /* the best of each round's target before the journal's runs, then as results come back */
    double best[COMBO_MAX_DATASETS];
    bool best_known[COMBO_MAX_DATASETS] = {false};
    for (size_t r = 0; r < nr; r++) {
        combo_t ts = rounds[r].targets | (rounds[r].target >= 0 ? combo_single(rounds[r].target) : 0);
        for (int t = 0; t < COMBO_MAX_DATASETS && ts; t++) { /* its target, or a joint round's */
            if (!combo_has(ts, t) || best_known[t])
                continue;
            double *curve;
            size_t np = round_best_curve(rs, t, &curve);
            best[t] = np ? curve[0] : NAN;
            free(curve);
            best_known[t] = true;
        }
    }
    for (size_t r = 0; r < nr; r++) {
        const journal_round *jr = &rounds[r];
        review_round *o = &out[r];
        o->number = jr->number;
        o->target = jr->target;
        o->targets = combo_rank(jr->targets) > 1 ? jr->targets : 0;
        o->proposed = "";
        o->committed = jr->committed ? j->events[jr->committed_event].time : "";
        o->batch = jr->n_suggestions;
        o->choices = xcalloc(jr->n_suggestions ? jr->n_suggestions : 1, sizeof *o->choices);
        for (size_t k = 0; k < jr->n_suggestions; k++) {
            const journal_suggestion *sg = &jr->suggestions[k];
            const journal_event *e = &j->events[sg->event];
            review_choice *c = &o->choices[o->n_choices++];
            c->combo = sg->combo;
            c->decision = sg->decision;
            c->replacement = sg->replacement;
            c->left_open = sg->decision == DECISION_NONE && was_left_open(j, jr, sg->combo);
            if (e->kind == JOURNAL_SUGGESTED) {
                if (!o->proposed[0])
                    o->proposed = e->time;
                if (!o->predictor && e->predictor)
                    o->predictor = e->predictor;
                if (!o->acquisition && e->acquisition)
                    o->acquisition = e->acquisition;
                if (!o->has_search && e->has_search) {
                    o->has_search = true;
                    o->seed = e->seed;
                    o->batch_asked = e->batch;
                    o->chosen = e->chosen;
                    o->init = e->init;
                    o->fit_runs = e->fit_runs;
                }
                if (!o->has_cv && e->has_cv) {
                    o->has_cv = true;
                    o->cv_spearman = e->cv_spearman;
                    o->cv_mae = e->cv_mae;
                }
                c->has_prediction = e->has_prediction;
                c->mean = e->mean;
                c->spread = e->spread;
            }
            if (sg->decision == DECISION_REJECTED && j->events[sg->decision_event].text)
                c->reason = j->events[sg->decision_event].text;
        }
        o->notes = xcalloc(jr->n_notes ? jr->n_notes : 1, sizeof *o->notes);
        for (size_t k = 0; k < jr->n_notes; k++)
            if (j->events[jr->notes[k]].text)
                o->notes[o->n_notes++] = j->events[jr->notes[k]].text;
        o->runs = xcalloc(jr->n_runs ? jr->n_runs : 1, sizeof *o->runs);
        double err_sum = 0;
        size_t err_n = 0;
        for (size_t k = 0; k < jr->n_runs; k++) {
            const journal_run *run = &j->runs[jr->runs[k]];
            review_run *u = &o->runs[o->n_runs++];
            u->id = run->id;
            u->combo = run->combo;
            /* a joint round's run is judged on the target it names (the first it serves), as its
             * suggestion's prediction is */
            bool joint = combo_rank(jr->targets) > 1;
            u->target = joint && run->target >= 0 ? run->target : jr->target;
            u->withdrawn = run->withdrawn;
            for (size_t q = 0; q < o->n_choices; q++) {
                if (o->choices[q].combo == run->combo && o->choices[q].has_prediction) {
                    u->has_prediction = true;
                    u->mean = o->choices[q].mean;
                    u->spread = o->choices[q].spread;
                }
            }
            int t = u->target;
            if (run->has_result && t >= 0) {
                const journal_event *e = &j->events[run->result_event];
                if (e->scores && isfinite(e->scores[t])) {
                    u->has_result = true;
                    u->measured = e->scores[t];
                }
            }
            if (u->has_result && u->has_prediction) {
                u->error = u->measured - u->mean;
                err_sum += fabs(u->error);
                err_n++;
            }
        }
        if (err_n) {
            o->has_error = true;
            o->mean_abs_error = err_sum / (double)err_n;
        }
        /* new bests, in the order the results came back: any round's run may score this
         * round's target (every member of a run is scored), so every result updates the best
         * of every target it scores */
        for (size_t k = 0; k < jr->n_results; k++) {
            const journal_event *e = &j->events[jr->results[k]];
            if (!e->scores)
                continue;
            for (int t = 0; t < s->n_datasets && t < COMBO_MAX_DATASETS; t++) {
                if (!best_known[t] || !combo_has(e->combo, t) || !isfinite(e->scores[t]))
                    continue;
                if (isnan(best[t]) || study_better(s, e->scores[t], best[t])) {
                    best[t] = e->scores[t];
                    for (size_t q = 0; q < o->n_runs; q++)
                        if (o->runs[q].target == t && strcmp(o->runs[q].id, e->run) == 0)
                            o->runs[q].new_best = true;
                }
            }
        }
    }
    *n = nr;
    return out;
}

char *review_round_predictor(const review_round *o, char *buf, size_t n)
{
    const char *p = o->predictor ? o->predictor : "none";
    if (!o->has_search) {
        snprintf(buf, n, "%s", o->predictor ? p : "none (initial design)");
        return buf;
    }
    if (o->init) {
        snprintf(buf, n, "none (initial design: %s)", o->init);
        return buf;
    }
    char runs[48] = "";
    if (o->fit_runs > 0)
        snprintf(runs, sizeof runs, " on %d run%s", o->fit_runs, o->fit_runs == 1 ? "" : "s");
    if (o->chosen)
        snprintf(buf, n, "%s (chose %s%s)", p, o->chosen, runs);
    else if (runs[0])
        snprintf(buf, n, "%s (%s)", p, runs + 1);
    else
        snprintf(buf, n, "%s", p);
    return buf;
}

char *review_round_seed(const review_round *o, char *buf, size_t n)
{
    if (o->has_search)
        snprintf(buf, n, "seed %lu", o->seed);
    else
        snprintf(buf, n, "seed not journaled");
    return buf;
}

void review_free(review_round *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].choices);
        free(r[i].notes);
        free(r[i].runs);
    }
    free(r);
}

/* ---- the Markdown report ---------------------------------------------------------------------- */

/* Text from a file, safe for a terminal and for a Markdown table cell: control characters
 * replaced (text_sanitize), '|' escaped. */
static void md_text(FILE *out, const char *s)
{
    char buf[2048];
    text_sanitize(s ? s : "", buf, sizeof buf);
    for (const char *p = buf; *p; p++) {
        if (*p == '|')
            fputc('\\', out);
        fputc(*p, out);
    }
}

/* The members of c, " + " between them. */
static void md_combo(FILE *out, const study *s, combo_t c)
{
    bool first = true;
    for (int d = 0; d < s->n_datasets; d++) {
        if (!combo_has(c, d))
            continue;
        if (!first)
            fputs(" + ", out);
        md_text(out, s->datasets[d].name);
        first = false;
    }
    if (first)
        fputs("(none)", out);
}

static const char *decision_name(const review_choice *c)
{
    switch (c->decision) {
    case DECISION_ACCEPTED: return "accepted";
    case DECISION_REJECTED: return "rejected";
    case DECISION_OVERRIDDEN: return "overridden";
    default: return c->left_open ? "left open" : "undecided";
    }
}

static void md_score(FILE *out, bool has, double v)
{
    if (has)
        fprintf(out, "%.4f", v);
    else
        fputs("-", out);
}

static void md_gain(FILE *out, bool has, double v)
{
    if (has)
        fprintf(out, "%+.4f", fabs(v) < 5e-5 ? 0.0 : v);
    else
        fputs("-", out);
}

char *review_round_targets(const study *s, const review_round *o, char *buf, size_t n)
{
    if (!o->targets) {
        snprintf(buf, n, "%s", o->target >= 0 ? s->datasets[o->target].name : "-");
        return buf;
    }
    size_t k = (size_t)snprintf(buf, n, "joint:");
    for (int d = 0; d < s->n_datasets && k < n; d++)
        if (combo_has(o->targets, d))
            k += (size_t)snprintf(buf + k, n - k, "%s%s", k > 6 ? " + " : " ", s->datasets[d].name);
    return buf;
}

bool review_write_report(FILE *out, const round_session *rs)
{
    const study *s = rs->study;
    const char *metric = s->metric >= 0 && s->metric < s->n_metrics ? s->metrics[s->metric] : "?";
    fputs("# ", out);
    md_text(out, s->name ? s->name : "study");
    fputs(": report\n\n", out);
    fprintf(out, "Metric `");
    md_text(out, metric);
    fprintf(out, "` (%s is better); %d datasets, %zu observations.\n", s->goal == GOAL_MIN ? "lower" : "higher",
            s->n_datasets, s->n_obs);
    fputs("Gains are differences of that metric, sign-adjusted so that positive is better.\n", out);
    fputs("Search settings in the study file: predictor ", out);
    md_text(out, s->search.predictor ? s->search.predictor : "(default)");
    fputs(", acquisition ", out);
    md_text(out, s->search.acquisition ? s->search.acquisition : "(default)");
    if (s->search.batch > 0)
        fprintf(out, ", batch %d", s->search.batch);
    else
        fputs(", batch (default)", out);
    fprintf(out, ", seed %lu (each round below says what it used).\n\n", s->search.seed);

    fputs("## Targets\n\n", out);
    fputs("| target | baseline | best so far | gain | measured | best combination |\n", out);
    fputs("|---|---|---|---|---|---|\n", out);
    for (int i = 0; i < s->n_targets; i++) {
        study_target_summary ts;
        study_target_summarize(s, s->targets[i], &ts);
        fputs("| ", out);
        md_text(out, s->datasets[ts.target].name);
        fputs(" | ", out);
        md_score(out, ts.has_baseline, ts.baseline);
        fputs(" | ", out);
        md_score(out, ts.has_best, ts.best);
        fputs(" | ", out);
        md_gain(out, ts.has_baseline && ts.has_best, ts.gain);
        fprintf(out, " | %zu of %llu | ", ts.measured, (unsigned long long)ts.lattice);
        if (ts.has_best)
            md_combo(out, s, ts.best_combo);
        else
            fputs("-", out);
        fputs(" |\n", out);
    }

    size_t n;
    review_round *rounds = review_rounds(rs, &n);
    fprintf(out, "\n## Rounds\n\n");
    if (!rs->journal)
        fputs("The study names no journal: no rounds to report.\n", out);
    else if (!n)
        fputs("No rounds yet.\n", out);
    for (size_t r = 0; r < n; r++) {
        const review_round *o = &rounds[r];
        char tn[2048];
        fprintf(out, "### Round %d: ", o->number);
        md_text(out, review_round_targets(s, o, tn, sizeof tn));
        fputs("\n\n", out);
        char pr[256], sd[64];
        fputs("- predictor ", out);
        md_text(out, review_round_predictor(o, pr, sizeof pr));
        fputs(", acquisition ", out);
        md_text(out, o->acquisition ? o->acquisition : "-");
        fprintf(out, ", batch %zu", o->batch);
        if (o->has_search && o->batch_asked > 0 && (size_t)o->batch_asked != o->batch)
            fprintf(out, " (%d asked)", o->batch_asked);
        fprintf(out, ", %s\n", review_round_seed(o, sd, sizeof sd));
        if (o->has_cv)
            fprintf(out, "- cross-validated accuracy when proposed: rho %.2f, mae %.4f\n", o->cv_spearman, o->cv_mae);
        fprintf(out, "- proposed %s, %s%s\n", o->proposed[0] ? o->proposed : "-",
                o->committed[0] ? "committed " : "not committed", o->committed);
        if (o->n_choices) {
            fputs("\n| # | combination | predicted | decision | reason or replacement |\n", out);
            fputs("|---|---|---|---|---|\n", out);
            for (size_t k = 0; k < o->n_choices; k++) {
                const review_choice *c = &o->choices[k];
                fprintf(out, "| %zu | ", k + 1);
                md_combo(out, s, c->combo);
                fputs(" | ", out);
                if (c->has_prediction)
                    fprintf(out, "%.4f ± %.4f", c->mean, c->spread);
                else
                    fputs("-", out);
                fprintf(out, " | %s | ", decision_name(c));
                if (c->decision == DECISION_OVERRIDDEN)
                    md_combo(out, s, c->replacement);
                else if (c->reason)
                    md_text(out, c->reason);
                fputs(" |\n", out);
            }
        }
        if (o->n_notes) {
            fputs("\nNotes:\n\n", out);
            for (size_t k = 0; k < o->n_notes; k++) {
                fputs("- ", out);
                md_text(out, o->notes[k]);
                fputs("\n", out);
            }
        }
        if (o->n_runs) {
            fputs("\n| run | combination | predicted | measured | error | new best |\n", out);
            fputs("|---|---|---|---|---|---|\n", out);
            for (size_t k = 0; k < o->n_runs; k++) {
                const review_run *u = &o->runs[k];
                fputs("| ", out);
                md_text(out, u->id);
                fputs(" | ", out);
                md_combo(out, s, u->combo);
                fputs(" | ", out);
                if (u->has_prediction)
                    fprintf(out, "%.4f ± %.4f", u->mean, u->spread);
                else
                    fputs("-", out);
                fputs(" | ", out);
                if (u->withdrawn && !u->has_result)
                    fputs("withdrawn", out);
                else
                    md_score(out, u->has_result, u->measured);
                fputs(" | ", out);
                md_gain(out, u->has_result && u->has_prediction, u->error);
                fprintf(out, " | %s |\n", u->new_best ? "yes" : "");
            }
        }
        fputs("\n", out);
    }

    fputs("## Predictor accuracy over rounds\n\n", out);
    if (!n) {
        fputs("No rounds yet.\n", out);
    } else {
        fputs("| round | target | predictor | cv rho | cv mae | mean abs error on results |\n", out);
        fputs("|---|---|---|---|---|---|\n", out);
        for (size_t r = 0; r < n; r++) {
            const review_round *o = &rounds[r];
            char tn[2048];
            fprintf(out, "| %d | ", o->number);
            md_text(out, review_round_targets(s, o, tn, sizeof tn));
            fputs(" | ", out);
            md_text(out, o->predictor ? o->predictor : "-");
            if (o->has_cv)
                fprintf(out, " | %.2f | %.4f | ", o->cv_spearman, o->cv_mae);
            else
                fputs(" | - | - | ", out);
            md_score(out, o->has_error, o->mean_abs_error);
            fputs(" |\n", out);
        }
    }
    review_free(rounds, n);
    return !ferror(out);
}
