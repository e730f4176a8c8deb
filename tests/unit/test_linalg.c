/* linalg: Cholesky factor, solves, log-determinant and inverse through LAPACKE, against values
 * worked out by hand on small matrices and against a plain Cholesky on a larger one; the same
 * bytes from several threads at once. */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "comboscope/linalg.h"

#define CLOSE(a, b) assert_true(fabs((a) - (b)) < 1e-12)

/* A = [[4 2] [2 3]] = L L^T with L = [[2 0] [1 sqrt 2]]: det 8, A^-1 = [[3 -2] [-2 4]] / 8. */
/* OpenBLAS's threaded build starts worker threads when it is loaded, and they spin before they
 * sleep; linalg stops them at start-up (the program keeps BLAS on one thread). So, before any
 * thread of our own and after a factorisation, the process has one thread. (The first test: the
 * others start threads.) */
static size_t threads_now(void)
{
    size_t n = 0;
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_no_idle_blas_workers(void **state)
{
    (void)state;
    size_t n = threads_now();
    if (n == 0)
        skip(); /* no /proc */
    assert_int_equal(n, 1);
    double A[4] = {4, 0, 2, 3};
    assert_true(linalg_cholesky(A, 2));
    assert_int_equal(threads_now(), 1);
}

static void test_two_by_two(void **state)
{
    (void)state;
    double A[4] = {4, 99, 2, 3}; /* the strict upper triangle (99) is never read nor written */
    assert_true(linalg_cholesky(A, 2));
    CLOSE(A[0], 2);
    CLOSE(A[2], 1);
    CLOSE(A[3], sqrt(2));
    assert_true(A[1] == 99);
    CLOSE(linalg_chol_logdet(A, 2), log(8));
    double b[2] = {2, 1}; /* A^-1 b = [(6 - 2) / 8, (-4 + 4) / 8] */
    linalg_chol_solve(A, 2, b);
    CLOSE(b[0], 0.5);
    CLOSE(b[1], 0);
    double lo[2] = {2, 1 + sqrt(2)}; /* L [1 1] */
    linalg_tri_solve_lower(A, 2, lo);
    CLOSE(lo[0], 1);
    CLOSE(lo[1], 1);
    double up[2] = {3, sqrt(2)}; /* L^T [1 1] = [2 + 1, sqrt 2] */
    linalg_tri_solve_upper(A, 2, up);
    CLOSE(up[0], 1);
    CLOSE(up[1], 1);
    assert_true(linalg_chol_inverse(A, 2));
    CLOSE(A[0], 3.0 / 8);
    CLOSE(A[1], -2.0 / 8);
    CLOSE(A[2], -2.0 / 8);
    CLOSE(A[3], 4.0 / 8);
}

/* The textbook case: [[4 12 -16] [12 37 -43] [-16 -43 98]] = L L^T, L = [[2] [6 1] [-8 5 3]]. */
static void test_three_by_three(void **state)
{
    (void)state;
    double A[9] = {4, 12, -16, 12, 37, -43, -16, -43, 98};
    const double L[9] = {2, 0, 0, 6, 1, 0, -8, 5, 3};
    assert_true(linalg_cholesky(A, 3));
    for (int i = 0; i < 3; i++)
        for (int j = 0; j <= i; j++)
            CLOSE(A[i * 3 + j], L[i * 3 + j]);
    CLOSE(linalg_chol_logdet(A, 3), log(36)); /* (2 * 1 * 3)^2 */
    /* Two right-hand sides: A [1 0 1]^T = [-12 -31 82]^T and A [0 1 -1]^T = [28 80 -141]^T. */
    double B[6] = {-12, 28, -31, 80, 82, -141};
    linalg_chol_solve_many(A, 3, B, 2);
    const double X[6] = {1, 0, 0, 1, 1, -1};
    for (int i = 0; i < 6; i++)
        assert_true(fabs(B[i] - X[i]) < 1e-9);
}

static void test_not_positive_definite(void **state)
{
    (void)state;
    double A[4] = {1, 2, 2, 1}; /* eigenvalues 3 and -1 */
    assert_false(linalg_cholesky(A, 2));
    double Z[4] = {0, 0, 0, 0};
    assert_false(linalg_cholesky(Z, 2));
    assert_true(linalg_cholesky(NULL, 0));
}

enum { BIG = 160 };

/* A random SPD matrix M M^T / n + I, the same for every call. */
static double *spd(int n)
{
    double *M = malloc((size_t)n * n * sizeof *M), *A = malloc((size_t)n * n * sizeof *A);
    uint64_t s = 12345;
    for (int i = 0; i < n * n; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        M[i] = (double)(s >> 11) * 0x1.0p-53 - 0.5;
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double t = i == j;
            for (int k = 0; k < n; k++)
                t += M[i * n + k] * M[j * n + k] / n;
            A[i * n + j] = t;
        }
    free(M);
    return A;
}

/* The plain algorithm LAPACK replaced. */
static void plain_cholesky(double *A, int p)
{
    for (int j = 0; j < p; j++) {
        double s = A[j * p + j];
        for (int k = 0; k < j; k++)
            s -= A[j * p + k] * A[j * p + k];
        double l = sqrt(s);
        A[j * p + j] = l;
        for (int i = j + 1; i < p; i++) {
            double t = A[i * p + j];
            for (int k = 0; k < j; k++)
                t -= A[i * p + k] * A[j * p + k];
            A[i * p + j] = t / l;
        }
    }
}

static void test_matches_plain_cholesky(void **state)
{
    (void)state;
    int n = BIG;
    double *A = spd(n), *P = spd(n), *x = malloc((size_t)n * sizeof *x), *b = malloc((size_t)n * sizeof *b);
    assert_true(linalg_cholesky(A, n));
    plain_cholesky(P, n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++)
            assert_true(fabs(A[i * n + j] - P[i * n + j]) < 1e-10);
    /* A x = b solved, checked against the original matrix. */
    double *A0 = spd(n);
    for (int i = 0; i < n; i++)
        x[i] = b[i] = sin(i + 1.0);
    linalg_chol_solve(A, n, x);
    for (int i = 0; i < n; i++) {
        double t = 0;
        for (int j = 0; j < n; j++)
            t += A0[i * n + j] * x[j];
        assert_true(fabs(t - b[i]) < 1e-10);
    }
    double ld = 0;
    for (int i = 0; i < n; i++)
        ld += 2 * log(P[i * n + i]);
    assert_true(fabs(linalg_chol_logdet(A, n) - ld) < 1e-9);
    free(A);
    free(P);
    free(A0);
    free(x);
    free(b);
}

/* Several threads factorising and solving at once get the bytes one thread gets. */
static void *factor_job(void *arg)
{
    double *A = arg;
    if (!linalg_cholesky(A, BIG))
        return NULL;
    double *x = A + (size_t)BIG * BIG;
    for (int i = 0; i < BIG; i++)
        x[i] = cos(i * 0.5);
    linalg_chol_solve(A, BIG, x);
    return A;
}

static void test_deterministic_across_threads(void **state)
{
    (void)state;
    enum { T = 4 };
    size_t sz = (size_t)BIG * BIG + BIG;
    double *ref = malloc(sz * sizeof *ref), *base = spd(BIG);
    memcpy(ref, base, (size_t)BIG * BIG * sizeof *ref);
    assert_non_null(factor_job(ref));
    double *buf[T];
    pthread_t th[T];
    for (int t = 0; t < T; t++) {
        buf[t] = malloc(sz * sizeof *buf[t]);
        memcpy(buf[t], base, (size_t)BIG * BIG * sizeof *buf[t]);
        assert_int_equal(pthread_create(&th[t], NULL, factor_job, buf[t]), 0);
    }
    for (int t = 0; t < T; t++) {
        void *r;
        pthread_join(th[t], &r);
        assert_non_null(r);
        assert_memory_equal(buf[t], ref, sz * sizeof *ref);
        free(buf[t]);
    }
    free(ref);
    free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_idle_blas_workers),
        cmocka_unit_test(test_two_by_two),
        cmocka_unit_test(test_three_by_three),
        cmocka_unit_test(test_not_positive_definite),
        cmocka_unit_test(test_matches_plain_cholesky),
        cmocka_unit_test(test_deterministic_across_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
