#include "comboscope/table_csv.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "comboscope/csv_rows.h"
#include "comboscope/text.h"
#include "comboscope/fileio.h"

enum col_kind {
    COL_COMBINATION,
    COL_DATASET,
    COL_TASK,
    COL_TEXT,      /* a known text column (run, note, ...) or one found to hold text */
    COL_METRIC,    /* numbers; metric index in col.metric */
    COL_UNDECIDED, /* unknown name: a metric if its first non-empty cell is a number */
};

typedef struct column {
    char *name;
    enum col_kind kind;
    int metric;
} column;

typedef struct reader {
    study *s;
    const char *file;
    cs_error *err;
    bool failed;

    long line;        /* physical line being fed to libcsv (1-based) */
    long row_line;    /* line on which the current row started */
    long row_start;   /* line on which the next row starts (known before its first field ends) */
    const char *line_text;
    size_t line_len;

    csv_fields row; /* fields of the current row */

    bool have_header;
    column *cols;
    int n_cols;
    int c_combination, c_dataset, c_task;

    bool task_explicit[COMBO_MAX_DATASETS];

    long quote_line, quote_col; /* where the quoted field still open at a line's end began */

    char *last_combo_text; /* cache: consecutive rows of one run share the combination */
    combo_t last_combo;
} reader;

static const char *const known_text[] = {"run", "iteration", "origin", "seed", "status",
                                         "note", "timestamp"};
static const char *const known_metric[] = {"f1", "precision", "recall", "loss", "gain",
                                           "accuracy", "acc", "auc", "error", "score"};

long table_field_column(const char *line, size_t len, int field)
{
    return table_field_column_delim(line, len, field, ',');
}

long table_field_column_delim(const char *line, size_t len, int field, char delim)
{
    size_t i = 0;
    int f = 0;
    while (f < field) {
        if (i >= len)
            return (long)len + 1;
        if (line[i] == '"') {
            i++;
            while (i < len) {
                if (line[i] == '"' && i + 1 < len && line[i + 1] == '"')
                    i += 2;
                else if (line[i] == '"') {
                    i++;
                    break;
                } else
                    i++;
            }
        }
        while (i < len && line[i] != delim && line[i] != '\n' && line[i] != '\r')
            i++;
        if (i >= len || line[i] != delim)
            return (long)i + 1;
        i++;
        f++;
    }
    return (long)i + 1;
}

static bool fail_at(reader *r, int field, const char *fmt, const char *a, const char *b)
{
    if (r->failed)
        return false;
    r->failed = true;
    long col = 0;
    if (field >= 0 && r->row_line == r->line && r->line_text)
        col = table_field_column(r->line_text, r->line_len, field);
    char msg[ERROR_MSG_MAX];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    return error_set(r->err, r->file, r->row_line, col, "%s", msg);
}

static const char *field(const reader *r, int i)
{
    return csv_fields_get(&r->row, i);
}

static void on_field(void *data, size_t len, void *p)
{
    reader *r = p;
    if (r->failed)
        return;
    if (r->row.n == 0)
        r->row_line = r->row_start;
    csv_fields_add(&r->row, data, len);
}

static bool is_known(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(name, list[i]) == 0)
            return true;
    return false;
}

