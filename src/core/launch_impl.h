/* launch_impl: what launch's own files share (launch.c, launch_submit.c, launch_async.c,
 * launch_files.c), beyond what they share with the engines (launch_engine.h). Not a public
 * header. */
#ifndef COMBOSCOPE_LAUNCH_IMPL_H
#define COMBOSCOPE_LAUNCH_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "launch_engine.h"

/* The ops of engine e. */
const launch_engine_ops *launch_ops_of(launch_engine e);

/* The study's directory, absolute (new string). */
char *launch_study_dir(const study *s);

/* DIR/NAME (new string). */
char *launch_file_in(const char *dir, const char *name);

/* Creates directory path unless it is one already. False with err set. */
bool launch_mkdir(const char *path, cs_error *err);

/* ---- submissions (launch_submit.c) ---------------------------------------------------------- */

/* One submission being prepared: its runs (indices into journal.runs) and files. */
typedef struct launch_plan {
    char id[JOURNAL_RUN_MAX];
    char name[64];
    int round;
    size_t *runs;
    size_t n;
    char *study_dir, *dir, *script, *manifest;
    char *manifest_text, *script_text;
} launch_plan;

/* The runs launch_submit would submit (committed rounds, or only `round` when > 0, or only run
 * `only`), grouped into plans: one per round, split at max runs (0: no limit). */
launch_plan *launch_plans_make(const journal *j, int round, const char *only, int max, size_t *n_plans);
void launch_plans_free(launch_plan *plans, size_t n);

/* Builds the manifest and script of plan p. False with err set when a path cannot go into the
 * manifest. */
bool launch_plan_build(const journal *j, launch_plan *p, cs_error *err);

/* Writes the plan's files and the runs' directories (and the engine's own files). */
bool launch_plan_write(const journal *j, const launch_plan *p, const launch_engine_ops *ops, cs_error *err);

/* The plan as the engines see it (borrows p's strings). */
launch_batch launch_plan_batch(const launch_plan *p);

/* Adds "submitted round R: Slurm job J, N runs" to msg. */
void launch_say_submitted(char *msg, size_t n, const char *engine, int round, const char *jobs, size_t runs,
                          bool many);

/* Submits the plans of launch_plans_make(j, round, only) one after the other, blocking on each
 * engine call. Returns the runs submitted, -1 with err set. */
int launch_submit_plans(launch_session *ls, int round, const char *only, char *msg, size_t n, cs_error *err);

/* ---- submissions without blocking (launch_async.c) ------------------------------------------ */

/* Reads the engine call in flight, journals its outcome, starts the next. Returns the events
 * journaled, -1 with err set. */
int launch_async_step(launch_session *ls, cs_error *err);

/* The submission whose engine call is going out right now, or NULL: its open intent is not a
 * crash's, and must not be reconciled. */
const char *launch_async_in_flight(const launch_session *ls);

/* launch_submit_async of the runs launch_plans_make(j, round, only) picks (only: one run, for
 * a resubmit). */
int launch_async_submit(launch_session *ls, int round, const char *only, char *msg, size_t n, cs_error *err);

/* Drops the submissions still to go out without waiting: the engine's release kills a call in
 * flight, whose intent stays open and is reconciled by the job's name, as after a crash. */
void launch_async_drop(launch_session *ls);

#endif
