/* launch_slurm: the Slurm engine. One `sbatch --parsable --array=0-(N-1)%P` per submission
 * (split above MaxArraySize), followed with squeue's pipe-separated text, then sacct where
 * accounting is enabled (found out on the first try), then the status files (launch.c).
 * Every command runs with a timeout; the query runs as a child read without blocking. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comboscope/text.h"
#include "launch_engine.h"

#define SLURM_MAX_ARGS 64
#define SLURM_MAX_CANCELS 16

typedef struct slurm_state {
    int phase;          /* 0 idle, 1 squeue running, 2 sacct running */
    launch_child child;
    int accounting;     /* -1 not known yet, 0 disabled, 1 enabled */
    int max_array;      /* 0: not asked yet */
    launch_child config; /* scontrol show config, asked for at open without waiting */
    launch_child submit; /* sbatch of launch_submit_async */
    launch_child find;   /* squeue --name of a reconcile in launch_poll */
    char jobs[1024];    /* the job ids asked about, comma-separated */
    struct {            /* scancel calls going out (read by slurm_calls) */
        launch_child child;
        char target[JOURNAL_JOB_MAX + 16];
    } cancels[SLURM_MAX_CANCELS];
} slurm_state;

static slurm_state *state_of(launch_session *ls)
{
    if (!ls->engine) {
        slurm_state *st = xcalloc(1, sizeof *st);
        st->accounting = -1;
        st->child.fd = -1;
        st->config.fd = -1;
        st->submit.fd = -1;
        st->find.fd = -1;
        for (int k = 0; k < SLURM_MAX_CANCELS; k++)
            st->cancels[k].child.fd = -1;
        ls->engine = st;
    }
    return ls->engine;
}

/* sbatch's arguments for b (strings owned by *store, freed by the caller). */
static int sbatch_argv(const launch_config *c, const launch_batch *b, char **argv, char ***store)
{
    int n = 0, ns = 0;
    *store = xcalloc(SLURM_MAX_ARGS, sizeof **store);
#define ARG(...)                                                      \
    do {                                                              \
        char *a_ = NULL;                                              \
        size_t l_ = 0;                                                \
        launch_textf(&a_, &l_, __VA_ARGS__);                          \
        (*store)[ns++] = a_;                                          \
        argv[n++] = a_;                                               \
    } while (0)
    argv[n++] = "sbatch";
    argv[n++] = "--parsable";
    if (c->max_parallel > 0)
        ARG("--array=0-%d%%%d", b->n - 1, c->max_parallel);
    else
        ARG("--array=0-%d", b->n - 1);
    ARG("--job-name=%s", b->name);
    ARG("--chdir=%s", b->study_dir);
    ARG("--output=%s/slurm-%%A_%%a.out", b->dir);
    if (c->partition)
        ARG("--partition=%s", c->partition);
    if (c->time)
        ARG("--time=%s", c->time);
    if (c->gpus > 0)
        ARG("--gres=gpu:%d", c->gpus);
    if (c->cpus > 0)
        ARG("--cpus-per-task=%d", c->cpus);
    if (c->mem)
        ARG("--mem=%s", c->mem);
    if (c->account)
        ARG("--account=%s", c->account);
    for (int i = 0; i < c->n_extra && n < SLURM_MAX_ARGS - 3; i++)
        argv[n++] = c->extra[i];
    argv[n++] = (char *)b->script;
    argv[n] = NULL;
#undef ARG
    return ns;
}

static void store_free(char **store)
{
    for (int i = 0; i < SLURM_MAX_ARGS && store[i]; i++)
        free(store[i]);
    free(store);
}

static char *slurm_command_text(const launch_config *c, const launch_batch *b)
{
    char *argv[SLURM_MAX_ARGS + 1];
    char **store;
    sbatch_argv(c, b, argv, &store);
    char *out = NULL;
    size_t len = 0;
    for (int i = 0; argv[i]; i++) {
        char *q = launch_shell_quote(argv[i]);
        launch_textf(&out, &len, "%s%s", i ? " " : "", q);
        free(q);
    }
    store_free(store);
    return out;
}

/* The first line of an engine's output, for an error message. */
static const char *first_line(const char *out, char *buf, size_t n)
{
    size_t k = strcspn(out ? out : "", "\n");
    char raw[256];
    snprintf(raw, sizeof raw, "%.*s", (int)(k < 255 ? k : 255), out ? out : "");
    return text_sanitize(raw, buf, n);
}

