/* combo: combinations of datasets as 64-bit masks, and the lattice around a target.
 * Bit i stands for dataset i of a study. Pure functions, no allocation. */
#ifndef COMBOSCOPE_COMBO_H
#define COMBOSCOPE_COMBO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COMBO_MAX_DATASETS 64

typedef uint64_t combo_t;

/* The combination holding dataset i alone. i must be in 0..63. */
static inline combo_t combo_single(int i) { return (combo_t)1 << i; }

/* True when dataset i is a member of c. */
static inline bool combo_has(combo_t c, int i) { return (c >> i) & 1u; }

/* The mask of all n datasets 0..n-1 (n in 0..64). */
combo_t combo_all(int n);

/* Rank of c in the Boolean lattice: its number of members. */
int combo_rank(combo_t c);

/* Writes the member indices of c in increasing order to out (room for 64); returns how many. */
int combo_members(combo_t c, int *out);

/* Neighbours of c among n datasets that still contain target (target < 0: no constraint):
 * c with one dataset added or removed, never the empty set. Writes to out (room for n);
 * returns how many. */
int combo_neighbours(combo_t c, int n, int target, combo_t *out);

/* Gray code of i (i ^ i>>1) and its inverse: consecutive codes differ by one bit. */
uint64_t combo_gray(uint64_t i);
uint64_t combo_gray_inverse(uint64_t g);

/* Number of combinations of n datasets that contain target: 2^(n-1) (n in 1..64; 0 if n > 64). */
uint64_t combo_lattice_size(int n);

/* The index-th combination (in binary order of the other datasets) among those of n datasets
 * that contain target: the bits of index fill every position but target's. */
combo_t combo_lattice_at(int n, int target, uint64_t index);

/* Inverse of combo_lattice_at: the index of c (which must contain target) in that lattice. */
uint64_t combo_lattice_index(int n, int target, combo_t c);

/* Enumerates all combinations of n datasets containing target (n <= 30 is practical), calling
 * fn for each in Gray-code order, so that consecutive ones differ by one dataset. Stops early
 * and returns false when fn returns false. */
bool combo_each_with(int n, int target, bool (*fn)(combo_t c, void *ctx), void *ctx);

#endif
