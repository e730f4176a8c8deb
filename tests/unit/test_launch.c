#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "comboscope/journal.h"
#include "comboscope/launch.h"
#include "comboscope/queue.h"
#include "comboscope/results.h"
#include "comboscope/round.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "scratch.h"


static const char study_head[] =
    "{\"comboscope\":1,\"name\":\"t\",\"metric\":\"f1\",\"goal\":\"max\",\n"
    " \"datasets\":[{\"name\":\"A\",\"task\":\"X\"},{\"name\":\"B\",\"task\":\"X\"},{\"name\":\"C\",\"task\":\"Y\"}],\n"
    " \"tables\":[\"runs.csv\"],\"targets\":[\"A\"],\"journal\":\"journal.jsonl\",\"queue\":\"queue.csv\",\n";

static void put_study(const char *launch)
{
    char text[2048];
    snprintf(text, sizeof text, "%s \"launch\": %s\n}\n", study_head, launch);
    put("study.json", text);
}

static int setup(void **state)
{
    (void)state;
    scratch_make("launch");
    put("runs.csv", "run,combination,dataset,f1\nr0001,A,A,0.5\n,B,B,0.4\n,C,C,0.3\n");
    put_study("{\"engine\": \"local\", \"command\": \"train {run} {result}\"}");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    scratch_remove();
    return 0;
}

/* ---- the template ----------------------------------------------------------------------- */

static void test_template_check(void **state)
{
    (void)state;
    size_t off;
    char msg[300];
    assert_true(launch_template_check("train --data {datasets_csv} --out {result} {{literal}}", &off, msg, sizeof msg));
    assert_true(launch_template_check("", &off, msg, sizeof msg));
    assert_false(launch_template_check("train {run} {rnu}", &off, msg, sizeof msg));
    assert_int_equal(off, 12);
    assert_non_null(strstr(msg, "unknown placeholder {rnu}"));
    assert_false(launch_template_check("echo ${HOME}", &off, msg, sizeof msg));
    assert_int_equal(off, 6);
    assert_false(launch_template_check("train {run", &off, msg, sizeof msg));
    assert_int_equal(off, 6);
    assert_non_null(strstr(msg, "without its '}'"));
    assert_false(launch_template_check("train run}", &off, msg, sizeof msg));
    assert_int_equal(off, 9);
}

static void test_template_expand(void **state)
{
    (void)state;
    const char *names[] = {"NER_bc5cdr", "RE DDI"};
    launch_vars v = {.run = "r0007", .combination = "NER_bc5cdr+RE DDI", .target = "NER_bc5cdr", .round = "3",
                     .outdir = "/s/runs/r0007/out", .result = "/s/it's/result.csv", .datasets = names, .n_datasets = 2};
    char *out = launch_expand("t {run} {datasets} [{datasets_csv}] {combination} {target} {round} {outdir} {result} {{x}}", &v);
    assert_string_equal(out, "t r0007 NER_bc5cdr 'RE DDI' ['NER_bc5cdr,RE DDI'] 'NER_bc5cdr+RE DDI' NER_bc5cdr 3 "
                             "/s/runs/r0007/out '/s/it'\\''s/result.csv' {x}");
    free(out);
}

/* ---- the study file ----------------------------------------------------------------------- */

static void expect_load_error(const char *launch, const char *want)
{
    put_study(launch);
    cs_error err;
    study *s = study_json_load(at("study.json"), &err);
    assert_null(s);
    if (!strstr(err.msg, want))
        fail_msg("got \"%s\", wanted \"%s\"", err.msg, want);
}

