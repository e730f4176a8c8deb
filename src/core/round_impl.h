/* round_impl: what the files of the round module (round.c, round_propose.c, round_fit.c,
 * round_decide.c, round_history.c) share; not part of the module's interface (round.h). */
#ifndef COMBOSCOPE_ROUND_IMPL_H
#define COMBOSCOPE_ROUND_IMPL_H

#include "comboscope/round.h"

#define ROUND_CV_FOLDS 5
#define ROUND_MIN_FIT 4 /* fewer measured runs than this: propose the initial design instead */

/* Drops the current round's model and batch (the session stays). */
void round_clear(round_session *rs);

/* The study's targets among the members of c (one run scores each of them). */
int round_serves_of(const study *s, combo_t c);

/* Copies the standing decisions of the journal's round onto the items. */
void round_items_settle(round_session *rs);

/* Whether a decision stands on any item. */
bool round_decided_any(const round_session *rs);

/* The auto initial design for target (caller frees), as replay and suggest use it. */
combo_t *round_auto_design(const study *s, int target, uint64_t seed, size_t *n);

/* Fewer measured runs of target than this: the round proposes the initial design instead of
 * fitting (ROUND_MIN_FIT, or the auto design's size when that is smaller). */
size_t round_fit_threshold(const study *s, int target, uint64_t seed);

/* Fits the model and its cross-validation on rs->target's measured points (a sample of
 * ROUND_FIT_MAX of them when there are more), on a worker thread when rs->wait is set, and,
 * when st is not NULL, proposes with it: *sug and *got get the suggestions. *xo, *yo, *mo get
 * every measured point (caller frees). False with err set (cancelled, or the fit failed). */
bool round_fit_and_search(round_session *rs, const search_settings *st, combo_t **xo, double **yo, size_t *mo,
                          search_suggestion **sug, int *got, cs_error *err);

/* round_fit_and_search without the search. */
bool round_fit(round_session *rs, combo_t **xo, double **yo, size_t *mo, cs_error *err);

/* ---- joint rounds (round_joint.c) ---- */

/* The fits, cross-validation and search of a joint round, as one job that touches nothing but
 * itself (so that it can run on a worker thread). */
typedef struct round_joint_job {
    /* inputs, owned by the job */
    search_settings st;
    int targets[COMBO_MAX_DATASETS];
    int nt;
    bool cv;      /* cross-validate each target's predictor (auto: its own figures anyway) */
    bool search;  /* also score the candidates (else: the models only, for a reopened round) */
    int n;
    size_t m;
    combo_t *combo; /* the study's measured runs, every member's score (predict_runs) */
    double *score;
    /* outputs */
    predict_model *models[COMBO_MAX_DATASETS];
    round_target_fit fits[COMBO_MAX_DATASETS]; /* cv and choice only: summaries are the caller's */
    search_joint_pick *picks;
    int got;
} round_joint_job;

/* A job for targets[0..nt) on s's runs as they are now (copied). */
round_joint_job *round_joint_job_new(const study *s, const search_settings *st, const int *targets, int nt,
                                     bool cv, bool search);
void round_joint_job_free(round_joint_job *jj);

/* Runs the job; abandoned (may be NULL) is asked between fits: true stops it (false returned).
 * False with err set when a fit or the search fails. */
bool round_joint_work(round_joint_job *jj, bool (*abandoned)(void *ctx), void *ctx, cs_error *err);

/* Whether a joint round can be proposed for targets: up to SEARCH_ENUMERATE_MAX datasets and
 * each target with enough measured runs to fit (round_fit_threshold). False with err set. */
bool round_joint_ready(const study *s, const int *targets, int nt, uint64_t seed, cs_error *err);

/* Runs jj as round_fit_and_search runs its fit (on a worker while rs->wait answers). True when
 * it ran (the caller owns jj again; jj's outputs say how, *ok whether it succeeded, err why
 * not); false when cancelled (the worker then owns and frees jj) with err set. */
bool round_fit_joint(round_session *rs, round_joint_job *jj, bool *ok, cs_error *err);

#endif
