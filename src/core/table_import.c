#include "comboscope/table_import.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "comboscope/table_csv.h"
#include "comboscope/csv_rows.h"
#include "comboscope/text.h"
#include "comboscope/fileio.h"

/* --- a line-tracking row reader over libcsv, for any delimiter ------------------------- */

typedef struct rowreader rowreader;
struct rowreader {
    const char *file;
    cs_error *err;
    bool failed;
    char delim;
    bool collapse; /* runs of delimiters count as one (space-separated files) */

    long line, row_line, row_start;
    long quote_line, quote_col; /* where a quoted field still open at a line's end began */
    const char *line_text;
    size_t line_len;

    csv_fields fields; /* the kept fields of the current row */
    int *raw; /* index of each kept field among all fields of its line, for columns */
    int raw_cap, n_raw;
    long rows; /* records seen so far, this one included */

    void (*row)(rowreader *r, void *ctx);
    void *ctx;
};

static const char *rr_field(const rowreader *r, int i)
{
    return csv_fields_get(&r->fields, i);
}

/* Records the first error, at field (or no column for field < 0) of the current row. */
static bool rr_fail(rowreader *r, int field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool rr_fail(rowreader *r, int field, const char *fmt, ...)
{
    if (r->failed)
        return false;
    r->failed = true;
    long col = 0;
    if (field >= 0 && r->row_line == r->line && r->line_text) {
        int raw = field < r->fields.n ? r->raw[field] : r->n_raw;
        col = table_field_column_delim(r->line_text, r->line_len, raw, r->delim);
    }
    char msg[ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return error_set(r->err, r->file, r->row_line, col, "%s", msg);
}

static void rr_on_field(void *data, size_t len, void *p)
{
    rowreader *r = p;
    if (r->failed)
        return;
    if (r->n_raw == 0)
        r->row_line = r->row_start;
    int raw = r->n_raw++;
    if (r->collapse && !data)
        return;
    if (r->fields.n == r->raw_cap) {
        r->raw_cap = r->raw_cap ? r->raw_cap * 2 : 16;
        r->raw = xrealloc(r->raw, (size_t)r->raw_cap * sizeof *r->raw);
    }
    r->raw[r->fields.n] = raw;
    csv_fields_add(&r->fields, data, len);
}

static void rr_on_row(int term, void *p)
{
    (void)term;
    rowreader *r = p;
    if (!r->failed && r->fields.n > 0) { /* a line of delimiters only is a blank line */
        r->rows++;
        r->row(r, r->ctx);
    }
    csv_fields_reset(&r->fields);
    r->n_raw = 0;
}

static bool rr_feed(rowreader *r, struct csv_parser *p, const char *buf, size_t len)
{
    r->line_text = buf;
    r->line_len = len;
    if (p->pstate == 0) /* libcsv's ROW_NOT_BEGUN: a row starting now starts on this line */
        r->row_start = r->line;
    bool in_quotes = p->pstate == 2 && p->quoted; /* libcsv: FIELD_BEGUN inside quotes */
    int raw_before = r->n_raw;
    if (csv_parse(p, buf, len, rr_on_field, rr_on_row, r) != len && !r->failed) {
        r->row_line = r->line;
        r->failed = true;
        return error_set(r->err, r->file, r->line,
                         table_field_column_delim(buf, len, r->n_raw - raw_before, r->delim),
                         "malformed: %s (a quote inside an unquoted field, or text after a closing quote)",
                         table_csv_problem(p));
    }
    if (!in_quotes && p->pstate == 2 && p->quoted) {
        r->quote_line = r->line;
        r->quote_col = table_field_column_delim(buf, len, r->n_raw - raw_before, r->delim);
    }
    return !r->failed;
}

static int space_tab(unsigned char c) { return c == '\t'; }
static int space_blank(unsigned char c) { return c == ' '; }
static int space_both(unsigned char c) { return c == ' ' || c == '\t'; }

typedef struct rr_feeder {
    rowreader *r;
    struct csv_parser *p;
} rr_feeder;

/* table_read_lines' callback: feeds one line, then counts it if it was a whole one. */
static bool rr_feed_line(void *ctx, const char *line, size_t len)
{
    rr_feeder *fd = ctx;
    bool ok = rr_feed(fd->r, fd->p, line, len);
    fd->r->line += line[len - 1] == '\n';
    return ok;
}

/* table_read_lines' last step: csv_fini completes a last row without '\n', and a problem it
 * reports may be located on that line, which is still valid here. */
static bool rr_feed_end(void *ctx)
{
    rr_feeder *fd = ctx;
    rowreader *r = fd->r;
    if (csv_fini(fd->p, rr_on_field, rr_on_row, r) != 0 && !r->failed) {
        r->failed = true;
        return error_set(r->err, r->file, r->quote_line ? r->quote_line : r->row_start, r->quote_col,
                         "unterminated quoted field (it opens here)");
    }
    return !r->failed;
}

/* Reads every record of path, calling r->row for each. */
static bool rr_read(rowreader *r, const char *path)
{
    FILE *f = file_fopen_read(path, NULL, r->err);
    if (!f)
        return false;
    struct csv_parser p;
    if (table_csv_init(&p) != 0) {
        fclose(f);
        return error_set(r->err, path, 0, 0, "cannot initialise the CSV parser");
    }
    csv_set_delim(&p, (unsigned char)r->delim);
    /* libcsv trims blanks around unquoted fields; the delimiter itself must not be one. */
    csv_set_space_func(&p, r->delim == ' ' ? space_tab : r->delim == '\t' ? space_blank : space_both);
    r->file = path;
    r->line = r->row_line = r->row_start = 1;

    bool any;
    rr_feeder fd = {r, &p};
    bool ok = table_read_lines(f, path, rr_feed_line, rr_feed_end, &fd, &any, r->err);
    if (ok && !r->failed && (!any || r->rows == 0))
        ok = error_set(r->err, path, 1, 1, "empty file");
    csv_free(&p);
    fclose(f);
    r->line_text = NULL;
    csv_fields_free(&r->fields);
    free(r->raw);
    r->raw = NULL;
    r->raw_cap = 0;
    return ok && !r->failed;
}

/* --- output ---------------------------------------------------------------------------- */

typedef struct writer {
    FILE *out;
    const char *display;
    bool failed;
} writer;

/* Writes one CSV field, quoted only when it must be. */
static void put_field(writer *w, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', w->out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', w->out);
            fputc(*s, w->out);
        }
        fputc('"', w->out);
    } else {
        fputs(s, w->out);
    }
    if (fputc(last ? '\n' : ',', w->out) == EOF)
        w->failed = true;
}

