/* comboscope synth: write a synthetic complete (or sampled) result table. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "comboscope/study_json.h"
#include "comboscope/synth.h"

static const char synth_help[] =
    "usage: comboscope synth (--preset biomed12 | --datasets N [--structure NAME]) [--runs R]\n"
    "                        [--seed S] -o OUT.csv\n\n"
    "Write a synthetic long-format result table with a known structure: per-dataset baselines,\n"
    "same-task and cross-task transfer, pairwise interactions, a dilution penalty for a fixed\n"
    "training budget split among the members, and measurement noise. Every combination is\n"
    "written for up to 16 datasets; above that --runs R samples R distinct combinations.\n"
    "The same seed gives byte-identical output. Columns:\n"
    "run,combination,dataset,task,precision,recall,f1\n\n"
    "  --preset NAME     biomed12: the 12 biomedical datasets in 4 task types\n"
    "  --datasets N      N generic datasets (1 to 64) named T<task>_d<NN>\n"
    "  --structure NAME  with --datasets: default, synergy, additive, noise, harmful, sparse\n"
    "  --runs R          sample R distinct combinations (every single dataset first)\n"
    "  --seed S          random seed (default 1)\n"
    "  -o, --output OUT  the file to write, atomically ('-' for standard output)\n"
    "  -h, --help        show this help\n"
    "  -V, --version     show the version\n";

typedef struct synth_job {
    const synth_model *m;
    const combo_t *combos;
    uint64_t k;
} synth_job;

static bool write_synth(void *ctx, FILE *fp, const char *display, cs_error *err)
{
    const synth_job *j = ctx;
    return synth_write_table(j->m, j->combos, j->k, fp, display, err);
}

int cmd_synth(int argc, char **argv)
{
    static const cli_option opts[] = {
        {"preset", 'p', "NAME", 0}, {"datasets", 'n', "N", 0}, {"runs", 'r', "R", 0},
        {"seed", 's', "S", 0},      {"output", 'o', "OUT", 'o'}, {"structure", 'S', "NAME", 0},
        {NULL, 0, NULL, 0},
    };
    const char *preset = NULL, *output = NULL, *structure = NULL;
    long n = 0, runs = 0, seed = 1;
    cli_args p;
    cli_args_init(&p, "synth", synth_help, opts, argc, argv);
    int c;
    while ((c = cli_next(&p)) > 0) {
        switch (c) {
        case 'p': preset = p.value; break;
        case 'n':
            if (!cli_parse_long(p.value, 1, COMBO_MAX_DATASETS, &n))
                return cli_usage_error("synth", "--datasets must be a number from 1 to %d", COMBO_MAX_DATASETS);
            break;
        case 'r':
            if (!cli_parse_long(p.value, 1, (long)SYNTH_RUNS_MAX, &runs))
                return cli_usage_error("synth", "--runs must be a number from 1 to %llu", SYNTH_RUNS_MAX);
            break;
        case 's':
            if (!cli_parse_long(p.value, 0, 0x7FFFFFFFL, &seed))
                return cli_usage_error("synth", "--seed must be a number from 0 to 2147483647");
            break;
        case 'o': output = p.value; break;
        case 'S': structure = p.value; break;
        }
    }
    if (c == CLI_EXIT)
        return p.status;
    if (cli_want_operands(&p, 0, 0, "argument"))
        return EXIT_USAGE;
    if (!preset == !n)
        return cli_usage_error("synth", "give exactly one of --preset NAME and --datasets N");
    if (!output)
        return cli_usage_error("synth", "-o OUT.csv is required ('-o -' for standard output)");
    if (n > SYNTH_FULL_MAX && runs == 0)
        return cli_usage_error("synth", "more than %d datasets: --runs R is required", SYNTH_FULL_MAX);

    synth_structure st = SYNTH_DEFAULT;
    if (structure && !synth_structure_parse(structure, &st))
        return cli_usage_error("synth", "--structure must be default, synergy, additive, noise, harmful or sparse");
    if (structure && preset)
        return cli_usage_error("synth", "--structure goes with --datasets N, not --preset");
    cs_error err;
    synth_model *m = preset ? synth_model_preset(preset, (uint64_t)seed, &err)
                            : synth_model_structured((int)n, (uint64_t)seed, st, &err);
    if (!m)
        return cli_usage_error("synth", "%s", err.msg);
    combo_t *combos = NULL;
    uint64_t k = synth_combinations(m, (uint64_t)runs, &combos, &err);
    if (!k) {
        synth_model_free(m);
        return cli_usage_error("synth", "%s", err.msg);
    }
    synth_job job = {m, combos, k};
    bool ok = cli_write_output(output, write_synth, &job, &err);
    free(combos);
    synth_model_free(m);
    if (!ok) {
        cli_error(&err);
        return EXIT_INVALID;
    }
    return EXIT_OK;
}
