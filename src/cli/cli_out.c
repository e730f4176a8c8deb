/* cli_out: every byte a command prints to the terminal goes through text_sanitize's rules.
 * stdout and stderr are replaced by streams that filter what is written to them, so that no
 * printf of a name, a combination or a message can bypass the sanitizer; data written on
 * purpose (a CSV to "-") is passed through in raw mode, and JSON is escaped before printing. */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"
#include "comboscope/text.h"

typedef struct sanitizer {
    int fd;
    char pend[4]; /* the start of a character cut by the end of the last write */
    size_t npend;
    int error; /* errno of the first write that failed, 0 while none has */
} sanitizer;

static sanitizer out_s = {1, {0}, 0, 0}, err_s = {2, {0}, 0, 0};
static bool raw_output;

static bool write_all(int fd, const char *b, size_t n)
{
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        b += w;
        n -= (size_t)w;
    }
    return true;
}

/* Whether s[0..n) is the beginning of a well-formed character that needs more bytes. */
static bool cut_short(const unsigned char *s, size_t n)
{
    size_t need = s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
    if (!need || n >= need)
        return false;
    for (size_t k = 1; k < n; k++)
        if (s[k] < 0x80 || s[k] > 0xBF)
            return false;
    return true;
}

static ssize_t san_write(void *cookie, const char *buf, size_t n)
{
    sanitizer *z = cookie;
    if (raw_output && z == &out_s) {
        if (write_all(z->fd, buf, n))
            return (ssize_t)n;
        z->error = z->error ? z->error : errno ? errno : EIO;
        return -1;
    }
    size_t total = z->npend + n;
    char *in = xmalloc(total + 1);
    memcpy(in, z->pend, z->npend);
    memcpy(in + z->npend, buf, n);
    z->npend = 0;
    char *out = xmalloc(total * TEXT_SAFE_CHAR_MAX + 1);
    size_t k = 0, i = 0;
    while (i < total) {
        unsigned char c = (unsigned char)in[i];
        if (c == '\n' || c == '\t') {
            out[k++] = (char)c;
            i++;
            continue;
        }
        if (c >= 0x80 && cut_short((const unsigned char *)in + i, total - i)) {
            z->npend = total - i;
            memcpy(z->pend, in + i, z->npend);
            break;
        }
        size_t plen;
        i += text_sanitize_char(in + i, total - i, out + k, &plen);
        k += plen;
    }
    bool ok = write_all(z->fd, out, k);
    if (!ok && !z->error)
        z->error = errno ? errno : EIO;
    free(in);
    free(out);
    return ok ? (ssize_t)n : -1;
}

static int san_close(void *cookie)
{
    sanitizer *z = cookie;
    if (z->npend) /* a character never completed */
        (void)write_all(z->fd, "?", 1);
    z->npend = 0;
    return 0;
}

void cli_sanitize_output(bool with_stdout)
{
    cookie_io_functions_t io = {NULL, san_write, NULL, san_close};
    FILE *e = fopencookie(&err_s, "w", io);
    if (!e)
        return; /* keep the plain streams: names are still sanitized where printed */
    fflush(stderr);
    setvbuf(e, NULL, _IOLBF, BUFSIZ);
    stderr = e;
    if (!with_stdout)
        return;
    FILE *o = fopencookie(&out_s, "w", io);
    if (!o)
        return;
    fflush(stdout);
    setvbuf(o, NULL, isatty(1) ? _IOLBF : _IOFBF, BUFSIZ);
    stdout = o;
}

int cli_output_errno(void)
{
    return out_s.error ? out_s.error : errno ? errno : EIO;
}

int cli_output_finish(int rc)
{
    errno = 0;
    bool lost = fflush(stdout) != 0 || ferror(stdout);
    if (!lost)
        return rc;
    if (rc == EXIT_OK)
        fprintf(stderr, "comboscope: <stdout>: cannot write: %s\n", strerror(cli_output_errno()));
    return rc == EXIT_OK ? EXIT_INVALID : rc;
}

void cli_output_raw(bool raw)
{
    fflush(stdout);
    raw_output = raw;
}

char *cli_json_escape(const char *text)
{
    size_t n = strlen(text);
    char *out = xmalloc(n * 12 + 1);
    size_t k = 0, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x80 && c != 0x7F) {
            out[k++] = (char)c;
            i++;
            continue;
        }
        unsigned cp;
        size_t len = text_utf8_decode(text + i, n - i, &cp);
        if (len == 0) {
            k += (size_t)sprintf(out + k, "\\ufffd");
            i++;
        } else if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || text_invisible(cp)) {
            /* the same string for a JSON reader; nothing a terminal acts on */
            if (cp > 0xFFFF)
                k += (size_t)sprintf(out + k, "\\u%04x\\u%04x", 0xD800 + ((cp - 0x10000) >> 10),
                                     0xDC00 + ((cp - 0x10000) & 0x3FF));
            else
                k += (size_t)sprintf(out + k, "\\u%04x", cp);
            i += len;
        } else {
            memcpy(out + k, text + i, len);
            k += len;
            i += len;
        }
    }
    out[k] = '\0';
    return out;
}
