/* launch: approved runs started by an engine (local processes or Slurm), followed, and their
 * results taken back (DESIGN.md section 3, issue 8). The study's `launch` object names the
 * command (with placeholders) and the engine; everything written lives under the study's
 * directory:
 *
 *   runs/SUB/manifest.tsv     one line per run: RUN <tab> ATTEMPT-DIR <tab> COMMAND (expanded)
 *   runs/SUB/job.sh           the batch script: runs manifest line $SLURM_ARRAY_TASK_ID (0-based)
 *   runs/SUB/local.sh, pid    (local engine) the driver running every line, and its pid
 *   runs/RUN/out/             {outdir}: the run's own directory, kept across attempts
 *   runs/RUN/A/               attempt A (1, 2, ... one per submission of the run):
 *       start                 start mark "EPOCH JOB PGID HOST", written before the command
 *       log                   the command's stdout and stderr
 *       result.csv            {result}: what the run must write (the result contract below)
 *       status                the command's exit status ("3"; 128+N killed by signal N;
 *                             "cancelled" when cancelled before it started), written to
 *                             status.tmp and renamed, so that it is whole or absent
 * SUB is a submission id ("s0001"): one per engine call (one round, or a split part of it).
 *
 * The result contract: {result} is a small long-format CSV as the tables (DESIGN.md section 3),
 * combination,dataset,<metric>..., one row per member, every row for the run's combination.
 * It is read with the table reader (table_read: the same one-line "FILE:LINE:COL: what"
 * errors), must hold the study's metric for every member, and is appended atomically to the
 * study's first table with the run id in its `run` column (origin "launch"); the `result`
 * event follows (queue_collect_results). A run that exits 0 without a valid result file is
 * `failed`, its reason the located error; nothing is dropped.
 *
 * Journal (journal.h): `submitting` (the intent, flushed BEFORE the engine is called, naming
 * the job name given to it), `submitted` (job id, or why nothing was submitted), `state`
 * (pending with Slurm's reason, running, failed with exit status and reason, cancelled, lost),
 * `cancel` (before the engine is told) and `resubmit`. A crash between the engine call and
 * `submitted` is reconciled when the study is next opened for writing: the job is looked up
 * by its name (`squeue --name`; local: runs/SUB/pid), else by the start marks, else the runs
 * are marked not submitted; they are never submitted twice and never lost.
 *
 * States (run_state in journal.h): queued (committed, not handed to an engine), submitting
 * (intent journaled, outcome not yet), pending (reason), running (elapsed since its start
 * mark), done (a result), failed (exit status, or the reason), cancelled, lost (no engine and
 * no status file accounts for it).
 *
 * Nothing here blocks on an engine but launch_submit, launch_reconcile, launch_wait_calls and
 * launch_poll_settle, which the commands call; the explorer calls none of them, so that no
 * Slurm command ever holds its screen.
 *
 * Call order (the Round view, `comboscope launch|status|cancel`):
 *   ls = launch_open(j, &err)            writable journal of a study with `launch`
 *   launch_reconcile(ls, &err)           (commands) the intents a crash left, looked up now
 *   launch_submit(ls, round, msg, ...)   after queue_commit_round: "submitted round 5: Slurm
 *                                        job 4242, 3 runs"; blocks at most LAUNCH_TIMEOUT s
 *   (or launch_submit_async: sbatch read by launch_poll, its answer from launch_news)
 *   launch_poll(ls, &err)                when idle: returns at once (a Slurm query runs in a
 *                                        child read without blocking), journals what changed
 *   launch_cancel / launch_resubmit      user actions, journaled before they are carried out;
 *                                        their engine calls go out as children read by the polls
 *   launch_wait_calls(ls, t, &err)       (commands) until those calls have answered
 *   launch_calls_out(ls)                 (explorer) before quitting: is sbatch or scancel out?
 *   launch_runs(j, &n)                   the state of every run, for any reader (no session)
 *   launch_free(ls)                      runs keep going; the next open picks them up. */
#ifndef COMBOSCOPE_LAUNCH_H
#define COMBOSCOPE_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "comboscope/error.h"
#include "comboscope/journal.h"
#include "comboscope/study.h"

/* Seconds any engine command (sbatch, squeue, sacct, scancel, scontrol) may take: 10 by
 * default, COMBOSCOPE_SLURM_TIMEOUT (0.1 to 3600) where the controller is slow. */
#define LAUNCH_TIMEOUT 10.0

/* The timeout in use (LAUNCH_TIMEOUT unless the environment says otherwise). */
double launch_timeout(void);

typedef enum launch_engine { LAUNCH_LOCAL = 0, LAUNCH_SLURM = 1 } launch_engine;

