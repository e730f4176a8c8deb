/* search: one round of the method for one target. Fit a predictor on the measured combinations,
 * score the candidates (every unmeasured combination that contains the target), and pick a batch
 * of k distinct suggestions by an acquisition rule. Also the initial designs and the stop rule. */
#ifndef COMBOSCOPE_SEARCH_H
#define COMBOSCOPE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "comboscope/combo.h"
#include "comboscope/error.h"
#include "comboscope/predict.h"

/* Acquisition rules: enum value, name, description. */
#define SEARCH_ACQUISITIONS(X)                                                              \
    X(ACQ_MEAN, "mean", "greedy: the best predicted score (the paper)")                    \
    X(ACQ_UCB, "ucb", "upper confidence bound: mean + 2 sd")                               \
    X(ACQ_EI, "ei", "expected improvement over the best measured score")                   \
    X(ACQ_THOMPSON, "thompson", "Thompson sampling: the best of one drawn member")

typedef enum search_acquisition {
#define X(e, name, help) e,
    SEARCH_ACQUISITIONS(X)
#undef X
    SEARCH_N_ACQUISITIONS
} search_acquisition;

#define SEARCH_DEFAULT_ACQUISITION ACQ_UCB
#define SEARCH_DEFAULT_BATCH 4
#define SEARCH_ENUMERATE_MAX 20 /* up to this many datasets every candidate is scored */
#define SEARCH_UCB_BETA 0.5
#define SEARCH_BELIEVER_NOISE 1.0 /* the believer's measurement noise, in units of the pick's variance */

bool search_acquisition_parse(const char *name, search_acquisition *out);
const char *search_acquisition_name(search_acquisition a);
/* Every acquisition name joined by ", " (static storage). */
const char *search_acquisition_list(void);

/* The value of rule a (mean, ucb, ei; thompson is a draw, its value is mu) for a candidate with
 * predicted mean mu and spread sd, on a scale where higher is better; best is the best measured
 * value on that scale. ei without spread is mu - best (it then ranks by the mean). */
double search_acquisition_value(search_acquisition a, double mu, double sd, double best);

typedef struct search_settings {
    predict_kind predictor;
    search_acquisition acquisition;
    int batch;     /* k >= 1 */
    uint64_t seed;
    bool minimize; /* the study's goal is min: lower scores are better */
    /* Pool-based search (replay --pool): when pool is set, the candidates are the pool's
     * combinations containing the target that are not measured yet, whatever n is. */
    const combo_t *pool;
    size_t pool_len;
} search_settings;

typedef struct search_suggestion {
    combo_t combo;
    double predicted;   /* in the metric's units */
    double sd;          /* spread of the prediction (0 for single-member predictors) */
    double acquisition; /* the rule's value when it was picked (higher is better) */
} search_suggestion;

typedef struct search_info {
    bool automatic;      /* the predictor was auto: choice says what it chose and why */
    predict_choice choice;
    bool later_by_gp;    /* auto chose mlp: the picks after the first came from the GP's posterior */
    bool enumerated;     /* every candidate was scored (n <= SEARCH_ENUMERATE_MAX) */
    uint64_t candidates; /* candidates scored (all of them when enumerated) */
    uint64_t remaining;  /* unmeasured combinations containing the target (0 if n > 63) */
} search_info;

/* Unmeasured combinations containing target among n datasets, given the m measured
 * combinations x (duplicates and ones without the target are ignored). 0 for n > 63. */
uint64_t search_remaining(int n, int target, const combo_t *x, size_t m);

/* One round: fits s->predictor on (x, y), scores the candidates and writes up to s->batch
 * distinct suggestions to out (room for s->batch), best first. Returns how many (fewer only when
 * fewer candidates remain), or -1 with err set. After each pick the members are conditioned on
 * the pick's predicted value as on a measurement as uncertain as the prediction (a kriging
 * believer with noise, done as an ensemble Kalman update: the pick's variance halves), so the
 * next pick's spread near it shrinks, the batch does not crowd one spot, and the spread never
 * collapses to zero however long the batch (an exact update would use up the members' S - 1
 * directions after S - 1 picks).
 * With predictor auto, when it chose mlp (one network, no spread) and the batch has more than
 * one pick, the first pick is mlp's and the later ones come from a gp fitted on the same runs,
 * conditioned on the first pick and on each other as above (info->later_by_gp); mlp's few best
 * by the mean crowd one spot (BENCHMARKS.md, search suite, batches of 4). Above
 * SEARCH_ENUMERATE_MAX datasets the candidates come from local search around the best measured
 * combinations, and info->enumerated is false. */
int search_round(const search_settings *s, int n, int target, const combo_t *x, const double *y,
                 size_t m, search_suggestion *out, search_info *info, cs_error *err);

