#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/lattice_axes.h"
#include "comboscope/study.h"

#define near(a, b) assert_true(fabs((a) - (b)) < 1e-9)

/* An additive study: score(c, t) = 0.5 + sum of w(t, a) over the other members a, for the
 * combinations keep accepts (NULL: all). The effect of a on t is then exactly w(t, a). */
static double weight(int t, int a)
{
    static const double w[] = {0.004, -0.031, 0.012, 0.0, -0.007, 0.025, -0.002, 0.018, -0.012, 0.001, 0.006, -0.02};
    return w[(a - t + 12) % 12] * (t == 0 ? 1 : 0.5);
}

static const char *const names[] = {"NER_bc2gm", "NER_bc4chemd", "NER_bc5cdr", "RE_BioRED", "RE_DDI", "RE_git",
                                    "EE_genia2011", "EE_genia2013", "EE_phee", "TC_ade", "TC_healthadvice",
                                    "TC_pubmed20krct"};

static study *additive(int n, const char *metric, bool (*keep)(combo_t))
{
    study *s = study_new();
    for (int i = 0; i < n; i++)
        assert_int_equal(study_add_dataset(s, names[i], NULL, NULL), i);
    int m = study_metric_add(s, metric);
    for (combo_t c = 1; c < ((combo_t)1 << n); c++) {
        if (keep && !keep(c))
            continue;
        for (int t = 0; t < n; t++) {
            if (!combo_has(c, t))
                continue;
            double v = 0.5;
            for (int a = 0; a < n; a++)
                if (a != t && combo_has(c, a))
                    v += weight(t, a);
            study_add_value(s, c, t, m, v);
        }
    }
    assert_true(study_choose_metric(s, NULL));
    return s;
}

static bool small_combos(combo_t c)
{
    return combo_rank(c) <= 2;
}

static void test_effects_exact_on_additive(void **state)
{
    (void)state;
    study *s = additive(12, "f1", NULL);
    lattice_effect e[12];
    assert_int_equal(lattice_effects(s, s->metric, 0, NULL, e), 11);
    assert_false(e[0].known);
    for (int d = 1; d < 12; d++) {
        assert_true(e[d].known);
        assert_false(e[d].predicted);
        near(e[d].effect, weight(0, d));
        assert_int_equal(e[d].pairs, 1024); /* every combination without d that has the target */
    }
    study_free(s);
}

static void test_effects_min_goal_sign(void **state)
{
    (void)state;
    study *s = additive(6, "loss", NULL); /* "loss": lower is better, so a weight > 0 hurts */
    lattice_effect e[6];
    lattice_effects(s, s->metric, 2, NULL, e);
    for (int d = 0; d < 6; d++)
        if (d != 2)
            near(e[d].effect, -weight(2, d));
    study_free(s);
}

/* A real (if simple) predictor behind the hook: the additive formula itself, shifted, so that
 * a predicted effect can be told from a measured one. */
static bool predict_additive(void *ctx, int target, combo_t c, double *mean, double *spread)
{
    (void)ctx;
    double v = 0.5;
    for (int a = 0; a < 12; a++)
        if (a != target && combo_has(c, a))
            v += weight(target, a) + 0.001;
    *mean = v;
    *spread = 0;
    return true;
}

static bool without_five(combo_t c)
{
    return combo_rank(c) <= 2 && !combo_has(c, 5);
}

static void test_effects_partial_and_predicted(void **state)
{
    (void)state;
    study *s = additive(12, "f1", small_combos); /* singles and pairs: one pair per dataset */
    lattice_effect e[12];
    assert_int_equal(lattice_effects(s, s->metric, 0, NULL, e), 11);
    for (int d = 1; d < 12; d++) {
        near(e[d].effect, weight(0, d));
        assert_int_equal(e[d].pairs, 1);
    }
    study_free(s);

    s = additive(12, "f1", without_five); /* dataset 5 never measured */
    assert_int_equal(lattice_effects(s, s->metric, 0, NULL, e), 10);
    assert_false(e[5].known);
    lattice_predictions pr = {predict_additive, NULL};
    assert_int_equal(lattice_effects(s, s->metric, 0, &pr, e), 11);
    assert_true(e[5].known);
    assert_true(e[5].predicted);
    /* bases: {0} and the ten pairs {0, d}; each adds weight(0, 5) + 0.001 and the shift of
     * the base's other member, which the measured base lacks */
    near(e[5].effect, weight(0, 5) + 0.001 + 0.001 * 10 / 11.0);
    assert_false(e[4].predicted);
    near(e[4].effect, weight(0, 4));
    study_free(s);
}

