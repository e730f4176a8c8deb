/* launch_files: what a run is given and gives back: the command template, the run
 * directories and their start and status files, and the result contract. */
#define _GNU_SOURCE
#include "comboscope/launch.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "comboscope/csv_rows.h"
#include "comboscope/results.h"
#include "comboscope/study_json.h"
#include "comboscope/table_csv.h"
#include "comboscope/text.h"
#include "launch_impl.h"

/* ---- the command template ------------------------------------------------------------------ */

static const char *const placeholders[] = {
#define LAUNCH_PH_(n) #n,
    LAUNCH_PLACEHOLDERS(LAUNCH_PH_)
#undef LAUNCH_PH_
};
#define N_PLACEHOLDERS (sizeof placeholders / sizeof *placeholders)

/* The index of the placeholder spelled p[0..len), or -1. */
static int placeholder_find(const char *p, size_t len)
{
    for (size_t i = 0; i < N_PLACEHOLDERS; i++)
        if (strlen(placeholders[i]) == len && strncmp(p, placeholders[i], len) == 0)
            return (int)i;
    return -1;
}

bool launch_template_check(const char *cmd, size_t *at, char *msg, size_t n)
{
    for (const char *p = cmd; *p; p++) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            p++;
            continue;
        }
        if (*p == '}') {
            *at = (size_t)(p - cmd);
            snprintf(msg, n, "a '}' without its '{' in \"command\" (write }} for a literal brace)");
            return false;
        }
        if (*p != '{')
            continue;
        const char *end = strchr(p, '}');
        *at = (size_t)(p - cmd);
        if (!end) {
            snprintf(msg, n, "a '{' without its '}' in \"command\" (write {{ for a literal brace)");
            return false;
        }
        if (placeholder_find(p + 1, (size_t)(end - p - 1)) < 0) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(end - p - 1 < 48 ? end - p - 1 : 48), p + 1);
            char safe[64];
            snprintf(msg, n, "unknown placeholder {%s} in \"command\" (known: {run} {combination} {datasets} "
                             "{datasets_csv} {target} {round} {outdir} {result}; {{ for a literal brace)",
                     text_sanitize(name, safe, sizeof safe));
            return false;
        }
        p = end;
    }
    return true;
}

char *launch_expand(const char *cmd, const launch_vars *v)
{
    char *out = NULL;
    size_t len = 0;
    launch_textf(&out, &len, "%s", "");
    for (const char *p = cmd; *p; p++) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            launch_textf(&out, &len, "%c", *p);
            p++;
            continue;
        }
        const char *end = *p == '{' ? strchr(p, '}') : NULL;
        int k = end ? placeholder_find(p + 1, (size_t)(end - p - 1)) : -1;
        if (k < 0) {
            launch_textf(&out, &len, "%c", *p);
            continue;
        }
        const char *name = placeholders[k];
        const char *val = NULL;
        char *joined = NULL;
        size_t jl = 0;
        if (strcmp(name, "datasets") == 0) {
            for (int i = 0; i < v->n_datasets; i++) {
                char *q = launch_shell_quote(v->datasets[i]);
                launch_textf(&joined, &jl, "%s%s", i ? " " : "", q);
                free(q);
            }
            launch_textf(&out, &len, "%s", joined ? joined : "''");
            free(joined);
            p = end;
            continue;
        }
        if (strcmp(name, "datasets_csv") == 0) {
            launch_textf(&joined, &jl, "%s", "");
            for (int i = 0; i < v->n_datasets; i++)
                launch_textf(&joined, &jl, "%s%s", i ? "," : "", v->datasets[i]);
            val = joined;
        } else if (strcmp(name, "run") == 0)
            val = v->run;
        else if (strcmp(name, "combination") == 0)
            val = v->combination;
        else if (strcmp(name, "target") == 0)
            val = v->target;
        else if (strcmp(name, "round") == 0)
            val = v->round;
        else if (strcmp(name, "outdir") == 0)
            val = v->outdir;
        else
            val = v->result;
        char *q = launch_shell_quote(val ? val : "");
        launch_textf(&out, &len, "%s", q);
        free(q);
        free(joined);
        p = end;
    }
    return out;
}

/* ---- run files ------------------------------------------------------------------------------ */

bool launch_parse_status(const char *text, int *exit_status, bool *cancelled)
{
    *cancelled = false;
    *exit_status = -1;
    const char *p = text;
    while (*p == ' ')
        p++;
    if (strncmp(p, "cancelled", 9) == 0 && (p[9] == '\n' || p[9] == '\0')) {
        *cancelled = true;
        return true;
    }
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (end == p || errno || v < 0 || v > 255 || (*end != '\n' && *end != '\0') ||
        (*end == '\n' && end[1] != '\0'))
        return false;
    *exit_status = (int)v;
    return true;
}

