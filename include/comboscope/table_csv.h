/* table_csv: the result-table reader (long format of DESIGN.md section 3), built on libcsv.
 * It streams: memory grows with the observations, not with the file. */
#ifndef COMBOSCOPE_TABLE_CSV_H
#define COMBOSCOPE_TABLE_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "comboscope/error.h"
#include "comboscope/study.h"

/* Reads the table at path into s, adding replicates to its observations and any new metric
 * columns. When s->datasets_fixed is false, datasets named by the table are added (with the
 * task of the `task` column, or inferred from the name). display is the name used in error
 * messages (NULL: path). Returns false with err set ("FILE:LINE:COL: ...") on the first problem;
 * s may then hold part of the table and should be discarded. */
bool table_read(study *s, const char *path, const char *display, cs_error *err);

/* 1-based byte column where field `field` (0-based) of a CSV line starts, honouring quotes;
 * the column just past the end of the line when the line has fewer fields. */
long table_field_column(const char *line, size_t len, int field);

/* table_field_column for fields separated by delim instead of ','. */
long table_field_column_delim(const char *line, size_t len, int field, char delim);

/* The longest line, and the longest field (a quoted field may span lines), of any CSV or
 * tab-separated file read: past it, a located error. Keeps memory bounded whatever the file. */
#define TABLE_LINE_MAX ((size_t)1 << 20)

/* The most columns a table's header may have (a wide import's too): far more than any study
 * needs, and few enough that checking the names against each other stays instant. */
#define TABLE_COLUMNS_MAX 4096
#define TABLE_COLUMNS_TEXT "4,096"

/* Reads the open file f line by line (a UTF-8 byte-order mark at its start skipped) and hands
 * each line, its '\n' included (the last may have none), to on_line until one returns false.
 * Before handing a line over it checks it: a NUL byte, bytes that are not UTF-8, or a line
 * longer than TABLE_LINE_MAX are errors "FILE:LINE:COL: ..." (COL a byte column).
 * Then on_end (if not NULL) runs while the last line handed over is still valid, so that a
 * parser's final step may still point into it. *any tells whether f held more than the mark.
 * Returns false when on_line or on_end did, or with err set ("FILE: read error: ...", file
 * naming f) when reading failed. */
bool table_read_lines(FILE *f, const char *file, bool (*on_line)(void *ctx, const char *line, size_t len),
                      bool (*on_end)(void *ctx), void *ctx, bool *any, cs_error *err);

struct csv_parser;

/* csv_init with the options every reader uses (strict, NUL-terminated fields, empty unquoted
 * fields as NULL), a block size that keeps long fields linear in every build, and fields
 * capped at TABLE_LINE_MAX (then csv_parse fails with CSV_ENOMEM: see table_csv_problem).
 * Returns csv_init's result. */
int table_csv_init(struct csv_parser *p);

/* The message for a csv_parse failure of a parser made by table_csv_init. */
const char *table_csv_problem(const struct csv_parser *p);

#endif
