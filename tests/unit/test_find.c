#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "comboscope/find.h"
#include "comboscope/study.h"

static void test_words(void **state)
{
    (void)state;
    assert_true(find_words("RE_DDI+RE_git", "ddi git"));
    assert_true(find_words("RE_DDI+RE_git", "  GIT  "));
    assert_false(find_words("RE_DDI+RE_git", "ddi ade"));
    assert_false(find_words("anything", ""));
    assert_false(find_words("anything", "   "));
    assert_false(find_words(NULL, "x"));
}

/* Four datasets A_ddi, B_git, C_ade (target 0), D_pub; scores for the target rise with the
 * mask, except that 0xF is worse than 0x7. */
static study *small(void)
{
    study *s = study_new();
    const char *names[] = {"RE_DDI", "RE_git", "TC_ade", "TC_pub"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(study_add_dataset(s, names[i], NULL, NULL), i);
    int m = study_metric_add(s, "f1");
    for (combo_t c = 1; c < 16; c++)
        if (combo_has(c, 0) && c != 0x9) /* 0x9 = DDI+pub unmeasured */
            study_add_value(s, c, 0, m, c == 0xF ? 0.1 : 0.5 + (double)c / 100);
    assert_true(study_choose_metric(s, NULL));
    return s;
}

static void test_combo_words(void **state)
{
    (void)state;
    study *s = small();
    assert_true(find_combo(s, 0x3, "ddi git"));
    assert_false(find_combo(s, 0x1, "ddi git"));
    assert_true(find_combo(s, 0x5, "TC_ADE"));
    assert_false(find_combo(s, 0x5, ""));
    study_free(s);
}

static void test_lattice_best_first_then_next(void **state)
{
    (void)state;
    study *s = small();
    combo_t out;
    size_t rank;
    /* measured combinations with DDI (target) and git: 0x3 (0.53), 0x7 (0.57), 0xB (0.61), 0xF (0.1) */
    assert_int_equal(find_lattice(s, 0, 0, "ddi git", 0x1, 1, true, &out, &rank), 4);
    assert_int_equal(out, 0xB);
    assert_int_equal(rank, 1);
    assert_int_equal(find_lattice(s, 0, 0, "ddi git", out, 1, false, &out, &rank), 4);
    assert_int_equal(out, 0x7);
    assert_int_equal(find_lattice(s, 0, 0, "ddi git", out, 1, false, &out, &rank), 4);
    assert_int_equal(out, 0x3);
    assert_int_equal(find_lattice(s, 0, 0, "ddi git", out, 1, false, &out, &rank), 4);
    assert_int_equal(out, 0xF);
    assert_int_equal(rank, 4);
    assert_int_equal(find_lattice(s, 0, 0, "ddi git", out, 1, false, &out, &rank), 4);
    assert_int_equal(out, 0xB); /* wraps */
    assert_int_equal(find_lattice(s, 0, 0, "ddi git", out, -1, false, &out, &rank), 4);
    assert_int_equal(out, 0xF); /* N goes back */
    /* incremental: the cursor stays while it still matches */
    assert_int_equal(find_lattice(s, 0, 0, "git", 0x7, 1, true, &out, &rank), 4);
    assert_int_equal(out, 0x7);
    /* an unmeasured combination is never a match */
    assert_int_equal(find_lattice(s, 0, 0, "pub", 0x1, 1, true, &out, &rank), 3); /* 0xB 0xD 0xF */
    assert_true(out != 0x9);
    assert_int_equal(find_lattice(s, 0, 0, "nosuch", 0x1, 1, true, &out, &rank), 0);
    study_free(s);
}

static bool even(void *ctx, size_t i)
{
    (void)ctx;
    return i % 2 == 0;
}

static bool none(void *ctx, size_t i)
{
    (void)ctx, (void)i;
    return false;
}

static void test_next_wraps(void **state)
{
    (void)state;
    assert_int_equal(find_next(5, 2, 1, true, even, NULL), 2);
    assert_int_equal(find_next(5, 2, 1, false, even, NULL), 4);
    assert_int_equal(find_next(5, 4, 1, false, even, NULL), 0);
    assert_int_equal(find_next(5, 0, -1, false, even, NULL), 4);
    assert_int_equal(find_next(5, 1, -1, true, even, NULL), 0);
    assert_int_equal(find_next(5, 1, 1, true, none, NULL), -1);
    assert_int_equal(find_next(0, 0, 1, true, even, NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_combo_words),
        cmocka_unit_test(test_lattice_best_first_then_next),
        cmocka_unit_test(test_next_wraps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
