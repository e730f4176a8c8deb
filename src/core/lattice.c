#include "comboscope/lattice.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/text.h"

study_goal lattice_goal(const study *s, int m)
{
    if (m == s->metric || m < 0 || m >= s->n_metrics)
        return s->goal;
    const char *name = s->metrics[m];
    return (strstr(name, "loss") || strstr(name, "error")) ? GOAL_MIN : GOAL_MAX;
}

double lattice_gain(study_goal goal, double score, double baseline)
{
    return goal == GOAL_MIN ? baseline - score : score - baseline;
}

void lattice_grid_init(lattice_grid *g, int n_datasets, int target)
{
    memset(g, 0, sizeof *g);
    if (n_datasets > COMBO_MAX_DATASETS)
        n_datasets = COMBO_MAX_DATASETS;
    g->n_datasets = n_datasets;
    g->target = target;
    int others = n_datasets > 0 ? n_datasets - 1 : 0;
    g->col_bits = (others + 1) / 2;
    g->row_bits = others / 2;
    /* The first column dataset takes the slowest bit, so the grid's left and right halves are
     * "without" and "with" it; likewise for rows. */
    int k = 0;
    for (int i = 0; i < n_datasets; i++) {
        if (i == target)
            continue;
        if (k < g->col_bits)
            g->col_dataset[g->col_bits - 1 - k] = i;
        else
            g->row_dataset[g->row_bits - 1 - (k - g->col_bits)] = i;
        k++;
    }
    g->cols = (uint64_t)1 << g->col_bits;
    g->rows = (uint64_t)1 << g->row_bits;
}

static combo_t code_to_combo(const int *dataset, int bits, uint64_t code)
{
    combo_t c = 0;
    for (int b = 0; b < bits; b++)
        if ((code >> b) & 1u)
            c |= combo_single(dataset[b]);
    return c;
}

static uint64_t combo_to_code(const int *dataset, int bits, combo_t c)
{
    uint64_t code = 0;
    for (int b = 0; b < bits; b++)
        if (combo_has(c, dataset[b]))
            code |= (uint64_t)1 << b;
    return code;
}

combo_t lattice_grid_combo(const lattice_grid *g, uint64_t x, uint64_t y)
{
    x &= g->cols - 1;
    y &= g->rows - 1;
    return combo_single(g->target) | code_to_combo(g->col_dataset, g->col_bits, combo_gray(x)) |
           code_to_combo(g->row_dataset, g->row_bits, combo_gray(y));
}

void lattice_grid_cell(const lattice_grid *g, combo_t c, uint64_t *x, uint64_t *y)
{
    *x = combo_gray_inverse(combo_to_code(g->col_dataset, g->col_bits, c));
    *y = combo_gray_inverse(combo_to_code(g->row_dataset, g->row_bits, c));
}

int lattice_grid_step(const lattice_grid *g, uint64_t *x, uint64_t *y, lattice_dir d)
{
    bool horizontal = d == LATTICE_LEFT || d == LATTICE_RIGHT;
    int bits = horizontal ? g->col_bits : g->row_bits;
    if (bits == 0)
        return -1;
    uint64_t size = horizontal ? g->cols : g->rows;
    uint64_t *p = horizontal ? x : y;
    uint64_t from = *p & (size - 1);
    uint64_t to = (d == LATTICE_LEFT || d == LATTICE_UP) ? from - 1 : from + 1;
    to &= size - 1; /* wrapping keeps the step a single toggle: the Gray cycle closes */
    uint64_t flip = combo_gray(from) ^ combo_gray(to);
    *p = to;
    int b = __builtin_ctzll(flip);
    return horizontal ? g->col_dataset[b] : g->row_dataset[b];
}

static uint64_t pow2_floor(uint64_t v, uint64_t cap)
{
    uint64_t p = 1;
    while (p * 2 <= v && p * 2 <= cap)
        p *= 2;
    return p;
}

