/* lock: one writer per study. The instance that holds the lock may append to the journal;
 * any other opens the study read-only and can say who holds it.
 *
 * The lock is a file beside the journal (JOURNAL.lock) locked with flock(): the kernel drops
 * the lock when its holder dies, however it dies, so a lock left by a dead process never
 * blocks anyone. The file holds the holder's pid, user, host and start time (for messages
 * only: the flock decides). It is removed on release; acquiring checks that the file it
 * locked is still the one at the path, so removal cannot hand the lock to two processes. */
#ifndef COMBOSCOPE_LOCK_H
#define COMBOSCOPE_LOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "comboscope/error.h"

typedef struct lock_info {
    long pid;        /* 0: unknown (no file, or written by a newer holder not yet) */
    char user[64];
    char host[256];
    char time[32];   /* ISO 8601 UTC */
    bool this_host;  /* host is this machine */
    bool alive;      /* on this host: the pid exists; elsewhere: assumed true */
} lock_info;

typedef struct study_lock {
    int fd;
    char *path;
} study_lock;

typedef enum lock_status {
    LOCK_ACQUIRED = 0, /* *out holds the lock */
    LOCK_BUSY,         /* another process holds it; *holder says who */
    LOCK_UNWRITABLE,   /* no lock file can be made: the directory is not writable (EACCES,
                          EROFS) or the disk is full (ENOSPC, EDQUOT: no lock file is left
                          behind); err says so. Open the study read-only. */
    LOCK_ERROR,        /* err set */
} lock_status;

/* The lock file path of a journal: JOURNAL.lock. Returns a new string. */
char *lock_path_of(const char *journal_path);

/* Tries to take the lock of the journal at journal_path without waiting. On LOCK_ACQUIRED
 * *out is a new lock (release with lock_release); on LOCK_BUSY *holder (if not NULL) is
 * filled from the lock file. */
lock_status lock_acquire(const char *journal_path, study_lock **out, lock_info *holder, cs_error *err);

/* Whether the lock of journal_path is held now, without taking it (a shared flock tried and
 * dropped at once): true with *holder filled from the lock file (pid 0 when it names nobody
 * yet), false when it is free (no lock file, or nobody holds it). For an instance opened
 * read-only by someone else's lock: it notices that the holder is gone, or changed. */
bool lock_probe(const char *journal_path, lock_info *holder);

/* Removes the lock file and drops the lock; frees l. NULL is allowed. */
void lock_release(study_lock *l);

/* Reads who the lock file of journal_path names. False when there is no lock file (or it
 * names nobody); that alone does not prove the lock free: lock_acquire decides. */
bool lock_holder(const char *journal_path, lock_info *out);

/* "user@host, pid N, since TIME" (plus " (not running)" when known dead) into buf. */
char *lock_describe(const lock_info *h, char *buf, size_t n);

#endif
