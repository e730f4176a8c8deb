/* study_json_impl: what the study file's loader shares between its files (study_json.c,
 * study_json_locate.c, study_json_launch.c), not a public header. */
#ifndef COMBOSCOPE_STUDY_JSON_IMPL_H
#define COMBOSCOPE_STUDY_JSON_IMPL_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "comboscope/study_json.h"

/* One load of a study file: its name and text, for located errors. */
typedef struct study_loader {
    const char *file;
    const char *text;
    cs_error *err;
} study_loader;

/* p past JSON white space. */
const char *study_json_skip_ws(const char *p);

/* How many arrays and objects are open at `at` (strings skipped). */
int study_json_depth(const char *text, const char *at);

/* Finds the value at a path in the text: each step is an object key or, written "#N", an
 * array index. Returns NULL when it cannot be found (the caller then reports no column). */
const char *study_json_locate(const char *text, const char *const *path, int n);

/* Sets l->err to fmt (with a, sanitized) at the line and column of the value at path; false. */
bool study_json_fail(study_loader *l, const char *const *path, int n, const char *fmt, const char *a);

/* The string at key of obj, if there, into *out (replacing it); false (located error) when it
 * is not a string or holds control characters. */
bool study_json_get_string(study_loader *l, const cJSON *obj, const char *key, const char *const *path, int n,
                           char **out);

/* Line and column of decoded byte `at` of the JSON string value found at path. */
void study_json_string_pos(study_loader *l, const char *const *path, int n, size_t at, long *line, long *col);

/* The `launch` object (launch.h) into s->launch. False with a located error. */
bool study_json_load_launch(study_loader *l, study *s, const cJSON *obj);

#endif
