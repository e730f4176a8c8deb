/* predict: each predictor learns a known additive and a known pairwise function. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "comboscope/predict.h"

enum { N = 9, TARGET = 2 };

/* Known functions of a combination (containing TARGET). */
static double additive_fn(combo_t c)
{
    double y = 0.6;
    for (int i = 0; i < N; i++)
        if (i != TARGET && combo_has(c, i))
            y += 0.01 * (i - 4) + (i == 7 ? 0.03 : 0);
    return y;
}

static double pairwise_fn(combo_t c)
{
    double y = additive_fn(c);
    if (combo_has(c, 0) && combo_has(c, 1))
        y += 0.06;
    if (combo_has(c, 5) && combo_has(c, 8))
        y -= 0.05;
    if (combo_has(c, 3) && combo_has(c, 6))
        y += 0.04;
    return y;
}

/* Splits the lattice of TARGET (256 combinations) into a training half and a test half by a
 * fixed scramble, fits kind on the training half and returns Spearman and MAE on the test half. */
static void holdout(predict_kind kind, double (*fn)(combo_t), double *rho, double *mae)
{
    uint64_t L = combo_lattice_size(N);
    combo_t tx[256], vx[256];
    double ty[256], vy[256], pv[256];
    size_t nt = 0, nv = 0;
    for (uint64_t i = 0; i < L; i++) {
        combo_t c = combo_lattice_at(N, TARGET, i);
        if (((i * 2654435761u) >> 7) & 1) {
            tx[nt] = c;
            ty[nt++] = fn(c);
        } else {
            vx[nv] = c;
            vy[nv++] = fn(c);
        }
    }
    cs_error err;
    predict_model *m = predict_fit(kind, N, TARGET, tx, ty, nt, 7, PREDICT_FULL, &err);
    assert_non_null(m);
    double e = 0, sd;
    for (size_t i = 0; i < nv; i++) {
        predict_eval(m, vx[i], &pv[i], &sd);
        e += fabs(pv[i] - vy[i]);
    }
    *mae = e / (double)nv;
    *rho = predict_spearman(pv, vy, nv);
    predict_free(m);
}

/* The accuracy each predictor must reach on held-out combinations (the spread of the
 * additive function is about 0.05 around its mean; MAE limits are in score units). */
static void test_learns_additive(void **state)
{
    (void)state;
    static const struct { predict_kind k; double rho, mae; } want[] = {
        {PREDICT_ADDITIVE, 0.99, 0.002}, {PREDICT_PAIRWISE, 0.98, 0.004},
        {PREDICT_ENSEMBLE, 0.95, 0.008}, {PREDICT_MLP, 0.90, 0.012},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        double rho, mae;
        holdout(want[i].k, additive_fn, &rho, &mae);
        print_message("additive  %-9s spearman %.3f mae %.4f\n", predict_kind_name(want[i].k), rho, mae);
        assert_true(rho >= want[i].rho);
        assert_true(mae <= want[i].mae);
    }
}

static void test_learns_pairwise(void **state)
{
    (void)state;
    static const struct { predict_kind k; double rho, mae; } want[] = {
        {PREDICT_PAIRWISE, 0.98, 0.004}, {PREDICT_ENSEMBLE, 0.90, 0.012},
        {PREDICT_MLP, 0.85, 0.015},
    };
    double rho_add, mae_add;
    holdout(PREDICT_ADDITIVE, pairwise_fn, &rho_add, &mae_add);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        double rho, mae;
        holdout(want[i].k, pairwise_fn, &rho, &mae);
        print_message("pairwise  %-9s spearman %.3f mae %.4f\n", predict_kind_name(want[i].k), rho, mae);
        assert_true(rho >= want[i].rho);
        assert_true(mae <= want[i].mae);
        assert_true(mae < mae_add); /* each beats the additive model on pair structure */
    }
    /* The additive model still gets the main effects' order right, but no better than that. */
    print_message("pairwise  additive  spearman %.3f mae %.4f\n", rho_add, mae_add);
    assert_true(rho_add >= 0.6);
    assert_true(mae_add >= 0.01);
}

