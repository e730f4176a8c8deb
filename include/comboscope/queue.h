/* queue: the approved runs not yet measured, derived from the journal (`queued` events without
 * a `result`), and the CSV file a job launcher reads:
 *     run,combination,round,target,approved
 *     r0001,NER_bc5cdr+RE_DDI,1,NER_bc5cdr,2026-11-29T22:01:02Z
 * The file is only ever written whole and replaced atomically (file_write_atomic): a launcher
 * reading it sees the old queue or the new one, never half of one. */
#ifndef COMBOSCOPE_QUEUE_H
#define COMBOSCOPE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "comboscope/error.h"
#include "comboscope/journal.h"
#include "comboscope/results.h"
#include "comboscope/study.h"

typedef struct queue_entry {
    char run[JOURNAL_RUN_MAX];
    combo_t combo;
    int round;
    int target;                       /* dataset index or -1 */
    char approved[JOURNAL_TIME_MAX];  /* time of the `queued` event */
} queue_entry;

typedef struct queue {
    queue_entry *entries;
    size_t n;
} queue;

/* The queue: runs of j without a result, in the order queued. When rows is not NULL, runs that
 * the rows already answer (results_match) are left out too, and warning (may be NULL) gets
 * results_match's warning. Free with queue_free. */
queue *queue_from_journal(const journal *j, const results_rows *rows, cs_error *warning);
void queue_free(queue *q);

/* The queue file's text (header and one row per entry). Returns a new string, *len its length. */
char *queue_format_csv(const queue *q, const study *s, size_t *len);

/* Writes the queue file at path atomically. */
bool queue_write(const queue *q, const study *s, const char *path, cs_error *err);

/* Reads a queue file back (libcsv); NULL with err set ("FILE:LINE: ...") if malformed. */
queue *queue_read(const char *path, const study *s, cs_error *err);

/* The queue path of a study: its "queue" key resolved against its directory, or NULL. */
char *queue_path_of(const study *s);

/* The next run id: "r" and a four-digit (or longer) sequence number, one past the highest
 * "rNNNN" id in the journal and in rows (may be NULL), so never an id a table already uses. */
void queue_next_run_id(const journal *j, const results_rows *rows, char out[JOURNAL_RUN_MAX]);

/* Commits a round: journals a `queued` event for every accepted suggestion and every
 * override's replacement (each combination once; combinations already queued in this round,
 * by an interrupted commit, are not queued again), a `left_open` for every suggestion without
 * a decision, then `committed`, then rewrites the queue
 * file (queue_sync). rows supply `known` and the ids to avoid; NULL: the study's tables are
 * scanned (results_scan). False with err set. */
bool queue_commit_round(journal *j, int round, const results_rows *rows, cs_error *err);

/* Takes back queued run id (a `withdrawn` event, flushed) and rewrites the queue file. False
 * with err set (and nothing written) when the run is unknown, has its result or is withdrawn
 * already. Whether the run has started is the caller's to check (launch.h). */
bool queue_withdraw(journal *j, const char *run, cs_error *err);

/* Undoes the commit of round (an `uncommitted` event: its runs leave the queue, its decisions
 * stand again) and rewrites the queue file. False with err set when journal.h's rule refuses. */
bool queue_uncommit_round(journal *j, int round, cs_error *err);

/* Rewrites the study's queue file from the journal (nothing when the study names none). */
bool queue_sync(const journal *j, cs_error *err);

/* Results coming back: scans the study's tables, journals a `result` for every queued run they
 * answer, and rewrites the queue file. *recorded gets how many; warning (may be NULL) gets
 * results_match's warning. False with err set. */
bool queue_collect_results(journal *j, size_t *recorded, cs_error *warning, cs_error *err);

#endif
