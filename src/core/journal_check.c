/* journal_check: whether an event may follow the events so far (read or appended alike). */
#include "comboscope/journal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "comboscope/text.h"
#include "journal_impl.h"

/* A run is in flight from its intent until a final state (done, failed, cancelled, lost). */
static bool run_in_flight(const journal_run *run)
{
    return run->state == RUN_SUBMITTING || run->state == RUN_PENDING || run->state == RUN_RUNNING;
}

static bool plain_name(const char *t, size_t max)
{
    return t && journal_run_id_ok(t) && strlen(t) < max;
}

/* The launch events' own checks (see journal.h). */
static bool check_launch(const journal *j, const journal_event *ev, char *msg, size_t n, const char **key)
{
    const journal_run *run = NULL;
    const journal_submission *sub = NULL;
    switch (ev->kind) {
    case JOURNAL_SUBMITTING:
        *key = "submission";
        if (!plain_name(ev->submission, JOURNAL_RUN_MAX))
            return snprintf(msg, n, "submitting needs a \"submission\" id of letters, digits, '_', '-' or '.'"), false;
        if (journal_submission_find(j, ev->submission))
            return snprintf(msg, n, "submission %s is made twice", ev->submission), false;
        *key = "engine";
        if (!plain_name(ev->engine, 16))
            return snprintf(msg, n, "submitting needs an \"engine\" (local or slurm)"), false;
        *key = "runs";
        if (ev->n_runs == 0)
            return snprintf(msg, n, "submitting needs \"runs\""), false;
        for (size_t i = 0; i < ev->n_runs; i++) {
            run = journal_run_find(j, ev->runs[i]);
            if (!run)
                return snprintf(msg, n, "submitting run %s, which was never queued", ev->runs[i]), false;
            if (run->has_result)
                return snprintf(msg, n, "submitting run %s, which has a result", ev->runs[i]), false;
            if (run_in_flight(run))
                return snprintf(msg, n, "submitting run %s, which is already %s", ev->runs[i],
                                run_state_name(run->state)), false;
            if (run->state != RUN_QUEUED)
                return snprintf(msg, n, "submitting run %s, which is %s (resubmit it first)", ev->runs[i],
                                run_state_name(run->state)), false;
            for (size_t k = 0; k < i; k++)
                if (strcmp(ev->runs[k], ev->runs[i]) == 0)
                    return snprintf(msg, n, "run %s is submitted twice", ev->runs[i]), false;
        }
        return true;
    case JOURNAL_SUBMITTED:
        *key = "submission";
        sub = ev->submission ? journal_submission_find(j, ev->submission) : NULL;
        if (!sub)
            return snprintf(msg, n, "submitted without its \"submitting\" intent"), false;
        if (sub->submitted)
            return snprintf(msg, n, "submission %s is reported submitted twice", sub->id), false;
        *key = "job";
        if (ev->job[0] && !plain_name(ev->job, JOURNAL_JOB_MAX))
            return snprintf(msg, n, "a job id must be letters, digits, '_', '-' or '.'"), false;
        return true;
    case JOURNAL_STATE:
    case JOURNAL_CANCEL:
    case JOURNAL_RESUBMIT:
        *key = "run";
        run = journal_run_id_ok(ev->run) ? journal_run_find(j, ev->run) : NULL;
        if (!run)
            return snprintf(msg, n, "%s for run %s, which was never queued", journal_kind_name(ev->kind), ev->run), false;
        if (ev->kind == JOURNAL_STATE) {
            *key = "state";
            if (ev->state != RUN_PENDING && ev->state != RUN_RUNNING && ev->state != RUN_FAILED &&
                ev->state != RUN_CANCELLED && ev->state != RUN_LOST)
                return snprintf(msg, n, "state must be pending, running, failed, cancelled or lost"), false;
            if (run->submission < 0)
                return snprintf(msg, n, "state of run %s, which was never submitted", ev->run), false;
            if (ev->text && text_has_control(ev->text))
                return snprintf(msg, n, "a reason may not hold control characters"), false;
        } else if (ev->kind == JOURNAL_RESUBMIT) {
            if (run->has_result || (run->state != RUN_FAILED && run->state != RUN_CANCELLED && run->state != RUN_LOST))
                return snprintf(msg, n, "run %s is %s: only a failed, cancelled or lost run is resubmitted",
                                ev->run, run->has_result ? "done" : run_state_name(run->state)), false;
        } else if (run->has_result || run->state == RUN_FAILED || run->state == RUN_CANCELLED ||
                   run->state == RUN_LOST || run->state == RUN_WITHDRAWN) {
            return snprintf(msg, n, "run %s is already %s", ev->run,
                            run->has_result ? "done" : run_state_name(run->state)), false;
        }
        return true;
    default:
        return true;
    }
}

