/* table_import: converts other result layouts into the long format of DESIGN.md section 3
 * (run,combination,dataset,METRIC...), parsing them with libcsv.
 *   wide      a CSV with a header: one 0/1 membership column per dataset (named by the
 *             dataset) and one score column per dataset and metric, named DATASET:METRIC;
 *             known text columns (run, iteration, origin, seed, status, note, timestamp)
 *             are carried over. An empty score cell is a missing value.
 *   mtgnet    MTG-Net's headerless, space-separated pair: a 0/1 mask file and a gain file of
 *             the same shape; a task outside the subset has 0 in the gain file and yields no
 *             observation. Metric column: gain.
 *   standley  Standley et al.'s tab-separated per-task loss table: row 1 is a separate
 *             single-task baseline and is skipped; every later row is one subset, a blank cell
 *             meaning the task is not in it. Metric column: loss (so the goal is min).
 *   tsv       a long-format table (the columns of DESIGN.md section 3) separated by tabs
 *             instead of commas, copied field by field into the comma-separated form. */
#ifndef COMBOSCOPE_TABLE_IMPORT_H
#define COMBOSCOPE_TABLE_IMPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "comboscope/combo.h"
#include "comboscope/error.h"

typedef enum import_format { IMPORT_WIDE, IMPORT_MTGNET, IMPORT_STANDLEY, IMPORT_TSV } import_format;

/* The format called name ("wide", "mtgnet", "standley", "tsv"); false if none. */
bool import_format_parse(const char *name, import_format *out);

/* How many input files the format takes: at least *min, at most *max. */
void import_format_files(import_format f, int *min, int *max);

typedef struct import_options {
    int n_names; /* dataset names for mtgnet and standley (0: the defaults) */
    const char *names[COMBO_MAX_DATASETS];
} import_options;

/* Splits a comma-separated --names list into opt (pointing into text, which it modifies).
 * False with err set for an empty, duplicate or control-character name, a '+' in a name, or
 * more than 64 names. */
bool import_parse_names(char *text, import_options *opt, cs_error *err);

/* Converts files (n of them, as the format requires) and writes the long-format table to out.
 * display names the output in write errors. False with err set ("FILE:LINE:COL: ...") on the
 * first problem; out then holds part of a table and should be discarded. */
bool table_import(import_format f, const char *const *files, int n, const import_options *opt,
                  FILE *out, const char *display, cs_error *err);

#endif