/* Trims blanks around a field (in place). */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Checks a score cell: a finite number, else records the error. */
static bool check_number(rowreader *r, int field, const char *v, const char *what)
{
    double x;
    int ok = text_parse_double(v, &x);
    char safe[64], safe2[128];
    if (ok != TEXT_NUMBER_OK)
        return rr_fail(r, field, "%s: \"%s\" %s", text_sanitize(what, safe2, sizeof safe2),
                       text_sanitize(v, safe, sizeof safe), text_number_problem(ok));
    return true;
}

static void combo_name(const char *const *names, combo_t c, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < COMBO_MAX_DATASETS && k < n; i++)
        if (combo_has(c, i))
            k += (size_t)snprintf(buf + k, n - k, "%s%s", k ? "+" : "", names[i]);
}

/* --- names ----------------------------------------------------------------------------- */

static bool check_name(const char *name, const char *const *seen, int n, cs_error *err,
                       const char *file, long line, long col)
{
    char safe[128];
    if (!name[0])
        return error_set(err, file, line, col, "empty dataset name");
    if (text_has_control(name))
        return error_set(err, file, line, col, "dataset name \"%s\" contains control characters",
                         text_sanitize(name, safe, sizeof safe));
    if (strchr(name, '+'))
        return error_set(err, file, line, col, "dataset name \"%s\" contains '+'",
                         text_sanitize(name, safe, sizeof safe));
    if (name[0] == '=' || name[0] == '@' || name[0] == '-') /* as study_add_dataset: caught before writing */
        return error_set(err, file, line, col, "dataset name \"%s\" starts with '%c' (names may not start with "
                         "=, @ or -: a spreadsheet would take the name for a formula)",
                         text_sanitize(name, safe, sizeof safe), name[0]);
    for (int i = 0; i < n; i++)
        if (strcmp(seen[i], name) == 0)
            return error_set(err, file, line, col, "dataset \"%s\" named twice",
                             text_sanitize(name, safe, sizeof safe));
    if (n >= COMBO_MAX_DATASETS)
        return error_set(err, file, line, col, "more than %d datasets", COMBO_MAX_DATASETS);
    return true;
}

