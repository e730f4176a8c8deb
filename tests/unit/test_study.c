#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/study.h"

static void test_add_dataset_infers_tasks(void **state)
{
    (void)state;
    study *s = study_new();
    cs_error e;
    assert_int_equal(study_add_dataset(s, "NER_bc5cdr", NULL, &e), 0);
    assert_int_equal(study_add_dataset(s, "RE_DDI", NULL, &e), 1);
    assert_int_equal(study_add_dataset(s, "NER_bc2gm", NULL, &e), 2);
    assert_int_equal(study_add_dataset(s, "plain", NULL, &e), 3);
    assert_int_equal(study_add_dataset(s, "x", "Custom", &e), 4);
    assert_int_equal(s->n_tasks, 4);
    assert_string_equal(s->tasks[s->datasets[0].task], "NER");
    assert_int_equal(s->datasets[0].task, s->datasets[2].task);
    assert_string_equal(s->tasks[s->datasets[3].task], "all");
    assert_string_equal(s->tasks[s->datasets[4].task], "Custom");
    assert_int_equal(study_find_dataset(s, "RE_DDI"), 1);
    assert_int_equal(study_find_dataset(s, "nope"), -1);
    study_free(s);
}

static void test_add_dataset_rejects(void **state)
{
    (void)state;
    study *s = study_new();
    cs_error e;
    assert_int_equal(study_add_dataset(s, "A", NULL, &e), 0);
    assert_int_equal(study_add_dataset(s, "A", NULL, &e), -1);
    assert_non_null(strstr(e.msg, "twice"));
    assert_int_equal(study_add_dataset(s, "", NULL, &e), -1);
    assert_int_equal(study_add_dataset(s, "a+b", NULL, &e), -1);
    assert_int_equal(study_add_dataset(s, "bad\x1b[2J", NULL, &e), -1);
    assert_non_null(strstr(e.msg, "control characters"));
    assert_null(strchr(e.msg, '\x1b')); /* the message itself is safe to print */
    assert_int_equal(study_add_dataset(s, "ok", "t\x07", &e), -1);
    assert_int_equal(study_add_dataset(s, "c1\xc2\x9b", NULL, &e), -1); /* UTF-8 C1 (CSI) */
    for (int i = 1; i < 64; i++) {
        char name[16];
        snprintf(name, sizeof name, "D%d", i);
        assert_int_equal(study_add_dataset(s, name, NULL, &e), i);
    }
    assert_int_equal(study_add_dataset(s, "D64", NULL, &e), -1);
    assert_non_null(strstr(e.msg, "more than 64"));
    assert_int_equal(s->n_datasets, 64);
    study_free(s);
}

static study *abc(void)
{
    study *s = study_new();
    cs_error e;
    study_add_dataset(s, "A", "X", &e);
    study_add_dataset(s, "B", "X", &e);
    study_add_dataset(s, "C", "Y", &e);
    return s;
}

static void test_combo_parse_format(void **state)
{
    (void)state;
    study *s = abc();
    combo_t c;
    char bad[128], buf[64];
    assert_true(study_combo_parse(s, " C +A", &c, bad, sizeof bad));
    assert_int_equal(c, 0x5);
    assert_string_equal(study_combo_format(s, c, buf, sizeof buf), "A+C");
    assert_false(study_combo_parse(s, "A+D", &c, bad, sizeof bad));
    assert_non_null(strstr(bad, "\"D\" is not in the study"));
    assert_false(study_combo_parse(s, "A+A", &c, bad, sizeof bad));
    assert_non_null(strstr(bad, "twice"));
    assert_false(study_combo_parse(s, "A++B", &c, bad, sizeof bad));
    assert_false(study_combo_parse(s, "", &c, bad, sizeof bad));
    /* a buffer too small keeps whole names only */
    assert_string_equal(study_combo_format(s, 0x7, buf, 4), "A+B");
    study_free(s);
}

static void test_replicates_mean_sd(void **state)
{
    (void)state;
    study *s = abc();
    int f1 = study_metric_add(s, "f1");
    assert_int_equal(study_metric_add(s, "f1"), f1);
    study_add_value(s, 0x3, 0, f1, 0.5);
    study_add_value(s, 0x3, 0, f1, 0.6);
    study_add_value(s, 0x3, 0, f1, 0.7);
    const study_stat *st = study_stat_of(s, 0x3, 0, f1);
    assert_non_null(st);
    assert_int_equal(st->n, 3);
    assert_float_equal(st->mean, 0.6, 1e-12);
    assert_float_equal(study_stat_sd(st), 0.1, 1e-12);
    assert_null(study_stat_of(s, 0x3, 1, f1));
    assert_int_equal(s->n_obs, 1);
    assert_int_equal(s->n_combos, 1);
    /* a metric added later starts missing for existing observations */
    int pr = study_metric_add(s, "precision");
    assert_null(study_stat_of(s, 0x3, 0, pr));
    study_add_value(s, 0x1, 0, pr, 0.9);
    assert_float_equal(study_stat_sd(study_stat_of(s, 0x1, 0, pr)), 0.0, 0);
    study_free(s);
}

