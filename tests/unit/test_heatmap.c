#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "comboscope/heatmap.h"
#include "comboscope/lattice.h"
#include "comboscope/study.h"

#define near(a, b) assert_true(fabs((a) - (b)) < 1e-9)

/* score(c, t) = 0.5 + sum of w(t, a) over the other members a: a purely additive study, where
 * every marginal gain of a for t equals w(t, a), and so does the pair gain. */
static double weight(int t, int a)
{
    return ((t * 5 + a * 3) % 13 - 6) / 200.0;
}

static study *additive(int n, const char *metric, double sign)
{
    study *s = study_new();
    char name[32];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "%s_d%d", i % 2 ? "RE" : "NER", i);
        assert_int_equal(study_add_dataset(s, name, NULL, NULL), i);
    }
    int m = study_metric_add(s, metric);
    int other = study_metric_add(s, "recall");
    for (combo_t c = 1; c < ((combo_t)1 << n); c++) {
        for (int t = 0; t < n; t++) {
            if (!combo_has(c, t))
                continue;
            double v = 0.5;
            for (int a = 0; a < n; a++)
                if (a != t && combo_has(c, a))
                    v += sign * weight(t, a);
            study_add_value(s, c, t, m, v);
            study_add_value(s, c, t, other, 0.3 + 2 * combo_rank(c) / 100.0);
        }
    }
    assert_true(study_choose_metric(s, NULL));
    return s;
}

static void test_additive_pair_equals_marginal(void **state)
{
    (void)state;
    const int n = 7;
    study *s = additive(n, "f1", 1.0);
    heatmap h;
    heatmap_compute(&h, s, s->metric);
    assert_int_equal(h.goal, GOAL_MAX);
    double range = 0;
    for (int t = 0; t < n; t++) {
        for (int a = 0; a < n; a++) {
            const heatmap_cell *c = heatmap_at(&h, t, a);
            if (a == t) {
                assert_false(c->has_pair);
                assert_int_equal(c->n_pairs, 0);
                continue;
            }
            assert_true(c->has_pair);
            near(c->pair, weight(t, a));
            near(c->marginal, weight(t, a));
            /* every combination with t and without a: 2^(n-2) pairs */
            assert_int_equal(c->n_pairs, 1u << (n - 2));
            assert_int_equal(c->n_better, weight(t, a) > 0 ? 1u << (n - 2) : 0);
            range = fmax(range, fabs(weight(t, a)));
        }
    }
    near(h.pair_range, range);
    near(h.marginal_range, range);
    heatmap_done(&h);
    study_free(s);
}

static void test_min_goal_flips_sign(void **state)
{
    (void)state;
    /* a loss that falls by w(t, a) when a is added: a gain of w(t, a) */
    study *s = additive(5, "val_loss", -1.0);
    assert_int_equal(s->goal, GOAL_MIN);
    heatmap h;
    heatmap_compute(&h, s, s->metric);
    assert_int_equal(h.goal, GOAL_MIN);
    for (int t = 0; t < 5; t++)
        for (int a = 0; a < 5; a++)
            if (a != t) {
                near(heatmap_at(&h, t, a)->pair, weight(t, a));
                near(heatmap_at(&h, t, a)->marginal, weight(t, a));
            }
    heatmap_done(&h);
    study_free(s);
}

static void test_switching_metric(void **state)
{
    (void)state;
    study *s = additive(5, "f1", 1.0);
    int recall = study_find_metric(s, "recall");
    heatmap h;
    heatmap_compute(&h, s, recall);
    /* recall grows by 0.02 with every member, whatever it is */
    for (int t = 0; t < 5; t++)
        for (int a = 0; a < 5; a++)
            if (a != t) {
                near(heatmap_at(&h, t, a)->pair, 0.02);
                near(heatmap_at(&h, t, a)->marginal, 0.02);
            }
    heatmap_done(&h);
    heatmap_compute(&h, s, 99);
    assert_int_equal(h.n_datasets, 5);
    assert_int_equal(heatmap_at(&h, 0, 1)->n_pairs, 0);
    assert_false(heatmap_at(&h, 0, 1)->has_pair);
    heatmap_done(&h);
    study_free(s);
}