/* Same, fitting on a study's runs (predict_fit_runs): the multi predictor learns from every
 * member's scores; candidates are the combinations containing target not measured for it. */
int search_round_runs(const search_settings *s, int target, const predict_runs *runs,
                      search_suggestion *out, search_info *info, cs_error *err);

/* Same, with a model already fitted by the caller (the scores it was fitted on are still needed
 * for the best measured value that ei improves on). */
int search_round_model(const search_settings *s, const predict_model *model, int n, int target,
                       const combo_t *x, const double *y, size_t m, search_suggestion *out,
                       search_info *info);

/* A round for several targets at once (one run scores every member, so one run can serve
 * several targets): each candidate, an unmeasured combination containing at least one of the
 * targets, is valued by the sum over the targets it contains of that target's improvement
 * z_t = max(0, (a_t - best_t) / sd_t), where a_t is the acquisition rule's value under that
 * target's own model (fitted on runs as search_round_runs does), best_t the target's best
 * measured score and sd_t the spread of its measured scores (so that targets on different
 * scales weigh alike); ties (every z 0, as late in a search by the mean) go to the larger
 * largest a_t - best_t. The k best by that value are the batch (no believer update across
 * targets). Up to SEARCH_ENUMERATE_MAX datasets. */
typedef struct search_joint_pick {
    combo_t combo;
    double value;                    /* the joint value: the sum of z over its targets */
    double z[COMBO_MAX_DATASETS];    /* per target (index into targets[]): z_t, NAN if not a member */
    double predicted[COMBO_MAX_DATASETS]; /* per target: the predicted score, NAN if not a member */
    double sd[COMBO_MAX_DATASETS];   /* per target: the spread of that prediction, NAN if not a member */
} search_joint_pick;

/* Writes up to st->batch picks to out, best first; returns how many, or -1 with err set. */
int search_round_joint(const search_settings *st, const int *targets, int nt, const predict_runs *runs,
                       search_joint_pick *out, cs_error *err);

/* Same, with each target's model already fitted by the caller (model[j] for targets[j], as
 * search_round_joint fits them: predict_fit_runs with seed st->seed + j); runs give the
 * measured combinations and each target's best and spread. */
int search_round_joint_models(const search_settings *st, const int *targets, int nt,
                              const predict_model *const *model, const predict_runs *runs,
                              search_joint_pick *out, cs_error *err);

/* Initial designs. */
typedef enum search_design_kind {
    DESIGN_SINGLES,
    DESIGN_PAPER,
    DESIGN_RANDOM,
    DESIGN_ALONE,
    DESIGN_AUTO
} search_design_kind;

/* auto: the paper's design unless it would take more than 1/SEARCH_AUTO_SHARE of the
 * target's lattice (possible only with 6 datasets or fewer), then the target alone. */
#define SEARCH_AUTO_SHARE 4

typedef struct search_design {
    search_design_kind kind;
    int count; /* random:N */
} search_design;

/* Parses "auto", "paper", "singles", "alone" or "random:N" (N >= 1). */
bool search_design_parse(const char *text, search_design *out);

/* Writes the design's name ("random:12") into buf (size n); returns buf. */
char *search_design_format(const search_design *d, char *buf, size_t n);

/* The initial design for target among n datasets whose task types are task[0..n-1] (any
 * grouping): only combinations containing the target, distinct, in a fixed order.
 *   singles  the target alone, then the target with each other dataset alone;
 *   alone    the target alone (one run: the model speaks from the second run on);
 *   paper    DESIGN.md section 1's generator over all datasets: every single, every pair and
 *            the whole set within each task type, the union of every two task types, one
 *            dataset from each task type (the i-th of each, for each i), and all datasets;
 *            restricted to the combinations containing the target;
 *   random:N N distinct random combinations containing the target (fewer if the lattice is
 *            smaller);
 *   auto     paper, unless paper's design for this target is more than a quarter of the
 *            lattice (1/SEARCH_AUTO_SHARE), then alone: on a tiny lattice the paper's generator
 *            spends a third of it before any model speaks (replay: BENCHMARKS.md, search).
 * Returns a new array (caller frees) and its length in *count. */
combo_t *search_initial_design(const search_design *d, int n, int target, const int *task,
                               uint64_t seed, size_t *count);

/* Stop rule: stop after `patience` rounds in a row that brought no improvement of the best
 * measured score (the paper's rule is patience 1; 0 = never stop for that reason), or once
 * `budget` runs have been made (0 = no budget). */
typedef struct search_stop {
    int patience;
    size_t budget;
} search_stop;

bool search_should_stop(const search_stop *rule, int rounds_without_improvement, size_t runs);

#endif
