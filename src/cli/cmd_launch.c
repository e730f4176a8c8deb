/* comboscope launch | status | cancel | resubmit: the study's launch engine from the shell. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "comboscope/journal.h"
#include "comboscope/launch.h"
#include "comboscope/lock.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"

static const char launch_help[] =
    "usage: comboscope launch [--dry-run] STUDY\n\n"
    "Submit every committed run not yet handed to an engine through the study's \"launch\"\n"
    "object (slurm: one job array per round; local: a process pool on this machine), and say\n"
    "what was submitted. Takes the study's lock; a study open in the explorer is refused (the\n"
    "explorer submits on commit itself).\n\n"
    "  --dry-run        print the engine command, the batch script and the manifest of every\n"
    "                   submission instead of submitting (nothing is written)\n"
    "  -h, --help       show this help\n"
    "  -V, --version    show the version\n";

static const char status_help[] =
    "usage: comboscope status [--json] STUDY\n\n"
    "Print every run of the study's journal with its engine, job id, array index, state and exit\n"
    "status: queued, submitting, pending (reason), running (elapsed), done (score), failed (exit\n"
    "status, reason), cancelled, lost. When the study is not open elsewhere the engine is asked\n"
    "first and what changed is journaled; else the journal as the holder last wrote it is shown.\n\n"
    "  --json           one JSON object {\"study\", \"runs\": [...]} (see the man page)\n"
    "  -h, --help       show this help\n"
    "  -V, --version    show the version\n";

static const char cancel_help[] =
    "usage: comboscope cancel STUDY RUN...\n\n"
    "Cancel launched runs: the cancel is journaled, then the engine is told (scancel; local: the\n"
    "run's process group is stopped). A run not yet submitted is cancelled at once.\n\n"
    "  -h, --help       show this help\n"
    "  -V, --version    show the version\n";

static const char resubmit_help[] =
    "usage: comboscope resubmit STUDY RUN...\n\n"
    "Submit failed, cancelled or lost runs again (a new attempt each, in runs/RUN/N/).\n\n"
    "  -h, --help       show this help\n"
    "  -V, --version    show the version\n";

/* The study, its journal and (writable) its lock; need_lock: refuse when held elsewhere. */
typedef struct opened {
    study *s;
    journal *j;
    study_lock *lock;
} opened;

static void opened_free(opened *o)
{
    journal_free(o->j);
    lock_release(o->lock);
    study_free(o->s);
}

static bool open_study(const char *path, bool need_lock, bool need_launch, opened *o)
{
    memset(o, 0, sizeof *o);
    cs_error err;
    char safe[512];
    o->s = study_open(path, NULL, &err);
    if (!o->s) {
        cli_error(&err);
        return false;
    }
    if (need_launch && !o->s->launch) {
        fprintf(stderr, "%s: the study has no \"launch\" object (see man comboscope, LAUNCHING RUNS)\n",
                text_sanitize(o->s->path, safe, sizeof safe));
        return false;
    }
    lock_info holder;
    o->j = journal_open_study(o->s, false, &o->lock, &holder, &err);
    if (!o->j) {
        cli_error(&err);
        return false;
    }
    if (o->j->warning[0])
        fprintf(stderr, "%s\n", o->j->warning);
    if (need_lock && !o->lock && o->j->read_only_why[0]) {
        fprintf(stderr, "%s\n", o->j->read_only_why);
        return false;
    }
    if (need_lock && !o->lock) {
        char who[300] = "another process";
        if (holder.pid > 0)
            lock_describe(&holder, who, sizeof who);
        fprintf(stderr, "%s: the study is locked by %s\n", text_sanitize(o->s->path, safe, sizeof safe), who);
        return false;
    }
    return true;
}

