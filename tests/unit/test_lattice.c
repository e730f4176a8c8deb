#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/lattice.h"
#include "comboscope/study.h"

#define near(a, b) assert_true(fabs((a) - (b)) < 1e-9)

/* An additive study: score(c, t) = base[t] + sum of w(t, a) over the other members a, for
 * every combination of n datasets (when full) or only those that keep(c) accepts. */
static double weight(int t, int a)
{
    return ((t * 7 + a * 3) % 11 - 5) / 100.0; /* in -0.05..0.05, some zero, none repeated per t */
}

static study *additive(int n, const char *metric, bool (*keep)(combo_t))
{
    study *s = study_new();
    char name[32];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "%s_d%d", i < n / 2 ? "A" : "B", i);
        assert_int_equal(study_add_dataset(s, name, NULL, NULL), i);
    }
    int m = study_metric_add(s, metric);
    for (combo_t c = 1; c < ((combo_t)1 << n); c++) {
        if (keep && !keep(c))
            continue;
        for (int t = 0; t < n; t++) {
            if (!combo_has(c, t))
                continue;
            double v = 0.5 + t / 100.0;
            for (int a = 0; a < n; a++)
                if (a != t && combo_has(c, a))
                    v += weight(t, a);
            study_add_value(s, c, t, m, v);
        }
    }
    assert_true(study_choose_metric(s, NULL));
    return s;
}

static void test_grid_twelve_is_gray_torus(void **state)
{
    (void)state;
    lattice_grid g;
    for (int target = 0; target < 12; target += 5) {
        lattice_grid_init(&g, 12, target);
        assert_int_equal(g.cols, 64);
        assert_int_equal(g.rows, 32);
        static unsigned char seen[4096];
        memset(seen, 0, sizeof seen);
        for (uint64_t y = 0; y < g.rows; y++) {
            for (uint64_t x = 0; x < g.cols; x++) {
                combo_t c = lattice_grid_combo(&g, x, y);
                assert_true(combo_has(c, target));
                assert_true(c < 4096);
                assert_int_equal(seen[c], 0);
                seen[c] = 1;
                uint64_t cx, cy;
                lattice_grid_cell(&g, c, &cx, &cy);
                assert_int_equal(cx, x);
                assert_int_equal(cy, y);
                /* every move, wrapping included, toggles exactly the dataset it reports */
                for (int d = LATTICE_LEFT; d <= LATTICE_DOWN; d++) {
                    uint64_t nx = x, ny = y;
                    int ds = lattice_grid_step(&g, &nx, &ny, (lattice_dir)d);
                    assert_true(ds >= 0 && ds < 12 && ds != target);
                    combo_t nc = lattice_grid_combo(&g, nx, ny);
                    assert_int_equal(nc ^ c, combo_single(ds));
                    assert_true(nx < g.cols && ny < g.rows);
                }
            }
        }
    }
}

static void test_grid_axes(void **state)
{
    (void)state;
    lattice_grid g;
    lattice_grid_init(&g, 12, 2);
    /* study order, target skipped: columns 0,1,3,4,5,6 (0 slowest), rows 7..11 (7 slowest) */
    assert_int_equal(g.col_dataset[5], 0);
    assert_int_equal(g.col_dataset[4], 1);
    assert_int_equal(g.col_dataset[3], 3);
    assert_int_equal(g.col_dataset[0], 6);
    assert_int_equal(g.row_dataset[4], 7);
    assert_int_equal(g.row_dataset[0], 11);
    /* the left half is without dataset 0, the right half with it */
    assert_false(combo_has(lattice_grid_combo(&g, 31, 0), 0));
    assert_true(combo_has(lattice_grid_combo(&g, 32, 0), 0));
    assert_int_equal(lattice_grid_combo(&g, 0, 0), combo_single(2));
    uint64_t x = 0, y = 0;
    assert_int_equal(lattice_grid_step(&g, &x, &y, LATTICE_RIGHT), 6);
    assert_int_equal(x, 1);
    x = 0;
    assert_int_equal(lattice_grid_step(&g, &x, &y, LATTICE_LEFT), 0); /* wraps to column 63 */
    assert_int_equal(x, 63);
    assert_int_equal(lattice_grid_step(&g, &x, &y, LATTICE_UP), 7);
    assert_int_equal(y, 31);
}

