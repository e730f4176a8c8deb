/* lattice: the layouts of one target's lattice (every combination that contains it) that the
 * Lattice view draws, and the neighbour analysis of its side panel. No curses here.
 *
 * Grid layout. The n-1 datasets other than the target are split into column bits (the first
 * ceil((n-1)/2) of them, in study order) and row bits (the rest). A cell's column index x and
 * row index y are read in Gray order: the column's code gray(x) says which column datasets are
 * in, gray(y) which row datasets. So horizontally or vertically adjacent cells differ by exactly
 * one dataset, and since a Gray cycle closes, so do the first and last column (or row): the grid
 * is a torus and moving off an edge wraps. With 12 datasets the grid is 64 x 32 cells, which
 * half-block characters draw on 64 x 16 character cells.
 *
 * More than 13 datasets: the grid is 2^ceil((n-1)/2) x 2^floor((n-1)/2) cells, more than any
 * screen. It is then shown through a window of whole pages (lattice_grid_window): a page of
 * 2^a x 2^b cells, aligned to a multiple of its size, holds every combination of the a fastest
 * column datasets and the b fastest row datasets with all slower datasets fixed, because the
 * high bits of gray(x) are constant across such a page. Each screenful is thus a sub-lattice,
 * and the fixed datasets can be named.
 *
 * By-size layout (Hasse). One column per combination size 1..n, each column's combinations
 * sorted best first (unmeasured last). Up to 13 datasets every combination is listed; beyond
 * that only the measured ones (the others are counted), since 2^(n-1) cannot be enumerated. */
#ifndef COMBOSCOPE_LATTICE_H
#define COMBOSCOPE_LATTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "comboscope/combo.h"
#include "comboscope/study.h"

/* Largest number of datasets whose whole lattice is enumerated (2^12 = 4,096 combinations). */
#define LATTICE_FULL_MAX 13

typedef enum lattice_dir { LATTICE_LEFT, LATTICE_RIGHT, LATTICE_UP, LATTICE_DOWN } lattice_dir;

typedef struct lattice_grid {
    int n_datasets;
    int target;
    int col_bits, row_bits;  /* col_bits + row_bits == n_datasets - 1 */
    int col_dataset[32];     /* dataset of bit b of the column code (b = col_bits-1: slowest) */
    int row_dataset[32];
    uint64_t cols, rows;     /* 2^col_bits, 2^row_bits */
} lattice_grid;

/* The goal that applies to metric m: the study's goal for the metric in use, otherwise min
 * for names containing "loss" or "error" and max for the rest. */
study_goal lattice_goal(const study *s, int m);

/* Gain of score over baseline under goal (higher is better for either goal). */
double lattice_gain(study_goal goal, double score, double baseline);

/* Lays out the lattice of target (0..n-1) among n datasets (1..64) as described above. */
void lattice_grid_init(lattice_grid *g, int n_datasets, int target);

/* The combination drawn at column x, row y (taken modulo the grid size). */
combo_t lattice_grid_combo(const lattice_grid *g, uint64_t x, uint64_t y);

/* Where combination c (which must contain the target) is drawn. */
void lattice_grid_cell(const lattice_grid *g, combo_t c, uint64_t *x, uint64_t *y);

/* Moves (*x, *y) one cell in direction d, wrapping at the edges, and returns the dataset that
 * the move adds or removes; -1 (and no move) when that axis has no datasets. */
int lattice_grid_step(const lattice_grid *g, uint64_t *x, uint64_t *y, lattice_dir d);

/* The top-left cell (*x0, *y0) of the page that shows cell (x, y) in a window of vis_cols x
 * vis_rows cells: pages are the largest power-of-two sizes that fit, aligned, so that each is
 * a sub-lattice (see above). The whole grid when it fits. Writes the page size to *page_cols
 * and *page_rows (either pointer may be NULL). */
void lattice_grid_window(const lattice_grid *g, uint64_t x, uint64_t y, uint64_t vis_cols,
                         uint64_t vis_rows, uint64_t *x0, uint64_t *y0, uint64_t *page_cols,
                         uint64_t *page_rows);

/* The datasets fixed across the page that starts at (x0, y0) with the given page size: writes
 * to fixed the mask of datasets that do not vary on the page, and returns which of them are in
 * (a subset of fixed). */
combo_t lattice_grid_page_fixed(const lattice_grid *g, uint64_t x0, uint64_t y0,
                                uint64_t page_cols, uint64_t page_rows, combo_t *fixed);

/* What the measurements say about one combination for one target under metric m. */
typedef struct lattice_point {
    combo_t combo;
    bool measured;       /* the target has a score in combo */
    double score;        /* mean of the replicates */
    double sd;           /* their standard deviation (0 for one) */
    uint32_t replicates;
    bool has_gain;       /* measured and the baseline too */
    double gain;         /* score - baseline, sign-adjusted by goal */
    bool predicted;      /* not measured, but a predictor gave a score (lattice_point_predict) */
    double pred_mean, pred_spread;
} lattice_point;

/* Predicted scores, from whoever owns a fitted predictor (the search engine, through the app):
 * the hook through which the Lattice view shows predictions without computing any. predict
 * writes the mean and spread of target's score in c under the metric in use and returns true,
 * or returns false when it has no prediction. */
typedef struct lattice_predictions {
    bool (*predict)(void *ctx, int target, combo_t c, double *mean, double *spread);
    void *ctx;
} lattice_predictions;

