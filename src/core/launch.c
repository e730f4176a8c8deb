/* launch: the engine-independent part of launching runs (launch.h): the config, the state of
 * every run, and following the runs (polling, reconciling open intents, cancel, resubmit).
 * Submissions are in launch_submit.c and launch_async.c, run files and the result contract in
 * launch_files.c, child processes in launch_child.c, the engines in launch_local.c and
 * launch_slurm.c, the parsers of Slurm's text in launch_parse.c. */
#define _GNU_SOURCE
#include "comboscope/launch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "comboscope/queue.h"
#include "comboscope/results.h"
#include "comboscope/text.h"
#include "launch_impl.h"

/* Seconds between two polls that look at files and the engine. */
#define POLL_INTERVAL 0.5
#define RECONCILE_INTERVAL (3 * launch_timeout())

void launch_config_free(launch_config *c)
{
    if (!c)
        return;
    free(c->command);
    free(c->partition);
    free(c->time);
    free(c->mem);
    free(c->account);
    for (int i = 0; i < c->n_extra; i++)
        free(c->extra[i]);
    free(c->extra);
    free(c);
}

double launch_timeout(void)
{
    static double t;
    if (t == 0) {
        const char *e = getenv("COMBOSCOPE_SLURM_TIMEOUT");
        char *end;
        double v = e ? strtod(e, &end) : 0;
        t = e && end != e && *end == '\0' && v >= 0.1 && v <= 3600 ? v : LAUNCH_TIMEOUT;
    }
    return t;
}

const char *launch_engine_name(launch_engine e)
{
    return e == LAUNCH_SLURM ? "slurm" : "local";
}

const launch_config *launch_config_of(const launch_session *ls)
{
    return ls->j->study->launch;
}

const launch_engine_ops *launch_ops_of(launch_engine e)
{
    return e == LAUNCH_SLURM ? &launch_slurm_ops : &launch_local_ops;
}

/* ---- the state of every run -------------------------------------------------------------------- */

static const journal_submission *run_submission(const journal *j, const journal_run *r)
{
    return r->submission >= 0 && (size_t)r->submission < j->n_submissions ? &j->submissions[r->submission] : NULL;
}

launch_run_info *launch_runs(const journal *j, size_t *n)
{
    const study *s = j->study;
    *n = j->n_runs;
    launch_run_info *out = xcalloc(j->n_runs + 1, sizeof *out);
    time_t now = time(NULL);
    for (size_t i = 0; i < j->n_runs; i++) {
        const journal_run *r = &j->runs[i];
        launch_run_info *o = &out[i];
        o->run = i;
        o->state = r->has_result ? RUN_DONE : r->state;
        o->array_index = -1;
        o->elapsed = -1;
        const journal_submission *sub = run_submission(j, r);
        if (sub) {
            snprintf(o->engine, sizeof o->engine, "%s", sub->engine);
            snprintf(o->job, sizeof o->job, "%s", sub->job);
            o->array_index = r->array_index;
        } else if (r->attempts > 0) {
            /* a run back in the queue after a failed submission keeps its latest engine */
            for (size_t k = j->n_submissions; k-- > 0;)
                for (size_t q = 0; q < j->submissions[k].n_runs && !o->engine[0]; q++)
                    if (j->submissions[k].runs[q] == i)
                        snprintf(o->engine, sizeof o->engine, "%s", j->submissions[k].engine);
        }
        o->attempt = r->attempts;
        if (r->state_event >= 0 && !r->has_result) {
            const journal_event *ev = &j->events[r->state_event];
            if (ev->text)
                snprintf(o->reason, sizeof o->reason, "%s", ev->text);
            o->has_exit = ev->has_exit;
            o->exit_status = ev->exit_status;
        }
        if (r->attempts > 0) {
            char *dir = launch_attempt_dir(s, r->id, r->attempts);
            o->log = launch_file_in(dir, "log");
            if (o->state == RUN_RUNNING) {
                char *sp = launch_file_in(dir, "start");
                char *text = launch_read_small(sp);
                long long epoch;
                if (text && launch_parse_start(text, &epoch, NULL, 0, NULL))
                    o->elapsed = difftime(now, (time_t)epoch);
                free(text);
                free(sp);
            }
            free(dir);
        }
        if (r->has_result) {
            const journal_event *ev = &j->events[r->result_event];
            int t = r->target;
            if (t < 0)
                for (int d = 0; d < s->n_datasets && t < 0; d++)
                    if (combo_has(r->combo, d))
                        t = d;
            if (t >= 0 && ev->scores && !isnan(ev->scores[t])) {
                o->has_score = true;
                o->score = ev->scores[t];
            }
        }
        const journal_round *rd = journal_round_find(j, r->round);
        for (size_t k = 0; rd && k < rd->n_suggestions; k++) {
            const journal_suggestion *sg = &rd->suggestions[k];
            if (sg->combo == r->combo && sg->suggested && j->events[sg->event].has_prediction) {
                o->has_prediction = true;
                o->predicted = j->events[sg->event].mean;
            }
        }
    }
    return out;
}

