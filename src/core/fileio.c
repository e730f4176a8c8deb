#include "comboscope/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "comboscope/text.h"

const char *file_kind_name(mode_t mode)
{
    if (S_ISREG(mode))
        return "a regular file";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISLNK(mode))
        return "a symbolic link";
    return "a special file";
}

static const char *shown(const char *path, const char *display, char *buf, size_t n)
{
    return text_sanitize(display ? display : path, buf, n);
}

int file_open_read(const char *path, const char *display, cs_error *err)
{
    char safe[256];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        error_set(err, shown(path, display, safe, sizeof safe), 0, 0, "cannot open: %s", strerror(e));
        errno = e;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        error_set(err, shown(path, display, safe, sizeof safe), 0, 0, "cannot open: %s", strerror(e));
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        error_set(err, shown(path, display, safe, sizeof safe), 0, 0,
                  "not a regular file (%s): comboscope reads only regular files", file_kind_name(st.st_mode));
        errno = EINVAL;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

FILE *file_fopen_read(const char *path, const char *display, cs_error *err)
{
    int fd = file_open_read(path, display, err);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        char safe[256];
        close(fd);
        error_set(err, shown(path, display, safe, sizeof safe), 0, 0, "cannot open: %s", strerror(e));
        errno = e;
    }
    return f;
}

char *file_read_all(const char *path, const char *display, size_t max, size_t *len, cs_error *err)
{
    int fd = file_open_read(path, display, err);
    if (fd < 0)
        return NULL;
    char safe[256];
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (cap - n < 2)
            buf = xrealloc(buf, cap *= 2);
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            error_set(err, shown(path, display, safe, sizeof safe), 0, 0, "read error: %s", strerror(e));
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > max) {
            free(buf);
            close(fd);
            error_set(err, shown(path, display, safe, sizeof safe), 0, 0,
                      "larger than the limit of %zu MiB", max >> 20);
            return NULL;
        }
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
}

int file_open_write(const char *path, int flags, mode_t mode, cs_error *err)
{
    char safe[256];
    int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        int e = errno;
        struct stat st;
        if (e == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
            error_set(err, text_sanitize(path, safe, sizeof safe), 0, 0,
                      "is a symbolic link: comboscope does not write through links");
        else
            error_set(err, text_sanitize(path, safe, sizeof safe), 0, 0, "cannot open for writing: %s",
                      strerror(e));
        errno = e;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        bool stat_ok = fstat(fd, &st) == 0;
        close(fd);
        if (stat_ok)
            error_set(err, text_sanitize(path, safe, sizeof safe), 0, 0,
                      "not a regular file (%s): comboscope writes only regular files", file_kind_name(st.st_mode));
        else
            error_set(err, text_sanitize(path, safe, sizeof safe), 0, 0, "cannot open for writing: %s",
                      strerror(e));
        errno = stat_ok ? EINVAL : e;
        return -1;
    }
    return fd;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return text_dup(".");
    char *d = text_dup(path);
    d[slash == path ? 1 : (size_t)(slash - path)] = '\0';
    return d;
}

/* Flushes the directory holding path, so that a rename into it survives a crash. */
static void sync_dir(const char *path)
{
    char *d = dir_of(path);
    int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(d);
}

/* Creates a new temporary file beside path: PATH.tmp.XXXXXX, made by mkstemp (O_EXCL: never
 * an existing file or link), with path's permissions when path exists, else the usual
 * 0666 & ~umask. The destination itself must be absent or a regular file, never a link.
 * -1 with err set. */
static int open_tmp(const char *path, char **tmp, cs_error *err)
{
    char safe[256];
    *tmp = NULL;
    struct stat st;
    mode_t mode;
    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode))
            return error_set(err, text_sanitize(path, safe, sizeof safe), 0, 0,
                             "is a symbolic link: comboscope does not write through links"), -1;
        if (!S_ISREG(st.st_mode))
            return error_set(err, text_sanitize(path, safe, sizeof safe), 0, 0,
                             "not a regular file (%s): comboscope writes only regular files",
                             file_kind_name(st.st_mode)), -1;
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    size_t n = strlen(path) + 16;
    *tmp = xmalloc(n);
    snprintf(*tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(*tmp);
    if (fd < 0) {
        int e = errno;
        error_set(err, text_sanitize(path, safe, sizeof safe), 0, 0, "cannot write: %s", strerror(e));
        free(*tmp);
        *tmp = NULL;
        errno = e;
        return -1;
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    /* fd is the file mkstemp just created: the only file whose mode this can change. */
    (void)fchmod(fd, mode);
    return fd;
}

bool file_write_atomic(const char *path, const char *data, size_t len, cs_error *err)
{
    char *tmp;
    char safe[256];
    int fd = open_tmp(path, &tmp, err);
    if (fd < 0)
        return false;
    const char *shown_path = text_sanitize(path, safe, sizeof safe);
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            error_set(err, shown_path, 0, 0, "cannot write: %s", w < 0 ? strerror(errno) : "short write");
            close(fd);
            unlink(tmp);
            free(tmp);
            return false;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        error_set(err, shown_path, 0, 0, "cannot flush to disk: %s", strerror(errno));
        unlink(tmp);
        free(tmp);
        return false;
    }
    if (rename(tmp, path) != 0) {
        error_set(err, shown_path, 0, 0, "cannot replace: %s", strerror(errno));
        unlink(tmp);
        free(tmp);
        return false;
    }
    free(tmp);
    sync_dir(path);
    return true;
}

