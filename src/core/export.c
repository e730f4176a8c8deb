#include "comboscope/export.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/heatmap.h"
#include "comboscope/lattice.h"
#include "comboscope/lattice_axes.h"
#include "comboscope/obs_table.h"
#include "comboscope/text.h"

bool export_kind_parse(const char *name, export_kind *out)
{
    static const char *const names[] = {"heatmap", "lattice", "table"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (export_kind)i;
            return true;
        }
    return false;
}

/* One CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled). */
static void csv_field(FILE *out, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', out);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
    fputc(last ? '\n' : ',', out);
}

static void csv_number(FILE *out, bool has, double v, bool last)
{
    if (has)
        fprintf(out, "%.12g", v);
    fputc(last ? '\n' : ',', out);
}

static void csv_combo(FILE *out, const study *s, combo_t c)
{
    size_t cap = (size_t)s->n_datasets * 260 + 1;
    char *buf = xmalloc(cap);
    csv_field(out, study_combo_format(s, c, buf, cap), false);
    free(buf);
}

static long export_heatmap(FILE *out, const study *s, int m, int only)
{
    heatmap h;
    heatmap_compute(&h, s, m);
    fputs("target,task,aux,aux_task,pair_gain,marginal_gain,pairs,helped\n", out);
    long rows = 0;
    for (int task = 0; task < s->n_tasks; task++) {
        int ds[COMBO_MAX_DATASETS];
        int k = heatmap_task_rows(s, task, ds);
        for (int i = 0; i < k; i++) {
            int t = ds[i];
            if (only >= 0 && t != only)
                continue;
            for (int a = 0; a < s->n_datasets; a++) {
                if (a == t)
                    continue;
                const heatmap_cell *c = heatmap_at(&h, t, a);
                csv_field(out, s->datasets[t].name, false);
                csv_field(out, s->tasks[s->datasets[t].task], false);
                csv_field(out, s->datasets[a].name, false);
                csv_field(out, s->tasks[s->datasets[a].task], false);
                csv_number(out, c->has_pair, c->pair, false);
                csv_number(out, c->n_pairs > 0, c->marginal, false);
                fprintf(out, "%u,%u\n", c->n_pairs, c->n_better);
                rows++;
            }
        }
    }
    heatmap_done(&h);
    return rows;
}

static void lattice_row(FILE *out, const study *s, int m, int target, const lattice_grid *g, const lattice_scale *sc,
                        combo_t c)
{
    lattice_point p;
    lattice_point_of(s, m, target, c, &p);
    uint64_t x, y;
    lattice_grid_cell(g, c, &x, &y);
    csv_combo(out, s, c);
    fprintf(out, "%d,%llu,%llu,%s,", combo_rank(c), (unsigned long long)x, (unsigned long long)y,
            p.measured ? "yes" : "no");
    csv_number(out, p.measured, p.score, false);
    csv_number(out, p.measured, lattice_gain(sc->goal, p.score, sc->reference), false);
    fprintf(out, "%u,", p.replicates);
    csv_number(out, p.measured, p.sd, true);
}

static long export_lattice(FILE *out, const study *s, int m, int target)
{
    lattice_effect eff[COMBO_MAX_DATASETS];
    lattice_effects(s, m, target, NULL, eff);
    int order[COMBO_MAX_DATASETS];
    lattice_effect_rank(s->n_datasets, target, eff, order);
    lattice_grid g;
    lattice_grid_init_ranked(&g, s->n_datasets, target, order);
    lattice_scale sc;
    lattice_scale_of(s, m, target, &sc);
    fputs("combination,size,column,row,measured,score,gain,replicates,sd\n", out);
    long rows = 0;
    if (s->n_datasets <= LATTICE_FULL_MAX) {
        uint64_t total = combo_lattice_size(s->n_datasets);
        for (uint64_t i = 0; i < total; i++, rows++)
            lattice_row(out, s, m, target, &g, &sc, combo_lattice_at(s->n_datasets, target, i));
    } else {
        const study_stat *v = s->values[m];
        for (size_t i = 0; i < s->n_obs; i++)
            if (s->obs[i].dataset == target && v[i].n) {
                lattice_row(out, s, m, target, &g, &sc, s->obs[i].combo);
                rows++;
            }
    }
    return rows;
}

static long export_table(FILE *out, const study *s, int only)
{
    int ncols = obs_table_columns(s);
    for (int c = 0; c < ncols; c++)
        csv_field(out, obs_table_column_name(s, c), c == ncols - 1);
    obs_table_query q = {OBS_COL_COMBINATION, false, NULL, only};
    size_t *rows;
    size_t n = obs_table_rows(s, &q, &rows);
    for (size_t i = 0; i < n; i++) {
        size_t o = rows[i];
        csv_combo(out, s, s->obs[o].combo);
        csv_field(out, s->datasets[s->obs[o].dataset].name, false);
        csv_field(out, s->tasks[s->datasets[s->obs[o].dataset].task], ncols == OBS_COL_TASK + 1);
        for (int c = OBS_COL_SIZE; c < ncols; c++) {
            double v;
            bool has = obs_table_number(s, o, c, &v);
            if (c == OBS_COL_SIZE || c == OBS_COL_N)
                fprintf(out, "%.0f%c", v, c == ncols - 1 ? '\n' : ',');
            else
                csv_number(out, has, v, c == ncols - 1);
        }
    }
    free(rows);
    return (long)n;
}

long export_csv(FILE *out, const study *s, export_kind kind, int m, int target)
{
    if (m < 0 || m >= s->n_metrics)
        return -1;
    long rows;
    switch (kind) {
    case EXPORT_HEATMAP: rows = export_heatmap(out, s, m, target); break;
    case EXPORT_LATTICE:
        if (target < 0 || target >= s->n_datasets)
            return -1;
        rows = export_lattice(out, s, m, target);
        break;
    default: rows = export_table(out, s, target); break;
    }
    return ferror(out) ? -1 : rows;
}
