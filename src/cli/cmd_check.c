/* comboscope check: validate a study or a table and summarize it. */
#define _GNU_SOURCE
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "comboscope/journal.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"

static const char check_help[] =
    "usage: comboscope check [--json] [--metric NAME] [--goal max|min] PATH\n\n"
    "Validate a study file (with its tables and journal) or a result table and print a\n"
    "summary: datasets by task type, combinations, observations, metric and goal, and per\n"
    "target its baseline, best combination and gain. PATH is a study file, a study's directory\n"
    "(its study.json) or a result table. Exit status: 0 valid, 1 invalid, 2 usage error.\n\n"
    "  --json           print one JSON object instead of text\n"
    "  --metric NAME    use this metric column (default: the study's, else f1, else the first)\n"
    "  --goal max|min   whether higher or lower scores are better\n"
    "  -h, --help       show this help\n"
    "  -V, --version    show the version\n";

static void print_text(const study *s)
{
    char buf[1024], safe[1024], safe2[1024];
    printf("study         %s\n", text_sanitize(s->name ? s->name : "", safe, sizeof safe));
    printf("datasets      %d in %d task type%s\n", s->n_datasets, s->n_tasks, s->n_tasks == 1 ? "" : "s");
    for (int t = 0; t < s->n_tasks; t++) {
        printf("  %-10s", text_sanitize(s->tasks[t], safe, sizeof safe));
        for (int d = 0; d < s->n_datasets; d++)
            if (s->datasets[d].task == t)
                printf(" %s", text_sanitize(s->datasets[d].name, safe, sizeof safe));
        printf("\n");
    }
    printf("combinations  %zu measured of %llu\n", s->n_combos,
           (unsigned long long)combo_all(s->n_datasets));
    printf("observations  %zu (%zu rows)\n", s->n_obs, s->n_rows);
    printf("metric        %s (goal: %s)\n", text_sanitize(s->metrics[s->metric], safe, sizeof safe),
           s->goal == GOAL_MIN ? "min" : "max");
    printf("targets       %d\n", s->n_targets);
    printf("  %-18s %9s %9s %9s %8s  %s\n", "target", "baseline", "best", "gain", "runs", "best combination");
    for (int i = 0; i < s->n_targets; i++) {
        study_target_summary t;
        study_target_summarize(s, s->targets[i], &t);
        char base[32] = "-", best[32] = "-", gain[32] = "-";
        if (t.has_baseline)
            snprintf(base, sizeof base, "%.4f", t.baseline);
        if (t.has_best)
            snprintf(best, sizeof best, "%.4f", t.best);
        if (t.has_best && t.has_baseline)
            snprintf(gain, sizeof gain, "%+.4f", t.gain);
        printf("  %-18s %9s %9s %9s %8zu  %s\n",
               text_sanitize(s->datasets[t.target].name, safe, sizeof safe), base, best, gain,
               t.measured,
               t.has_best ? text_sanitize(study_combo_format(s, t.best_combo, buf, sizeof buf), safe2, sizeof safe2) : "-");
    }
}

static int print_json(const study *s)
{
    char buf[4096];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "study", s->name ? s->name : "");
    cJSON_AddNumberToObject(o, "datasets", s->n_datasets);
    cJSON_AddNumberToObject(o, "tasks", s->n_tasks);
    cJSON *tt = cJSON_AddArrayToObject(o, "task_types");
    for (int t = 0; t < s->n_tasks; t++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "task", s->tasks[t]);
        cJSON *ds = cJSON_AddArrayToObject(e, "datasets");
        for (int d = 0; d < s->n_datasets; d++)
            if (s->datasets[d].task == t)
                cJSON_AddItemToArray(ds, cJSON_CreateString(s->datasets[d].name));
        cJSON_AddItemToArray(tt, e);
    }
    cJSON_AddNumberToObject(o, "combinations", (double)s->n_combos);
    cJSON_AddNumberToObject(o, "observations", (double)s->n_obs);
    cJSON_AddNumberToObject(o, "rows", (double)s->n_rows);
    cJSON_AddStringToObject(o, "metric", s->metrics[s->metric]);
    cJSON_AddStringToObject(o, "goal", s->goal == GOAL_MIN ? "min" : "max");
    cJSON *targets = cJSON_AddArrayToObject(o, "targets");
    for (int i = 0; i < s->n_targets; i++) {
        study_target_summary t;
        study_target_summarize(s, s->targets[i], &t);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "target", s->datasets[t.target].name);
        if (t.has_baseline)
            cJSON_AddNumberToObject(e, "baseline", t.baseline);
        else
            cJSON_AddNullToObject(e, "baseline");
        if (t.has_best) {
            cJSON_AddNumberToObject(e, "best", t.best);
            cJSON_AddStringToObject(e, "best_combination", study_combo_format(s, t.best_combo, buf, sizeof buf));
        } else {
            cJSON_AddNullToObject(e, "best");
            cJSON_AddNullToObject(e, "best_combination");
        }
        if (t.has_best && t.has_baseline)
            cJSON_AddNumberToObject(e, "gain", t.gain);
        else
            cJSON_AddNullToObject(e, "gain");
        cJSON_AddNumberToObject(e, "measured", (double)t.measured);
        cJSON_AddNumberToObject(e, "lattice", (double)t.lattice);
        cJSON_AddItemToArray(targets, e);
    }
    return cli_json_print(o);
}

int cmd_check(int argc, char **argv)
{
    static const cli_option opts[] = {
        {"json", 'j', NULL, 0}, {"metric", 'm', "NAME", 0}, {"goal", 'g', "max|min", 0}, {NULL, 0, NULL, 0},
    };
    bool json = false;
    study_open_options opt = {0};
    cli_args p;
    cli_args_init(&p, "check", check_help, opts, argc, argv);
    int c;
    while ((c = cli_next(&p)) > 0) {
        switch (c) {
        case 'j': json = true; break;
        default:
            if (cli_study_option(&p, c, &opt) < 0)
                return EXIT_USAGE;
            break;
        }
    }
    if (c == CLI_EXIT)
        return p.status;
    if (cli_want_operands(&p, 1, 1, "PATH"))
        return EXIT_USAGE;
    cs_error err;
    study *s = study_open(p.operands[0], &opt, &err);
    if (!s) {
        cli_error(&err);
        return EXIT_INVALID;
    }
    /* The journal is part of the study: a bad line in it fails the check as a bad table row
     * would (a torn last line is only reported, as everywhere). */
    char *jpath = journal_path_of(s);
    if (jpath) {
        journal *j = journal_open(jpath, s, false, &err);
        free(jpath);
        if (!j) {
            cli_error(&err);
            study_free(s);
            return EXIT_INVALID;
        }
        if (j->warning[0])
            fprintf(stderr, "%s\n", j->warning);
        journal_free(j);
    }
    int rc = EXIT_OK;
    if (json)
        rc = print_json(s);
    else
        print_text(s);
    study_free(s);
    return rc;
}