static void test_pair_weights_recovered(void **state)
{
    (void)state;
    uint64_t L = combo_lattice_size(N);
    combo_t x[256];
    double y[256];
    for (uint64_t i = 0; i < L; i++) {
        x[i] = combo_lattice_at(N, TARGET, i);
        y[i] = pairwise_fn(x[i]);
    }
    predict_model *m = predict_fit(PREDICT_PAIRWISE, N, TARGET, x, y, L, 1, PREDICT_FULL, NULL);
    double w[N * N], main[N];
    assert_true(predict_pair_weights(m, w));
    assert_true(predict_main_effects(m, main));
    assert_true(fabs(w[0 * N + 1] - 0.06) < 0.005);
    assert_true(fabs(w[1 * N + 0] - 0.06) < 0.005);
    assert_true(fabs(w[5 * N + 8] + 0.05) < 0.005);
    assert_true(fabs(w[3 * N + 6] - 0.04) < 0.005);
    assert_true(fabs(w[4 * N + 7]) < 0.005);
    assert_true(w[TARGET * N + 0] == 0 && w[0] == 0);
    assert_true(fabs(main[7] - 0.06) < 0.005);
    assert_true(main[TARGET] == 0);
    predict_free(m);
    m = predict_fit(PREDICT_ENSEMBLE, N, TARGET, x, y, L, 1, PREDICT_FULL, NULL);
    assert_false(predict_pair_weights(m, w));
    predict_free(m);
}

static void test_deterministic(void **state)
{
    (void)state;
    combo_t x[40];
    double y[40];
    for (int i = 0; i < 40; i++) {
        x[i] = combo_lattice_at(N, TARGET, (uint64_t)(i * 5 + 1) % 256);
        y[i] = pairwise_fn(x[i]);
    }
    for (int k = 0; k < PREDICT_N_KINDS; k++) {
        predict_model *a = predict_fit((predict_kind)k, N, TARGET, x, y, 40, 3, PREDICT_FULL, NULL);
        predict_model *b = predict_fit((predict_kind)k, N, TARGET, x, y, 40, 3, PREDICT_FULL, NULL);
        predict_model *c = predict_fit((predict_kind)k, N, TARGET, x, y, 40, 4, PREDICT_FULL, NULL);
        bool differs = false;
        for (uint64_t i = 0; i < 256; i++) {
            combo_t q = combo_lattice_at(N, TARGET, i);
            double ma, sa, mb, sb, mc, sc;
            predict_eval(a, q, &ma, &sa);
            predict_eval(b, q, &mb, &sb);
            predict_eval(c, q, &mc, &sc);
            assert_true(ma == mb && sa == sb);
            differs |= ma != mc || sa != sc;
        }
        /* Another seed changes every model that has randomness in it. */
        assert_true(differs);
        predict_free(a);
        predict_free(b);
        predict_free(c);
    }
}

static void test_uncertainty(void **state)
{
    (void)state;
    /* Trained only on combinations without dataset 8: the spread is larger with it. */
    combo_t x[128];
    double y[128];
    size_t m = 0;
    for (uint64_t i = 0; i < 256; i++) {
        combo_t c = combo_lattice_at(N, TARGET, i);
        if (!combo_has(c, 8)) {
            x[m] = c;
            y[m++] = additive_fn(c);
        }
    }
    predict_kind kinds[] = {PREDICT_ADDITIVE, PREDICT_PAIRWISE, PREDICT_ENSEMBLE};
    for (size_t k = 0; k < 3; k++) {
        predict_model *md = predict_fit(kinds[k], N, TARGET, x, y, m, 5, PREDICT_FULL, NULL);
        assert_true(predict_members(md) > 1);
        double mu, sd_in, sd_out;
        predict_eval(md, combo_single(TARGET) | combo_single(0) | combo_single(3), &mu, &sd_in);
        predict_eval(md, combo_single(TARGET) | combo_single(0) | combo_single(3) | combo_single(8), &mu, &sd_out);
        print_message("%-9s sd seen %.4f unseen %.4f\n", predict_kind_name(kinds[k]), sd_in, sd_out);
        assert_true(sd_out > 1.5 * sd_in);
        predict_free(md);
    }
    predict_model *md = predict_fit(PREDICT_MLP, N, TARGET, x, y, m, 5, PREDICT_FULL, NULL);
    assert_int_equal(predict_members(md), 1);
    predict_free(md);
}

