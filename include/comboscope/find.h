/* find: what `/` search in the explorer's views matches, without curses (the views keep only
 * their cursors). A query is words separated by blanks; matching ignores ASCII case. */
#ifndef COMBOSCOPE_FIND_H
#define COMBOSCOPE_FIND_H

#include <stdbool.h>
#include <stddef.h>

#include "comboscope/combo.h"
#include "comboscope/study.h"

/* True when every word of query occurs in hay (ignoring ASCII case); an empty query matches
 * nothing. */
bool find_words(const char *hay, const char *query);

/* True when every word of query occurs in the name of some member of combination c. */
bool find_combo(const study *s, combo_t c, const char *query);

/* The next item of a list of n that match(ctx, i) accepts, from cur in direction dir (+1 or
 * -1), wrapping around; from_here lets cur itself be the answer (an incremental search keeps
 * its place while the match still holds). Returns the index, or -1 when nothing matches. */
long find_next(size_t n, size_t cur, int dir, bool from_here, bool (*match)(void *ctx, size_t i), void *ctx);

/* Lattice search: the measured combinations of target under metric m whose members match
 * every word of query (find_combo), ordered best score first (ties: the smaller mask). From
 * the combination cur: when from_here and cur matches, cur; else the next in that order
 * (dir +1: the next worse, -1: the next better), wrapping; when cur does not match, the best
 * (dir +1) or the worst (dir -1). Writes *out and returns the number of matches (its rank
 * in *rank, 1 = best), or returns 0 when none matches. */
size_t find_lattice(const study *s, int m, int target, const char *query, combo_t cur, int dir, bool from_here,
                    combo_t *out, size_t *rank);

struct journal;
/* History search: true when round index k of journal j (journal_rounds order) has a suggestion,
 * override, queued run or result whose combination matches every word of query (find_combo),
 * or a rejection reason, a note or a run id that holds every word (find_words). */
bool find_round(const struct journal *j, const study *s, size_t k, const char *query);

#endif
