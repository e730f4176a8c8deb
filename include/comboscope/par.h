/* par: loops whose iterations are independent, run on a few threads (pthreads). Used for the
 * ensemble members of a fit, the folds of a cross-validation and ranges of candidates. Callers
 * keep results independent of the thread count: each iteration writes only its own outputs, every
 * random draw is made before the loop, and merges are in a fixed order. */
#ifndef COMBOSCOPE_PAR_H
#define COMBOSCOPE_PAR_H

#include <stddef.h>

#define PAR_MAX_THREADS 16

/* The number of threads par_for uses: set by par_set_threads, else the environment variable
 * COMBOSCOPE_THREADS (1..PAR_MAX_THREADS), else the number of online processors (at most 8). */
int par_threads(void);

/* Sets the thread count (1..PAR_MAX_THREADS); 0 goes back to the default above. */
void par_set_threads(int n);

/* Runs fn(ctx, i, worker) for every i in [0, n), each exactly once, on up to par_threads()
 * threads (the caller's included), and returns when all are done. worker (0 .. par_threads()-1)
 * names the thread, for per-thread scratch space; which thread runs which i is not fixed. A
 * par_for inside an iteration runs on the calling thread alone (worker 0). If a thread cannot be
 * started, the others do its share. */
void par_for(size_t n, void (*fn)(void *ctx, size_t i, int worker), void *ctx);

#endif
