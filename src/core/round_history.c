/* round_history: what History reads of the journal (see round.h): each round's counts and
 * accuracy, the best-so-far curves, a run's story, a run's log. */
#include "comboscope/round.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/fileio.h"
#include "comboscope/text.h"
#include "round_impl.h"

/* Appends ", text" (or text first) to buf of size n at *k. */
static void story_add(char *buf, size_t n, size_t *k, const char *text)
{
    if (*k < n)
        *k += (size_t)snprintf(buf + *k, n - *k, "%s%s", *k ? ", " : "", text);
}

char *round_run_story(const journal *j, size_t run, char *buf, size_t n)
{
    const journal_run *r = &j->runs[run];
    size_t k = 0;
    char t[160];
    buf[0] = '\0';
    for (size_t i = r->queued_event + 1; i < j->n_events; i++) {
        const journal_event *e = &j->events[i];
        bool mine = strcmp(e->run, r->id) == 0;
        t[0] = '\0';
        switch (e->kind) {
        case JOURNAL_SUBMITTING:
        case JOURNAL_SUBMITTED:
            for (size_t q = 0; q < e->n_runs && !mine; q++)
                mine = strcmp(e->runs[q], r->id) == 0;
            if (mine && e->kind == JOURNAL_SUBMITTED)
                snprintf(t, sizeof t, e->job[0] ? "%s %s" : "not submitted", e->engine ? e->engine : "",
                         e->job);
            break;
        case JOURNAL_STATE:
            if (mine && e->state == RUN_FAILED && e->has_exit)
                snprintf(t, sizeof t, "failed (exit %d)", e->exit_status);
            else if (mine)
                snprintf(t, sizeof t, "%s", run_state_name(e->state));
            break;
        case JOURNAL_CANCEL:
            if (mine)
                snprintf(t, sizeof t, "cancel");
            break;
        case JOURNAL_RESUBMIT:
            if (mine)
                snprintf(t, sizeof t, "resubmit");
            break;
        case JOURNAL_WITHDRAWN:
            if (mine)
                snprintf(t, sizeof t, "withdrawn");
            break;
        case JOURNAL_UNCOMMITTED:
            if (r->withdrawn && r->withdrawn_event == i)
                snprintf(t, sizeof t, "withdrawn (commit undone)");
            break;
        case JOURNAL_RESULT:
            if (mine) {
                int d = r->target;
                bool has = d >= 0 && e->scores && isfinite(e->scores[d]);
                char sc[32];
                snprintf(sc, sizeof sc, "%.4f", has ? e->scores[d] : 0.0);
                snprintf(t, sizeof t, "done%s%s", has ? " " : "", has ? sc : "");
            }
            break;
        default: break;
        }
        if (t[0])
            story_add(buf, n, &k, t);
    }
    if (!k)
        snprintf(buf, n, r->has_result ? "done" : "queued");
    return buf;
}

char *round_log_tail(const char *path, int lines)
{
    cs_error ignore; /* a run's log: a regular file only, never a FIFO that would block (fileio.h) */
    FILE *f = path ? file_fopen_read(path, NULL, &ignore) : NULL;
    if (!f)
        return NULL;
    /* the last 16 KiB is plenty for a screen's worth of lines */
    long start = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        start = size > 16384 ? size - 16384 : 0;
    }
    fseek(f, start, SEEK_SET);
    char *buf = xmalloc(16384 + 1);
    size_t len = fread(buf, 1, 16384, f);
    fclose(f);
    buf[len] = '\0';
    len = text_terminal_output(buf, len); /* progress bars, colours and NUL bytes as a terminal shows them */
    while (len && buf[len - 1] == '\n')
        buf[--len] = '\0';
    size_t from = len;
    for (int k = 0; k < lines && from > 0; k++) {
        from--;
        while (from > 0 && buf[from - 1] != '\n')
            from--;
    }
    if (start > 0 && from == 0) /* a cut first line: drop it */
        from = strcspn(buf, "\n") + (buf[strcspn(buf, "\n")] ? 1 : 0);
    memmove(buf, buf + from, len - from + 1);
    return buf;
}
/* ---- History ------------------------------------------------------------------------------------ */

static int combo_cmp(const void *a, const void *b)
{
    combo_t x = *(const combo_t *)a, y = *(const combo_t *)b;
    return x < y ? -1 : x > y;
}