static void test_study_launch(void **state)
{
    (void)state;
    put_study("{\"engine\": \"slurm\", \"command\": \"train.sh {datasets_csv} {result}\", \"partition\": \"gpu\",\n"
              "  \"time\": \"1-02:00:00\", \"gpus\": 1, \"cpus\": 8, \"mem\": \"32G\", \"account\": \"lab\",\n"
              "  \"extra\": [\"--qos=high\", \"--constraint=a100\"], \"max_parallel\": 4}");
    cs_error err;
    study *s = study_json_load(at("study.json"), &err);
    assert_non_null(s);
    assert_non_null(s->launch);
    assert_int_equal(s->launch->engine, LAUNCH_SLURM);
    assert_string_equal(s->launch->command, "train.sh {datasets_csv} {result}");
    assert_string_equal(s->launch->partition, "gpu");
    assert_string_equal(s->launch->time, "1-02:00:00");
    assert_int_equal(s->launch->gpus, 1);
    assert_int_equal(s->launch->cpus, 8);
    assert_string_equal(s->launch->mem, "32G");
    assert_int_equal(s->launch->n_extra, 2);
    assert_string_equal(s->launch->extra[1], "--constraint=a100");
    assert_int_equal(s->launch->max_parallel, 4);
    /* saving keeps the launch object as written */
    assert_true(study_json_save(s, &err));
    study_free(s);
    s = study_json_load(at("study.json"), &err);
    assert_non_null(s);
    assert_string_equal(s->launch->partition, "gpu");
    study_free(s);
    /* the placeholder is located at its own column, on the line of the command */
    char path[300];
    snprintf(path, sizeof path, "%s:4:", at("study.json"));
    expect_load_error("{\"engine\": \"local\", \"command\": \"train {run} {reslt}\"}", "unknown placeholder {reslt}");
    expect_load_error("{\"engine\": \"local\", \"command\": \"train {run} {reslt}\"}", path);
    expect_load_error("{\"engine\": \"local\", \"command\": \"train {run} {reslt}\"}", ":4:56:");
    /* an escape before it moves the column */
    expect_load_error("{\"engine\": \"local\", \"command\": \"a\\\"b {x}\"}", ":4:49:");
    expect_load_error("{\"engine\": \"lsf\", \"command\": \"x\"}", "\"engine\" must be \"local\" or \"slurm\"");
    expect_load_error("{\"engine\": \"local\"}", "needs a \"command\"");
    expect_load_error("{\"command\": \"x\", \"partiton\": \"gpu\"}", "unknown launch option \"partiton\"");
    expect_load_error("{\"command\": \"x\", \"time\": \"1 day\"}", "\"time\" must be one word");
    expect_load_error("{\"command\": \"x\", \"time\": \"1d\"}", "Slurm time limit");
    expect_load_error("{\"command\": \"x\", \"mem\": \"lots\"}", "\"mem\" must be a size");
    expect_load_error("{\"command\": \"x\", \"gpus\": 1.5}", "\"gpus\" must be a whole number");
    expect_load_error("{\"command\": \"x\", \"max_parallel\": 0}", "\"max_parallel\" must be a whole number from 1");
    expect_load_error("{\"command\": \"x\", \"extra\": \"--qos=x\"}", "\"extra\" must be an array");
    expect_load_error("{\"command\": \"x\", \"extra\": [\"qos=x\"]}", "must be an sbatch option");
    expect_load_error("\"train\"", "\"launch\" must be an object");
    expect_load_error("{\"command\": \"  \"}", "\"command\" is empty");
}

/* ---- run files and engine text -------------------------------------------------------------- */

static void test_status_and_start(void **state)
{
    (void)state;
    int code;
    bool cancelled;
    assert_true(launch_parse_status("0\n", &code, &cancelled));
    assert_int_equal(code, 0);
    assert_false(cancelled);
    assert_true(launch_parse_status("137\n", &code, &cancelled));
    assert_int_equal(code, 137);
    assert_true(launch_parse_status("cancelled\n", &code, &cancelled));
    assert_true(cancelled);
    assert_false(launch_parse_status("", &code, &cancelled));
    assert_false(launch_parse_status("1\n2\n", &code, &cancelled));
    assert_false(launch_parse_status("300\n", &code, &cancelled));
    assert_false(launch_parse_status("ok\n", &code, &cancelled));
    long long epoch;
    char job[32];
    long pgid;
    assert_true(launch_parse_start("1764553563 4242 9876 node1\n", &epoch, job, sizeof job, &pgid));
    assert_int_equal(epoch, 1764553563LL);
    assert_string_equal(job, "4242");
    assert_int_equal(pgid, 9876);
    assert_false(launch_parse_start("1764553563 4242\n", &epoch, job, sizeof job, &pgid));
    assert_false(launch_parse_start("", &epoch, job, sizeof job, &pgid));
}

