/* journal_open: opening a journal file, replaying its lines into the model and repairing a
 * torn last line (see journal.h, durability contract). */
#include "comboscope/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "comboscope/text.h"
#include "comboscope/fileio.h"
#include "journal_impl.h"

static char *read_fd(int fd, size_t *len, cs_error *err, const char *path)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n == cap)
            buf = xrealloc(buf, cap *= 2);
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return error_set(err, path, 0, 0, "cannot read: %s", strerror(errno)), NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *len = n;
    return buf;
}

static void fsync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? text_dup(path) : text_dup(".");
    if (slash)
        dir[slash - path == 0 ? 1 : slash - path] = '\0';
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Appends the torn bytes (and a newline) to PATH.torn, flushed to disk. */
static bool save_torn(const char *path, const char *bytes, size_t n, cs_error *err)
{
    size_t plen = strlen(path) + 6;
    char *tp = xmalloc(plen);
    snprintf(tp, plen, "%s.torn", path);
    cs_error e;
    int fd = file_open_write(tp, O_WRONLY | O_APPEND | O_CREAT, 0666, &e);
    bool ok = fd >= 0;
    if (ok) {
        ok = write(fd, bytes, n) == (ssize_t)n && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
        if (!ok)
            error_set(&e, tp, 0, 0, "%s", strerror(errno));
        close(fd);
    }
    if (!ok)
        error_set(err, NULL, 0, 0, "cannot keep the torn last line before repairing the journal: %s", e.msg);
    else
        fsync_dir_of(tp);
    free(tp);
    return ok;
}

journal *journal_open(const char *path, const study *s, bool writable, cs_error *err)
{
    journal *j = xcalloc(1, sizeof *j);
    j->path = text_dup(path);
    j->study = s;
    j->fd = -1;
    bool created = false;
    int fd;
    cs_error oe;
    if (writable) {
        fd = file_open_write(path, O_RDWR | O_APPEND, 0, &oe);
        if (fd < 0 && errno == ENOENT) {
            fd = file_open_write(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL, 0666, &oe);
            created = fd >= 0;
        }
    } else {
        fd = file_open_read(path, NULL, &oe);
        if (fd < 0 && errno == ENOENT)
            return j; /* nothing journaled yet */
    }
    if (fd < 0) {
        if (errno == ELOOP || errno == EINVAL) { /* a link or not a regular file: oe says so */
            if (err)
                *err = oe;
        } else {
            error_set(err, path, 0, 0, "cannot open the journal: %s", strerror(errno));
        }
        journal_free(j);
        return NULL;
    }
    if (created)
        fsync_dir_of(path); /* the new file's name must survive a crash too */
    size_t len;
    char *text = read_fd(fd, &len, err, path);
    if (!text) {
        close(fd);
        journal_free(j);
        return NULL;
    }
    /* The last non-blank line may be torn: find where it starts. */
    size_t end = len;
    while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' ' ||
                       text[end - 1] == '\t'))
        end--;
    size_t last_start = end;
    while (last_start > 0 && text[last_start - 1] != '\n')
        last_start--;
    bool last_has_newline = memchr(text + end, '\n', len - end) != NULL;

    bool ok = true;
    long line = 0;
    size_t pos = 0;
    while (ok && pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t llen = nl ? (size_t)(nl - (text + pos)) : len - pos;
        line++;
        if (!nl && journal_blank(text + pos, llen))
            break; /* trailing blanks without a newline: nothing to keep */
        if (journal_blank(text + pos, llen)) {
            pos += llen + 1;
            j->size = (off_t)pos;
            continue;
        }
        bool is_last = pos == last_start;
        if (is_last && !last_has_newline) {
            /* No newline: the write never completed, whatever its bytes look like. */
            j->torn = true;
            break;
        }
        /* A NUL byte or bytes that are not UTF-8: an error where they are, except on the
         * last line, which a crash may have left filled with zeros: torn. */
        const char *nul = memchr(text + pos, '\0', llen);
        size_t bad = nul ? (size_t)(nul - (text + pos)) : text_utf8_invalid(text + pos, llen);
        if (bad < llen) {
            if (is_last) {
                j->torn = true;
                break;
            }
            if (nul)
                error_set(err, path, line, (long)bad + 1, "NUL byte in the journal");
            else
                error_set(err, path, line, (long)bad + 1, "not UTF-8 (byte 0x%02X)",
                          (unsigned)(unsigned char)text[pos + bad]);
            ok = false;
            break;
        }
        cs_error e;
        journal_line_status st = journal_parse_line(j, text + pos, llen, line, &e);
        if (st == JOURNAL_LINE_SYNTAX && is_last) {
            j->torn = true;
            break;
        }
        if (st != JOURNAL_LINE_OK) {
            if (err)
                *err = e;
            ok = false;
            break;
        }
        pos += llen + 1;
        j->size = (off_t)pos;
    }
    for (off_t i = 0; i < j->size; i++)
        j->lines += text[i] == '\n';
    if (!ok) {
        free(text);
        close(fd);
        journal_free(j);
        return NULL;
    }
    if (j->torn) {
        char safe[256];
        snprintf(j->warning, sizeof j->warning, "%s:%ld: torn last line skipped",
                 text_sanitize(path, safe, sizeof safe), line);
    }
    if (writable && (size_t)j->size < len) {
        /* Cut the torn bytes so that the next line does not glue onto them; keep a copy in
         * JOURNAL.torn first, so that nothing the file held is lost even by the repair. */
        if (j->torn && !save_torn(path, text + j->size, len - (size_t)j->size, err)) {
            free(text);
            close(fd);
            journal_free(j);
            return NULL;
        }
        if (ftruncate(fd, j->size) != 0 || fsync(fd) != 0) {
            free(text);
            error_set(err, path, line, 0, "cannot truncate the torn last line: %s", strerror(errno));
            close(fd);
            journal_free(j);
            return NULL;
        }
    }
    free(text);
    if (writable) {
        struct stat st;
        if (fstat(fd, &st) != 0) {
            error_set(err, path, 0, 0, "cannot open the journal: %s", strerror(errno));
            close(fd);
            journal_free(j);
            return NULL;
        }
        j->fd = fd;
        j->dev = st.st_dev;
        j->ino = st.st_ino;
    } else {
        close(fd);
    }
    return j;
}

