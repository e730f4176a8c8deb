/* benchviews: how long the core work behind the Lattice and Heatmaps views takes on a study,
 * for `make bench` (scripts/bench views). Prints the mean over many repetitions of: a full
 * heatmap recompute (every target x auxiliary, pair and mean marginal gains), the by-size
 * layout of one target, one frame's worth of lattice cell lookups (every combination that
 * contains the target), and one neighbour list.
 * usage: benchviews STUDY [REPEAT] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "comboscope/heatmap.h"
#include "comboscope/lattice.h"
#include "comboscope/study_json.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: benchviews STUDY [REPEAT]\n");
        return 2;
    }
    int rep = argc > 2 ? atoi(argv[2]) : 50;
    if (rep < 1)
        rep = 1;
    cs_error err;
    double t0 = now_ms();
    study *s = study_open(argv[1], NULL, &err);
    if (!s) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    printf("  study: %d datasets, %zu combinations, %zu observations (loaded in %.1f ms)\n",
           s->n_datasets, s->n_combos, s->n_obs, now_ms() - t0);
    int target = s->n_targets ? s->targets[0] : 0;

    heatmap h;
    t0 = now_ms();
    for (int i = 0; i < rep; i++) {
        heatmap_compute(&h, s, s->metric);
        heatmap_done(&h);
    }
    printf("  heatmap recompute (all targets x auxiliaries)  %8.3f ms\n", (now_ms() - t0) / rep);

    lattice_hasse hs;
    t0 = now_ms();
    for (int i = 0; i < rep; i++) {
        lattice_hasse_build(&hs, s, s->metric, target);
        lattice_hasse_done(&hs);
    }
    printf("  by-size layout of one target                   %8.3f ms\n", (now_ms() - t0) / rep);

    /* what one frame of the grid reads: the score of every combination with the target */
    lattice_grid g;
    lattice_grid_init(&g, s->n_datasets, target);
    lattice_scale sc;
    uint64_t cols = g.cols > 64 ? 64 : g.cols, rows = g.rows > 32 ? 32 : g.rows;
    unsigned found = 0;
    t0 = now_ms();
    for (int i = 0; i < rep; i++) {
        lattice_scale_of(s, s->metric, target, &sc);
        for (uint64_t y = 0; y < rows; y++)
            for (uint64_t x = 0; x < cols; x++)
                found += study_stat_of(s, lattice_grid_combo(&g, x, y), target, s->metric) != NULL;
    }
    printf("  one grid frame: %4llu cells and the colour scale %8.3f ms\n",
           (unsigned long long)(cols * rows), (now_ms() - t0) / rep);

    lattice_neighbour nb[COMBO_MAX_DATASETS];
    t0 = now_ms();
    for (int i = 0; i < rep * 10; i++)
        found += (unsigned)lattice_neighbours(s, s->metric, target, combo_all(s->n_datasets) >> 1 | 1, nb);
    printf("  one neighbour list (sorted)                    %8.1f us\n", (now_ms() - t0) * 1e3 / (rep * 10));
    study_free(s);
    return found ? 0 : 1;
}
