/* launch_parse: the text of Slurm's commands (squeue, sacct, scontrol) into tasks. */
#define _GNU_SOURCE
#include "comboscope/launch.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/text.h"

/* ---- engine text parsers ------------------------------------------------------------------------- */

/* Splits line at '|' into at most max fields (in place). */
static int split_pipes(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        f[n++] = p;
        char *bar = strchr(p, '|');
        if (!bar)
            break;
        *bar = '\0';
        p = bar + 1;
    }
    return n;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
        s[--n] = '\0';
    size_t k = strspn(s, " \t");
    memmove(s, s + k, n - k + 1);
}

static bool parse_int(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || errno || v < INT_MIN || v > INT_MAX)
        return false;
    *out = (int)v;
    return *end == '\0';
}

/* squeue's exit_code: a raw wait status ("256"), or "N:M" (exit N, signal M). */
static bool parse_exit(const char *s, bool *has, int *code)
{
    *has = false;
    if (!s[0] || strcmp(s, "N/A") == 0 || strcmp(s, "(null)") == 0)
        return true;
    const char *colon = strchr(s, ':');
    int a, b = 0;
    if (colon) {
        char head[32];
        snprintf(head, sizeof head, "%.*s", (int)(colon - s < 31 ? colon - s : 31), s);
        if (!parse_int(head, &a) || !parse_int(colon + 1, &b) || a < 0 || b < 0)
            return false;
        *code = b ? 128 + b : a;
    } else {
        if (!parse_int(s, &a) || a < 0)
            return false;
        *code = (a & 0x7f) ? 128 + (a & 0x7f) : (a >> 8) & 0xff;
    }
    *has = true;
    return true;
}

static void add_task(launch_task **out, int *n, const launch_task *t)
{
    *out = xrealloc(*out, (size_t)(*n + 1) * sizeof **out);
    (*out)[(*n)++] = *t;
}

/* An array-task spec: "3", "0-7", "0-7%2", "[0-7%2]", "1,3,5-6%2"; every piece added. */
static bool add_task_spec(launch_task **out, int *n, launch_task *t, const char *spec)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    char *p = buf;
    if (*p == '[')
        p++;
    char *pct = strchr(p, '%');
    if (pct)
        *pct = '\0';
    char *rb = strchr(p, ']');
    if (rb)
        *rb = '\0';
    if (!*p)
        return false;
    char *save = NULL;
    for (char *piece = strtok_r(p, ",", &save); piece; piece = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(piece, '-');
        int a, b;
        if (dash) {
            *dash = '\0';
            if (!parse_int(piece, &a) || !parse_int(dash + 1, &b) || a < 0 || b < a)
                return false;
        } else {
            if (!parse_int(piece, &a) || a < 0)
                return false;
            b = a;
        }
        t->first = a;
        t->last = b;
        add_task(out, n, t);
    }
    return true;
}

/* One line of an engine's table, split at '|' (nf fields): adds its tasks; false when it
 * cannot be read. */
typedef bool (*line_reader)(char **f, int nf, launch_task **out, int *n);

/* The loop both tables share: each non-blank line split into at most max_fields fields; a line
 * with fewer than min_fields is "expected WANT" (or, want NULL, unreadable like a bad line). */
static int parse_table(const char *text, const char *cmd, int min_fields, int max_fields, const char *want,
                       line_reader read, launch_task **out, cs_error *err)
{
    *out = NULL;
    int n = 0;
    char *copy = text_dup(text);
    long line = 0;
    char *save = NULL;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        trim(l);
        if (!l[0])
            continue;
        char shown[96];
        snprintf(shown, sizeof shown, "%.80s", l);
        char *f[8];
        int nf = split_pipes(l, f, max_fields);
        bool short_line = nf < min_fields;
        if (short_line || !read(f, nf, out, &n)) {
            free(copy);
            free(*out);
            *out = NULL;
            if (short_line && want)
                return error_set(err, cmd, line, 0, "expected %s", want), -1;
            return error_set(err, cmd, line, 0, "cannot read the line \"%s\"", shown), -1;
        }
    }
    free(copy);
    return n;
}

/* squeue -O ArrayJobID:|,ArrayTaskID:|,State:|,exit_code:|,Reason:| gives JOB|TASK|STATE|EXIT|REASON| */
static bool squeue_line(char **f, int nf, launch_task **out, int *n)
{
    for (int i = 0; i < nf; i++)
        trim(f[i]);
    launch_task t;
    memset(&t, 0, sizeof t);
    snprintf(t.job, sizeof t.job, "%s", f[0]);
    snprintf(t.state, sizeof t.state, "%s", f[2]);
    snprintf(t.reason, sizeof t.reason, "%s", strcmp(f[4], "None") == 0 ? "" : f[4]);
    if (!t.job[0] || !t.state[0] || !parse_exit(f[3], &t.has_exit, &t.exit_status))
        return false;
    if (strcmp(f[1], "N/A") == 0 || !f[1][0]) {
        t.first = t.last = -1; /* not an array job */
        add_task(out, n, &t);
        return true;
    }
    return add_task_spec(out, n, &t, f[1]);
}

int launch_parse_squeue(const char *text, launch_task **out, cs_error *err)
{
    return parse_table(text, "squeue", 5, 6, "JOB|TASK|STATE|EXIT|REASON|", squeue_line, out, err);
}

/* sacct -P -o JobID,State,ExitCode: JOBID|STATE|EXIT */
static bool sacct_line(char **f, int nf, launch_task **out, int *n)
{
    (void)nf;
    launch_task t;
    memset(&t, 0, sizeof t);
    /* JobID: 4242_3, 4242_[4-7%2] (pending part), or 4242 */
    char *us = strchr(f[0], '_');
    snprintf(t.job, sizeof t.job, "%.*s", us ? (int)(us - f[0]) : (int)strlen(f[0]), f[0]);
    /* State may read "CANCELLED by 0" */
    char *sp = strchr(f[1], ' ');
    snprintf(t.state, sizeof t.state, "%.*s", sp ? (int)(sp - f[1]) : (int)strlen(f[1]), f[1]);
    if (!t.job[0] || !t.state[0] || !parse_exit(f[2], &t.has_exit, &t.exit_status))
        return false;
    if (us)
        return add_task_spec(out, n, &t, us + 1);
    t.first = t.last = -1;
    add_task(out, n, &t);
    return true;
}

int launch_parse_sacct(const char *text, launch_task **out, cs_error *err)
{
    return parse_table(text, "sacct", 3, 4, NULL, sacct_line, out, err);
}

int launch_parse_max_array(const char *text, int fallback)
{
    const char *p = strstr(text, "MaxArraySize");
    if (!p)
        return fallback;
    p = strchr(p, '=');
    if (!p)
        return fallback;
    int v;
    char buf[32];
    p++;
    while (*p == ' ')
        p++;
    size_t k = strcspn(p, " \n");
    snprintf(buf, sizeof buf, "%.*s", (int)(k < 31 ? k : 31), p);
    return parse_int(buf, &v) && v > 0 ? v : fallback;
}
