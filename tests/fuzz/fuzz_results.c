/* libFuzzer harness: results coming back (results_scan re-reading a study's table, which a job
 * launcher may have rewritten since the study was opened, and results_match against the
 * journal), as the explorer does after a table changed. The input is split at its first NUL
 * byte: the table, then the journal. */
#include "comboscope/journal.h"
#include "comboscope/queue.h"
#include "comboscope/results.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char res_csv_[] =
    "run,combination,dataset,task,f1\n"
    "r0001,NER_bc2gm,NER_bc2gm,NER,0.8\n"
    "r0002,NER_bc2gm+RE_DDI,NER_bc2gm,NER,0.81\n"
    "r0002,NER_bc2gm+RE_DDI,RE_DDI,RE,0.7\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static study *s;
    cs_error err;
    if (!s) {
        /* The sample datasets, with one table and a journal, opened once from a valid table. */
        static const char json[] =
            FUZZ_STUDY_HEAD "\"tables\":[\"res.csv\"],\"journal\":\"res.jsonl\"}\n";
        fuzz_write("res.csv", (const uint8_t *)res_csv_, sizeof res_csv_ - 1);
        const char *p = fuzz_write("res.json", (const uint8_t *)json, strlen(json));
        s = study_open(p, NULL, &err);
        if (!s) {
            fprintf(stderr, "fuzz_results: %s\n", err.msg);
            abort();
        }
    }
    const uint8_t *nul = memchr(data, 0, size);
    size_t a = nul ? (size_t)(nul - data) : size;
    fuzz_write("res.csv", data, a);
    const char *jp = fuzz_write("res.jsonl", nul ? nul + 1 : data + size, nul ? size - a - 1 : 0);
    results_rows *rows = results_scan(s, &err);
    journal *j = journal_open(jp, s, false, &err);
    if (rows && j) {
        result_match *m = NULL;
        cs_error warn;
        size_t n = results_match(j, rows, &m, &warn);
        results_matches_free(m, n);
        queue *q = queue_from_journal(j, rows, &warn);
        queue_free(q);
        for (size_t i = 0; i < j->n_runs; i++)
            (void)results_known(rows, j, j->runs[i].combo);
        char id[JOURNAL_RUN_MAX];
        queue_next_run_id(j, rows, id);
    }
    journal_free(j);
    results_rows_free(rows);
    return 0;
}