bool import_parse_names(char *text, import_options *opt, cs_error *err)
{
    opt->n_names = 0;
    for (char *p = text;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *name = trim(p);
        if (!check_name(name, opt->names, opt->n_names, err, NULL, 0, 0))
            return false;
        opt->names[opt->n_names++] = name;
        if (!comma)
            break;
        p = comma + 1;
    }
    return true;
}

bool import_format_parse(const char *name, import_format *out)
{
    static const char *const names[] = {"wide", "mtgnet", "standley", "tsv"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (import_format)i;
            return true;
        }
    return false;
}

void import_format_files(import_format f, int *min, int *max)
{
    *min = *max = f == IMPORT_MTGNET ? 2 : 1;
}

/* --- standley -------------------------------------------------------------------------- */

typedef struct standley_ctx {
    writer *w;
    int n_names;
    const char *names[COMBO_MAX_DATASETS];
    char defaults[5][2];
    bool names_given;
} standley_ctx;

static void standley_row(rowreader *r, void *p)
{
    standley_ctx *c = p;
    if (r->rows == 1 && !c->names_given) {
        if (r->fields.n != 5)
            return (void)rr_fail(r, -1, "%d columns: give their names with --names (the default s,d,n,k,e is for 5)", r->fields.n);
    }
    if (r->fields.n != c->n_names) {
        rr_fail(r, r->fields.n < c->n_names ? r->fields.n : c->n_names, "%d cells where there are %d task names", r->fields.n,
                c->n_names);
        return;
    }
    combo_t combo = 0;
    for (int i = 0; i < r->fields.n; i++) {
        const char *v = rr_field(r, i);
        if (!v || !*v)
            continue;
        if (!check_number(r, i, v, c->names[i]))
            return;
        combo |= combo_single(i);
    }
    if (r->rows == 1)
        return; /* the half-size single-task baseline: not part of the lattice */
    if (!combo)
        return (void)rr_fail(r, -1, "a row with no task in it (every cell is blank)");
    char cname[COMBO_MAX_DATASETS * 130], run[32];
    combo_name(c->names, combo, cname, sizeof cname);
    snprintf(run, sizeof run, "r%04ld", r->rows - 1);
    for (int i = 0; i < r->fields.n; i++) {
        if (!combo_has(combo, i))
            continue;
        char *v = (char *)rr_field(r, i);
        put_field(c->w, run, false);
        put_field(c->w, cname, false);
        put_field(c->w, c->names[i], false);
        put_field(c->w, trim(v), true);
    }
}

static bool import_standley(const char *file, const import_options *opt, writer *w, cs_error *err)
{
    standley_ctx c = {.w = w};
    if (opt->n_names) {
        c.n_names = opt->n_names;
        memcpy(c.names, opt->names, sizeof c.names);
        c.names_given = true;
    } else {
        static const char def[] = "sdnke";
        c.n_names = 5;
        for (int i = 0; i < 5; i++) {
            c.defaults[i][0] = def[i];
            c.defaults[i][1] = '\0';
            c.names[i] = c.defaults[i];
        }
    }
    fputs("run,combination,dataset,loss\n", w->out);
    rowreader r = {.err = err, .delim = '\t', .row = standley_row, .ctx = &c};
    if (!rr_read(&r, file))
        return false;
    if (r.rows < 2)
        return error_set(err, file, r.line - 1, 0, "only the baseline row: no subsets follow it");
    return true;
}

