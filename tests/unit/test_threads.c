/* Threads: par_for runs every iteration once, nested loops on the calling thread; the cursor's
 * incremental scores agree with predict_eval_members; and fits, cross-validation and search
 * rounds give the same bytes on 1 thread and on several. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "comboscope/par.h"
#include "comboscope/predict.h"
#include "comboscope/rng.h"
#include "comboscope/search.h"

/* ---------- par_for ---------- */

typedef struct count_ctx {
    atomic_int hits[1000];
    atomic_int max_worker;
    atomic_int nested_workers_nonzero;
    int threads;
} count_ctx;

static void inner(void *ctx, size_t i, int worker)
{
    count_ctx *c = ctx;
    (void)i;
    if (worker != 0)
        atomic_fetch_add(&c->nested_workers_nonzero, 1);
}

static void count(void *ctx, size_t i, int worker)
{
    count_ctx *c = ctx;
    atomic_fetch_add(&c->hits[i], 1);
    int m = atomic_load(&c->max_worker);
    while (worker > m && !atomic_compare_exchange_weak(&c->max_worker, &m, worker))
        ;
    if (i % 100 == 0)
        par_for(5, inner, c); /* nested: runs on this thread, worker 0 */
}

static void test_par_for_covers_once(void **state)
{
    (void)state;
    for (int t = 1; t <= 5; t++) {
        par_set_threads(t);
        assert_int_equal(par_threads(), t);
        count_ctx *c = calloc(1, sizeof *c);
        par_for(1000, count, c);
        for (int i = 0; i < 1000; i++)
            assert_int_equal(atomic_load(&c->hits[i]), 1);
        assert_true(atomic_load(&c->max_worker) < t);
        assert_int_equal(atomic_load(&c->nested_workers_nonzero), 0);
        free(c);
    }
    par_set_threads(0);
    assert_true(par_threads() >= 1 && par_threads() <= PAR_MAX_THREADS);
    par_for(0, count, NULL); /* nothing to do */
}

/* ---------- the cursor ---------- */

enum { N = 12, TARGET = 4 };

static double truth(combo_t c)
{
    double y = 0.5;
    for (int i = 0; i < N; i++)
        if (i != TARGET && combo_has(c, i))
            y += 0.01 * ((i * 7) % 5 - 2);
    if (combo_has(c, 1) && combo_has(c, 9))
        y += 0.04;
    return y;
}

/* m measured points of the target's lattice, chosen by seed. */
static size_t points(combo_t *x, double *y, size_t m, uint64_t seed)
{
    cs_rng r;
    rng_seed(&r, seed, 3);
    uint64_t L = combo_lattice_size(N);
    size_t k = 0;
    for (uint64_t i = 0; i < L && k < m; i++)
        if (rng_below(&r, 6) == 0) {
            x[k] = combo_lattice_at(N, TARGET, i);
            y[k] = truth(x[k]) + 0.002 * rng_normal(&r);
            k++;
        }
    return k;
}

static const predict_kind kinds[] = {PREDICT_ENSEMBLE, PREDICT_MLP, PREDICT_ADDITIVE, PREDICT_PAIRWISE,
                                     PREDICT_MULTI, PREDICT_GP, PREDICT_RANDOM, PREDICT_AUTO};

static void test_cursor_matches_eval(void **state)
{
    (void)state;
    combo_t x[400];
    double y[400];
    size_t m = points(x, y, 300, 1);
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        predict_model *md = predict_fit(kinds[k], N, TARGET, x, y, m, 9, PREDICT_CHEAP, NULL);
        assert_non_null(md);
        int S = predict_members(md);
        double a[64], b[64], worst = 0;
        predict_cursor *cur = predict_cursor_new(md);
        uint64_t L = combo_lattice_size(N);
        for (uint64_t i = 0; i < L; i++) {
            combo_t c = combo_lattice_at(N, TARGET, combo_gray(i));
            if (i % 7 == 3)
                continue; /* skipped combinations: the next move changes two datasets */
            if (i % 1000 == 999)
                predict_cursor_reset(cur);
            predict_cursor_eval(cur, c, a);
            predict_eval_members(md, c, b);
            for (int s = 0; s < S; s++)
                worst = fmax(worst, fabs(a[s] - b[s]));
        }
        /* A jump across the lattice is computed from scratch. */
        combo_t far = combo_all(N);
        predict_cursor_eval(cur, far, a);
        predict_eval_members(md, far, b);
        for (int s = 0; s < S; s++)
            worst = fmax(worst, fabs(a[s] - b[s]));
        print_message("cursor %-9s max |difference| %.1e\n", predict_kind_name(kinds[k]), worst);
        assert_true(worst < 1e-9);
        predict_cursor_free(cur);
        predict_free(md);
    }
}

