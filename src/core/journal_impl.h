/* journal_impl: what the journal's files share (journal.c, journal_check.c, journal_decode.c,
 * journal_open.c, journal_write.c, journal_append.c), not a public header. */
#ifndef COMBOSCOPE_JOURNAL_IMPL_H
#define COMBOSCOPE_JOURNAL_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "comboscope/journal.h"

/* The event kind named name, -1 if none. */
int journal_kind_from_name(const char *name);

/* Run ids go into a CSV file and onto a launcher's command line: letters, digits, '_', '-', '.'. */
bool journal_run_id_ok(const char *id);

/* Whether t is ISO 8601 UTC ("2026-11-29T22:01:02Z", optional fraction). */
bool journal_time_ok(const char *t);

/* Whether the n bytes at p are only blanks (space, tab, CR). */
bool journal_blank(const char *p, size_t n);

/* The suggestion of round r on combination c, NULL if none. */
journal_suggestion *journal_suggestion_find(const journal_round *r, combo_t c);

/* Whether ev may follow the events so far. On failure writes why into msg and the key the
 * problem is about into *key (for the column of the error). */
bool journal_check(const journal *j, const journal_event *ev, char *msg, size_t n, const char **key);

/* Copies the checked event ev into j->events (owning its strings); returns its index. */
size_t journal_store(journal *j, const journal_event *ev);

/* Adds the stored event at index idx of j->events to the model. */
void journal_apply(journal *j, size_t idx);

typedef enum journal_line_status { JOURNAL_LINE_OK, JOURNAL_LINE_SYNTAX, JOURNAL_LINE_INVALID } journal_line_status;

/* Parses one line (line number `line`, without its newline) into the model.
 * JOURNAL_LINE_SYNTAX: not JSON (what a torn write leaves); JOURNAL_LINE_INVALID: JSON but not a
 * valid event here. err set unless JOURNAL_LINE_OK. */
journal_line_status journal_parse_line(journal *j, const char *text, size_t len, long line, cs_error *err);

#endif
