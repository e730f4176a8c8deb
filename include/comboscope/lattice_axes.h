/* lattice_axes: what the Lattice view's grid axes say. The effect of each dataset on a target
 * (how much its presence changes the target's score), the grid ordered by that effect so the
 * map falls into large blocks (Karnaugh-map style), the bands of rows and columns in which each
 * axis dataset is in, short names for the labels that name them, and the filter that dims the
 * combinations it does not keep. No curses here.
 *
 * Effect order. The datasets other than the target are ranked by |effect|, largest first, those
 * without a known effect last (ties and unknowns by study order), except that the strongest
 * effect of the other sign than the first takes second place: so the first two ranks are the
 * dataset that helps the target most and the one that hurts it most. Ranks are dealt to the axes in
 * turn: rank 1 takes the slowest column bit (left half out, right half in), rank 2 the slowest
 * row bit (top half out, bottom half in), rank 3 the second slowest column bit, and so on. So
 * the two datasets that matter most split the map into quadrants, the next ones into bands
 * within them, and the fast bits (which alternate cell by cell) hold the datasets that change
 * least. The grid keeps its Gray-code property: adjacent cells differ by one dataset. */
#ifndef COMBOSCOPE_LATTICE_AXES_H
#define COMBOSCOPE_LATTICE_AXES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "comboscope/lattice.h"

/* The effect of one dataset on the target. */
typedef struct lattice_effect {
    bool known;      /* measured (pairs > 0) or predicted */
    bool predicted;  /* no measured pair: the predictor's estimate over measured bases */
    double effect;   /* mean change of the target's score when the dataset is added to a
                      * combination, sign-adjusted by goal (positive: it helps) */
    size_t pairs;    /* measured pairs (c, c + dataset) averaged, or predicted pairs */
} lattice_effect;

/* The effect of every dataset d != target (out[d]; out[target] is unknown) on target under
 * metric m: the mean over measured pairs of combinations that differ by d alone. A dataset
 * with no measured pair takes the predictions pr (may be NULL) over the measured combinations
 * without it: mean of predicted score(c + d) - measured score(c). out needs room for
 * s->n_datasets entries. Returns how many datasets have a known effect. */
int lattice_effects(const study *s, int m, int target, const lattice_predictions *pr,
                    lattice_effect *out);

/* The datasets other than target ranked by |effect| as described above, written to order
 * (room for n_datasets - 1); returns how many (n_datasets - 1). */
int lattice_effect_rank(int n_datasets, int target, const lattice_effect *effects, int *order);

/* Lays the grid out with ranked datasets (order, n_datasets - 1 of them, most significant first)
 * dealt to the axes in turn, as described above. lattice_grid_init is the fixed study order. */
void lattice_grid_init_ranked(lattice_grid *g, int n_datasets, int target, const int *order);

/* Paging. A grid larger than the screen (13 or more datasets at 80x24, or zoomed) is shown a
 * page at a time: a page is the sub-grid of the page_col_bits fastest column bits and the
 * page_row_bits fastest row bits (lattice_grid_page); the datasets of the slower bits are fixed
 * on it and select the page. So that a page still tells the story, the effect order decides
 * which datasets vary on a page: lattice_grid_init_paged deals the strongest page_col_bits +
 * page_row_bits ranks to the page (in turn, the strongest on its slowest bits, as
 * lattice_grid_init_ranked does for the whole grid) and the weakest to the selecting bits, so
 * that every page is a labelled Karnaugh map of the datasets that matter most, the others held
 * fixed. With page bits at least the grid's it is lattice_grid_init_ranked. */
void lattice_grid_init_paged(lattice_grid *g, int n_datasets, int target, const int *order,
                             int page_col_bits, int page_row_bits);

/* The page of g with page_col_bits x page_row_bits bits (clipped to g's): writes to page the
 * grid of g's fastest page_col_bits column and page_row_bits row datasets alone (its combinations
 * hold those and the target only: OR in the fixed datasets that are in), and returns the mask of
 * the datasets fixed on the page (g's other axis datasets; 0 when the page is the whole grid).
 * Every page is laid out alike, whatever its fixed datasets. */
combo_t lattice_grid_page(const lattice_grid *g, int page_col_bits, int page_row_bits, lattice_grid *page);

/* The datasets fixed on the pages of g (page bits as above), in paging order: the fastest
 * selecting column bit, the fastest selecting row bit, the next column bit, ... (the order in
 * which lattice_grid_init_paged deals them: strongest first). Writes them to out (room for 64);
 * returns how many. */
int lattice_grid_page_datasets(const lattice_grid *g, int page_col_bits, int page_row_bits, int *out);

/* The 2^k pages of the k page datasets ds are numbered in Gray-code order, ds[0] the fastest,
 * so that turning one page toggles one fixed dataset and the first pages add the strongest.
 * lattice_page_index: the number of the page that c is on. lattice_page_turn: c moved to page
 * `index` (mod 2^k): its page datasets set as that page has them, every other member kept. */
uint64_t lattice_page_index(const int *ds, int k, combo_t c);
combo_t lattice_page_turn(const int *ds, int k, combo_t c, uint64_t index);

/* One run of consecutive columns (or rows) in which an axis dataset is in. */
typedef struct lattice_band {
    uint64_t start, len;
} lattice_band;

/* The bands in which the dataset at bit `bit` of the column (columns true) or row code is in,
 * within the cells first .. first + count - 1 of that axis (clipped to it); at most max of them,
 * in order. Returns how many were written. */
int lattice_grid_bands(const lattice_grid *g, bool columns, int bit, uint64_t first,
                       uint64_t count, lattice_band *out, int max);

/* A short name for dataset d in at most width display columns: the name itself when it fits;
 * else without its task prefix ("NER_bc4chemd" -> "bc4chemd" when its task is NER); else its
 * head, when no other dataset's short name starts with the same ("healthadvice" -> "health");
 * else the head and the tail joined by '.', so that names differing at the end stay apart
 * ("genia2011" -> "geni.011"). UTF-8 aware; writes to buf (size n) and returns buf. */
char *lattice_abbrev(const study *s, int d, int width, char *buf, size_t n);

/* A filter: combinations that contain every dataset of `with` and none of `without`. */
typedef struct lattice_filter {
    combo_t with, without;
} lattice_filter;

/* Parses filter words: each names a dataset (exact name, prefix or part, ignoring case, as the
 * Lattice's toggle does); a leading '-' or '!' means "without". Empty text: no filter (true,
 * with both masks 0). On a word that names no dataset or the target's absence, returns false
 * and writes the offending word to bad (size n). */
bool lattice_filter_parse(const study *s, int target, const char *text, lattice_filter *f,
                          char *bad, size_t n);

/* Whether c passes f. */
static inline bool lattice_filter_keeps(const lattice_filter *f, combo_t c)
{
    return (c & f->with) == f->with && (c & f->without) == 0;
}

/* The dataset (not the target) that text names: an exact name first, then the first name that
 * starts with it, then the first that contains it, ignoring ASCII case. -1 if none. */
int lattice_find_dataset(const study *s, int target, const char *text);

#endif