size_t round_best_curve(const round_session *rs, int target, double **out)
{
    const study *s = rs->study;
    const journal *j = rs->journal;
    size_t nr = 0;
    const journal_round *rounds = j ? journal_rounds(j, &nr) : NULL;
    double *c = xmalloc((nr + 1) * sizeof *c);
    combo_t *x;
    double *y;
    size_t m = study_target_points(s, target, &x, &y);
    /* the combinations journaled runs produced, sorted, so that each point is one search */
    combo_t *ran = xmalloc((j && j->n_runs ? j->n_runs : 1) * sizeof *ran);
    size_t n_ran = 0;
    for (size_t k = 0; j && k < j->n_runs; k++)
        if (j->runs[k].has_result)
            ran[n_ran++] = j->runs[k].combo;
    qsort(ran, n_ran, sizeof *ran, combo_cmp);
    double best = NAN;
    for (size_t i = 0; i < m; i++) {
        bool from_run = bsearch(&x[i], ran, n_ran, sizeof *ran, combo_cmp) != NULL;
        if (!from_run && (isnan(best) || study_better(s, y[i], best)))
            best = y[i];
    }
    free(ran);
    free(x);
    free(y);
    c[0] = best;
    for (size_t r = 0; r < nr; r++) {
        for (size_t k = 0; k < rounds[r].n_results; k++) {
            const journal_event *e = &j->events[rounds[r].results[k]];
            if (!e->scores || !combo_has(e->combo, target) || !isfinite(e->scores[target]))
                continue;
            if (isnan(best) || study_better(s, e->scores[target], best))
                best = e->scores[target];
        }
        c[r + 1] = best;
    }
    *out = c;
    return nr + 1;
}

/* The measured score of target for combination c from a `result` event of j, or NAN. */
static double result_for(const journal *j, combo_t c, int target)
{
    for (size_t k = 0; k < j->n_runs; k++) {
        const journal_run *run = &j->runs[k];
        if (run->combo != c || !run->has_result)
            continue;
        const journal_event *e = &j->events[run->result_event];
        if (e->scores && target >= 0 && isfinite(e->scores[target]))
            return e->scores[target];
    }
    return NAN;
}

round_history_row *round_history(const round_session *rs, size_t *n)
{
    const journal *j = rs->journal;
    size_t nr = 0;
    const journal_round *rounds = j ? journal_rounds(j, &nr) : NULL;
    *n = nr;
    round_history_row *rows = xcalloc(nr ? nr : 1, sizeof *rows);
    for (size_t r = 0; r < nr; r++) {
        const journal_round *jr = &rounds[r];
        round_history_row *h = &rows[r];
        h->number = jr->number;
        h->target = jr->target;
        h->committed = jr->committed;
        h->notes = jr->n_notes;
        h->queued = jr->n_runs;
        h->results = jr->n_results;
        double err_sum = 0;
        size_t err_n = 0;
        for (size_t k = 0; k < jr->n_suggestions; k++) {
            const journal_suggestion *sg = &jr->suggestions[k];
            h->suggested += sg->suggested;
            h->accepted += sg->decision == DECISION_ACCEPTED;
            h->rejected += sg->decision == DECISION_REJECTED;
            h->overridden += sg->decision == DECISION_OVERRIDDEN;
            const journal_event *e = &j->events[sg->event];
            if (e->kind != JOURNAL_SUGGESTED)
                continue;
            if (e->has_cv && !h->has_cv) {
                h->has_cv = true;
                h->cv_spearman = e->cv_spearman;
            }
            double got = result_for(j, sg->combo, e->target >= 0 ? e->target : jr->target); /* what it predicted */
            if (e->has_prediction && isfinite(got)) {
                err_sum += fabs(e->mean - got);
                err_n++;
            }
        }
        if (err_n) {
            h->has_error = true;
            h->error = err_sum / (double)err_n;
        }
    }
    /* best-so-far per round, for each round's own target (one curve per target) */
    double *curves[COMBO_MAX_DATASETS] = {NULL};
    for (size_t r = 0; r < nr; r++) {
        int t = rows[r].target;
        if (t < 0)
            continue;
        if (!curves[t])
            round_best_curve(rs, t, &curves[t]);
        rows[r].has_best = isfinite(curves[t][r + 1]);
        rows[r].best = curves[t][r + 1];
    }
    for (int t = 0; t < COMBO_MAX_DATASETS; t++)
        free(curves[t]);
    return rows;
}