static void test_parse_squeue(void **state)
{
    (void)state;
    launch_task *t;
    cs_error err;
    int n = launch_parse_squeue("4242|0-7%2|PENDING|0|JobArrayTaskLimit|\n"
                                "4242|8|RUNNING|0|None|\n"
                                "4242|9|FAILED|768|NonZeroExitCode|\n"
                                "4242|10|CANCELLED|15|None|\n"
                                "4243|N/A|COMPLETED|0|None|\n"
                                "  4244 | [3,5-6%1] | PENDING | 0 | Resources |\n",
                                &t, &err);
    assert_int_equal(n, 7);
    assert_string_equal(t[0].job, "4242");
    assert_int_equal(t[0].first, 0);
    assert_int_equal(t[0].last, 7);
    assert_string_equal(t[0].state, "PENDING");
    assert_string_equal(t[0].reason, "JobArrayTaskLimit");
    assert_int_equal(t[1].first, 8);
    assert_string_equal(t[1].reason, "");
    assert_true(t[2].has_exit);
    assert_int_equal(t[2].exit_status, 3); /* raw wait status 768 = exit 3 */
    assert_int_equal(t[3].exit_status, 128 + 15); /* killed by SIGTERM */
    assert_int_equal(t[4].first, -1);
    assert_string_equal(t[5].job, "4244");
    assert_int_equal(t[5].first, 3);
    assert_int_equal(t[6].first, 5);
    assert_int_equal(t[6].last, 6);
    assert_string_equal(t[6].reason, "Resources");
    free(t);
    assert_int_equal(launch_parse_squeue("", &t, &err), 0);
    free(t);
    assert_int_equal(launch_parse_squeue("4242|1|RUNNING|0|None|\n4242|x-y|PENDING|0|None|\n", &t, &err), -1);
    assert_null(t);
    assert_string_equal(err.msg, "squeue:2: cannot read the line \"4242|x-y|PENDING|0|None|\"");
    assert_int_equal(launch_parse_squeue("4242 RUNNING\n", &t, &err), -1);
    assert_non_null(strstr(err.msg, "squeue:1:"));
}

static void test_parse_sacct(void **state)
{
    (void)state;
    launch_task *t;
    cs_error err;
    int n = launch_parse_sacct("4242_3|FAILED|2:0\n"
                               "4242_4|CANCELLED by 0|0:15\n"
                               "4242_[5-7%2]|PENDING|0:0\n"
                               "4250|COMPLETED|0:0\n",
                               &t, &err);
    assert_int_equal(n, 4);
    assert_string_equal(t[0].job, "4242");
    assert_int_equal(t[0].first, 3);
    assert_int_equal(t[0].exit_status, 2);
    assert_string_equal(t[1].state, "CANCELLED");
    assert_int_equal(t[1].exit_status, 128 + 15);
    assert_int_equal(t[2].first, 5);
    assert_int_equal(t[2].last, 7);
    assert_int_equal(t[3].first, -1);
    free(t);
    assert_int_equal(launch_parse_sacct("4242_3|FAILED\n", &t, &err), -1);
    assert_non_null(strstr(err.msg, "sacct:1:"));
    assert_int_equal(launch_parse_max_array("AuthType = auth/munge\nMaxArraySize            = 1001\nMaxJobCount = 10000\n", 5), 1001);
    assert_int_equal(launch_parse_max_array("MaxArraySize = x\n", 5), 5);
    assert_int_equal(launch_parse_max_array("", 7), 7);
}

/* ---- journal events ----------------------------------------------------------------------------- */

