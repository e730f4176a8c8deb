/* comboscope export: what the Heatmaps, Lattice or Table view shows, all of it, as CSV (core:
 * export.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "comboscope/export.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"

static const char export_help[] =
    "usage: comboscope export heatmap|lattice|table [--target NAME] [-o FILE] STUDY\n\n"
    "Write what a view of the explorer shows, all of it, as CSV with one header row:\n"
    "  heatmap  target,task,aux,aux_task,pair_gain,marginal_gain,pairs,helped: every (target,\n"
    "           auxiliary) pair of datasets (--target: that target's row only);\n"
    "  lattice  combination,size,column,row,measured,score,gain,replicates,sd: every combination\n"
    "           that contains the target (the measured ones beyond 13 datasets), with its column\n"
    "           and row in the Lattice view's effect-ordered grid (--target, else the study's\n"
    "           first target);\n"
    "  table    combination,dataset,task,size,n,gain and one column per metric: every\n"
    "           observation (--target: that dataset's).\n"
    "Gains and scores are in the metric's own unit, empty where not measured. STUDY is a study\n"
    "file, its directory, or a result table; options may come anywhere, -- ends them.\n\n"
    "  -t, --target NAME  the target dataset\n"
    "  -o, --output FILE  write to FILE (replaced atomically) instead of stdout\n"
    "  -h, --help         show this help\n"
    "  -V, --version      show the version\n\n"
    "exit status: 0 written, 1 a bad study, an unknown target or a write error, 2 usage.\n";

typedef struct export_job {
    const study *s;
    export_kind kind;
    int target;
} export_job;

static bool write_export(void *ctx, FILE *fp, const char *display, cs_error *err)
{
    const export_job *job = ctx;
    if (export_csv(fp, job->s, job->kind, job->s->metric, job->target) < 0)
        return error_set(err, display, 0, 0, "cannot write the export");
    return true;
}

int cmd_export(int argc, char **argv)
{
    static const cli_option opts[] = {{"output", 'o', "FILE", 'o'}, {"target", 't', "NAME", 't'}, {NULL, 0, NULL, 0}};
    cli_args p;
    cli_args_init(&p, "export", export_help, opts, argc, argv);
    const char *output = "-", *target_name = NULL;
    int c;
    while ((c = cli_next(&p)) > 0) {
        if (c == 'o')
            output = p.value;
        else if (c == 't')
            target_name = p.value;
    }
    if (c == CLI_EXIT)
        return p.status;
    if (cli_want_operands(&p, 2, 2, p.n_operands ? "STUDY" : "WHAT to export (heatmap, lattice or table)"))
        return EXIT_USAGE;
    export_job job;
    if (!export_kind_parse(p.operands[0], &job.kind)) {
        char safe[128];
        return cli_usage_error("export", "'%s' is not heatmap, lattice or table",
                               text_sanitize(p.operands[0], safe, sizeof safe));
    }
    cs_error err;
    study *s = study_open(p.operands[1], NULL, &err);
    if (!s) {
        cli_error(&err);
        return EXIT_INVALID;
    }
    job.s = s;
    job.target = -1;
    if (target_name) {
        job.target = study_find_dataset(s, target_name);
        if (job.target < 0) {
            char safe[256], path[512];
            fprintf(stderr, "%s: no dataset named '%s'\n", text_sanitize(p.operands[1], path, sizeof path),
                    text_sanitize(target_name, safe, sizeof safe));
            study_free(s);
            return EXIT_INVALID;
        }
    } else if (job.kind == EXPORT_LATTICE) {
        job.target = s->n_targets ? s->targets[0] : 0;
    }
    int rc = EXIT_OK;
    char what[256], safe[512];
    if (strcmp(output, "-") != 0 && study_names_file(s, output, what, sizeof what)) {
        fprintf(stderr, "%s: is %s: the export would replace it; nothing written\n",
                text_sanitize(output, safe, sizeof safe), what);
        study_free(s);
        return EXIT_INVALID;
    }
    if (!cli_write_output(output, write_export, &job, &err)) {
        cli_error(&err);
        rc = EXIT_INVALID;
    }
    study_free(s);
    return rc;
}
