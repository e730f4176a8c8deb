/* journal: the append-only record of a study's search (DESIGN.md section 3), one JSON object
 * per line, and the rounds it describes.
 *
 * Durability contract: journal_append_* returns true only after the whole line has been handed
 * to the kernel in one write() and fsync() has returned; a screen may say "saved" only then.
 * A crash can therefore leave at most one torn line, the last one. Opening reports it as a
 * warning ("FILE:LINE: torn last line skipped") and skips it; a writable open then copies the
 * torn bytes to JOURNAL.torn and truncates the file back to the end of the last whole line
 * (flushing both), so the next append starts on a line of its own. A bad line anywhere else is an error "FILE:LINE:COL: ...".
 *
 * Every event line has "time" (ISO 8601 UTC, "2026-11-29T22:01:02Z"), "round" (>= 1),
 * "event" (one of the names below) and, where it applies, "target" (a dataset name);
 * combinations are member names joined by '+'. See the man page, section FILES.
 *
 * Typical use by a view (call order):
 *   j = journal_open_study(s, read_only, &lock, &holder, &err);   read-only if lock == NULL
 *   r = journal_current_round(j);  journal_append_suggested(j, r, ...) for each suggestion
 *   journal_append_accepted / _rejected / _overridden / _note / _undo as the user decides
 *   queue_commit_round(j, r, rows, &err)                (queue.h: `queued`, `committed`, queue file)
 *   queue_collect_results(j, &n, &warn, &err)           when a table changed (after reloading
 *                                                       the study: journal_rebind)
 *   journal_rounds(j, &n) for History;  journal_free(j); lock_release(lock). */
#ifndef COMBOSCOPE_JOURNAL_H
#define COMBOSCOPE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "comboscope/combo.h"
#include "comboscope/error.h"
#include "comboscope/lock.h"
#include "comboscope/study.h"

/* X(enum, name in the file): one list drives the enum, the parser and the writer. */
#define JOURNAL_EVENTS(X)                      \
    X(JOURNAL_SUGGESTED, "suggested")          \
    X(JOURNAL_ACCEPTED, "accepted")            \
    X(JOURNAL_REJECTED, "rejected")            \
    X(JOURNAL_OVERRIDDEN, "overridden")        \
    X(JOURNAL_UNDO, "undo")                    \
    X(JOURNAL_NOTE, "note")                    \
    X(JOURNAL_QUEUED, "queued")                \
    X(JOURNAL_RESULT, "result")                \
    X(JOURNAL_COMMITTED, "committed")          \
    X(JOURNAL_LEFT_OPEN, "left_open")          \
    X(JOURNAL_WITHDRAWN, "withdrawn")          \
    X(JOURNAL_UNCOMMITTED, "uncommitted")      \
    X(JOURNAL_SUBMITTING, "submitting")        \
    X(JOURNAL_SUBMITTED, "submitted")          \
    X(JOURNAL_STATE, "state")                  \
    X(JOURNAL_CANCEL, "cancel")                \
    X(JOURNAL_RESUBMIT, "resubmit")

/* The life of a launched run (launch.h), X(enum, name): the states a `state` event may name are
 * pending, running, failed, cancelled and lost; queued, submitting, done and withdrawn are
 * derived (no submission yet; an intent without its `submitted`; a `result`; a `withdrawn`
 * event or its round's `uncommitted`: withdrawn stays, whatever an engine reports later). */
#define RUN_STATES(X)                          \
    X(RUN_QUEUED, "queued")                    \
    X(RUN_SUBMITTING, "submitting")            \
    X(RUN_PENDING, "pending")                  \
    X(RUN_RUNNING, "running")                  \
    X(RUN_DONE, "done")                        \
    X(RUN_FAILED, "failed")                    \
    X(RUN_CANCELLED, "cancelled")              \
    X(RUN_LOST, "lost")                        \
    X(RUN_WITHDRAWN, "withdrawn")

typedef enum run_state {
#define RUN_STATE_ENUM_(e, s) e,
    RUN_STATES(RUN_STATE_ENUM_)
#undef RUN_STATE_ENUM_
    RUN_N_STATES
} run_state;

/* The name of a run state ("pending"), and the state of a name (-1 if none). */
const char *run_state_name(run_state st);
int run_state_from_name(const char *name);

typedef enum journal_kind {
#define JOURNAL_ENUM_(e, s) e,
    JOURNAL_EVENTS(JOURNAL_ENUM_)
#undef JOURNAL_ENUM_
    JOURNAL_N_KINDS
} journal_kind;

#define JOURNAL_TIME_MAX 32
#define JOURNAL_RUN_MAX 32
#define JOURNAL_JOB_MAX 32