static void test_cv_and_spearman(void **state)
{
    (void)state;
    double a[] = {1, 2, 3, 4, 5}, b[] = {10, 20, 30, 40, 50}, c[] = {5, 4, 3, 2, 1}, t[] = {1, 1, 2, 2, 3};
    assert_true(fabs(predict_spearman(a, b, 5) - 1) < 1e-12);
    assert_true(fabs(predict_spearman(a, c, 5) + 1) < 1e-12);
    assert_true(fabs(predict_spearman(a, t, 5) - 0.9486832980505138) < 1e-9); /* average ranks */
    assert_true(isnan(predict_spearman(a, (double[]){1, 1, 1, 1, 1}, 5)));
    combo_t x[60];
    double y[60], rho, mae;
    for (int i = 0; i < 60; i++) {
        x[i] = combo_lattice_at(N, TARGET, (uint64_t)(i * 37) % 256);
        y[i] = additive_fn(x[i]);
    }
    assert_true(predict_cv(PREDICT_ADDITIVE, N, TARGET, x, y, 60, 5, 1, &rho, &mae));
    assert_true(rho > 0.95 && mae < 0.003);
    assert_true(predict_cv(PREDICT_RANDOM, N, TARGET, x, y, 60, 5, 1, &rho, &mae));
    assert_true(fabs(rho) < 0.4);
    assert_false(predict_cv(PREDICT_ADDITIVE, N, TARGET, x, y, 3, 5, 1, &rho, &mae));
    assert_true(isnan(rho) && isnan(mae));
}

/* auto: the choice is the candidate with the best cross-validated rank correlation, the model
 * is that kind's own fit, and the reason reads as the Round view shows it. */
static void test_auto_choice(void **state)
{
    (void)state;
    combo_t x[128];
    double y[128];
    size_t m = 0;
    for (uint64_t i = 0; i < combo_lattice_size(N); i += 2) {
        x[m] = combo_lattice_at(N, TARGET, i);
        y[m] = pairwise_fn(x[m]);
        m++;
    }
    predict_model *a = predict_fit(PREDICT_AUTO, N, TARGET, x, y, m, 4, PREDICT_FULL, NULL);
    predict_choice c;
    assert_true(predict_auto_choice(a, &c));
    assert_true(c.skill);
    assert_int_equal(c.points, m);
    /* the chosen kind's rho is the best of the candidates' */
    static const predict_kind cand[PREDICT_AUTO_N] = PREDICT_AUTO_CANDIDATES;
    for (int i = 0; i < PREDICT_AUTO_N; i++) {
        double rho, mae;
        assert_true(predict_cv(cand[i], N, TARGET, x, y, m, PREDICT_AUTO_FOLDS, 4, &rho, &mae));
        assert_true(rho <= c.rho);
        if (cand[i] == c.chosen)
            assert_true(rho == c.rho);
        else if (cand[i] == c.runner)
            assert_true(rho == c.runner_rho);
    }
    /* the model is the chosen kind's fit with the same seed */
    predict_model *b = predict_fit(c.chosen, N, TARGET, x, y, m, 4, PREDICT_FULL, NULL);
    double fa[64], fb[64];
    assert_int_equal(predict_members(a), predict_members(b));
    predict_eval_members(a, x[3], fa);
    predict_eval_members(b, x[3], fb);
    assert_memory_equal(fa, fb, (size_t)predict_members(a) * sizeof *fa);
    assert_false(predict_auto_choice(b, &c));
    char buf[128];
    predict_auto_choice(a, &c);
    predict_choice_format(&c, buf, sizeof buf);
    print_message("%s\n", buf);
    assert_non_null(strstr(buf, "auto: "));
    assert_non_null(strstr(buf, ", cv rho 0."));
    assert_non_null(strstr(buf, " vs "));
    predict_free(a);
    predict_free(b);
    /* skill needs rho above 1.2816 / sqrt(m - 1): 0.5 is enough on 20 points, not on 6 */
    assert_true(predict_has_skill(0.5, 20));
    assert_false(predict_has_skill(0.5, 6));
    assert_false(predict_has_skill(0.9, 3));
    assert_false(predict_has_skill(NAN, 50));
}