journal *journal_open_study(const study *s, bool read_only, study_lock **lock, lock_info *holder,
                            cs_error *err)
{
    *lock = NULL;
    memset(holder, 0, sizeof *holder);
    char *path = journal_path_of(s);
    if (!path) {
        error_set(err, s->path, 0, 0, "the study names no journal");
        return NULL;
    }
    bool writable = false;
    cs_error why = {""};
    if (!read_only) {
        lock_status st = lock_acquire(path, lock, holder, &why);
        if (st == LOCK_ERROR) {
            if (err)
                *err = why;
            free(path);
            return NULL;
        }
        if (st != LOCK_UNWRITABLE)
            why.msg[0] = '\0';
        writable = st == LOCK_ACQUIRED;
        if (st == LOCK_BUSY && holder->pid <= 0)
            holder->pid = -1; /* held, by someone not yet identified */
    }
    if (writable && access(path, W_OK) != 0 && (errno == EACCES || errno == EROFS)) {
        /* the journal itself cannot be written (a file sent read-only): review it */
        char safe[256];
        error_set(&why, text_sanitize(path, safe, sizeof safe), 0, 0,
                  "journal not writable (%s): opened read-only; use --read-only to review", strerror(errno));
        lock_release(*lock);
        *lock = NULL;
        writable = false;
    }
    journal *j = journal_open(path, s, writable, err);
    free(path);
    if (j)
        snprintf(j->read_only_why, sizeof j->read_only_why, "%s", why.msg);
    if (!j) {
        lock_release(*lock);
        *lock = NULL;
    }
    return j;
}

bool journal_rebind(journal *j, const study *s, cs_error *err)
{
    bool same = s->n_datasets == j->study->n_datasets;
    for (int d = 0; same && d < s->n_datasets; d++)
        same = strcmp(s->datasets[d].name, j->study->datasets[d].name) == 0;
    if (!same)
        return error_set(err, j->path, 0, 0, "the study's datasets changed since the journal was opened; reopen it");
    j->study = s;
    return true;
}