static void test_partial_by_hand(void **state)
{
    (void)state;
    study *s = study_new();
    const char *names[] = {"NER_a", "NER_b", "RE_c"};
    for (int i = 0; i < 3; i++)
        study_add_dataset(s, names[i], NULL, NULL);
    int m = study_metric_add(s, "f1");
    /* target 0: {0}=0.50, {0,1}=0.60 (twice: 0.58, 0.62), {0,2}=0.45, {0,1,2}=0.70.
     * No {1} or {1,2} for target 1, only {0,1}=0.9 and {0,1,2}=0.8. */
    study_add_value(s, 0x1, 0, m, 0.50);
    study_add_value(s, 0x3, 0, m, 0.58);
    study_add_value(s, 0x3, 0, m, 0.62);
    study_add_value(s, 0x5, 0, m, 0.45);
    study_add_value(s, 0x7, 0, m, 0.70);
    study_add_value(s, 0x3, 1, m, 0.90);
    study_add_value(s, 0x7, 1, m, 0.80);
    assert_true(study_choose_metric(s, NULL));
    heatmap h;
    heatmap_compute(&h, s, m);
    const heatmap_cell *c = heatmap_at(&h, 0, 1);
    assert_true(c->has_pair);
    near(c->pair, 0.10);
    /* pairs for adding 1 to target 0: ({0},{0,1}) +0.10 and ({0,2},{0,1,2}) +0.25 */
    assert_int_equal(c->n_pairs, 2);
    assert_int_equal(c->n_better, 2);
    near(c->marginal, 0.175);
    c = heatmap_at(&h, 0, 2);
    near(c->pair, -0.05);
    /* ({0},{0,2}) -0.05 and ({0,1},{0,1,2}) +0.10 */
    assert_int_equal(c->n_pairs, 2);
    assert_int_equal(c->n_better, 1);
    near(c->marginal, 0.025);
    /* target 1: no baseline, so no pair gain; one marginal pair ({0,1},{0,1,2}) -0.10 */
    c = heatmap_at(&h, 1, 2);
    assert_false(c->has_pair);
    assert_int_equal(c->n_pairs, 1);
    assert_int_equal(c->n_better, 0);
    near(c->marginal, -0.10);
    c = heatmap_at(&h, 1, 0);
    assert_int_equal(c->n_pairs, 0);
    near(h.pair_range, 0.10);
    near(h.marginal_range, 0.175);
    int rows[64];
    assert_int_equal(heatmap_task_rows(s, s->datasets[0].task, rows), 2);
    assert_int_equal(rows[1], 1);
    assert_int_equal(heatmap_task_rows(s, s->datasets[2].task, rows), 1);
    assert_int_equal(rows[0], 2);
    heatmap_done(&h);
    study_free(s);
}

/* A real predictor behind the hook for the test: 0.5 plus 0.01 per other member. */
static bool predict_linear(void *ctx, int target, combo_t c, double *mean, double *spread)
{
    (void)ctx;
    *mean = 0.5 + 0.01 * (combo_rank(c) - 1) + (target == 1 ? 0.2 : 0);
    *spread = 0;
    return true;
}