static void test_grid_tiny(void **state)
{
    (void)state;
    lattice_grid g;
    lattice_grid_init(&g, 1, 0);
    assert_int_equal(g.cols, 1);
    assert_int_equal(g.rows, 1);
    uint64_t x = 0, y = 0;
    assert_int_equal(lattice_grid_step(&g, &x, &y, LATTICE_RIGHT), -1);
    assert_int_equal(lattice_grid_step(&g, &x, &y, LATTICE_DOWN), -1);
    assert_int_equal(lattice_grid_combo(&g, 0, 0), 1);
    lattice_grid_init(&g, 2, 1);
    assert_int_equal(g.cols, 2);
    assert_int_equal(g.rows, 1);
    assert_int_equal(lattice_grid_combo(&g, 1, 0), 3);
    assert_int_equal(lattice_grid_step(&g, &x, &y, LATTICE_UP), -1);
    assert_int_equal(lattice_grid_step(&g, &x, &y, LATTICE_RIGHT), 0);
}

static void test_grid_window_pages_are_sublattices(void **state)
{
    (void)state;
    lattice_grid g;
    lattice_grid_init(&g, 40, 17);
    assert_int_equal(g.col_bits, 20);
    assert_int_equal(g.row_bits, 19);
    uint64_t x = 123457, y = 98765, x0, y0, pc, pr;
    /* a 64 x 32 window (what 80x24 leaves) on a 2^20 x 2^19 grid */
    lattice_grid_window(&g, x, y, 70, 35, &x0, &y0, &pc, &pr);
    assert_int_equal(pc, 64);
    assert_int_equal(pr, 32);
    assert_true(x0 <= x && x < x0 + pc && x0 % 64 == 0);
    assert_true(y0 <= y && y < y0 + pr && y0 % 32 == 0);
    combo_t fixed, in = lattice_grid_page_fixed(&g, x0, y0, pc, pr, &fixed);
    assert_int_equal(combo_rank(fixed), 39 - 11);
    assert_false(combo_has(fixed, 17));
    /* every cell of the page keeps the fixed datasets as they are, and the page holds every
     * combination of the 11 varying ones exactly once */
    combo_t varying = combo_all(40) & ~fixed & ~combo_single(17);
    assert_int_equal(combo_rank(varying), 11);
    static unsigned char seen[2048];
    memset(seen, 0, sizeof seen);
    for (uint64_t j = 0; j < pr; j++) {
        for (uint64_t i = 0; i < pc; i++) {
            combo_t c = lattice_grid_combo(&g, x0 + i, y0 + j);
            assert_int_equal(c & fixed, in);
            /* compress the varying bits into an 11-bit index */
            unsigned idx = 0, k = 0;
            for (int b = 0; b < 40; b++)
                if (combo_has(varying, b))
                    idx |= (unsigned)combo_has(c, b) << k++;
            assert_int_equal(seen[idx], 0);
            seen[idx] = 1;
            uint64_t cx, cy;
            lattice_grid_cell(&g, c, &cx, &cy);
            assert_int_equal(cx, x0 + i);
            assert_int_equal(cy, y0 + j);
        }
    }
    /* a grid that fits is shown whole */
    lattice_grid_init(&g, 12, 0);
    lattice_grid_window(&g, 40, 20, 66, 32, &x0, &y0, &pc, &pr);
    assert_int_equal(x0, 0);
    assert_int_equal(y0, 0);
    assert_int_equal(pc, 64);
    assert_int_equal(pr, 32);
    lattice_grid_page_fixed(&g, x0, y0, pc, pr, &fixed);
    assert_int_equal(fixed, 0);
    /* 13 datasets at 80x24: two pages of rows, the slowest row dataset fixed */
    lattice_grid_init(&g, 13, 0);
    lattice_grid_window(&g, 5, 40, 64, 32, &x0, &y0, &pc, &pr);
    assert_int_equal(y0, 32);
    in = lattice_grid_page_fixed(&g, x0, y0, pc, pr, &fixed);
    assert_int_equal(fixed, combo_single(g.row_dataset[5]));
    assert_int_equal(in, fixed); /* the second half of a Gray cycle has the top bit set */
    /* 64 datasets: the index arithmetic still holds */
    lattice_grid_init(&g, 64, 63);
    assert_int_equal(g.col_bits, 32);
    assert_int_equal(g.row_bits, 31);
    combo_t c = 0x5555555555555555ULL | combo_single(63);
    lattice_grid_cell(&g, c, &x, &y);
    assert_int_equal(lattice_grid_combo(&g, x, y), c);
}