void lattice_grid_window(const lattice_grid *g, uint64_t x, uint64_t y, uint64_t vis_cols,
                         uint64_t vis_rows, uint64_t *x0, uint64_t *y0, uint64_t *page_cols,
                         uint64_t *page_rows)
{
    uint64_t pc = pow2_floor(vis_cols ? vis_cols : 1, g->cols);
    uint64_t pr = pow2_floor(vis_rows ? vis_rows : 1, g->rows);
    *x0 = (x & (g->cols - 1)) & ~(pc - 1);
    *y0 = (y & (g->rows - 1)) & ~(pr - 1);
    if (page_cols)
        *page_cols = pc;
    if (page_rows)
        *page_rows = pr;
}

combo_t lattice_grid_page_fixed(const lattice_grid *g, uint64_t x0, uint64_t y0,
                                uint64_t page_cols, uint64_t page_rows, combo_t *fixed)
{
    /* Within an aligned page of 2^a columns, bits a.. of the Gray code are constant and bits
     * below a take every value: bit a-1 of gray(x) is x_(a-1) ^ x_a, and x_(a-1) varies. */
    combo_t varying = code_to_combo(g->col_dataset, g->col_bits, page_cols - 1) |
                      code_to_combo(g->row_dataset, g->row_bits, page_rows - 1);
    combo_t all = combo_all(g->n_datasets) & ~combo_single(g->target);
    *fixed = all & ~varying;
    return lattice_grid_combo(g, x0, y0) & *fixed;
}

void lattice_point_of(const study *s, int m, int target, combo_t combo, lattice_point *p)
{
    memset(p, 0, sizeof *p);
    p->combo = combo;
    const study_stat *st = study_stat_of(s, combo, target, m);
    if (!st)
        return;
    p->measured = true;
    p->score = st->mean;
    p->sd = study_stat_sd(st);
    p->replicates = st->n;
    const study_stat *base = study_stat_of(s, combo_single(target), target, m);
    if (base) {
        p->has_gain = true;
        p->gain = lattice_gain(lattice_goal(s, m), st->mean, base->mean);
    }
}

void lattice_point_predict(const lattice_predictions *pr, int target, lattice_point *p)
{
    p->predicted = false;
    if (!pr || !pr->predict || p->measured)
        return;
    double mean, spread;
    if (pr->predict(pr->ctx, target, p->combo, &mean, &spread) && isfinite(mean)) {
        p->predicted = true;
        p->pred_mean = mean;
        p->pred_spread = isfinite(spread) ? spread : 0;
    }
}

/* Sort context-free: each neighbour carries a precomputed key, signed so that larger is better. */
typedef struct ranked {
    lattice_neighbour nb;
    int tier;   /* 0: measured delta, 1: predicted delta, 2: neighbour measured, 3: the rest */
    double key;
} ranked;

static int ranked_cmp(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->tier != b->tier)
        return a->tier - b->tier;
    if (a->tier < 3 && a->key != b->key)
        return a->key > b->key ? -1 : 1;
    return a->nb.dataset - b->nb.dataset;
}

int lattice_neighbours(const study *s, int m, int target, combo_t c, lattice_neighbour *out)
{
    return lattice_neighbours_predicted(s, m, target, c, NULL, out);
}

int lattice_neighbours_predicted(const study *s, int m, int target, combo_t c,
                                 const lattice_predictions *pr, lattice_neighbour *out)
{
    ranked r[COMBO_MAX_DATASETS];
    study_goal goal = lattice_goal(s, m);
    lattice_point self;
    lattice_point_of(s, m, target, c, &self);
    lattice_point_predict(pr, target, &self);
    bool self_known = self.measured || self.predicted;
    double self_score = self.measured ? self.score : self.pred_mean;
    int k = 0;
    for (int i = 0; i < s->n_datasets; i++) {
        if (i == target)
            continue;
        ranked *e = &r[k++];
        memset(e, 0, sizeof *e);
        e->nb.dataset = i;
        e->nb.add = !combo_has(c, i);
        lattice_point *q = &e->nb.point;
        lattice_point_of(s, m, target, c ^ combo_single(i), q);
        lattice_point_predict(pr, target, q);
        if (q->measured && self.measured) {
            e->nb.has_delta = true;
            e->nb.delta = lattice_gain(goal, q->score, self.score);
            e->tier = 0;
            e->key = e->nb.delta;
        } else if ((q->measured || q->predicted) && self_known) {
            e->nb.delta_predicted = true;
            e->nb.delta = lattice_gain(goal, q->measured ? q->score : q->pred_mean, self_score);
            e->tier = 1;
            e->key = e->nb.delta;
        } else if (q->measured) {
            e->tier = 2;
            e->key = goal == GOAL_MIN ? -q->score : q->score;
        } else {
            e->tier = 3;
        }
    }
    qsort(r, (size_t)k, sizeof *r, ranked_cmp);
    for (int i = 0; i < k; i++)
        out[i] = r[i].nb;
    return k;
}