int cmd_launch(int argc, char **argv)
{
    static const cli_option opts[] = {{"dry-run", 'n', NULL, 0}, {NULL, 0, NULL, 0}};
    bool dry = false;
    cli_args p;
    int rc0 = cli_parse_switch(&p, "launch", launch_help, opts, argc, argv, &dry, 1, 1, "STUDY");
    if (rc0 >= 0)
        return rc0;
    opened o;
    cs_error err;
    if (dry) {
        /* nothing is written: the journal is read without the lock */
        memset(&o, 0, sizeof o);
        o.s = study_open(p.operands[0], NULL, &err);
        if (!o.s) {
            cli_error(&err);
            return EXIT_INVALID;
        }
        char *jp = journal_path_of(o.s);
        o.j = jp ? journal_open(jp, o.s, false, &err) : NULL;
        free(jp);
        char *text = o.j ? launch_dry_run(o.j, &err) : NULL;
        if (!text) {
            if (o.s && !journal_path_of(o.s))
                error_set(&err, o.s->path, 0, 0, "the study names no journal");
            cli_error(&err);
            opened_free(&o);
            return EXIT_INVALID;
        }
        fputs(text, stdout);
        free(text);
        opened_free(&o);
        return EXIT_OK;
    }
    if (!open_study(p.operands[0], true, true, &o)) {
        opened_free(&o);
        return EXIT_INVALID;
    }
    int rc = EXIT_INVALID;
    launch_session *ls = launch_open(o.j, &err);
    char msg[1024];
    if (!ls || launch_reconcile(ls, &err) < 0) {
        cli_error(&err);
    } else if (launch_submit(ls, 0, msg, sizeof msg, &err) < 0) {
        if (msg[0])
            printf("%s\n", msg);
        cli_error(&err);
    } else {
        printf("%s\n", msg[0] ? msg : "nothing to submit: every committed run is submitted or done");
        rc = EXIT_OK;
    }
    launch_free(ls);
    opened_free(&o);
    return rc;
}

static void describe(const journal *j, const launch_run_info *r, char *out, size_t n)
{
    switch (r->state) {
    case RUN_PENDING:
        snprintf(out, n, "%s", r->reason);
        break;
    case RUN_RUNNING:
        if (r->elapsed >= 0)
            snprintf(out, n, "%.0f s", r->elapsed);
        else
            out[0] = '\0';
        break;
    case RUN_DONE:
        if (r->has_score && r->has_prediction)
            snprintf(out, n, "%.4f (predicted %.4f)", r->score, r->predicted);
        else if (r->has_score)
            snprintf(out, n, "%.4f", r->score);
        else
            out[0] = '\0';
        break;
    case RUN_FAILED:
    case RUN_LOST:
        snprintf(out, n, "%s", r->reason);
        break;
    default:
        out[0] = '\0';
    }
    (void)j;
}

static int print_status_json(const journal *j, const launch_run_info *ri, size_t n)
{
    const study *s = j->study;
    size_t cap = (size_t)s->n_datasets * 258 + 1;
    char *combo = xmalloc(cap);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "study", s->name ? s->name : "");
    cJSON *runs = cJSON_AddArrayToObject(o, "runs");
    for (size_t i = 0; i < n; i++) {
        const launch_run_info *r = &ri[i];
        const journal_run *jr = &j->runs[r->run];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "run", jr->id);
        cJSON_AddNumberToObject(x, "round", jr->round);
        cJSON_AddStringToObject(x, "combination", study_combo_format(s, jr->combo, combo, cap));
        if (jr->target >= 0)
            cJSON_AddStringToObject(x, "target", s->datasets[jr->target].name);
        else
            cJSON_AddNullToObject(x, "target");
        cJSON_AddStringToObject(x, "state", run_state_name(r->state));
        if (r->engine[0])
            cJSON_AddStringToObject(x, "engine", r->engine);
        else
            cJSON_AddNullToObject(x, "engine");
        if (r->job[0])
            cJSON_AddStringToObject(x, "job", r->job);
        else
            cJSON_AddNullToObject(x, "job");
        if (r->array_index >= 0)
            cJSON_AddNumberToObject(x, "index", r->array_index);
        else
            cJSON_AddNullToObject(x, "index");
        cJSON_AddNumberToObject(x, "attempt", r->attempt);
        if (r->has_exit)
            cJSON_AddNumberToObject(x, "exit", r->exit_status);
        else
            cJSON_AddNullToObject(x, "exit");
        if (r->reason[0])
            cJSON_AddStringToObject(x, "reason", r->reason);
        else
            cJSON_AddNullToObject(x, "reason");
        cli_json_num(x, "elapsed", r->elapsed >= 0 ? r->elapsed : NAN);
        cli_json_num(x, "score", r->has_score ? r->score : NAN);
        cli_json_num(x, "predicted", r->has_prediction ? r->predicted : NAN);
        if (r->log)
            cJSON_AddStringToObject(x, "log", r->log);
        else
            cJSON_AddNullToObject(x, "log");
        cJSON_AddItemToArray(runs, x);
    }
    free(combo);
    return cli_json_print(o);
}