static void test_point_and_goal(void **state)
{
    (void)state;
    study *s = additive(4, "f1", NULL);
    study_add_value(s, 0x3, 0, 0, 0.5 + weight(0, 1) + 0.02); /* a second replicate */
    lattice_point p;
    lattice_point_of(s, 0, 0, 0x3, &p);
    assert_true(p.measured);
    assert_int_equal(p.replicates, 2);
    near(p.score, 0.5 + weight(0, 1) + 0.01);
    near(p.sd, sqrt(2 * 0.01 * 0.01));
    assert_true(p.has_gain);
    near(p.gain, weight(0, 1) + 0.01);
    assert_int_equal(lattice_goal(s, 0), GOAL_MAX);
    int loss = study_metric_add(s, "val_loss");
    assert_int_equal(lattice_goal(s, loss), GOAL_MIN);
    near(lattice_gain(GOAL_MIN, 0.4, 0.5), 0.1);
    lattice_point_of(s, loss, 0, 0x3, &p);
    assert_false(p.measured);
    assert_false(p.has_gain);
    study_free(s);
}

static void test_neighbours_sorted_with_exact_deltas(void **state)
{
    (void)state;
    study *s = additive(6, "f1", NULL);
    combo_t c = 0x1 | 0x4 | 0x10; /* {0, 2, 4}, target 0 */
    lattice_neighbour nb[64];
    int k = lattice_neighbours(s, s->metric, 0, c, nb);
    assert_int_equal(k, 5);
    for (int i = 0; i < k; i++) {
        assert_true(nb[i].has_delta);
        assert_int_equal(nb[i].add, !combo_has(c, nb[i].dataset));
        assert_int_equal(nb[i].point.combo, c ^ combo_single(nb[i].dataset));
        double w = weight(0, nb[i].dataset);
        near(nb[i].delta, nb[i].add ? w : -w);
        if (i)
            assert_true(nb[i - 1].delta >= nb[i].delta);
    }
    combo_t step;
    assert_true(lattice_best_step(s, s->metric, 0, c, true, &step));
    /* the best addition is the one of 1, 3, 5 with the largest weight */
    int best = -1;
    for (int a = 1; a < 6; a += 2)
        if (best < 0 || weight(0, a) > weight(0, best))
            best = a;
    assert_int_equal(step, c | combo_single(best));
    assert_true(lattice_best_step(s, s->metric, 0, c, false, &step));
    int worst = weight(0, 2) < weight(0, 4) ? 2 : 4;
    assert_int_equal(step, c & ~combo_single(worst));
    study_free(s);
}

static bool keep_some(combo_t c)
{
    /* of target 0's lattice: {0}, {0,1}, {0,1,2}; nothing with dataset 3, not {0,2} */
    return !combo_has(c, 3) && c != 0x5;
}

static bool keep_no_single(combo_t c)
{
    return !combo_has(c, 3) && combo_rank(c) > 1;
}

static void test_neighbours_partial(void **state)
{
    (void)state;
    study *s = additive(4, "f1", keep_some);
    lattice_neighbour nb[64];
    /* {0,1} measured; {0,1,2} measured (delta), {0} measured (delta), {0,1,3} not */
    int k = lattice_neighbours(s, s->metric, 0, 0x3, nb);
    assert_int_equal(k, 3);
    assert_true(nb[0].has_delta && nb[1].has_delta);
    assert_false(nb[2].point.measured);
    assert_int_equal(nb[2].dataset, 3);
    /* {0,2} is unmeasured: its neighbours have no delta, measured ones come first by score */
    k = lattice_neighbours(s, s->metric, 0, 0x5, nb);
    assert_int_equal(k, 3);
    assert_false(nb[0].has_delta);
    assert_true(nb[0].point.measured && nb[1].point.measured);
    assert_true(nb[0].point.score >= nb[1].point.score);
    assert_false(nb[2].point.measured);
    combo_t step;
    assert_false(lattice_best_step(s, s->metric, 0, 0x7, true, &step)); /* only {0..3}: absent */
    /* range: the largest |gain| over target 0's measured combinations {0}, {0,1}, {0,1,2} */
    lattice_scale sc;
    lattice_scale_of(s, s->metric, 0, &sc);
    assert_true(sc.has_baseline);
    assert_int_equal(sc.measured, 3);
    near(sc.reference, 0.5);
    near(sc.range, fmax(fabs(weight(0, 1)), fabs(weight(0, 1) + weight(0, 2))));
    study_free(s);
    /* without {1}, target 1's reference is the mean of its measured scores */
    s = additive(4, "f1", keep_no_single);
    lattice_scale_of(s, s->metric, 1, &sc);
    assert_false(sc.has_baseline);
    assert_int_equal(sc.measured, 3);
    double v[3] = {0.51 + weight(1, 0), 0.51 + weight(1, 2), 0.51 + weight(1, 0) + weight(1, 2)};
    double mean = (v[0] + v[1] + v[2]) / 3;
    near(sc.reference, mean);
    near(sc.range, fmax(fabs(v[0] - mean), fmax(fabs(v[1] - mean), fabs(v[2] - mean))));
    study_free(s);
}

