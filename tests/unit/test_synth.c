#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/synth.h"

static void test_determinism(void **state)
{
    (void)state;
    cs_error e;
    synth_model *a = synth_model_preset("biomed12", 5, &e), *b = synth_model_preset("biomed12", 5, &e);
    synth_model *c = synth_model_preset("biomed12", 6, &e);
    int differ = 0;
    for (combo_t x = 1; x < 4096; x += 37) {
        int d = __builtin_ctzll(x);
        double p1, r1, f1, p2, r2, f2, p3, r3, f3;
        synth_measure(a, x, d, &p1, &r1, &f1);
        synth_measure(b, x, d, &p2, &r2, &f2);
        synth_measure(c, x, d, &p3, &r3, &f3);
        assert_true(p1 == p2 && r1 == r2 && f1 == f2);
        differ += f1 != f3;
    }
    assert_true(differ > 50);
    /* the same seed writes the same bytes */
    char *buf1, *buf2;
    size_t n1, n2;
    combo_t *cs;
    uint64_t n = synth_combinations(a, 0, &cs, &e);
    FILE *f = open_memstream(&buf1, &n1);
    assert_true(synth_write_table(a, cs, n, f, "mem", &e));
    fclose(f);
    f = open_memstream(&buf2, &n2);
    assert_true(synth_write_table(b, cs, n, f, "mem", &e));
    fclose(f);
    assert_int_equal(n1, n2);
    assert_memory_equal(buf1, buf2, n1);
    static const char head[] = "run,combination,dataset,task,precision,recall,f1\nr0001,NER_bc2gm,NER_bc2gm,NER,";
    assert_memory_equal(buf1, head, sizeof head - 1);
    free(buf1);
    free(buf2);
    free(cs);
    synth_model_free(a);
    synth_model_free(b);
    synth_model_free(c);
}

static void test_precision_recall_consistent(void **state)
{
    (void)state;
    cs_error e;
    synth_model *m = synth_model_generic(10, 3, &e);
    for (combo_t x = 1; x < 1024; x++)
        for (int d = 0; d < 10; d++) {
            if (!combo_has(x, d))
                continue;
            double p, r, f;
            synth_measure(m, x, d, &p, &r, &f);
            assert_true(p > 0 && p < 1 && r > 0 && r < 1);
            assert_float_equal(f, 2 * p * r / (p + r), 0.0000501); /* f1 is rounded to 4 decimals */
        }
    synth_model_free(m);
}

/* The structure the generator promises for biomed12: realistic gains, many combinations that
 * hurt, the best is not all datasets, and interactions defeat greedy forward selection. */
static void test_biomed12_structure(void **state)
{
    (void)state;
    cs_error e;
    synth_model *m = synth_model_preset("biomed12", 1, &e);
    assert_int_equal(synth_n_datasets(m), 12);
    assert_string_equal(synth_dataset_name(m, 2), "NER_bc5cdr");
    assert_string_equal(synth_dataset_task(m, 11), "TC");
    combo_t all = combo_all(12);
    int greedy_misses = 0;
    long hurt = 0, total = 0;
    double min_gain = 1, max_gain = 0;
    for (int d = 0; d < 12; d++) {
        double base = synth_expected_f1(m, combo_single(d), d), best = base;
        combo_t best_c = combo_single(d);
        for (combo_t c = 1; c <= all; c++) {
            if (!combo_has(c, d))
                continue;
            double f = synth_expected_f1(m, c, d);
            total++;
            hurt += f < base;
            if (f > best)
                best = f, best_c = c;
        }
        assert_true(best_c != all);
        assert_true(combo_rank(best_c) >= 2 && combo_rank(best_c) <= 8);
        if (best - base < min_gain)
            min_gain = best - base;
        if (best - base > max_gain)
            max_gain = best - base;
        combo_t g = combo_single(d);
        double gf = base;
        for (;;) {
            combo_t next = 0;
            for (int x = 0; x < 12; x++) {
                double f = synth_expected_f1(m, g | combo_single(x), d);
                if (!combo_has(g, x) && f > gf)
                    gf = f, next = g | combo_single(x);
            }
            if (!next)
                break;
            g = next;
        }
        greedy_misses += g != best_c;
    }
    /* the best combination beats the baseline by one to six F1 points */
    assert_true(min_gain > 0.008 && max_gain < 0.07);
    assert_true(hurt * 2 > total); /* most combinations hurt */
    assert_true(greedy_misses >= 2);
    synth_model_free(m);
}

static void test_noise_level(void **state)
{
    (void)state;
    cs_error e;
    synth_model *m = synth_model_preset("biomed12", 1, &e);
    double s = 0, ss = 0;
    int n = 0;
    for (combo_t c = 1; c < 4096; c++)
        for (int d = 0; d < 12; d++) {
            if (!combo_has(c, d))
                continue;
            double p, r, f;
            synth_measure(m, c, d, &p, &r, &f);
            double z = f - synth_expected_f1(m, c, d);
            s += z;
            ss += z * z;
            n++;
        }
    double mean = s / n, sd = sqrt(ss / n - mean * mean);
    assert_int_equal(n, 24576);
    assert_true(fabs(mean) < 0.0005);
    assert_true(sd > 0.003 && sd < 0.005);
    synth_model_free(m);
}

static int cmp(const void *a, const void *b)
{
    combo_t x = *(const combo_t *)a, y = *(const combo_t *)b;
    return x < y ? -1 : x > y;
}

