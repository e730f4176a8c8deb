/* replay: exact random-search figures, quantiles, completeness, and searches on a known table. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "comboscope/replay.h"

/* A complete in-memory study of n datasets in two task types: every combination scored on
 * every member by an additive function with one interaction (skip: leave combination out). */
static study *make_study(int n, combo_t skip)
{
    study *s = study_new();
    char name[16];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "%s_%c", i < n / 2 ? "A" : "B", 'a' + i);
        assert_true(study_add_dataset(s, name, NULL, NULL) == i);
    }
    s->metric = study_metric_add(s, "f1");
    for (combo_t c = 1; c < ((combo_t)1 << n); c++) {
        if (c == skip)
            continue;
        for (int d = 0; d < n; d++) {
            if (!combo_has(c, d))
                continue;
            double y = 0.5 + 0.01 * d;
            for (int e = 0; e < n; e++)
                if (e != d && combo_has(c, e))
                    y += 0.004 * ((e * 7 + d * 3) % 5 - 2);
            if (combo_has(c, 0) && combo_has(c, n - 1))
                y += 0.012;
            study_add_value(s, c, d, s->metric, y);
        }
    }
    study_default_targets(s);
    return s;
}

static void test_random_runs_exact(void **state)
{
    (void)state;
    assert_true(replay_random_runs(2048, 1) == 1024.5);
    assert_true(fabs(replay_random_runs(2048, 21) - 2049.0 / 22) < 1e-12);
    assert_true(replay_random_runs(1, 1) == 1);
    /* Brute-force check of (N+1)/(m+1): mean position of the first good one over all orders
     * of N = 5 with m = 2 (positions of the good ones are what matters: 10 equally likely). */
    double sum = 0;
    int count = 0;
    for (int a = 0; a < 5; a++)
        for (int b = a + 1; b < 5; b++) {
            sum += a + 1;
            count++;
        }
    assert_true(fabs(sum / count - replay_random_runs(5, 2)) < 1e-12);
}

static void test_random_median_exact(void **state)
{
    (void)state;
    /* By hand: N = 4, one good: P(miss after 1) = 3/4, after 2 = 1/2 -> median 2. */
    assert_true(replay_random_median(4, 1) == 2);
    /* N = 10, two good: misses 8/10, then 8/10*7/9 = 0.622, then *6/8 = 0.467 -> 3. */
    assert_true(replay_random_median(10, 2) == 3);
    assert_true(replay_random_median(1, 1) == 1);
    assert_true(isinf(replay_random_median(5, 0)));
    /* With many good ones the median is near ln 2 times the mean (finding c of issue 13). */
    double ratio = replay_random_median(2048, 21) / replay_random_runs(2048, 21);
    assert_true(ratio > 0.66 && ratio < 0.75);
    /* Brute force over every order of N = 6 with 2 good: the first good position's median. */
    int pos[15], k = 0;
    for (int a = 0; a < 6; a++)
        for (int b = a + 1; b < 6; b++)
            pos[k++] = a + 1;
    int below = 0;
    for (int i = 0; i < k; i++)
        below += pos[i] <= (int)replay_random_median(6, 2);
    assert_true(below * 2 >= k);
    below = 0;
    for (int i = 0; i < k; i++)
        below += pos[i] <= (int)replay_random_median(6, 2) - 1;
    assert_true(below * 2 < k);
}

static void test_quantiles_and_speedup(void **state)
{
    (void)state;
    double v[] = {4, 1, 3, 2};
    assert_true(replay_quantile(v, 4, 0.5) == 2.5);
    double w[] = {10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11};
    assert_true(fabs(replay_quantile(w, 11, 0.9) - 10) < 1e-12);
    double u[] = {1, INFINITY, 2};
    assert_true(replay_quantile(u, 3, 0.5) == 2);
    assert_true(isinf(replay_quantile(u, 3, 0.9)));
    double r[] = {100, 10}, runs[] = {10, 10};
    assert_true(fabs(replay_speedup(r, runs, 2) - sqrt(10)) < 1e-12);
    double bad[] = {10, INFINITY};
    assert_true(isnan(replay_speedup(r, bad, 2)));
}

static void test_completeness(void **state)
{
    (void)state;
    study *s = make_study(5, 0x7); /* {a,b,c} missing */
    cs_error err;
    assert_true(replay_check_complete(s, 3, &err));
    assert_false(replay_check_complete(s, 0, &err));
    print_message("%s\n", err.msg);
    assert_non_null(strstr(err.msg, "1 of 16 combinations containing A_a have no f1 score"));
    assert_non_null(strstr(err.msg, "A_a+A_b+B_c"));
    replay_options o = {.search = {.predictor = PREDICT_ADDITIVE, .acquisition = ACQ_UCB, .batch = 1, .seed = 1}, .init = {DESIGN_PAPER, 0}, .seeds = 2};
    replay_result r;
    assert_false(replay_target(s, 1, &o, &r, &err));
    study_free(s);
}

static void test_replay_finds_the_best(void **state)
{
    (void)state;
    study *s = make_study(7, 0);
    replay_options o = {.search = {.predictor = PREDICT_PAIRWISE, .acquisition = ACQ_UCB, .batch = 1, .seed = 1}, .init = {DESIGN_PAPER, 0}, .seeds = 8};
    replay_result r, r2;
    cs_error err;
    for (int t = 0; t < 7; t++) {
        assert_true(replay_target(s, t, &o, &r, &err));
        assert_int_equal(r.lattice, 64);
        assert_int_equal(r.found_best, 8);
        assert_true(r.n_top >= 1 && r.n_best >= 1);
        assert_true(r.best_median >= 1 && r.best_median <= 64);
        assert_true(r.top_median <= r.best_median);
        assert_true(r.best_p90 >= r.best_median);
        print_message("target %d: best median %.1f p90 %.1f (random %.1f)\n", t, r.best_median, r.best_p90, r.random_best);
        /* A model of the right form needs well under random's expectation. */
        assert_true(r.best_median < r.random_best / 1.5);
        /* Deterministic. */
        assert_true(replay_target(s, t, &o, &r2, &err));
        assert_memory_equal(&r, &r2, sizeof r);
    }
    /* A budget too small leaves searches unfinished: reported as infinite, never invented. */
    o.budget = 3;
    o.init = (search_design){DESIGN_RANDOM, 2};
    assert_true(replay_target(s, 0, &o, &r, &err));
    assert_true(r.found_best <= 8);
    if (r.found_best < 4)
        assert_true(isinf(r.best_median));
    study_free(s);
}