/* Adds the prediction of pr (may be NULL) to an unmeasured point; measured points keep only
 * their measurement. */
void lattice_point_predict(const lattice_predictions *pr, int target, lattice_point *p);

/* Fills *p for (combo, target) under metric m. */
void lattice_point_of(const study *s, int m, int target, combo_t combo, lattice_point *p);

/* One neighbour of a combination: the dataset toggled, and what that does. */
typedef struct lattice_neighbour {
    int dataset;
    bool add;            /* true: the neighbour adds dataset; false: removes it */
    lattice_point point; /* the neighbour itself */
    bool has_delta;      /* both the combination and the neighbour measured */
    bool delta_predicted; /* no measured delta, but one from predictions (or a prediction and
                           * a measurement) */
    double delta;        /* score change of the move, sign-adjusted (positive: better) */
} lattice_neighbour;

/* The neighbours of c (which contains target) for target under metric m: every other dataset
 * added or removed. Sorted: moves with a known delta first, best first; then measured
 * neighbours by their own score, best first; then unmeasured ones; ties by dataset index.
 * Writes to out (room for 64) and returns how many. */
int lattice_neighbours(const study *s, int m, int target, combo_t c, lattice_neighbour *out);

/* The same with predictions pr (may be NULL) for unmeasured points: moves with a measured
 * delta first, then moves with a predicted delta, then measured neighbours by score, then the
 * rest. Predictions apply to the metric in use only: pass NULL for another metric. */
int lattice_neighbours_predicted(const study *s, int m, int target, combo_t c,
                                 const lattice_predictions *pr, lattice_neighbour *out);

/* The best measured neighbour of c that adds (add) or removes a dataset, by the order of
 * lattice_neighbours; false when none of that kind is measured. */
bool lattice_best_step(const study *s, int m, int target, combo_t c, bool add, combo_t *out);

/* The target's best measured combination under metric m (ties: the smaller mask); false if
 * nothing is measured for it. */
bool lattice_best(const study *s, int m, int target, combo_t *out);

/* The colour scale of one target's lattice: gains are taken against reference, which is the
 * baseline when {target} is measured, else the mean of the target's measured scores (so a
 * lattice without a baseline still shows which combinations are better than typical). */
typedef struct lattice_scale {
    study_goal goal;
    bool has_baseline;
    double reference;
    double range;     /* the largest |gain| against reference (0 if none): the half-width of a
                       * diverging scale centred on zero */
    size_t measured;  /* the target's measured combinations */
} lattice_scale;

/* Fills *out for target under metric m. */
void lattice_scale_of(const study *s, int m, int target, lattice_scale *out);

/* The gain (against sc->reference, sign-adjusted by sc->goal) that the best `fraction`
 * (0 < fraction <= 1) of target's measured combinations under metric m reach: the gain of the
 * ceil(fraction * measured)-th best, so at least one combination is at or above it, ties all
 * are. False (and *out untouched) when nothing is measured. The Lattice view's "top 10%". */
bool lattice_top_gain(const study *s, int m, int target, const lattice_scale *sc, double fraction,
                      double *out);

/* What the Lattice view calls good, cycled with a key: a gain above zero, or one in the top
 * 10% or 1% of the target's measured gains. The same cut applies to predicted gains, so that
 * predictions that pass it ("predicted good") stand apart from those that do not. */
typedef enum lattice_cut { LATTICE_CUT_ZERO, LATTICE_CUT_TOP10, LATTICE_CUT_TOP1, LATTICE_CUT_COUNT } lattice_cut;

typedef struct lattice_cutoff {
    lattice_cut cut;
    bool known;    /* a top cut with something measured (always true for LATTICE_CUT_ZERO) */
    double gain;   /* top cuts: the gain at or above which a cell is good (lattice_top_gain) */
} lattice_cutoff;

/* "gain > 0", "top 10%", "top 1%". */
const char *lattice_cut_name(lattice_cut cut);

/* The cutoff of cut for target under metric m on scale sc. */
void lattice_cutoff_of(const study *s, int m, int target, const lattice_scale *sc, lattice_cut cut,
                       lattice_cutoff *out);

/* Whether a gain (measured, or predicted for an unmeasured combination) is good under c: above
 * what prints as +0.0000 for the zero cut, at or above the cutoff for a known top cut, never
 * for an unknown one. */
bool lattice_cutoff_good(const lattice_cutoff *c, double gain);

typedef struct lattice_hasse {
    int n_datasets, target, metric;
    bool complete;            /* every combination is listed (n_datasets <= LATTICE_FULL_MAX) */
    size_t count[COMBO_MAX_DATASETS + 1];    /* listed combinations of each size 1..n */
    size_t start[COMBO_MAX_DATASETS + 2];    /* where each size begins in combos */
    uint64_t unlisted[COMBO_MAX_DATASETS + 1]; /* unmeasured, not listed (only when !complete) */
    size_t n_combos;
    combo_t *combos;          /* by size, then best first, unmeasured last, then by mask */
} lattice_hasse;

/* Builds the by-size layout of target's lattice under metric m. Free with lattice_hasse_done. */
void lattice_hasse_build(lattice_hasse *h, const study *s, int m, int target);
void lattice_hasse_done(lattice_hasse *h);

/* The size and position within its size of combination c; false if c is not listed. */
bool lattice_hasse_find(const lattice_hasse *h, combo_t c, int *size, size_t *pos);

#endif
