/* launch_submit: submissions: the plan of each (manifest and batch script), its intent
 * journaled before the engine is called, then its outcome; and the dry run. */
#define _GNU_SOURCE
#include "comboscope/launch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "comboscope/fileio.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "launch_impl.h"

/* ---- submissions -------------------------------------------------------------------------------- */

/* A job name that finds this study's submission again: a hash of the study's directory. */
static void job_name(const study *s, const char *sub, char *out, size_t n)
{
    char *dir = launch_study_dir(s);
    unsigned long h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)dir; *p; p++)
        h = ((h ^ *p) * 16777619u) & 0xffffffffu;
    free(dir);
    snprintf(out, n, "cs-%08lx-%s", h, sub);
}

/* The text of the batch script (see launch.h for what it writes). */
static char *script_text(const study *s, const char *manifest, const char *sub)
{
    char *q = launch_shell_quote(manifest);
    char safe[128];
    char *out = NULL;
    size_t len = 0;
    launch_textf(&out, &len,
                 "#!/bin/sh\n"
                 "# comboscope: submission %s of study %s. Runs line $SLURM_ARRAY_TASK_ID (from 0) of\n"
                 "# the manifest: RUN <tab> ATTEMPT-DIR <tab> COMMAND. Writes ATTEMPT-DIR/start before the\n"
                 "# command, its output to ATTEMPT-DIR/log, and its exit status to ATTEMPT-DIR/status.\n"
                 "manifest=%s\n"
                 "i=${COMBOSCOPE_TASK:-${SLURM_ARRAY_TASK_ID:?SLURM_ARRAY_TASK_ID is not set}}\n"
                 "line=$(sed -n \"$((i + 1))p\" \"$manifest\")\n"
                 "[ -n \"$line\" ] || { echo \"comboscope: no line $i in $manifest\" >&2; exit 2; }\n"
                 "tab=$(printf '\\t')\n"
                 "run=${line%%%%\"$tab\"*}; rest=${line#*\"$tab\"}\n"
                 "dir=${rest%%%%\"$tab\"*}; cmd=${rest#*\"$tab\"}\n"
                 "mkdir -p \"$dir\" || exit 2\n"
                 "if [ -e \"$dir/cancel\" ]; then\n"
                 "    echo cancelled >\"$dir/status.tmp\" && mv -f \"$dir/status.tmp\" \"$dir/status\"\n"
                 "    exit 0\n"
                 "fi\n"
                 "echo \"$(date +%%s) ${SLURM_ARRAY_JOB_ID:-${COMBOSCOPE_JOB:-none}} $$ $(hostname)\" >\"$dir/start.tmp\" &&\n"
                 "    mv -f \"$dir/start.tmp\" \"$dir/start\"\n"
                 "export COMBOSCOPE_RUN=\"$run\"\n"
                 "/bin/sh -c \"$cmd\" >\"$dir/log\" 2>&1 </dev/null\n"
                 "rc=$?\n"
                 "echo \"$rc\" >\"$dir/status.tmp\" && mv -f \"$dir/status.tmp\" \"$dir/status\"\n"
                 "exit \"$rc\"\n",
                 sub, text_sanitize(s->name ? s->name : "?", safe, sizeof safe), q);
    free(q);
    return out;
}

static void plan_done(launch_plan *p)
{
    free(p->runs);
    free(p->study_dir);
    free(p->dir);
    free(p->script);
    free(p->manifest);
    free(p->manifest_text);
    free(p->script_text);
    memset(p, 0, sizeof *p);
}

