/* round: the model of a study being searched by hand, one round at a time. It holds the study
 * (reloading it when a table changes), the journal and its lock, and the current round for one
 * target: the predictor in use with its cross-validated accuracy, and the batch of suggestions
 * with the decisions that stand on them. The Round and History views read it and send it
 * actions; it never touches a terminal.
 *
 * Call order: round_session_open; round_propose(target) (reopens an uncommitted round from the
 * journal, else fits the predictor and proposes a batch); decisions (round_accept, _reject,
 * _override, _note, _undo) each journaled and fsync'd before they return true; round_commit
 * queues the accepted and overriding combinations (and, with an oracle, answers them at once);
 * round_poll when a key is pressed or the terminal is idle; round_session_free.
 *
 * A batch is journaled (its `suggested` events) only when the first decision or note is made on
 * it, so that re-proposing (other predictor, acquisition or batch size) before deciding leaves
 * nothing behind. Once a decision stands, the batch is fixed until the decisions are undone. */
#ifndef COMBOSCOPE_ROUND_H
#define COMBOSCOPE_ROUND_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "comboscope/error.h"
#include "comboscope/journal.h"
#include "comboscope/lock.h"
#include "comboscope/predict.h"
#include "comboscope/search.h"
#include "comboscope/study.h"
#include "comboscope/study_json.h"

/* One suggestion of the batch (or, after an override, the suggestion it replaced). */
typedef struct round_item {
    combo_t combo;
    double predicted, sd;      /* in the metric's units (NAN if unknown) */
    double acquisition;        /* NAN if unknown */
    journal_decision decision;
    combo_t replacement;       /* DECISION_OVERRIDDEN: the user's combination */
    double repl_predicted, repl_sd;
    const char *reason;        /* a rejection's reason, or NULL (owned by the journal) */
    int serves;                /* the study's targets among its members (one run scores each) */
    /* A joint round (round_session.joint): its value for each of the round's targets, indexed
     * as round_session.targets; NAN for a target it does not contain. acquisition above is
     * then the joint value, the sum of t_value over the targets it contains. */
    double t_predicted[COMBO_MAX_DATASETS];
    double t_sd[COMBO_MAX_DATASETS];
    double t_value[COMBO_MAX_DATASETS]; /* that target's improvement z (search_round_joint) */
} round_item;

/* A joint round: what is known of each of its targets when it was proposed. */
typedef struct round_target_fit {
    int target;                /* dataset index */
    study_target_summary summary;
    size_t measured;           /* its measured runs */
    bool has_cv;
    double cv_spearman, cv_mae;
    bool automatic;            /* auto chose the predictor: choice says what and why */
    predict_choice choice;
} round_target_fit;

typedef struct round_session {
    study *study;              /* the study in use (the caller's, or a reload owned here) */
    study *owned;              /* a reloaded study this session frees, or NULL */
    study_open_options open_opt;
    journal *journal;          /* NULL when the study names no journal */
    study_lock *lock;          /* NULL: read-only */
    bool read_only;
    bool lock_elsewhere;       /* read-only because another instance holds the lock */
    /* Called about every tenth of a second while a fit runs on its worker thread (NULL: fit
     * on the caller's thread): secs since it started; return true to cancel the fit. */
    bool (*wait)(void *ctx, double secs);
    void *wait_ctx;
    size_t fit_sampled_from;   /* 0, or the measured runs the fit sampled ROUND_FIT_MAX of */
    bool lock_free;            /* ... and round_lock_poll found it free since */
    char read_only_why[400];   /* "" or why the study is read-only (who holds the lock) */
    char *oracle;              /* --oracle COMPLETE.csv, or NULL */
    struct launch_session *launch; /* the study's launch engine (launch.h), or NULL: none, read-only, or an oracle */
    char launched[ERROR_MSG_MAX + 64]; /* what the last round_commit submitted ("submitted round 5: Slurm job
                                * 4242, 3 runs"), or why submitting failed; "" when nothing was */
    struct timespec *mtimes;   /* of each table when last read */

    /* the current round */
    int target;                /* dataset index, -1 before round_propose */
    int number;                /* its number in the journal */
    search_settings settings;
    bool journaled;            /* the batch's `suggested` events are in the journal */
    bool design;               /* too few runs to fit: the batch is the `auto` initial design */
    bool design_alone;         /* ... which is the target alone (a small lattice) */
    bool no_skill;             /* auto's predictor cannot rank the runs (the view says so) */
    bool later_by_gp;          /* auto chose mlp: the picks after the first came from gp's posterior */
    bool has_cv;
    double cv_spearman, cv_mae;
    size_t measured;           /* points the predictor was fitted on */
    predict_model *model;      /* fitted on the target's measured combinations, or NULL */
    round_item *items;
    size_t n_items;
    study_target_summary summary; /* the target's baseline and best measured */
    /* A round for several targets at once (round_set_joint; or reopened from the journal):
     * each suggestion is valued by the sum of its improvement over the targets it contains
     * (search_round_joint). target above is then the one shown first (the current target). */
    bool joint;                /* the session proposes joint rounds (the J key) */
    int joint_n;               /* ... for these targets (0: every target of the study) */
    int joint_set[COMBO_MAX_DATASETS];
    bool is_joint;             /* the current round is joint */
    int n_targets;             /* the current round's targets (joint), in study order */
    int targets[COMBO_MAX_DATASETS];
    round_target_fit fits[COMBO_MAX_DATASETS];
    predict_model *models[COMBO_MAX_DATASETS]; /* each target's model (joint), or NULL */
    /* round_prospect's cache: known is cleared by every fit and reload */
    bool prospect_known, has_prospect;
    combo_t prospect;
    double prospect_mean, prospect_sd, prospect_gain;
} round_session;

