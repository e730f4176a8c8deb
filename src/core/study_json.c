#include "comboscope/study_json.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "comboscope/launch.h"
#include "comboscope/table_csv.h"
#include "comboscope/text.h"
#include "study_json_impl.h"

void study_json_release(void *json)
{
    cJSON_Delete(json);
}

char *path_join(const char *dir, const char *rel)
{
    if (!dir || !dir[0] || rel[0] == '/' || strcmp(dir, ".") == 0)
        return text_dup(rel);
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

static char *dir_of(const char *path)
{
    char *copy = text_dup(path);
    char *d = text_dup(dirname(copy));
    free(copy);
    return d;
}

static char *read_all(const char *path, size_t *len, cs_error *err)
{
    return file_read_all(path, NULL, STUDY_FILE_MAX, len, err);
}

static bool load_datasets(study_loader *l, study *s, const cJSON *arr)
{
    const char *path[3] = {"datasets", NULL, NULL};
    char idx[24];
    if (!cJSON_IsArray(arr))
        return study_json_fail(l, path, 1, "\"datasets\" must be an array%s", NULL);
    int i = 0;
    const cJSON *d;
    cJSON_ArrayForEach(d, arr) {
        snprintf(idx, sizeof idx, "#%d", i++);
        path[1] = idx;
        const char *name = NULL, *task = NULL;
        if (cJSON_IsString(d)) {
            name = d->valuestring;
        } else if (cJSON_IsObject(d)) {
            const cJSON *n = cJSON_GetObjectItemCaseSensitive(d, "name");
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(d, "task");
            path[2] = "name";
            if (!n)
                return study_json_fail(l, path, 2, "dataset has no \"name\"%s", NULL);
            if (!cJSON_IsString(n))
                return study_json_fail(l, path, 3, "\"name\" must be a string%s", NULL);
            name = n->valuestring;
            if (t && !cJSON_IsString(t)) {
                path[2] = "task";
                return study_json_fail(l, path, 3, "\"task\" must be a string%s", NULL);
            }
            task = t ? t->valuestring : NULL;
        } else {
            return study_json_fail(l, path, 2, "a dataset must be an object {\"name\", \"task\"} or a name%s", NULL);
        }
        cs_error e;
        if (study_add_dataset(s, name, task, &e) < 0) {
            path[2] = "name";
            return study_json_fail(l, path, cJSON_IsObject(d) ? 3 : 2, "%s", e.msg);
        }
    }
    s->datasets_fixed = s->n_datasets > 0;
    return true;
}

static bool load_string_array(study_loader *l, const cJSON *arr, const char *key, char ***out, int *n)
{
    const char *path[2] = {key, NULL};
    char idx[24];
    if (!cJSON_IsArray(arr))
        return study_json_fail(l, path, 1, "\"%s\" must be an array of strings", key);
    int count = cJSON_GetArraySize(arr);
    *out = xcalloc((size_t)count + 1, sizeof **out);
    *n = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, arr) {
        snprintf(idx, sizeof idx, "#%d", *n);
        path[1] = idx;
        if (!cJSON_IsString(v))
            return study_json_fail(l, path, 2, "every entry of \"%s\" must be a string", key);
        if (text_has_control(v->valuestring))
            return study_json_fail(l, path, 2, "an entry of \"%s\" contains control characters", key);
        (*out)[(*n)++] = text_dup(v->valuestring);
    }
    return true;
}

