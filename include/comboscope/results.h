/* results: runs coming back. The rows of a study's tables are matched to the runs the journal
 * has queued, and an oracle (a complete table) can answer queued runs at once.
 *
 * Matching, for each queued run without a `result` event, in the order queued:
 * - by run id: when rows carry the run's id in a `run` column, those rows are its result
 *   (one per member; the first row of each member counts). Rows whose `run` names any run of
 *   the journal belong to that run only.
 * - by combination otherwise: the other rows of the run's combination are numbered per member
 *   in table order (replicate 0, 1, ...); replicate i is complete when every member has an
 *   i-th row with a value. A run queued when `known` complete replicates existed takes the
 *   first complete replicate at or after `known` that no earlier result has taken.
 * A run is answered only when every member has a score (the metric in use). */
#ifndef COMBOSCOPE_RESULTS_H
#define COMBOSCOPE_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "comboscope/error.h"
#include "comboscope/journal.h"
#include "comboscope/study.h"

/* One row of a study's table, as far as results are concerned. */
typedef struct result_row {
    int table;               /* index into study.tables */
    long line;               /* line where the row starts */
    char run[JOURNAL_RUN_MAX]; /* "" when the table has no `run` column or the cell is empty */
    combo_t combo;
    int dataset;
    bool has_value;
    double value;            /* the metric in use */
} result_row;

typedef struct results_rows {
    result_row *rows;
    size_t n;
} results_rows;

/* Reads every table of s again (with libcsv) into rows. NULL with err set ("FILE:LINE:COL:")
 * on a problem. Free with results_rows_free. */
results_rows *results_scan(const study *s, cs_error *err);
void results_rows_free(results_rows *r);

/* True when some row carries run id `id` (so that a new run id avoids it). */
bool results_has_run_id(const results_rows *r, const char *id);

/* The number of complete replicates of combination c among rows not claimed by a run of j
 * (what a `queued` event records as `known`). */
int results_known(const results_rows *r, const journal *j, combo_t c);

/* A queued run that the rows answer. */
typedef struct result_match {
    size_t run;         /* index into journal.runs */
    double *scores;     /* n_datasets entries, NAN for non-members */
    int replicate;      /* -1: matched by run id */
} result_match;

/* Finds the open runs of j that rows answer (see above). Returns how many; *out (caller frees
 * with results_matches_free) gets them in queue order. warning (may be NULL) gets
 * "FILE:LINE: ..." for the first row that names a journaled run id with another combination
 * (such rows are ignored), or an empty message. */
size_t results_match(const journal *j, const results_rows *rows, result_match **out, cs_error *warning);
void results_matches_free(result_match *m, size_t n);

/* Journals a `result` event for every match. *recorded (if not NULL) gets how many were
 * written before any failure. False with err set on a write failure. */
bool results_record(journal *j, const result_match *m, size_t n, size_t *recorded, cs_error *err);

/* The oracle: answers every open run of j that the tables do not answer yet from the complete
 * table at complete_path (a long-format table holding every combination), by appending one
 * row per member to the study's first table. The table is rewritten whole and replaced
 * atomically (file_write_atomic), so a crash leaves either the old or the new table, never a
 * torn row. Columns it fills: run, combination, dataset, task, origin ("oracle") and every
 * metric column the complete table also has; others stay empty. *answered gets how many runs.
 * False with err set (a run the complete table cannot answer is an error). The caller then
 * scans the tables and records the results. */
bool oracle_answer(const study *s, const journal *j, const char *complete_path, size_t *answered,
                   cs_error *err);

/* A result typed in by hand (small studies): appends one row per member of run run_id with
 * scores[d] (the metric in use; every member needs a finite score) to the study's first table,
 * the same way as the oracle (origin "manual"). The caller then collects results as usual.
 * False with err set (unknown or answered run, missing score, no metric column). */
bool results_enter(const study *s, const journal *j, const char *run_id, const double *scores,
                   cs_error *err);

/* A launched run's result (launch.h): appends one row per member of run run_id to the study's
 * first table, the same way as the oracle (origin "launch"), taking every metric column the
 * table has from res (a study read from the run's result file result_path, with the same
 * datasets) and every other column the table has (seed, iteration, status, note, ...) from
 * that file's rows of the member (their value; distinct values joined by ';'). The result's
 * columns the table has no column for are not written: their names go to dropped ("a, b";
 * "" when none). The table must have the metric in use. False with err set. */
bool results_append_run(const study *s, const journal *j, const char *run_id, const study *res,
                        const char *result_path, char *dropped, size_t dropped_len, cs_error *err);

#endif