bool file_atomic_open(file_atomic *a, const char *path, cs_error *err)
{
    a->fp = NULL;
    a->path = NULL;
    int fd = open_tmp(path, &a->tmp, err);
    if (fd < 0)
        return false;
    a->fp = fdopen(fd, "wb");
    if (!a->fp) {
        char safe[256];
        error_set(err, text_sanitize(path, safe, sizeof safe), 0, 0, "cannot write: %s", strerror(errno));
        close(fd);
        unlink(a->tmp);
        free(a->tmp);
        a->tmp = NULL;
        return false;
    }
    a->path = text_dup(path);
    return true;
}

static void file_atomic_release(file_atomic *a)
{
    free(a->tmp);
    free(a->path);
    a->tmp = a->path = NULL;
    a->fp = NULL;
}

void file_atomic_abort(file_atomic *a)
{
    if (a->fp) {
        fclose(a->fp);
        unlink(a->tmp);
    }
    file_atomic_release(a);
}

bool file_atomic_commit(file_atomic *a, cs_error *err)
{
    char safe[256];
    const char *p = text_sanitize(a->path, safe, sizeof safe);
    bool ok = true;
    if (fflush(a->fp) != 0 || ferror(a->fp))
        ok = error_set(err, p, 0, 0, "cannot write: %s", strerror(errno));
    else if (fsync(fileno(a->fp)) != 0)
        ok = error_set(err, p, 0, 0, "cannot flush to disk: %s", strerror(errno));
    if (fclose(a->fp) != 0 && ok)
        ok = error_set(err, p, 0, 0, "cannot write: %s", strerror(errno));
    a->fp = NULL;
    if (ok && rename(a->tmp, a->path) != 0)
        ok = error_set(err, p, 0, 0, "cannot replace: %s", strerror(errno));
    if (ok)
        sync_dir(a->path);
    else
        unlink(a->tmp);
    file_atomic_release(a);
    return ok;
}

bool file_path_confined(const char *dir, const char *rel, char *why, size_t n)
{
    if (!rel || !rel[0]) {
        snprintf(why, n, "is empty");
        return false;
    }
    if (rel[0] == '/') {
        snprintf(why, n, "is outside the study's directory (an absolute path)");
        return false;
    }
    /* Lexically: no ".." component at all (a/../b is simply written b). */
    for (const char *p = rel; *p;) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            snprintf(why, n, "is outside the study's directory (it goes through \"..\")");
            return false;
        }
        p += len;
        while (*p == '/')
            p++;
    }
    /* On disk: no existing component a link, the file itself regular if it exists. */
    size_t dl = dir && dir[0] ? strlen(dir) : 0;
    char *full = xmalloc(dl + strlen(rel) + 2);
    size_t base = 0;
    if (dl) {
        memcpy(full, dir, dl);
        full[dl] = '/';
        base = dl + 1;
    }
    strcpy(full + base, rel);
    bool ok = true;
    for (char *p = full + base; ok && *p;) {
        char *e = strchr(p, '/');
        bool last = !e;
        if (e)
            *e = '\0';
        struct stat st;
        if (lstat(full, &st) != 0) {
            if (e)
                *e = '/';
            break; /* created later, inside what exists */
        }
        if (S_ISLNK(st.st_mode)) {
            snprintf(why, n, "%s a symbolic link: comboscope does not write through links",
                     last ? "is" : "goes through");
            ok = false;
        } else if (last && !S_ISREG(st.st_mode)) {
            snprintf(why, n, "is not a regular file (%s)", file_kind_name(st.st_mode));
            ok = false;
        }
        if (!e)
            break;
        *e = '/';
        p = e + 1;
        while (*p == '/')
            p++;
    }
    free(full);
    return ok;
}