void launch_runs_free(launch_run_info *r, size_t n)
{
    if (!r)
        return;
    for (size_t i = 0; i < n; i++)
        free(r[i].log);
    free(r);
}

/* ---- following the runs --------------------------------------------------------------------------- */

bool launch_active(const launch_session *ls)
{
    for (size_t i = 0; i < ls->j->n_runs; i++) {
        run_state st = ls->j->runs[i].state;
        if (!ls->j->runs[i].has_result && (st == RUN_SUBMITTING || st == RUN_PENDING || st == RUN_RUNNING))
            return true;
    }
    return false;
}

static const launch_engine_ops *ops_named(const char *engine)
{
    return strcmp(engine, "slurm") == 0 ? &launch_slurm_ops : &launch_local_ops;
}

/* Journals what a look-up found for the open intent of submission k (found: 1 job, 0 none). */
static bool reconcile_outcome(journal *j, size_t k, int found, const char *job, cs_error *err)
{
    char id[JOURNAL_RUN_MAX];
    snprintf(id, sizeof id, "%s", j->submissions[k].id);
    return found ? journal_append_submitted(j, id, job, NULL, err)
                 : journal_append_submitted(j, id, "", "not submitted: the program stopped before the engine took it", err);
}

/* Reconciles every submission whose outcome was never journaled (a crash after the intent).
 * blocking: ask every engine now (launch_open); else (launch_poll) an engine with a
 * non-blocking look-up is asked a step at a time, one submission after the other. */
static int reconcile(launch_session *ls, bool blocking, cs_error *err)
{
    journal *j = ls->j;
    int events = 0;
    const char *flying = launch_async_in_flight(ls);
    if (!blocking && ls->finding >= 0) {
        size_t k = (size_t)ls->finding;
        const launch_engine_ops *ops = ops_named(j->submissions[k].engine);
        char job[JOURNAL_JOB_MAX] = "";
        cs_error why;
        int r = ops->find_step(ls, &j->submissions[k], job, &why);
        if (r == 0)
            return 0;
        ls->finding = -1;
        if (r < 0)
            return 0; /* cannot tell now: later */
        if (!reconcile_outcome(j, k, r == 1, job, err))
            return -1;
        return 1;
    }
    ls->last_reconcile = launch_now();
    for (size_t k = 0; k < j->n_submissions; k++) {
        if (j->submissions[k].submitted || (flying && strcmp(flying, j->submissions[k].id) == 0))
            continue;
        char job[JOURNAL_JOB_MAX] = "";
        const journal_event *intent = &j->events[j->submissions[k].intent_event];
        char name[64];
        snprintf(name, sizeof name, "%s", intent->name ? intent->name : "");
        const launch_engine_ops *ops = ops_named(j->submissions[k].engine);
        cs_error why;
        if (!blocking && ops->find_begin) {
            if (ops->find_begin(ls, name, &why))
                ls->finding = (long)k;
            return events; /* one at a time; its answer is read by the next polls */
        }
        int found = ops->find(ls, &j->submissions[k], name, job, &why);
        if (found < 0)
            continue; /* cannot tell now: try again later */
        if (!reconcile_outcome(j, k, found, job, err))
            return -1;
        events++;
    }
    return events;
}