static void read_header(reader *r)
{
    study *s = r->s;
    if (r->row.n > TABLE_COLUMNS_MAX) {
        char num[32];
        snprintf(num, sizeof num, "%d", r->row.n);
        fail_at(r, TABLE_COLUMNS_MAX, "%s columns: a table may have at most " TABLE_COLUMNS_TEXT " columns", num, NULL);
        return;
    }
    r->cols = xcalloc((size_t)r->row.n, sizeof *r->cols);
    r->n_cols = r->row.n;
    r->c_combination = r->c_dataset = r->c_task = -1;
    char safe[128];
    for (int i = 0; i < r->row.n; i++) {
        const char *raw = field(r, i);
        const char *name = raw ? raw : "";
        column *c = &r->cols[i];
        c->name = text_dup(name);
        c->metric = -1;
        if (!name[0]) {
            fail_at(r, i, "column %s has no name", (snprintf(safe, sizeof safe, "%d", i + 1), safe), NULL);
            return;
        }
        if (r->row.n == 1 && strchr(name, '\t')) {
            /* one "column" holding tabs: a tab-separated file */
            r->failed = true;
            error_set(r->err, r->file, 1, 1,
                      "tab-separated file: tables are comma-separated; convert it with 'comboscope import tsv %s -o OUT.csv'",
                      r->file);
            return;
        }
        if (text_has_control(name)) {
            fail_at(r, i, "column name \"%s\" contains control characters",
                    text_sanitize(name, safe, sizeof safe), NULL);
            return;
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(r->cols[j].name, name) == 0) {
                fail_at(r, i, "duplicate column \"%s\"", text_sanitize(name, safe, sizeof safe), NULL);
                return;
            }
        }
        int *reserved = strcasecmp(name, "combination") == 0 ? &r->c_combination
                        : strcasecmp(name, "dataset") == 0     ? &r->c_dataset
                        : strcasecmp(name, "task") == 0        ? &r->c_task
                                                               : NULL;
        if (reserved && *reserved >= 0) { /* "Dataset" and "dataset" are the same column */
            fail_at(r, i, "duplicate column \"%s\"", text_sanitize(name, safe, sizeof safe), NULL);
            return;
        }
        if (strcasecmp(name, "combination") == 0) {
            c->kind = COL_COMBINATION;
            r->c_combination = i;
        } else if (strcasecmp(name, "dataset") == 0) {
            c->kind = COL_DATASET;
            r->c_dataset = i;
        } else if (strcasecmp(name, "task") == 0) {
            c->kind = COL_TASK;
            r->c_task = i;
        } else if (is_known(name, known_text, sizeof known_text / sizeof *known_text)) {
            c->kind = COL_TEXT;
        } else if (is_known(name, known_metric, sizeof known_metric / sizeof *known_metric) ||
                   study_find_metric(s, name) >= 0 ||
                   (s->metric_name && strcmp(s->metric_name, name) == 0)) {
            c->kind = COL_METRIC;
            c->metric = study_metric_add(s, name);
        } else {
            c->kind = COL_UNDECIDED;
        }
    }
    if (r->c_combination < 0)
        fail_at(r, 0, "missing required column \"combination\"", NULL, NULL);
    else if (r->c_dataset < 0)
        fail_at(r, 0, "missing required column \"dataset\"", NULL, NULL);
}

static bool parse_combination(reader *r, const char *text, combo_t *out)
{
    if (r->last_combo_text && strcmp(r->last_combo_text, text) == 0) {
        *out = r->last_combo;
        return true;
    }
    study *s = r->s;
    char bad[256];
    if (!s->datasets_fixed) {
        /* A bare table brings its own datasets: add the names not seen yet. */
        const char *p = text;
        for (;;) {
            const char *end = strchr(p, '+');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            while (len && (*p == ' ' || *p == '\t'))
                p++, len--;
            while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
                len--;
            char name[256];
            if (len > 0 && len < sizeof name) {
                memcpy(name, p, len);
                name[len] = '\0';
                if (study_find_dataset(s, name) < 0) {
                    cs_error e;
                    if (study_add_dataset(s, name, NULL, &e) < 0)
                        return fail_at(r, r->c_combination, "%s", e.msg, NULL);
                }
            }
            if (!end)
                break;
            p = end + 1;
        }
    }
    if (!study_combo_parse(s, text, out, bad, sizeof bad))
        return fail_at(r, r->c_combination, "combination: %s", bad, NULL);
    free(r->last_combo_text);
    r->last_combo_text = text_dup(text);
    r->last_combo = *out;
    return true;
}

