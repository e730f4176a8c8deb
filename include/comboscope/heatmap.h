/* heatmap: what each auxiliary dataset does for each target dataset, the data behind the
 * Heatmaps view. For target t and auxiliary a (a != t), under one metric:
 *   pair gain      score({t, a}) - score({t}) for t, sign-adjusted by the metric's goal;
 *   marginal gain  the mean, over every pair of measured combinations (c, c + a) with t in c
 *                  and a not in c, of score(c + a) - score(c) for t, sign-adjusted.
 * The marginal gain needs no baseline, and uses every measurement, not just the pairs.
 * One pass over the observations with a hash lookup per (observation, absent dataset):
 * O(observations x datasets). No curses here. */
#ifndef COMBOSCOPE_HEATMAP_H
#define COMBOSCOPE_HEATMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "comboscope/study.h"

typedef struct heatmap_cell {
    bool has_pair;     /* both {t} and {t, a} measured for t */
    double pair;       /* pair gain */
    uint32_t n_pairs;  /* measured pairs (c, c + a) behind the marginal gain */
    uint32_t n_better; /* of those, how many got better by adding a */
    double marginal;   /* mean marginal gain; 0 when n_pairs == 0 */
} heatmap_cell;

typedef struct heatmap {
    int n_datasets;
    int metric;
    study_goal goal;
    heatmap_cell *cells;  /* n_datasets x n_datasets, [target * n_datasets + aux] */
    double pair_range;     /* the largest |pair gain| (0 if none) */
    double marginal_range; /* the largest |marginal gain| over cells with pairs */
} heatmap;

/* Computes every (target, aux) cell of s under metric m into h (which it initializes; free with
 * heatmap_done). A metric out of range gives an empty heatmap. */
void heatmap_compute(heatmap *h, const study *s, int m);
void heatmap_done(heatmap *h);

/* The cell of (target, aux); its counts are zero on the diagonal. */
const heatmap_cell *heatmap_at(const heatmap *h, int target, int aux);

/* The value of cell (target, aux) as the view shows it: the mean marginal gain (marginal) or the
 * pair gain; false on the diagonal and where it is not measured. */
bool heatmap_value(const heatmap *h, int target, int aux, bool marginal, double *out);

/* The mean of row target's values (rows true) or of column aux's values over every measured
 * cell of it; false when it has none. What "sort by mean effect" sorts by. */
bool heatmap_mean(const heatmap *h, int dataset, bool rows, bool marginal, double *out);

/* Sorts datasets (n of them) in place by heatmap_mean, largest first; those without a mean
 * last; ties by dataset index. */
void heatmap_sort_by_mean(const heatmap *h, bool rows, bool marginal, int *datasets, int n);

/* Off-diagonal cells without a value (heatmap_value false), out of n * (n - 1). */
size_t heatmap_unmeasured(const heatmap *h, bool marginal);

struct lattice_predictions;
/* The predicted pair gain of (target, aux), from a fitted predictor's scores (the lattice.h
 * hook, may be NULL): predicted score({target, aux}) minus the measured baseline (else the
 * predicted score of {target}), sign-adjusted by goal. False when the hook has no prediction. */
bool heatmap_predicted_pair(const heatmap *h, const study *s, const struct lattice_predictions *pr,
                            int target, int aux, double *out);

/* Writes the datasets of task type task, in study order, to out (room for 64); returns how
 * many. These are the rows of that task's heatmap. */
int heatmap_task_rows(const study *s, int task, int *out);

/* A short column label for dataset d, at most w (2..15) characters: the part of its name after
 * the first '_' (the task type is shown elsewhere), cut to w; where that is not unique among
 * the study's datasets, its first and last characters; failing that, its number. Writes to
 * out (size n, at least w + 1) and returns it. Not sanitized: draw it as text from a file. */
char *heatmap_short_label(const study *s, int d, int w, char *out, size_t n);

#endif
