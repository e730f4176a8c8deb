#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "comboscope/combo.h"

static void test_rank_and_members(void **state)
{
    (void)state;
    int m[64];
    assert_int_equal(combo_rank(0x29), 3);
    assert_int_equal(combo_members(0x29, m), 3);
    assert_int_equal(m[0], 0);
    assert_int_equal(m[1], 3);
    assert_int_equal(m[2], 5);
    assert_int_equal(combo_rank(~(combo_t)0), 64);
}

static void test_gray_roundtrip(void **state)
{
    (void)state;
    for (uint64_t i = 0; i < 5000; i++) {
        assert_int_equal(combo_gray_inverse(combo_gray(i)), i);
        assert_int_equal(combo_rank(combo_gray(i) ^ combo_gray(i + 1)), 1);
    }
}

static void test_lattice_index_roundtrip(void **state)
{
    (void)state;
    for (int target = 0; target < 12; target++) {
        assert_int_equal(combo_lattice_size(12), 2048);
        for (uint64_t i = 0; i < 2048; i++) {
            combo_t c = combo_lattice_at(12, target, i);
            assert_true(combo_has(c, target));
            assert_true(c < ((combo_t)1 << 12));
            assert_int_equal(combo_lattice_index(12, target, c), i);
        }
    }
}

typedef struct walk {
    combo_t prev;
    int count;
    int target;
} walk;

static bool visit(combo_t c, void *ctx)
{
    walk *w = ctx;
    assert_true(combo_has(c, w->target));
    if (w->count)
        assert_int_equal(combo_rank(c ^ w->prev), 1);
    w->prev = c;
    w->count++;
    return true;
}

static void test_each_with_gray_order(void **state)
{
    (void)state;
    walk w = {.target = 4};
    assert_true(combo_each_with(10, 4, visit, &w));
    assert_int_equal(w.count, 512);
}

static void test_neighbours(void **state)
{
    (void)state;
    combo_t out[64];
    /* {0} with target 0 among 4: adding 1, 2 or 3; removing 0 is not allowed */
    assert_int_equal(combo_neighbours(0x1, 4, 0, out), 3);
    /* {0,1} without a target: remove 0, remove 1, add 2, add 3 */
    int n = combo_neighbours(0x3, 4, -1, out);
    assert_int_equal(n, 4);
    assert_int_equal(out[0], 0x2);
    assert_int_equal(out[1], 0x1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_and_members),
        cmocka_unit_test(test_gray_roundtrip),
        cmocka_unit_test(test_lattice_index_roundtrip),
        cmocka_unit_test(test_each_with_gray_order),
        cmocka_unit_test(test_neighbours),
    };
    return cmocka_run_group_tests_name("combo", tests, NULL, NULL);
}