/* The study's `launch` object (study.launch; NULL when the study has none). */
typedef struct launch_config {
    launch_engine engine;
    char *command;       /* with placeholders, checked at load time */
    char *partition;     /* slurm options: NULL / 0 when not given */
    char *time;
    char *mem;
    char *account;
    int gpus;
    int cpus;
    char **extra;        /* verbatim sbatch options */
    int n_extra;
    int max_parallel;    /* local: processes at once (0: the number of cores); slurm: %P (0: none) */
} launch_config;

void launch_config_free(launch_config *c);

/* The name of an engine ("local", "slurm"). */
const char *launch_engine_name(launch_engine e);

/* ---- the command template ---------------------------------------------------------------- */

/* X(name): the placeholders a command may use, written {name}; "{{" and "}}" are literal braces. */
#define LAUNCH_PLACEHOLDERS(X) \
    X(run) X(combination) X(datasets) X(datasets_csv) X(target) X(round) X(outdir) X(result)

/* Checks a command template: true when every {name} is a placeholder. Else false, *at gets the
 * byte offset of the offending '{' (or '}') and msg (size n) says what is wrong. */
bool launch_template_check(const char *command, size_t *at, char *msg, size_t n);

/* The values of one run. datasets: the member names in dataset order. */
typedef struct launch_vars {
    const char *run, *combination, *target, *round, *outdir, *result;
    const char *const *datasets;
    int n_datasets;
} launch_vars;

/* Expands a checked template: every value quoted for /bin/sh where it needs it ({datasets}
 * gives one word per member). Returns a new string. */
char *launch_expand(const char *command, const launch_vars *v);

/* ---- files written by the runs ------------------------------------------------------------ */

/* The content of a status file: *exit_status the number, or *cancelled for "cancelled".
 * False when the text is neither (a half-written file is never seen: write-then-rename). */
bool launch_parse_status(const char *text, int *exit_status, bool *cancelled);

/* A start mark "EPOCH JOB PGID HOST": false when malformed. job (size nj) may be NULL. */
bool launch_parse_start(const char *text, long long *epoch, char *job, size_t nj, long *pgid);

/* The directory of attempt `attempt` of run `run` of study s, absolute when s->dir can be
 * resolved. Returns a new string. */
char *launch_attempt_dir(const study *s, const char *run, int attempt);

/* Checks a run's result file against the contract (header above) and, when good, appends its
 * rows to the study's first table with the run id (results_append_run: the result's columns
 * the table has no column for go to dropped, "" when none). False with err set: the reason
 * the run failed ("FILE:LINE:COL: what"). */
bool launch_take_result(const journal *j, const journal_run *run, const char *path, char *dropped,
                        size_t dropped_len, cs_error *err);

/* ---- the session ------------------------------------------------------------------------- */

typedef struct launch_session launch_session;

/* Opens the engine for j (writable; its study has a `launch` object), without blocking:
 * submissions a crash left without an outcome are reconciled by the first launch_poll (a step
 * at a time) or by launch_reconcile. NULL with err set. */
launch_session *launch_open(journal *j, cs_error *err);

/* Reconciles now every submission whose outcome was never journaled, looking its job up by
 * name (blocks up to LAUNCH_TIMEOUT per such submission; for the commands). Returns the events
 * journaled, -1 with err set. */
int launch_reconcile(launch_session *ls, cs_error *err);

/* Stops following (runs keep going), without waiting: an engine call still out is killed (a
 * submission's intent then stays open and is reconciled by the job's name next time, as after
 * a crash; a cancel is sent again by the next session's polls). */
void launch_free(launch_session *ls);

/* Whether an engine call whose answer matters is out: the sbatch of a submission going out, a
 * scancel. Steps them without blocking. The explorer waits for them before it quits. */
bool launch_calls_out(launch_session *ls);

/* Waits (at most timeout seconds, reading them) until no call launch_calls_out counts is out.
 * False with err set when one failed or did not answer in time. For the commands. */
bool launch_wait_calls(launch_session *ls, double timeout, cs_error *err);

/* Submits every queued run of committed rounds (round > 0: only that round's), one engine
 * call per round (Slurm: one job array, split above MaxArraySize). msg (size n, may be NULL)
 * gets what was done: "submitted round 5: Slurm job 4242, 3 runs" (several rounds: joined by
 * "; "), or "" when there was nothing to submit. Returns the number of runs submitted, or -1
 * with err set (runs already submitted stay submitted and journaled). */
int launch_submit(launch_session *ls, int round, char *msg, size_t n, cs_error *err);

