/* search_impl: what search.c, search_joint.c and search_design.c share, not a public header. */
#ifndef COMBOSCOPE_SEARCH_IMPL_H
#define COMBOSCOPE_SEARCH_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "comboscope/search.h"

/* Candidates are enumerated in blocks of this many Gray-code indices, which threads take in any
 * order; each block starts from a cursor reset. */
#define SCORE_BLOCK 4096

/* A set of combinations (open addressing; 0 marks an empty slot). */
typedef struct combo_set {
    combo_t *slot;
    size_t cap, count;
} combo_set;

/* An empty set with room for about expect combinations; search_set_free releases it. */
void search_set_init(combo_set *s, size_t expect);

/* Whether c is in the set. */
bool search_set_has(const combo_set *s, combo_t c);

/* Adds c (never 0); true if it was new. */
bool search_set_add(combo_set *s, combo_t c);

/* Releases the set's memory. */
void search_set_free(combo_set *s);

/* The mean and sample standard deviation (0 for one member) of the S values f. */
void search_moments(const double *f, int S, double *mu, double *sd);

#endif
