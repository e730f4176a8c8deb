#include "comboscope/results.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "comboscope/csv_rows.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "comboscope/fileio.h"

/* --- scanning the tables ------------------------------------------------------------------ */

typedef struct scan_ctx {
    const study *s;
    results_rows *out;
    int table;
    const char *file;
    bool header_seen;
    int c_combination, c_dataset, c_run, c_metric;
} scan_ctx;

static char *trim(char *t)
{
    while (*t == ' ' || *t == '\t')
        t++;
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r'))
        t[--n] = '\0';
    return t;
}

static bool scan_row(const char *const *f, int n, long line, void *p, cs_error *err)
{
    scan_ctx *c = p;
    const study *s = c->s;
    if (!c->header_seen) {
        c->header_seen = true;
        c->c_combination = c->c_dataset = c->c_run = c->c_metric = -1;
        for (int i = 0; i < n; i++) {
            const char *name = f[i] ? f[i] : "";
            if (strcasecmp(name, "combination") == 0)
                c->c_combination = i;
            else if (strcasecmp(name, "dataset") == 0)
                c->c_dataset = i;
            else if (strcasecmp(name, "run") == 0)
                c->c_run = i;
            else if (strcmp(name, s->metrics[s->metric]) == 0)
                c->c_metric = i;
        }
        if (c->c_combination < 0 || c->c_dataset < 0)
            return error_set(err, c->file, line, 0, "missing required column \"%s\"",
                             c->c_combination < 0 ? "combination" : "dataset");
        return true;
    }
    int need = c->c_combination > c->c_dataset ? c->c_combination : c->c_dataset;
    if (c->c_run > need)
        need = c->c_run;
    if (c->c_metric > need)
        need = c->c_metric;
    if (n <= need)
        return error_set(err, c->file, line, 0, "ragged row: %d fields", n);
    if (!f[c->c_combination] || !f[c->c_dataset])
        return error_set(err, c->file, line, 0, "empty combination or dataset");
    result_row row;
    memset(&row, 0, sizeof row);
    row.table = c->table;
    row.line = line;
    char bad[256], safe[128];
    if (!study_combo_parse(s, f[c->c_combination], &row.combo, bad, sizeof bad))
        return error_set(err, c->file, line, 0, "combination: %s", bad);
    char *dname = text_dup(f[c->c_dataset]);
    row.dataset = study_find_dataset(s, trim(dname));
    if (row.dataset < 0 || !combo_has(row.combo, row.dataset)) {
        error_set(err, c->file, line, 0, "dataset \"%s\" is not a member of the combination",
                  text_sanitize(trim(dname), safe, sizeof safe));
        free(dname);
        return false;
    }
    free(dname);
    if (c->c_run >= 0 && f[c->c_run]) {
        char *r = text_dup(f[c->c_run]);
        snprintf(row.run, sizeof row.run, "%s", trim(r));
        free(r);
    }
    if (c->c_metric >= 0 && f[c->c_metric]) {
        int ok = text_parse_double(f[c->c_metric], &row.value);
        if (ok != TEXT_NUMBER_OK)
            return error_set(err, c->file, line, 0, "%s: \"%s\" %s", s->metrics[s->metric],
                             text_sanitize(f[c->c_metric], safe, sizeof safe), text_number_problem(ok));
        row.has_value = true;
    }
    results_rows *o = c->out;
    o->rows = xrealloc(o->rows, (o->n + 1) * sizeof *o->rows);
    o->rows[o->n++] = row;
    return true;
}

results_rows *results_scan(const study *s, cs_error *err)
{
    results_rows *out = xcalloc(1, sizeof *out);
    if (s->metric < 0) {
        error_set(err, s->path, 0, 0, "no metric chosen");
        results_rows_free(out);
        return NULL;
    }
    for (int t = 0; t < s->n_tables; t++) {
        char *full = path_join(s->dir, s->tables[t]);
        scan_ctx c = {.s = s, .out = out, .table = t, .file = full};
        bool ok = csv_each_row(full, NULL, scan_row, &c, err);
        free(full);
        if (!ok) {
            results_rows_free(out);
            return NULL;
        }
    }
    return out;
}

void results_rows_free(results_rows *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r);
}

bool results_has_run_id(const results_rows *r, const char *id)
{
    for (size_t i = 0; r && i < r->n; i++)
        if (strcmp(r->rows[i].run, id) == 0)
            return true;
    return false;
}

