/* linalg: LAPACKE on OpenBLAS. The matrices are row-major, LAPACK is column-major: a row-major
 * lower triangle is the column-major upper triangle of the same memory, so every call asks
 * LAPACK for the upper factor U = L^T in column-major order, and nothing is copied or transposed
 * (LAPACKE's row-major path would transpose into a scratch copy). The _work entry points skip
 * LAPACKE's scan of every input for NaNs (O(n^2) per call, 1% of an `auto` round). */
#include "comboscope/linalg.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <pthread.h>

static pthread_once_t pin_once = PTHREAD_ONCE_INIT;

/* One BLAS thread: the blocked factorisation's sums then never depend on the thread count, and
 * the program's own threads (over ensemble members, folds and candidates) own the cores. */
static void pin_threads(void) { openblas_set_num_threads(1); }

static void pin(void) { pthread_once(&pin_once, pin_threads); }

/* OpenBLAS's threaded build starts its worker threads when it is loaded, and an idle worker
 * spins (sched_yield) for a while before it sleeps: CPU time this program, which keeps BLAS on
 * one thread, never uses. At start-up (after the libraries' own initialisers): one thread, and
 * the workers stopped where the build has them (blas_thread_shutdown_, weak: absent from the
 * serial build). */
extern int blas_thread_shutdown_(void) __attribute__((weak));

__attribute__((constructor)) static void quiet_workers(void)
{
    pin();
    if (blas_thread_shutdown_)
        blas_thread_shutdown_();
}

bool linalg_cholesky(double *A, int n)
{
    if (n <= 0)
        return true;
    pin();
    return LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', n, A, n) == 0;
}

void linalg_chol_solve(const double *L, int n, double *b)
{
    linalg_chol_solve_many(L, n, b, 1);
}

void linalg_chol_solve_many(const double *L, int n, double *B, int nrhs)
{
    if (n <= 0 || nrhs <= 0)
        return;
    pin();
    /* B row-major n x nrhs is column-major nrhs x n: solve X A = B (A symmetric) as two
     * triangular solves from the right, U^T U = A with U = L^T column-major. */
    if (nrhs == 1) {
        LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'U', n, 1, L, n, B, n);
        return;
    }
    /* X U^T U = B: first Y U = B (Y = X U^T), then X U^T = Y. */
    cblas_dtrsm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, nrhs, n, 1.0, L, n,
                B, nrhs);
    cblas_dtrsm(CblasColMajor, CblasRight, CblasUpper, CblasTrans, CblasNonUnit, nrhs, n, 1.0, L, n,
                B, nrhs);
}

void linalg_tri_solve_lower(const double *L, int n, double *b)
{
    if (n <= 0)
        return;
    pin();
    cblas_dtrsv(CblasColMajor, CblasUpper, CblasTrans, CblasNonUnit, n, L, n, b, 1);
}

void linalg_tri_solve_upper(const double *L, int n, double *z)
{
    if (n <= 0)
        return;
    pin();
    cblas_dtrsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, n, L, n, z, 1);
}

double linalg_chol_logdet(const double *L, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += log(L[(long)i * n + i]);
    return 2 * s;
}

bool linalg_chol_inverse(double *L, int n)
{
    if (n <= 0)
        return true;
    pin();
    if (LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'U', n, L, n) != 0)
        return false;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            L[(long)i * n + j] = L[(long)j * n + i];
    return true;
}
