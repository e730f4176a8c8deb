/* text: small string helpers shared by the core, the CLI and the views. */
#ifndef COMBOSCOPE_TEXT_H
#define COMBOSCOPE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Copies s into out (size n, always terminated, cut at a whole character), replacing every
 * control character (C0, DEL, C1) and every byte that is not UTF-8 by '?', and showing
 * invisible characters that could disguise text (bidi overrides and marks, zero-width
 * characters, soft hyphen, BOM: see text_invisible) as "<U+202E>", so that text read from a
 * file can never send escape sequences to a terminal nor reorder what is around it. The
 * explorer and every command line output use it. Returns out. */
char *text_sanitize(const char *s, char *out, size_t n);

/* The longest replacement text_sanitize_char writes ("<U+E007F>"), plus one. */
#define TEXT_SAFE_CHAR_MAX 12

/* text_sanitize for the one character at s (n bytes available): writes its safe form to out
 * (*out_len bytes, not terminated) and returns how many bytes of s it used (>= 1). */
size_t text_sanitize_char(const char *s, size_t n, char out[TEXT_SAFE_CHAR_MAX], size_t *out_len);

/* Decodes one well-formed UTF-8 character at s (n bytes available) into *cp; returns its
 * length, or 0 when s does not start with one (or it is cut short). */
size_t text_utf8_decode(const char *s, size_t n, unsigned *cp);

/* Invisible characters that can disguise text: bidi embeddings, overrides, isolates and
 * marks, zero-width spaces and joiners, word joiner, soft hyphen, BOM, tags. */
bool text_invisible(unsigned cp);

/* True when s holds a control character (C0, DEL or a UTF-8 encoded C1). */
bool text_has_control(const char *s);

/* Parses a whole field as a finite decimal number: leading and trailing blanks allowed,
 * nothing else; digits with an optional sign, point and exponent only (no hexadecimal
 * "0x1p3", no "inf" or "nan" spellings). Returns TEXT_NUMBER_OK (1), TEXT_NOT_A_NUMBER (0),
 * TEXT_NOT_FINITE (-1: "inf", "nan" and their spellings, documented as not allowed) or
 * TEXT_OUT_OF_RANGE (-2: overflows a double, or underflows to zero or a subnormal, as
 * "1e-400" does). *out is set only on success. */
enum { TEXT_NUMBER_OK = 1, TEXT_NOT_A_NUMBER = 0, TEXT_NOT_FINITE = -1, TEXT_OUT_OF_RANGE = -2 };
int text_parse_double(const char *s, double *out);

/* The message for a text_parse_double result below TEXT_NUMBER_OK: "is not a number", ... */
const char *text_number_problem(int result);

/* The byte offset of the first byte of s[0..n) that is not part of well-formed UTF-8 (no
 * overlong forms, no surrogates, nothing past U+10FFFF), or n when all of it is. */
size_t text_utf8_invalid(const char *s, size_t n);

/* Duplicates s; aborts on out-of-memory like the xmalloc family. */
char *text_dup(const char *s);

/* What a terminal would have shown of a program's output (a run's log), in place: a line
 * rewritten with carriage returns (progress bars) keeps its last version, colour and cursor
 * sequences (ESC [ ... and ESC ] ... BEL) and NUL bytes are dropped. buf holds len bytes;
 * returns the new length (buf NUL-terminated when it has room for it). What is left still
 * goes through the sanitizer when drawn. */
size_t text_terminal_output(char *buf, size_t len);

/* Allocation that never returns NULL: out-of-memory is fatal (after running the registered
 * fatal hook, which the UI uses to restore the terminal). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);

/* Sets the function called before exiting on out-of-memory (NULL: none). */
void text_set_fatal_hook(void (*hook)(void));

#endif
