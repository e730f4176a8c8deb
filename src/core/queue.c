#include "comboscope/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/csv_rows.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"

static const char *const queue_columns[] = {"run", "combination", "round", "target", "approved"};
#define QUEUE_N_COLUMNS 5

static void add_entry(queue *q, const queue_entry *e)
{
    q->entries = xrealloc(q->entries, (q->n + 1) * sizeof *q->entries);
    q->entries[q->n++] = *e;
}

queue *queue_from_journal(const journal *j, const results_rows *rows, cs_error *warning)
{
    if (warning)
        warning->msg[0] = '\0';
    queue *q = xcalloc(1, sizeof *q);
    bool *answered = xcalloc(j->n_runs + 1, sizeof *answered);
    if (rows) {
        result_match *m;
        size_t n = results_match(j, rows, &m, warning);
        for (size_t i = 0; i < n; i++)
            answered[m[i].run] = true;
        results_matches_free(m, n);
    }
    for (size_t i = 0; i < j->n_runs; i++) {
        const journal_run *run = &j->runs[i];
        if (!journal_run_waiting(run) || answered[i])
            continue;
        queue_entry e;
        memset(&e, 0, sizeof e);
        snprintf(e.run, sizeof e.run, "%s", run->id);
        e.combo = run->combo;
        e.round = run->round;
        e.target = run->target;
        snprintf(e.approved, sizeof e.approved, "%s", j->events[run->queued_event].time);
        add_entry(q, &e);
    }
    free(answered);
    return q;
}

void queue_free(queue *q)
{
    if (!q)
        return;
    free(q->entries);
    free(q);
}

char *queue_format_csv(const queue *q, const study *s, size_t *len)
{
    csv_buf b = {0};
    for (int c = 0; c < QUEUE_N_COLUMNS; c++)
        csv_buf_field(&b, queue_columns[c], c == 0);
    csv_buf_add(&b, "\n", 1);
    size_t cap = (size_t)s->n_datasets * 258 + 1;
    char *combo = xmalloc(cap);
    for (size_t i = 0; i < q->n; i++) {
        const queue_entry *e = &q->entries[i];
        char round[24];
        snprintf(round, sizeof round, "%d", e->round);
        csv_buf_field(&b, e->run, true);
        csv_buf_field(&b, study_combo_format(s, e->combo, combo, cap), false);
        csv_buf_field(&b, round, false);
        csv_buf_field(&b, e->target >= 0 ? s->datasets[e->target].name : "", false);
        csv_buf_field(&b, e->approved, false);
        csv_buf_add(&b, "\n", 1);
    }
    free(combo);
    *len = b.len;
    return b.data;
}

bool queue_write(const queue *q, const study *s, const char *path, cs_error *err)
{
    size_t len;
    char *text = queue_format_csv(q, s, &len);
    bool ok = file_write_atomic(path, text, len, err);
    free(text);
    return ok;
}

typedef struct read_ctx {
    const study *s;
    const char *file;
    queue *q;
    bool header;
} read_ctx;

static bool read_row(const char *const *f, int n, long line, void *p, cs_error *err)
{
    read_ctx *c = p;
    char safe[128];
    if (!c->header) {
        c->header = true;
        if (n != QUEUE_N_COLUMNS)
            return error_set(err, c->file, line, 0, "not a queue file: expected the header run,combination,round,target,approved");
        for (int i = 0; i < n; i++)
            if (!f[i] || strcmp(f[i], queue_columns[i]) != 0)
                return error_set(err, c->file, line, 0, "not a queue file: expected the header run,combination,round,target,approved");
        return true;
    }
    if (n != QUEUE_N_COLUMNS)
        return error_set(err, c->file, line, 0, "ragged row: %d fields where the header has %d", n, QUEUE_N_COLUMNS);
    queue_entry e;
    memset(&e, 0, sizeof e);
    if (!f[0] || strlen(f[0]) >= sizeof e.run)
        return error_set(err, c->file, line, 0, "bad run id");
    snprintf(e.run, sizeof e.run, "%s", f[0]);
    char bad[256];
    if (!f[1] || !study_combo_parse(c->s, f[1], &e.combo, bad, sizeof bad))
        return error_set(err, c->file, line, 0, "combination: %s", f[1] ? bad : "empty");
    char *end;
    long r = f[2] ? strtol(f[2], &end, 10) : 0;
    if (!f[2] || *end || r < 1 || r > 1000000000)
        return error_set(err, c->file, line, 0, "round must be a whole number from 1");
    e.round = (int)r;
    e.target = -1;
    if (f[3] && f[3][0] && (e.target = study_find_dataset(c->s, f[3])) < 0)
        return error_set(err, c->file, line, 0, "target \"%s\" is not in the study", text_sanitize(f[3], safe, sizeof safe));
    snprintf(e.approved, sizeof e.approved, "%s", f[4] ? f[4] : "");
    add_entry(c->q, &e);
    return true;
}

