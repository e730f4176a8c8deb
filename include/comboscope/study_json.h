/* study_json: the study file (DESIGN.md section 3) read and written with cJSON, and opening
 * a study from either a study file or a bare result table. */
#ifndef COMBOSCOPE_STUDY_JSON_H
#define COMBOSCOPE_STUDY_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "comboscope/error.h"
#include "comboscope/study.h"

/* Overrides for opening: NULL / false keep what the file says or the defaults. */
typedef struct study_open_options {
    const char *metric; /* --metric */
    const char *goal;   /* --goal: "max" or "min" */
} study_open_options;

/* Opens path: a study file (JSON, by a .json name or a leading '{') with all its tables, a
 * directory (its study.json; an error names the directory when it has none), or a bare result
 * table. Returns a new study (free with study_free), or NULL with err set. */
study *study_open(const char *path, const study_open_options *opt, cs_error *err);

/* Parses the study file at path (without reading its tables). NULL with err set on error. */
study *study_json_load(const char *path, cs_error *err);

/* Reads every table the study names, resolved against s->dir. False with err set. */
bool study_load_tables(study *s, cs_error *err);

/* Writes s back to s->path atomically, keeping every key of the file it does not know. */
bool study_json_save(study *s, cs_error *err);

/* Frees a parsed study file kept in study.json. */
void study_json_release(void *json);

/* Writes len bytes to path atomically: a temporary file beside it, flushed to disk, then
 * renamed over path, then the directory flushed. False with err set. */
bool file_write_atomic(const char *path, const char *data, size_t len, cs_error *err);

/* A file written in a stream and then put in place atomically, like file_write_atomic. */
typedef struct file_atomic {
    FILE *fp;   /* write here between open and commit */
    char *path; /* the destination */
    char *tmp;  /* the temporary file beside it */
} file_atomic;

/* Opens a temporary file beside path for writing into a->fp. False with err set. */
bool file_atomic_open(file_atomic *a, const char *path, cs_error *err);

/* Flushes a->fp to disk, closes it and renames it over a->path; on any failure removes the
 * temporary file and returns false with err set. Releases a either way. */
bool file_atomic_commit(file_atomic *a, cs_error *err);

/* Closes and removes the temporary file without touching a->path; releases a. */
void file_atomic_abort(file_atomic *a);

/* Joins dir and a relative path (absolute paths and NULL/"" dir returned as they are).
 * Returns a new string. */
char *path_join(const char *dir, const char *rel);

/* 1-based line and column of byte offset `off` in text. */
void text_line_col(const char *text, size_t off, long *line, long *col);

#endif
