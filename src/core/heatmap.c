#include "comboscope/heatmap.h"

#include <math.h>
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
