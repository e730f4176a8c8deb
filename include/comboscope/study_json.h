/* study_json: the study file (DESIGN.md section 3) read and written with cJSON, and opening
 * a study from either a study file or a bare result table. */
#ifndef COMBOSCOPE_STUDY_JSON_H
#define COMBOSCOPE_STUDY_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "comboscope/error.h"
#include "comboscope/fileio.h"
#include "comboscope/study.h"

/* The largest study file read (a study file names tables; it does not hold them). */
#define STUDY_FILE_MAX ((size_t)16 << 20)

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

/* Joins dir and a relative path (absolute paths and NULL/"" dir returned as they are).
 * Returns a new string. */
char *path_join(const char *dir, const char *rel);

/* Whether path (as given, relative to the current directory) is one of the files study s reads
 * or writes: the study file (or the table opened bare), a table, the journal, its lock file or
 * the queue, under any spelling or through a link. When it is, what (size n) names it
 * ("the table \"runs.csv\""): an export or a report written there would replace it. */
bool study_names_file(const study *s, const char *path, char *what, size_t n);

/* 1-based line and column of byte offset `off` in text. */
void text_line_col(const char *text, size_t off, long *line, long *col);

#endif