launch_session *launch_open(journal *j, cs_error *err)
{
    const study *s = j->study;
    if (!s->launch)
        return error_set(err, s->path, 0, 0, "the study has no \"launch\" object"), NULL;
    if (j->fd < 0)
        return error_set(err, j->path, 0, 0, "the journal is open read-only: runs cannot be launched"), NULL;
    launch_session *ls = xcalloc(1, sizeof *ls);
    ls->j = j;
    ls->finding = -1;
    ls->ops = launch_ops_of(s->launch->engine);
    /* open intents are reconciled by the first poll, a step at a time, or by launch_reconcile */
    ls->last_reconcile = -1e18;
    if (ls->ops->prefetch)
        ls->ops->prefetch(ls);
    return ls;
}

int launch_reconcile(launch_session *ls, cs_error *err)
{
    return reconcile(ls, true, err);
}

/* Steps the engine's background calls (scancel); says in the news what failed. Returns how
 * many are still out. */
static int engine_calls(launch_session *ls)
{
    if (!ls->engine || !launch_slurm_ops.calls) /* the only engine with calls of its own */
        return 0;
    char failed[512] = "";
    int out = launch_slurm_ops.calls(ls, failed, sizeof failed);
    if (failed[0]) {
        size_t used = strlen(ls->news);
        snprintf(ls->news + used, sizeof ls->news - used, "%s%s", used ? "; " : "", failed);
        ls->has_news = true;
        if (!ls->call_error[0])
            snprintf(ls->call_error, sizeof ls->call_error, "%.500s", failed);
    }
    return out;
}

bool launch_calls_out(launch_session *ls)
{
    if (!ls)
        return false;
    int out = engine_calls(ls);
    return ls->async || out > 0;
}

bool launch_wait_calls(launch_session *ls, double timeout, cs_error *err)
{
    double until = launch_now() + timeout;
    for (;;) {
        if (launch_async_step(ls, err) < 0)
            return false;
        if (!launch_calls_out(ls))
            break;
        if (launch_now() > until)
            return error_set(err, NULL, 0, 0, "the engine did not answer within %.0f s", timeout);
        usleep(10000);
    }
    if (ls->call_error[0]) {
        error_set(err, NULL, 0, 0, "%s", ls->call_error);
        ls->call_error[0] = '\0';
        return false;
    }
    return true;
}

void launch_free(launch_session *ls)
{
    if (!ls)
        return;
    launch_async_drop(ls);
    if (ls->engine)
        launch_slurm_ops.release(ls); /* the only engine with state of its own */
    free(ls->seen);
    free(ls);
}

/* Journals a state change of run i unless it is the state (and reason) already journaled. */
static int set_state(launch_session *ls, size_t i, run_state st, const char *reason, bool has_exit, int exit_status,
                     cs_error *err)
{
    journal *j = ls->j;
    const journal_run *r = &j->runs[i];
    if (r->state == st) {
        const journal_event *ev = r->state_event >= 0 ? &j->events[r->state_event] : NULL;
        const char *old = ev && ev->text ? ev->text : "";
        if (strcmp(old, reason ? reason : "") == 0)
            return 0;
    }
    const journal_submission *sub = run_submission(j, r);
    char id[JOURNAL_RUN_MAX];
    snprintf(id, sizeof id, "%s", r->id);
    char safe[256];
    if (reason)
        text_sanitize(reason, safe, sizeof safe);
    return journal_append_state(j, id, st, sub ? sub->job : NULL, reason && reason[0] ? safe : NULL, has_exit,
                                exit_status, err)
               ? 1
               : -1;
}

/* A result's columns the table has no column for: kept out of the table (refusing a finished
 * run for them would lose more), and said in a note on the run's combination. */