/* launch_submit for a program that must stay responsive (the explorer): the files are written
 * and each submission's intent journaled, but the engine calls (sbatch) run as children read
 * by launch_poll, one after the other; msg gets "submitting round 5 to Slurm: 3 runs". Once they
 * have answered, launch_news says what launch_submit would have ("submitted round 5: Slurm job
 * 4242, 3 runs"). The local engine starts at once (as launch_submit). Returns the number of
 * runs being submitted, or -1 with err set (one is still going out: "a submission is still
 * going out"). */
int launch_submit_async(launch_session *ls, int round, char *msg, size_t n, cs_error *err);

/* True while submissions of launch_submit_async are going out, or an intent without its
 * outcome waits to be looked up (poll often then). */
bool launch_busy(const launch_session *ls);

/* Once, after launch_submit_async's submissions have all answered: true with what they say in
 * msg (size n). */
bool launch_news(launch_session *ls, char *msg, size_t n);

/* What launch_submit would do, without doing it or writing anything: the engine command
 * and the generated batch script of every submission, as text (new string). */
char *launch_dry_run(const journal *j, cs_error *err);

/* One step of following the runs: reads status files, starts or reads (without blocking) an
 * engine query, journals state changes and results. Returns the number of events journaled,
 * or -1 with err set. Cheap enough to call whenever the program is idle. */
int launch_poll(launch_session *ls, cs_error *err);

/* Polls (blocking, for the command line) until one complete cycle, the engine's answer and
 * the status files, is done, or nothing is in flight, or timeout seconds pass. Returns the
 * events journaled, or -1 with err set. */
int launch_poll_settle(launch_session *ls, double timeout, cs_error *err);

/* True while some run is submitting, pending or running. */
bool launch_active(const launch_session *ls);

/* Cancels run id: journals `cancel`, then tells the engine without waiting for it (scancel
 * goes out as a child; a queued run is cancelled at once). False with err set (unknown run,
 * already finished). */
bool launch_cancel(launch_session *ls, const char *run, cs_error *err);

/* Resubmits a failed, cancelled or lost run: journals `resubmit`, then submits it as its own
 * submission as launch_submit_async does (msg as there; launch_news says the job). False with
 * err set. */
bool launch_resubmit(launch_session *ls, const char *run, char *msg, size_t n, cs_error *err);

/* ---- the state of every run (any reader: UI, `comboscope status`) ------------------------- */

typedef struct launch_run_info {
    size_t run;               /* index into journal.runs */
    run_state state;
    char engine[16];          /* "" when never submitted */
    char job[JOURNAL_JOB_MAX];/* the engine's job id ("" when never submitted) */
    int array_index;          /* -1 when never submitted */
    int attempt;              /* 0 when never submitted */
    char reason[256];         /* pending: Slurm's reason; failed: why; lost: why; else "" */
    bool has_exit;
    int exit_status;          /* failed: the exit status (128+N: signal N) */
    double elapsed;           /* running: seconds since its start mark (-1: unknown) */
    char *log;                /* the log of its latest attempt (may not exist yet), or NULL */
    bool has_score;
    double score;             /* done: the target's score */
    bool has_prediction;
    double predicted;         /* the suggestion's predicted mean, when it was one */
} launch_run_info;

/* The state of every run of j, in the order queued. Returns a new array (launch_runs_free),
 * *n its count. Reads only the journal and the start marks: cheap, never blocks. */
launch_run_info *launch_runs(const journal *j, size_t *n);
void launch_runs_free(launch_run_info *r, size_t n);

/* ---- engine text parsers (unit-tested) ---------------------------------------------------- */

/* One task of an squeue/sacct answer. */
typedef struct launch_task {
    char job[JOURNAL_JOB_MAX]; /* the array's job id */
    int first, last;          /* array indices first..last (one line may cover a range) */
    char state[32];           /* PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, ... */
    bool has_exit;
    int exit_status;          /* decoded from the raw wait status or "N:M" */
    char reason[128];
} launch_task;

/* Parses the output of squeue -h -t all -j IDS -O 'ArrayJobID:|,ArrayTaskID:|,State:|,
 * exit_code:|,Reason:|' (one task or range per line: "4242|0-7%2|PENDING|0|Resources|").
 * Returns the number of tasks in a new *out (free it), or -1 with err set on a malformed
 * line ("squeue:LINE: ..."). A range line expands into one task with first < last. */
int launch_parse_squeue(const char *text, launch_task **out, cs_error *err);

/* Parses the output of sacct -X -n -P -j IDS -o JobID,State,ExitCode ("4242_3|FAILED|2:0").
 * Same contract as launch_parse_squeue. */
int launch_parse_sacct(const char *text, launch_task **out, cs_error *err);

/* MaxArraySize from `scontrol show config` text; fallback when absent. */
int launch_parse_max_array(const char *text, int fallback);

#endif