static void test_rank_by_size_unknown_last(void **state)
{
    (void)state;
    lattice_effect e[6] = {0};
    e[1] = (lattice_effect){true, false, 0.01, 1};
    e[2] = (lattice_effect){true, false, -0.03, 1};
    e[3] = (lattice_effect){false, false, 0, 0};
    e[4] = (lattice_effect){true, false, 0.01, 1};
    e[5] = (lattice_effect){true, true, 0.02, 1};
    int order[5];
    assert_int_equal(lattice_effect_rank(6, 0, e, order), 5);
    int want[5] = {2, 5, 1, 4, 3}; /* |-0.03|, 0.02, then the tie by index, unknown last */
    for (int i = 0; i < 5; i++)
        assert_int_equal(order[i], want[i]);
    /* the strongest of the other sign comes second, even when smaller than others */
    e[1].effect = -0.025;
    e[5].effect = -0.02;
    e[4].effect = 0.001;
    assert_int_equal(lattice_effect_rank(6, 0, e, order), 5);
    int want2[5] = {2, 4, 1, 5, 3};
    for (int i = 0; i < 5; i++)
        assert_int_equal(order[i], want2[i]);
    /* every effect of one sign: plain |effect| order */
    e[4].effect = -0.001;
    lattice_effect_rank(6, 0, e, order);
    int want3[5] = {2, 1, 5, 4, 3};
    for (int i = 0; i < 5; i++)
        assert_int_equal(order[i], want3[i]);
}

static void test_ranked_grid_deals_axes_and_stays_gray(void **state)
{
    (void)state;
    int order[11] = {7, 1, 11, 4, 3, 9, 2, 10, 6, 8, 5};
    lattice_grid g;
    lattice_grid_init_ranked(&g, 12, 0, order);
    assert_int_equal(g.col_bits, 6);
    assert_int_equal(g.row_bits, 5);
    /* ranks 1, 3, 5, ... on columns from the slowest bit; 2, 4, ... on rows */
    assert_int_equal(g.col_dataset[5], 7);
    assert_int_equal(g.row_dataset[4], 1);
    assert_int_equal(g.col_dataset[4], 11);
    assert_int_equal(g.row_dataset[3], 4);
    assert_int_equal(g.col_dataset[0], 5); /* the last rank: the fastest column bit */
    assert_int_equal(g.row_dataset[0], 8);
    static unsigned char seen[4096];
    memset(seen, 0, sizeof seen);
    for (uint64_t y = 0; y < g.rows; y++) {
        for (uint64_t x = 0; x < g.cols; x++) {
            combo_t c = lattice_grid_combo(&g, x, y);
            assert_true(combo_has(c, 0));
            assert_int_equal(seen[c], 0);
            seen[c] = 1;
            uint64_t cx, cy;
            lattice_grid_cell(&g, c, &cx, &cy);
            assert_int_equal(cx, x);
            assert_int_equal(cy, y);
            assert_int_equal(combo_rank(c ^ lattice_grid_combo(&g, x + 1, y)), 1);
            assert_int_equal(combo_rank(c ^ lattice_grid_combo(&g, x, y + 1)), 1);
        }
    }
    /* the left half is without the first-ranked dataset, the right half with it */
    assert_false(combo_has(lattice_grid_combo(&g, 31, 0), 7));
    assert_true(combo_has(lattice_grid_combo(&g, 32, 0), 7));
    assert_false(combo_has(lattice_grid_combo(&g, 0, 15), 1));
    assert_true(combo_has(lattice_grid_combo(&g, 0, 16), 1));

    /* an odd share: 4 others, 2 and 2; 3 others, 2 and 1 */
    int o3[3] = {3, 1, 2};
    lattice_grid_init_ranked(&g, 4, 0, o3);
    assert_int_equal(g.col_dataset[1], 3);
    assert_int_equal(g.row_dataset[0], 1);
    assert_int_equal(g.col_dataset[0], 2);
}

