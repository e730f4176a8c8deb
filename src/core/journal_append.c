/* journal_append: the typed journal_append_* helpers, one an event kind (journal.h). */
#include "comboscope/journal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "journal_impl.h"

static journal_event event_base(journal_kind k, int round, int target, combo_t c)
{
    journal_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = k;
    ev.round = round;
    ev.target = target;
    ev.combo = c;
    ev.replicate = -1;
    return ev;
}

bool journal_append_suggested(journal *j, int round, int target, combo_t c, double mean,
                              double spread, const char *predictor, const char *acquisition,
                              cs_error *err)
{
    journal_event ev = event_base(JOURNAL_SUGGESTED, round, target, c);
    ev.has_prediction = isfinite(mean) && isfinite(spread);
    ev.mean = mean;
    ev.spread = spread;
    ev.predictor = (char *)predictor;
    ev.acquisition = (char *)acquisition;
    return journal_append(j, &ev, err);
}

bool journal_append_accepted(journal *j, int round, int target, combo_t c, cs_error *err)
{
    journal_event ev = event_base(JOURNAL_ACCEPTED, round, target, c);
    return journal_append(j, &ev, err);
}

bool journal_append_rejected(journal *j, int round, int target, combo_t c, const char *reason,
                             cs_error *err)
{
    journal_event ev = event_base(JOURNAL_REJECTED, round, target, c);
    ev.text = (char *)reason;
    return journal_append(j, &ev, err);
}

bool journal_append_overridden(journal *j, int round, int target, combo_t c, combo_t replacement,
                               cs_error *err)
{
    journal_event ev = event_base(JOURNAL_OVERRIDDEN, round, target, c);
    ev.replacement = replacement;
    return journal_append(j, &ev, err);
}

bool journal_append_undo(journal *j, int round, cs_error *err)
{
    const journal_round *r = journal_round_find(j, round);
    journal_event ev = event_base(JOURNAL_UNDO, round, r ? r->target : -1, 0);
    return journal_append(j, &ev, err);
}

bool journal_append_note(journal *j, int round, int target, combo_t c, const char *text,
                         cs_error *err)
{
    journal_event ev = event_base(JOURNAL_NOTE, round, target, c);
    ev.text = (char *)(text ? text : "");
    return journal_append(j, &ev, err);
}

bool journal_append_queued(journal *j, int round, int target, const char *run, combo_t c,
                           int known, cs_error *err)
{
    journal_event ev = event_base(JOURNAL_QUEUED, round, target, c);
    if (strlen(run) >= sizeof ev.run)
        return error_set(err, j->path, 0, 0, "run id too long");
    snprintf(ev.run, sizeof ev.run, "%s", run);
    ev.known = known;
    return journal_append(j, &ev, err);
}

bool journal_append_result(journal *j, int round, int target, const char *run, combo_t c,
                           const double *scores, int replicate, cs_error *err)
{
    journal_event ev = event_base(JOURNAL_RESULT, round, target, c);
    if (strlen(run) >= sizeof ev.run)
        return error_set(err, j->path, 0, 0, "run id too long");
    snprintf(ev.run, sizeof ev.run, "%s", run);
    ev.scores = (double *)scores;
    ev.replicate = replicate;
    return journal_append(j, &ev, err);
}

bool journal_append_committed(journal *j, int round, cs_error *err)
{
    const journal_round *r = journal_round_find(j, round);
    journal_event ev = event_base(JOURNAL_COMMITTED, round, r ? r->target : -1, 0);
    return journal_append(j, &ev, err);
}

bool journal_append_submitting(journal *j, int round, const char *submission, const char *engine,
                               const char *name, const char (*runs)[JOURNAL_RUN_MAX], size_t n,
                               cs_error *err)
{
    journal_event ev = event_base(JOURNAL_SUBMITTING, round, -1, 0);
    const journal_run *first = n ? journal_run_find(j, runs[0]) : NULL;
    if (first)
        ev.target = first->target;
    ev.submission = (char *)submission;
    ev.engine = (char *)engine;
    ev.name = (char *)name;
    ev.runs = (char(*)[JOURNAL_RUN_MAX])runs;
    ev.n_runs = n;
    return journal_append(j, &ev, err);
}

bool journal_append_submitted(journal *j, const char *submission, const char *job, const char *why,
                              cs_error *err)
{
    const journal_submission *sub = journal_submission_find(j, submission);
    journal_event ev = event_base(JOURNAL_SUBMITTED, sub ? sub->round : 1, -1, 0);
    if (sub)
        ev.target = j->events[sub->intent_event].target;
    ev.submission = (char *)submission;
    if (job && strlen(job) >= sizeof ev.job)
        return error_set(err, j->path, 0, 0, "job id too long");
    snprintf(ev.job, sizeof ev.job, "%s", job ? job : "");
    ev.text = (char *)why;
    return journal_append(j, &ev, err);
}

/* The round and target of run id (1 and -1 when unknown: check() then refuses the event). */
static journal_event run_event(const journal *j, journal_kind k, const char *run, cs_error *err, bool *ok)
{
    const journal_run *r = journal_run_find(j, run);
    journal_event ev = event_base(k, r ? r->round : 1, r ? r->target : -1, 0);
    *ok = strlen(run) < sizeof ev.run;
    if (!*ok)
        error_set(err, j->path, 0, 0, "run id too long");
    else
        snprintf(ev.run, sizeof ev.run, "%s", run);
    return ev;
}

bool journal_append_state(journal *j, const char *run, run_state st, const char *job,
                          const char *text, bool has_exit, int exit_status, cs_error *err)
{
    bool ok;
    journal_event ev = run_event(j, JOURNAL_STATE, run, err, &ok);
    if (!ok)
        return false;
    ev.state = st;
    if (job && strlen(job) >= sizeof ev.job)
        return error_set(err, j->path, 0, 0, "job id too long");
    snprintf(ev.job, sizeof ev.job, "%s", job ? job : "");
    ev.text = (char *)text;
    ev.has_exit = has_exit;
    ev.exit_status = exit_status;
    return journal_append(j, &ev, err);
}

bool journal_append_cancel(journal *j, const char *run, cs_error *err)
{
    bool ok;
    journal_event ev = run_event(j, JOURNAL_CANCEL, run, err, &ok);
    return ok && journal_append(j, &ev, err);
}

bool journal_append_resubmit(journal *j, const char *run, cs_error *err)
{
    bool ok;
    journal_event ev = run_event(j, JOURNAL_RESUBMIT, run, err, &ok);
    return ok && journal_append(j, &ev, err);
}

bool journal_append_left_open(journal *j, int round, int target, combo_t c, cs_error *err)
{
    journal_event ev = event_base(JOURNAL_LEFT_OPEN, round, target, c);
    return journal_append(j, &ev, err);
}

bool journal_append_withdrawn(journal *j, const char *run, cs_error *err)
{
    const journal_run *r = journal_run_find(j, run);
    if (!r)
        return error_set(err, j->path, 0, 0, "no run %s in the journal", run);
    journal_event ev = event_base(JOURNAL_WITHDRAWN, r->round, r->target, r->combo);
    snprintf(ev.run, sizeof ev.run, "%s", r->id);
    return journal_append(j, &ev, err);
}

bool journal_append_uncommitted(journal *j, int round, cs_error *err)
{
    const journal_round *r = journal_round_find(j, round);
    journal_event ev = event_base(JOURNAL_UNCOMMITTED, round, r ? r->target : -1, 0);
    return journal_append(j, &ev, err);
}