/* One event. Which fields mean something depends on kind:
 *   suggested   combo; mean, spread (has_prediction); predictor, acquisition (may be NULL);
 *               optionally the acquisition's value (has_value) and the predictor's
 *               cross-validated accuracy when it proposed (has_cv: cv_spearman, cv_mae);
 *               the first of a batch also what else decided the round (has_search: seed,
 *               batch asked for, auto's chosen predictor, the initial design, the runs
 *               fitted); journals written before these were recorded have none;
 *               in a joint round, targets (the round's targets, a mask of dataset indices)
 *               and per_target (its prediction for each of them it contains)
 *   accepted    combo (the suggestion decided on)
 *   rejected    combo; text = the reason (may be NULL)
 *   overridden  combo (the suggestion) and replacement (the user's combination)
 *   undo        combo (the suggestion whose latest decision is reverted; filled in on append)
 *   note        text; combo (0: a note on the round as a whole)
 *   queued      run, combo; known (complete replicates of combo in the tables when queued)
 *   result      run, combo; scores[d] for each member d (NAN: not measured); replicate
 *   committed   (the round alone)
 *   left_open   combo: a suggestion the commit of its round left without a decision (written
 *               between the round's `queued` events and its `committed`; never dropped silently)
 *   withdrawn   run, combo: a queued run taken back before it started (its round's number)
 *   uncommitted (the round alone): undoes the round's commit; its runs not yet withdrawn are
 *               withdrawn with it, its decisions stand again. Only for the journal's last round,
 *               while none of its runs has a result.
 *   submitting  the intent, journaled BEFORE the engine is called: submission (id "s0001"),
 *               engine, name (the job name the engine is given, for finding it after a crash),
 *               runs[] (array index i runs runs[i]; all of one round, none in flight)
 *   submitted   submission, engine, runs[]; job (the engine's job id) or, when nothing was
 *               submitted, job "" and text = why (the runs are then free to submit again)
 *   state       run, state (pending, running, failed, cancelled, lost: run_state), job;
 *               text = Slurm's reason (pending) or why it failed; has_exit/exit_status
 *   cancel      run (asked for before the engine is told)
 *   resubmit    run (a failed, cancelled or lost run goes back to be submitted again)
 * target is a dataset index or -1. Strings are owned by the event. */
typedef struct journal_event {
    journal_kind kind;
    char time[JOURNAL_TIME_MAX]; /* "" on append: now */
    int round;
    int target;
    combo_t combo;
    combo_t replacement;
    bool has_prediction;
    double mean, spread;
    bool has_value;
    double value;
    bool has_cv;
    double cv_spearman, cv_mae;
    char *predictor;
    char *acquisition;
    bool has_search;      /* suggested: what else decided the round (written with its first) */
    unsigned long seed;   /* the search seed */
    int batch;            /* suggestions asked for */
    char *chosen;         /* auto's choice (gp, mlp, ...), or NULL */
    char *init;           /* the initial design when nothing was fitted (paper, alone), or NULL */
    int fit_runs;         /* runs the predictor was fitted on (0: none) */
    char *text;
    char run[JOURNAL_RUN_MAX];
    int known;
    int replicate;
    double *scores; /* result: n_datasets entries; NULL otherwise */
    combo_t targets;  /* suggested: a joint round's targets ("targets"), 0 otherwise */
    double *per_target; /* suggested in a joint round ("per_target"), or NULL: 3 entries per
                         * dataset d at [3d]: mean, spread, value; NAN where not given */
    char *submission; /* submitting, submitted */
    char *engine;     /* submitting, submitted */
    char *name;       /* submitting */
    char job[JOURNAL_JOB_MAX]; /* submitted, state */
    char (*runs)[JOURNAL_RUN_MAX]; /* submitting, submitted */
    size_t n_runs;
    run_state state;  /* state */
    bool has_exit;
    int exit_status;  /* state failed: the run's exit status (128 + N: killed by signal N) */
    long line;      /* line in the journal file (0: not from a file) */
} journal_event;

/* The name of an event kind as written in the file. */
const char *journal_kind_name(journal_kind k);

typedef enum journal_decision {
    DECISION_NONE = 0,
    DECISION_ACCEPTED,
    DECISION_REJECTED,
    DECISION_OVERRIDDEN,
} journal_decision;

/* A suggestion of a round and the decision that stands on it (latest wins, undo reverts). */
typedef struct journal_suggestion {
    combo_t combo;
    int target;
    bool suggested;        /* false: decided on without a `suggested` event (the user's own) */
    size_t event;          /* index of its `suggested` event (or first event naming it) */
    journal_decision decision;
    combo_t replacement;   /* DECISION_OVERRIDDEN */
    size_t decision_event; /* index of the event that made the standing decision */
} journal_suggestion;