/* ---------- the same bytes on any number of threads ---------- */

static void round_bytes(predict_kind kind, search_acquisition acq, int threads, search_suggestion *out,
                        int *got, double *rho, double *mae)
{
    enum { NB = 16, TB = 3 }; /* 32,768 candidates: 8 blocks for the threads to share */
    static combo_t x[600];
    static double y[600];
    cs_rng r;
    rng_seed(&r, 5, 1);
    size_t m = 0;
    while (m < 250) {
        combo_t c = (rng_next(&r) & combo_all(NB)) | combo_single(TB);
        x[m] = c;
        y[m++] = 0.3 + 0.02 * __builtin_popcountll(c & 0x5a5a) - 0.01 * __builtin_popcountll(c & 0x0f0f) +
                 0.003 * rng_normal(&r);
    }
    par_set_threads(threads);
    search_settings st = {.predictor = kind, .acquisition = acq, .batch = 6, .seed = 11, .minimize = false};
    cs_error err;
    *got = search_round(&st, NB, TB, x, y, m, out, NULL, &err);
    predict_cv(kind, NB, TB, x, y, m, 5, 11, rho, mae);
    par_set_threads(0);
}

static void test_same_bytes_any_thread_count(void **state)
{
    (void)state;
    static const search_acquisition acqs[] = {ACQ_UCB, ACQ_THOMPSON};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        for (size_t a = 0; a < 2; a++) {
            search_suggestion one[6], many[6];
            int g1, g4;
            double r1, m1, r4, m4;
            memset(one, 0, sizeof one);
            memset(many, 0, sizeof many);
            round_bytes(kinds[k], acqs[a], 1, one, &g1, &r1, &m1);
            round_bytes(kinds[k], acqs[a], 4, many, &g4, &r4, &m4);
            assert_int_equal(g1, 6);
            assert_int_equal(g4, 6);
            assert_memory_equal(one, many, sizeof one);
            assert_memory_equal(&r1, &r4, sizeof r1);
            assert_memory_equal(&m1, &m4, sizeof m1);
        }
}

/* predict_cv_runs for multi (its own folds) on 1 and 3 threads. */
static void test_cv_runs_same_bytes(void **state)
{
    (void)state;
    enum { NR = 8 };
    combo_t c[120];
    double sc[120 * NR];
    cs_rng r;
    rng_seed(&r, 2, 2);
    for (int i = 0; i < 120; i++) {
        c[i] = (rng_next(&r) & combo_all(NR)) | 1;
        for (int d = 0; d < NR; d++)
            sc[i * NR + d] = combo_has(c[i], d) ? 0.5 + 0.01 * __builtin_popcountll(c[i]) + 0.01 * rng_normal(&r) : NAN;
    }
    predict_runs runs = {NR, 120, c, sc};
    double r1, m1, r3, m3;
    par_set_threads(1);
    assert_true(predict_cv_runs(PREDICT_MULTI, 0, &runs, 5, 4, &r1, &m1));
    par_set_threads(3);
    assert_true(predict_cv_runs(PREDICT_MULTI, 0, &runs, 5, 4, &r3, &m3));
    par_set_threads(0);
    assert_memory_equal(&r1, &r3, sizeof r1);
    assert_memory_equal(&m1, &m3, sizeof m1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_par_for_covers_once),
        cmocka_unit_test(test_cursor_matches_eval),
        cmocka_unit_test(test_same_bytes_any_thread_count),
        cmocka_unit_test(test_cv_runs_same_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
