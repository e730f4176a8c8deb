/* explorer: the full-screen terminal program (src/ui). The CLI parses options into an
 * explorer_options and calls explorer_run; this header has no curses in it. */
#ifndef COMBOSCOPE_EXPLORER_H
#define COMBOSCOPE_EXPLORER_H

#include <stdbool.h>

#include "comboscope/error.h"
#include "comboscope/study.h"
#include "comboscope/theme.h"

enum explorer_color { EXPLORER_COLOR_AUTO, EXPLORER_COLOR_ALWAYS, EXPLORER_COLOR_NEVER };

typedef struct explorer_options {
    enum explorer_color color;
    bool ascii;         /* --ascii: plain ASCII glyphs even in a UTF-8 locale */
    bool mouse;         /* --mouse */
    const theme *theme; /* the loaded theme (NULL: the built-in default) */
    /* Golden-test mode: keys come from this script file, curses draws to an in-memory screen
     * (output to /dev/null) and `dump` writes the screen to stdout. NULL: the terminal. */
    const char *script;
    bool read_only;     /* --read-only: review without any way to change the study */
    const char *oracle; /* --oracle COMPLETE.csv: answer queued runs from a complete table */
    const struct study_open_options *open; /* how the study was opened (for reloads); may be NULL */
} explorer_options;

/* Runs the explorer on s (owned by the caller) until the user quits. It takes the study's lock
 * and opens its journal (round.h); a reload after results came back is owned by the explorer. Returns 0, or 1 with err
 * set when the terminal cannot be used or a test script is bad. The terminal is restored on
 * every path, including SIGINT, SIGTERM and out-of-memory. */
int explorer_run(study *s, const explorer_options *opt, cs_error *err);

#endif
