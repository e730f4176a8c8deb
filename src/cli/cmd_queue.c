/* comboscope queue: the approved runs not yet measured. */
#define _GNU_SOURCE
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "comboscope/journal.h"
#include "comboscope/queue.h"
#include "comboscope/results.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"

static const char queue_help[] =
    "usage: comboscope queue [--json] STUDY\n\n"
    "Print the approved runs not yet measured: runs the study's journal has queued that have\n"
    "no result in the journal and no matching rows in the study's tables. Read-only: nothing\n"
    "is written. STUDY is the study file or its directory. A torn last journal line (a crash mid-write) is reported on stderr and skipped.\n\n"
    "  --json           print one JSON object {\"study\", \"runs\": [...]} instead of a table\n"
    "  -h, --help       show this help\n"
    "  -V, --version    show the version\n";

static void print_text(const study *s, const queue *q)
{
    char safe[1024], tsafe[256], dsafe[256];
    size_t cap = (size_t)s->n_datasets * 258 + 1;
    char *combo = xmalloc(cap);
    if (q->n == 0)
        printf("no approved runs waiting for results\n");
    else
        printf("%-10s %5s  %-20s  %-20s  %s\n", "run", "round", "approved", "target", "combination");
    for (size_t i = 0; i < q->n; i++) {
        const queue_entry *e = &q->entries[i];
        printf("%-10s %5d  %-20s  %-20s  %s\n", e->run, e->round,
               text_sanitize(e->approved, tsafe, sizeof tsafe),
               e->target >= 0 ? text_sanitize(s->datasets[e->target].name, dsafe, sizeof dsafe) : "-",
               text_sanitize(study_combo_format(s, e->combo, combo, cap), safe, sizeof safe));
    }
    free(combo);
}

static int print_json(const study *s, const queue *q)
{
    size_t cap = (size_t)s->n_datasets * 258 + 1;
    char *combo = xmalloc(cap);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "study", s->name ? s->name : "");
    cJSON *runs = cJSON_AddArrayToObject(o, "runs");
    for (size_t i = 0; i < q->n; i++) {
        const queue_entry *e = &q->entries[i];
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "run", e->run);
        cJSON_AddStringToObject(r, "combination", study_combo_format(s, e->combo, combo, cap));
        cJSON_AddNumberToObject(r, "round", e->round);
        if (e->target >= 0)
            cJSON_AddStringToObject(r, "target", s->datasets[e->target].name);
        else
            cJSON_AddNullToObject(r, "target");
        cJSON_AddStringToObject(r, "approved", e->approved);
        cJSON_AddItemToArray(runs, r);
    }
    free(combo);
    return cli_json_print(o);
}

int cmd_queue(int argc, char **argv)
{
    static const cli_option opts[] = {{"json", 'j', NULL, 0}, {NULL, 0, NULL, 0}};
    bool json = false;
    cli_args p;
    int rc0 = cli_parse_switch(&p, "queue", queue_help, opts, argc, argv, &json, 1, 1, "STUDY");
    if (rc0 >= 0)
        return rc0;
    cs_error err;
    char *jpath;
    study *s = cli_study_with_journal(p.operands[0], " (a study file with a \"journal\" key is needed)", &jpath);
    if (!s)
        return EXIT_INVALID;
    int rc = EXIT_INVALID;
    results_rows *rows = NULL;
    queue *q = NULL;
    journal *j = journal_open(jpath, s, false, &err);
    if (!j) {
        cli_error(&err);
        goto out;
    }
    if (j->warning[0])
        fprintf(stderr, "%s\n", j->warning);
    rows = results_scan(s, &err);
    if (!rows) {
        cli_error(&err);
        goto out;
    }
    cs_error warning;
    q = queue_from_journal(j, rows, &warning);
    if (warning.msg[0])
        fprintf(stderr, "%s\n", warning.msg);
    if (json)
        rc = print_json(s, q);
    else {
        print_text(s, q);
        rc = EXIT_OK;
    }
out:
    queue_free(q);
    results_rows_free(rows);
    journal_free(j);
    free(jpath);
    study_free(s);
    return rc;
}