static bool load_search(study_loader *l, study *s, const cJSON *obj)
{
    const char *path[2] = {"search", NULL};
    if (!cJSON_IsObject(obj))
        return study_json_fail(l, path, 1, "\"search\" must be an object%s", NULL);
    path[1] = "predictor";
    if (!study_json_get_string(l, obj, "predictor", path, 2, &s->search.predictor))
        return false;
    path[1] = "acquisition";
    if (!study_json_get_string(l, obj, "acquisition", path, 2, &s->search.acquisition))
        return false;
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(obj, "batch");
    if (b) {
        path[1] = "batch";
        if (!cJSON_IsNumber(b) || b->valuedouble < 1 || b->valuedouble > 10000 ||
            b->valuedouble != (double)(int)b->valuedouble)
            return study_json_fail(l, path, 2, "\"batch\" must be a whole number from 1 to 10000%s", NULL);
        s->search.batch = b->valueint;
    }
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(obj, "seed");
    if (seed) {
        path[1] = "seed";
        if (!cJSON_IsNumber(seed) || seed->valuedouble < 0 || seed->valuedouble > 4294967295.0 ||
            seed->valuedouble != (double)(unsigned long)seed->valuedouble)
            return study_json_fail(l, path, 2, "\"seed\" must be a whole number from 0 to 4294967295%s", NULL);
        s->search.seed = (unsigned long)seed->valuedouble;
    }
    return true;
}

static char *name_from_path(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *name = text_dup(base);
    char *dot = strrchr(name, '.');
    if (dot && dot != name)
        *dot = '\0';
    return name;
}

/* ---- what JSON allows and a study file must not hold ---------------------------------------- */

#define DUP_DEPTH_MAX 16

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A key given twice in one object: JSON allows it, and which one counts would be a guess ("goal"
 * max, then min). Depth-first, each object's keys sorted (a hostile file may hold a million);
 * false (located at the key's first place) when one is found. */
static bool check_duplicate_keys(study_loader *l, const cJSON *node, const char **path, char (*idx)[24], int depth)
{
    if (cJSON_IsObject(node)) {
        size_t n = 0;
        for (const cJSON *c = node->child; c; c = c->next)
            n++;
        const char **keys = xcalloc(n + 1, sizeof *keys);
        size_t k = 0;
        for (const cJSON *c = node->child; c; c = c->next)
            if (c->string)
                keys[k++] = c->string;
        qsort(keys, k, sizeof *keys, key_cmp);
        const char *dup = NULL;
        for (size_t i = 1; i < k && !dup; i++)
            if (strcmp(keys[i - 1], keys[i]) == 0)
                dup = keys[i];
        free(keys);
        if (dup) {
            if (depth < DUP_DEPTH_MAX)
                path[depth] = dup;
            return study_json_fail(l, path, depth < DUP_DEPTH_MAX ? depth + 1 : 0,
                                   "\"%s\" is given twice in the same object (which one counts would be a guess)",
                                   dup);
        }
    }
    int i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        if (!cJSON_IsObject(c) && !cJSON_IsArray(c))
            continue;
        if (depth < DUP_DEPTH_MAX) {
            if (cJSON_IsObject(node)) {
                path[depth] = c->string;
            } else {
                snprintf(idx[depth], sizeof idx[depth], "#%d", i);
                path[depth] = idx[depth];
            }
        }
        if (!check_duplicate_keys(l, c, path, idx, depth + 1))
            return false;
    }
    return true;
}

/* "\u0000" in a string: cJSON would cut the string there, silently ("a\u0000b" read as "a"). */
static bool check_escaped_nul(study_loader *l, const char *text)
{
    for (const char *p = strstr(text, "\\u0000"); p; p = strstr(p + 1, "\\u0000")) {
        size_t slashes = 0;
        while (p - slashes > text && p[-(ptrdiff_t)slashes - 1] == '\\')
            slashes++;
        if (slashes % 2 == 0) { /* not itself an escaped backslash */
            long line, col;
            text_line_col(text, (size_t)(p - text), &line, &col);
            return error_set(l->err, l->file, line, col, "\\u0000 (a NUL character) in a string");
        }
    }
    return true;
}

/* A name for the file at rel (against dir) that two spellings of one file share: its device and
 * inode, or for a file not there yet, its path without "./" steps. New string. */