bool lattice_best_step(const study *s, int m, int target, combo_t c, bool add, combo_t *out)
{
    lattice_neighbour nb[COMBO_MAX_DATASETS];
    int k = lattice_neighbours(s, m, target, c, nb);
    for (int i = 0; i < k; i++) {
        if (nb[i].add == add && nb[i].point.measured) {
            *out = nb[i].point.combo;
            return true;
        }
    }
    return false;
}

bool lattice_best(const study *s, int m, int target, combo_t *out)
{
    if (m < 0 || m >= s->n_metrics)
        return false;
    study_goal goal = lattice_goal(s, m);
    const study_stat *v = s->values[m];
    bool found = false;
    double best = 0;
    for (size_t i = 0; i < s->n_obs; i++) {
        if (s->obs[i].dataset != target || v[i].n == 0)
            continue;
        double x = goal == GOAL_MIN ? -v[i].mean : v[i].mean;
        if (!found || x > best || (x == best && s->obs[i].combo < *out)) {
            found = true;
            best = x;
            *out = s->obs[i].combo;
        }
    }
    return found;
}

void lattice_scale_of(const study *s, int m, int target, lattice_scale *out)
{
    memset(out, 0, sizeof *out);
    out->goal = lattice_goal(s, m);
    if (m < 0 || m >= s->n_metrics)
        return;
    const study_stat *v = s->values[m];
    const study_stat *base = study_stat_of(s, combo_single(target), target, m);
    double sum = 0;
    for (size_t i = 0; i < s->n_obs; i++) {
        if (s->obs[i].dataset == target && v[i].n) {
            out->measured++;
            sum += v[i].mean;
        }
    }
    out->has_baseline = base != NULL;
    out->reference = base ? base->mean : out->measured ? sum / (double)out->measured : 0;
    for (size_t i = 0; i < s->n_obs; i++) {
        if (s->obs[i].dataset != target || v[i].n == 0)
            continue;
        double g = fabs(lattice_gain(out->goal, v[i].mean, out->reference));
        if (g > out->range)
            out->range = g;
    }
}

static int gain_desc(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? 1 : a > b ? -1 : 0;
}

bool lattice_top_gain(const study *s, int m, int target, const lattice_scale *sc, double fraction,
                      double *out)
{
    if (m < 0 || m >= s->n_metrics)
        return false;
    const study_stat *v = s->values[m];
    size_t n = 0;
    for (size_t i = 0; i < s->n_obs; i++)
        if (s->obs[i].dataset == target && v[i].n)
            n++;
    if (!n)
        return false;
    double *g = xmalloc(n * sizeof *g);
    size_t k = 0;
    for (size_t i = 0; i < s->n_obs; i++)
        if (s->obs[i].dataset == target && v[i].n)
            g[k++] = lattice_gain(sc->goal, v[i].mean, sc->reference);
    qsort(g, n, sizeof *g, gain_desc);
    double want = ceil(fraction * (double)n - 1e-9); /* 0.1 * 2048 is 204.8: 205 */
    size_t rank = want < 1 ? 1 : want > (double)n ? n : (size_t)want;
    *out = g[rank - 1];
    free(g);
    return true;
}

const char *lattice_cut_name(lattice_cut cut)
{
    static const char *const names[LATTICE_CUT_COUNT] = {"gain > 0", "top 10%", "top 1%"};
    return cut >= 0 && cut < LATTICE_CUT_COUNT ? names[cut] : "?";
}

void lattice_cutoff_of(const study *s, int m, int target, const lattice_scale *sc, lattice_cut cut,
                       lattice_cutoff *out)
{
    static const double fraction[LATTICE_CUT_COUNT] = {0, 0.10, 0.01};
    out->cut = cut;
    out->gain = 0;
    out->known = cut == LATTICE_CUT_ZERO || lattice_top_gain(s, m, target, sc, fraction[cut], &out->gain);
}