#define ROUND_PROSPECT_MAX 13

/* The most runs a fit uses: above it, a fixed random sample (seeded by the search seed) of
 * that many of the target's measured runs; the Round view says "sample of N of M runs". */
#define ROUND_FIT_MAX 5000

/* Opens the session on s (borrowed; it must outlive the session unless a reload replaces it):
 * takes the lock and opens the journal writable unless read_only or another process holds the
 * lock (then read_only_why says who). oracle (may be NULL) is copied. NULL with err set when
 * the journal is bad or the lock fails for another reason. A study that names no journal
 * opens read-only. With an oracle, runs already waiting in the queue are answered at once. */
round_session *round_session_open(study *s, const study_open_options *opt, bool read_only,
                                  const char *oracle, cs_error *err);

/* Another instance holds the lock (rs->lock_elsewhere): looks again, without taking it.
 * Returns 1 when the holder is gone (rs->lock_free set: round_take_over may take it),
 * 2 when another holder took it meanwhile (read_only_why names it), 0 when nothing changed
 * or the session is not read-only because of a lock. Cheap: for every key and idle tick. */
int round_lock_poll(round_session *rs);

/* Takes the lock that another instance held and is gone: reopens the journal writable and
 * the current round from it. False with err set (held again: read_only_why names by whom). */
bool round_take_over(round_session *rs, cs_error *err);

/* Releases the lock, closes the journal, frees a reloaded study. */
void round_session_free(round_session *rs);

/* Whether a fit cancelled with Esc is still running on its detached worker thread. Such a
 * worker owns copies of everything it reads, but the process must then leave with _exit
 * (no exit handlers: a library's destructors would free what the worker still uses). */
bool round_fits_running(void);

/* The round to work on for target: an uncommitted round in the journal is reopened with its
 * batch and decisions (its own target wins over the one asked for); else the predictor is
 * fitted and a new batch proposed (journaled later, see above). With fewer than 4 measured
 * runs for the target (fewer than the design's size when the `auto` design is smaller: the
 * target alone) nothing is fitted: the batch is the unmeasured part of the `auto` initial
 * design (search.h), as replay and suggest start, without predictions. False with err set. */
bool round_propose(round_session *rs, int target, cs_error *err);

/* How many measured runs proposing a round for target would fit the predictor on: what
 * round_propose (or a re-proposal, a commit, a poll that proposes again) is about to cost, so
 * that the caller can say so before a slow fit. An uncommitted round in the journal counts
 * for its own target. 0 when nothing would be fitted (fewer than 4 runs, a complete lattice). */
size_t round_fit_runs(const round_session *rs, int target);

/* Switches between rounds for one target (rs->target) and joint rounds for every target of the
 * study (each candidate valued by the sum over the targets it contains of that target's
 * improvement, search_round_joint), and proposes again. False with err set when a decision
 * stands on the batch (undo first), the study has fewer than 2 targets or more than
 * SEARCH_ENUMERATE_MAX datasets, or the search fails (the session then stays as it was). */
bool round_set_joint(round_session *rs, bool joint, cs_error *err);

/* The same for a chosen set: joint rounds for targets[0..nt) (dataset indices, each one of the
 * study's targets, at least 2; duplicates ignored; kept in study order), or with nt 0 rounds for
 * rs->target alone. The set stays for the rounds after (round_set_joint(rs, true): every target). */
bool round_set_joint_targets(round_session *rs, const int *targets, int nt, cs_error *err);

/* Whether dataset d is a target of the current round (rs->target, or one of a joint round's). */
bool round_is_target(const round_session *rs, int d);