static bool note_dropped(journal *j, const journal_run *r, const char *dropped, cs_error *err)
{
    const study *s = j->study;
    char text[900], safe[600], table[200];
    text_sanitize(dropped, safe, sizeof safe);
    text_sanitize(s->n_tables > 0 ? s->tables[0] : "the table", table, sizeof table);
    snprintf(text, sizeof text, "%s: result columns %s not kept (%s has no such column)", r->id, safe, table);
    return journal_append_note(j, r->round, r->target, r->combo, text, err);
}

/* What the status file of run i's latest attempt says: 1 final (handled), 0 none, -1 error. */
static int settle_from_status(launch_session *ls, size_t i, cs_error *err)
{
    journal *j = ls->j;
    const journal_run *r = &j->runs[i];
    char *dir = launch_attempt_dir(j->study, r->id, r->attempts);
    char *sp = launch_file_in(dir, "status");
    char *text = launch_read_small(sp);
    free(sp);
    if (!text) {
        free(dir);
        return 0;
    }
    int code;
    bool cancelled;
    bool ok = launch_parse_status(text, &code, &cancelled);
    free(text);
    int rc;
    if (!ok) {
        rc = set_state(ls, i, RUN_FAILED, "its status file is not an exit status", false, 0, err);
    } else if (cancelled || (r->cancel_asked && code != 0)) {
        rc = set_state(ls, i, RUN_CANCELLED, NULL, !cancelled, code, err);
    } else if (code != 0) {
        char why[64];
        if (code > 128)
            snprintf(why, sizeof why, "exit status %d (killed by signal %d)", code, code - 128);
        else
            snprintf(why, sizeof why, "exit status %d", code);
        rc = set_state(ls, i, RUN_FAILED, why, true, code, err);
    } else {
        /* exit 0: the result file decides, unless the table holds the run's rows already
         * (appended before a crash cut the journal line: with its run id or, in a table without
         * a `run` column, as the next replicate of its combination): collected, not appended
         * twice */
        char id[JOURNAL_RUN_MAX];
        snprintf(id, sizeof id, "%s", r->id);
        size_t early = 0;
        cs_error warn;
        if (!queue_collect_results(j, &early, &warn, err)) {
            free(dir);
            return -1;
        }
        if (journal_run_find(j, id)->has_result) {
            free(dir);
            return 1 + (int)early;
        }
        r = journal_run_find(j, id);
        char *rp = launch_file_in(dir, "result.csv");
        cs_error why;
        results_rows *rows = results_scan(j->study, err);
        if (!rows) {
            free(rp);
            free(dir);
            return -1;
        }
        bool taken = results_has_run_id(rows, id); /* rows of its own, but not all of them */
        results_rows_free(rows);
        char dropped[512];
        if (!taken && !launch_take_result(j, r, rp, dropped, sizeof dropped, &why)) {
            rc = set_state(ls, i, RUN_FAILED, why.msg, true, 0, err);
        } else if (!taken && dropped[0] && !note_dropped(j, r, dropped, err)) {
            rc = -1;
        } else {
            size_t recorded = 0;
            rc = queue_collect_results(j, &recorded, &warn, err) ? 1 + (int)recorded : -1;
            if (rc > 0 && !journal_run_find(j, id)->has_result)
                rc = set_state(ls, i, RUN_FAILED, "its result rows did not match the run", true, 0, err);
        }
        free(rp);
    }
    free(dir);
    return rc < 0 ? -1 : 1 + rc;
}