static char *file_identity(const char *dir, const char *rel)
{
    char *full = path_join(dir, rel);
    struct stat st;
    if (stat(full, &st) == 0) {
        free(full);
        char buf[64];
        snprintf(buf, sizeof buf, "@%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
        return text_dup(buf);
    }
    char *w = full; /* "a/./b" -> "a/b", "./x" -> "x", "a//b" -> "a/b" */
    for (char *r = full; *r;) {
        if ((r == full || r[-1] == '/') && r[0] == '.' && r[1] == '/') {
            r += 2;
            continue;
        }
        if (r[0] == '/' && r[1] == '/') {
            r++;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
    return full;
}

/* The files a study names must be distinct: a table listed twice would count every row twice
 * (as replicates), and a journal or queue that is a table, the study file or each other would
 * be overwritten by the program. False with the error at the second name. */
static bool check_distinct_files(study_loader *l, const study *s)
{
    int n = s->n_tables;
    char **id = xcalloc((size_t)n + 3, sizeof *id);
    const char *what[3] = {"the study file", "\"journal\"", "\"queue\""};
    for (int i = 0; i < n; i++)
        id[i] = file_identity(s->dir, s->tables[i]);
    id[n] = file_identity(NULL, s->path);
    id[n + 1] = s->journal ? file_identity(s->dir, s->journal) : NULL;
    id[n + 2] = s->queue ? file_identity(s->dir, s->queue) : NULL;
    bool ok = true;
    char idx[24], safe[200], safe2[200];
    for (int i = 0; ok && i < n; i++)
        for (int j = 0; ok && j < i; j++)
            if (strcmp(id[i], id[j]) == 0) {
                snprintf(idx, sizeof idx, "#%d", i);
                const char *pt[2] = {"tables", idx};
                snprintf(safe2, sizeof safe2, "%s", s->tables[j]);
                char msg[512];
                snprintf(msg, sizeof msg, "table \"%s\" is listed twice (as \"%s\" too): its rows would count twice",
                         text_sanitize(s->tables[i], safe, sizeof safe), text_sanitize(safe2, safe2, sizeof safe2));
                ok = study_json_fail(l, pt, 2, "%s", msg);
            }
    for (int w = 1; ok && w <= 2; w++) {
        if (!id[n + w])
            continue;
        const char *pw[1] = {w == 1 ? "journal" : "queue"};
        for (int k = 0; ok && k < n + w; k++) {
            if (strcmp(id[n + w], id[k] ? id[k] : "") != 0)
                continue;
            char other[256];
            if (k < n)
                snprintf(other, sizeof other, "table \"%s\"", text_sanitize(s->tables[k], safe, sizeof safe));
            else
                snprintf(other, sizeof other, "%s", what[k - n]);
            char msg[512];
            snprintf(msg, sizeof msg, "%s is the same file as %s: the program would write over it", what[w], other);
            ok = study_json_fail(l, pw, 1, "%s", msg);
        }
    }
    for (int i = 0; i < n + 3; i++)
        free(id[i]);
    free(id);
    return ok;
}

bool study_names_file(const study *s, const char *path, char *what, size_t n)
{
    char *id = file_identity(NULL, path), safe[200];
    bool found = false;
    char *cand = s->path ? file_identity(NULL, s->path) : NULL;
    if (cand && strcmp(cand, id) == 0) {
        found = true;
        snprintf(what, n, s->json ? "the study file" : "the table opened");
    }
    free(cand);
    for (int i = 0; !found && i < s->n_tables; i++) {
        cand = file_identity(s->dir, s->tables[i]);
        if (strcmp(cand, id) == 0) {
            found = true;
            snprintf(what, n, "the study's table \"%s\"", text_sanitize(s->tables[i], safe, sizeof safe));
        }
        free(cand);
    }
    const char *rel[2] = {s->journal, s->queue};
    static const char *const names[2] = {"the study's journal", "the study's queue"};
    for (int k = 0; !found && k < 2; k++) {
        if (!rel[k])
            continue;
        cand = file_identity(s->dir, rel[k]);
        found = strcmp(cand, id) == 0;
        if (found)
            snprintf(what, n, "%s", names[k]);
        free(cand);
        if (!found && k == 0) { /* its lock file: JOURNAL.lock */
            size_t m = strlen(rel[0]) + 6;
            char *lock = xmalloc(m);
            snprintf(lock, m, "%s.lock", rel[0]);
            cand = file_identity(s->dir, lock);
            found = strcmp(cand, id) == 0;
            if (found)
                snprintf(what, n, "the study's lock file");
            free(cand);
            free(lock);
        }
    }
    free(id);
    return found;
}

study *study_json_load(const char *path, cs_error *err)
{
    size_t len;
    char *text = read_all(path, &len, err);
    if (!text)
        return NULL;
    /* A byte-order mark is allowed, as in tables; positions count from after it. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        memmove(text, text + 3, len - 2);
        len -= 3;
    }
    study_loader l = {.file = path, .text = text, .err = err};
    if (len == 0 || !*study_json_skip_ws(text)) {
        error_set(err, path, 1, 1, "empty file (expected a study: a JSON object)");
        free(text);
        return NULL;
    }
    if (len >= 2 && ((unsigned char)text[0] == 0xFF || (unsigned char)text[0] == 0xFE) &&
        (unsigned char)text[1] == ((unsigned char)text[0] ^ 0x01)) {
        error_set(err, path, 1, 1, "UTF-16 text (byte-order mark %02X %02X): save the file as UTF-8",
                  (unsigned)(unsigned char)text[0], (unsigned)(unsigned char)text[1]);
        free(text);
        return NULL;
    }
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        long line, col;
        text_line_col(text, (size_t)(nul - text), &line, &col);
        error_set(err, path, line, col, "NUL byte in the study file");
        free(text);
        return NULL;
    }
    size_t bad = text_utf8_invalid(text, len);
    if (bad < len) {
        long line, col;
        text_line_col(text, bad, &line, &col);
        error_set(err, path, line, col, "not UTF-8 (byte 0x%02X): save the file as UTF-8",
                  (unsigned)(unsigned char)text[bad]);
        free(text);
        return NULL;
    }
    if (!check_escaped_nul(&l, text)) {
        free(text);
        return NULL;
    }
    /* cJSON counts the terminating NUL as part of the buffer when it must check for it. */
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, true);
    if (!root) {
        const char *at = end ? end : cJSON_GetErrorPtr();
        long line = 0, col = 0;
        if (at && at >= text && at <= text + len)
            text_line_col(text, (size_t)(at - text), &line, &col);
        if (at && at >= text && at <= text + len && study_json_depth(text, at) >= CJSON_NESTING_LIMIT)
            error_set(err, path, line, col, "JSON nested deeper than the limit of %d levels",
                      CJSON_NESTING_LIMIT);
        else
            error_set(err, path, line, col, "JSON syntax error");
        free(text);
        return NULL;
    }
    study *s = study_new();
    s->json = root;
    s->path = text_dup(path);
    s->dir = dir_of(path);
    bool ok = true;
    const char *p1[1];
    if (!cJSON_IsObject(root)) {
        ok = error_set(err, path, 1, 1, "a study file must hold a JSON object");
        goto out;
    }
    {
        const char *dpath[DUP_DEPTH_MAX];
        char didx[DUP_DEPTH_MAX][24];
        if (!check_duplicate_keys(&l, root, dpath, didx, 0)) {
            ok = false;
            goto out;
        }
    }
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "comboscope");
    p1[0] = "comboscope";
    if (!ver) {
        ok = error_set(err, path, 1, 1, "not a comboscope study: no \"comboscope\": 1 key");
        goto out;
    }
    if (!cJSON_IsNumber(ver) || ver->valuedouble != 1) {
        ok = study_json_fail(&l, p1, 1, "\"comboscope\" must be 1 (the only file version this program knows)%s", NULL);
        goto out;
    }
    const char *pn[1] = {"name"};
    ok = study_json_get_string(&l, root, "name", pn, 1, &s->name);
    if (ok && !s->name)
        s->name = name_from_path(path);
    const char *pm[1] = {"metric"};
    ok = ok && study_json_get_string(&l, root, "metric", pm, 1, &s->metric_name);
    char *goal = NULL;
    const char *pg[1] = {"goal"};
    ok = ok && study_json_get_string(&l, root, "goal", pg, 1, &goal);
    if (ok && goal) {
        if (strcmp(goal, "max") == 0)
            s->goal = GOAL_MAX;
        else if (strcmp(goal, "min") == 0)
            s->goal = GOAL_MIN;
        else
            ok = study_json_fail(&l, pg, 1, "\"goal\" must be \"max\" or \"min\", not \"%s\"", goal);
        s->goal_set = true;
    }
    free(goal);
    const cJSON *ds = cJSON_GetObjectItemCaseSensitive(root, "datasets");
    if (ok && ds)
        ok = load_datasets(&l, s, ds);
    const cJSON *tables = cJSON_GetObjectItemCaseSensitive(root, "tables");
    if (ok && tables)
        ok = load_string_array(&l, tables, "tables", &s->tables, &s->n_tables);
    const cJSON *search = cJSON_GetObjectItemCaseSensitive(root, "search");
    if (ok && search)
        ok = load_search(&l, s, search);
    const char *pj[1] = {"journal"}, *pq[1] = {"queue"};
    ok = ok && study_json_get_string(&l, root, "journal", pj, 1, &s->journal);
    ok = ok && study_json_get_string(&l, root, "queue", pq, 1, &s->queue);
    /* What the program writes stays inside the study's directory (DESIGN.md section 3). */
    char why[160];
    if (ok && s->journal && !file_path_confined(s->dir, s->journal, why, sizeof why))
        ok = study_json_fail(&l, pj, 1, "\"journal\" %s", why);
    if (ok && s->queue && !file_path_confined(s->dir, s->queue, why, sizeof why))
        ok = study_json_fail(&l, pq, 1, "\"queue\" %s", why);
    if (ok)
        ok = check_distinct_files(&l, s);
    const cJSON *launch = cJSON_GetObjectItemCaseSensitive(root, "launch");
    if (ok && launch)
        ok = study_json_load_launch(&l, s, launch);
    const cJSON *targets = cJSON_GetObjectItemCaseSensitive(root, "targets");
    if (ok && targets) {
        char **names = NULL;
        int n = 0;
        ok = load_string_array(&l, targets, "targets", &names, &n);
        /* Targets are resolved once the datasets are known (possibly from the tables). */
        for (int i = 0; ok && i < n; i++) {
            int d = study_find_dataset(s, names[i]);
            if (d < 0 && s->datasets_fixed) {
                char idx[24];
                snprintf(idx, sizeof idx, "#%d", i);
                const char *pt[2] = {"targets", idx};
                ok = study_json_fail(&l, pt, 2, "target \"%s\" is not a dataset of the study", names[i]);
            }
        }
        for (int i = 0; i < n; i++)
            free(names[i]);
        free(names);
    }
out:
    free(text);
    if (!ok) {
        study_free(s);
        return NULL;
    }
    return s;
}

/* Line and column of the value at path in the study file at file (0, 0 if not found). */
static void locate_in_file(const char *file, const char *const *path, int n, long *line, long *col)
{
    size_t len;
    cs_error ignore;
    *line = *col = 0;
    char *text = read_all(file, &len, &ignore);
    if (!text)
        return;
    const char *base = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? text + 3 : text;
    const char *at = study_json_locate(base, path, n);
    if (at)
        text_line_col(base, (size_t)(at - base), line, col);
    free(text);
}

/* Targets may name datasets that only the tables bring, so they are resolved after loading. */
static bool resolve_targets(study *s, cs_error *err)
{
    const cJSON *targets = s->json ? cJSON_GetObjectItemCaseSensitive(s->json, "targets") : NULL;
    if (!targets)
        return true;
    s->n_targets = 0;
    const cJSON *v;
    int k = 0;
    cJSON_ArrayForEach(v, targets) {
        int d = study_find_dataset(s, v->valuestring);
        char safe[128], idx[24];
        if (d < 0) {
            long line, col;
            snprintf(idx, sizeof idx, "#%d", k);
            const char *pt[2] = {"targets", idx};
            locate_in_file(s->path, pt, 2, &line, &col);
            return error_set(err, s->path, line, col, "target \"%s\" is not a dataset of the study or its tables",
                             text_sanitize(v->valuestring, safe, sizeof safe));
        }
        k++;
        bool dup = false;
        for (int i = 0; i < s->n_targets; i++)
            dup |= s->targets[i] == d;
        if (!dup)
            s->targets[s->n_targets++] = d;
    }
    return true;
}

bool study_load_tables(study *s, cs_error *err)
{
    for (int i = 0; i < s->n_tables; i++) {
        char *full = path_join(s->dir, s->tables[i]);
        if (access(full, F_OK) != 0 && s->json) {
            /* Point at the study file, where the missing table is named. */
            long line, col;
            char idx[24];
            snprintf(idx, sizeof idx, "#%d", i);
            const char *pt[2] = {"tables", idx};
            locate_in_file(s->path, pt, 2, &line, &col);
            char safe[200];
            error_set(err, s->path, line, col, "table \"%s\" does not exist (%s)",
                      text_sanitize(s->tables[i], safe, sizeof safe), full);
            free(full);
            return false;
        }
        bool ok = table_read(s, full, NULL, err);
        free(full);
        if (!ok)
            return false;
    }
    return true;
}

static bool is_json_path(const char *path)
{
    size_t n = strlen(path);
    if (n >= 5 && strcmp(path + n - 5, ".json") == 0)
        return true;
    /* Sniff only regular files: reading a pipe would eat what the table reader needs. */
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    cs_error ignore;
    FILE *f = file_fopen_read(path, NULL, &ignore);
    if (!f)
        return false;
    int c;
    while ((c = fgetc(f)) == ' ' || c == '\n' || c == '\t' || c == '\r')
        ;
    fclose(f);
    return c == '{';
}

/* A study's directory stands for its study.json: returns the path to open (path itself, or
 * DIR/study.json in buf), or NULL with err set when a directory holds no study file. */
static const char *study_path_of(const char *path, char *buf, size_t n, cs_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return path;
    size_t len = strlen(path);
    int w = snprintf(buf, n, "%s%sstudy.json", path, len && path[len - 1] == '/' ? "" : "/");
    if (w < 0 || (size_t)w >= n) {
        error_set(err, path, 0, 0, "directory name too long");
        return NULL;
    }
    if (access(buf, F_OK) != 0) {
        error_set(err, path, 0, 0, "a directory without a study.json: give a study file, a study's "
                                   "directory or a result table");
        return NULL;
    }
    return buf;
}

study *study_open(const char *path, const study_open_options *opt, cs_error *err)
{
    study *s;
    char dir_study[4096];
    path = study_path_of(path, dir_study, sizeof dir_study, err);
    if (!path)
        return NULL;
    if (access(path, F_OK) != 0) {
        error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (is_json_path(path)) {
        s = study_json_load(path, err);
        if (!s)
            return NULL;
        if (opt && opt->metric) {
            free(s->metric_name);
            s->metric_name = text_dup(opt->metric);
        }
        if (!study_load_tables(s, err) || !resolve_targets(s, err)) {
            study_free(s);
            return NULL;
        }
    } else {
        s = study_new();
        s->path = text_dup(path);
        s->dir = dir_of(path);
        s->name = name_from_path(path);
        if (opt && opt->metric)
            s->metric_name = text_dup(opt->metric);
        s->tables = xcalloc(1, sizeof *s->tables);
        s->tables[0] = text_dup(path);
        s->n_tables = 1;
        if (!table_read(s, path, NULL, err)) {
            study_free(s);
            return NULL;
        }
    }
    if (opt && opt->goal) {
        if (strcmp(opt->goal, "max") == 0)
            s->goal = GOAL_MAX;
        else if (strcmp(opt->goal, "min") == 0)
            s->goal = GOAL_MIN;
        else {
            error_set(err, NULL, 0, 0, "--goal must be max or min");
            study_free(s);
            return NULL;
        }
        s->goal_set = true;
    }
    if (!study_choose_metric(s, err)) {
        study_free(s);
        return NULL;
    }
    study_default_targets(s);
    return s;
}

static void set_item(cJSON *obj, const char *key, cJSON *value)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, value);
    else
        cJSON_AddItemToObject(obj, key, value);
}

