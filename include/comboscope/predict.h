/* predict: models that learn, for one target, the map combination -> score from the measured
 * combinations that contain it, and predict every other one with an uncertainty.
 *
 * Every model is a set of S "members" (S >= 1): an ensemble's networks, or antithetic draws from
 * a Bayesian ridge posterior. The prediction is the members' mean and the uncertainty their
 * standard deviation; search draws Thompson samples and re-scores batches from the members.
 * Everything is deterministic for a given seed (own PRNG, fixed loop orders). */
#ifndef COMBOSCOPE_PREDICT_H
#define COMBOSCOPE_PREDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "comboscope/combo.h"
#include "comboscope/error.h"

/* The predictors: enum value, command-line name, one-line description. */
#define PREDICT_KINDS(X)                                                                          \
    X(PREDICT_ENSEMBLE, "ensemble", "bootstrap ensemble of small MLPs with a linear path")      \
    X(PREDICT_MLP, "mlp", "one MLP on the membership bits, Adam, squared error (the paper)")    \
    X(PREDICT_ADDITIVE, "additive", "Bayesian ridge on the bits: one effect per dataset")       \
    X(PREDICT_PAIRWISE, "pairwise", "Bayesian ridge with pairwise terms (a task-affinity matrix)") \
    X(PREDICT_RANDOM, "random", "no model: random scores, for comparison")                        \
    X(PREDICT_MULTI, "multi", "ensemble with one output per dataset, trained on every member's scores") \
    X(PREDICT_GP, "gp", "Gaussian process, Hamming (hypercube diffusion) kernel, marginal likelihood") \
    X(PREDICT_AUTO, "auto", "per target and round, the candidate with the best cross-validated rank accuracy")

typedef enum predict_kind {
#define X(e, name, help) e,
    PREDICT_KINDS(X)
#undef X
    PREDICT_N_KINDS
} predict_kind;

#define PREDICT_DEFAULT PREDICT_AUTO /* chosen on the search suite: BENCHMARKS.md, search suite */

/* The kind called name; false if there is none. */
bool predict_kind_parse(const char *name, predict_kind *out);

/* The command-line name of kind. */
const char *predict_kind_name(predict_kind kind);

/* The names of every predictor joined by ", " (static storage), for error messages. */
const char *predict_kind_list(void);

/* How hard to train: PREDICT_FULL for suggestions, PREDICT_CHEAP for cross-validation folds
 * (fewer ensemble members and epochs; documented in the man page). */
typedef enum predict_effort { PREDICT_FULL = 0, PREDICT_CHEAP = 1 } predict_effort;

typedef struct predict_model predict_model;

/* Fits a model of kind for target among n datasets (1..64) on m measured points: combinations
 * x[i] (each containing target) with scores y[i] (higher or lower, the model does not care).
 * m may be 0 (the model then predicts 0 with unit spread). Returns a new model (predict_free)
 * or NULL with err set (pairwise needs n <= 32). */
predict_model *predict_fit(predict_kind kind, int n, int target, const combo_t *x, const double *y,
                           size_t m, uint64_t seed, predict_effort effort, cs_error *err);

void predict_free(predict_model *model);

/* The measured runs of a study: m combinations, each with one score per dataset:
 * score[i * n + d] is dataset d's score in run i, NAN when d is not a member or not measured.
 * One run scores every member, so a model that knows the target can learn from all of them. */
typedef struct predict_runs {
    int n;
    size_t m;
    const combo_t *combo;
    const double *score;
} predict_runs;

/* The target's points of runs (combinations containing it with a score for it): allocates *x
 * and *y (caller frees); returns the count. */
size_t predict_runs_target(const predict_runs *runs, int target, combo_t **x, double **y);

/* Fits kind for target on runs: multi learns from every member's score of every run (one output
 * per dataset on shared hidden units); every other kind uses the target's scores only, exactly
 * as predict_fit. NULL with err set on error. */
predict_model *predict_fit_runs(predict_kind kind, int target, const predict_runs *runs, uint64_t seed,
                                predict_effort effort, cs_error *err);

/* predict_cv for runs: the folds split the target's points; a held-out point's target score is
 * hidden from the fit, the other members' scores of that run stay visible. */
bool predict_cv_runs(predict_kind kind, int target, const predict_runs *runs, int folds, uint64_t seed,
                     double *spearman, double *mae);

