/* fileio: the one place where comboscope opens files. Every reader and writer goes through
 * these primitives, so that the rules below hold for every file, old and new.
 *
 * Reading: a path read as data (study file, tables, journal, theme, import inputs) must be a
 * regular file. It is opened with O_NONBLOCK (a FIFO with no writer cannot block the open),
 * checked with fstat (devices, FIFOs, directories and sockets are refused with one line,
 * "FILE: not a regular file (a FIFO)"), then O_NONBLOCK is cleared. Links are followed on
 * reads: a table may be a link to a shared file.
 *
 * Writing: never through a link, never anything but a regular file.
 *  - Files written in place (journal appends, the lock file, JOURNAL.torn) are opened with
 *    file_open_write: O_NOFOLLOW, then fstat: a link or a special file is refused.
 *  - Files replaced whole (queue, study file, tables with appended results, exports) go
 *    through file_write_atomic / file_atomic_*: a new temporary file PATH.tmp.XXXXXX in the
 *    target's directory, created with O_CREAT|O_EXCL (mkstemp: a unique name, never an
 *    existing file or link), given the target's permissions (fchmod of that new file only),
 *    written, fsync'ed, renamed over PATH, and the directory fsync'ed. A PATH that is a link
 *    or not a regular file is refused, never replaced.
 *  - Paths that a study file names for writing (journal, queue, the table results are
 *    appended to, and anything a new writer adds) must stay inside the study's directory:
 *    check them with file_path_confined before use; a study naming one outside, or through a
 *    link, is refused with a located error by the loader.
 * Errors are one line, "FILE: what" with strerror's reason; errno is kept for the caller. */
#ifndef COMBOSCOPE_FILEIO_H
#define COMBOSCOPE_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "comboscope/error.h"

/* Opens path read-only as described above (display: the name for messages, NULL: path).
 * Returns the descriptor, or -1 with err set and errno kept (ENOENT for a missing file;
 * EINVAL for a file that is not regular). */
int file_open_read(const char *path, const char *display, cs_error *err);

/* file_open_read as a stdio stream ("rb"). NULL with err set and errno kept. */
FILE *file_fopen_read(const char *path, const char *display, cs_error *err);

/* Reads the whole regular file at path into a new NUL-terminated buffer (*len bytes, not
 * counting the NUL). Files over max bytes are refused ("larger than the limit of N MiB").
 * NULL with err set. */
char *file_read_all(const char *path, const char *display, size_t max, size_t *len, cs_error *err);

/* Opens path for writing in place: flags (O_RDWR, O_WRONLY, O_APPEND, O_CREAT, O_EXCL, ...)
 * plus O_NOFOLLOW|O_CLOEXEC; refuses a link ("is a symbolic link: comboscope does not write
 * through links") and a file that is not regular. -1 with err set and errno kept. */
int file_open_write(const char *path, int flags, mode_t mode, cs_error *err);

/* Writes len bytes to path atomically (see above). False with err set; path untouched. */
bool file_write_atomic(const char *path, const char *data, size_t len, cs_error *err);

/* A file written in a stream and then put in place atomically, like file_write_atomic. */
typedef struct file_atomic {
    FILE *fp;   /* write here between open and commit */
    char *path; /* the destination */
    char *tmp;  /* the temporary file beside it */
} file_atomic;

/* Creates the temporary file beside path for writing into a->fp. False with err set. */
bool file_atomic_open(file_atomic *a, const char *path, cs_error *err);

/* Flushes a->fp to disk, closes it and renames it over a->path; on any failure removes the
 * temporary file and returns false with err set. Releases a either way. */
bool file_atomic_commit(file_atomic *a, cs_error *err);

/* Closes and removes the temporary file without touching a->path; releases a. */
void file_atomic_abort(file_atomic *a);

/* Whether rel, a path a study file in dir names for writing, stays inside dir: relative, no
 * ".." component, and no existing component (the file itself included) a symbolic link;
 * an existing file must be regular. False with the reason ("is outside the study's
 * directory", "is a symbolic link", "is not a regular file (a FIFO)") in why. */
bool file_path_confined(const char *dir, const char *rel, char *why, size_t n);

/* "a FIFO", "a directory", "a character device", ... for an st_mode. */
const char *file_kind_name(mode_t mode);

#endif