static const char committed[] =
    "{\"time\":\"2026-11-29T22:00:00Z\",\"round\":1,\"event\":\"suggested\",\"target\":\"A\",\"combination\":\"A+B\",\"mean\":0.55,\"spread\":0.02}\n"
    "{\"time\":\"2026-11-29T22:00:01Z\",\"round\":1,\"event\":\"accepted\",\"target\":\"A\",\"combination\":\"A+B\"}\n"
    "{\"time\":\"2026-11-29T22:00:02Z\",\"round\":1,\"event\":\"accepted\",\"target\":\"A\",\"combination\":\"A+C\"}\n"
    "{\"time\":\"2026-11-29T22:00:03Z\",\"round\":1,\"event\":\"queued\",\"target\":\"A\",\"run\":\"r0002\",\"combination\":\"A+B\",\"known\":0}\n"
    "{\"time\":\"2026-11-29T22:00:04Z\",\"round\":1,\"event\":\"queued\",\"target\":\"A\",\"run\":\"r0003\",\"combination\":\"A+C\",\"known\":0}\n"
    "{\"time\":\"2026-11-29T22:00:05Z\",\"round\":1,\"event\":\"committed\",\"target\":\"A\"}\n";

static void test_journal_events(void **state)
{
    (void)state;
    put("journal.jsonl", committed);
    study *s = open_study();
    cs_error err;
    journal *j = journal_open(at("journal.jsonl"), s, true, &err);
    assert_non_null(j);
    char runs[2][JOURNAL_RUN_MAX] = {"r0002", "r0003"};
    assert_true(journal_append_submitting(j, 1, "s0001", "slurm", "cs-x-s0001", (const char(*)[JOURNAL_RUN_MAX])runs, 2, &err));
    assert_int_equal(journal_run_find(j, "r0002")->state, RUN_SUBMITTING);
    /* in flight: not again */
    assert_false(journal_append_submitting(j, 1, "s0002", "slurm", "n", (const char(*)[JOURNAL_RUN_MAX])runs, 1, &err));
    assert_non_null(strstr(err.msg, "already submitting"));
    assert_false(journal_append_submitted(j, "s0009", "1", NULL, &err));
    assert_true(journal_append_submitted(j, "s0001", "4242", NULL, &err));
    assert_false(journal_append_submitted(j, "s0001", "4243", NULL, &err));
    assert_int_equal(journal_run_find(j, "r0003")->state, RUN_PENDING);
    assert_int_equal(journal_run_find(j, "r0003")->array_index, 1);
    assert_true(journal_append_state(j, "r0002", RUN_PENDING, "4242", "Resources", false, 0, &err));
    assert_true(journal_append_state(j, "r0002", RUN_RUNNING, "4242", NULL, false, 0, &err));
    assert_true(journal_append_state(j, "r0002", RUN_FAILED, "4242", "exit status 3", true, 3, &err));
    assert_false(journal_append_state(j, "r0002", RUN_DONE, "4242", NULL, false, 0, &err));
    assert_false(journal_append_cancel(j, "r0002", &err)); /* already failed */
    assert_false(journal_append_resubmit(j, "r0003", &err)); /* pending */
    assert_non_null(strstr(err.msg, "only a failed, cancelled or lost run"));
    assert_true(journal_append_cancel(j, "r0003", &err));
    assert_true(journal_append_state(j, "r0003", RUN_CANCELLED, "4242", NULL, false, 0, &err));
    assert_true(journal_append_resubmit(j, "r0002", &err));
    assert_int_equal(journal_run_find(j, "r0002")->state, RUN_QUEUED);
    assert_true(journal_append_submitting(j, 1, "s0002", "local", "cs-x-s0002", (const char(*)[JOURNAL_RUN_MAX])runs, 1, &err));
    assert_true(journal_append_submitted(j, "s0002", "", "sbatch failed", &err));
    assert_int_equal(journal_run_find(j, "r0002")->state, RUN_QUEUED);
    assert_int_equal(journal_run_find(j, "r0002")->attempts, 2);
    assert_false(journal_append_state(j, "r0009", RUN_LOST, NULL, NULL, false, 0, &err));
    journal_free(j);
    {
        /* withdrawing a run handed to an engine: only pending with its cancel asked */
        put("j2.jsonl", committed);
        journal *j2 = journal_open(at("j2.jsonl"), s, true, &err);
        assert_non_null(j2);
        assert_true(journal_append_submitting(j2, 1, "s0001", "slurm", "n", (const char(*)[JOURNAL_RUN_MAX])runs, 2, &err));
        assert_false(journal_append_withdrawn(j2, "r0002", &err)); /* submitting */
        assert_true(journal_append_submitted(j2, "s0001", "77", NULL, &err));
        assert_false(journal_append_withdrawn(j2, "r0002", &err)); /* pending */
        assert_true(journal_append_state(j2, "r0003", RUN_RUNNING, "77", NULL, false, 0, &err));
        assert_true(journal_append_cancel(j2, "r0003", &err));
        assert_false(journal_append_withdrawn(j2, "r0003", &err)); /* running */
        assert_true(journal_append_cancel(j2, "r0002", &err));
        assert_true(journal_append_withdrawn(j2, "r0002", &err)); /* pending, cancel asked */
        assert_int_equal(journal_run_find(j2, "r0002")->state, RUN_WITHDRAWN);
        assert_false(journal_append_resubmit(j2, "r0002", &err));
        assert_false(journal_append_uncommitted(j2, 1, &err)); /* its runs went to an engine */
        journal_free(j2);
    }

    /* read back: the same model */
    j = journal_open(at("journal.jsonl"), s, false, &err);
    assert_non_null(j);
    const journal_run *r2 = journal_run_find(j, "r0002"), *r3 = journal_run_find(j, "r0003");
    assert_int_equal(r2->state, RUN_QUEUED);
    assert_int_equal(r2->attempts, 2);
    assert_int_equal(r3->state, RUN_CANCELLED);
    assert_true(r3->cancel_asked);
    assert_int_equal(j->n_submissions, 2);
    assert_string_equal(j->submissions[0].job, "4242");
    assert_string_equal(j->submissions[0].engine, "slurm");
    assert_true(j->submissions[1].submitted);
    assert_string_equal(j->submissions[1].job, "");
    size_t n;
    launch_run_info *ri = launch_runs(j, &n);
    assert_int_equal(n, 2);
    assert_int_equal(ri[1].state, RUN_CANCELLED);
    assert_string_equal(ri[1].job, "4242");
    assert_int_equal(ri[1].array_index, 1);
    assert_int_equal(ri[0].state, RUN_QUEUED);
    assert_true(ri[0].has_prediction);
    assert_true(fabs(ri[0].predicted - 0.55) < 1e-12);
    launch_runs_free(ri, n);
    journal_free(j);

    /* bad lines are located */
    FILE *f = fopen(at("journal.jsonl"), "a");
    fputs("{\"time\":\"2026-11-29T23:00:00Z\",\"round\":1,\"event\":\"state\",\"run\":\"r0003\",\"state\":\"asleep\"}\n", f);
    fclose(f);
    j = journal_open(at("journal.jsonl"), s, false, &err);
    assert_null(j);
    assert_non_null(strstr(err.msg, ":17:"));
    assert_non_null(strstr(err.msg, "unknown state \"asleep\""));
    study_free(s);
}