static void test_means_sort_unmeasured_predicted(void **state)
{
    (void)state;
    study *s = study_new();
    const char *names[] = {"NER_a", "NER_b", "RE_c"};
    for (int i = 0; i < 3; i++)
        study_add_dataset(s, names[i], NULL, NULL);
    int m = study_metric_add(s, "f1");
    study_add_value(s, 0x1, 0, m, 0.50);
    study_add_value(s, 0x3, 0, m, 0.60);
    study_add_value(s, 0x5, 0, m, 0.45);
    study_add_value(s, 0x7, 0, m, 0.70);
    study_add_value(s, 0x3, 1, m, 0.90);
    study_add_value(s, 0x7, 1, m, 0.80);
    assert_true(study_choose_metric(s, NULL));
    heatmap h;
    heatmap_compute(&h, s, m);
    double x;
    /* pair gains: (0,1) +0.10, (0,2) -0.05; nothing else has a baseline */
    assert_true(heatmap_value(&h, 0, 1, false, &x));
    near(x, 0.10);
    assert_false(heatmap_value(&h, 0, 0, false, &x));
    assert_false(heatmap_value(&h, 1, 2, false, &x));
    assert_true(heatmap_mean(&h, 0, true, false, &x));
    near(x, 0.025);
    assert_false(heatmap_mean(&h, 1, true, false, &x));
    assert_true(heatmap_mean(&h, 2, false, false, &x)); /* column 2: only (0,2) */
    near(x, -0.05);
    /* marginal: row 0 has (0,1) +0.175 and (0,2) +0.025; row 1 has (1,2) -0.10 */
    assert_true(heatmap_mean(&h, 1, true, true, &x));
    near(x, -0.10);
    int rows[3] = {2, 1, 0};
    heatmap_sort_by_mean(&h, true, true, rows, 3);
    assert_int_equal(rows[0], 0);
    assert_int_equal(rows[1], 1);
    assert_int_equal(rows[2], 2); /* no mean: last */
    int cols[3] = {0, 1, 2};
    heatmap_sort_by_mean(&h, false, false, cols, 3);
    assert_int_equal(cols[0], 1); /* +0.10 */
    assert_int_equal(cols[1], 2); /* -0.05 */
    assert_int_equal(cols[2], 0);
    /* 6 off-diagonal cells: 2 pair gains, 3 marginal ones measured */
    assert_int_equal(heatmap_unmeasured(&h, false), 4);
    assert_int_equal(heatmap_unmeasured(&h, true), 3);
    /* predictions: against the measured baseline, or the predicted one without it */
    lattice_predictions pr = {predict_linear, NULL};
    assert_false(heatmap_predicted_pair(&h, s, NULL, 0, 2, &x));
    assert_true(heatmap_predicted_pair(&h, s, &pr, 0, 2, &x));
    near(x, 0.51 - 0.50);
    assert_true(heatmap_predicted_pair(&h, s, &pr, 1, 2, &x));
    near(x, 0.71 - 0.70);
    assert_false(heatmap_predicted_pair(&h, s, &pr, 1, 1, &x));
    heatmap_done(&h);
    study_free(s);
}

static void test_short_labels(void **state)
{
    (void)state;
    study *s = study_new();
    const char *names[] = {"NER_bc2gm", "NER_bc4chemd", "EE_genia2011", "EE_genia2013", "RE_DDI",
                           "plain", "X_same1", "Y_same1", "caf\xc3\xa9_\xc3\xa9t\xc3\xa9s"};
    for (int i = 0; i < 9; i++)
        assert_int_equal(study_add_dataset(s, names[i], NULL, NULL), i);
    char buf[32];
    assert_string_equal(heatmap_short_label(s, 0, 4, buf, sizeof buf), "bc2g");
    assert_string_equal(heatmap_short_label(s, 1, 4, buf, sizeof buf), "bc4c");
    assert_string_equal(heatmap_short_label(s, 2, 4, buf, sizeof buf), "ge11");
    assert_string_equal(heatmap_short_label(s, 3, 4, buf, sizeof buf), "ge13");
    assert_string_equal(heatmap_short_label(s, 4, 4, buf, sizeof buf), "DDI");
    assert_string_equal(heatmap_short_label(s, 5, 4, buf, sizeof buf), "plai");
    assert_string_equal(heatmap_short_label(s, 6, 4, buf, sizeof buf), "#7");
    assert_string_equal(heatmap_short_label(s, 7, 4, buf, sizeof buf), "#8");
    /* characters, not bytes: "\xc3\xa9t\xc3\xa9s" cut to 3 is "\xc3\xa9t\xc3\xa9" */
    assert_string_equal(heatmap_short_label(s, 8, 3, buf, sizeof buf), "\xc3\xa9t\xc3\xa9");
    assert_string_equal(heatmap_short_label(s, 2, 12, buf, sizeof buf), "genia2011");
    study_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_additive_pair_equals_marginal),
        cmocka_unit_test(test_min_goal_flips_sign),
        cmocka_unit_test(test_switching_metric),
        cmocka_unit_test(test_partial_by_hand),
        cmocka_unit_test(test_short_labels),
        cmocka_unit_test(test_means_sort_unmeasured_predicted),
    };
    return cmocka_run_group_tests_name("heatmap", tests, NULL, NULL);
}