static void read_row(reader *r)
{
    study *s = r->s;
    char safe[128], num[32];
    if (r->row.n != r->n_cols) {
        snprintf(num, sizeof num, "%d", r->row.n);
        snprintf(safe, sizeof safe, "%d", r->n_cols);
        fail_at(r, r->row.n > r->n_cols ? r->n_cols : r->row.n,
                "ragged row: %s fields where the header has %s", num, safe);
        return;
    }
    const char *ctext = field(r, r->c_combination);
    const char *dtext = field(r, r->c_dataset);
    if (!ctext || !ctext[0]) {
        fail_at(r, r->c_combination, "empty combination", NULL, NULL);
        return;
    }
    if (!dtext || !dtext[0]) {
        fail_at(r, r->c_dataset, "empty dataset", NULL, NULL);
        return;
    }
    combo_t combo;
    if (!parse_combination(r, ctext, &combo))
        return;
    char name[STUDY_NAME_MAX + 1];
    /* blanks around the name are ignored, as in combinations; a longer name is an error */
    size_t dl = strlen(dtext);
    while (dl && (dtext[dl - 1] == ' ' || dtext[dl - 1] == '\t'))
        dl--;
    while (dl && (*dtext == ' ' || *dtext == '\t'))
        dtext++, dl--;
    if (dl > STUDY_NAME_MAX) {
        snprintf(safe, sizeof safe, "%zu", dl);
        fail_at(r, r->c_dataset, "a dataset name of %s bytes is longer than the limit of 255", safe, NULL);
        return;
    }
    memcpy(name, dtext, dl);
    name[dl] = '\0';
    char *a = name, *b = name + strlen(name);
    while (*a == ' ' || *a == '\t')
        a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
        *--b = '\0';
    int d = study_find_dataset(s, a);
    if (d < 0) {
        /* A bare table's datasets are those its combinations name, so this one is in none. */
        fail_at(r, r->c_dataset, s->datasets_fixed ? "dataset \"%s\" is not in the study"
                                                   : "dataset \"%s\" is not in its own combination",
                text_sanitize(a, safe, sizeof safe), NULL);
        return;
    }
    if (!combo_has(combo, d)) {
        fail_at(r, r->c_dataset, "dataset \"%s\" is not in its own combination",
                text_sanitize(a, safe, sizeof safe), NULL);
        return;
    }
    if (r->c_task >= 0 && !s->datasets_fixed && !r->task_explicit[d]) {
        const char *t = field(r, r->c_task);
        if (t && t[0]) {
            if (text_has_control(t)) {
                fail_at(r, r->c_task, "task type contains control characters", NULL, NULL);
                return;
            }
            if (strlen(t) > STUDY_NAME_MAX) {
                fail_at(r, r->c_task, "task type longer than the limit of 255 bytes", NULL, NULL);
                return;
            }
            if (t[0] == '=' || t[0] == '@' || t[0] == '-') {
                fail_at(r, r->c_task, "task type \"%s\" starts with =, @ or - (a spreadsheet would take it for a formula)",
                        text_sanitize(t, safe, sizeof safe), NULL);
                return;
            }
            s->datasets[d].task = study_task(s, t);
            r->task_explicit[d] = true;
        }
    }
    long obs = -1; /* found or added on the first value of the row */
    for (int i = 0; i < r->n_cols; i++) {
        column *c = &r->cols[i];
        if (c->kind != COL_METRIC && c->kind != COL_UNDECIDED)
            continue;
        const char *v = field(r, i);
        if (!v)
            continue; /* an empty cell is a missing value, never a zero */
        double x;
        int ok = text_parse_double(v, &x);
        if (c->kind == COL_UNDECIDED) {
            /* The first non-empty cell decides: text makes a text column; a number, or a
             * NaN, infinity or out-of-range number (rejected below), makes a metric. */
            if (ok == TEXT_NOT_A_NUMBER) {
                c->kind = COL_TEXT;
                continue;
            }
            c->kind = COL_METRIC;
            c->metric = study_metric_add(s, c->name);
        }
        if (ok != TEXT_NUMBER_OK) {
            char msg[160];
            snprintf(msg, sizeof msg, "\"%s\" %s", (text_sanitize(v, name, 64), name), text_number_problem(ok));
            fail_at(r, i, "%s: %s", text_sanitize(c->name, safe, sizeof safe), msg);
            return;
        }
        if (obs < 0)
            obs = study_obs_add(s, combo, d);
        study_add_value_at(s, obs, c->metric, x);
    }
    s->n_rows++;
}

static void on_row(int term, void *p)
{
    (void)term;
    reader *r = p;
    if (r->failed) {
        csv_fields_reset(&r->row);
        return;
    }
    if (!r->have_header) {
        r->have_header = true;
        read_header(r);
    } else {
        read_row(r);
    }
    csv_fields_reset(&r->row);
}

