/* predict_gp: the Gaussian process against values worked out by hand on tiny cases, its
 * members against its exact posterior, hyperparameters by marginal likelihood, determinism. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "comboscope/predict.h"
#include "comboscope/predict_gp.h"
#include "comboscope/rng.h"

#define PI 3.14159265358979323846
#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) < (tol))

static void test_kernel_by_hand(void **state)
{
    (void)state;
    gp_hyper h = {log(2.0), 0.1, 2};
    NEAR(gp_kernel(&h, 0x5, 0x5), 2, 1e-15);
    NEAR(gp_kernel(&h, 0x5, 0x4), 1, 1e-15);   /* one bit differs: 2 / 2 */
    NEAR(gp_kernel(&h, 0x5, 0x3), 0.5, 1e-15); /* two bits: 2 / 4 */
}

static void test_one_point_by_hand(void **state)
{
    (void)state;
    /* x1 = 0, y1 = 1, sf2 = 1, lambda = 1, theta = ln 2: K = 2, alpha = 1/2.
     * At a neighbour k = 1/2: mean 1/4, variance 1 - (1/2)^2 / 2 = 7/8. At x1: 1/2 and 1/2. */
    gp_hyper h = {log(2.0), 1, 1};
    uint64_t x = 0;
    double y = 1, mu, var;
    gp_model *g = gp_fit(3, &x, &y, 1, &h, 1);
    gp_posterior(g, 0x1, &mu, &var);
    NEAR(mu, 0.25, 1e-12);
    NEAR(var, 0.875, 1e-12);
    gp_posterior(g, 0, &mu, &var);
    NEAR(mu, 0.5, 1e-12);
    NEAR(var, 0.5, 1e-12);
    /* log N(1; 0, 2) = -1/4 - ln(2 pi 2)/2 */
    NEAR(gp_log_marginal(&h, &x, &y, 1), -0.25 - 0.5 * log(4 * PI), 1e-12);
    gp_free(g);
}

static void test_two_points_by_hand(void **state)
{
    (void)state;
    /* x = {00, 01}, y = {1, -1}, theta = ln 2, lambda = 1/2, sf2 = 1:
     * K = [[1.5, .5], [.5, 1.5]], K^-1 = [[.75, -.25], [-.25, .75]], alpha = (1, -1).
     * At 10: k = (1/2, 1/4): mean 1/2 - 1/4 = 1/4; K^-1 k = (.3125, .0625),
     * variance 1 - (.5 * .3125 + .25 * .0625) = .828125.
     * log marginal: y'K^-1y = 2, det K = 2: -1 - ln(2)/2 - ln(2 pi). */
    gp_hyper h = {log(2.0), 0.5, 1};
    uint64_t x[2] = {0, 1};
    double y[2] = {1, -1}, mu, var;
    gp_model *g = gp_fit(2, x, y, 2, &h, 1);
    gp_posterior(g, 2, &mu, &var);
    NEAR(mu, 0.25, 1e-12);
    NEAR(var, 0.828125, 1e-12);
    NEAR(gp_log_marginal(&h, x, y, 2), -1 - 0.5 * log(2.0) - log(2 * PI), 1e-12);
    /* With sf2 = 2 every variance doubles and the mean is unchanged (lambda is relative). */
    gp_hyper h2 = {log(2.0), 0.5, 2};
    gp_model *g2 = gp_fit(2, x, y, 2, &h2, 1);
    double mu2, var2;
    gp_posterior(g2, 2, &mu2, &var2);
    NEAR(mu2, 0.25, 1e-12);
    NEAR(var2, 2 * 0.828125, 1e-12);
    gp_free(g);
    gp_free(g2);
}

/* Members: antithetic pairs, so their mean is the exact posterior mean; their spread follows
 * the exact posterior variance (a Monte Carlo estimate from 8 pairs: checked on average). */
static void test_members_match_posterior(void **state)
{
    (void)state;
    int d = 6;
    uint64_t x[12];
    double y[12];
    cs_rng rng;
    rng_seed(&rng, 3, 0);
    for (int i = 0; i < 12; i++) {
        x[i] = rng_next(&rng) & 0x3f;
        y[i] = ((x[i] & 1) ? 1.0 : -0.5) + ((x[i] >> 3 & 1) ? 0.4 : 0) + 0.1 * rng_normal(&rng);
    }
    gp_hyper h = {0.4, 0.05, 1};
    double ratio = 0;
    int count = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        gp_model *g = gp_fit(d, x, y, 12, &h, seed);
        for (uint64_t c = 0; c < 64; c++) {
            double f[GP_MEMBERS], mu, var, m = 0, v = 0;
            gp_eval_members(g, c, f);
            gp_posterior(g, c, &mu, &var);
            for (int s = 0; s < GP_MEMBERS; s++)
                m += f[s];
            m /= GP_MEMBERS;
            NEAR(m, mu, 1e-9);
            for (int s = 0; s < GP_MEMBERS; s++)
                v += (f[s] - m) * (f[s] - m);
            v /= GP_MEMBERS; /* 8 independent deviations, each counted twice */
            ratio += v / var;
            count++;
        }
        gp_free(g);
    }
    ratio /= count;
    print_message("member variance / exact variance, averaged: %.3f\n", ratio);
    assert_true(ratio > 0.8 && ratio < 1.25);
}