int launch_poll(launch_session *ls, cs_error *err)
{
    journal *j = ls->j;
    double now = launch_now();
    engine_calls(ls);
    int events = launch_async_step(ls, err);
    if (events < 0)
        return -1;
    bool open_intent = false;
    const char *flying = launch_async_in_flight(ls);
    for (size_t k = 0; k < j->n_submissions; k++)
        open_intent |= !j->submissions[k].submitted && !(flying && strcmp(flying, j->submissions[k].id) == 0);
    if (ls->finding >= 0 || (open_intent && now - ls->last_reconcile > RECONCILE_INTERVAL)) {
        int r = reconcile(ls, false, err);
        if (r < 0)
            return -1;
        events += r;
    }
    if (!launch_active(ls))
        return events;
    if (!ls->querying && now - ls->last_poll < POLL_INTERVAL)
        return events;
    if (ls->n_seen != j->n_runs) {
        ls->seen = xrealloc(ls->seen, (j->n_runs + 1) * sizeof *ls->seen);
        ls->n_seen = j->n_runs;
    }
    int q = ls->ops->query(ls, err);
    ls->querying = q == 0;
    if (q < 0) {
        ls->last_poll = now; /* say it again only after the interval */
        return -1;
    }
    if (q == 0)
        return events;
    ls->last_poll = now;
    ls->cycles++;
    /* The engine's answer is in; status files are read after it, so that a run that ended
     * and left the engine's memory in between is still accounted for by its file. */
    for (size_t i = 0; i < j->n_runs && i < ls->n_seen; i++) {
        const journal_run *r = &j->runs[i];
        if (r->has_result || (r->state != RUN_PENDING && r->state != RUN_RUNNING))
            continue;
        int f = settle_from_status(ls, i, err);
        if (f < 0)
            return -1;
        if (f > 0) {
            events += f - 1;
            continue;
        }
        const launch_seen *sn = &ls->seen[i];
        int rc = 0;
        if (!sn->seen)
            rc = set_state(ls, i, r->cancel_asked ? RUN_CANCELLED : RUN_LOST,
                           r->cancel_asked ? NULL : "neither the engine nor a status file accounts for it", false, 0, err);
        else if (sn->state == RUN_PENDING || sn->state == RUN_RUNNING) {
            rc = set_state(ls, i, sn->state, sn->reason[0] ? sn->reason : NULL, false, 0, err);
            /* a cancel asked while its submission's outcome was unknown reaches the engine now */
            const journal_submission *sub = run_submission(j, &j->runs[i]);
            cs_error ignore;
            if (rc >= 0 && j->runs[i].cancel_asked && sub && sub->submitted)
                (void)ls->ops->cancel(ls, sub, i, &ignore);
        }
        else if (sn->state == RUN_CANCELLED || r->cancel_asked)
            rc = set_state(ls, i, RUN_CANCELLED, NULL, false, 0, err);
        else
            rc = set_state(ls, i, RUN_FAILED, sn->reason[0] ? sn->reason : "ended without writing its status file",
                           sn->has_exit, sn->exit_status, err);
        if (rc < 0)
            return -1;
        events += rc;
    }
    return events;
}

int launch_poll_settle(launch_session *ls, double timeout, cs_error *err)
{
    double end = launch_now() + timeout;
    int total = 0;
    unsigned long cycles = ls->cycles;
    ls->last_poll = 0;
    while (launch_active(ls) && ls->cycles == cycles && launch_now() < end) {
        int r = launch_poll(ls, err);
        if (r < 0)
            return -1;
        total += r;
        if (ls->cycles == cycles)
            usleep(10000);
    }
    return total;
}

bool launch_cancel(launch_session *ls, const char *run, cs_error *err)
{
    journal *j = ls->j;
    const journal_run *r = journal_run_find(j, run);
    if (!r)
        return error_set(err, NULL, 0, 0, "no run %s in the journal", run);
    size_t i = (size_t)(r - j->runs);
    if (!journal_append_cancel(j, run, err))
        return false;
    r = &j->runs[i];
    if (r->state == RUN_CANCELLED)
        return true; /* never submitted: nothing to tell an engine */
    const journal_submission *sub = run_submission(j, r);
    if (!sub || !sub->submitted)
        return true; /* the outcome of its submission is reconciled first; poll then cancels */
    return ops_named(sub->engine)->cancel(ls, sub, i, err);
}

bool launch_resubmit(launch_session *ls, const char *run, char *msg, size_t n, cs_error *err)
{
    if (!journal_run_find(ls->j, run))
        return error_set(err, NULL, 0, 0, "no run %s in the journal", run);
    if (!journal_append_resubmit(ls->j, run, err))
        return false;
    return launch_async_submit(ls, 0, run, msg, n, err) >= 0;
}