/* ---- the manifest and script a submission would use ----------------------------------------- */

static void test_dry_run_manifest(void **state)
{
    (void)state;
    put("journal.jsonl", committed);
    put_study("{\"engine\": \"slurm\", \"command\": \"train --data {datasets} --csv {datasets_csv} --run {run} "
              "--out {outdir} --result {result} --round {round} --target {target} --combo {combination}\", "
              "\"max_parallel\": 2, \"partition\": \"gpu\", \"extra\": [\"--qos=low\"]}");
    study *s = open_study();
    cs_error err;
    journal *j = journal_open(at("journal.jsonl"), s, false, &err);
    assert_non_null(j);
    char *text = launch_dry_run(j, &err);
    assert_non_null(text);
    char want[1024];
    /* one manifest line per run: RUN, tab, its attempt directory, tab, the expanded command */
    char *real = realpath(dir, NULL);
    snprintf(want, sizeof want,
             "\nr0002\t%s/runs/r0002/1\ttrain --data A B --csv A,B --run r0002 --out %s/runs/r0002/out "
             "--result %s/runs/r0002/1/result.csv --round 1 --target A --combo A+B\n"
             "r0003\t%s/runs/r0003/1\ttrain --data A C",
             real, real, real, real);
    if (!strstr(text, want))
        fail_msg("no manifest lines in:\n%s", text);
    snprintf(want, sizeof want,
             "\nsbatch --parsable --array=0-1%%2 --job-name=cs-");
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof want, " --chdir=%s --output=%s/runs/s0001/slurm-%%A_%%a.out --partition=gpu --qos=low %s/runs/s0001/job.sh\n",
             real, real, real);
    if (!strstr(text, want))
        fail_msg("no sbatch line in:\n%s", text);
    free(real);
    free(text);
    /* nothing was written */
    struct stat st;
    assert_int_not_equal(stat(at("runs"), &st), 0);
    journal_free(j);
    study_free(s);
}