int cmd_status(int argc, char **argv)
{
    static const cli_option opts[] = {{"json", 'j', NULL, 0}, {NULL, 0, NULL, 0}};
    bool json = false;
    cli_args p;
    int rc0 = cli_parse_switch(&p, "status", status_help, opts, argc, argv, &json, 1, 1, "STUDY");
    if (rc0 >= 0)
        return rc0;
    opened o;
    if (!open_study(p.operands[0], false, false, &o)) {
        opened_free(&o);
        return EXIT_INVALID;
    }
    cs_error err;
    if (o.lock && o.s->launch) {
        /* nobody else follows the runs: ask the engine now */
        launch_session *ls = launch_open(o.j, &err);
        if (!ls || launch_reconcile(ls, &err) < 0 || launch_poll_settle(ls, 2 * launch_timeout(), &err) < 0) {
            cli_error(&err);
            launch_free(ls);
            opened_free(&o);
            return EXIT_INVALID;
        }
        launch_free(ls);
    }
    size_t n;
    launch_run_info *ri = launch_runs(o.j, &n);
    int rc = EXIT_OK;
    if (json) {
        rc = print_status_json(o.j, ri, n);
    } else if (n == 0) {
        printf("no runs: nothing has been committed yet\n");
    } else {
        const study *s = o.s;
        size_t cap = (size_t)s->n_datasets * 258 + 1;
        char *combo = xmalloc(cap);
        printf("%-8s %5s  %-6s %-10s %-10s %4s  %-30s %s\n", "run", "round", "engine", "job", "state", "exit",
               "detail", "combination");
        for (size_t i = 0; i < n; i++) {
            const launch_run_info *r = &ri[i];
            const journal_run *jr = &o.j->runs[r->run];
            char job[JOURNAL_JOB_MAX + 16] = "-", exit_s[16] = "-", detail[300], safe[300], csafe[1024];
            if (r->job[0])
                snprintf(job, sizeof job, "%s_%d", r->job, r->array_index);
            if (r->has_exit)
                snprintf(exit_s, sizeof exit_s, "%d", r->exit_status);
            describe(o.j, r, detail, sizeof detail);
            printf("%-8s %5d  %-6s %-10s %-10s %4s  %-30s %s\n", jr->id, jr->round, r->engine[0] ? r->engine : "-",
                   job, run_state_name(r->state), exit_s, text_sanitize(detail, safe, sizeof safe),
                   text_sanitize(study_combo_format(s, jr->combo, combo, cap), csafe, sizeof csafe));
        }
        free(combo);
    }
    launch_runs_free(ri, n);
    opened_free(&o);
    return rc;
}

/* cancel and resubmit: an action on each run named. */
static int run_action(int argc, char **argv, const char *cmd, const char *help, bool resubmit)
{
    static const cli_option opts[] = {{NULL, 0, NULL, 0}};
    cli_args p;
    int rc0 = cli_parse_switch(&p, cmd, help, opts, argc, argv, NULL, 2, -1, "STUDY and a RUN");
    if (rc0 >= 0)
        return rc0;
    opened o;
    if (!open_study(p.operands[0], true, true, &o)) {
        opened_free(&o);
        return EXIT_INVALID;
    }
    cs_error err;
    int rc = EXIT_OK;
    launch_session *ls = launch_open(o.j, &err);
    if (!ls || launch_reconcile(ls, &err) < 0) {
        cli_error(&err);
        launch_free(ls);
        opened_free(&o);
        return EXIT_INVALID;
    }
    for (int i = 1; i < p.n_operands; i++) {
        char msg[1024] = "", safe[128];
        const char *run = p.operands[i];
        bool ok = resubmit ? launch_resubmit(ls, run, msg, sizeof msg, &err) : launch_cancel(ls, run, &err);
        /* their engine calls (sbatch, scancel) go out as children: wait for the answers */
        ok = ok && launch_wait_calls(ls, launch_timeout() + 1, &err);
        if (ok && resubmit)
            launch_news(ls, msg, sizeof msg); /* "submitted round 1: Slurm job 4242, 1 run" */
        if (!ok) {
            cli_error(&err);
            rc = EXIT_INVALID;
            continue;
        }
        if (resubmit)
            printf("%s: resubmitted: %s\n", text_sanitize(run, safe, sizeof safe), msg);
        else
            printf("%s: cancel journaled and sent to the engine\n", text_sanitize(run, safe, sizeof safe));
    }
    launch_free(ls);
    opened_free(&o);
    return rc;
}

int cmd_cancel(int argc, char **argv)
{
    return run_action(argc, argv, "cancel", cancel_help, false);
}

int cmd_resubmit(int argc, char **argv)
{
    return run_action(argc, argv, "resubmit", resubmit_help, true);
}
