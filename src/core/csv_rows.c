#include "comboscope/csv_rows.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/table_csv.h"
#include "comboscope/text.h"
#include "comboscope/fileio.h"

typedef struct rows_ctx {
    csv_row_fn fn;
    void *ctx;
    cs_error *err;
    bool stopped;
    long line, row_start, row_line;
    csv_fields row;
    const char **ptrs; /* the row's fields as fn takes them */
    int ptr_cap;
} rows_ctx;

static void on_field(void *data, size_t len, void *p)
{
    rows_ctx *r = p;
    if (r->stopped)
        return;
    if (r->row.n == 0)
        r->row_line = r->row_start;
    csv_fields_add(&r->row, data, len);
}

static void on_row(int term, void *p)
{
    (void)term;
    rows_ctx *r = p;
    if (r->row.n > r->ptr_cap) {
        r->ptr_cap = r->row.n;
        r->ptrs = xrealloc(r->ptrs, (size_t)r->ptr_cap * sizeof *r->ptrs);
    }
    for (int i = 0; i < r->row.n; i++)
        r->ptrs[i] = csv_fields_get(&r->row, i);
    if (!r->stopped && !r->fn(r->ptrs, r->row.n, r->row_line, r->ctx, r->err))
        r->stopped = true;
    csv_fields_reset(&r->row);
}

/* table_read_lines' callback: one line (a byte-order mark already skipped) to libcsv. */
typedef struct rows_feed {
    struct csv_parser *p;
    rows_ctx *r;
    const char *file;
    cs_error *err;
} rows_feed;

static bool feed_line(void *ctx, const char *line, size_t len)
{
    rows_feed *fd = ctx;
    rows_ctx *r = fd->r;
    if (fd->p->pstate == 0) /* libcsv's ROW_NOT_BEGUN: a row starting now starts on this line */
        r->row_start = r->line;
    if (csv_parse(fd->p, line, len, on_field, on_row, r) != len && !r->stopped)
        return error_set(fd->err, fd->file, r->line, 0, "malformed CSV: %s", table_csv_problem(fd->p));
    r->line++;
    return !r->stopped;
}

bool csv_each_row(const char *path, const char *display, csv_row_fn fn, void *ctx, cs_error *err)
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
    rows_ctx r = {.fn = fn, .ctx = ctx, .err = err, .line = 1, .row_start = 1, .row_line = 1};
    rows_feed fd = {&p, &r, file, err};
    bool any;
    /* false: a syntax error, a read error (err set by table_read_lines) or fn stopped */
    bool ok = table_read_lines(f, file, feed_line, NULL, &fd, &any, err);
    if (ok && csv_fini(&p, on_field, on_row, &r) != 0)
        ok = error_set(err, file, r.row_start, 0, "unterminated quoted field (started on this line)");
    csv_fields_free(&r.row);
    free(r.ptrs);
    csv_free(&p);
    fclose(f);
    return ok && !r.stopped;
}

void csv_fields_add(csv_fields *f, const void *data, size_t len)
{
    if (f->n == f->cap_n) {
        f->cap_n = f->cap_n ? f->cap_n * 2 : 16;
        f->off = xrealloc(f->off, (size_t)f->cap_n * sizeof *f->off);
        f->null = xrealloc(f->null, (size_t)f->cap_n * sizeof *f->null);
    }
    while (f->len + len + 1 > f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->arena = xrealloc(f->arena, f->cap);
    }
    f->off[f->n] = f->len;
    f->null[f->n] = data == NULL;
    if (data)
        memcpy(f->arena + f->len, data, len);
    f->arena[f->len + len] = '\0';
    f->len += len + 1;
    f->n++;
}

const char *csv_fields_get(const csv_fields *f, int i)
{
    return f->null[i] ? NULL : f->arena + f->off[i];
}

void csv_fields_reset(csv_fields *f)
{
    f->n = 0;
    f->len = 0;
}

void csv_fields_free(csv_fields *f)
{
    free(f->arena);
    free(f->off);
    free(f->null);
    *f = (csv_fields){0};
}

void csv_buf_add(csv_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap)
            b->cap = b->cap ? b->cap * 2 : 256;
        b->data = xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void csv_buf_field(csv_buf *b, const char *field, bool first)
{
    if (!first)
        csv_buf_add(b, ",", 1);
    size_t n = strlen(field);
    bool quote = n && (field[0] == ' ' || field[0] == '\t' || field[n - 1] == ' ' || field[n - 1] == '\t');
    quote |= strpbrk(field, ",\"\r\n") != NULL;
    if (!quote) {
        csv_buf_add(b, field, n);
        return;
    }
    /* csv_write quotes and doubles the quotes; it needs at most 2n + 2 bytes. */
    size_t need = 2 * n + 2;
    char *tmp = xmalloc(need);
    size_t w = csv_write(tmp, need, field, n);
    csv_buf_add(b, tmp, w);
    free(tmp);
}
