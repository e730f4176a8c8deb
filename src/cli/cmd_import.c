/* comboscope import: convert other result layouts into the long format. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "comboscope/study_json.h"
#include "comboscope/table_import.h"
#include "comboscope/text.h"

static const char import_help[] =
    "usage: comboscope import FORMAT FILE... [--names A,B,...] -o OUT.csv\n\n"
    "Convert a result table in another layout into the long format\n"
    "(run,combination,dataset,METRIC...). Formats:\n"
    "  wide      FILE.csv: a 0/1 column per dataset (named by it) and score columns\n"
    "            DATASET:METRIC (e.g. A:f1); run, note, ... columns are carried over\n"
    "  mtgnet    MASKS GAINS: MTG-Net's headerless space-separated 0/1 mask file and its\n"
    "            gain file (0 outside the subset); metric column 'gain'; names t1, t2, ...\n"
    "  standley  RESULTS.txt: Standley et al.'s tab-separated per-task loss table; row 1\n"
    "            (a separate half-size baseline) is skipped, a blank cell = not in the\n"
    "            subset; metric column 'loss' (goal min); names s,d,n,k,e\n"
    "  tsv       FILE.tsv: a long-format table (combination, dataset, metrics...)\n"
    "            separated by tabs instead of commas\n\n"
    "  --names A,B,...   dataset names for the columns (mtgnet, standley)\n"
    "  -o, --output OUT  the file to write, atomically ('-' for standard output); then\n"
    "                    prints \"wrote OUT: N combinations, M rows\"\n"
    "  -h, --help        show this help\n"
    "  -V, --version     show the version\n";

typedef struct import_job {
    import_format fmt;
    const char *const *files;
    int n;
    const import_options *opt;
} import_job;

static bool write_import(void *ctx, FILE *fp, const char *display, cs_error *err)
{
    const import_job *j = ctx;
    return table_import(j->fmt, j->files, j->n, j->opt, fp, display, err);
}

int cmd_import(int argc, char **argv)
{
    static const cli_option opts[] = {
        {"names", 'n', "A,B,...", 0}, {"output", 'o', "OUT", 'o'}, {NULL, 0, NULL, 0},
    };
    const char *output = NULL;
    char *names = NULL;
    cli_args p;
    cli_args_init(&p, "import", import_help, opts, argc, argv);
    int c;
    while ((c = cli_next(&p)) > 0) {
        switch (c) {
        case 'n': names = (char *)p.value; break; /* an argv string: writable */
        case 'o': output = p.value; break;
        }
    }
    if (c == CLI_EXIT)
        return p.status;
    if (p.n_operands < 1)
        return cli_usage_error("import", "a FORMAT (wide, mtgnet, standley or tsv) is required");
    import_format fmt;
    if (!import_format_parse(p.operands[0], &fmt)) {
        char safe[64];
        return cli_usage_error("import", "unknown format '%s' (wide, mtgnet, standley or tsv)",
                               text_sanitize(p.operands[0], safe, sizeof safe));
    }
    const char *fname = p.operands[0];
    int lo, hi, n = p.n_operands - 1;
    import_format_files(fmt, &lo, &hi);
    if (n < lo || n > hi)
        return cli_usage_error("import", "%s takes %d file%s", fname, lo, lo == 1 ? "" : "s");
    if (!output)
        return cli_usage_error("import", "-o OUT.csv is required ('-o -' for standard output)");
    import_options opt = {0};
    cs_error err;
    if (names) {
        if (fmt == IMPORT_WIDE)
            return cli_usage_error("import", "--names is for mtgnet and standley (wide tables name their columns)");
        if (!import_parse_names(names, &opt, &err))
            return cli_usage_error("import", "--names: %s", err.msg);
    }
    import_job job = {fmt, (const char *const *)p.operands + 1, n, &opt};
    if (!cli_write_output(output, write_import, &job, &err)) {
        cli_error(&err);
        return EXIT_INVALID;
    }
    if (strcmp(output, "-") == 0)
        return EXIT_OK;
    /* Say what was written, as the reader sees it: the table is read back, which also proves
     * that it opens. */
    char safe[1024];
    text_sanitize(output, safe, sizeof safe);
    study *s = study_open(output, NULL, &err);
    if (!s) {
        fprintf(stderr, "wrote %s, but it does not read back: %s\n", safe, err.msg);
        return EXIT_INVALID;
    }
    char metric[256];
    printf("wrote %s: %zu combination%s, %zu row%s (%d datasets, metric %s)\n", safe, s->n_combos,
           s->n_combos == 1 ? "" : "s", s->n_rows, s->n_rows == 1 ? "" : "s", s->n_datasets,
           s->metric >= 0 ? text_sanitize(s->metrics[s->metric], metric, sizeof metric) : "-");
    study_free(s);
    return EXIT_OK;
}