/* sbatch's answer (--parsable: "JOBID" or "JOBID;CLUSTER"): 1 job, 2 refused, 3 unknown. */
static int sbatch_outcome(const launch_child *c, char job[JOURNAL_JOB_MAX], cs_error *err)
{
    char line[256];
    if (c->timed_out || c->status < 0) {
        error_set(err, NULL, 0, 0, "sbatch %s", c->timed_out ? "did not answer in time" : "was killed");
        return 3;
    }
    if (c->status != 0) {
        error_set(err, NULL, 0, 0, "sbatch failed (exit %d): %s", c->status, first_line(c->out, line, sizeof line));
        return 2;
    }
    size_t k = strspn(c->out, "0123456789");
    if (k == 0 || k >= JOURNAL_JOB_MAX) {
        error_set(err, NULL, 0, 0, "sbatch answered \"%s\", not a job id", first_line(c->out, line, sizeof line));
        return 3;
    }
    snprintf(job, JOURNAL_JOB_MAX, "%.*s", (int)k, c->out);
    return 1;
}

static bool slurm_submit_begin(launch_session *ls, const launch_batch *b, cs_error *err)
{
    slurm_state *st = state_of(ls);
    char *argv[SLURM_MAX_ARGS + 1];
    char **store;
    sbatch_argv(launch_config_of(ls), b, argv, &store);
    bool ok = launch_child_start(&st->submit, argv, launch_timeout(), err);
    store_free(store);
    return ok;
}

static int slurm_submit_step(launch_session *ls, char job[JOURNAL_JOB_MAX], cs_error *err)
{
    slurm_state *st = state_of(ls);
    if (!launch_child_step(&st->submit))
        return 0;
    int r = sbatch_outcome(&st->submit, job, err);
    launch_child_done(&st->submit);
    return r;
}

static int slurm_submit(launch_session *ls, const launch_batch *b, char job[JOURNAL_JOB_MAX], cs_error *err)
{
    if (!slurm_submit_begin(ls, b, err))
        return 0;
    int r;
    while ((r = slurm_submit_step(ls, job, err)) == 0)
        usleep(5000);
    return r == 1 ? 1 : r == 2 ? 0 : -1;
}

static void slurm_prefetch(launch_session *ls)
{
    slurm_state *st = state_of(ls);
    char *argv[] = {"scontrol", "show", "config", NULL};
    cs_error ignore;
    if (st->max_array == 0 && st->config.pid <= 0 && !launch_child_start(&st->config, argv, launch_timeout(), &ignore))
        st->max_array = 1001;
}

static bool slurm_find_begin(launch_session *ls, const char *name, cs_error *err)
{
    slurm_state *st = state_of(ls);
    char arg[128];
    snprintf(arg, sizeof arg, "--name=%s", name);
    char *argv[] = {"squeue", "-h", "-t", "all", arg, "-o", "%F", NULL};
    return launch_child_start(&st->find, argv, launch_timeout(), err);
}

static int slurm_find_step(launch_session *ls, const journal_submission *sub, char job[JOURNAL_JOB_MAX], cs_error *err)
{
    slurm_state *st = state_of(ls);
    if (!launch_child_step(&st->find))
        return 0;
    int status = st->find.status;
    const char *out = st->find.out ? st->find.out : "";
    if (status != 0) {
        char line[256];
        error_set(err, NULL, 0, 0, "squeue --name: %s", st->find.timed_out ? "no answer in time" : first_line(out, line, sizeof line));
        launch_child_done(&st->find);
        return -1;
    }
    size_t k = strspn(out, " ");
    size_t d = strspn(out + k, "0123456789");
    if (d > 0 && d < JOURNAL_JOB_MAX) {
        snprintf(job, JOURNAL_JOB_MAX, "%.*s", (int)d, out + k);
        launch_child_done(&st->find);
        return 1;
    }
    launch_child_done(&st->find);
    /* gone from squeue already: a start mark names the job */
    const journal *j = ls->j;
    for (size_t i = 0; i < sub->n_runs; i++) {
        const journal_run *r = &j->runs[sub->runs[i]];
        char *dir = launch_attempt_dir(j->study, r->id, r->attempts);
        size_t n = strlen(dir) + 8;
        char *sp = xmalloc(n);
        snprintf(sp, n, "%s/start", dir);
        char *text = launch_read_small(sp);
        long long epoch;
        char jb[JOURNAL_JOB_MAX];
        bool ok = text && launch_parse_start(text, &epoch, jb, sizeof jb, NULL) && jb[0] >= '0' && jb[0] <= '9';
        free(text);
        free(sp);
        free(dir);
        if (ok) {
            snprintf(job, JOURNAL_JOB_MAX, "%s", jb);
            return 1;
        }
    }
    return 2;
}

static int slurm_find(launch_session *ls, const journal_submission *sub, const char *name, char job[JOURNAL_JOB_MAX],
                      cs_error *err)
{
    if (!slurm_find_begin(ls, name, err))
        return -1;
    int r;
    while ((r = slurm_find_step(ls, sub, job, err)) == 0)
        usleep(5000);
    return r == 2 ? 0 : r;
}

