/* error: one-line, located error messages ("FILE:LINE:COL: what is wrong") that travel from
 * where a problem is found up to where the user sees it. */
#ifndef COMBOSCOPE_ERROR_H
#define COMBOSCOPE_ERROR_H

#include <stdbool.h>

#define ERROR_MSG_MAX 512

typedef struct cs_error {
    char msg[ERROR_MSG_MAX];
} cs_error;

/* Sets e (if not NULL) to "FILE:LINE:COL: text". line 0 leaves out line and column, col 0
 * leaves out the column; file NULL leaves out the location. Always returns false, so that
 * callers can write `return error_set(...)`. */
bool error_set(cs_error *e, const char *file, long line, long col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
