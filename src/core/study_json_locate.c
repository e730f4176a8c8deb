/* study_json_locate: where a value is in a study file's JSON text, so that every error the
 * loader reports names the line and column of the value it is about. */
#include "comboscope/study_json.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/text.h"
#include "study_json_impl.h"

void text_line_col(const char *text, size_t off, long *line, long *col)
{
    long l = 1, c = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n')
            l++, c = 1;
        else
            c++;
    }
    *line = l;
    *col = c;
}

/* --- locating a value in the JSON text, for error messages ----------------------------- */

const char *study_json_skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *skip_string(const char *p)
{
    /* p at the opening quote */
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1])
            p++;
    return *p ? p + 1 : p;
}

static const char *skip_value(const char *p)
{
    p = study_json_skip_ws(p);
    if (*p == '"')
        return skip_string(p);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (*p) {
            if (*p == '"') {
                p = skip_string(p);
                continue;
            }
            if (*p == '{' || *p == '[')
                depth++;
            else if (*p == '}' || *p == ']') {
                if (--depth == 0)
                    return p + 1;
            }
            p++;
        }
        return p;
    }
    while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\t' &&
           *p != '\r')
        p++;
    return p;
}

int study_json_depth(const char *text, const char *at)
{
    int depth = 0;
    for (const char *p = text; *p && p < at; p++) {
        if (*p == '"') {
            p = skip_string(p) - 1;
            continue;
        }
        if (*p == '{' || *p == '[')
            depth++;
        else if (*p == '}' || *p == ']')
            depth--;
    }
    return depth;
}

const char *study_json_locate(const char *text, const char *const *path, int n)
{
    const char *p = study_json_skip_ws(text);
    for (int k = 0; k < n && p && *p; k++) {
        const char *step = path[k];
        if (step[0] == '#') {
            if (*p != '[')
                return NULL;
            long want = strtol(step + 1, NULL, 10);
            p = study_json_skip_ws(p + 1);
            for (long i = 0; i < want; i++) {
                p = study_json_skip_ws(skip_value(p));
                if (*p != ',')
                    return NULL;
                p = study_json_skip_ws(p + 1);
            }
        } else {
            if (*p != '{')
                return NULL;
            p = study_json_skip_ws(p + 1);
            size_t len = strlen(step);
            bool found = false;
            while (*p == '"') {
                const char *key = p + 1;
                const char *end = skip_string(p);
                bool match = (size_t)(end - key - 1) == len && strncmp(key, step, len) == 0;
                p = study_json_skip_ws(end);
                if (*p != ':')
                    return NULL;
                p = study_json_skip_ws(p + 1);
                if (match) {
                    found = true;
                    break;
                }
                p = study_json_skip_ws(skip_value(p));
                if (*p != ',')
                    return NULL;
                p = study_json_skip_ws(p + 1);
            }
            if (!found)
                return NULL;
        }
    }
    return p;
}

bool study_json_fail(study_loader *l, const char *const *path, int n, const char *fmt, const char *a)
{
    long line = 0, col = 0;
    const char *at = study_json_locate(l->text, path, n);
    if (at)
        text_line_col(l->text, (size_t)(at - l->text), &line, &col);
    char safe[160];
    return error_set(l->err, l->file, line, col, fmt, a ? text_sanitize(a, safe, sizeof safe) : "");
}

bool study_json_get_string(study_loader *l, const cJSON *obj, const char *key, const char *const *path, int n,
                           char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return true;
    if (!cJSON_IsString(v))
        return study_json_fail(l, path, n, "\"%s\" must be a string", key);
    if (text_has_control(v->valuestring))
        return study_json_fail(l, path, n, "\"%s\" contains control characters", key);
    free(*out);
    *out = text_dup(v->valuestring);
    return true;
}

void study_json_string_pos(study_loader *l, const char *const *path, int n, size_t at, long *line, long *col)
{
    *line = *col = 0;
    const char *p = study_json_locate(l->text, path, n);
    if (!p || *p != '"')
        return;
    p++;
    for (size_t i = 0; i < at && *p && *p != '"'; i++) {
        if (*p == '\\' && p[1] == 'u' && p[2] && p[3] && p[4] && p[5]) {
            unsigned long cp = strtoul((char[5]){p[2], p[3], p[4], p[5], 0}, NULL, 16);
            p += 6;
            i += cp < 0x80 ? 0 : cp < 0x800 ? 1 : 2; /* bytes the code point decodes to, less one */
        } else {
            p += *p == '\\' && p[1] ? 2 : 1;
        }
    }
    text_line_col(l->text, (size_t)(p - l->text), line, col);
}