/* --- mtgnet ---------------------------------------------------------------------------- */

typedef struct mtg_ctx {
    writer *w;
    int n_tasks;
    const char *names[COMBO_MAX_DATASETS];
    char defaults[COMBO_MAX_DATASETS][16];
    combo_t *masks;
    long n_masks, cap_masks;
    const char *mask_file;
} mtg_ctx;

static void mtg_mask_row(rowreader *r, void *p)
{
    mtg_ctx *c = p;
    if (r->rows == 1 && c->n_tasks == 0) {
        if (r->fields.n > COMBO_MAX_DATASETS)
            return (void)rr_fail(r, COMBO_MAX_DATASETS, "%d tasks: at most %d datasets", r->fields.n, COMBO_MAX_DATASETS);
        c->n_tasks = r->fields.n;
    }
    if (r->fields.n != c->n_tasks)
        return (void)rr_fail(r, r->fields.n < c->n_tasks ? r->fields.n : c->n_tasks, "%d cells where there are %d tasks",
                             r->fields.n, c->n_tasks);
    combo_t m = 0;
    for (int i = 0; i < r->fields.n; i++) {
        char *v = trim((char *)rr_field(r, i));
        if (strcmp(v, "1") == 0 || strcmp(v, "1.0") == 0)
            m |= combo_single(i);
        else if (strcmp(v, "0") != 0 && strcmp(v, "0.0") != 0) {
            char safe[64];
            return (void)rr_fail(r, i, "mask cell \"%s\" is not 0 or 1", text_sanitize(v, safe, sizeof safe));
        }
    }
    if (!m)
        return (void)rr_fail(r, -1, "a mask with no task in it");
    if (c->n_masks == c->cap_masks) {
        c->cap_masks = c->cap_masks ? c->cap_masks * 2 : 256;
        c->masks = xrealloc(c->masks, (size_t)c->cap_masks * sizeof *c->masks);
    }
    c->masks[c->n_masks++] = m;
}

static void mtg_gain_row(rowreader *r, void *p)
{
    mtg_ctx *c = p;
    if (r->rows > c->n_masks)
        return (void)rr_fail(r, -1, "more rows than the %ld of the mask file %s", c->n_masks, c->mask_file);
    if (r->fields.n != c->n_tasks)
        return (void)rr_fail(r, r->fields.n < c->n_tasks ? r->fields.n : c->n_tasks, "%d cells where the mask file has %d",
                             r->fields.n, c->n_tasks);
    combo_t m = c->masks[r->rows - 1];
    for (int i = 0; i < r->fields.n; i++) {
        const char *v = rr_field(r, i);
        if (!check_number(r, i, v, c->names[i]))
            return;
        double x;
        text_parse_double(v, &x);
        if (!combo_has(m, i) && x != 0.0) {
            char safe[128];
            return (void)rr_fail(r, i, "task \"%s\" is not in this row's subset but its gain is not 0",
                                 text_sanitize(c->names[i], safe, sizeof safe));
        }
    }
    char cname[COMBO_MAX_DATASETS * 130], run[32];
    combo_name(c->names, m, cname, sizeof cname);
    snprintf(run, sizeof run, "r%04ld", r->rows);
    for (int i = 0; i < r->fields.n; i++) {
        if (!combo_has(m, i))
            continue;
        put_field(c->w, run, false);
        put_field(c->w, cname, false);
        put_field(c->w, c->names[i], false);
        put_field(c->w, trim((char *)rr_field(r, i)), true);
    }
}