static void test_many_observations(void **state)
{
    (void)state;
    study *s = study_new();
    cs_error e;
    for (int i = 0; i < 20; i++) {
        char name[8];
        snprintf(name, sizeof name, "d%d", i);
        study_add_dataset(s, name, NULL, &e);
    }
    int m = study_metric_add(s, "f1");
    for (combo_t c = 1; c < 40000; c++)
        study_add_value(s, c, __builtin_ctzll(c), m, (double)c);
    assert_int_equal(s->n_obs, 39999);
    assert_int_equal(s->n_combos, 39999);
    for (combo_t c = 1; c < 40000; c += 7) {
        double x;
        s->metric = m;
        assert_true(study_score(s, c, __builtin_ctzll(c), &x));
        assert_float_equal(x, (double)c, 0);
    }
    assert_int_equal(study_find_obs(s, 40000, 6), -1);
    study_free(s);
}

static void test_metric_and_goal(void **state)
{
    (void)state;
    cs_error e;
    study *s = abc();
    study_metric_add(s, "precision");
    study_metric_add(s, "f1");
    assert_true(study_choose_metric(s, &e));
    assert_string_equal(s->metrics[s->metric], "f1");
    assert_int_equal(s->goal, GOAL_MAX);
    study_free(s);

    s = abc();
    study_metric_add(s, "val_loss");
    assert_true(study_choose_metric(s, &e));
    assert_int_equal(s->goal, GOAL_MIN);
    study_free(s);

    s = abc();
    study_metric_add(s, "f1");
    s->metric_name = strdup("auc");
    s->n_rows = 1; /* tables with rows, none with an auc column */
    assert_false(study_choose_metric(s, &e));
    assert_non_null(strstr(e.msg, "\"auc\""));
    study_free(s);

    s = abc(); /* no results yet: the named metric is taken as it is */
    s->metric_name = strdup("auc");
    assert_true(study_choose_metric(s, &e));
    assert_string_equal(s->metrics[s->metric], "auc");
    study_free(s);

    s = abc();
    assert_false(study_choose_metric(s, &e));
    study_free(s);
}

static void test_target_summary(void **state)
{
    (void)state;
    cs_error e;
    study *s = abc();
    int m = study_metric_add(s, "loss");
    study_add_value(s, 0x1, 0, m, 0.50);
    study_add_value(s, 0x3, 0, m, 0.40);
    study_add_value(s, 0x5, 0, m, 0.45);
    study_add_value(s, 0x7, 0, m, 0.60);
    study_add_value(s, 0x3, 1, m, 0.30);
    assert_true(study_choose_metric(s, &e));
    assert_int_equal(s->goal, GOAL_MIN);
    study_target_summary t;
    study_target_summarize(s, 0, &t);
    assert_true(t.has_baseline);
    assert_float_equal(t.baseline, 0.50, 1e-12);
    assert_true(t.has_best);
    assert_int_equal(t.best_combo, 0x3);
    assert_float_equal(t.gain, 0.10, 1e-12); /* lower loss is a positive gain */
    assert_int_equal(t.measured, 4);
    assert_int_equal(t.lattice, 4);
    study_target_summarize(s, 1, &t);
    assert_false(t.has_baseline);
    assert_true(t.has_best);
    assert_float_equal(t.gain, 0.0, 0);
    combo_t *cs;
    double *sc;
    assert_int_equal(study_target_points(s, 0, &cs, &sc), 4);
    double sum = 0;
    for (int i = 0; i < 4; i++)
        sum += sc[i];
    assert_float_equal(sum, 1.95, 1e-12);
    free(cs);
    free(sc);
    assert_int_equal(study_target_points(s, 2, &cs, &sc), 0);
    free(cs);
    free(sc);
    study_default_targets(s);
    assert_int_equal(s->n_targets, 3);
    study_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_dataset_infers_tasks), cmocka_unit_test(test_add_dataset_rejects),
        cmocka_unit_test(test_combo_parse_format),       cmocka_unit_test(test_replicates_mean_sd),
        cmocka_unit_test(test_many_observations),        cmocka_unit_test(test_metric_and_goal),
        cmocka_unit_test(test_target_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