bool journal_run_waiting(const journal_run *run)
{
    return !run->has_result && !run->withdrawn;
}

size_t journal_round_live_runs(const journal *j, const journal_round *r)
{
    size_t n = 0;
    for (size_t k = 0; r && k < r->n_runs; k++)
        n += !j->runs[r->runs[k]].withdrawn;
    return n;
}

/* Whether ev may follow the events so far. On failure writes why into msg and the key the
 * problem is about into *key (for the column of the error). */
bool journal_check(const journal *j, const journal_event *ev, char *msg, size_t n, const char **key)
{
    const study *s = j->study;
    char cbuf[200], safe[200];
    *key = "event";
    if ((unsigned)ev->kind >= JOURNAL_N_KINDS)
        return snprintf(msg, n, "unknown event"), false;
    if (ev->round < 1) {
        *key = "round";
        return snprintf(msg, n, "round must be a whole number from 1"), false;
    }
    if (ev->target < -1 || ev->target >= s->n_datasets) {
        *key = "target";
        return snprintf(msg, n, "target is not a dataset of the study"), false;
    }
    const journal_round *r = journal_round_find(j, ev->round);
    bool committed = r && r->committed;
    switch (ev->kind) {
    case JOURNAL_SUGGESTED:
    case JOURNAL_ACCEPTED:
    case JOURNAL_REJECTED:
    case JOURNAL_OVERRIDDEN:
    case JOURNAL_UNDO:
    case JOURNAL_QUEUED:
    case JOURNAL_COMMITTED:
    case JOURNAL_LEFT_OPEN:
        if (committed)
            return snprintf(msg, n, "%s in round %d, which is already committed",
                            journal_kind_name(ev->kind), ev->round), false;
        /* Once a commit has begun (runs queued), only the rest of the commit may follow:
         * a decision now could not take back a run already in the queue. */
        if (journal_round_live_runs(j, r) && ev->kind != JOURNAL_QUEUED && ev->kind != JOURNAL_COMMITTED &&
            ev->kind != JOURNAL_LEFT_OPEN)
            return snprintf(msg, n, "%s in round %d, whose commit has begun (runs are queued); commit it first",
                            journal_kind_name(ev->kind), ev->round), false;
        break;
    default:
        break;
    }
    if (ev->kind >= JOURNAL_SUBMITTING)
        return check_launch(j, ev, msg, n, key);
    bool needs_combo = ev->kind != JOURNAL_NOTE && ev->kind != JOURNAL_COMMITTED &&
                       ev->kind != JOURNAL_UNDO && ev->kind != JOURNAL_UNCOMMITTED;
    if (needs_combo && ev->combo == 0) {
        *key = "combination";
        return snprintf(msg, n, "%s needs a \"combination\"", journal_kind_name(ev->kind)), false;
    }
    if (ev->combo & ~combo_all(s->n_datasets)) {
        *key = "combination";
        return snprintf(msg, n, "combination has datasets the study does not have"), false;
    }
    switch (ev->kind) {
    case JOURNAL_SUGGESTED:
        if ((ev->has_prediction && (!isfinite(ev->mean) || !isfinite(ev->spread))) ||
            (ev->has_value && !isfinite(ev->value)) ||
            (ev->has_cv && (!isfinite(ev->cv_spearman) || !isfinite(ev->cv_mae)))) {
            *key = "mean";
            return snprintf(msg, n, "a suggestion's numbers must be finite"), false;
        }
        if ((ev->predictor && text_has_control(ev->predictor)) ||
            (ev->acquisition && text_has_control(ev->acquisition)) || (ev->chosen && text_has_control(ev->chosen)) ||
            (ev->init && text_has_control(ev->init))) {
            *key = "predictor";
            return snprintf(msg, n, "predictor and acquisition names may not hold control characters"), false;
        }
        if (ev->has_search && (ev->batch < 1 || ev->fit_runs < 0)) {
            *key = "search";
            return snprintf(msg, n, "a round's search needs a batch of at least 1"), false;
        }
        if (ev->targets & ~combo_all(s->n_datasets)) {
            *key = "targets";
            return snprintf(msg, n, "targets has datasets the study does not have"), false;
        }
        for (int d = 0; ev->per_target && d < s->n_datasets; d++) {
            const double *v = &ev->per_target[(size_t)d * 3];
            if (isnan(v[0]))
                continue;
            *key = "per_target";
            if (!combo_has(ev->targets, d) || !combo_has(ev->combo, d))
                return snprintf(msg, n, "per_target names %s, which is not one of the round's targets in the combination",
                                s->datasets[d].name), false;
            if (!isfinite(v[0]) || !isfinite(v[1]) || !isfinite(v[2]))
                return snprintf(msg, n, "a suggestion's numbers must be finite"), false;
        }
        break;
    case JOURNAL_OVERRIDDEN:
        if (ev->replacement == 0 || (ev->replacement & ~combo_all(s->n_datasets))) {
            *key = "replacement";
            return snprintf(msg, n, "overridden needs a \"replacement\" combination of the study's datasets"), false;
        }
        if (ev->replacement == ev->combo) {
            *key = "replacement";
            return snprintf(msg, n, "the replacement is the suggestion itself"), false;
        }
        break;
    case JOURNAL_UNDO: {
        if (!r || r->n_decisions == 0)
            return snprintf(msg, n, "nothing to undo in round %d", ev->round), false;
        const journal_event *top = &j->events[r->decisions[r->n_decisions - 1]];
        if (ev->combo && ev->combo != top->combo) {
            *key = "combination";
            study_combo_format(s, ev->combo, cbuf, sizeof cbuf);
            study_combo_format(s, top->combo, safe, sizeof safe);
            return snprintf(msg, n, "undo names %s but the latest decision of round %d is on %s",
                            cbuf, ev->round, safe), false;
        }
        break;
    }
    case JOURNAL_NOTE:
        if (!ev->text) {
            *key = "text";
            return snprintf(msg, n, "note needs a \"text\""), false;
        }
        break;
    case JOURNAL_QUEUED:
        if (!journal_run_id_ok(ev->run)) {
            *key = "run";
            return snprintf(msg, n, "run id must be 1 to %d letters, digits, '_', '-' or '.'",
                            JOURNAL_RUN_MAX - 1), false;
        }
        if (journal_run_find(j, ev->run)) {
            *key = "run";
            return snprintf(msg, n, "run %s is queued twice", ev->run), false;
        }
        if (ev->known < 0) {
            *key = "known";
            return snprintf(msg, n, "known must be a whole number from 0"), false;
        }
        break;
    case JOURNAL_RESULT: {
        *key = "run";
        if (!journal_run_id_ok(ev->run))
            return snprintf(msg, n, "run id must be 1 to %d letters, digits, '_', '-' or '.'",
                            JOURNAL_RUN_MAX - 1), false;
        const journal_run *run = journal_run_find(j, ev->run);
        if (!run)
            return snprintf(msg, n, "result for run %s, which was never queued", ev->run), false;
        if (run->has_result)
            return snprintf(msg, n, "a second result for run %s", ev->run), false;
        if (run->withdrawn)
            return snprintf(msg, n, "result for run %s, which was withdrawn", ev->run), false;
        if (run->combo != ev->combo) {
            *key = "combination";
            return snprintf(msg, n, "run %s was queued as %s", ev->run,
                            study_combo_format(s, run->combo, cbuf, sizeof cbuf)), false;
        }
        if (run->round != ev->round) {
            *key = "round";
            return snprintf(msg, n, "run %s was queued in round %d", ev->run, run->round), false;
        }
        if (!ev->scores) {
            *key = "scores";
            return snprintf(msg, n, "result needs \"scores\""), false;
        }
        for (int d = 0; d < s->n_datasets; d++)
            if (combo_has(ev->combo, d) && !isnan(ev->scores[d]) && !isfinite(ev->scores[d])) {
                *key = "scores";
                return snprintf(msg, n, "scores must be finite numbers"), false;
            }
        break;
    }
    case JOURNAL_LEFT_OPEN: {
        const journal_suggestion *sg = r ? journal_suggestion_find(r, ev->combo) : NULL;
        if (!sg || sg->decision != DECISION_NONE) {
            *key = "combination";
            return snprintf(msg, n, "left_open names %s, which is not an open suggestion of round %d",
                            study_combo_format(s, ev->combo, cbuf, sizeof cbuf), ev->round), false;
        }
        break;
    }
    case JOURNAL_WITHDRAWN: {
        *key = "run";
        if (!journal_run_id_ok(ev->run))
            return snprintf(msg, n, "run id must be 1 to %d letters, digits, '_', '-' or '.'",
                            JOURNAL_RUN_MAX - 1), false;
        const journal_run *run = journal_run_find(j, ev->run);
        if (!run)
            return snprintf(msg, n, "withdrawn names run %s, which was never queued", ev->run), false;
        if (run->has_result)
            return snprintf(msg, n, "run %s has its result: it cannot be withdrawn", ev->run), false;
        if (run->withdrawn)
            return snprintf(msg, n, "run %s is already withdrawn", ev->run), false;
        /* only before it starts: a run handed to an engine is cancelled there first */
        if (run->state == RUN_SUBMITTING || run->state == RUN_RUNNING ||
            (run->state == RUN_PENDING && !run->cancel_asked))
            return snprintf(msg, n, "run %s is %s%s", ev->run, run_state_name(run->state),
                            run->state == RUN_PENDING ? " and its cancel was not asked for" : ": it cannot be withdrawn"),
                   false;
        if (run->combo != ev->combo) {
            *key = "combination";
            return snprintf(msg, n, "run %s was queued as %s", ev->run,
                            study_combo_format(s, run->combo, cbuf, sizeof cbuf)), false;
        }
        if (run->round != ev->round) {
            *key = "round";
            return snprintf(msg, n, "run %s was queued in round %d", ev->run, run->round), false;
        }
        break;
    }
    case JOURNAL_UNCOMMITTED:
        if (!committed)
            return snprintf(msg, n, "uncommitted in round %d, which is not committed", ev->round), false;
        if (j->rounds[j->n_rounds - 1].number != ev->round)
            return snprintf(msg, n, "round %d has begun since round %d was committed: its commit cannot be undone",
                            j->rounds[j->n_rounds - 1].number, ev->round), false;
        for (size_t k = 0; k < r->n_runs; k++) {
            const journal_run *run = &j->runs[r->runs[k]];
            if (run->has_result)
                return snprintf(msg, n, "run %s of round %d has its result: the commit cannot be undone",
                                run->id, ev->round), false;
            if (run->attempts > 0)
                return snprintf(msg, n, "run %s of round %d was handed to an engine: the commit cannot be undone",
                                run->id, ev->round), false;
        }
        break;
    default:
        break;
    }
    return true;
}