/* --- matching ------------------------------------------------------------------------------ */

static bool claimed(const result_row *row, const journal *j)
{
    return row->run[0] && journal_run_find(j, row->run) != NULL;
}

int results_known(const results_rows *r, const journal *j, combo_t c)
{
    if (!r)
        return 0;
    int best = -1;
    for (int d = 0; d < COMBO_MAX_DATASETS; d++) {
        if (!combo_has(c, d))
            continue;
        int k = 0;
        for (size_t x = 0; x < r->n; x++) {
            const result_row *row = &r->rows[x];
            k += row->combo == c && row->dataset == d && row->has_value && !claimed(row, j);
        }
        if (best < 0 || k < best)
            best = k;
    }
    return best < 0 ? 0 : best;
}

/* combination -> highest replicate taken (a small open-addressing map; 0 is never a key). */
typedef struct combo_map {
    combo_t *keys;
    int *vals;
    size_t cap;
} combo_map;

static int *combo_map_at(combo_map *m, combo_t c)
{
    size_t mask = m->cap - 1;
    size_t h = (size_t)((c * 0x9E3779B97F4A7C15u) >> 17) & mask;
    while (m->keys[h] && m->keys[h] != c)
        h = (h + 1) & mask;
    if (!m->keys[h]) {
        m->keys[h] = c;
        m->vals[h] = -1;
    }
    return &m->vals[h];
}

typedef struct row_ref {
    combo_t combo;
    size_t index;
} row_ref;

static int row_ref_cmp(const void *a, const void *b)
{
    const row_ref *x = a, *y = b;
    if (x->combo != y->combo)
        return x->combo < y->combo ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The rows of combination c, in table order: [*lo, *hi) of refs. */
static void rows_of(const row_ref *refs, size_t n, combo_t c, size_t *lo, size_t *hi)
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t mid = (a + b) / 2;
        if (refs[mid].combo < c)
            a = mid + 1;
        else
            b = mid;
    }
    *lo = a;
    while (a < n && refs[a].combo == c)
        a++;
    *hi = a;
}

size_t results_match(const journal *j, const results_rows *rows, result_match **out, cs_error *warning)
{
    const study *s = j->study;
    size_t n = 0;
    *out = NULL;
    if (warning)
        warning->msg[0] = '\0';
    /* Rows claimed by a journaled run id; the first one with the wrong combination is reported. */
    bool *taken = xcalloc(rows->n + 1, sizeof *taken);
    for (size_t x = 0; x < rows->n; x++) {
        const result_row *row = &rows->rows[x];
        const journal_run *run = row->run[0] ? journal_run_find(j, row->run) : NULL;
        taken[x] = run != NULL;
        if (run && run->combo != row->combo && warning && !warning->msg[0]) {
            char want[200];
            char *file = path_join(s->dir, s->tables[row->table]);
            error_set(warning, file, row->line, 0, "run %s was queued as %s; this row names another combination (ignored)",
                      row->run, study_combo_format(s, run->combo, want, sizeof want));
            free(file);
        }
    }
    /* Rows by combination (each combination's rows in table order), so that each run looks
     * at its own combination's rows only. */
    row_ref *refs = xmalloc((rows->n + 1) * sizeof *refs);
    for (size_t x = 0; x < rows->n; x++)
        refs[x] = (row_ref){rows->rows[x].combo, x};
    qsort(refs, rows->n, sizeof *refs, row_ref_cmp);
    /* The highest replicate each combination's results took, journaled or in this pass. */
    combo_map used = {0};
    used.cap = 64;
    while (used.cap < 2 * (j->n_runs + 1))
        used.cap *= 2;
    used.keys = xcalloc(used.cap, sizeof *used.keys);
    used.vals = xcalloc(used.cap, sizeof *used.vals);
    for (size_t i = 0; i < j->n_runs; i++) {
        const journal_run *run = &j->runs[i];
        int *u = combo_map_at(&used, run->combo);
        if (run->has_result && j->events[run->result_event].replicate > *u)
            *u = j->events[run->result_event].replicate;
    }
    for (size_t q = 0; q < j->n_runs; q++) {
        const journal_run *run = &j->runs[q];
        if (!journal_run_waiting(run))
            continue;
        double *scores = xmalloc((size_t)(s->n_datasets ? s->n_datasets : 1) * sizeof *scores);
        for (int d = 0; d < s->n_datasets; d++)
            scores[d] = NAN;
        size_t lo, hi;
        rows_of(refs, rows->n, run->combo, &lo, &hi);
        bool by_id = false, complete = true;
        for (size_t k = lo; k < hi; k++) {
            const result_row *row = &rows->rows[refs[k].index];
            if (strcmp(row->run, run->id) != 0)
                continue;
            by_id = true;
            if (row->has_value && isnan(scores[row->dataset]))
                scores[row->dataset] = row->value;
        }
        int replicate = -1;
        int *u = combo_map_at(&used, run->combo);
        if (!by_id) {
            replicate = run->known > *u + 1 ? run->known : *u + 1;
            /* member d's replicate-th unclaimed row with a value */
            int seen[COMBO_MAX_DATASETS] = {0};
            for (size_t k = lo; k < hi; k++) {
                const result_row *row = &rows->rows[refs[k].index];
                if (taken[refs[k].index] || !row->has_value)
                    continue;
                if (seen[row->dataset]++ == replicate)
                    scores[row->dataset] = row->value;
            }
        }
        for (int d = 0; d < s->n_datasets; d++)
            if (combo_has(run->combo, d) && isnan(scores[d]))
                complete = false;
        if (!complete) {
            free(scores);
            continue;
        }
        if (!by_id)
            *u = replicate;
        if ((n & (n - 1)) == 0) /* capacity doubles at powers of two */
            *out = xrealloc(*out, (n ? 2 * n : 1) * sizeof **out);
        (*out)[n].run = q;
        (*out)[n].scores = scores;
        (*out)[n].replicate = replicate;
        n++;
    }
    free(used.keys);
    free(used.vals);
    free(refs);
    free(taken);
    return n;
}

