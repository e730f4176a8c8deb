#include "comboscope/text.h"

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

char *text_sanitize(const char *s, char *out, size_t n)
{
    if (n == 0)
        return out;
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 1 < n; p++) {
        if (*p < 0x20 || *p == 0x7F) {
            out[k++] = '?';
        } else if (is_c1_lead(p)) {
            out[k++] = '?';
            p++;
        } else {
            out[k++] = (char)*p;
        }
    }
    out[k] = '\0';
    return out;
}

int text_parse_double(const char *s, double *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return 0;
    /* Numbers in files always use '.', whatever LC_NUMERIC the program runs under. */
    static locale_t c_numeric;
    if (!c_numeric)
        c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c_numeric ? uselocale(c_numeric) : (locale_t)0;
    char *end;
    double v = strtod(s, &end);
    if (c_numeric)
        uselocale(old);
    if (end == s)
        return 0;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end)
        return 0;
    if (!isfinite(v))
        return -1;
    *out = v;
    return 1;
}
