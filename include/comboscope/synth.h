/* synth: synthetic dataset-combination studies with a known structure, for demonstration,
 * tests and benchmarks. The score of dataset d trained in combination C is
 *   f1 = baseline[d] + scale[d] * squash(transfer + interactions) - dilution[d] * ln|C| + noise
 * where transfer sums a per-pair effect T[d][e] over the other members (same-task pairs help
 * on average, cross-task pairs slightly hurt), interactions sum sparse pairwise terms
 * I[d][e][f] over pairs of other members, and the dilution stands for the fixed training budget
 * (about SYNTH_BUDGET examples split equally among the members). All randomness comes from one
 * seed through a private PRNG, so a seed always gives the same numbers. */
#ifndef COMBOSCOPE_SYNTH_H
#define COMBOSCOPE_SYNTH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "comboscope/combo.h"
#include "comboscope/error.h"

#define SYNTH_BUDGET 5000
#define SYNTH_FULL_MAX 16          /* up to this many datasets every combination is written */
#define SYNTH_RUNS_MAX 10000000ULL /* upper bound on --runs */

typedef struct synth_model synth_model;

/* Structures of the effects (synth --structure), for benchmarks on shapes the default does not
 * have: enum value, name, description. Outside the default, effects add up undamped. */
#define SYNTH_STRUCTURES(X)                                                                         \
    X(SYNTH_DEFAULT, "default", "same-task transfer helps, damped; sparse pair interactions")       \
    X(SYNTH_SYNERGY, "synergy", "weak transfer; per target two strong pairs and a stronger triple") \
    X(SYNTH_ADDITIVE, "additive", "one effect per dataset, either way; tiny interactions")          \
    X(SYNTH_NOISE, "noise", "effects a quarter of the measurement noise")                           \
    X(SYNTH_HARMFUL, "harmful", "a quarter of the datasets hurt every target; the rest help a little") \
    X(SYNTH_SPARSE, "sparse", "per target two datasets matter and one pair interacts")

typedef enum synth_structure {
#define X(e, name, help) e,
    SYNTH_STRUCTURES(X)
#undef X
    SYNTH_N_STRUCTURES
} synth_structure;

bool synth_structure_parse(const char *name, synth_structure *out);
const char *synth_structure_name(synth_structure s);

/* A model of n generic datasets with the given structure (synth_model_generic is
 * SYNTH_DEFAULT); NULL with err set for n outside 1..64. */
synth_model *synth_model_structured(int n, uint64_t seed, synth_structure structure, cs_error *err);

/* The model of a named preset ("biomed12"); NULL with err set for an unknown name. */
synth_model *synth_model_preset(const char *preset, uint64_t seed, cs_error *err);

/* A model of n generic datasets (1..64) named T<task>_d<NN>; NULL with err set otherwise. */
synth_model *synth_model_generic(int n, uint64_t seed, cs_error *err);

void synth_model_free(synth_model *m);

int synth_n_datasets(const synth_model *m);
const char *synth_dataset_name(const synth_model *m, int d);
const char *synth_dataset_task(const synth_model *m, int d);

/* The noiseless expected F1 of dataset d trained in combination c (d must be in c). */
double synth_expected_f1(const synth_model *m, combo_t c, int d);

/* One measurement of d in c: precision, recall and F1 rounded to 4 decimals, with f1 the
 * harmonic mean of the rounded precision and recall (then rounded). Depends only on the seed,
 * c and d, so that a combination gets the same numbers whichever others are sampled. */
void synth_measure(const synth_model *m, combo_t c, int d, double *precision, double *recall,
                   double *f1);

/* The combinations to write: all 2^n - 1 when runs is 0 (n <= SYNTH_FULL_MAX), else runs
 * distinct ones (every single dataset first when runs >= n, then uniformly drawn subsets),
 * in increasing mask order. Allocates *out (caller frees); returns the count, or 0 with err. */
uint64_t synth_combinations(const synth_model *m, uint64_t runs, combo_t **out, cs_error *err);

/* Writes the long-format table (run,combination,dataset,task,precision,recall,f1) of the given
 * combinations to out. False with err set (naming display) on a write error. */
bool synth_write_table(const synth_model *m, const combo_t *combos, uint64_t n, FILE *out,
                       const char *display, cs_error *err);

#endif