void results_matches_free(result_match *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(m[i].scores);
    free(m);
}

bool results_record(journal *j, const result_match *m, size_t n, size_t *recorded, cs_error *err)
{
    if (recorded)
        *recorded = 0;
    for (size_t i = 0; i < n; i++) {
        /* Copy what we need: appending may move j->runs. */
        journal_run run = j->runs[m[i].run];
        if (!journal_append_result(j, run.round, run.target, run.id, run.combo, m[i].scores,
                                   m[i].replicate, err))
            return false;
        if (recorded)
            (*recorded)++;
    }
    return true;
}

/* --- the oracle ---------------------------------------------------------------------------- */

typedef struct header_ctx {
    char **names;
    int n;
} header_ctx;

static bool header_row(const char *const *f, int n, long line, void *p, cs_error *err)
{
    (void)line;
    (void)err;
    header_ctx *h = p;
    h->names = xcalloc((size_t)n + 1, sizeof *h->names);
    for (int i = 0; i < n; i++)
        h->names[i] = text_dup(f[i] ? f[i] : "");
    h->n = n;
    return false; /* the header is all we want */
}

static char *read_file(const char *path, size_t *len, cs_error *err)
{
    FILE *f = file_fopen_read(path, NULL, err);
    if (!f)
        return NULL;
    csv_buf b = {0};
    char chunk[1 << 15];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        csv_buf_add(&b, chunk, k);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b.data);
        return error_set(err, path, 0, 0, "read error"), NULL;
    }
    if (!b.data)
        csv_buf_add(&b, "", 0);
    *len = b.len;
    return b.data;
}

/* Rows appended to the study's first table: its header, its text so far, the new rows. */
typedef struct table_append {
    char *table;
    header_ctx h;
    char *text;
    size_t len;
    csv_buf add;
    const char *eol;
} table_append;

static bool append_begin(const study *s, table_append *t, cs_error *err)
{
    memset(t, 0, sizeof *t);
    if (s->n_tables < 1)
        return error_set(err, s->path, 0, 0, "the study names no table to write results to");
    /* Results are written into the study's directory only (fileio.h). */
    char why[160], safe[200];
    if (s->json && !file_path_confined(s->dir, s->tables[0], why, sizeof why))
        return error_set(err, s->path, 0, 0, "table \"%s\" %s: results are not appended to it",
                         text_sanitize(s->tables[0], safe, sizeof safe), why);
    t->table = path_join(s->dir, s->tables[0]);
    cs_error ignore;
    if (!csv_each_row(t->table, NULL, header_row, &t->h, &ignore) && !t->h.names)
        return error_set(err, t->table, 0, 0, "cannot read the header of the table");
    t->text = read_file(t->table, &t->len, err);
    if (!t->text)
        return false;
    /* Keep the file's own line ends, and never glue a row onto an unfinished last line. */
    t->eol = strstr(t->text, "\r\n") ? "\r\n" : "\n";
    if (t->len && t->text[t->len - 1] != '\n')
        csv_buf_add(&t->add, t->eol, strlen(t->eol));
    return true;
}