static void reader_done(reader *r)
{
    for (int i = 0; i < r->n_cols; i++)
        free(r->cols[i].name);
    free(r->cols);
    csv_fields_free(&r->row);
    free(r->last_combo_text);
}

static bool feed(reader *r, struct csv_parser *p, const char *buf, size_t len)
{
    r->line_text = buf;
    r->line_len = len;
    if (p->pstate == 0) /* libcsv's ROW_NOT_BEGUN: a row starting now starts on this line */
        r->row_start = r->line;
    bool in_quotes = p->pstate == 2 && p->quoted; /* libcsv: FIELD_BEGUN inside quotes */
    int fields_before = r->row.n; /* fields of the current row completed on earlier lines */
    if (csv_parse(p, buf, len, on_field, on_row, r) != len && !r->failed) {
        r->row_line = r->line;
        /* The field being read when libcsv gave up, counted from this line's start. */
        if (csv_error(p) != CSV_EPARSE && in_quotes && r->quote_line) {
            /* a quoted field that opened on an earlier line grew too long: point at its start */
            r->failed = true;
            return error_set(r->err, r->file, r->quote_line, r->quote_col, "%s", table_csv_problem(p));
        }
        if (csv_error(p) != CSV_EPARSE)
            return fail_at(r, r->row.n - fields_before, "%s", table_csv_problem(p), NULL);
        return fail_at(r, r->row.n - fields_before,
                       "malformed CSV: %s (a quote inside an unquoted field, or text after a closing quote)",
                       csv_strerror(csv_error(p)), NULL);
    }
    if (!in_quotes && p->pstate == 2 && p->quoted) {
        /* A quoted field opened on this line and is still open: remember where. */
        r->quote_line = r->line;
        r->quote_col = table_field_column(buf, len, r->row.n - fields_before);
    }
    return !r->failed;
}

typedef struct feeder {
    reader *r;
    struct csv_parser *p;
} feeder;

/* table_read_lines' callback: feeds one line, then counts it if it was a whole one. */
static bool feed_line(void *ctx, const char *line, size_t len)
{
    feeder *fd = ctx;
    bool ok = feed(fd->r, fd->p, line, len);
    fd->r->line += line[len - 1] == '\n';
    return ok;
}

/* table_read_lines' last step: csv_fini completes a last row without '\n', and a problem it
 * reports may be located on that line, which is still valid here. */
static bool feed_end(void *ctx)
{
    feeder *fd = ctx;
    reader *r = fd->r;
    if (csv_fini(fd->p, on_field, on_row, r) != 0 && !r->failed) {
        r->failed = true;
        return error_set(r->err, r->file, r->quote_line ? r->quote_line : r->row_start, r->quote_col,
                         "unterminated quoted field (it opens here)");
    }
    return !r->failed;
}

/* libcsv grows a field by blk_size bytes at a time: the default 128 makes a long field
 * quadratic wherever realloc copies (the sanitizer build). Fields past the limit fail. */
#define TABLE_CSV_BLOCK ((size_t)1 << 16)

static void *capped_realloc(void *p, size_t n)
{
    return n > TABLE_LINE_MAX + 2 ? NULL : realloc(p, n);
}

int table_csv_init(struct csv_parser *p)
{
    int rc = csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL);
    if (rc == 0) {
        csv_set_blk_size(p, TABLE_CSV_BLOCK);
        csv_set_realloc_func(p, capped_realloc);
    }
    return rc;
}

const char *table_csv_problem(const struct csv_parser *p)
{
    int e = csv_error((struct csv_parser *)p);
    if (e == CSV_ENOMEM || e == CSV_ETOOBIG)
        return "a field longer than the limit of 1 MiB";
    return csv_strerror(e);
}

/* A line's own problems, before any parser sees it: false with err set. */
static bool line_ok(const char *file, long lineno, const char *line, size_t len, cs_error *err)
{
    if (lineno == 1 && len >= 2 && ((unsigned char)line[0] == 0xFF || (unsigned char)line[0] == 0xFE) &&
        (unsigned char)line[1] == ((unsigned char)line[0] ^ 0x01))
        return error_set(err, file, 1, 1, "UTF-16 text (byte-order mark %02X %02X): save the file as UTF-8",
                         (unsigned)(unsigned char)line[0], (unsigned)(unsigned char)line[1]);
    const char *nul = memchr(line, '\0', len);
    if (nul)
        return error_set(err, file, lineno, (long)(nul - line) + 1, "NUL byte (a binary file?)");
    size_t bad = text_utf8_invalid(line, len);
    if (bad < len)
        return error_set(err, file, lineno, (long)bad + 1, "not UTF-8 (byte 0x%02X): save the file as UTF-8",
                         (unsigned)(unsigned char)line[bad]);
    return true;
}

