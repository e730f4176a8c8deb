/* linalg: dense symmetric positive definite algebra (Cholesky factor, solves, log-determinant)
 * through LAPACKE on an optimised BLAS (OpenBLAS), for the ridge models and the Gaussian process.
 *
 * Matrices are n x n doubles, row-major, leading dimension n. A factorisation A = L L^T reads
 * and writes only the lower triangle (row i, columns 0..i); the strict upper triangle is left as
 * it was. Results are deterministic: OpenBLAS is pinned to one thread on first use, so its sums
 * never depend on how many threads it would otherwise pick (callers may still call these from
 * several threads of their own at once). */
#ifndef COMBOSCOPE_LINALG_H
#define COMBOSCOPE_LINALG_H

#include <stdbool.h>

/* Factorises the SPD matrix A in place: its lower triangle becomes L with A = L L^T. False when A
 * is not (numerically) positive definite; the lower triangle is then partly overwritten. */
bool linalg_cholesky(double *A, int n);

/* Solves A x = b with the factor L of A: b (n doubles) becomes x. */
void linalg_chol_solve(const double *L, int n, double *b);

/* Solves A X = B for nrhs right-hand sides at once: B is n x nrhs, row-major, and becomes X. */
void linalg_chol_solve_many(const double *L, int n, double *B, int nrhs);

/* Solves L x = b (forward substitution): b becomes x. |x|^2 = b^T A^-1 b. */
void linalg_tri_solve_lower(const double *L, int n, double *b);

/* Solves L^T x = z (back substitution): z becomes x. For z standard normal, x is a draw with
 * covariance A^-1. */
void linalg_tri_solve_upper(const double *L, int n, double *z);

/* log det A = 2 sum log L_ii, from the factor L. */
double linalg_chol_logdet(const double *L, int n);

/* Replaces the factor L (lower triangle) by the lower triangle of A^-1 (the strict upper triangle
 * is then made symmetric too, so the result is the whole inverse). False if L is singular. */
bool linalg_chol_inverse(double *L, int n);

#endif