/* append_begin for scores of the study's metric: the table must have its column. */
static bool append_begin_scores(const study *s, table_append *t, cs_error *err)
{
    if (!append_begin(s, t, err))
        return false;
    for (int c = 0; c < t->h.n; c++)
        if (strcmp(t->h.names[c], s->metrics[s->metric]) == 0)
            return true;
    return error_set(err, t->table, 1, 0, "the table has no \"%s\" column to hold the scores", s->metrics[s->metric]);
}

static void format_number(double v, char num[64])
{
    /* the shortest text that reads back as the same number */
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(num, 64, "%.*g", prec, v);
        if (strtod(num, NULL) == v)
            break;
    }
}

/* Fills a metric column's cell of the row of dataset d: NULL leaves it empty. */
typedef const char *(*metric_cell_fn)(void *ctx, const char *column, int d, char num[64]);

static void append_row(table_append *t, const study *s, const journal_run *run, int d,
                       const char *origin, metric_cell_fn cell, void *ctx)
{
    size_t cap = (size_t)s->n_datasets * 258 + 1;
    char *combo = xmalloc(cap);
    study_combo_format(s, run->combo, combo, cap);
    for (int c = 0; c < t->h.n; c++) {
        const char *col = t->h.names[c];
        char num[64];
        const char *v = NULL;
        if (strcasecmp(col, "run") == 0)
            v = run->id;
        else if (strcasecmp(col, "combination") == 0)
            v = combo;
        else if (strcasecmp(col, "dataset") == 0)
            v = s->datasets[d].name;
        else if (strcasecmp(col, "task") == 0)
            v = s->tasks[s->datasets[d].task];
        else if (strcasecmp(col, "origin") == 0)
            v = origin;
        else
            v = cell(ctx, col, d, num);
        csv_buf_field(&t->add, v ? v : "", c == 0);
    }
    csv_buf_add(&t->add, t->eol, strlen(t->eol));
    free(combo);
}

static bool append_commit(table_append *t, cs_error *err)
{
    csv_buf all = {0};
    csv_buf_add(&all, t->text, t->len);
    csv_buf_add(&all, t->add.data, t->add.len);
    bool ok = file_write_atomic(t->table, all.data, all.len, err);
    free(all.data);
    return ok;
}

static void append_done(table_append *t)
{
    for (int i = 0; i < t->h.n; i++)
        free(t->h.names[i]);
    free(t->h.names);
    free(t->text);
    free(t->add.data);
    free(t->table);
}

typedef struct oracle_ctx {
    const study *s, *complete;
    combo_t cc; /* the run's combination in the complete table's datasets */
} oracle_ctx;

static const char *oracle_cell(void *p, const char *column, int d, char num[64])
{
    oracle_ctx *o = p;
    int m = study_find_metric(o->complete, column);
    int e = study_find_dataset(o->complete, o->s->datasets[d].name);
    const study_stat *st = m >= 0 && e >= 0 ? study_stat_of(o->complete, o->cc, e, m) : NULL;
    if (!st)
        return NULL;
    format_number(st->mean, num);
    return num;
}

