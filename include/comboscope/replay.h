/* replay: runs the search from scratch against a complete table (the oracle), once per seed,
 * and counts the runs it needs.
 *
 * "Runs" counts every training run made in that target's search: the initial design's runs
 * and then every suggestion of every round, each combination at most once. A combination is
 * "found" at the end of the round (or initial design) that measured it: the whole round is
 * counted, since its runs are made together. Each target's search is its own: it sees only the
 * target's scores of the runs it made. */
#ifndef COMBOSCOPE_REPLAY_H
#define COMBOSCOPE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "comboscope/search.h"
#include "comboscope/study.h"

typedef struct replay_options {
    search_settings search; /* predictor, acquisition, batch; search.seed is the first seed */
    search_design init;
    size_t budget;          /* stop a search after this many runs (0: no budget) */
    int patience;           /* stop after this many rounds without improvement (0: never) */
    int seeds;              /* searches per target, seeds search.seed .. search.seed+seeds-1 */
    bool pool;              /* pool-based: the candidates are the table's measured combinations */
    /* (optional) called after each seed's search of a target: a progress report; NULL: none */
    void (*progress)(void *ctx);
    void *progress_ctx;
} replay_options;

typedef struct replay_result {
    int target;
    uint64_t lattice;       /* combinations containing the target */
    uint64_t n_best;        /* combinations sharing the best score (ties) */
    uint64_t n_top;         /* combinations in the best 1% (ceil(lattice/100), ties included) */
    double best_score;
    /* Over the seeds: median and 90th percentile (linear interpolation) of runs until found;
     * INFINITY when the searches that did not find it reach that order statistic. */
    double best_median, best_p90, top_median, top_p90;
    int found_best, found_top; /* seeds whose search found it */
    double random_best, random_top; /* random search's expected runs, exact */
    double random_best_median, random_top_median; /* random search's exact median runs */
} replay_result;

/* The largest study replay accepts: 20 datasets (2^19 combinations per target). */
#define REPLAY_MAX_DATASETS 20

/* True when every combination containing target has a score for it under the metric in use;
 * else false with err naming how many are missing and the first few. */
bool replay_check_complete(const study *s, int target, cs_error *err);

/* Replays the search for target. Without opt->pool the table must be complete for it and the
 * candidates are its whole lattice; with opt->pool the candidates (and the oracle) are the
 * combinations containing target that the table scores for it (any number of datasets up to
 * 63), the initial design keeps only its pool members (the target alone, or the pool's first
 * member by seed, when none is in the pool), and the lattice, best and top 1% are the pool's.
 * False with err set. */
bool replay_target(const study *s, int target, const replay_options *opt, replay_result *out,
                   cs_error *err);

/* replay --joint: total runs until every target's best is measured, by one search that serves
 * all targets at once (search_round_joint; the initial design the union of the targets' own
 * designs) against per-target searches run one after another (each target's search starts
 * from every run made so far, since a run scores every member, and adds its own design's
 * unmeasured combinations first). Medians and 90th percentiles over the seeds; INFINITY as
 * in replay_result. The table must be complete for every target (at most 20 datasets). */
typedef struct replay_joint_result {
    int targets;
    double joint_median, joint_p90, sequential_median, sequential_p90;
    int joint_found, sequential_found; /* seeds whose searches measured every target's best */
} replay_joint_result;

bool replay_joint(const study *s, const int *targets, int nt, const replay_options *opt, replay_joint_result *out,
                  cs_error *err);

/* Expected draws without replacement, among n candidates of which good are good, until the
 * first good one: (n + 1) / (good + 1). */
double replay_random_runs(uint64_t n, uint64_t good);

/* Random search's exact median: the least t with P(first good within t draws) >= 1/2, drawing
 * without replacement among n candidates of which good are good. */
double replay_random_median(uint64_t n, uint64_t good);

/* The q-quantile (0..1, linear interpolation) of v[0..k-1] (sorted in place); INFINITY
 * entries stand for searches that never found it. */
double replay_quantile(double *v, size_t k, double q);

/* Geometric mean over k targets of random[i] / runs[i]; NAN if any runs[i] is infinite. */
double replay_speedup(const double *random, const double *runs, size_t k);

#endif
