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

/* Writes the datasets of task type task, in study order, to out (room for 64); returns how
 * many. These are the rows of that task's heatmap. */
int heatmap_task_rows(const study *s, int task, int *out);

/* A short column label for dataset d, at most w (2..15) characters: the part of its name after
 * the first '_' (the task type is shown elsewhere), cut to w; where that is not unique among
 * the study's datasets, its first and last characters; failing that, its number. Writes to
 * out (size n, at least w + 1) and returns it. Not sanitized: draw it as text from a file. */
char *heatmap_short_label(const study *s, int d, int w, char *out, size_t n);

#endif