bool oracle_answer(const study *s, const journal *j, const char *complete_path, size_t *answered,
                   cs_error *err)
{
    *answered = 0;
    if (s->n_tables < 1)
        return error_set(err, s->path, 0, 0, "the study names no table to write results to");
    /* Runs the tables already answer need no oracle. */
    results_rows *rows = results_scan(s, err);
    if (!rows)
        return false;
    result_match *m;
    size_t nm = results_match(j, rows, &m, NULL);
    bool *done = xcalloc(j->n_runs + 1, sizeof *done);
    for (size_t i = 0; i < nm; i++)
        done[m[i].run] = true;
    results_matches_free(m, nm);
    results_rows_free(rows);

    size_t open = 0;
    for (size_t q = 0; q < j->n_runs; q++)
        open += journal_run_waiting(&j->runs[q]) && !done[q];
    if (open == 0) {
        free(done);
        return true;
    }
    table_append t;
    study *complete = study_open(complete_path, NULL, err);
    bool ok = complete && append_begin(s, &t, err);
    char combo_text[64 * 258], safe[256];
    oracle_ctx o = {.s = s, .complete = complete};
    int cm = complete ? study_find_metric(complete, s->metrics[s->metric]) : -1;
    for (size_t q = 0; q < j->n_runs && ok; q++) {
        const journal_run *run = &j->runs[q];
        if (!journal_run_waiting(run) || done[q])
            continue;
        /* Names map the study's datasets onto the complete table's. */
        o.cc = 0;
        for (int d = 0; d < s->n_datasets && ok; d++) {
            if (!combo_has(run->combo, d))
                continue;
            int e = study_find_dataset(complete, s->datasets[d].name);
            if (e < 0)
                ok = error_set(err, complete_path, 0, 0, "dataset \"%s\" is not in the complete table",
                               text_sanitize(s->datasets[d].name, safe, sizeof safe));
            else
                o.cc |= combo_single(e);
        }
        study_combo_format(s, run->combo, combo_text, sizeof combo_text);
        for (int d = 0; d < s->n_datasets && ok; d++) {
            if (!combo_has(run->combo, d))
                continue;
            int e = study_find_dataset(complete, s->datasets[d].name);
            if (cm < 0 || !study_stat_of(complete, o.cc, e, cm)) {
                ok = error_set(err, complete_path, 0, 0, "no %s for %s on %s: the oracle table is not complete",
                               s->metrics[s->metric], text_sanitize(combo_text, safe, sizeof safe),
                               s->datasets[d].name);
                break;
            }
            append_row(&t, s, run, d, "oracle", oracle_cell, &o);
        }
        if (ok)
            (*answered)++;
    }
    if (ok)
        ok = append_commit(&t, err);
    if (!ok)
        *answered = 0;
    if (complete)
        append_done(&t);
    free(done);
    study_free(complete);
    return ok;
}

typedef struct manual_ctx {
    const study *s;
    const double *scores;
} manual_ctx;

static const char *manual_cell(void *p, const char *column, int d, char num[64])
{
    manual_ctx *mc = p;
    if (strcmp(column, mc->s->metrics[mc->s->metric]) != 0)
        return NULL;
    format_number(mc->scores[d], num);
    return num;
}

bool results_enter(const study *s, const journal *j, const char *run_id, const double *scores,
                   cs_error *err)
{
    const journal_run *run = journal_run_find(j, run_id);
    if (!run)
        return error_set(err, j->path, 0, 0, "no run %s in the journal", run_id);
    if (run->has_result)
        return error_set(err, j->path, 0, 0, "run %s already has a result", run_id);
    if (run->withdrawn)
        return error_set(err, j->path, 0, 0, "run %s was withdrawn", run_id);
    for (int d = 0; d < s->n_datasets; d++)
        if (combo_has(run->combo, d) && !isfinite(scores[d]))
            return error_set(err, NULL, 0, 0, "run %s needs a score for %s", run_id, s->datasets[d].name);
    table_append t;
    /* Without a run column the rows match by combination, as a new replicate. */
    bool ok = append_begin_scores(s, &t, err);
    manual_ctx mc = {.s = s, .scores = scores};
    for (int d = 0; ok && d < s->n_datasets; d++)
        if (combo_has(run->combo, d))
            append_row(&t, s, run, d, "manual", manual_cell, &mc);
    ok = ok && append_commit(&t, err);
    append_done(&t);
    return ok;
}

/* The result file's own rows, as text: what the table has a column for but the reader keeps
 * no number of (seed, iteration, status, note, timestamp, ...) is carried from them. */
typedef struct result_text {
    char **names;
    int n;
    char ***rows; /* rows[i][c], n fields each ("" when the row is short) */
    size_t n_rows;
} result_text;

static bool result_text_row(const char *const *f, int n, long line, void *p, cs_error *err)
{
    (void)line;
    (void)err;
    result_text *rt = p;
    if (!rt->names) {
        rt->names = xcalloc((size_t)n + 1, sizeof *rt->names);
        for (int i = 0; i < n; i++) {
            char *t = text_dup(f[i] ? f[i] : "");
            rt->names[i] = text_dup(trim(t));
            free(t);
        }
        rt->n = n;
        return true;
    }
    char **row = xcalloc((size_t)rt->n + 1, sizeof *row);
    for (int i = 0; i < rt->n; i++) {
        char *t = text_dup(i < n && f[i] ? f[i] : "");
        row[i] = text_dup(trim(t));
        free(t);
    }
    rt->rows = xrealloc(rt->rows, (rt->n_rows + 1) * sizeof *rt->rows);
    rt->rows[rt->n_rows++] = row;
    return true;
}

