/* text: small string helpers shared by the core, the CLI and the views. */
#ifndef COMBOSCOPE_TEXT_H
#define COMBOSCOPE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Copies s into out (size n, always terminated), replacing every control character
 * (C0, DEL, and the C1 range when it appears as UTF-8) by '?', so that text read from a
 * file can never send escape sequences to a terminal. Returns out. */
char *text_sanitize(const char *s, char *out, size_t n);

/* True when s holds a control character (C0, DEL or a UTF-8 encoded C1). */
bool text_has_control(const char *s);

/* Parses a whole field as a finite double: leading and trailing blanks allowed, nothing else.
 * Returns 1 on success, 0 if not a number, -1 if NaN or infinite. */
int text_parse_double(const char *s, double *out);

/* Duplicates s; aborts on out-of-memory like the xmalloc family. */
char *text_dup(const char *s);

/* Allocation that never returns NULL: out-of-memory is fatal (after running the registered
 * fatal hook, which the UI uses to restore the terminal). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);

/* Sets the function called before exiting on out-of-memory (NULL: none). */
void text_set_fatal_hook(void (*hook)(void));

#endif
