/* predict_gp: the Gaussian-process predictor (predict kind "gp") behind predict.h, with its
 * pieces public so that tests can check them against values worked out by hand.
 *
 * The inputs are the membership bits of the other datasets (d of them; the target is always a
 * member). The kernel is the diffusion kernel of the d-dimensional hypercube with one rate for
 * every edge, which on {0,1}^d is the exponentiated Hamming kernel
 *     k(x, x') = sf2 * exp(-theta * H(x, x'))
 * (the COMBO/BOCS line of combinatorial Bayesian optimisation). Observations carry noise of
 * variance sf2 * lambda. Hyperparameters (theta, lambda) maximise the marginal likelihood over a
 * fixed grid, sf2 is profiled out in closed form; inference is exact (Cholesky of m x m).
 *
 * Members, for batches and Thompson sampling, are posterior function draws by pathwise
 * conditioning (Wilson et al. 2020): a prior draw built from random Walsh features of the
 * kernel (each dimension enters a feature with probability (1 - e^-theta) / 2, which makes the
 * features' covariance exactly the kernel in expectation), then corrected by the data. Members
 * come in antithetic pairs, so their mean is the exact posterior mean. Deterministic for a seed. */
#ifndef COMBOSCOPE_PREDICT_GP_H
#define COMBOSCOPE_PREDICT_GP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GP_MEMBERS 16  /* posterior draws (8 antithetic pairs) */
#define GP_FEATURES 256 /* random Walsh features per prior draw */

typedef struct gp_model gp_model;

typedef struct gp_hyper {
    double theta;  /* decay per differing bit, > 0 */
    double lambda; /* noise variance / sf2, > 0 */
    double sf2;    /* signal variance, > 0 */
} gp_hyper;

/* The kernel between bit vectors a and b under h. */
double gp_kernel(const gp_hyper *h, uint64_t a, uint64_t b);

/* Log marginal likelihood of y (m values) at x under h (sf2 as given); -INFINITY if the
 * covariance is not positive definite. */
double gp_log_marginal(const gp_hyper *h, const uint64_t *x, const double *y, size_t m);

/* Fits on m points (bit vectors x over d dimensions, 0 <= d <= 63; y already standardized).
 * With fixed non-NULL, uses those hyperparameters; else chooses them by marginal likelihood
 * (defaults when m < 3). seed makes the members. Never fails (a singular covariance gets more
 * jitter). Caller frees with gp_free. */
gp_model *gp_fit(int d, const uint64_t *x, const double *y, size_t m, const gp_hyper *fixed, uint64_t seed);

void gp_free(gp_model *g);

/* The hyperparameters in use. */
gp_hyper gp_hyperparameters(const gp_model *g);

/* Exact posterior mean and variance of the latent function at x. */
void gp_posterior(const gp_model *g, uint64_t x, double *mean, double *var);

/* The GP_MEMBERS posterior draws at x, written to out. */
void gp_eval_members(const gp_model *g, uint64_t x, double *out);

/* A cursor evaluates the members at many x in a row, as gp_eval_members does, for runs of x that
 * share their high bits (Gray-code order over the lattice: a block of 2^k consecutive candidates
 * does): for each new value of the high bits it tabulates all 2^k values of the low k bits at
 * once (the kernel and the features factor over the bits: a Kronecker and a Walsh-Hadamard
 * transform), then reads them. Results may differ from gp_eval_members in the last bits; each
 * depends only on x, not on the order of the calls. One per thread; the model must outlive it. */
typedef struct gp_cursor gp_cursor;
gp_cursor *gp_cursor_new(const gp_model *g);
void gp_cursor_free(gp_cursor *c);
void gp_cursor_reset(gp_cursor *c);
void gp_cursor_eval(gp_cursor *c, uint64_t x, double *out);

#endif