static void test_effect_order_puts_strongest_on_slow_bits(void **state)
{
    (void)state;
    study *s = additive(12, "f1", NULL);
    lattice_effect e[12];
    lattice_effects(s, s->metric, 0, NULL, e);
    int order[11];
    lattice_effect_rank(12, 0, e, order);
    assert_int_equal(order[0], 1);  /* -0.031: hurts most */
    assert_int_equal(order[1], 5);  /* +0.025: helps most */
    assert_int_equal(order[2], 11); /* -0.020 */
    lattice_grid g;
    lattice_grid_init_ranked(&g, 12, 0, order);
    /* so the quadrant right-top (with 1, without 5) is the worst and left-bottom the best */
    assert_int_equal(g.col_dataset[g.col_bits - 1], 1);
    assert_int_equal(g.row_dataset[g.row_bits - 1], 5);
    study_free(s);
}

/* Paged (13 or more datasets at 80x24, or zoomed): the strongest ranks vary on every page, the
 * weakest select the page; pages are laid out alike and turned in Gray order. */
static void test_paged_grid_strongest_on_every_page(void **state)
{
    (void)state;
    int order[13] = {7, 1, 11, 4, 3, 9, 2, 13, 10, 6, 8, 12, 5};
    lattice_grid g, same, page;
    lattice_grid_init_paged(&g, 14, 0, order, 6, 5);
    assert_int_equal(g.col_bits, 7);
    assert_int_equal(g.row_bits, 6);
    combo_t fixed = lattice_grid_page(&g, 6, 5, &page);
    assert_int_equal(fixed, combo_single(12) | combo_single(5)); /* the two weakest */
    assert_int_equal(page.cols, 64);
    assert_int_equal(page.rows, 32);
    /* on the page, ranks are dealt as on a whole grid: 1 the slowest column, 2 the slowest row */
    assert_int_equal(page.col_dataset[5], 7);
    assert_int_equal(page.row_dataset[4], 1);
    assert_int_equal(page.col_dataset[4], 11);
    assert_int_equal(page.row_dataset[3], 4);
    assert_int_equal(page.col_dataset[0], 8);
    assert_int_equal(page.row_dataset[0], 6);
    int ds[64];
    assert_int_equal(lattice_grid_page_datasets(&g, 6, 5, ds), 2);
    assert_int_equal(ds[0], 12); /* the stronger of the two first: it toggles on the next page */
    assert_int_equal(ds[1], 5);
    /* the page: every combination of the 11 strongest with the target, neighbours one apart,
     * wrapping within the page */
    static unsigned char seen[1 << 14];
    memset(seen, 0, sizeof seen);
    for (uint64_t y = 0; y < page.rows; y++) {
        for (uint64_t x = 0; x < page.cols; x++) {
            combo_t c = lattice_grid_combo(&page, x, y);
            assert_true(combo_has(c, 0));
            assert_int_equal(c & fixed, 0);
            assert_int_equal(seen[c], 0);
            seen[c] = 1;
            uint64_t cx, cy;
            lattice_grid_cell(&page, c | fixed, &cx, &cy); /* fixed members do not move a cell */
            assert_int_equal(cx, x);
            assert_int_equal(cy, y);
            assert_int_equal(combo_rank(c ^ lattice_grid_combo(&page, x + 1, y)), 1);
            assert_int_equal(combo_rank(c ^ lattice_grid_combo(&page, x, y + 1)), 1);
        }
    }
    /* turning pages: 4 of them, each one dataset from the last, the rest of c kept */
    combo_t c = combo_single(0) | combo_single(7) | combo_single(4);
    assert_int_equal(lattice_page_index(ds, 2, c), 0);
    combo_t pages[4];
    for (uint64_t k = 0; k < 4; k++) {
        pages[k] = lattice_page_turn(ds, 2, c, k);
        assert_int_equal(lattice_page_index(ds, 2, pages[k]), k);
        assert_int_equal(pages[k] & ~fixed, c);
        if (k)
            assert_int_equal(combo_rank(pages[k] ^ pages[k - 1]), 1);
    }
    assert_int_equal(pages[1], c | combo_single(12));
    assert_int_not_equal(pages[0] & fixed, pages[2] & fixed);
    assert_int_not_equal(pages[1] & fixed, pages[3] & fixed);
    assert_int_equal(lattice_page_turn(ds, 2, c, 4), pages[0]);             /* wraps forward */
    assert_int_equal(lattice_page_turn(ds, 2, c, (uint64_t)-1), pages[3]);  /* and back */
    /* pages as large as the grid: the whole grid, as lattice_grid_init_ranked lays it out */
    lattice_grid_init_paged(&g, 14, 0, order, 64, 64);
    lattice_grid_init_ranked(&same, 14, 0, order);
    assert_memory_equal(g.col_dataset, same.col_dataset, sizeof g.col_dataset);
    assert_memory_equal(g.row_dataset, same.row_dataset, sizeof g.row_dataset);
    assert_int_equal(lattice_grid_page(&g, 64, 64, &page), 0);
    assert_int_equal(lattice_grid_page_datasets(&g, 64, 64, ds), 0);
}