static bool import_mtgnet(const char *mask_file, const char *gain_file, const import_options *opt,
                          writer *w, cs_error *err)
{
    mtg_ctx c = {.w = w, .mask_file = mask_file};
    if (opt->n_names) {
        c.n_tasks = opt->n_names;
        memcpy(c.names, opt->names, sizeof c.names);
    }
    rowreader r = {.err = err, .delim = ' ', .collapse = true, .row = mtg_mask_row, .ctx = &c};
    bool ok = rr_read(&r, mask_file);
    if (ok && !opt->n_names) {
        for (int i = 0; i < c.n_tasks; i++) {
            snprintf(c.defaults[i], sizeof c.defaults[i], "t%d", i + 1);
            c.names[i] = c.defaults[i];
        }
    }
    if (ok) {
        fputs("run,combination,dataset,gain\n", w->out);
        rowreader g = {.err = err, .delim = ' ', .collapse = true, .row = mtg_gain_row, .ctx = &c};
        ok = rr_read(&g, gain_file);
        if (ok && g.rows < c.n_masks)
            ok = error_set(err, gain_file, g.line - 1 > 0 ? g.line - 1 : 0, 0,
                           "%ld rows where the mask file %s has %ld", g.rows, mask_file, c.n_masks);
    }
    free(c.masks);
    return ok;
}

/* --- wide ------------------------------------------------------------------------------ */

static const char *const wide_text[] = {"run", "iteration", "origin", "seed", "status",
                                        "note", "timestamp"};

typedef struct wide_ctx {
    writer *w;
    bool header_done;
    int n_datasets;
    const char *names[COMBO_MAX_DATASETS];
    int member_col[COMBO_MAX_DATASETS];
    int n_metrics;
    char **metrics;
    int *score_col;  /* score_col[d * n_metrics + m], -1 if absent */
    int n_text, text_col[8], run_col;
    char **header;   /* copies of the header cells */
    int n_cols;
} wide_ctx;

static void wide_header(rowreader *r, wide_ctx *c)
{
    char safe[128];
    if (r->fields.n > TABLE_COLUMNS_MAX)
        return (void)rr_fail(r, TABLE_COLUMNS_MAX, "%d columns: a table may have at most " TABLE_COLUMNS_TEXT " columns",
                             r->fields.n);
    c->n_cols = r->fields.n;
    c->header = xcalloc((size_t)r->fields.n, sizeof *c->header);
    c->run_col = -1;
    for (int i = 0; i < r->fields.n; i++) {
        const char *h = rr_field(r, i);
        c->header[i] = text_dup(trim((char *)(h ? h : "")));
    }
    for (int i = 0; i < r->fields.n; i++) {
        const char *h = c->header[i];
        if (!h[0])
            return (void)rr_fail(r, i, "column %d has no name", i + 1);
        if (text_has_control(h))
            return (void)rr_fail(r, i, "column name \"%s\" contains control characters",
                                 text_sanitize(h, safe, sizeof safe));
        for (int j = 0; j < i; j++)
            if (strcmp(c->header[j], h) == 0)
                return (void)rr_fail(r, i, "duplicate column \"%s\"", text_sanitize(h, safe, sizeof safe));
    }
    /* Membership columns first: every column without a ':' that is not a known text column. */
    for (int i = 0; i < r->fields.n; i++) {
        const char *h = c->header[i];
        bool text = false;
        for (size_t k = 0; k < sizeof wide_text / sizeof *wide_text; k++)
            if (strcasecmp(h, wide_text[k]) == 0)
                text = true;
        if (text) {
            if (strcasecmp(h, "run") == 0)
                c->run_col = i;
            else
                c->text_col[c->n_text++] = i;
            continue;
        }
        if (strchr(h, ':'))
            continue;
        cs_error e;
        if (!check_name(h, c->names, c->n_datasets, &e, NULL, 0, 0))
            return (void)rr_fail(r, i, "%s", e.msg);
        c->member_col[c->n_datasets] = i;
        c->names[c->n_datasets++] = h;
    }
    if (c->n_datasets == 0)
        return (void)rr_fail(r, -1, "no dataset columns (a 0/1 column named by each dataset)");
    /* Then the score columns DATASET:METRIC. */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < r->fields.n; i++) {
            const char *h = c->header[i];
            const char *colon = strrchr(h, ':');
            if (!colon)
                continue;
            if (pass == 1) { /* second pass: the metrics are known, place the columns */
                size_t dl = (size_t)(colon - h);
                int d = -1, m = -1;
                for (int k = 0; k < c->n_datasets; k++)
                    if (strlen(c->names[k]) == dl && strncmp(c->names[k], h, dl) == 0)
                        d = k;
                for (int k = 0; k < c->n_metrics; k++)
                    if (strcmp(c->metrics[k], colon + 1) == 0)
                        m = k;
                c->score_col[d * c->n_metrics + m] = i;
                continue;
            }
            if (colon == h || !colon[1])
                return (void)rr_fail(r, i, "score column \"%s\" is not DATASET:METRIC",
                                     text_sanitize(h, safe, sizeof safe));
            bool known = false;
            for (int k = 0; k < c->n_datasets; k++)
                if (strlen(c->names[k]) == (size_t)(colon - h) && strncmp(c->names[k], h, (size_t)(colon - h)) == 0)
                    known = true;
            if (!known)
                return (void)rr_fail(r, i, "score column \"%s\" names no dataset column",
                                     text_sanitize(h, safe, sizeof safe));
            bool seen = false;
            for (int k = 0; k < c->n_metrics; k++)
                if (strcmp(c->metrics[k], colon + 1) == 0)
                    seen = true;
            if (!seen) {
                const char *mname = colon + 1;
                if (strcasecmp(mname, "combination") == 0 || strcasecmp(mname, "dataset") == 0 ||
                    strcasecmp(mname, "task") == 0 || strchr(mname, ','))
                    return (void)rr_fail(r, i, "\"%s\" cannot be a metric name", text_sanitize(mname, safe, sizeof safe));
                c->metrics = xrealloc(c->metrics, (size_t)(c->n_metrics + 1) * sizeof *c->metrics);
                c->metrics[c->n_metrics++] = text_dup(mname);
            }
        }
        if (pass == 0) {
            if (c->n_metrics == 0)
                return (void)rr_fail(r, -1, "no score columns (DATASET:METRIC, for example A:f1)");
            size_t k = (size_t)c->n_datasets * (size_t)c->n_metrics;
            c->score_col = xmalloc(k * sizeof *c->score_col);
            for (size_t j = 0; j < k; j++)
                c->score_col[j] = -1;
        }
    }
    writer *w = c->w;
    put_field(w, "run", false);
    put_field(w, "combination", false);
    put_field(w, "dataset", false);
    for (int t = 0; t < c->n_text; t++)
        put_field(w, c->header[c->text_col[t]], false);
    for (int m = 0; m < c->n_metrics; m++)
        put_field(w, c->metrics[m], m == c->n_metrics - 1);
}