bool launch_plan_build(const journal *j, launch_plan *p, cs_error *err)
{
    const study *s = j->study;
    const launch_config *c = s->launch;
    job_name(s, p->id, p->name, sizeof p->name);
    p->study_dir = launch_study_dir(s);
    if (strchr(p->study_dir, '\t') || strchr(p->study_dir, '\n'))
        return error_set(err, p->study_dir, 0, 0, "a study directory with a tab or newline in its name cannot be launched from");
    size_t n = strlen(p->study_dir) + 64;
    p->dir = xmalloc(n);
    snprintf(p->dir, n, "%s/runs/%s", p->study_dir, p->id);
    p->script = launch_file_in(p->dir, "job.sh");
    p->manifest = launch_file_in(p->dir, "manifest.tsv");
    size_t len = 0;
    launch_textf(&p->manifest_text, &len, "%s", "");
    size_t cap = (size_t)s->n_datasets * 258 + 1;
    char *combo = xmalloc(cap);
    const char **names = xcalloc((size_t)s->n_datasets + 1, sizeof *names);
    for (size_t i = 0; i < p->n; i++) {
        const journal_run *r = &j->runs[p->runs[i]];
        if (r->id[0] == '.') {
            free(names);
            free(combo);
            return error_set(err, j->path, 0, 0, "run id \"%s\" cannot name a directory under runs/", r->id);
        }
        char *dir = launch_attempt_dir(s, r->id, r->attempts + 1);
        char *result = launch_file_in(dir, "result.csv");
        size_t on = strlen(p->study_dir) + strlen(r->id) + 32;
        char *outdir = xmalloc(on);
        snprintf(outdir, on, "%s/runs/%s/out", p->study_dir, r->id);
        char round[24];
        snprintf(round, sizeof round, "%d", r->round);
        int nd = 0;
        for (int d = 0; d < s->n_datasets; d++)
            if (combo_has(r->combo, d))
                names[nd++] = s->datasets[d].name;
        launch_vars v = {.run = r->id,
                         .combination = study_combo_format(s, r->combo, combo, cap),
                         .target = r->target >= 0 ? s->datasets[r->target].name : "",
                         .round = round,
                         .outdir = outdir,
                         .result = result,
                         .datasets = names,
                         .n_datasets = nd};
        char *cmd = launch_expand(c->command, &v);
        launch_textf(&p->manifest_text, &len, "%s\t%s\t%s\n", r->id, dir, cmd);
        free(cmd);
        free(outdir);
        free(result);
        free(dir);
    }
    free(names);
    free(combo);
    p->script_text = script_text(s, p->manifest, p->id);
    return true;
}

launch_batch launch_plan_batch(const launch_plan *p)
{
    launch_batch b = {.id = p->id, .name = p->name, .study_dir = p->study_dir, .dir = p->dir,
                      .script = p->script, .n = (int)p->n};
    return b;
}

bool launch_plan_write(const journal *j, const launch_plan *p, const launch_engine_ops *ops, cs_error *err)
{
    const study *s = j->study;
    size_t n = strlen(p->study_dir) + 64;
    char *runs = xmalloc(n);
    snprintf(runs, n, "%s/runs", p->study_dir);
    bool ok = launch_mkdir(runs, err) && launch_mkdir(p->dir, err);
    for (size_t i = 0; ok && i < p->n; i++) {
        const journal_run *r = &j->runs[p->runs[i]];
        size_t m = strlen(runs) + strlen(r->id) + 16;
        char *rd = xmalloc(m), *od = xmalloc(m);
        snprintf(rd, m, "%s/%s", runs, r->id);
        snprintf(od, m, "%s/%s/out", runs, r->id);
        char *ad = launch_attempt_dir(s, r->id, r->attempts + 1);
        ok = launch_mkdir(rd, err) && launch_mkdir(od, err) && launch_mkdir(ad, err);
        free(rd);
        free(od);
        free(ad);
    }
    free(runs);
    ok = ok && file_write_atomic(p->manifest, p->manifest_text, strlen(p->manifest_text), err);
    ok = ok && file_write_atomic(p->script, p->script_text, strlen(p->script_text), err);
    if (ok && chmod(p->script, 0755) != 0)
        ok = error_set(err, p->script, 0, 0, "cannot make it executable: %s", strerror(errno));
    launch_batch b = launch_plan_batch(p);
    return ok && (!ops->prepare || ops->prepare(s->launch, &b, err));
}

launch_plan *launch_plans_make(const journal *j, int round, const char *only, int max, size_t *n_plans)
{
    launch_plan *plans = NULL;
    *n_plans = 0;
    size_t next_id = j->n_submissions + 1;
    size_t nr;
    const journal_round *rounds = journal_rounds(j, &nr);
    for (size_t k = 0; k < nr; k++) {
        const journal_round *rd = &rounds[k];
        if (!rd->committed || (round > 0 && rd->number != round))
            continue;
        launch_plan *cur = NULL;
        for (size_t q = 0; q < rd->n_runs; q++) {
            size_t ri = rd->runs[q];
            const journal_run *r = &j->runs[ri];
            if (r->has_result || r->state != RUN_QUEUED || (only && strcmp(only, r->id) != 0))
                continue;
            if (!cur || (max > 0 && cur->n >= (size_t)max)) {
                plans = xrealloc(plans, (*n_plans + 1) * sizeof *plans);
                cur = &plans[(*n_plans)++];
                memset(cur, 0, sizeof *cur);
                cur->round = rd->number;
                for (;; next_id++) {
                    snprintf(cur->id, sizeof cur->id, "s%04zu", next_id);
                    if (!journal_submission_find(j, cur->id))
                        break;
                }
                next_id++;
                cur->runs = xmalloc(rd->n_runs * sizeof *cur->runs);
            }
            cur->runs[cur->n++] = ri;
        }
    }
    return plans;
}

void launch_plans_free(launch_plan *plans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        plan_done(&plans[i]);
    free(plans);
}