bool lattice_cutoff_good(const lattice_cutoff *c, double gain)
{
    if (c->cut == LATTICE_CUT_ZERO)
        return gain > 5e-5; /* what prints as +0.0000 is not a gain */
    return c->known && gain >= c->gain;
}

/* Sorting the by-size layout: size, then measured first and best first, then by mask. */
typedef struct hasse_item {
    combo_t combo;
    int size;
    bool measured;
    double key; /* sign-adjusted score: larger is better */
} hasse_item;

static int hasse_cmp(const void *pa, const void *pb)
{
    const hasse_item *a = pa, *b = pb;
    if (a->size != b->size)
        return a->size - b->size;
    if (a->measured != b->measured)
        return a->measured ? -1 : 1;
    if (a->measured && a->key != b->key)
        return a->key > b->key ? -1 : 1;
    return a->combo < b->combo ? -1 : a->combo > b->combo;
}

void lattice_hasse_build(lattice_hasse *h, const study *s, int m, int target)
{
    memset(h, 0, sizeof *h);
    int n = s->n_datasets;
    h->n_datasets = n;
    h->target = target;
    h->metric = m;
    h->complete = n <= LATTICE_FULL_MAX;
    study_goal goal = lattice_goal(s, m);
    hasse_item *items;
    size_t k = 0;
    if (h->complete) {
        uint64_t total = combo_lattice_size(n);
        items = xmalloc((size_t)total * sizeof *items);
        for (uint64_t i = 0; i < total; i++) {
            combo_t c = combo_lattice_at(n, target, i);
            const study_stat *st = study_stat_of(s, c, target, m);
            items[k].combo = c;
            items[k].size = combo_rank(c);
            items[k].measured = st != NULL;
            items[k].key = st ? (goal == GOAL_MIN ? -st->mean : st->mean) : 0;
            k++;
        }
    } else {
        items = xmalloc((s->n_obs ? s->n_obs : 1) * sizeof *items);
        const study_stat *v = (m >= 0 && m < s->n_metrics) ? s->values[m] : NULL;
        for (size_t i = 0; v && i < s->n_obs; i++) {
            if (s->obs[i].dataset != target || v[i].n == 0)
                continue;
            items[k].combo = s->obs[i].combo;
            items[k].size = combo_rank(s->obs[i].combo);
            items[k].measured = true;
            items[k].key = goal == GOAL_MIN ? -v[i].mean : v[i].mean;
            k++;
        }
    }
    qsort(items, k, sizeof *items, hasse_cmp);
    h->n_combos = k;
    h->combos = xmalloc((k ? k : 1) * sizeof *h->combos);
    for (size_t i = 0; i < k; i++) {
        h->combos[i] = items[i].combo;
        h->count[items[i].size]++;
    }
    free(items);
    size_t at = 0;
    for (int z = 0; z <= n + 1 && z <= COMBO_MAX_DATASETS + 1; z++) {
        h->start[z] = at;
        if (z <= COMBO_MAX_DATASETS)
            at += h->count[z];
    }
    if (!h->complete) {
        /* Combinations of size z that contain the target: C(n-1, z-1), from Pascal's rule so
         * that nothing overflows (C(63, 31) < 2^60). */
        uint64_t row[COMBO_MAX_DATASETS + 1] = {1};
        for (int r = 1; r <= n - 1; r++)
            for (int j = r; j >= 1; j--)
                row[j] += row[j - 1];
        for (int z = 1; z <= n; z++)
            h->unlisted[z] = row[z - 1] - h->count[z];
    }
}

void lattice_hasse_done(lattice_hasse *h)
{
    free(h->combos);
    h->combos = NULL;
    h->n_combos = 0;
}

bool lattice_hasse_find(const lattice_hasse *h, combo_t c, int *size, size_t *pos)
{
    int z = combo_rank(c);
    if (z < 1 || z > h->n_datasets)
        return false;
    for (size_t i = 0; i < h->count[z]; i++) {
        if (h->combos[h->start[z] + i] == c) {
            *size = z;
            *pos = i;
            return true;
        }
    }
    return false;
}