/* An approved run: from its `queued` event, and its `result` event once one is journaled. */
typedef struct journal_run {
    char id[JOURNAL_RUN_MAX];
    combo_t combo;
    int round;
    int target;
    int known;
    size_t queued_event;
    bool has_result;
    size_t result_event;
    /* launching (launch.h) */
    int attempts;          /* submissions (`submitting` events) that included it */
    long submission;       /* index into journal.submissions of the latest, or -1 */
    int array_index;       /* its index in that submission */
    run_state state;       /* queued, submitting, pending ... done (see RUN_STATES) */
    long state_event;      /* the latest `state` event of this attempt, or -1 */
    bool cancel_asked;     /* a `cancel` since the latest submission or resubmit */
    bool withdrawn;        /* a `withdrawn` event, or its round's `uncommitted`, took it back */
    size_t withdrawn_event;
} journal_run;

/* One submission to an engine: its intent and, once known, its job. */
typedef struct journal_submission {
    char id[JOURNAL_RUN_MAX];
    char engine[16];
    char job[JOURNAL_JOB_MAX]; /* "" until submitted (or when it failed) */
    int round;
    bool submitted;            /* the `submitted` event is in (job may be "" : failed) */
    size_t intent_event, submitted_event;
    size_t *runs;              /* indices into journal.runs, in array order */
    size_t n_runs;
} journal_submission;

/* Whether run is still waiting: queued, without a result, not withdrawn. */
bool journal_run_waiting(const journal_run *run);

typedef struct journal_round {
    int number;
    int target;         /* target of the round's first event that names one, or -1 */
    combo_t targets;    /* a joint round: the targets its suggestions name ("targets"), else 0 */
    bool committed;
    size_t committed_event;
    journal_suggestion *suggestions;
    size_t n_suggestions;
    size_t *decisions; /* indices of the decision events still standing, oldest first (the undo stack) */
    size_t n_decisions;
    size_t *notes;     /* indices of note events */
    size_t n_notes;
    size_t *runs;      /* indices into journal.runs of the runs queued in this round */
    size_t n_runs;
    size_t *results;   /* indices of result events for runs of this round */
    size_t n_results;
    size_t *left_open; /* indices of the `left_open` events of its (latest) commit */
    size_t n_left_open;
    size_t n_uncommits; /* `uncommitted` events: commits undone */
} journal_round;

/* Whether the file open for appending is still the journal at its path. A journal replaced
 * (`mv x journal.jsonl`, a checkout, a sync tool) or removed under an open writer is "lost":
 * nothing more is written to the old file, and every append fails until it is reopened. */
typedef enum journal_place {
    JOURNAL_IN_PLACE = 0,
    JOURNAL_REPLACED, /* another file is at the path now */
    JOURNAL_REMOVED,  /* nothing is at the path */
} journal_place;

typedef struct journal {
    char *path;
    const study *study; /* borrowed: names <-> dataset indices */
    int fd;             /* open for appending; -1 when read-only */
    dev_t dev;          /* of the file open for appending */
    ino_t ino;
    journal_place lost; /* sticky: set when an append found the file gone from its path */
    off_t size;         /* bytes of whole lines: where the next line starts */
    long lines;         /* physical lines in the file */
    bool torn;          /* a torn last line was found (and, if writable, truncated) */
    char warning[ERROR_MSG_MAX]; /* "" or the torn-line warning */
    char read_only_why[ERROR_MSG_MAX]; /* "" or why journal_open_study opened it read-only
                                          although asked to write (directory or journal not
                                          writable: "...: opened read-only; use --read-only ...") */

    journal_event *events;
    size_t n_events, cap_events;
    journal_round *rounds; /* sorted by number */
    size_t n_rounds;
    journal_run *runs;     /* in the order queued */
    size_t n_runs;
    size_t *run_hash;      /* run id -> index + 1 (0: empty slot), open addressing */
    size_t run_hash_cap;
    journal_submission *submissions; /* in the order of their intents */
    size_t n_submissions;
} journal;

/* Opens the journal at path for study s (which must outlive it) and replays it. A missing file
 * is an empty journal (created on the first append when writable). writable: keep it open for
 * appending (the caller should hold the study's lock, see lock.h). Returns NULL with err set
 * on a bad line or I/O error; j->warning holds the torn-line warning if any. */
journal *journal_open(const char *path, const study *s, bool writable, cs_error *err);

/* Opens the journal of study s as the explorer does: unless read_only, takes the study's lock
 * (lock.h) and opens the journal writable, *lock getting the lock (release it after
 * journal_free). When another process holds the lock, or read_only is set, opens it read-only:
 * *lock is NULL and, when held elsewhere, *holder says by whom (holder->pid > 0; -1 when the
 * holder has not written its name yet; 0 when not held). When the study's directory or its
 * journal is not writable it opens read-only too (*lock NULL, holder->pid 0) and says why in
 * j->read_only_why. NULL with err
 * set when the study names no journal, the lock cannot be taken for another reason, or the
 * journal is bad. */