static void test_marginal_likelihood_choice(void **state)
{
    (void)state;
    /* A noiseless function of one bit over all 32 points: the likelihood asks for little noise. */
    uint64_t x[32];
    double y[32];
    for (int i = 0; i < 32; i++) {
        x[i] = (uint64_t)i;
        y[i] = (i & 1) ? 1 : -1;
    }
    gp_model *g = gp_fit(5, x, y, 32, NULL, 1);
    gp_hyper h = gp_hyperparameters(g);
    print_message("one-bit function: theta %.3f lambda %.3f sf2 %.3f\n", h.theta, h.lambda, h.sf2);
    assert_true(h.lambda <= 0.03);
    /* The chosen point beats its grid neighbours (it is the maximum found). */
    double best = gp_log_marginal(&h, x, y, 32);
    gp_hyper other = h;
    other.lambda = 1;
    assert_true(gp_log_marginal(&other, x, y, 32) < best);
    gp_free(g);
    /* Pure noise: either a lot of noise or a kernel that forgets at once (nearly white). */
    cs_rng rng;
    rng_seed(&rng, 9, 1);
    for (int i = 0; i < 32; i++)
        y[i] = rng_normal(&rng);
    g = gp_fit(5, x, y, 32, NULL, 1);
    h = gp_hyperparameters(g);
    print_message("noise: theta %.3f lambda %.3f\n", h.theta, h.lambda);
    assert_true(h.lambda >= 0.3 || h.theta >= 1.5);
    gp_free(g);
}

static void test_predictor_gp(void **state)
{
    (void)state;
    /* Through predict.h: an additive target over 7 datasets, target 2. */
    int n = 7, target = 2;
    combo_t xs[64];
    double ys[64];
    size_t m = 0;
    for (combo_t c = 1; c < 128; c++) {
        if (!combo_has(c, target))
            continue;
        double v = 0.7;
        for (int d = 0; d < n; d++)
            if (d != target && combo_has(c, d))
                v += 0.01 * (d - 3);
        xs[m] = c;
        ys[m++] = v;
    }
    double rho, mae;
    assert_true(predict_cv(PREDICT_GP, n, target, xs, ys, m, 5, 1, &rho, &mae));
    print_message("gp cv rho %.3f mae %.4f\n", rho, mae);
    assert_true(rho > 0.8);
    predict_model *a = predict_fit(PREDICT_GP, n, target, xs, ys, 20, 7, PREDICT_FULL, NULL);
    predict_model *b = predict_fit(PREDICT_GP, n, target, xs, ys, 20, 7, PREDICT_FULL, NULL);
    assert_int_equal(predict_members(a), GP_MEMBERS);
    double fa[GP_MEMBERS], fb[GP_MEMBERS];
    for (size_t i = 0; i < m; i++) {
        predict_eval_members(a, xs[i], fa);
        predict_eval_members(b, xs[i], fb);
        assert_memory_equal(fa, fb, sizeof fa);
    }
    /* No data: mean 0 in standardized units (the empty mean) with some spread. */
    predict_model *e = predict_fit(PREDICT_GP, n, target, xs, ys, 0, 7, PREDICT_FULL, NULL);
    double mu, sd;
    predict_eval(e, xs[3], &mu, &sd);
    assert_true(sd > 0.1);
    predict_free(a);
    predict_free(b);
    predict_free(e);
}

/* The cursor's tables: every x's members as gp_eval_members gives them (to rounding), and the
 * same bytes whatever order the x come in (Gray code, or jumping between high bits), with fewer
 * inputs than the table's bits too. */
static void test_cursor_tables(void **state)
{
    (void)state;
    static const int dims[] = {11, 3, 0};
    for (size_t di = 0; di < sizeof dims / sizeof *dims; di++) {
        int d = dims[di];
        enum { M = 60 };
        uint64_t x[M], all = d ? ((uint64_t)1 << d) - 1 : 0;
        double y[M];
        cs_rng r;
        rng_seed(&r, 8, (uint64_t)d);
        for (size_t i = 0; i < M; i++) {
            x[i] = rng_next(&r) & all;
            y[i] = (double)__builtin_popcountll(x[i] & 0x2d) * 0.3 + 0.1 * rng_normal(&r);
        }
        gp_model *g = gp_fit(d, x, y, M, NULL, 5);
        gp_cursor *a = gp_cursor_new(g), *b = gp_cursor_new(g);
        size_t L = (size_t)1 << d;
        double *fa = malloc(L * GP_MEMBERS * sizeof *fa), ref[GP_MEMBERS], fb[GP_MEMBERS], worst = 0;
        for (size_t i = 0; i < L; i++) {
            uint64_t c = i ^ (i >> 1);
            gp_cursor_eval(a, c, fa + c * GP_MEMBERS);
            gp_eval_members(g, c, ref);
            for (int s = 0; s < GP_MEMBERS; s++)
                worst = fmax(worst, fabs(ref[s] - fa[c * GP_MEMBERS + s]));
        }
        for (size_t i = 0; i < 3 * L; i++) { /* random order: the same bytes */
            uint64_t c = rng_next(&r) & all;
            gp_cursor_eval(b, c, fb);
            assert_memory_equal(fb, fa + c * GP_MEMBERS, sizeof fb);
        }
        print_message("d %d: cursor tables against gp_eval_members: max |difference| %.1e\n", d, worst);
        assert_true(worst < 1e-12);
        free(fa);
        gp_cursor_free(a);
        gp_cursor_free(b);
        gp_free(g);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_by_hand),
        cmocka_unit_test(test_one_point_by_hand),
        cmocka_unit_test(test_two_points_by_hand),
        cmocka_unit_test(test_members_match_posterior),
        cmocka_unit_test(test_marginal_likelihood_choice),
        cmocka_unit_test(test_predictor_gp),
        cmocka_unit_test(test_cursor_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