/* A dataset first seen in a combination gets a task type from its name ("all" without a '_');
 * a task column may give it another, which leaves the first with no dataset: dropped, so that
 * no empty task type is listed. */
static void drop_unused_tasks(study *s)
{
    int map[COMBO_MAX_DATASETS], n = 0;
    for (int t = 0; t < s->n_tasks; t++) {
        bool used = false;
        for (int d = 0; d < s->n_datasets && !used; d++)
            used = s->datasets[d].task == t;
        if (used) {
            s->tasks[n] = s->tasks[t];
            map[t] = n++;
        } else {
            free(s->tasks[t]);
            map[t] = -1;
        }
    }
    for (int t = n; t < s->n_tasks; t++)
        s->tasks[t] = NULL;
    s->n_tasks = n;
    for (int d = 0; d < s->n_datasets; d++)
        s->datasets[d].task = map[s->datasets[d].task];
}

bool table_read_lines(FILE *f, const char *file, bool (*on_line)(void *ctx, const char *line, size_t len),
                      bool (*on_end)(void *ctx), void *ctx, bool *any, cs_error *err)
{
    char chunk[1 << 16];
    char *line = NULL;
    size_t line_len = 0, line_cap = 0;
    bool first = true, ok = true;
    size_t n;
    long lineno = 1;
    *any = false;
    while (ok && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        const char *c = chunk;
        if (first) {
            first = false;
            if (n >= 3 && memcmp(c, "\xEF\xBB\xBF", 3) == 0)
                c += 3, n -= 3;
        }
        if (n)
            *any = true;
        while (ok && n > 0) {
            const char *nl = memchr(c, '\n', n);
            size_t take = nl ? (size_t)(nl - c) + 1 : n;
            if (line_len + take > TABLE_LINE_MAX + 1) {
                ok = error_set(err, file, lineno, 0, "line longer than the limit of 1 MiB");
                break;
            }
            if (line_len + take > line_cap) {
                while (line_len + take > line_cap)
                    line_cap = line_cap ? line_cap * 2 : 4096;
                line = xrealloc(line, line_cap);
            }
            memcpy(line + line_len, c, take);
            line_len += take;
            c += take;
            n -= take;
            if (nl) {
                ok = line_ok(file, lineno, line, line_len, err) && on_line(ctx, line, line_len);
                line_len = 0;
                lineno++;
            }
        }
    }
    if (ok && ferror(f))
        ok = error_set(err, file, 0, 0, "read error: %s", strerror(errno));
    if (ok && line_len)
        ok = line_ok(file, lineno, line, line_len, err) && on_line(ctx, line, line_len);
    if (ok && on_end)
        ok = on_end(ctx);
    free(line);
    return ok;
}

bool table_read(study *s, const char *path, const char *display, cs_error *err)
{
    const char *file = display ? display : path;
    FILE *f = file_fopen_read(path, file, err);
    if (!f)
        return false;

    struct csv_parser p;
    if (table_csv_init(&p) != 0) {
        fclose(f);
        return error_set(err, file, 0, 0, "cannot initialise the CSV parser");
    }
    reader r = {.s = s, .file = file, .err = err, .line = 1, .row_line = 1, .row_start = 1};

    /* Lines are handed to libcsv one at a time so that every callback knows its line. */
    bool any;
    feeder fd = {&r, &p};
    bool ok = table_read_lines(f, file, feed_line, feed_end, &fd, &any, err);
    if (ok && r.failed)
        ok = false;
    if (ok && (!any || !r.have_header))
        ok = error_set(err, file, 1, 1, "empty file (expected a header row)");
    csv_free(&p);
    reader_done(&r);
    fclose(f);
    if (ok && !r.failed && !s->datasets_fixed)
        drop_unused_tasks(s);
    return ok && !r.failed;
}