journal *journal_open_study(const study *s, bool read_only, study_lock **lock, lock_info *holder,
                            cs_error *err);

/* Points j at s, a reloaded copy of its study (after a table changed). The datasets must be
 * the same, in the same order; false with err set (and j unchanged) if not. */
bool journal_rebind(journal *j, const study *s, cs_error *err);

/* Closes the file and frees everything. */
void journal_free(journal *j);

/* The journal path of a study: its "journal" key resolved against its directory, or NULL when
 * the study names none. Returns a new string. */
char *journal_path_of(const study *s);

/* Checks that the file open for appending is still the one at j->path (same device and
 * inode) and that nobody else changed its size. False with err set (and j->lost when it was
 * replaced or removed) when not. journal_append calls it before writing and again after the
 * fsync, so that true from journal_append means "in the file at the path". */
bool journal_check_place(journal *j, cs_error *err);

/* Checks ev against the journal so far (a decision needs an uncommitted round, an undo a
 * decision to revert, ...), checks the file is still at its path (journal_check_place), writes
 * it as one line with write() + fsync(), checks again, then adds it to the model. ev's strings are copied; an empty ev->time is set to now. False with err set and
 * nothing changed (a partial line is truncated away) on any failure. */
bool journal_append(journal *j, const journal_event *ev, cs_error *err);

/* Conveniences over journal_append, one per event kind (target: dataset index or -1). A
 * suggestion with its acquisition value or cross-validation figures goes through
 * journal_append with those fields set. */
bool journal_append_suggested(journal *j, int round, int target, combo_t c, double mean,
                              double spread, const char *predictor, const char *acquisition,
                              cs_error *err);
bool journal_append_accepted(journal *j, int round, int target, combo_t c, cs_error *err);
bool journal_append_rejected(journal *j, int round, int target, combo_t c, const char *reason,
                             cs_error *err);
bool journal_append_overridden(journal *j, int round, int target, combo_t c, combo_t replacement,
                               cs_error *err);
/* Reverts the latest standing decision of the round; false with err if there is none. */
bool journal_append_undo(journal *j, int round, cs_error *err);
bool journal_append_note(journal *j, int round, int target, combo_t c, const char *text,
                         cs_error *err);
bool journal_append_queued(journal *j, int round, int target, const char *run, combo_t c,
                           int known, cs_error *err);
/* scores: n_datasets entries indexed by dataset (NAN for none); only members are written. */
bool journal_append_result(journal *j, int round, int target, const char *run, combo_t c,
                           const double *scores, int replicate, cs_error *err);
bool journal_append_committed(journal *j, int round, cs_error *err);
bool journal_append_left_open(journal *j, int round, int target, combo_t c, cs_error *err);
/* Takes back queued run id (which must be waiting: no result, not withdrawn). */
bool journal_append_withdrawn(journal *j, const char *run, cs_error *err);
/* Undoes the commit of round (see `uncommitted` above for when it may). */
bool journal_append_uncommitted(journal *j, int round, cs_error *err);

/* Launch events (launch.h is their user): the intent before the engine is called, its
 * outcome (job "" and why: nothing submitted), a state change, a cancel request, a resubmit. */
bool journal_append_submitting(journal *j, int round, const char *submission, const char *engine,
                               const char *name, const char (*runs)[JOURNAL_RUN_MAX], size_t n,
                               cs_error *err);
bool journal_append_submitted(journal *j, const char *submission, const char *job, const char *why,
                              cs_error *err);
bool journal_append_state(journal *j, const char *run, run_state st, const char *job,
                          const char *text, bool has_exit, int exit_status, cs_error *err);
bool journal_append_cancel(journal *j, const char *run, cs_error *err);
bool journal_append_resubmit(journal *j, const char *run, cs_error *err);

/* The submission with this id, or NULL. */
const journal_submission *journal_submission_find(const journal *j, const char *id);

/* The rounds replayed from the journal, sorted by number; *n gets their count. */
const journal_round *journal_rounds(const journal *j, size_t *n);

/* The round with this number, or NULL. */
const journal_round *journal_round_find(const journal *j, int number);

/* The number a new round would get: one past the highest round seen (1 for an empty journal). */
int journal_next_round(const journal *j);

/* The round to work on: the highest round when it is not committed yet (a session that ended,
 * or crashed, mid-round), else journal_next_round. */
int journal_current_round(const journal *j);

/* The run with this id, or NULL. */
const journal_run *journal_run_find(const journal *j, const char *id);

/* How many runs of round r are queued and not withdrawn (with or without a result). */
size_t journal_round_live_runs(const journal *j, const journal_round *r);

/* Writes the current UTC time as ISO 8601 ("2026-11-29T22:01:02Z") into out. */
void journal_now(char out[JOURNAL_TIME_MAX]);

#endif