void launch_say_submitted(char *msg, size_t n, const char *engine, int round, const char *jobs, size_t runs, bool many)
{
    if (!msg || !n)
        return;
    size_t used = strlen(msg);
    snprintf(msg + used, n - used, "%ssubmitted round %d: %s job%s %s, %zu run%s", used ? "; " : "", round,
             strcmp(engine, "slurm") == 0 ? "Slurm" : "local", many ? "s" : "", jobs, runs, runs == 1 ? "" : "s");
}

int launch_submit_plans(launch_session *ls, int round, const char *only, char *msg, size_t n, cs_error *err)
{
    journal *j = ls->j;
    if (ls->async)
        return error_set(err, NULL, 0, 0, "a submission is still going out: wait for it"), -1;
    if (msg && n)
        msg[0] = '\0';
    int max = ls->ops->max_batch ? ls->ops->max_batch(ls) : 0;
    size_t np;
    launch_plan *plans = launch_plans_make(j, round, only, max, &np);
    int submitted = 0;
    bool ok = true;
    char jobs[256] = "";
    int jobs_round = 0;
    size_t jobs_runs = 0;
    int jobs_count = 0;
    for (size_t k = 0; k < np && ok; k++) {
        launch_plan *p = &plans[k];
        ok = launch_plan_build(j, p, err) && launch_plan_write(j, p, ls->ops, err);
        if (!ok)
            break;
        char(*ids)[JOURNAL_RUN_MAX] = xmalloc(p->n * sizeof *ids);
        for (size_t i = 0; i < p->n; i++)
            snprintf(ids[i], JOURNAL_RUN_MAX, "%s", j->runs[p->runs[i]].id);
        /* the intent first: a crash from here on is reconciled by the job's name */
        ok = journal_append_submitting(j, p->round, p->id, ls->ops->name, p->name, (const char(*)[JOURNAL_RUN_MAX])ids,
                                       p->n, err);
        free(ids);
        if (!ok)
            break;
        char job[JOURNAL_JOB_MAX] = "";
        launch_batch b = launch_plan_batch(p);
        cs_error why;
        int r = ls->ops->submit(ls, &b, job, &why);
        if (r == 0) {
            /* certainly not submitted: say so, and the runs may be submitted again */
            cs_error e2;
            if (!journal_append_submitted(j, p->id, "", why.msg, &e2))
                *err = e2;
            else
                *err = why;
            ok = false;
            break;
        }
        if (r < 0) {
            /* unknown (a timeout): the intent stays open and is reconciled by name */
            *err = why;
            ok = false;
            break;
        }
        ok = journal_append_submitted(j, p->id, job, NULL, err);
        if (!ok)
            break;
        submitted += (int)p->n;
        if (jobs_round && jobs_round != p->round) {
            launch_say_submitted(msg, n, ls->ops->name, jobs_round, jobs, jobs_runs, jobs_count > 1);
            jobs[0] = '\0';
            jobs_runs = 0;
            jobs_count = 0;
        }
        jobs_round = p->round;
        size_t used = strlen(jobs);
        snprintf(jobs + used, sizeof jobs - used, "%s%s", used ? ", " : "", job);
        jobs_runs += p->n;
        jobs_count++;
    }
    if (jobs_round)
        launch_say_submitted(msg, n, ls->ops->name, jobs_round, jobs, jobs_runs, jobs_count > 1);
    launch_plans_free(plans, np);
    return ok ? submitted : -1;
}

int launch_submit(launch_session *ls, int round, char *msg, size_t n, cs_error *err)
{
    return launch_submit_plans(ls, round, NULL, msg, n, err);
}

char *launch_dry_run(const journal *j, cs_error *err)
{
    const study *s = j->study;
    if (!s->launch)
        return error_set(err, s->path, 0, 0, "the study has no \"launch\" object"), NULL;
    const launch_engine_ops *ops = launch_ops_of(s->launch->engine);
    size_t np;
    launch_plan *plans = launch_plans_make(j, 0, NULL, 0, &np);
    char *out = NULL;
    size_t len = 0;
    launch_textf(&out, &len, "%s", "");
    if (np == 0)
        launch_textf(&out, &len, "# nothing to submit: no committed run waits for an engine\n");
    for (size_t k = 0; k < np; k++) {
        launch_plan *p = &plans[k];
        if (!launch_plan_build(j, p, err)) {
            free(out);
            launch_plans_free(plans, np);
            return NULL;
        }
        launch_batch b = launch_plan_batch(p);
        char *cmd = ops->command_text(s->launch, &b);
        launch_textf(&out, &len, "# round %d, submission %s: %zu run%s (%s engine)\n%s\n", p->round, p->id, p->n,
                     p->n == 1 ? "" : "s", ops->name, cmd);
        launch_textf(&out, &len, "# %s\n%s# %s\n%s", p->script, p->script_text, p->manifest, p->manifest_text);
        free(cmd);
    }
    launch_plans_free(plans, np);
    return out;
}