static run_state map_state(const char *s, char *reason, size_t n)
{
    static const char *const pending[] = {"PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD",
                                          "SUSPENDED", "RESIZING"};
    static const char *const running[] = {"RUNNING", "COMPLETING", "CONFIGURING", "SIGNALING", "STAGE_OUT"};
    for (size_t i = 0; i < sizeof pending / sizeof *pending; i++)
        if (strcmp(s, pending[i]) == 0)
            return RUN_PENDING;
    for (size_t i = 0; i < sizeof running / sizeof *running; i++)
        if (strcmp(s, running[i]) == 0)
            return RUN_RUNNING;
    if (strcmp(s, "COMPLETED") == 0)
        return RUN_DONE;
    if (strcmp(s, "CANCELLED") == 0)
        return RUN_CANCELLED;
    snprintf(reason, n, "Slurm: %s", s); /* FAILED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, ... */
    return RUN_FAILED;
}

/* Marks the in-flight runs the tasks account for. */
static void apply_tasks(launch_session *ls, const launch_task *t, int nt)
{
    journal *j = ls->j;
    for (size_t i = 0; i < j->n_runs && i < ls->n_seen; i++) {
        const journal_run *r = &j->runs[i];
        if (ls->seen[i].seen || r->submission < 0)
            continue;
        const journal_submission *sub = &j->submissions[r->submission];
        for (int k = 0; k < nt; k++) {
            if (strcmp(t[k].job, sub->job) != 0)
                continue;
            if (t[k].first >= 0 && (r->array_index < t[k].first || r->array_index > t[k].last))
                continue;
            launch_seen *sn = &ls->seen[i];
            sn->seen = true;
            sn->reason[0] = '\0';
            sn->state = map_state(t[k].state, sn->reason, sizeof sn->reason);
            if (sn->state == RUN_PENDING)
                snprintf(sn->reason, sizeof sn->reason, "%s", t[k].reason);
            sn->has_exit = t[k].has_exit && sn->state == RUN_FAILED;
            sn->exit_status = t[k].exit_status;
            break;
        }
    }
}

static bool any_unseen(const launch_session *ls)
{
    for (size_t i = 0; i < ls->j->n_runs && i < ls->n_seen; i++) {
        const journal_run *r = &ls->j->runs[i];
        if (!r->has_result && (r->state == RUN_PENDING || r->state == RUN_RUNNING) && !ls->seen[i].seen &&
            strcmp(ls->j->submissions[r->submission].engine, "slurm") == 0)
            return true;
    }
    return false;
}

static int slurm_query(launch_session *ls, cs_error *err)
{
    slurm_state *st = state_of(ls);
    journal *j = ls->j;
    if (st->phase == 0) {
        st->jobs[0] = '\0';
        for (size_t i = 0; i < j->n_runs && i < ls->n_seen; i++) {
            memset(&ls->seen[i], 0, sizeof ls->seen[i]);
            const journal_run *r = &j->runs[i];
            if (r->has_result || (r->state != RUN_PENDING && r->state != RUN_RUNNING) || r->submission < 0)
                continue;
            const journal_submission *sub = &j->submissions[r->submission];
            if (strcmp(sub->engine, "slurm") != 0 || !sub->job[0])
                continue;
            char probe[JOURNAL_JOB_MAX + 2];
            snprintf(probe, sizeof probe, ",%s,", sub->job);
            char have[sizeof st->jobs + 2];
            snprintf(have, sizeof have, ",%s,", st->jobs);
            size_t used = strlen(st->jobs);
            if (!strstr(have, probe) && used + strlen(sub->job) + 2 < sizeof st->jobs)
                snprintf(st->jobs + used, sizeof st->jobs - used, "%s%s", used ? "," : "", sub->job);
        }
        if (!st->jobs[0])
            return 1;
        char *argv[] = {"squeue", "-h", "-t", "all", "-j", st->jobs, "-O",
                        "ArrayJobID:|,ArrayTaskID:|,State:|,exit_code:|,Reason:|", NULL};
        if (!launch_child_start(&st->child, argv, launch_timeout(), err))
            return -1;
        st->phase = 1;
    }
    if (!launch_child_step(&st->child))
        return 0;
    launch_child done = st->child;
    memset(&st->child, 0, sizeof st->child);
    st->child.fd = -1;
    int phase = st->phase;
    st->phase = 0;
    char line[256];
    if (phase == 1) {
        /* every job id purged from squeue's memory: "Invalid job id specified" */
        bool purged = done.status != 0 && done.out && strstr(done.out, "Invalid job id");
        if (done.status != 0 && !purged) {
            error_set(err, NULL, 0, 0, "squeue %s: %s", done.timed_out ? "timed out" : "failed",
                      first_line(done.out, line, sizeof line));
            launch_child_done(&done);
            return -1;
        }
        launch_task *t = NULL;
        int nt = purged ? 0 : launch_parse_squeue(done.out, &t, err);
        launch_child_done(&done);
        if (nt < 0)
            return -1;
        apply_tasks(ls, t, nt);
        free(t);
        if (st->accounting != 0 && any_unseen(ls)) {
            char *argv[] = {"sacct", "-X", "-n", "-P", "-j", st->jobs, "-o", "JobID,State,ExitCode", NULL};
            if (!launch_child_start(&st->child, argv, launch_timeout(), err))
                return -1;
            st->phase = 2;
            return 0;
        }
        return 1;
    }
    /* sacct */
    if (done.status != 0) {
        if (done.out && strstr(done.out, "accounting storage is disabled"))
            st->accounting = 0;
        launch_child_done(&done);
        return 1; /* the status files decide (launch.c) */
    }
    st->accounting = 1;
    launch_task *t = NULL;
    int nt = launch_parse_sacct(done.out, &t, err);
    launch_child_done(&done);
    if (nt < 0)
        return -1;
    apply_tasks(ls, t, nt);
    free(t);
    return 1;
}

