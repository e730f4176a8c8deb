/* benchlinalg: one N x N SPD Cholesky factorisation (a GP's kernel matrix over N runs), the
 * hand-written loop predict.c used before (kept here as the reference) against LAPACKE's dpotrf
 * on OpenBLAS (linalg_cholesky, one BLAS thread), for `make bench` (scripts/bench linalg).
 * The two alternate, REPEAT times each; prints every run's CPU and wall time, then min and
 * median of each and the ratio of the medians, and checks that both give the same factor.
 * usage: benchlinalg [N [REPEAT]]   (defaults 3000 and 5) */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "comboscope/linalg.h"

static double now(clockid_t clk)
{
    struct timespec t;
    clock_gettime(clk, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The hand-written factorisation that predict.c had until linalg.c replaced it. */
static int hand_cholesky(double *A, int p)
{
    for (int j = 0; j < p; j++) {
        double s = A[(size_t)j * p + j];
        for (int k = 0; k < j; k++)
            s -= A[(size_t)j * p + k] * A[(size_t)j * p + k];
        if (s <= 0)
            return 0;
        double l = sqrt(s);
        A[(size_t)j * p + j] = l;
        for (int i = j + 1; i < p; i++) {
            double t = A[(size_t)i * p + j];
            for (int k = 0; k < j; k++)
                t -= A[(size_t)i * p + k] * A[(size_t)j * p + k];
            A[(size_t)i * p + j] = t / l;
        }
    }
    return 1;
}

/* A GP kernel over n random combinations of 20 datasets: exp(-hamming / 4) + noise 0.01 I. */
static void kernel(double *K, int n)
{
    uint64_t *c = malloc((size_t)n * sizeof *c), s = 42;
    for (int i = 0; i < n; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        c[i] = (s >> 20) & 0xfffff;
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            K[(size_t)i * n + j] = exp(-__builtin_popcountll(c[i] ^ c[j]) / 4.0) + (i == j ? 0.01 : 0);
    free(c);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 3000, rep = argc > 2 ? atoi(argv[2]) : 5;
    if (n < 1 || rep < 1 || rep > 100) {
        fprintf(stderr, "usage: benchlinalg [N [REPEAT]]\n");
        return 2;
    }
    size_t sz = (size_t)n * n;
    double *K = malloc(sz * sizeof *K), *A = malloc(sz * sizeof *A), *B = malloc(sz * sizeof *B);
    kernel(K, n);
    double hc[100], hw[100], lc[100], lw[100];
    for (int r = 0; r < rep; r++) {
        memcpy(A, K, sz * sizeof *A);
        double c0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
        int ok1 = hand_cholesky(A, n);
        hc[r] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
        hw[r] = now(CLOCK_MONOTONIC) - w0;
        memcpy(B, K, sz * sizeof *B);
        c0 = now(CLOCK_PROCESS_CPUTIME_ID);
        w0 = now(CLOCK_MONOTONIC);
        int ok2 = linalg_cholesky(B, n);
        lc[r] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
        lw[r] = now(CLOCK_MONOTONIC) - w0;
        double dmax = 0;
        for (size_t i = 0; i < (size_t)n; i++)
            for (size_t j = 0; j <= i; j++)
                dmax = fmax(dmax, fabs(A[i * n + j] - B[i * n + j]));
        printf("  run %d: hand-written %6.3f s cpu %6.3f s wall   LAPACKE %6.3f s cpu %6.3f s wall   "
               "max |difference| %.1e%s\n",
               r + 1, hc[r], hw[r], lc[r], lw[r], dmax, ok1 && ok2 ? "" : "  (NOT POSITIVE DEFINITE)");
    }
    double hcmin = hc[0], lcmin = lc[0];
    for (int r = 1; r < rep; r++) {
        hcmin = fmin(hcmin, hc[r]);
        lcmin = fmin(lcmin, lc[r]);
    }
    double hcmed = median(hc, rep), lcmed = median(lc, rep), hwmed = median(hw, rep), lwmed = median(lw, rep);
    printf("  %d x %d SPD Cholesky, %d runs each (CPU s): hand-written min %.3f median %.3f; "
           "LAPACKE min %.3f median %.3f; ratio of medians %.1fx (wall %.1fx)\n",
           n, n, rep, hcmin, hcmed, lcmin, lcmed, hcmed / lcmed, hwmed / lwmed);
    free(K);
    free(A);
    free(B);
    return 0;
}