/* ---- the result contract ------------------------------------------------------------------------- */

static void test_result_contract(void **state)
{
    (void)state;
    put("journal.jsonl", committed);
    study *s = open_study();
    cs_error err;
    journal *j = journal_open(at("journal.jsonl"), s, true, &err);
    assert_non_null(j);
    const journal_run *r = journal_run_find(j, "r0002");
    char dropped[128];
    assert_false(launch_take_result(j, r, at("none.csv"), dropped, sizeof dropped, &err));
    assert_non_null(strstr(err.msg, "exited 0 but wrote no result file"));
    put("bad1.csv", "combination,dataset,f1\nA+B,A,0.6\nA+B,B,high\n");
    assert_false(launch_take_result(j, r, at("bad1.csv"), dropped, sizeof dropped, &err));
    char want[300];
    snprintf(want, sizeof want, "%s:3:", at("bad1.csv"));
    if (strncmp(err.msg, want, strlen(want)) != 0)
        fail_msg("%s", err.msg);
    put("bad2.csv", "combination,dataset,f1\nA+B,A,0.6\nA+C,C,0.6\n");
    assert_false(launch_take_result(j, r, at("bad2.csv"), dropped, sizeof dropped, &err));
    assert_non_null(strstr(err.msg, "bad2.csv:3: a row for A+C, but this run trained A+B"));
    put("bad3.csv", "combination,dataset,f1\nA+B,A,0.6\n");
    assert_false(launch_take_result(j, r, at("bad3.csv"), dropped, sizeof dropped, &err));
    assert_non_null(strstr(err.msg, "no f1 for B"));
    put("bad4.csv", "combination,dataset,loss\nA+B,A,0.6\nA+B,B,0.6\n");
    assert_false(launch_take_result(j, r, at("bad4.csv"), dropped, sizeof dropped, &err));
    assert_non_null(strstr(err.msg, "no \"f1\" column"));
    put("good.csv", "combination,dataset,f1,precision\nA+B,B,0.41,0.5\nB+A,A,0.61,0.7\n");
    assert_true(launch_take_result(j, r, at("good.csv"), dropped, sizeof dropped, &err));
    assert_string_equal(dropped, "precision"); /* the table has no such column: named */
    size_t rec;
    cs_error warn;
    assert_true(queue_collect_results(j, &rec, &warn, &err));
    assert_int_equal(rec, 1);
    assert_true(journal_run_find(j, "r0002")->has_result);
    FILE *f = fopen(at("runs.csv"), "r");
    char buf[1024];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    buf[len] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "r0002,A+B,A,0.61\nr0002,A+B,B,0.41\n"));
    journal_free(j);
    study_free(s);
}

/* The result's non-metric columns the table has (seed, note) land with the run; the others are
 * named, and the launch session journals a note naming them. */