static void result_text_free(result_text *rt)
{
    for (size_t r = 0; r < rt->n_rows; r++) {
        for (int i = 0; i < rt->n; i++)
            free(rt->rows[r][i]);
        free(rt->rows[r]);
    }
    free(rt->rows);
    for (int i = 0; i < rt->n; i++)
        free(rt->names[i]);
    free(rt->names);
}

static int result_text_column(const result_text *rt, const char *name)
{
    for (int i = 0; i < rt->n; i++)
        if (strcasecmp(rt->names[i], name) == 0)
            return i;
    return -1;
}

typedef struct run_ctx {
    const study *s, *res;
    combo_t combo;
    const result_text *rt;
    csv_buf text; /* the cell being built */
} run_ctx;

/* Column c of the result rows of dataset d: their value when they agree, else the distinct
 * values joined by ';' (repeats with different seeds); NULL when no row has one. */
static const char *text_cell(run_ctx *rc, int c, int d)
{
    const result_text *rt = rc->rt;
    int cd = result_text_column(rt, "dataset");
    rc->text.len = 0;
    bool any = false;
    for (size_t r = 0; cd >= 0 && r < rt->n_rows; r++) {
        const char *v = rt->rows[r][c];
        if (strcmp(rt->rows[r][cd], rc->s->datasets[d].name) != 0 || !v[0])
            continue;
        bool seen = false;
        for (size_t q = 0; q < r && !seen; q++)
            seen = strcmp(rt->rows[q][cd], rt->rows[r][cd]) == 0 && strcmp(rt->rows[q][c], v) == 0;
        if (seen)
            continue;
        if (any)
            csv_buf_add(&rc->text, ";", 1);
        csv_buf_add(&rc->text, v, strlen(v));
        any = true;
    }
    if (!any)
        return NULL;
    return rc->text.data;
}

static const char *run_cell(void *p, const char *column, int d, char num[64])
{
    run_ctx *rc = p;
    int m = study_find_metric(rc->res, column);
    const study_stat *st = m >= 0 ? study_stat_of(rc->res, rc->combo, d, m) : NULL;
    if (st) {
        format_number(st->mean, num);
        return num;
    }
    int c = result_text_column(rc->rt, column);
    return c >= 0 ? text_cell(rc, c, d) : NULL;
}

static bool table_has(const table_append *t, const char *name)
{
    for (int c = 0; c < t->h.n; c++)
        if (strcasecmp(t->h.names[c], name) == 0)
            return true;
    return false;
}

bool results_append_run(const study *s, const journal *j, const char *run_id, const study *res,
                        const char *result_path, char *dropped, size_t dropped_len, cs_error *err)
{
    if (dropped_len)
        dropped[0] = '\0';
    const journal_run *run = journal_run_find(j, run_id);
    if (!run)
        return error_set(err, j->path, 0, 0, "no run %s in the journal", run_id);
    table_append t;
    bool ok = append_begin_scores(s, &t, err);
    result_text rt = {0};
    ok = ok && csv_each_row(result_path, NULL, result_text_row, &rt, err);
    /* what the result has and the table cannot hold: kept out, but named to the caller */
    size_t used = 0;
    for (int c = 0; ok && c < rt.n; c++) {
        const char *name = rt.names[c];
        if (!name[0] || strcasecmp(name, "combination") == 0 || strcasecmp(name, "dataset") == 0 ||
            table_has(&t, name))
            continue;
        bool twice = false;
        for (int q = 0; q < c && !twice; q++)
            twice = strcasecmp(rt.names[q], name) == 0;
        if (twice || used + 1 >= dropped_len)
            continue;
        int k = snprintf(dropped + used, dropped_len - used, "%s%s", used ? ", " : "", name);
        used = k < 0 ? used : used + (size_t)k >= dropped_len ? dropped_len - 1 : used + (size_t)k;
    }
    run_ctx rc = {.s = s, .res = res, .combo = run->combo, .rt = &rt};
    for (int d = 0; ok && d < s->n_datasets; d++)
        if (combo_has(run->combo, d))
            append_row(&t, s, run, d, "launch", run_cell, &rc);
    ok = ok && append_commit(&t, err);
    free(rc.text.data);
    result_text_free(&rt);
    append_done(&t);
    return ok;
}
