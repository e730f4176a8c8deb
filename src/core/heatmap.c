#include "comboscope/heatmap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/lattice.h"
#include "comboscope/text.h"

void heatmap_compute(heatmap *h, const study *s, int m)
{
    memset(h, 0, sizeof *h);
    int n = s->n_datasets;
    h->n_datasets = n;
    h->metric = m;
    h->goal = lattice_goal(s, m);
    h->cells = xcalloc((size_t)(n ? n * n : 1), sizeof *h->cells);
    if (m < 0 || m >= s->n_metrics)
        return;
    const study_stat *v = s->values[m];
    double sign = h->goal == GOAL_MIN ? -1.0 : 1.0;
    /* Sums first, means at the end: one lookup per (observation, absent dataset). */
    double *sum = xcalloc((size_t)(n ? n * n : 1), sizeof *sum);
    for (size_t i = 0; i < s->n_obs; i++) {
        if (v[i].n == 0)
            continue;
        combo_t c = s->obs[i].combo;
        int t = s->obs[i].dataset;
        if (!combo_has(c, t))
            continue;
        for (int a = 0; a < n; a++) {
            if (combo_has(c, a))
                continue;
            long j = study_find_obs(s, c | combo_single(a), t);
            if (j < 0 || v[j].n == 0)
                continue;
            double d = sign * (v[j].mean - v[i].mean);
            heatmap_cell *cell = &h->cells[t * n + a];
            cell->n_pairs++;
            if (d > 0)
                cell->n_better++;
            sum[t * n + a] += d;
            if (c == combo_single(t)) {
                cell->has_pair = true;
                cell->pair = d;
            }
        }
    }
    for (int t = 0; t < n; t++) {
        for (int a = 0; a < n; a++) {
            heatmap_cell *cell = &h->cells[t * n + a];
            if (cell->n_pairs) {
                cell->marginal = sum[t * n + a] / cell->n_pairs;
                if (fabs(cell->marginal) > h->marginal_range)
                    h->marginal_range = fabs(cell->marginal);
            }
            if (cell->has_pair && fabs(cell->pair) > h->pair_range)
                h->pair_range = fabs(cell->pair);
        }
    }
    free(sum);
}

void heatmap_done(heatmap *h)
{
    free(h->cells);
    h->cells = NULL;
}

const heatmap_cell *heatmap_at(const heatmap *h, int target, int aux)
{
    return &h->cells[target * h->n_datasets + aux];
}

int heatmap_task_rows(const study *s, int task, int *out)
{
    int k = 0;
    for (int i = 0; i < s->n_datasets; i++)
        if (s->datasets[i].task == task)
            out[k++] = i;
    return k;
}

static const char *label_stem(const char *name)
{
    const char *us = strchr(name, '_');
    return us && us[1] ? us + 1 : name;
}

/* Copies up to w characters of s (never splitting a UTF-8 sequence), from the start or, when
 * from_end, from the end. Returns the bytes written. */
static size_t copy_chars(char *out, const char *s, int w, bool from_end)
{
    size_t len = strlen(s), starts[256];
    int k = 0;
    for (size_t i = 0; i < len && k < 256; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            starts[k++] = i;
    size_t a, b;
    if (k <= w) {
        a = 0;
        b = len;
    } else if (from_end) {
        a = starts[k - w];
        b = len;
    } else {
        a = 0;
        b = starts[w];
    }
    memcpy(out, s + a, b - a);
    out[b - a] = '\0';
    return b - a;
}

static void label_try(const study *s, int d, int w, int kind, char *out)
{
    const char *stem = label_stem(s->datasets[d].name);
    if (kind == 0) {
        copy_chars(out, stem, w, false);
    } else {
        size_t k = copy_chars(out, stem, w - w / 2, false);
        char tail[64];
        copy_chars(tail, stem, w / 2, true);
        if (strlen(stem) <= (size_t)w)
            copy_chars(out, stem, w, false);
        else
            memcpy(out + k, tail, strlen(tail) + 1);
    }
}

char *heatmap_short_label(const study *s, int d, int w, char *out, size_t n)
{
    if (w < 2)
        w = 2;
    if (w > 15)
        w = 15;
    char mine[64], other[64];
    for (int kind = 0; kind < 2; kind++) {
        label_try(s, d, w, kind, mine);
        bool unique = true;
        for (int j = 0; j < s->n_datasets && unique; j++) {
            if (j == d)
                continue;
            label_try(s, j, w, kind, other);
            unique = strcmp(mine, other) != 0;
        }
        if (unique) {
            snprintf(out, n, "%s", mine);
            return out;
        }
    }
    snprintf(out, n, "#%d", d + 1);
    return out;
}

bool heatmap_value(const heatmap *h, int target, int aux, bool marginal, double *out)
{
    if (target == aux || target < 0 || aux < 0 || target >= h->n_datasets || aux >= h->n_datasets)
        return false;
    const heatmap_cell *c = heatmap_at(h, target, aux);
    if (marginal) {
        *out = c->marginal;
        return c->n_pairs > 0;
    }
    *out = c->pair;
    return c->has_pair;
}

bool heatmap_mean(const heatmap *h, int dataset, bool rows, bool marginal, double *out)
{
    double sum = 0;
    int k = 0;
    for (int o = 0; o < h->n_datasets; o++) {
        double x;
        if (heatmap_value(h, rows ? dataset : o, rows ? o : dataset, marginal, &x)) {
            sum += x;
            k++;
        }
    }
    if (k)
        *out = sum / k;
    return k > 0;
}

typedef struct mean_item {
    int dataset;
    bool has;
    double mean;
} mean_item;

static int mean_cmp(const void *pa, const void *pb)
{
    const mean_item *a = pa, *b = pb;
    if (a->has != b->has)
        return a->has ? -1 : 1;
    if (a->has && a->mean != b->mean)
        return a->mean > b->mean ? -1 : 1;
    return a->dataset - b->dataset;
}

void heatmap_sort_by_mean(const heatmap *h, bool rows, bool marginal, int *datasets, int n)
{
    mean_item it[COMBO_MAX_DATASETS];
    if (n > COMBO_MAX_DATASETS)
        n = COMBO_MAX_DATASETS;
    for (int i = 0; i < n; i++) {
        it[i].dataset = datasets[i];
        it[i].mean = 0;
        it[i].has = heatmap_mean(h, datasets[i], rows, marginal, &it[i].mean);
    }
    qsort(it, (size_t)n, sizeof *it, mean_cmp);
    for (int i = 0; i < n; i++)
        datasets[i] = it[i].dataset;
}

size_t heatmap_unmeasured(const heatmap *h, bool marginal)
{
    size_t k = 0;
    for (int t = 0; t < h->n_datasets; t++)
        for (int a = 0; a < h->n_datasets; a++) {
            double x;
            if (t != a && !heatmap_value(h, t, a, marginal, &x))
                k++;
        }
    return k;
}

bool heatmap_predicted_pair(const heatmap *h, const study *s, const struct lattice_predictions *pr,
                            int target, int aux, double *out)
{
    if (!pr || !pr->predict || target == aux || h->metric != s->metric)
        return false;
    double pair, spread, base;
    if (!pr->predict(pr->ctx, target, combo_single(target) | combo_single(aux), &pair, &spread) || !isfinite(pair))
        return false;
    const study_stat *b = study_stat_of(s, combo_single(target), target, h->metric);
    if (b)
        base = b->mean;
    else if (!pr->predict(pr->ctx, target, combo_single(target), &base, &spread) || !isfinite(base))
        return false;
    *out = lattice_gain(h->goal, pair, base);
    return true;
}