static void test_best(void **state)
{
    (void)state;
    /* additive: the best combination for t holds exactly the datasets with positive weight */
    study *s = additive(6, "f1", NULL);
    for (int t = 0; t < 6; t++) {
        combo_t want = combo_single(t), got = 0;
        for (int a = 0; a < 6; a++)
            if (a != t && weight(t, a) > 0)
                want |= combo_single(a);
        assert_true(lattice_best(s, s->metric, t, &got));
        /* zero weights tie: the smaller mask wins, which leaves them out */
        assert_int_equal(got, want);
    }
    assert_false(lattice_best(s, 5, 0, &(combo_t){0}));
    study_free(s);
    /* a loss: the best has the lowest value */
    s = additive(4, "loss", NULL);
    combo_t want = combo_single(1), got = 0;
    for (int a = 0; a < 4; a++)
        if (a != 1 && weight(1, a) < 0)
            want |= combo_single(a);
    assert_true(lattice_best(s, s->metric, 1, &got));
    assert_int_equal(got, want);
    study_free(s);
}

static void test_top_gain(void **state)
{
    (void)state;
    study *s = additive(6, "f1", NULL);
    for (int t = 0; t < 6; t++) {
        lattice_scale sc;
        lattice_scale_of(s, s->metric, t, &sc);
        assert_int_equal(sc.measured, 32);
        double fractions[] = {0.1, 0.01, 0.5, 1.0};
        size_t ranks[] = {4, 1, 16, 32}; /* ceil(f * 32) */
        for (int i = 0; i < 4; i++) {
            double cut = 99;
            assert_true(lattice_top_gain(s, s->metric, t, &sc, fractions[i], &cut));
            size_t at_or_above = 0, above = 0;
            for (combo_t c = 1; c < 64; c++) {
                const study_stat *st = study_stat_of(s, c, t, s->metric);
                if (!combo_has(c, t)) {
                    assert_null(st);
                    continue;
                }
                double g = lattice_gain(sc.goal, st->mean, sc.reference);
                at_or_above += g >= cut;
                above += g > cut;
            }
            /* the cut is a measured gain with rank ceil(f * n): ties all count */
            assert_true(at_or_above >= ranks[i]);
            assert_true(above < ranks[i]);
        }
        /* the best alone: the gain of lattice_best */
        combo_t best;
        double cut = 0;
        assert_true(lattice_best(s, s->metric, t, &best));
        assert_true(lattice_top_gain(s, s->metric, t, &sc, 0.01, &cut));
        near(cut, lattice_gain(sc.goal, study_stat_of(s, best, t, s->metric)->mean, sc.reference));
    }
    /* a loss: the best is the lowest score, its gain the largest */
    study_free(s);
    s = additive(4, "loss", NULL);
    lattice_scale sc;
    lattice_scale_of(s, s->metric, 1, &sc);
    combo_t best;
    double cut = 0;
    assert_true(lattice_best(s, s->metric, 1, &best));
    assert_true(lattice_top_gain(s, s->metric, 1, &sc, 0.001, &cut));
    near(cut, lattice_gain(sc.goal, study_stat_of(s, best, 1, s->metric)->mean, sc.reference));
    assert_true(cut > 0);
    /* nothing measured (no such metric): false, out untouched */
    cut = 42;
    assert_false(lattice_top_gain(s, 5, 1, &sc, 0.1, &cut));
    near(cut, 42);
    study_free(s);
}