/* Number of members S of the model (1 for mlp and random). */
int predict_members(const predict_model *model);

/* Writes each member's prediction for combination c (which contains the target) to out[S]. */
void predict_eval_members(const predict_model *model, combo_t c, double *out);

/* The prediction for c: members' mean, and their standard deviation (0 when S == 1). */
void predict_eval(const predict_model *model, combo_t c, double *mean, double *sd);

/* What the spread (the sd of predict_eval) of kind means, in a few words ("sd over the
 * ensemble's networks (bootstrap samples)"), or NULL when kind has none (mlp, random: one
 * member; its sd of 0 is no certainty): screens then show "n/a". For auto, ask for the kind it
 * chose (predict_auto_choice). */
const char *predict_spread_meaning(predict_kind kind);

/* A cursor scores many combinations in a row, as predict_eval_members does, but incrementally:
 * moving to a combination that differs from the previous one by one dataset (as consecutive
 * combinations in Gray-code order do) updates the kept sums with that dataset's weights (one
 * weight row per member for the networks) instead of summing every member again. The result may
 * differ from predict_eval_members in the last bits, and depends only on the sequence of
 * combinations since the last reset. Models without an incremental form are evaluated in full.
 * One cursor per thread; the model must outlive it. */
typedef struct predict_cursor predict_cursor;

predict_cursor *predict_cursor_new(const predict_model *model);
void predict_cursor_free(predict_cursor *cur);

/* Forgets the current combination: the next predict_cursor_eval computes from scratch. */
void predict_cursor_reset(predict_cursor *cur);

/* Moves to combination c (which contains the target) and writes each member's prediction to
 * out[S]. */
void predict_cursor_eval(predict_cursor *cur, combo_t c, double *out);

/* The pairwise model's pair weights as a task-affinity matrix: out[i*n+j] (n*n doubles) is the
 * predicted extra score, for the target, of training datasets i and j together beyond their
 * separate effects (0 on the diagonal and for the target's row and column). False for any
 * other kind (out untouched). */
bool predict_pair_weights(const predict_model *model, double *out);

/* The additive part: out[i] (n doubles) is dataset i's estimated effect on the target's score
 * (0 for the target). False for kinds without one (mlp, ensemble, random). */
bool predict_main_effects(const predict_model *model, double *out);

/* Cross-validated accuracy of kind on the points (k folds, k = min(folds, m)): Spearman rank
 * correlation and mean absolute error of held-out predictions. False (outputs NaN) when there
 * are fewer than 4 points. */
bool predict_cv(predict_kind kind, int n, int target, const combo_t *x, const double *y, size_t m,
                int folds, uint64_t seed, double *spearman, double *mae);

/* auto: the candidates it chooses among (cross-validated on the target's points each time it
 * fits), in order of preference on ties. */
#define PREDICT_AUTO_CANDIDATES {PREDICT_GP, PREDICT_MLP}
#define PREDICT_AUTO_N 2
#define PREDICT_AUTO_FOLDS 5
#define PREDICT_AUTO_GP_MAX 1000 /* above this many points auto leaves gp out (its exact fits grow as m^3) */

/* Whether a cross-validated rank correlation rho on m points is clearly above zero: m >= 4
 * and rho above the one-sided 90% bound of no correlation, 1.2816 / sqrt(m - 1). */
bool predict_has_skill(double rho, size_t m);

/* What auto chose and why (predict_auto_choice). */
typedef struct predict_choice {
    predict_kind chosen;      /* the kind fitted */
    double rho;               /* its cross-validated Spearman correlation (NaN: too few points) */
    double mae;
    predict_kind runner;      /* the best other candidate (PREDICT_AUTO if none) */
    double runner_rho;
    size_t points;            /* the target's points it was cross-validated on */
    bool skill;               /* predict_has_skill(rho, points) */
} predict_choice;

/* The choice behind a model fitted with PREDICT_AUTO (predict_fit/predict_fit_runs fit the
 * chosen kind, so every other function sees that kind); false for any other model. */
bool predict_auto_choice(const predict_model *model, predict_choice *out);

/* Writes "auto: pairwise, cv rho 0.71 vs gp 0.55" (or the reason it has no skill) to buf. */
char *predict_choice_format(const predict_choice *c, char *buf, size_t n);

/* Spearman rank correlation of a and b (average ranks for ties); NaN if undefined. */
double predict_spearman(const double *a, const double *b, size_t m);

#endif
