/* csv_rows: a small row-at-a-time CSV reader and field writer on libcsv, for the program's own
 * files (the queue) and for re-reading result tables (results, oracle). RFC 4180, a leading
 * byte-order mark skipped, CRLF accepted. */
#ifndef COMBOSCOPE_CSV_ROWS_H
#define COMBOSCOPE_CSV_ROWS_H

#include <stdbool.h>
#include <stddef.h>

#include "comboscope/error.h"

/* Called once per row (the header included) with its fields (NULL for an empty unquoted
 * field), their count and the line the row starts on. Return false to stop; set err then. */
typedef bool (*csv_row_fn)(const char *const *fields, int n, long line, void *ctx, cs_error *err);

/* Reads the CSV file at path, calling fn for each row. display names the file in errors
 * (NULL: path). False with err set on a read or syntax error ("FILE:LINE: ...") or when fn
 * returns false. */
bool csv_each_row(const char *path, const char *display, csv_row_fn fn, void *ctx, cs_error *err);

/* The fields of one CSV row as libcsv hands them over (CSV_EMPTY_IS_NULL): copied into one
 * arena, an empty unquoted field kept apart as NULL. Embed zeroed; csv_fields_reset between
 * rows, csv_fields_free at the end. */
typedef struct csv_fields {
    char *arena;
    size_t len, cap;
    size_t *off;
    bool *null;
    int n, cap_n;
} csv_fields;

/* Appends one field (data NULL: an empty unquoted field). */
void csv_fields_add(csv_fields *f, const void *data, size_t len);

/* Field i (0 <= i < f->n), '\0'-terminated, or NULL for an empty unquoted field. Valid until
 * the next csv_fields_add or csv_fields_reset. */
const char *csv_fields_get(const csv_fields *f, int i);

/* Empties f for the next row, keeping its memory; csv_fields_free releases it. */
void csv_fields_reset(csv_fields *f);
void csv_fields_free(csv_fields *f);

/* A growable text buffer. */
typedef struct csv_buf {
    char *data;
    size_t len, cap;
} csv_buf;

/* Appends raw bytes; appends one field quoted as needed (',' '"' CR LF, or leading/trailing
 * blanks), preceded by a comma unless first is true. */
void csv_buf_add(csv_buf *b, const char *s, size_t n);
void csv_buf_field(csv_buf *b, const char *field, bool first);

#endif