static void test_pool_replay(void **state)
{
    (void)state;
    /* An incomplete table: keep only combinations with an even popcount, plus every single. */
    study *full = make_study(6, 0), *s = study_new();
    for (int i = 0; i < 6; i++)
        study_add_dataset(s, full->datasets[i].name, NULL, NULL);
    s->metric = study_metric_add(s, "f1");
    size_t pool = 0;
    for (combo_t c = 1; c < 64; c++) {
        if (__builtin_popcountll(c) % 2 && __builtin_popcountll(c) != 1)
            continue;
        for (int d = 0; d < 6; d++) {
            double v;
            if (combo_has(c, d) && study_score(full, c, d, &v))
                study_add_value(s, c, d, s->metric, v);
        }
        pool += combo_has(c, 2);
    }
    study_default_targets(s);
    cs_error err;
    replay_result r;
    replay_options o = {.search = {.predictor = PREDICT_ADDITIVE, .acquisition = ACQ_UCB, .batch = 1, .seed = 1},
                        .init = {DESIGN_PAPER, 0}, .seeds = 4};
    assert_false(replay_target(s, 2, &o, &r, &err)); /* not complete */
    o.pool = true;
    assert_true(replay_target(s, 2, &o, &r, &err));
    assert_int_equal(r.lattice, pool);
    assert_int_equal(r.found_best, 4);
    assert_true(r.best_median <= (double)pool);
    assert_true(r.random_best == replay_random_runs(pool, r.n_best));
    /* The best is the pool's best, not the lattice's. */
    double best = -INFINITY, v;
    for (combo_t c = 1; c < 64; c++)
        if (combo_has(c, 2) && study_score(s, c, 2, &v) && v > best)
            best = v;
    assert_true(r.best_score == best);
    /* Random search over the pool with a one-run design: its median is near random's. */
    o.search.predictor = PREDICT_RANDOM;
    o.init = (search_design){DESIGN_RANDOM, 1};
    o.seeds = 200;
    assert_true(replay_target(s, 2, &o, &r, &err));
    print_message("pool %zu: random median %.1f, exact mean %.2f median %.0f\n", pool, r.best_median, r.random_best,
                  r.random_best_median);
    assert_true(fabs(r.best_median - r.random_best_median) <= 3);
    study_free(s);
    study_free(full);
}

/* replay --joint: both ways measure every target's best; deterministic; a single target is
 * the same search either way (the joint value of one target ranks as its own acquisition). */
static void test_joint_replay(void **state)
{
    (void)state;
    study *s = make_study(6, 0);
    int targets[3] = {0, 2, 5};
    replay_options o = {.search = {.predictor = PREDICT_ADDITIVE, .acquisition = ACQ_EI, .batch = 1, .seed = 1},
                        .init = {DESIGN_PAPER, 0}, .seeds = 3};
    replay_joint_result r, r2;
    cs_error err;
    assert_true(replay_joint(s, targets, 3, &o, &r, &err));
    print_message("joint %.1f (p90 %.1f), one after another %.1f (p90 %.1f)\n", r.joint_median, r.joint_p90,
                  r.sequential_median, r.sequential_p90);
    assert_int_equal(r.joint_found, 3);
    assert_int_equal(r.sequential_found, 3);
    assert_true(r.joint_median >= 3 && r.joint_median <= 63);
    assert_true(r.sequential_median >= 3 && r.sequential_median <= 63);
    assert_true(replay_joint(s, targets, 3, &o, &r2, &err));
    assert_memory_equal(&r, &r2, sizeof r);
    /* an incomplete table is refused as replay refuses it */
    study *part = make_study(5, 0x7);
    int t0 = 0;
    assert_false(replay_joint(part, &t0, 1, &o, &r, &err));
    study_free(part);
    study_free(s);
}

static void test_random_predictor_matches_expectation(void **state)
{
    (void)state;
    /* The random predictor is random search; over many seeds its mean runs to the best come near
     * (N+1)/(m+1). With an initial design of one random run the whole search is random. */
    study *s = make_study(6, 0);
    replay_options o = {.search = {.predictor = PREDICT_RANDOM, .acquisition = ACQ_MEAN, .batch = 1, .seed = 1}, .init = {DESIGN_RANDOM, 1}, .seeds = 200};
    replay_result r;
    assert_true(replay_target(s, 2, &o, &r, NULL));
    print_message("random: median %.1f, expected mean %.2f\n", r.best_median, r.random_best);
    /* For a uniform position the median is about the mean. */
    assert_true(fabs(r.best_median - r.random_best) < 4.5);
    study_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_runs_exact),
        cmocka_unit_test(test_quantiles_and_speedup),
        cmocka_unit_test(test_completeness),
        cmocka_unit_test(test_replay_finds_the_best),
        cmocka_unit_test(test_random_predictor_matches_expectation),
        cmocka_unit_test(test_random_median_exact),
        cmocka_unit_test(test_pool_replay),
        cmocka_unit_test(test_joint_replay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