bool study_json_save(study *s, cs_error *err)
{
    if (!s->path || !s->json)
        return error_set(err, s->path, 0, 0, "this study has no study file to save to");
    cJSON *root = s->json;
    /* Only the keys the program changes are rewritten; everything else stays as read. */
    if (s->name)
        set_item(root, "name", cJSON_CreateString(s->name));
    if (s->metric >= 0)
        set_item(root, "metric", cJSON_CreateString(s->metrics[s->metric]));
    /* A goal or target list the file left to the defaults stays implicit, so that the file
     * keeps meaning "every dataset" (and the inferred goal) when the tables change. */
    if (s->goal_set || cJSON_GetObjectItemCaseSensitive(root, "goal"))
        set_item(root, "goal", cJSON_CreateString(s->goal == GOAL_MIN ? "min" : "max"));
    bool default_targets = s->n_targets == s->n_datasets;
    for (int i = 0; default_targets && i < s->n_targets; i++)
        default_targets = s->targets[i] == i;
    if (!default_targets || cJSON_GetObjectItemCaseSensitive(root, "targets")) {
        cJSON *targets = cJSON_CreateArray();
        for (int i = 0; i < s->n_targets; i++)
            cJSON_AddItemToArray(targets, cJSON_CreateString(s->datasets[s->targets[i]].name));
        set_item(root, "targets", targets);
    }
    cJSON *search = cJSON_GetObjectItemCaseSensitive(root, "search");
    if (!search || !cJSON_IsObject(search)) {
        search = cJSON_CreateObject();
        set_item(root, "search", search);
    }
    if (s->search.predictor)
        set_item(search, "predictor", cJSON_CreateString(s->search.predictor));
    if (s->search.acquisition)
        set_item(search, "acquisition", cJSON_CreateString(s->search.acquisition));
    if (s->search.batch)
        set_item(search, "batch", cJSON_CreateNumber(s->search.batch));
    set_item(search, "seed", cJSON_CreateNumber((double)s->search.seed));
    if (s->journal)
        set_item(root, "journal", cJSON_CreateString(s->journal));
    if (s->queue)
        set_item(root, "queue", cJSON_CreateString(s->queue));
    char *text = cJSON_Print(root);
    if (!text)
        return error_set(err, s->path, 0, 0, "cannot format the study");
    size_t len = strlen(text);
    char *withnl = xmalloc(len + 2);
    memcpy(withnl, text, len);
    withnl[len] = '\n';
    withnl[len + 1] = '\0';
    cJSON_free(text);
    bool ok = file_write_atomic(s->path, withnl, len + 1, err);
    free(withnl);
    return ok;
}