/* The cut that the view cycles: names, cutoffs from lattice_top_gain, and one test of "good"
 * for measured and predicted gains alike. */
static void test_cutoff(void **state)
{
    (void)state;
    study *s = additive(6, "f1", NULL);
    lattice_scale sc;
    lattice_scale_of(s, s->metric, 2, &sc);
    assert_string_equal(lattice_cut_name(LATTICE_CUT_ZERO), "gain > 0");
    assert_string_equal(lattice_cut_name(LATTICE_CUT_TOP10), "top 10%");
    assert_string_equal(lattice_cut_name(LATTICE_CUT_TOP1), "top 1%");
    lattice_cutoff c;
    lattice_cutoff_of(s, s->metric, 2, &sc, LATTICE_CUT_ZERO, &c);
    assert_true(c.known);
    assert_false(lattice_cutoff_good(&c, 0.00004)); /* prints as +0.0000 */
    assert_true(lattice_cutoff_good(&c, 0.0001));
    assert_false(lattice_cutoff_good(&c, -0.01));
    double top10, top1;
    assert_true(lattice_top_gain(s, s->metric, 2, &sc, 0.10, &top10));
    assert_true(lattice_top_gain(s, s->metric, 2, &sc, 0.01, &top1));
    lattice_cutoff_of(s, s->metric, 2, &sc, LATTICE_CUT_TOP10, &c);
    assert_true(c.known);
    near(c.gain, top10);
    assert_true(lattice_cutoff_good(&c, top10));
    assert_false(lattice_cutoff_good(&c, top10 - 1e-6));
    lattice_cutoff_of(s, s->metric, 2, &sc, LATTICE_CUT_TOP1, &c);
    near(c.gain, top1);
    assert_true(top1 >= top10);
    /* a predicted gain above the best measured passes every cut */
    assert_true(lattice_cutoff_good(&c, top1 + 0.5));
    /* nothing measured: a top cut is unknown and nothing is good under it */
    lattice_cutoff_of(s, 5, 2, &sc, LATTICE_CUT_TOP10, &c);
    assert_false(c.known);
    assert_false(lattice_cutoff_good(&c, 1.0));
    study_free(s);
}

/* A predictor that knows the additive truth, for the rows keep_some leaves out; it declines
 * {0,1,3} so that one neighbour stays unknown. */
static bool truth(void *ctx, int target, combo_t c, double *mean, double *spread)
{
    int *calls = ctx;
    (*calls)++;
    if (c == 0xB)
        return false;
    double v = 0.5 + target / 100.0;
    for (int a = 0; a < 4; a++)
        if (a != target && combo_has(c, a))
            v += weight(target, a);
    *mean = v;
    *spread = 0.01;
    return true;
}

static void test_neighbours_with_predictions(void **state)
{
    (void)state;
    study *s = additive(4, "f1", keep_some);
    int calls = 0;
    lattice_predictions pr = {truth, &calls};
    lattice_neighbour nb[64];
    /* {0,2} is unmeasured but predicted: every move with a measured or predicted other end
     * gets a predicted delta, equal to the additive weight */
    int k = lattice_neighbours_predicted(s, s->metric, 0, 0x5, &pr, nb);
    assert_int_equal(k, 3);
    assert_true(calls > 0);
    for (int i = 0; i < k; i++) {
        assert_false(nb[i].has_delta);
        assert_true(nb[i].delta_predicted);
        double w = weight(0, nb[i].dataset);
        near(nb[i].delta, nb[i].add ? w : -w);
        if (i)
            assert_true(nb[i - 1].delta >= nb[i].delta);
    }
    /* from {0,1} (measured): {0,1,2} and {0} measured, {0,1,3} declined by the predictor */
    k = lattice_neighbours_predicted(s, s->metric, 0, 0x3, &pr, nb);
    assert_true(nb[0].has_delta && nb[1].has_delta);
    assert_false(nb[2].delta_predicted);
    assert_false(nb[2].point.predicted);
    /* measured points are never overridden by a prediction */
    lattice_point p;
    lattice_point_of(s, s->metric, 0, 0x3, &p);
    lattice_point_predict(&pr, 0, &p);
    assert_true(p.measured);
    assert_false(p.predicted);
    lattice_point_of(s, s->metric, 0, 0x9, &p);
    lattice_point_predict(&pr, 0, &p);
    assert_true(p.predicted);
    near(p.pred_mean, 0.5 + weight(0, 3));
    near(p.pred_spread, 0.01);
    lattice_point_predict(NULL, 0, &p);
    assert_false(p.predicted);
    study_free(s);
}