/* The prediction of target j of a joint round (index into rs->targets) for combination c,
 * which must contain it; false when it does not or nothing is fitted. */
bool round_score_target(const round_session *rs, int j, combo_t c, double *mean, double *sd);

/* A joint proposal without a session (suggest --joint): fits each of targets[0..nt) on the
 * study's runs (every member's score; predict_fit_runs with seed st->seed + j, as
 * search_round_joint), cross-validates each when cv is set (auto: the figures of its own
 * choice), and writes up to st->batch picks to out (room for st->batch), best first, and each
 * target's figures to fits[0..nt). Returns the number of picks, or -1 with err set (more than
 * SEARCH_ENUMERATE_MAX datasets, or a target with no measured run). */
int round_joint_propose(const study *s, const search_settings *st, const int *targets, int nt, bool cv,
                        search_joint_pick *out, round_target_fit *fits, cs_error *err);

/* Changes the settings and proposes again; false with err set when a decision already stands
 * on the batch (undo first) or the search fails. */
bool round_set_predictor(round_session *rs, predict_kind k, cs_error *err);
bool round_set_acquisition(round_session *rs, search_acquisition a, cs_error *err);
bool round_set_batch(round_session *rs, int batch, cs_error *err);

/* Decisions on item i, journaled (and fsync'd) before returning true. */
bool round_accept(round_session *rs, size_t i, cs_error *err);
bool round_reject(round_session *rs, size_t i, const char *reason, cs_error *err);
/* Replaces suggestion i by the user's combination c (which must contain the target). */
bool round_override(round_session *rs, size_t i, combo_t c, cs_error *err);
/* A note on item i, or on the round as a whole when i is (size_t)-1. */
bool round_note(round_session *rs, size_t i, const char *text, cs_error *err);
/* What round_undo took back. */
typedef struct round_undone {
    bool commit;  /* the last commit (else a decision of the current round) */
    int round;    /* the round it was in */
    size_t runs;  /* commit: runs taken back from the queue */
    size_t item;  /* the item to show: the decision's, or the reopened round's first open one */
} round_undone;

/* Reverts the latest standing decision of the current round; when the round has nothing
 * journaled yet, undoes the last commit instead (an `uncommitted` event, the queue file
 * rewritten): that round is open again with its decisions standing, and becomes the current
 * round. A commit stays when a run of it has its result or has been handed to a launcher.
 * False with err set (nothing written) when there is nothing to undo. */
bool round_undo(round_session *rs, round_undone *what, cs_error *err);

/* Takes back queued run (a `withdrawn` event, flushed; the queue file rewritten): its
 * combination can then be proposed again. A run handed to a launch engine and still pending
 * is cancelled there first (launch_cancel); one submitting or running is refused (cancel it
 * instead). False with err set (unknown run, one with its result, withdrawn already, started,
 * or read-only). */
bool round_withdraw(round_session *rs, const char *run, cs_error *err);

/* Cancels a launched run through the study's engine (launch_cancel: journaled before the
 * engine is told), or resubmits a failed, cancelled or lost one (msg, size n: what was
 * submitted). False with err set: read-only, no launch engine, or launch.h refuses. */
bool round_cancel(round_session *rs, const char *run, cs_error *err);
/* Whether round_cancel would go ahead (a run queued, submitting, pending or running, not yet
 * asked to cancel, and an engine in this session), without writing anything. */
bool round_cancel_check(const round_session *rs, const char *run, cs_error *err);
bool round_resubmit(round_session *rs, const char *run, char *msg, size_t n, cs_error *err);

/* What happened to run (an index into j->runs) after it was queued, in order, for History:
 * "slurm 4242, pending, running, failed (exit 3), resubmit, slurm 4250, ..., done 0.7100" (the
 * engine and job of each submission, the states, cancel, resubmit, withdrawn, the result);
 * "queued" when nothing has. Written into buf (size n), which it returns. */
char *round_run_story(const journal *j, size_t run, char *buf, size_t n);

/* The last lines (at most `lines`) of the text file at path, as a new string (caller frees),
 * or NULL when it cannot be read (a run's log before the run starts). */
char *round_log_tail(const char *path, int lines);

/* Whether round_withdraw would take run back, without writing anything (err says why not). */
bool round_withdraw_check(const round_session *rs, const char *run, cs_error *err);

/* The run queued last that could be withdrawn (no result, not withdrawn, not submitting or
 * running: what `w` offers), or NULL. */
const journal_run *round_last_waiting(const round_session *rs);