static void test_names_and_limits(void **state)
{
    (void)state;
    predict_kind k;
    assert_true(predict_kind_parse("ensemble", &k) && k == PREDICT_ENSEMBLE);
    assert_true(predict_kind_parse("pairwise", &k) && k == PREDICT_PAIRWISE);
    assert_true(predict_kind_parse("gp", &k) && k == PREDICT_GP);
    assert_true(predict_kind_parse("auto", &k) && k == PREDICT_AUTO);
    assert_false(predict_kind_parse("svm", &k));
    assert_string_equal(predict_kind_name(PREDICT_MLP), "mlp");
    assert_string_equal(predict_kind_list(), "ensemble, mlp, additive, pairwise, random, multi, gp, auto");
    cs_error err;
    assert_null(predict_fit(PREDICT_PAIRWISE, 40, 0, NULL, NULL, 0, 1, PREDICT_FULL, &err));
    /* No data: a prediction with doubt, not a crash. */
    predict_model *m = predict_fit(PREDICT_ENSEMBLE, 5, 0, NULL, NULL, 0, 1, PREDICT_FULL, &err);
    double mu, sd;
    predict_eval(m, 3, &mu, &sd);
    assert_true(isfinite(mu) && isfinite(sd));
    predict_free(m);
    m = predict_fit(PREDICT_ADDITIVE, 5, 0, NULL, NULL, 0, 1, PREDICT_FULL, &err);
    predict_eval(m, 3, &mu, &sd);
    assert_true(isfinite(mu) && sd > 0);
    predict_free(m);
}

/* The multi-target ensemble learns from the other members' scores: when every dataset follows
 * the same transfer pattern and the target has few scores of its own, it predicts the target
 * better than the same ensemble on the target's scores alone. */
static double shared_fn(combo_t c, int d)
{
    double y = 0.5 + 0.03 * d;
    for (int e = 0; e < N; e++)
        if (e != d && combo_has(c, e))
            y += 0.012 * ((e % 3) - 1) + (e == 6 ? 0.02 : 0);
    return y;
}

static void test_multi_learns_from_other_targets(void **state)
{
    (void)state;
    enum { M = 120 };
    combo_t runs[M];
    double *sc = malloc((size_t)M * N * sizeof *sc);
    size_t target_scored = 0;
    for (int i = 0; i < M; i++) {
        runs[i] = (combo_t)((i * 2654435761u + 12345u) >> 5) & combo_all(N);
        if (!runs[i])
            runs[i] = 1;
        for (int d = 0; d < N; d++) {
            sc[i * N + d] = combo_has(runs[i], d) ? shared_fn(runs[i], d) : NAN;
            /* the target's own score only for a few runs */
            if (d == TARGET && combo_has(runs[i], d) && target_scored++ >= 8)
                sc[i * N + d] = NAN;
        }
    }
    predict_runs r = {N, M, runs, sc};
    combo_t *x;
    double *y;
    assert_int_equal(predict_runs_target(&r, TARGET, &x, &y), 8);
    predict_model *multi = predict_fit_runs(PREDICT_MULTI, TARGET, &r, 1, PREDICT_FULL, NULL);
    predict_model *single = predict_fit_runs(PREDICT_ENSEMBLE, TARGET, &r, 1, PREDICT_FULL, NULL);
    double em = 0, es = 0, pm[256], truth[256], sd;
    for (uint64_t i = 0; i < 256; i++) {
        combo_t c = combo_lattice_at(N, TARGET, i);
        double ps;
        predict_eval(multi, c, &pm[i], &sd);
        predict_eval(single, c, &ps, &sd);
        truth[i] = shared_fn(c, TARGET);
        em += fabs(pm[i] - truth[i]);
        es += fabs(ps - truth[i]);
    }
    print_message("target with 8 scores: multi mae %.4f, ensemble mae %.4f, multi spearman %.3f\n",
                  em / 256, es / 256, predict_spearman(pm, truth, 256));
    assert_true(em < 0.8 * es);
    assert_true(predict_spearman(pm, truth, 256) > 0.8);
    double rho, mae;
    assert_true(predict_cv_runs(PREDICT_MULTI, TARGET, &r, 4, 1, &rho, &mae));
    assert_true(isfinite(rho) && mae < 0.05);
    assert_true(predict_cv_runs(PREDICT_ADDITIVE, TARGET, &r, 4, 1, &rho, &mae));
    predict_free(multi);
    predict_free(single);
    free(x);
    free(y);
    free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_learns_additive),     cmocka_unit_test(test_learns_pairwise),
        cmocka_unit_test(test_pair_weights_recovered), cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_uncertainty),         cmocka_unit_test(test_cv_and_spearman),
        cmocka_unit_test(test_names_and_limits),
        cmocka_unit_test(test_auto_choice),
        cmocka_unit_test(test_multi_learns_from_other_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