queue *queue_read(const char *path, const study *s, cs_error *err)
{
    read_ctx c = {.s = s, .file = path, .q = xcalloc(1, sizeof(queue))};
    if (!csv_each_row(path, NULL, read_row, &c, err)) {
        queue_free(c.q);
        return NULL;
    }
    if (!c.header) {
        error_set(err, path, 0, 0, "empty file (expected the queue header)");
        queue_free(c.q);
        return NULL;
    }
    return c.q;
}

char *queue_path_of(const study *s)
{
    if (!s->queue || !s->queue[0])
        return NULL;
    return path_join(s->dir, s->queue);
}

/* The number of an "rNNNN" id, or 0. */
static long run_number(const char *id)
{
    if (id[0] != 'r' || id[1] < '0' || id[1] > '9')
        return 0;
    char *end;
    long v = strtol(id + 1, &end, 10);
    return *end || v < 0 || v > 999999999 ? 0 : v;
}

void queue_next_run_id(const journal *j, const results_rows *rows, char out[JOURNAL_RUN_MAX])
{
    /* Past every rNNNN id of the journal and of the tables (seed runs are often r0001...). */
    long max = 0;
    for (size_t i = 0; i < j->n_runs; i++)
        if (run_number(j->runs[i].id) > max)
            max = run_number(j->runs[i].id);
    for (size_t i = 0; rows && i < rows->n; i++)
        if (run_number(rows->rows[i].run) > max)
            max = run_number(rows->rows[i].run);
    for (long v = max + 1;; v++) {
        snprintf(out, JOURNAL_RUN_MAX, "r%04ld", v);
        if (!results_has_run_id(rows, out) && !journal_run_find(j, out))
            return;
    }
}

bool queue_commit_round(journal *j, int round, const results_rows *rows, cs_error *err)
{
    const journal_round *r = journal_round_find(j, round);
    if (!r)
        return error_set(err, j->path, 0, 0, "round %d has no suggestions to commit", round);
    if (r->committed)
        return error_set(err, j->path, 0, 0, "round %d is already committed", round);
    results_rows *scanned = NULL;
    if (!rows) {
        /* `known` must count what the tables hold now, or old rows would answer new runs. */
        scanned = results_scan(j->study, err);
        if (!scanned)
            return false;
        rows = scanned;
    }
    /* Work on a copy: appending reallocates the journal's arrays. */
    size_t n = r->n_suggestions;
    journal_suggestion *sg = xmalloc((n + 1) * sizeof *sg);
    memcpy(sg, r->suggestions, n * sizeof *sg);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        combo_t c = sg[i].decision == DECISION_ACCEPTED     ? sg[i].combo
                    : sg[i].decision == DECISION_OVERRIDDEN ? sg[i].replacement
                                                            : 0;
        if (!c)
            continue;
        bool already = false;
        r = journal_round_find(j, round);
        for (size_t k = 0; k < r->n_runs; k++)
            already |= j->runs[r->runs[k]].combo == c && !j->runs[r->runs[k]].withdrawn;
        if (already)
            continue;
        /* the run names a target it serves: a joint round's override may serve other targets
         * than the suggestion's */
        int target = sg[i].target;
        for (int d = 0; target >= 0 && !combo_has(c, target) && d < COMBO_MAX_DATASETS; d++)
            if (combo_has(r->targets & c, d))
                target = d;
        char id[JOURNAL_RUN_MAX];
        queue_next_run_id(j, rows, id);
        ok = journal_append_queued(j, round, target, id, c, results_known(rows, j, c), err);
    }
    /* Open suggestions are recorded as left open, never dropped silently (once each: a commit
     * interrupted and resumed does not record them twice). */
    for (size_t i = 0; i < n && ok; i++) {
        if (sg[i].decision != DECISION_NONE)
            continue;
        bool recorded = false;
        r = journal_round_find(j, round);
        for (size_t k = 0; k < r->n_left_open && !recorded; k++)
            recorded = j->events[r->left_open[k]].combo == sg[i].combo;
        if (!recorded)
            ok = journal_append_left_open(j, round, sg[i].target, sg[i].combo, err);
    }
    free(sg);
    results_rows_free(scanned);
    ok = ok && journal_append_committed(j, round, err);
    return ok && queue_sync(j, err);
}

bool queue_withdraw(journal *j, const char *run, cs_error *err)
{
    return journal_append_withdrawn(j, run, err) && queue_sync(j, err);
}

bool queue_uncommit_round(journal *j, int round, cs_error *err)
{
    return journal_append_uncommitted(j, round, err) && queue_sync(j, err);
}

bool queue_sync(const journal *j, cs_error *err)
{
    char *path = queue_path_of(j->study);
    if (!path)
        return true;
    queue *q = queue_from_journal(j, NULL, NULL);
    bool ok = queue_write(q, j->study, path, err);
    queue_free(q);
    free(path);
    return ok;
}

bool queue_collect_results(journal *j, size_t *recorded, cs_error *warning, cs_error *err)
{
    *recorded = 0;
    results_rows *rows = results_scan(j->study, err);
    if (!rows)
        return false;
    result_match *m;
    size_t n = results_match(j, rows, &m, warning);
    bool ok = results_record(j, m, n, recorded, err);
    results_matches_free(m, n);
    results_rows_free(rows);
    return ok && queue_sync(j, err);
}