static void test_hasse_complete(void **state)
{
    (void)state;
    study *s = additive(6, "f1", NULL);
    lattice_hasse h;
    lattice_hasse_build(&h, s, s->metric, 2);
    assert_true(h.complete);
    assert_int_equal(h.n_combos, 32);
    const size_t binom[] = {0, 1, 5, 10, 10, 5, 1};
    for (int z = 1; z <= 6; z++) {
        assert_int_equal(h.count[z], binom[z]);
        double prev = INFINITY;
        for (size_t i = 0; i < h.count[z]; i++) {
            combo_t c = h.combos[h.start[z] + i];
            assert_int_equal(combo_rank(c), z);
            assert_true(combo_has(c, 2));
            double v;
            assert_true(study_score(s, c, 2, &v));
            assert_true(v <= prev);
            prev = v;
            int fz;
            size_t pos;
            assert_true(lattice_hasse_find(&h, c, &fz, &pos));
            assert_int_equal(fz, z);
            assert_int_equal(pos, i);
        }
    }
    int fz;
    size_t pos;
    assert_false(lattice_hasse_find(&h, 0x1, &fz, &pos)); /* lacks the target */
    lattice_hasse_done(&h);
    study_free(s);
}

static void test_hasse_min_goal_and_unmeasured(void **state)
{
    (void)state;
    study *s = additive(4, "loss", keep_some);
    assert_int_equal(s->goal, GOAL_MIN);
    lattice_hasse h;
    lattice_hasse_build(&h, s, s->metric, 0);
    assert_int_equal(h.n_combos, 8);
    /* size 2: {0,1} measured, then {0,2} and {0,3} unmeasured by mask */
    assert_int_equal(h.count[2], 3);
    assert_int_equal(h.combos[h.start[2]], 0x3);
    assert_int_equal(h.combos[h.start[2] + 1], 0x5);
    assert_int_equal(h.combos[h.start[2] + 2], 0x9);
    /* size 3: {0,1,2} measured first */
    assert_int_equal(h.combos[h.start[3]], 0x7);
    lattice_hasse_done(&h);
    study_free(s);
}

static void test_hasse_large_lists_measured(void **state)
{
    (void)state;
    study *s = study_new();
    char name[16];
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "d%02d", i);
        study_add_dataset(s, name, NULL, NULL);
    }
    int m = study_metric_add(s, "f1");
    study_add_value(s, 0x1, 0, m, 0.5);
    study_add_value(s, 0x3, 0, m, 0.6);
    study_add_value(s, 0x5, 0, m, 0.4);
    study_add_value(s, 0x3, 1, m, 0.9); /* another target's score: not listed */
    assert_true(study_choose_metric(s, NULL));
    lattice_hasse h;
    lattice_hasse_build(&h, s, m, 0);
    assert_false(h.complete);
    assert_int_equal(h.n_combos, 3);
    assert_int_equal(h.count[1], 1);
    assert_int_equal(h.count[2], 2);
    assert_int_equal(h.combos[h.start[2]], 0x3);
    assert_int_equal(h.unlisted[1], 0);
    assert_int_equal(h.unlisted[2], 19 - 2);
    assert_int_equal(h.unlisted[3], 171);
    assert_int_equal(h.unlisted[20], 1);
    lattice_hasse_done(&h);
    study_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_twelve_is_gray_torus),
        cmocka_unit_test(test_grid_axes),
        cmocka_unit_test(test_grid_tiny),
        cmocka_unit_test(test_grid_window_pages_are_sublattices),
        cmocka_unit_test(test_point_and_goal),
        cmocka_unit_test(test_neighbours_sorted_with_exact_deltas),
        cmocka_unit_test(test_neighbours_partial),
        cmocka_unit_test(test_best),
        cmocka_unit_test(test_top_gain),
        cmocka_unit_test(test_cutoff),
        cmocka_unit_test(test_neighbours_with_predictions),
        cmocka_unit_test(test_hasse_complete),
        cmocka_unit_test(test_hasse_min_goal_and_unmeasured),
        cmocka_unit_test(test_hasse_large_lists_measured),
    };
    return cmocka_run_group_tests_name("lattice", tests, NULL, NULL);
}
