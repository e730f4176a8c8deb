/* flock() is BSD, not POSIX: ask glibc for it. */
#define _DEFAULT_SOURCE
#include "comboscope/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "comboscope/text.h"
#include "comboscope/fileio.h"

char *lock_path_of(const char *journal_path)
{
    size_t n = strlen(journal_path) + 6;
    char *p = xmalloc(n);
    snprintf(p, n, "%s.lock", journal_path);
    return p;
}

static void this_host(char *buf, size_t n)
{
    if (gethostname(buf, n) != 0)
        snprintf(buf, n, "unknown");
    buf[n - 1] = '\0';
}

static void parse_info(const char *text, lock_info *out)
{
    memset(out, 0, sizeof *out);
    char host[256];
    this_host(host, sizeof host);
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[320];
        if (len >= sizeof line)
            len = sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        char *val = strchr(line, ' ');
        if (val) {
            *val++ = '\0';
            if (strcmp(line, "pid") == 0) {
                /* A pid no process can have names nobody (cast to pid_t it would wrap to
                 * another process, or to -1: every one). */
                long pid = strtol(val, NULL, 10);
                out->pid = pid > 0 && pid == (long)(pid_t)pid ? pid : 0;
            }
            else if (strcmp(line, "user") == 0)
                snprintf(out->user, sizeof out->user, "%s", val);
            else if (strcmp(line, "host") == 0)
                snprintf(out->host, sizeof out->host, "%s", val);
            else if (strcmp(line, "time") == 0)
                snprintf(out->time, sizeof out->time, "%s", val);
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    out->this_host = out->host[0] && strcmp(out->host, host) == 0;
    out->alive = true;
    if (out->this_host && out->pid > 0)
        out->alive = kill((pid_t)out->pid, 0) == 0 || errno == EPERM;
}

static bool read_info(int fd, lock_info *out)
{
    char buf[1024];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    parse_info(buf, out);
    return out->pid > 0;
}

bool lock_holder(const char *journal_path, lock_info *out)
{
    memset(out, 0, sizeof *out);
    char *path = lock_path_of(journal_path);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return false;
    bool ok = read_info(fd, out);
    close(fd);
    return ok;
}

/* "DIR: directory not writable (REASON): opened read-only; use --read-only to review" */
static void lock_unwritable(const char *lock_path, int e, cs_error *err)
{
    char *dir = text_dup(lock_path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        strcpy(dir, ".");
    char safe[256];
    error_set(err, text_sanitize(dir, safe, sizeof safe), 0, 0, "%s (%s): opened read-only; use --read-only to review",
              e == ENOSPC || e == EDQUOT ? "disk full" : "directory not writable", strerror(e));
    free(dir);
}

lock_status lock_acquire(const char *journal_path, study_lock **out, lock_info *holder, cs_error *err)
{
    *out = NULL;
    if (holder)
        memset(holder, 0, sizeof *holder);
    char *path = lock_path_of(journal_path);
    for (int attempt = 0; attempt < 16; attempt++) {
        bool mine = true;
        cs_error oe;
        int fd = file_open_write(path, O_RDWR | O_CREAT, 0666, &oe);
        int first = fd < 0 ? errno : 0;
        if (fd < 0 && (first == EROFS || first == ENOSPC || first == EDQUOT)) {
            lock_unwritable(path, first, err);
            free(path);
            return LOCK_UNWRITABLE;
        }
        if (fd < 0 && errno == EACCES) {
            /* Another user's lock file: flock needs only read access, so we can still learn
             * whether it is held, and take over a stale one by replacing the file. When
             * there is no file, the first error (the directory is not writable) stands. */
            cs_error re;
            fd = file_open_write(path, O_RDONLY, 0, &re);
            if (fd < 0 && errno == ENOENT) {
                /* no lock file, and none can be made: the directory is not writable */
                lock_unwritable(path, first, err);
                free(path);
                return LOCK_UNWRITABLE;
            }
            if (fd < 0)
                oe = re;
            mine = false;
        }
        if (fd < 0) {
            error_set(err, NULL, 0, 0, "%s (the lock file)", oe.msg);
            free(path);
            return LOCK_ERROR;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            if (e == EWOULDBLOCK || e == EAGAIN) {
                if (holder)
                    read_info(fd, holder);
                close(fd);
                free(path);
                return LOCK_BUSY;
            }
            close(fd);
            error_set(err, path, 0, 0, "cannot lock: %s", strerror(e));
            free(path);
            return LOCK_ERROR;
        }
        /* The previous holder may have removed the file between our open and our flock:
         * then we locked an orphan, and must start over on the file now at the path. */
        struct stat a, b;
        if (fstat(fd, &a) != 0 || stat(path, &b) != 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
            close(fd);
            continue;
        }
        if (!mine) {
            /* Free, but the file is not ours to rewrite: remove it (while locked, so that
             * anyone who opened it retries) and create our own. */
            int e = unlink(path) == 0 ? 0 : errno;
            close(fd);
            if (e) {
                error_set(err, path, 0, 0, "cannot replace a stale lock file: %s", strerror(e));
                free(path);
                return LOCK_ERROR;
            }
            continue;
        }
        /* Ours. Whatever the file says is from a dead holder: replace it. */
        char host[256], when[32], user[64] = "unknown";
        this_host(host, sizeof host);
        struct passwd *pw = getpwuid(geteuid());
        if (pw && pw->pw_name)
            snprintf(user, sizeof user, "%s", pw->pw_name);
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        char info[600];
        int n = snprintf(info, sizeof info, "pid %ld\nuser %s\nhost %s\ntime %s\n", (long)getpid(),
                         user, host, when);
        errno = 0;
        if (ftruncate(fd, 0) != 0 || pwrite(fd, info, (size_t)n, 0) != n) {
            int e = errno ? errno : ENOSPC; /* a short write: the disk filled up */
            if (e == ENOSPC || e == EDQUOT) {
                /* A full disk: nothing can be saved, but the study can still be reviewed. The
                 * empty file goes (while locked, so that anyone who opened it retries). */
                unlink(path);
                close(fd);
                lock_unwritable(path, e, err);
                free(path);
                return LOCK_UNWRITABLE;
            }
            error_set(err, path, 0, 0, "cannot write the lock file: %s", strerror(e));
            close(fd);
            free(path);
            return LOCK_ERROR;
        }
        study_lock *l = xmalloc(sizeof *l);
        l->fd = fd;
        l->path = path;
        *out = l;
        return LOCK_ACQUIRED;
    }
    error_set(err, path, 0, 0, "cannot lock: the lock file keeps being replaced");
    free(path);
    return LOCK_ERROR;
}

bool lock_probe(const char *journal_path, lock_info *holder)
{
    memset(holder, 0, sizeof *holder);
    char *path = lock_path_of(journal_path);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return false; /* no lock file: nobody holds it */
    bool held = false;
    if (flock(fd, LOCK_SH | LOCK_NB) != 0)
        held = errno == EWOULDBLOCK || errno == EAGAIN;
    else
        flock(fd, LOCK_UN);
    if (held)
        read_info(fd, holder);
    close(fd);
    return held;
}

void lock_release(study_lock *l)
{
    if (!l)
        return;
    /* Unlink while still holding the lock: a waiter that opened the old file notices the
     * change of inode and retries. */
    unlink(l->path);
    close(l->fd);
    free(l->path);
    free(l);
}

char *lock_describe(const lock_info *h, char *buf, size_t n)
{
    char user[64], host[256], when[32];
    if (h->pid <= 0) {
        snprintf(buf, n, "another comboscope (not yet identified)");
        return buf;
    }
    snprintf(buf, n, "%s@%s, pid %ld, since %s%s", text_sanitize(h->user, user, sizeof user),
             text_sanitize(h->host, host, sizeof host), h->pid, h->time[0] ? text_sanitize(h->time, when, sizeof when) : "?",
             h->alive ? "" : " (not running)");
    return buf;
}