static void wide_row(rowreader *r, void *p)
{
    wide_ctx *c = p;
    char safe[128], safe2[64];
    if (!c->header_done) {
        c->header_done = true;
        wide_header(r, c);
        return;
    }
    if (r->fields.n != c->n_cols)
        return (void)rr_fail(r, r->fields.n < c->n_cols ? r->fields.n : c->n_cols,
                             "ragged row: %d fields where the header has %d", r->fields.n, c->n_cols);
    combo_t combo = 0;
    for (int d = 0; d < c->n_datasets; d++) {
        int i = c->member_col[d];
        const char *v = rr_field(r, i);
        char *t = trim((char *)(v ? v : ""));
        if (strcmp(t, "1") == 0)
            combo |= combo_single(d);
        else if (strcmp(t, "0") != 0)
            return (void)rr_fail(r, i, "membership of \"%s\" must be 0 or 1, not \"%s\"",
                                 text_sanitize(c->names[d], safe, sizeof safe), text_sanitize(t, safe2, sizeof safe2));
    }
    if (!combo)
        return (void)rr_fail(r, -1, "a row with no dataset in it (every membership cell is 0)");
    for (int d = 0; d < c->n_datasets; d++)
        for (int m = 0; m < c->n_metrics; m++) {
            int i = c->score_col[d * c->n_metrics + m];
            const char *v = i >= 0 ? rr_field(r, i) : NULL;
            if (!v)
                continue;
            if (!check_number(r, i, v, c->header[i]))
                return;
            double x;
            text_parse_double(v, &x);
            if (!combo_has(combo, d) && x != 0.0)
                return (void)rr_fail(r, i, "a score for \"%s\", which is not in this row's combination",
                                     text_sanitize(c->names[d], safe, sizeof safe));
        }
    char cname[COMBO_MAX_DATASETS * 130], run[32];
    combo_name(c->names, combo, cname, sizeof cname);
    snprintf(run, sizeof run, "r%04ld", r->rows - 1);
    const char *rv = c->run_col >= 0 ? rr_field(r, c->run_col) : NULL;
    for (int d = 0; d < c->n_datasets; d++) {
        if (!combo_has(combo, d))
            continue;
        bool any = false;
        for (int m = 0; m < c->n_metrics; m++) {
            int i = c->score_col[d * c->n_metrics + m];
            any = any || (i >= 0 && rr_field(r, i));
        }
        if (!any)
            continue; /* nothing measured for this member: no observation */
        put_field(c->w, rv ? rv : run, false);
        put_field(c->w, cname, false);
        put_field(c->w, c->names[d], false);
        for (int t = 0; t < c->n_text; t++) {
            const char *v = rr_field(r, c->text_col[t]);
            put_field(c->w, v ? v : "", false);
        }
        for (int m = 0; m < c->n_metrics; m++) {
            int i = c->score_col[d * c->n_metrics + m];
            const char *v = i >= 0 ? rr_field(r, i) : NULL;
            put_field(c->w, v ? trim((char *)v) : "", m == c->n_metrics - 1);
        }
    }
}

