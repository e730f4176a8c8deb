#include "comboscope/text.h"

#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*fatal_hook)(void);

void text_set_fatal_hook(void (*hook)(void))
{
    fatal_hook = hook;
}

static void out_of_memory(size_t n)
{
    if (fatal_hook)
        fatal_hook();
    fprintf(stderr, "comboscope: out of memory (asked for %zu bytes)\n", n);
    exit(70);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *text_dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = xmalloc(n);
    memcpy(d, s, n);
    return d;
}

static bool is_c1_lead(const unsigned char *p)
{
    /* U+0080..U+009F are encoded as C2 80..C2 9F. */
    return p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
}

bool text_has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F || is_c1_lead(p))
            return true;
    return false;
}

size_t text_utf8_decode(const char *str, size_t n, unsigned *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
    if (len > n || text_utf8_invalid(str, len) != len)
        return 0;
    unsigned v = s[0] & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
    for (size_t k = 1; k < len; k++)
        v = (v << 6) | (s[k] & 0x3Fu);
    *cp = v;
    return len;
}

bool text_invisible(unsigned cp)
{
    return cp == 0x00AD || cp == 0x061C || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF ||
           (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xE0000 && cp <= 0xE007F);
}

size_t text_sanitize_char(const char *s, size_t n, char out[TEXT_SAFE_CHAR_MAX], size_t *out_len)
{
    unsigned cp;
    size_t len = text_utf8_decode(s, n, &cp);
    if (len == 0) { /* not UTF-8: one byte */
        out[0] = '?';
        *out_len = 1;
        return 1;
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
        out[0] = '?';
        *out_len = 1;
    } else if (text_invisible(cp)) {
        *out_len = (size_t)snprintf(out, TEXT_SAFE_CHAR_MAX, "<U+%04X>", cp);
    } else {
        memcpy(out, s, len);
        *out_len = len;
    }
    return len;
}

char *text_sanitize(const char *s, char *out, size_t n)
{
    if (n == 0)
        return out;
    size_t k = 0, left = strlen(s);
    while (left) {
        char piece[TEXT_SAFE_CHAR_MAX];
        size_t plen;
        size_t used = text_sanitize_char(s, left, piece, &plen);
        if (k + plen + 1 > n)
            break;
        memcpy(out + k, piece, plen);
        k += plen;
        s += used;
        left -= used;
    }
    out[k] = '\0';
    return out;
}

int text_parse_double(const char *s, double *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return TEXT_NOT_A_NUMBER;
    /* Decimal only: strtod would also read hexadecimal floats ("0x1p3" is 8) and "inf",
     * "nan", "infinity", "nan(...)", which a table never means. */
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (*p == 'i' || *p == 'I' || *p == 'n' || *p == 'N') {
        double v = strtod(s, (char **)&p);
        while (*p == ' ' || *p == '\t')
            p++;
        return p != s && !*p && !isfinite(v) ? TEXT_NOT_FINITE : TEXT_NOT_A_NUMBER;
    }
    size_t digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (!digits)
        return TEXT_NOT_A_NUMBER;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return TEXT_NOT_A_NUMBER;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    const char *num_end = p;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p)
        return TEXT_NOT_A_NUMBER;
    /* Numbers in files always use '.', whatever LC_NUMERIC the program runs under. */
    static locale_t c_numeric;
    if (!c_numeric)
        c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c_numeric ? uselocale(c_numeric) : (locale_t)0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    int e = errno;
    if (c_numeric)
        uselocale(old);
    if (end != num_end)
        return TEXT_NOT_A_NUMBER;
    if (!isfinite(v) || e == ERANGE || (v != 0 && fabs(v) < DBL_MIN))
        return TEXT_OUT_OF_RANGE;
    *out = v;
    return TEXT_NUMBER_OK;
}

const char *text_number_problem(int result)
{
    switch (result) {
    case TEXT_NOT_FINITE: return "is not a finite number (NaN and infinity are not allowed)";
    case TEXT_OUT_OF_RANGE: return "is out of range (overflow or underflow of a double)";
    case TEXT_NUMBER_OK: return "is a number";
    default: return "is not a number";
    }
}

size_t text_utf8_invalid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0; /* overlong */
            if (c == 0xED)
                hi = 0x9F; /* surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else
            return i;
        if (i + len > n)
            return i;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return i;
        i += len;
    }
    return n;
}

size_t text_terminal_output(char *buf, size_t len)
{
    size_t k = 0, line = 0; /* k: bytes kept; line: where the current output line starts */
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)buf[i];
        if (c == 0x1B && i + 1 < len && buf[i + 1] == '[') {
            /* CSI: parameters and intermediates, then one final byte 0x40-0x7E */
            i += 2;
            while (i < len && ((unsigned char)buf[i] < 0x40 || (unsigned char)buf[i] > 0x7E) &&
                   buf[i] != '\n')
                i++;
            if (i < len && buf[i] != '\n')
                i++;
            continue;
        }
        if (c == 0x1B && i + 1 < len && buf[i + 1] == ']') {
            /* OSC (a window title): up to BEL or ESC \ */
            i += 2;
            while (i < len && buf[i] != '\a' && buf[i] != '\n' && !(buf[i] == 0x1B && i + 1 < len && buf[i + 1] == '\\'))
                i++;
            if (i < len && buf[i] == '\a')
                i++;
            else if (i < len && buf[i] == 0x1B)
                i += 2;
            continue;
        }
        if (c == '\0') {
            i++;
            continue;
        }
        if (c == '\r') {
            /* a carriage return before the end of the line starts the line again; one just
             * before a newline (CRLF) or at the end is only an end of line */
            size_t j = i + 1;
            while (j < len && buf[j] == '\r')
                j++;
            if (j < len && buf[j] != '\n')
                k = line;
            i = j;
            continue;
        }
        buf[k++] = (char)c;
        i++;
        if (c == '\n')
            line = k;
    }
    if (k < len)
        buf[k] = '\0';
    return k;
}