/* What committing now would do, as the question to ask: "commit 3 runs, leave #4 open? (y/N)",
 * naming the launch engine when the study has a `launch` object and runs would be submitted.
 * Returns true when the commit must be confirmed first (suggestions without a decision would
 * be left open, or runs would be handed to a launch engine); else buf just says "commit N runs". */
bool round_commit_question(const round_session *rs, char *buf, size_t n);

/* How many items are accepted or overridden. */
size_t round_approved(const round_session *rs);

/* Commits the round: queues every accepted and overriding combination, journals the open
 * suggestions as left open (`left_open`), writes the queue file, and, with an oracle, answers
 * the queued runs and records their results; with a `launch` object (and no oracle), submits
 * them through its engine and says so in rs->launched (a failed submission is said there too:
 * the commit stands and the runs stay queued, for `comboscope launch`). Slurm's sbatch does not
 * block: rs->launched says "submitting round 5 to Slurm: 3 runs", round_poll reads sbatch's
 * answer and round_launch_news then says "submitted round 5: Slurm job 4242, 3 runs". Then
 * proposes the next round for the same target. *queued gets how many runs were queued. */
bool round_commit(round_session *rs, size_t *queued, cs_error *err);

/* True while a commit's submissions are going out (poll often: round_poll reads them). */
bool round_launch_busy(const round_session *rs);

/* Once, after a commit's submissions have all answered: true with what they say in msg. */
bool round_launch_news(round_session *rs, char *msg, size_t n);

/* The prediction of the fitted model for combination c (which must contain the target); false
 * when no model is fitted. For the combination editor: cheap, no refit. */
bool round_score(const round_session *rs, combo_t c, double *mean, double *sd);

/* What the fitted model expects is still to be gained for rs->target: the unmeasured
 * combination with the best predicted score (*c, *mean) and that score's gain over the best
 * measured (*gain, sign-adjusted by the study's goal: negative when the model expects nothing
 * better). Every unmeasured combination is scored, so only up to ROUND_PROSPECT_MAX datasets;
 * done on the first call after a fit or a reload (tenths of a second with a large ensemble,
 * so not as part of the fit), then cached. False when there is none (no model). */
bool round_prospect(round_session *rs, combo_t *c, double *mean, double *gain);

/* Datasets added to and removed from the target's best measured combination to get c. */
void round_diff_best(const round_session *rs, combo_t c, combo_t *added, combo_t *removed);

/* How the latest committed round that queued runs is coming along. */
typedef struct round_progress {
    int round;      /* its number; 0 when no committed round has runs (left) */
    size_t runs;    /* its runs not withdrawn */
    size_t done;    /* of those, with their result */
    bool complete;  /* every one is done: the next round is proposed with their results */
    size_t by_state[RUN_N_STATES]; /* its runs not withdrawn by state (queued, pending, ...) */
} round_progress;

/* Fills *p; false when there is no such round (p->round 0). Reads the journal only. */
bool round_progress_of(const round_session *rs, round_progress *p);

/* Results coming back: first a step of following launched runs (launch_poll: returns at once,
 * journals state changes and appends results to the table). Then, when force is set or a
 * table's modification time changed, reloads the
 * study (force with an oracle: it first answers every run waiting), matches the rows to the queued runs and journals their results. Returns the number
 * of results recorded (0 when nothing changed), or -1 with err set (the old study stays). A
 * round whose results came in is proposed again. */
int round_poll(round_session *rs, bool force, cs_error *err);

/* A result typed in by hand for run id: text holds one score per member, in dataset order,
 * separated by blanks or commas. Appended to the study's first table, then collected as
 * round_poll does. False with err set (unknown run, wrong count, not a number). */
bool round_enter_result(round_session *rs, const char *run, const char *text, cs_error *err);

/* ---- History: every round of the journal, and the curves --------------------------------- */

typedef struct round_history_row {
    int number;
    int target;
    bool committed;
    size_t suggested, accepted, rejected, overridden, notes, queued, results;
    bool has_cv;
    double cv_spearman;        /* as journaled when the round was proposed */
    bool has_error;
    double error;              /* mean |predicted - measured| over suggestions that came back */
    bool has_best;
    double best;               /* best-so-far for the round's target after its results */
} round_history_row;

/* One row per round of the journal, in order. Returns a new array (caller frees), *n its count.
 * Empty without a journal. */
round_history_row *round_history(const round_session *rs, size_t *n);

/* The best-so-far curve of target: out[0] is the best measured before the journal's first
 * run (combinations no journaled run produced), out[r] after the results of rounds up to the
 * r-th round of the journal (any target). Returns the number of points (n_rounds + 1) written
 * to a new array *out (caller frees); NAN where nothing is measured yet. */
size_t round_best_curve(const round_session *rs, int target, double **out);

#endif