static void test_result_keeps_columns(void **state)
{
    (void)state;
    put("runs.csv", "run,combination,dataset,seed,f1,note\nr0001,A,A,1,0.5,\n");
    put("journal.jsonl", committed);
    study *s = open_study();
    cs_error err;
    journal *j = journal_open(at("journal.jsonl"), s, true, &err);
    assert_non_null(j);
    const journal_run *r = journal_run_find(j, "r0003");
    char dropped[128];
    put("res.csv", "dataset,combination,f1,seed,note,gpu,loss,Seed\n"
                   "A,A+C,0.7,42,\"warm, start\",a100,0.3,42\n"
                   "C,A+C,0.25,42,,a100,0.9,42\n"
                   "C,A+C,0.75,43,,a100,0.8,43\n");
    assert_true(launch_take_result(j, r, at("res.csv"), dropped, sizeof dropped, &err));
    assert_string_equal(dropped, "gpu, loss");
    FILE *f = fopen(at("runs.csv"), "r");
    char buf[1024];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    buf[len] = '\0';
    fclose(f);
    if (!strstr(buf, "r0003,A+C,A,42,0.7,\"warm, start\"\nr0003,A+C,C,42;43,0.5,\n"))
        fail_msg("%s", buf);
    /* nothing dropped: nothing named */
    put("runs.csv", "run,combination,dataset,seed,f1\n");
    put("res2.csv", "combination,dataset,f1,seed\nA+C,A,0.7,7\nA+C,C,0.2,7\n");
    assert_true(launch_take_result(j, r, at("res2.csv"), dropped, sizeof dropped, &err));
    assert_string_equal(dropped, "");
    f = fopen(at("runs.csv"), "r");
    len = fread(buf, 1, sizeof buf - 1, f);
    buf[len] = '\0';
    fclose(f);
    assert_string_equal(buf, "run,combination,dataset,seed,f1\nr0003,A+C,A,7,0.7\nr0003,A+C,C,7,0.2\n");
    journal_free(j);
    study_free(s);
}

/* ---- committing a round submits it ------------------------------------------------------------- */

static void test_round_commit_submits(void **state)
{
    (void)state;
    char cwd[512], launch[1200];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(launch, sizeof launch,
             "{\"engine\": \"local\", \"command\": \"sh %s/tests/cli/launch/train.sh {run} {datasets_csv} {result}\"}", cwd);
    put_study(launch);
    study *s = open_study();
    cs_error err;
    round_session *rs = round_session_open(s, NULL, false, NULL, &err);
    assert_non_null(rs);
    assert_non_null(rs->launch);
    assert_true(round_propose(rs, 0, &err));
    assert_true(rs->n_items > 0);
    assert_true(round_accept(rs, 0, &err));
    size_t queued;
    assert_true(round_commit(rs, &queued, &err));
    assert_int_equal(queued, 1);
    if (strncmp(rs->launched, "submitted round 1: local job ", 29) != 0 || !strstr(rs->launched, ", 1 run"))
        fail_msg("launched: %s", rs->launched);
    const journal_run *r = &rs->journal->runs[0];
    assert_int_equal(r->attempts, 1);
    /* the result comes back through round_poll alone */
    int got = 0;
    for (int i = 0; i < 400 && !rs->journal->runs[0].has_result; i++) {
        int n = round_poll(rs, false, &err);
        if (n < 0)
            fail_msg("%s", err.msg);
        got += n;
        nanosleep(&(struct timespec){0, 25000000}, NULL);
    }
    assert_true(rs->journal->runs[0].has_result);
    assert_true(got >= 1);
    size_t n;
    launch_run_info *ri = launch_runs(rs->journal, &n);
    assert_int_equal(ri[0].state, RUN_DONE);
    assert_true(ri[0].has_score);
    assert_true(fabs(ri[0].score - 0.7) < 1e-12);
    launch_runs_free(ri, n);
    round_session_free(rs);
    study_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_check),
        cmocka_unit_test(test_template_expand),
        cmocka_unit_test_setup_teardown(test_study_launch, setup, teardown),
        cmocka_unit_test(test_status_and_start),
        cmocka_unit_test(test_parse_squeue),
        cmocka_unit_test(test_parse_sacct),
        cmocka_unit_test_setup_teardown(test_journal_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dry_run_manifest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_result_contract, setup, teardown),
        cmocka_unit_test_setup_teardown(test_result_keeps_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_commit_submits, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
