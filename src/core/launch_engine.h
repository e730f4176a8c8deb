/* launch_engine: what launch.c shares with its engines (launch_local.c, launch_slurm.c), not
 * a public header. An engine is one ops table; a later engine is one new file. */
#ifndef COMBOSCOPE_LAUNCH_ENGINE_H
#define COMBOSCOPE_LAUNCH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "comboscope/launch.h"

/* ---- child processes: engine commands with a timeout, read without blocking -------------- */

typedef struct launch_child {
    pid_t pid;        /* 0: none */
    int fd;           /* stdout and stderr, non-blocking */
    char *out;
    size_t len, cap;
    double deadline;  /* monotonic seconds */
    bool timed_out;
    int status;       /* exit status once finished (-1: killed or could not run) */
} launch_child;

/* In a child before exec: default dispositions and an empty signal mask, so that what the
 * parent ignores or blocks (SIGTERM under some supervisors) does not reach the runs. */
void launch_child_signals(void);

/* Monotonic seconds. */
double launch_now(void);

/* Starts argv[0] (searched in PATH) with stdout and stderr into one pipe, stdin /dev/null,
 * no other descriptor inherited. False with err set. */
bool launch_child_start(launch_child *c, char *const argv[], double timeout, cs_error *err);

/* Reads what is there and reaps the child without blocking; past the deadline kills it.
 * True once it has finished (c->status, c->out valid). */
bool launch_child_step(launch_child *c);

/* Kills a running child and releases everything. */
void launch_child_done(launch_child *c);

/* Runs argv to completion (at most timeout seconds): *out gets its output (new string).
 * Returns its exit status, -1 when it could not run or timed out (err set either way for -1). */
int launch_child_run(char *const argv[], double timeout, char **out, cs_error *err);

/* ---- what one submission is ------------------------------------------------------------- */

typedef struct launch_batch {
    const char *id;        /* "s0001" */
    const char *name;      /* the job name ("cs-1a2b3c4d-s0001") */
    const char *study_dir; /* absolute */
    const char *dir;       /* absolute runs/SUB */
    const char *script;    /* absolute runs/SUB/job.sh */
    int n;                 /* runs (array indices 0..n-1) */
} launch_batch;

/* What an engine says about one run of an in-flight submission. */
typedef struct launch_seen {
    bool seen;             /* the engine accounts for it */
    run_state state;       /* pending, running, or a final state (failed, cancelled, done) */
    char reason[128];
    bool has_exit;
    int exit_status;
} launch_seen;

typedef struct launch_engine_ops {
    const char *name;
    /* The command that submits b, as shell text (dry run). New string. */
    char *(*command_text)(const launch_config *c, const launch_batch *b);
    /* Extra files the engine needs beside job.sh (local: its driver). */
    bool (*prepare)(const launch_config *c, const launch_batch *b, cs_error *err);
    /* Submits b: 1 with job set, 0 definitely not submitted (err says why), -1 unknown (a
     * timeout: the intent stays open and is reconciled later). */
    int (*submit)(launch_session *ls, const launch_batch *b, char job[JOURNAL_JOB_MAX], cs_error *err);
    /* The same without blocking (NULL: submit is quick enough, as local's fork): begin starts
     * the engine call (false with err set: it could not even start, so nothing was
     * submitted); step reads it: 0 still running, 1 submitted (job set), 2 certainly not
     * submitted (err says why), 3 unknown (a timeout: err says so; reconciled by name). */
    bool (*submit_begin)(launch_session *ls, const launch_batch *b, cs_error *err);
    int (*submit_step)(launch_session *ls, char job[JOURNAL_JOB_MAX], cs_error *err);
    /* Starts asking, without blocking, what max_batch will need (NULL: nothing to ask). */
    void (*prefetch)(launch_session *ls);
    /* After a crash: the job of a submission whose outcome was never journaled, by its name.
     * 1 found (job set), 0 certainly not submitted, -1 cannot tell now. */
    int (*find)(launch_session *ls, const journal_submission *sub, const char *name,
                char job[JOURNAL_JOB_MAX], cs_error *err);
    /* The same without blocking (NULL: find is quick): begin starts the look-up (false: cannot
     * tell now); step: 0 still asking, else what find returns (1 found, 0 not, -1 cannot tell). */
    bool (*find_begin)(launch_session *ls, const char *name, cs_error *err);
    int (*find_step)(launch_session *ls, const journal_submission *sub, char job[JOURNAL_JOB_MAX], cs_error *err);
    /* One step of asking the engine about the in-flight runs: fills ls->seen (indexed like
     * journal.runs) and returns 1 when an answer is complete, 0 while still asking, -1 with
     * err set when the engine cannot be asked. Must not block. */
    int (*query)(launch_session *ls, cs_error *err);
    /* Tells the engine to stop run `run` (index into journal.runs) of submission sub, without
     * blocking: a command it needs (scancel) is started and read by `calls`. False with err set
     * when it cannot even be started. */
    bool (*cancel)(launch_session *ls, const journal_submission *sub, size_t run, cs_error *err);
    /* Steps the engine's calls that go out in the background (Slurm: scancel) without blocking;
     * what failed is added to msg (size n). Returns how many are still out. NULL: none ever. */
    int (*calls)(launch_session *ls, char *msg, size_t n);
    /* Chunk size: most runs one submission may hold (0: no limit). May ask the engine. */
    int (*max_batch)(launch_session *ls);
    void (*release)(launch_session *ls);
} launch_engine_ops;

extern const launch_engine_ops launch_local_ops;
extern const launch_engine_ops launch_slurm_ops;

struct launch_session {
    journal *j;
    const launch_engine_ops *ops;
    launch_seen *seen;     /* journal.runs entries, filled by query */
    size_t n_seen;
    double last_poll;      /* launch_now() of the last poll that did something */
    double last_reconcile;
    bool querying;         /* an engine query is in flight */
    struct launch_async *async; /* submissions going out without blocking (launch_submit_async) */
    long finding;          /* the submission being looked up without blocking, or -1 */
    char news[1024];       /* what finished submissions say, for launch_news */
    bool has_news;
    char call_error[512];  /* the first engine call that failed since launch_wait_calls began */
    unsigned long cycles;  /* complete polls (engine answer and status files) so far */
    void *engine;          /* the engine's own state */
};

/* The study's launch config (NULL if none): ls->j->study->launch. */
const launch_config *launch_config_of(const launch_session *ls);

/* Whether the process (pid > 0) or process group (pid < 0) is alive; a zombie is dead. */
bool launch_pid_alive(long pid);

/* STUDY/runs/SUB, absolute (new string). */
char *launch_submission_dir(const study *s, const char *sub);

/* Reads a small file whole (new string), NULL when absent or unreadable. */
char *launch_read_small(const char *path);

/* Appends printf-style text to a growing string. */
void launch_textf(char **buf, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Quotes s for /bin/sh when it needs quoting (new string). */
char *launch_shell_quote(const char *s);

#endif