/* By effect: on a page that holds one dataset fixed (12 datasets zoomed at 80x24), it is the one
 * that changes the target least, and the two that matter most still split the page. */
static void test_paged_effect_order_fixes_the_weakest(void **state)
{
    (void)state;
    study *s = additive(12, "f1", NULL);
    lattice_effect e[12];
    lattice_effects(s, s->metric, 0, NULL, e);
    int order[11];
    lattice_effect_rank(12, 0, e, order);
    lattice_grid g, page;
    lattice_grid_init_paged(&g, 12, 0, order, 6, 4);
    assert_int_equal(lattice_grid_page(&g, 6, 4, &page), combo_single(3)); /* effect 0.0 */
    assert_int_equal(page.col_dataset[5], 1);  /* -0.031: hurts most */
    assert_int_equal(page.row_dataset[3], 5);  /* +0.025: helps most */
    study_free(s);
}

static void test_bands(void **state)
{
    (void)state;
    lattice_grid g;
    lattice_grid_init(&g, 12, 0); /* 6 column bits, 5 row bits */
    lattice_band b[8];
    assert_int_equal(lattice_grid_bands(&g, true, 5, 0, 64, b, 8), 1);
    assert_int_equal(b[0].start, 32);
    assert_int_equal(b[0].len, 32);
    assert_int_equal(lattice_grid_bands(&g, true, 4, 0, 64, b, 8), 1);
    assert_int_equal(b[0].start, 16);
    assert_int_equal(b[0].len, 32);
    assert_int_equal(lattice_grid_bands(&g, true, 3, 0, 64, b, 8), 2);
    assert_int_equal(b[0].start, 8);
    assert_int_equal(b[0].len, 16);
    assert_int_equal(b[1].start, 40);
    assert_int_equal(b[1].len, 16);
    assert_int_equal(lattice_grid_bands(&g, false, 4, 0, 32, b, 8), 1);
    assert_int_equal(b[0].start, 16);
    assert_int_equal(b[0].len, 16);
    /* a window clips the bands, and max caps their number */
    assert_int_equal(lattice_grid_bands(&g, true, 3, 10, 36, b, 8), 2);
    assert_int_equal(b[0].start, 10);
    assert_int_equal(b[0].len, 14);
    assert_int_equal(b[1].start, 40);
    assert_int_equal(b[1].len, 6);
    assert_int_equal(lattice_grid_bands(&g, true, 0, 0, 64, b, 3), 3);
    assert_int_equal(lattice_grid_bands(&g, true, 6, 0, 64, b, 8), 0);
    /* every cell is in exactly the bands its combination says */
    for (int bit = 0; bit < 6; bit++) {
        lattice_band all[40];
        int k = lattice_grid_bands(&g, true, bit, 0, 64, all, 40);
        for (uint64_t x = 0; x < 64; x++) {
            bool in = false;
            for (int i = 0; i < k; i++)
                in |= x >= all[i].start && x < all[i].start + all[i].len;
            assert_int_equal(in, combo_has(lattice_grid_combo(&g, x, 0), g.col_dataset[bit]));
        }
    }
}