static void test_combinations(void **state)
{
    (void)state;
    cs_error e;
    synth_model *m = synth_model_generic(20, 9, &e);
    assert_string_equal(synth_dataset_name(m, 0), "T1_d01");
    assert_string_equal(synth_dataset_name(m, 19), "T6_d20");
    combo_t *c;
    assert_int_equal(synth_combinations(m, 0, &c, &e), 0);
    assert_non_null(strstr(e.msg, "--runs"));
    uint64_t n = synth_combinations(m, 3000, &c, &e);
    assert_int_equal(n, 3000);
    int singles = 0;
    for (uint64_t i = 0; i < n; i++) {
        assert_true(c[i] != 0 && c[i] < ((combo_t)1 << 20));
        if (i)
            assert_true(c[i - 1] < c[i]); /* sorted, hence distinct */
        singles += combo_rank(c[i]) == 1;
    }
    assert_int_equal(singles, 20);
    combo_t *again;
    synth_combinations(m, 3000, &again, &e);
    assert_memory_equal(c, again, 3000 * sizeof *c);
    free(c);
    free(again);
    synth_model_free(m);

    m = synth_model_generic(4, 1, &e);
    assert_int_equal(synth_combinations(m, 0, &c, &e), 15);
    free(c);
    assert_int_equal(synth_combinations(m, 15, &c, &e), 15); /* every one, by sampling */
    qsort(c, 15, sizeof *c, cmp);
    for (int i = 0; i < 15; i++)
        assert_int_equal(c[i], i + 1);
    free(c);
    assert_int_equal(synth_combinations(m, 16, &c, &e), 0);
    synth_model_free(m);

    m = synth_model_generic(64, 1, &e);
    n = synth_combinations(m, 100, &c, &e);
    assert_int_equal(n, 100);
    double p, r, f;
    synth_measure(m, c[99], 63 - __builtin_clzll(c[99]), &p, &r, &f);
    assert_true(f > 0 && f < 1);
    free(c);
    synth_model_free(m);
    assert_null(synth_model_generic(65, 1, &e));
    assert_null(synth_model_preset("nope", 1, &e));
}

/* The structures of synth --structure have the shapes their names promise. */
static void test_structures(void **state)
{
    (void)state;
    cs_error e;
    enum { n = 8 };
    synth_structure st;
    assert_true(synth_structure_parse("synergy", &st) && st == SYNTH_SYNERGY);
    assert_false(synth_structure_parse("linear", &st));
    assert_string_equal(synth_structure_name(SYNTH_SPARSE), "sparse");
    /* the default structure is the generator's default, number for number */
    synth_model *a = synth_model_generic(n, 4, &e), *b = synth_model_structured(n, 4, SYNTH_DEFAULT, &e);
    for (combo_t c = 1; c < 256; c++)
        if (combo_has(c, 0))
            assert_true(synth_expected_f1(a, c, 0) == synth_expected_f1(b, c, 0));
    synth_model_free(a);
    synth_model_free(b);
    /* synergy: for every target a triple pays off beyond each of its pairs */
    synth_model *m = synth_model_structured(n, 4, SYNTH_SYNERGY, &e);
    for (int d = 0; d < n; d++) {
        double jump = -1;
        for (combo_t c = 1; c < 256; c++) {
            if (!combo_has(c, d) || combo_rank(c) != 4)
                continue;
            double f = synth_expected_f1(m, c, d), worst = 1;
            for (int i = 0; i < n; i++)
                if (i != d && combo_has(c, i)) {
                    double g = f - synth_expected_f1(m, c & ~combo_single(i), d);
                    worst = g < worst ? g : worst;
                }
            jump = worst > jump ? worst : jump;
        }
        assert_true(jump > 0.04);
    }
    synth_model_free(m);
    /* noise: the whole lattice's expected scores vary less than one measurement's noise */
    m = synth_model_structured(n, 4, SYNTH_NOISE, &e);
    double s1 = 0, s2 = 0;
    int k = 0;
    for (combo_t c = 1; c < 256; c++)
        if (combo_has(c, 0)) {
            double f = synth_expected_f1(m, c, 0);
            s1 += f;
            s2 += f * f;
            k++;
        }
    assert_true(sqrt(s2 / k - (s1 / k) * (s1 / k)) < 0.004);
    synth_model_free(m);
    /* harmful: some dataset costs every other target more than 0.02 on its own */
    m = synth_model_structured(n, 4, SYNTH_HARMFUL, &e);
    bool found = false;
    for (int h = 0; h < n && !found; h++) {
        bool all = true;
        for (int d = 0; d < n; d++)
            if (d != h)
                all = all && synth_expected_f1(m, combo_single(d) | combo_single(h), d) <
                                 synth_expected_f1(m, combo_single(d), d) - 0.02;
        found = all;
    }
    assert_true(found);
    synth_model_free(m);
    /* additive: pair interactions are tiny next to the main effects */
    m = synth_model_structured(n, 4, SYNTH_ADDITIVE, &e);
    double inter = 0, mains = 0;
    int pairs = 0;
    combo_t t = combo_single(0);
    for (int i = 1; i < n; i++) {
        mains += fabs(synth_expected_f1(m, t | combo_single(i), 0) - synth_expected_f1(m, t, 0));
        for (int j = i + 1; j < n; j++, pairs++)
            inter += fabs(synth_expected_f1(m, t | combo_single(i) | combo_single(j), 0) -
                          synth_expected_f1(m, t | combo_single(i), 0) - synth_expected_f1(m, t | combo_single(j), 0) +
                          synth_expected_f1(m, t, 0));
    }
    assert_true(inter / pairs < 0.25 * mains / (n - 1));
    synth_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structures),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_precision_recall_consistent),
        cmocka_unit_test(test_biomed12_structure),
        cmocka_unit_test(test_noise_level),
        cmocka_unit_test(test_combinations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