static int slurm_calls(launch_session *ls, char *msg, size_t n)
{
    slurm_state *st = state_of(ls);
    int out = 0;
    for (int k = 0; k < SLURM_MAX_CANCELS; k++) {
        launch_child *c = &st->cancels[k].child;
        if (!st->cancels[k].target[0])
            continue;
        if (!launch_child_step(c)) {
            out++;
            continue;
        }
        if (c->status != 0 && msg && n) {
            char line[256];
            size_t used = strlen(msg);
            snprintf(msg + used, n - used, "%sscancel %s %s%s", used ? "; " : "", st->cancels[k].target,
                     c->timed_out ? "did not answer in time" : "failed: ",
                     c->timed_out ? "" : first_line(c->out, line, sizeof line));
        }
        launch_child_done(c);
        st->cancels[k].target[0] = '\0';
    }
    return out;
}

static bool slurm_cancel(launch_session *ls, const journal_submission *sub, size_t i, cs_error *err)
{
    slurm_state *st = state_of(ls);
    char target[JOURNAL_JOB_MAX + 16];
    snprintf(target, sizeof target, "%s_%d", sub->job, ls->j->runs[i].array_index);
    int slot = -1;
    for (int pass = 0; pass < 2 && slot < 0; pass++) {
        if (pass)
            slurm_calls(ls, NULL, 0); /* reap what has answered (its failure: sent again by a poll) */
        for (int k = 0; k < SLURM_MAX_CANCELS; k++) {
            if (strcmp(st->cancels[k].target, target) == 0)
                return true; /* already going out */
            if (!st->cancels[k].target[0] && slot < 0)
                slot = k;
        }
    }
    if (slot < 0)
        return error_set(err, NULL, 0, 0, "%d cancels are going out to Slurm already: try again in a moment",
                         SLURM_MAX_CANCELS);
    char *argv[] = {"scancel", target, NULL};
    if (!launch_child_start(&st->cancels[slot].child, argv, launch_timeout(), err))
        return false;
    snprintf(st->cancels[slot].target, sizeof st->cancels[slot].target, "%s", target);
    return true;
}

static int slurm_max_batch(launch_session *ls)
{
    slurm_state *st = state_of(ls);
    if (st->max_array == 0 && st->config.pid <= 0)
        slurm_prefetch(ls);
    if (st->max_array == 0) {
        /* usually answered long ago (asked at open); else wait, at most LAUNCH_TIMEOUT */
        while (!launch_child_step(&st->config))
            usleep(5000);
        st->max_array = launch_parse_max_array(st->config.status == 0 && st->config.out ? st->config.out : "", 1001);
        launch_child_done(&st->config);
    }
    return st->max_array; /* indices 0 .. MaxArraySize-1 */
}

static void slurm_release(launch_session *ls)
{
    slurm_state *st = ls->engine;
    if (!st)
        return;
    launch_child_done(&st->child);
    launch_child_done(&st->config);
    launch_child_done(&st->submit);
    launch_child_done(&st->find);
    for (int k = 0; k < SLURM_MAX_CANCELS; k++)
        launch_child_done(&st->cancels[k].child);
    free(st);
    ls->engine = NULL;
}

const launch_engine_ops launch_slurm_ops = {
    .name = "slurm",
    .command_text = slurm_command_text,
    .prepare = NULL,
    .submit = slurm_submit,
    .submit_begin = slurm_submit_begin,
    .submit_step = slurm_submit_step,
    .prefetch = slurm_prefetch,
    .find_begin = slurm_find_begin,
    .find_step = slurm_find_step,
    .find = slurm_find,
    .query = slurm_query,
    .cancel = slurm_cancel,
    .calls = slurm_calls,
    .max_batch = slurm_max_batch,
    .release = slurm_release,
};