static void test_abbrev(void **state)
{
    (void)state;
    study *s = additive(12, "f1", small_combos);
    char buf[64];
    assert_string_equal(lattice_abbrev(s, 1, 20, buf, sizeof buf), "NER_bc4chemd");
    assert_string_equal(lattice_abbrev(s, 1, 8, buf, sizeof buf), "bc4chemd");
    assert_string_equal(lattice_abbrev(s, 6, 9, buf, sizeof buf), "genia2011");
    assert_string_equal(lattice_abbrev(s, 6, 8, buf, sizeof buf), "geni.011");
    assert_string_equal(lattice_abbrev(s, 7, 8, buf, sizeof buf), "geni.013");
    assert_string_equal(lattice_abbrev(s, 11, 10, buf, sizeof buf), "pubmed20kr"); /* unique head */
    assert_string_equal(lattice_abbrev(s, 10, 6, buf, sizeof buf), "health");
    assert_string_equal(lattice_abbrev(s, 1, 5, buf, sizeof buf), "bc4ch");
    assert_string_equal(lattice_abbrev(s, 1, 2, buf, sizeof buf), "bc"); /* too narrow for a dot */
    assert_string_equal(lattice_abbrev(s, 4, 3, buf, sizeof buf), "DDI");
    assert_string_equal(lattice_abbrev(s, 10, 3, buf, sizeof buf), "hea");
    assert_string_equal(lattice_abbrev(s, 10, 0, buf, sizeof buf), "");
    study_free(s);
}

static void test_filter(void **state)
{
    (void)state;
    study *s = additive(12, "f1", small_combos);
    lattice_filter f;
    char bad[32];
    assert_true(lattice_filter_parse(s, 0, "ddi -git", &f, bad, sizeof bad));
    assert_int_equal(f.with, combo_single(4));
    assert_int_equal(f.without, combo_single(5));
    assert_true(lattice_filter_keeps(&f, 0x11));
    assert_false(lattice_filter_keeps(&f, 0x31));
    assert_false(lattice_filter_keeps(&f, 0x01));
    assert_true(lattice_filter_parse(s, 0, "  ", &f, bad, sizeof bad));
    assert_int_equal(f.with | f.without, 0);
    assert_true(lattice_filter_keeps(&f, 0x01));
    assert_true(lattice_filter_parse(s, 0, "EE_genia2013+!phee", &f, bad, sizeof bad));
    assert_int_equal(f.with, combo_single(7));
    assert_int_equal(f.without, combo_single(8));
    assert_false(lattice_filter_parse(s, 0, "ddi -nosuch", &f, bad, sizeof bad));
    assert_string_equal(bad, "-nosuch");
    assert_false(lattice_filter_parse(s, 0, "bc2gm", &f, bad, sizeof bad)); /* the target */
    assert_false(lattice_filter_parse(s, 0, "-", &f, bad, sizeof bad));
    study_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_effects_exact_on_additive),
        cmocka_unit_test(test_effects_min_goal_sign),
        cmocka_unit_test(test_effects_partial_and_predicted),
        cmocka_unit_test(test_rank_by_size_unknown_last),
        cmocka_unit_test(test_ranked_grid_deals_axes_and_stays_gray),
        cmocka_unit_test(test_effect_order_puts_strongest_on_slow_bits),
        cmocka_unit_test(test_paged_grid_strongest_on_every_page),
        cmocka_unit_test(test_paged_effect_order_fixes_the_weakest),
        cmocka_unit_test(test_bands),
        cmocka_unit_test(test_abbrev),
        cmocka_unit_test(test_filter),
    };
    return cmocka_run_group_tests_name("lattice_axes", tests, NULL, NULL);
}
