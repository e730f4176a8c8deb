/* launch_async: submissions that go out without blocking (launch_submit_async): one engine
 * call at a time, read by the polls, its outcome journaled and said in the news. */
#define _GNU_SOURCE
#include "comboscope/launch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comboscope/text.h"
#include "launch_impl.h"

/* ---- submissions that go out without blocking ------------------------------------------------ */

struct launch_async {
    launch_plan *plans;
    size_t n, next;
    bool in_flight;
    char jobs[256];   /* job ids of the round being summed up */
    int jobs_round;
    size_t jobs_runs;
    int jobs_count;
};

/* Adds fmt (with round and a) to the news; an engine call that failed (failed) is also kept for
 * launch_wait_calls. */
static void news_add(launch_session *ls, const char *fmt, const char *a, int round, bool failed)
{
    size_t used = strlen(ls->news);
    char text[600];
    snprintf(text, sizeof text, fmt, round, a);
    snprintf(ls->news + used, sizeof ls->news - used, "%s%s", used ? "; " : "", text);
    if (failed && !ls->call_error[0])
        snprintf(ls->call_error, sizeof ls->call_error, "%.500s", text);
}

static void async_flush_jobs(launch_session *ls)
{
    struct launch_async *as = ls->async;
    if (as->jobs_round)
        launch_say_submitted(ls->news, sizeof ls->news, ls->ops->name, as->jobs_round, as->jobs, as->jobs_runs,
                      as->jobs_count > 1);
    as->jobs[0] = '\0';
    as->jobs_round = 0;
    as->jobs_runs = 0;
    as->jobs_count = 0;
}

static void async_done(launch_session *ls)
{
    struct launch_async *as = ls->async;
    if (!as)
        return;
    async_flush_jobs(ls);
    launch_plans_free(as->plans, as->n);
    free(as);
    ls->async = NULL;
    ls->has_news = ls->news[0] != '\0';
}

/* Journals the intent of the next plan and starts its engine call; on to the next when it
 * cannot even start. -1 on a journal failure. */
static int async_start_next(launch_session *ls, cs_error *err)
{
    struct launch_async *as = ls->async;
    journal *j = ls->j;
    while (as->next < as->n) {
        launch_plan *p = &as->plans[as->next];
        char(*ids)[JOURNAL_RUN_MAX] = xmalloc(p->n * sizeof *ids);
        for (size_t i = 0; i < p->n; i++)
            snprintf(ids[i], JOURNAL_RUN_MAX, "%s", j->runs[p->runs[i]].id);
        bool ok = journal_append_submitting(j, p->round, p->id, ls->ops->name, p->name,
                                            (const char(*)[JOURNAL_RUN_MAX])ids, p->n, err);
        free(ids);
        if (!ok)
            return -1;
        launch_batch b = launch_plan_batch(p);
        cs_error why;
        if (ls->ops->submit_begin(ls, &b, &why)) {
            as->in_flight = true;
            return 0;
        }
        if (!journal_append_submitted(j, p->id, "", why.msg, err))
            return -1;
        news_add(ls, "round %d not submitted: %s", why.msg, p->round, true);
        as->next++;
    }
    async_done(ls);
    return 0;
}

int launch_async_step(launch_session *ls, cs_error *err)
{
    struct launch_async *as = ls->async;
    if (!as || !as->in_flight)
        return 0;
    char job[JOURNAL_JOB_MAX] = "";
    cs_error why;
    int r = ls->ops->submit_step(ls, job, &why);
    if (r == 0)
        return 0;
    launch_plan *p = &as->plans[as->next];
    as->in_flight = false;
    int events = 0;
    if (r == 1) {
        if (!journal_append_submitted(ls->j, p->id, job, NULL, err))
            return -1;
        events++;
        if (as->jobs_round && as->jobs_round != p->round)
            async_flush_jobs(ls);
        as->jobs_round = p->round;
        size_t used = strlen(as->jobs);
        snprintf(as->jobs + used, sizeof as->jobs - used, "%s%s", used ? ", " : "", job);
        as->jobs_runs += p->n;
        as->jobs_count++;
    } else if (r == 2) {
        if (!journal_append_submitted(ls->j, p->id, "", why.msg, err))
            return -1;
        events++;
        news_add(ls, "round %d not submitted: %s", why.msg, p->round, true);
    } else {
        news_add(ls, "round %d: %s (looked up by its name later)", why.msg, p->round, true);
    }
    as->next++;
    return async_start_next(ls, err) < 0 ? -1 : events;
}

int launch_submit_async(launch_session *ls, int round, char *msg, size_t n, cs_error *err)
{
    return launch_async_submit(ls, round, NULL, msg, n, err);
}

int launch_async_submit(launch_session *ls, int round, const char *only, char *msg, size_t n, cs_error *err)
{
    if (!ls->ops->submit_begin)
        return launch_submit_plans(ls, round, only, msg, n, err);
    if (ls->async)
        return error_set(err, NULL, 0, 0, "a submission is still going out: wait for it"), -1;
    if (msg && n)
        msg[0] = '\0';
    journal *j = ls->j;
    int max = ls->ops->max_batch ? ls->ops->max_batch(ls) : 0;
    size_t np;
    launch_plan *plans = launch_plans_make(j, round, only, max, &np);
    size_t runs = 0;
    for (size_t k = 0; k < np; k++) {
        if (!launch_plan_build(j, &plans[k], err) || !launch_plan_write(j, &plans[k], ls->ops, err)) {
            launch_plans_free(plans, np);
            return -1;
        }
        runs += plans[k].n;
    }
    if (np == 0) {
        free(plans);
        return 0;
    }
    ls->async = xcalloc(1, sizeof *ls->async);
    ls->async->plans = plans;
    ls->async->n = np;
    ls->news[0] = '\0';
    ls->has_news = false;
    if (msg && n)
        snprintf(msg, n, "submitting round %d to %s: %zu run%s", plans[0].round,
                 strcmp(ls->ops->name, "slurm") == 0 ? "Slurm" : ls->ops->name, runs, runs == 1 ? "" : "s");
    if (async_start_next(ls, err) < 0)
        return -1;
    return (int)runs;
}

bool launch_busy(const launch_session *ls)
{
    if (!ls)
        return false;
    if (ls->async || ls->finding >= 0)
        return true;
    for (size_t k = 0; k < ls->j->n_submissions; k++)
        if (!ls->j->submissions[k].submitted)
            return true; /* an intent to reconcile */
    return false;
}

bool launch_news(launch_session *ls, char *msg, size_t n)
{
    if (!ls || !ls->has_news)
        return false;
    snprintf(msg, n, "%s", ls->news);
    ls->has_news = false;
    ls->news[0] = '\0';
    return true;
}

const char *launch_async_in_flight(const launch_session *ls)
{
    return ls->async && ls->async->in_flight ? ls->async->plans[ls->async->next].id : NULL;
}

void launch_async_drop(launch_session *ls)
{
    if (ls->async) {
        launch_plans_free(ls->async->plans, ls->async->n);
        free(ls->async);
        ls->async = NULL;
    }
}