static bool import_wide(const char *file, writer *w, cs_error *err)
{
    wide_ctx c = {.w = w};
    rowreader r = {.err = err, .delim = ',', .row = wide_row, .ctx = &c};
    bool ok = rr_read(&r, file);
    for (int i = 0; i < c.n_cols; i++)
        free(c.header[i]);
    free(c.header);
    for (int m = 0; m < c.n_metrics; m++)
        free(c.metrics[m]);
    free(c.metrics);
    free(c.score_col);
    return ok;
}

/* --- tsv: a long-format table with tabs for commas --------------------------------------- */

typedef struct tsv_ctx {
    writer *w;
    int n_cols;
} tsv_ctx;

static void tsv_row(rowreader *r, void *p)
{
    tsv_ctx *c = p;
    if (r->rows == 1)
        c->n_cols = r->fields.n;
    else if (r->fields.n != c->n_cols)
        return (void)rr_fail(r, r->fields.n < c->n_cols ? r->fields.n : c->n_cols,
                             "ragged row: %d fields where the header has %d", r->fields.n, c->n_cols);
    for (int i = 0; i < r->fields.n; i++) {
        const char *v = rr_field(r, i);
        put_field(c->w, v ? v : "", i == r->fields.n - 1);
    }
}

static bool import_tsv(const char *file, writer *w, cs_error *err)
{
    tsv_ctx c = {.w = w};
    rowreader r = {.err = err, .delim = '\t', .row = tsv_row, .ctx = &c};
    return rr_read(&r, file);
}

bool table_import(import_format f, const char *const *files, int n, const import_options *opt,
                  FILE *out, const char *display, cs_error *err)
{
    int lo, hi;
    import_format_files(f, &lo, &hi);
    if (n < lo || n > hi)
        return error_set(err, NULL, 0, 0, "this format takes %d file%s", lo, lo == 1 ? "" : "s");
    writer w = {.out = out, .display = display};
    bool ok;
    switch (f) {
    case IMPORT_WIDE: ok = import_wide(files[0], &w, err); break;
    case IMPORT_MTGNET: ok = import_mtgnet(files[0], files[1], opt, &w, err); break;
    case IMPORT_STANDLEY: ok = import_standley(files[0], opt, &w, err); break;
    case IMPORT_TSV: ok = import_tsv(files[0], &w, err); break;
    default: ok = false;
    }
    if (ok && (w.failed || ferror(out)))
        ok = error_set(err, display, 0, 0, "cannot write: write error");
    return ok;
}