bool launch_parse_start(const char *text, long long *epoch, char *job, size_t nj, long *pgid)
{
    char jb[64], host[256];
    long long e;
    long pg;
    if (sscanf(text, "%lld %63s %ld %255s", &e, jb, &pg, host) != 4 || e <= 0)
        return false;
    *epoch = e;
    if (pgid)
        *pgid = pg;
    if (job)
        snprintf(job, nj, "%s", jb);
    return true;
}

char *launch_study_dir(const study *s)
{
    char buf[PATH_MAX];
    const char *d = s->dir && s->dir[0] ? s->dir : ".";
    if (realpath(d, buf))
        return text_dup(buf);
    return text_dup(d);
}

char *launch_attempt_dir(const study *s, const char *run, int attempt)
{
    char *dir = launch_study_dir(s);
    size_t n = strlen(dir) + strlen(run) + 48;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/runs/%s/%d", dir, run, attempt);
    free(dir);
    return p;
}

char *launch_submission_dir(const study *s, const char *sub)
{
    char *dir = launch_study_dir(s);
    size_t n = strlen(dir) + strlen(sub) + 16;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/runs/%s", dir, sub);
    free(dir);
    return p;
}

char *launch_file_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

bool launch_mkdir(const char *path, cs_error *err)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST) {
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            return true;
        return error_set(err, path, 0, 0, "not a directory");
    }
    return error_set(err, path, 0, 0, "cannot create the directory: %s", strerror(errno));
}

/* ---- the result contract --------------------------------------------------------------------- */

typedef struct result_check {
    const study *s;
    const char *file;
    combo_t combo;
    int c_combination;
    bool header;
} result_check;

static bool check_result_row(const char *const *f, int n, long line, void *p, cs_error *err)
{
    result_check *rc = p;
    if (!rc->header) {
        rc->header = true;
        rc->c_combination = -1;
        for (int i = 0; i < n; i++)
            if (f[i] && strcmp(f[i], "combination") == 0)
                rc->c_combination = i;
        return true;
    }
    if (rc->c_combination < 0 || rc->c_combination >= n || !f[rc->c_combination])
        return true; /* the table reader reports it */
    combo_t c;
    char bad[256], want[1024], safe[256];
    if (!study_combo_parse(rc->s, f[rc->c_combination], &c, bad, sizeof bad))
        return true;
    if (c != rc->combo)
        return error_set(err, rc->file, line, 0, "a row for %s, but this run trained %s",
                         text_sanitize(f[rc->c_combination], safe, sizeof safe),
                         study_combo_format(rc->s, rc->combo, want, sizeof want));
    return true;
}

bool launch_take_result(const journal *j, const journal_run *run, const char *path, char *dropped,
                        size_t dropped_len, cs_error *err)
{
    if (dropped_len)
        dropped[0] = '\0';
    const study *s = j->study;
    struct stat st;
    if (lstat(path, &st) != 0)
        return error_set(err, path, 0, 0, "exited 0 but wrote no result file");
    if (!S_ISREG(st.st_mode))
        return error_set(err, path, 0, 0, "the result is not a regular file");
    /* The same reader as the tables, on a study with the same datasets. */
    study *res = study_new();
    for (int d = 0; d < s->n_datasets; d++)
        study_add_dataset(res, s->datasets[d].name, s->tasks[s->datasets[d].task], NULL);
    res->datasets_fixed = true;
    bool ok = table_read(res, path, NULL, err);
    result_check rc = {.s = s, .file = path, .combo = run->combo};
    ok = ok && csv_each_row(path, NULL, check_result_row, &rc, err);
    const char *metric = s->metric >= 0 ? s->metrics[s->metric] : NULL;
    int m = metric ? study_find_metric(res, metric) : -1;
    if (ok && m < 0)
        ok = error_set(err, path, 1, 0, "no \"%s\" column (the study's metric)", metric ? metric : "?");
    for (int d = 0; ok && d < s->n_datasets; d++)
        if (combo_has(run->combo, d) && !study_stat_of(res, run->combo, d, m))
            ok = error_set(err, path, 0, 0, "no %s for %s (one row per member of %s is needed)", metric,
                           s->datasets[d].name, run->id);
    if (ok && res->n_rows == 0)
        ok = error_set(err, path, 0, 0, "no rows");
    if (ok)
        ok = results_append_run(s, j, run->id, res, path, dropped, dropped_len, err);
    study_free(res);
    return ok;
}
