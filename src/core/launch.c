/* launch: the engine-independent part of launching runs (launch.h): templates, run files,
 * the result contract, submissions with their intent, polling, cancel, resubmit, and the
 * state of every run. The engines are in launch_local.c and launch_slurm.c. */
#define _GNU_SOURCE
#include "comboscope/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "comboscope/csv_rows.h"
#include "comboscope/queue.h"
#include "comboscope/results.h"
#include "comboscope/study_json.h"
#include "comboscope/table_csv.h"
#include "comboscope/text.h"
#include "launch_engine.h"

/* Seconds between two polls that look at files and the engine. */
#define POLL_INTERVAL 0.5
#define RECONCILE_INTERVAL (3 * launch_timeout())

void launch_config_free(launch_config *c)
{
    if (!c)
        return;
    free(c->command);
    free(c->partition);
    free(c->time);
    free(c->mem);
    free(c->account);
    for (int i = 0; i < c->n_extra; i++)
        free(c->extra[i]);
    free(c->extra);
    free(c);
}

double launch_timeout(void)
{
    static double t;
    if (t == 0) {
        const char *e = getenv("COMBOSCOPE_SLURM_TIMEOUT");
        char *end;
        double v = e ? strtod(e, &end) : 0;
        t = e && end != e && *end == '\0' && v >= 0.1 && v <= 3600 ? v : LAUNCH_TIMEOUT;
    }
    return t;
}

const char *launch_engine_name(launch_engine e)
{
    return e == LAUNCH_SLURM ? "slurm" : "local";
}

static const launch_engine_ops *ops_of(launch_engine e)
{
    return e == LAUNCH_SLURM ? &launch_slurm_ops : &launch_local_ops;
}

/* ---- small helpers ------------------------------------------------------------------------ */

void launch_textf(char **buf, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    *buf = xrealloc(*buf, *len + (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
}

char *launch_shell_quote(const char *s)
{
    bool plain = s[0] != '\0';
    for (const char *p = s; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                strchr("_./+,=:@%-", *p);
    if (plain)
        return text_dup(s);
    char *out = NULL;
    size_t len = 0;
    launch_textf(&out, &len, "'");
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            launch_textf(&out, &len, "'\\''");
        else
            launch_textf(&out, &len, "%c", *p);
    }
    launch_textf(&out, &len, "'");
    return out;
}

char *launch_read_small(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 65536) {
        close(fd);
        return NULL;
    }
    char *buf = xmalloc((size_t)st.st_size + 1);
    ssize_t n = read(fd, buf, (size_t)st.st_size);
    close(fd);
    if (n < 0) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

bool launch_pid_alive(long pid)
{
    if (pid == 0 || pid == 1 || pid == -1)
        return false;
    if (kill((pid_t)pid, 0) != 0 && errno != EPERM)
        return false;
    if (pid < 0)
        return true;
    /* A parent that exited may linger as a zombie until reaped: that is dead. */
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    char *st = launch_read_small(path);
    if (!st)
        return true;
    const char *p = strrchr(st, ')');
    bool alive = !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
    free(st);
    return alive;
}

double launch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- child processes ------------------------------------------------------------------------ */

void launch_child_signals(void)
{
    static const int sigs[] = {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        signal(sigs[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

bool launch_child_start(launch_child *c, char *const argv[], double timeout, cs_error *err)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    int p[2];
    if (pipe(p) != 0)
        return error_set(err, NULL, 0, 0, "%s: cannot make a pipe: %s", argv[0], strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return error_set(err, NULL, 0, 0, "%s: cannot start: %s", argv[0], strerror(errno));
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        launch_child_signals();
        execvp(argv[0], argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
    c->pid = pid;
    c->fd = p[0];
    c->deadline = launch_now() + timeout;
    c->status = -1;
    return true;
}

bool launch_child_step(launch_child *c)
{
    if (c->pid <= 0)
        return true;
    for (;;) {
        if (c->fd < 0)
            break;
        if (c->cap - c->len < 4096)
            c->out = xrealloc(c->out, c->cap = c->cap ? c->cap * 2 : 8192);
        ssize_t n = read(c->fd, c->out + c->len, c->cap - c->len - 1);
        if (n > 0) {
            c->len += (size_t)n;
            continue;
        }
        if (n == 0) {
            close(c->fd);
            c->fd = -1;
        }
        break; /* EAGAIN: nothing more now */
    }
    if (c->out)
        c->out[c->len] = '\0';
    int st;
    pid_t w = waitpid(c->pid, &st, WNOHANG);
    if (w == c->pid) {
        if (c->fd >= 0)
            return false; /* let the output drain first */
        c->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        c->pid = 0;
        if (!c->out)
            c->out = text_dup("");
        return true;
    }
    if (launch_now() > c->deadline) {
        kill(c->pid, SIGKILL);
        waitpid(c->pid, &st, 0);
        c->pid = 0;
        c->timed_out = true;
        c->status = -1;
        if (c->fd >= 0)
            close(c->fd);
        c->fd = -1;
        if (!c->out)
            c->out = text_dup("");
        return true;
    }
    return false;
}

void launch_child_done(launch_child *c)
{
    if (c->pid > 0) {
        kill(c->pid, SIGKILL);
        waitpid(c->pid, NULL, 0);
    }
    if (c->fd >= 0)
        close(c->fd);
    free(c->out);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

int launch_child_run(char *const argv[], double timeout, char **out, cs_error *err)
{
    launch_child c;
    *out = NULL;
    if (!launch_child_start(&c, argv, timeout, err))
        return -1;
    while (!launch_child_step(&c)) {
        struct pollfd pfd = {.fd = c.fd, .events = POLLIN};
        if (c.fd >= 0)
            poll(&pfd, 1, 20);
        else
            usleep(5000);
    }
    int status = c.status;
    if (c.timed_out)
        error_set(err, NULL, 0, 0, "%s did not answer within %.0f s", argv[0], timeout);
    else if (status < 0)
        error_set(err, NULL, 0, 0, "%s was killed", argv[0]);
    *out = c.out;
    c.out = NULL;
    launch_child_done(&c);
    return status;
}

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

/* The study's directory, absolute. New string. */
static char *study_dir_abs(const study *s)
{
    char buf[PATH_MAX];
    const char *d = s->dir && s->dir[0] ? s->dir : ".";
    if (realpath(d, buf))
        return text_dup(buf);
    return text_dup(d);
}

char *launch_attempt_dir(const study *s, const char *run, int attempt)
{
    char *dir = study_dir_abs(s);
    size_t n = strlen(dir) + strlen(run) + 48;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/runs/%s/%d", dir, run, attempt);
    free(dir);
    return p;
}

char *launch_submission_dir(const study *s, const char *sub)
{
    char *dir = study_dir_abs(s);
    size_t n = strlen(dir) + strlen(sub) + 16;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/runs/%s", dir, sub);
    free(dir);
    return p;
}

static char *file_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static bool mkdir_one(const char *path, cs_error *err)
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

/* ---- the state of every run -------------------------------------------------------------------- */

static const journal_submission *run_submission(const journal *j, const journal_run *r)
{
    return r->submission >= 0 && (size_t)r->submission < j->n_submissions ? &j->submissions[r->submission] : NULL;
}

launch_run_info *launch_runs(const journal *j, size_t *n)
{
    const study *s = j->study;
    *n = j->n_runs;
    launch_run_info *out = xcalloc(j->n_runs + 1, sizeof *out);
    time_t now = time(NULL);
    for (size_t i = 0; i < j->n_runs; i++) {
        const journal_run *r = &j->runs[i];
        launch_run_info *o = &out[i];
        o->run = i;
        o->state = r->has_result ? RUN_DONE : r->state;
        o->array_index = -1;
        o->elapsed = -1;
        const journal_submission *sub = run_submission(j, r);
        if (sub) {
            snprintf(o->engine, sizeof o->engine, "%s", sub->engine);
            snprintf(o->job, sizeof o->job, "%s", sub->job);
            o->array_index = r->array_index;
        } else if (r->attempts > 0) {
            /* a run back in the queue after a failed submission keeps its latest engine */
            for (size_t k = j->n_submissions; k-- > 0;)
                for (size_t q = 0; q < j->submissions[k].n_runs && !o->engine[0]; q++)
                    if (j->submissions[k].runs[q] == i)
                        snprintf(o->engine, sizeof o->engine, "%s", j->submissions[k].engine);
        }
        o->attempt = r->attempts;
        if (r->state_event >= 0 && !r->has_result) {
            const journal_event *ev = &j->events[r->state_event];
            if (ev->text)
                snprintf(o->reason, sizeof o->reason, "%s", ev->text);
            o->has_exit = ev->has_exit;
            o->exit_status = ev->exit_status;
        }
        if (r->attempts > 0) {
            char *dir = launch_attempt_dir(s, r->id, r->attempts);
            o->log = file_in(dir, "log");
            if (o->state == RUN_RUNNING) {
                char *sp = file_in(dir, "start");
                char *text = launch_read_small(sp);
                long long epoch;
                if (text && launch_parse_start(text, &epoch, NULL, 0, NULL))
                    o->elapsed = difftime(now, (time_t)epoch);
                free(text);
                free(sp);
            }
            free(dir);
        }
        if (r->has_result) {
            const journal_event *ev = &j->events[r->result_event];
            int t = r->target;
            if (t < 0)
                for (int d = 0; d < s->n_datasets && t < 0; d++)
                    if (combo_has(r->combo, d))
                        t = d;
            if (t >= 0 && ev->scores && !isnan(ev->scores[t])) {
                o->has_score = true;
                o->score = ev->scores[t];
            }
        }
        const journal_round *rd = journal_round_find(j, r->round);
        for (size_t k = 0; rd && k < rd->n_suggestions; k++) {
            const journal_suggestion *sg = &rd->suggestions[k];
            if (sg->combo == r->combo && sg->suggested && j->events[sg->event].has_prediction) {
                o->has_prediction = true;
                o->predicted = j->events[sg->event].mean;
            }
        }
    }
    return out;
}

void launch_runs_free(launch_run_info *r, size_t n)
{
    if (!r)
        return;
    for (size_t i = 0; i < n; i++)
        free(r[i].log);
    free(r);
}

/* ---- submissions -------------------------------------------------------------------------------- */

const launch_config *launch_config_of(const launch_session *ls)
{
    return ls->j->study->launch;
}

/* A job name that finds this study's submission again: a hash of the study's directory. */
static void job_name(const study *s, const char *sub, char *out, size_t n)
{
    char *dir = study_dir_abs(s);
    unsigned long h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)dir; *p; p++)
        h = ((h ^ *p) * 16777619u) & 0xffffffffu;
    free(dir);
    snprintf(out, n, "cs-%08lx-%s", h, sub);
}

/* The text of the batch script (see launch.h for what it writes). */
static char *script_text(const study *s, const char *manifest, const char *sub)
{
    char *q = launch_shell_quote(manifest);
    char safe[128];
    char *out = NULL;
    size_t len = 0;
    launch_textf(&out, &len,
                 "#!/bin/sh\n"
                 "# comboscope: submission %s of study %s. Runs line $SLURM_ARRAY_TASK_ID (from 0) of\n"
                 "# the manifest: RUN <tab> ATTEMPT-DIR <tab> COMMAND. Writes ATTEMPT-DIR/start before the\n"
                 "# command, its output to ATTEMPT-DIR/log, and its exit status to ATTEMPT-DIR/status.\n"
                 "manifest=%s\n"
                 "i=${COMBOSCOPE_TASK:-${SLURM_ARRAY_TASK_ID:?SLURM_ARRAY_TASK_ID is not set}}\n"
                 "line=$(sed -n \"$((i + 1))p\" \"$manifest\")\n"
                 "[ -n \"$line\" ] || { echo \"comboscope: no line $i in $manifest\" >&2; exit 2; }\n"
                 "tab=$(printf '\\t')\n"
                 "run=${line%%%%\"$tab\"*}; rest=${line#*\"$tab\"}\n"
                 "dir=${rest%%%%\"$tab\"*}; cmd=${rest#*\"$tab\"}\n"
                 "mkdir -p \"$dir\" || exit 2\n"
                 "if [ -e \"$dir/cancel\" ]; then\n"
                 "    echo cancelled >\"$dir/status.tmp\" && mv -f \"$dir/status.tmp\" \"$dir/status\"\n"
                 "    exit 0\n"
                 "fi\n"
                 "echo \"$(date +%%s) ${SLURM_ARRAY_JOB_ID:-${COMBOSCOPE_JOB:-none}} $$ $(hostname)\" >\"$dir/start.tmp\" &&\n"
                 "    mv -f \"$dir/start.tmp\" \"$dir/start\"\n"
                 "export COMBOSCOPE_RUN=\"$run\"\n"
                 "/bin/sh -c \"$cmd\" >\"$dir/log\" 2>&1 </dev/null\n"
                 "rc=$?\n"
                 "echo \"$rc\" >\"$dir/status.tmp\" && mv -f \"$dir/status.tmp\" \"$dir/status\"\n"
                 "exit \"$rc\"\n",
                 sub, text_sanitize(s->name ? s->name : "?", safe, sizeof safe), q);
    free(q);
    return out;
}

/* One submission being prepared: its runs (indices into journal.runs) and files. */
typedef struct plan {
    char id[JOURNAL_RUN_MAX];
    char name[64];
    int round;
    size_t *runs;
    size_t n;
    char *study_dir, *dir, *script, *manifest;
    char *manifest_text, *script_text;
} plan;

static void plan_done(plan *p)
{
    free(p->runs);
    free(p->study_dir);
    free(p->dir);
    free(p->script);
    free(p->manifest);
    free(p->manifest_text);
    free(p->script_text);
    memset(p, 0, sizeof *p);
}

/* Builds the manifest and script of runs (all of one round) as submission `id`. False with
 * err set when a path cannot go into the manifest. */
static bool plan_build(const journal *j, plan *p, cs_error *err)
{
    const study *s = j->study;
    const launch_config *c = s->launch;
    job_name(s, p->id, p->name, sizeof p->name);
    p->study_dir = study_dir_abs(s);
    if (strchr(p->study_dir, '\t') || strchr(p->study_dir, '\n'))
        return error_set(err, p->study_dir, 0, 0, "a study directory with a tab or newline in its name cannot be launched from");
    size_t n = strlen(p->study_dir) + 64;
    p->dir = xmalloc(n);
    snprintf(p->dir, n, "%s/runs/%s", p->study_dir, p->id);
    p->script = file_in(p->dir, "job.sh");
    p->manifest = file_in(p->dir, "manifest.tsv");
    size_t len = 0;
    launch_textf(&p->manifest_text, &len, "%s", "");
    size_t cap = (size_t)s->n_datasets * 258 + 1;
    char *combo = xmalloc(cap);
    const char **names = xcalloc((size_t)s->n_datasets + 1, sizeof *names);
    for (size_t i = 0; i < p->n; i++) {
        const journal_run *r = &j->runs[p->runs[i]];
        if (r->id[0] == '.') {
            free(names);
            free(combo);
            return error_set(err, j->path, 0, 0, "run id \"%s\" cannot name a directory under runs/", r->id);
        }
        char *dir = launch_attempt_dir(s, r->id, r->attempts + 1);
        char *result = file_in(dir, "result.csv");
        size_t on = strlen(p->study_dir) + strlen(r->id) + 32;
        char *outdir = xmalloc(on);
        snprintf(outdir, on, "%s/runs/%s/out", p->study_dir, r->id);
        char round[24];
        snprintf(round, sizeof round, "%d", r->round);
        int nd = 0;
        for (int d = 0; d < s->n_datasets; d++)
            if (combo_has(r->combo, d))
                names[nd++] = s->datasets[d].name;
        launch_vars v = {.run = r->id,
                         .combination = study_combo_format(s, r->combo, combo, cap),
                         .target = r->target >= 0 ? s->datasets[r->target].name : "",
                         .round = round,
                         .outdir = outdir,
                         .result = result,
                         .datasets = names,
                         .n_datasets = nd};
        char *cmd = launch_expand(c->command, &v);
        launch_textf(&p->manifest_text, &len, "%s\t%s\t%s\n", r->id, dir, cmd);
        free(cmd);
        free(outdir);
        free(result);
        free(dir);
    }
    free(names);
    free(combo);
    p->script_text = script_text(s, p->manifest, p->id);
    return true;
}

static launch_batch plan_batch(const plan *p)
{
    launch_batch b = {.id = p->id, .name = p->name, .study_dir = p->study_dir, .dir = p->dir,
                      .script = p->script, .n = (int)p->n};
    return b;
}

/* Writes the plan's files and the runs' directories. */
static bool plan_write(const journal *j, const plan *p, const launch_engine_ops *ops, cs_error *err)
{
    const study *s = j->study;
    size_t n = strlen(p->study_dir) + 64;
    char *runs = xmalloc(n);
    snprintf(runs, n, "%s/runs", p->study_dir);
    bool ok = mkdir_one(runs, err) && mkdir_one(p->dir, err);
    for (size_t i = 0; ok && i < p->n; i++) {
        const journal_run *r = &j->runs[p->runs[i]];
        size_t m = strlen(runs) + strlen(r->id) + 16;
        char *rd = xmalloc(m), *od = xmalloc(m);
        snprintf(rd, m, "%s/%s", runs, r->id);
        snprintf(od, m, "%s/%s/out", runs, r->id);
        char *ad = launch_attempt_dir(s, r->id, r->attempts + 1);
        ok = mkdir_one(rd, err) && mkdir_one(od, err) && mkdir_one(ad, err);
        free(rd);
        free(od);
        free(ad);
    }
    free(runs);
    ok = ok && file_write_atomic(p->manifest, p->manifest_text, strlen(p->manifest_text), err);
    ok = ok && file_write_atomic(p->script, p->script_text, strlen(p->script_text), err);
    if (ok && chmod(p->script, 0755) != 0)
        ok = error_set(err, p->script, 0, 0, "cannot make it executable: %s", strerror(errno));
    launch_batch b = plan_batch(p);
    return ok && (!ops->prepare || ops->prepare(s->launch, &b, err));
}

/* The runs launch_submit would submit, grouped into plans (one per round, split at max). */
static plan *plans_make(const journal *j, int round, const char *only, int max, size_t *n_plans)
{
    plan *plans = NULL;
    *n_plans = 0;
    size_t next_id = j->n_submissions + 1;
    size_t nr;
    const journal_round *rounds = journal_rounds(j, &nr);
    for (size_t k = 0; k < nr; k++) {
        const journal_round *rd = &rounds[k];
        if (!rd->committed || (round > 0 && rd->number != round))
            continue;
        plan *cur = NULL;
        for (size_t q = 0; q < rd->n_runs; q++) {
            size_t ri = rd->runs[q];
            const journal_run *r = &j->runs[ri];
            if (r->has_result || r->state != RUN_QUEUED || (only && strcmp(only, r->id) != 0))
                continue;
            if (!cur || (max > 0 && cur->n >= (size_t)max)) {
                plans = xrealloc(plans, (*n_plans + 1) * sizeof *plans);
                cur = &plans[(*n_plans)++];
                memset(cur, 0, sizeof *cur);
                cur->round = rd->number;
                for (;; next_id++) {
                    snprintf(cur->id, sizeof cur->id, "s%04zu", next_id);
                    if (!journal_submission_find(j, cur->id))
                        break;
                }
                next_id++;
                cur->runs = xmalloc(rd->n_runs * sizeof *cur->runs);
            }
            cur->runs[cur->n++] = ri;
        }
    }
    return plans;
}

static void plans_free(plan *plans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        plan_done(&plans[i]);
    free(plans);
}

/* Adds "submitted round R: Slurm job J, N runs" to msg. */
static void say_submitted(char *msg, size_t n, const char *engine, int round, const char *jobs, size_t runs, bool many)
{
    if (!msg || !n)
        return;
    size_t used = strlen(msg);
    snprintf(msg + used, n - used, "%ssubmitted round %d: %s job%s %s, %zu run%s", used ? "; " : "", round,
             strcmp(engine, "slurm") == 0 ? "Slurm" : "local", many ? "s" : "", jobs, runs, runs == 1 ? "" : "s");
}

static int submit_plans(launch_session *ls, int round, const char *only, char *msg, size_t n, cs_error *err)
{
    journal *j = ls->j;
    if (ls->async)
        return error_set(err, NULL, 0, 0, "a submission is still going out: wait for it"), -1;
    if (msg && n)
        msg[0] = '\0';
    int max = ls->ops->max_batch ? ls->ops->max_batch(ls) : 0;
    size_t np;
    plan *plans = plans_make(j, round, only, max, &np);
    int submitted = 0;
    bool ok = true;
    char jobs[256] = "";
    int jobs_round = 0;
    size_t jobs_runs = 0;
    int jobs_count = 0;
    for (size_t k = 0; k < np && ok; k++) {
        plan *p = &plans[k];
        ok = plan_build(j, p, err) && plan_write(j, p, ls->ops, err);
        if (!ok)
            break;
        char(*ids)[JOURNAL_RUN_MAX] = xmalloc(p->n * sizeof *ids);
        for (size_t i = 0; i < p->n; i++)
            snprintf(ids[i], JOURNAL_RUN_MAX, "%s", j->runs[p->runs[i]].id);
        /* the intent first: a crash from here on is reconciled by the job's name */
        ok = journal_append_submitting(j, p->round, p->id, ls->ops->name, p->name, (const char(*)[JOURNAL_RUN_MAX])ids,
                                       p->n, err);
        free(ids);
        if (!ok)
            break;
        char job[JOURNAL_JOB_MAX] = "";
        launch_batch b = plan_batch(p);
        cs_error why;
        int r = ls->ops->submit(ls, &b, job, &why);
        if (r == 0) {
            /* certainly not submitted: say so, and the runs may be submitted again */
            cs_error e2;
            if (!journal_append_submitted(j, p->id, "", why.msg, &e2))
                *err = e2;
            else
                *err = why;
            ok = false;
            break;
        }
        if (r < 0) {
            /* unknown (a timeout): the intent stays open and is reconciled by name */
            *err = why;
            ok = false;
            break;
        }
        ok = journal_append_submitted(j, p->id, job, NULL, err);
        if (!ok)
            break;
        submitted += (int)p->n;
        if (jobs_round && jobs_round != p->round) {
            say_submitted(msg, n, ls->ops->name, jobs_round, jobs, jobs_runs, jobs_count > 1);
            jobs[0] = '\0';
            jobs_runs = 0;
            jobs_count = 0;
        }
        jobs_round = p->round;
        size_t used = strlen(jobs);
        snprintf(jobs + used, sizeof jobs - used, "%s%s", used ? ", " : "", job);
        jobs_runs += p->n;
        jobs_count++;
    }
    if (jobs_round)
        say_submitted(msg, n, ls->ops->name, jobs_round, jobs, jobs_runs, jobs_count > 1);
    plans_free(plans, np);
    return ok ? submitted : -1;
}

int launch_submit(launch_session *ls, int round, char *msg, size_t n, cs_error *err)
{
    return submit_plans(ls, round, NULL, msg, n, err);
}

/* ---- submissions that go out without blocking ------------------------------------------------ */

struct launch_async {
    plan *plans;
    size_t n, next;
    bool in_flight;
    char jobs[256];   /* job ids of the round being summed up */
    int jobs_round;
    size_t jobs_runs;
    int jobs_count;
};

static void news_add(launch_session *ls, const char *fmt, const char *a, int round)
{
    size_t used = strlen(ls->news);
    char text[600];
    snprintf(text, sizeof text, fmt, round, a);
    snprintf(ls->news + used, sizeof ls->news - used, "%s%s", used ? "; " : "", text);
}

static void async_flush_jobs(launch_session *ls)
{
    struct launch_async *as = ls->async;
    if (as->jobs_round)
        say_submitted(ls->news, sizeof ls->news, ls->ops->name, as->jobs_round, as->jobs, as->jobs_runs,
                      as->jobs_count > 1);
    as->jobs[0] = '\0';
    as->jobs_round = 0;
    as->jobs_runs = 0;
    as->jobs_count = 0;
}

static void async_done(launch_session *ls)
{
    struct launch_async *as = ls->async;
    if (!as)
        return;
    async_flush_jobs(ls);
    plans_free(as->plans, as->n);
    free(as);
    ls->async = NULL;
    ls->has_news = ls->news[0] != '\0';
}

/* Journals the intent of the next plan and starts its engine call; on to the next when it
 * cannot even start. -1 on a journal failure. */
static int async_start_next(launch_session *ls, cs_error *err)
{
    struct launch_async *as = ls->async;
    journal *j = ls->j;
    while (as->next < as->n) {
        plan *p = &as->plans[as->next];
        char(*ids)[JOURNAL_RUN_MAX] = xmalloc(p->n * sizeof *ids);
        for (size_t i = 0; i < p->n; i++)
            snprintf(ids[i], JOURNAL_RUN_MAX, "%s", j->runs[p->runs[i]].id);
        bool ok = journal_append_submitting(j, p->round, p->id, ls->ops->name, p->name,
                                            (const char(*)[JOURNAL_RUN_MAX])ids, p->n, err);
        free(ids);
        if (!ok)
            return -1;
        launch_batch b = plan_batch(p);
        cs_error why;
        if (ls->ops->submit_begin(ls, &b, &why)) {
            as->in_flight = true;
            return 0;
        }
        if (!journal_append_submitted(j, p->id, "", why.msg, err))
            return -1;
        news_add(ls, "round %d not submitted: %s", why.msg, p->round);
        as->next++;
    }
    async_done(ls);
    return 0;
}

/* Reads the engine call in flight; journals its outcome. Returns events journaled, -1. */
static int async_step(launch_session *ls, cs_error *err)
{
    struct launch_async *as = ls->async;
    if (!as || !as->in_flight)
        return 0;
    char job[JOURNAL_JOB_MAX] = "";
    cs_error why;
    int r = ls->ops->submit_step(ls, job, &why);
    if (r == 0)
        return 0;
    plan *p = &as->plans[as->next];
    as->in_flight = false;
    int events = 0;
    if (r == 1) {
        if (!journal_append_submitted(ls->j, p->id, job, NULL, err))
            return -1;
        events++;
        if (as->jobs_round && as->jobs_round != p->round)
            async_flush_jobs(ls);
        as->jobs_round = p->round;
        size_t used = strlen(as->jobs);
        snprintf(as->jobs + used, sizeof as->jobs - used, "%s%s", used ? ", " : "", job);
        as->jobs_runs += p->n;
        as->jobs_count++;
    } else if (r == 2) {
        if (!journal_append_submitted(ls->j, p->id, "", why.msg, err))
            return -1;
        events++;
        news_add(ls, "round %d not submitted: %s", why.msg, p->round);
    } else {
        news_add(ls, "round %d: %s (looked up by its name later)", why.msg, p->round);
    }
    as->next++;
    return async_start_next(ls, err) < 0 ? -1 : events;
}

int launch_submit_async(launch_session *ls, int round, char *msg, size_t n, cs_error *err)
{
    if (!ls->ops->submit_begin)
        return launch_submit(ls, round, msg, n, err);
    if (ls->async)
        return error_set(err, NULL, 0, 0, "a submission is still going out: wait for it"), -1;
    if (msg && n)
        msg[0] = '\0';
    journal *j = ls->j;
    int max = ls->ops->max_batch ? ls->ops->max_batch(ls) : 0;
    size_t np;
    plan *plans = plans_make(j, round, NULL, max, &np);
    size_t runs = 0;
    for (size_t k = 0; k < np; k++) {
        if (!plan_build(j, &plans[k], err) || !plan_write(j, &plans[k], ls->ops, err)) {
            plans_free(plans, np);
            return -1;
        }
        runs += plans[k].n;
    }
    if (np == 0) {
        free(plans);
        return 0;
    }
    ls->async = xcalloc(1, sizeof *ls->async);
    ls->async->plans = plans;
    ls->async->n = np;
    ls->news[0] = '\0';
    ls->has_news = false;
    if (msg && n)
        snprintf(msg, n, "submitting round %d to %s: %zu run%s", plans[0].round,
                 strcmp(ls->ops->name, "slurm") == 0 ? "Slurm" : ls->ops->name, runs, runs == 1 ? "" : "s");
    if (async_start_next(ls, err) < 0)
        return -1;
    return (int)runs;
}

bool launch_busy(const launch_session *ls)
{
    if (!ls)
        return false;
    if (ls->async || ls->finding >= 0)
        return true;
    for (size_t k = 0; k < ls->j->n_submissions; k++)
        if (!ls->j->submissions[k].submitted)
            return true; /* an intent to reconcile */
    return false;
}

bool launch_news(launch_session *ls, char *msg, size_t n)
{
    if (!ls || !ls->has_news)
        return false;
    snprintf(msg, n, "%s", ls->news);
    ls->has_news = false;
    ls->news[0] = '\0';
    return true;
}

char *launch_dry_run(const journal *j, cs_error *err)
{
    const study *s = j->study;
    if (!s->launch)
        return error_set(err, s->path, 0, 0, "the study has no \"launch\" object"), NULL;
    const launch_engine_ops *ops = ops_of(s->launch->engine);
    size_t np;
    plan *plans = plans_make(j, 0, NULL, 0, &np);
    char *out = NULL;
    size_t len = 0;
    launch_textf(&out, &len, "%s", "");
    if (np == 0)
        launch_textf(&out, &len, "# nothing to submit: no committed run waits for an engine\n");
    for (size_t k = 0; k < np; k++) {
        plan *p = &plans[k];
        if (!plan_build(j, p, err)) {
            free(out);
            plans_free(plans, np);
            return NULL;
        }
        launch_batch b = plan_batch(p);
        char *cmd = ops->command_text(s->launch, &b);
        launch_textf(&out, &len, "# round %d, submission %s: %zu run%s (%s engine)\n%s\n", p->round, p->id, p->n,
                     p->n == 1 ? "" : "s", ops->name, cmd);
        launch_textf(&out, &len, "# %s\n%s# %s\n%s", p->script, p->script_text, p->manifest, p->manifest_text);
        free(cmd);
    }
    plans_free(plans, np);
    return out;
}

/* ---- following the runs --------------------------------------------------------------------------- */

bool launch_active(const launch_session *ls)
{
    for (size_t i = 0; i < ls->j->n_runs; i++) {
        run_state st = ls->j->runs[i].state;
        if (!ls->j->runs[i].has_result && (st == RUN_SUBMITTING || st == RUN_PENDING || st == RUN_RUNNING))
            return true;
    }
    return false;
}

static const launch_engine_ops *ops_named(const char *engine)
{
    return strcmp(engine, "slurm") == 0 ? &launch_slurm_ops : &launch_local_ops;
}

/* The submission whose engine call is going out right now (launch_submit_async), or NULL: its
 * open intent is not a crash's, and must not be reconciled. */
static const char *async_in_flight(const launch_session *ls)
{
    return ls->async && ls->async->in_flight ? ls->async->plans[ls->async->next].id : NULL;
}

/* Journals what a look-up found for the open intent of submission k (found: 1 job, 0 none). */
static bool reconcile_outcome(journal *j, size_t k, int found, const char *job, cs_error *err)
{
    char id[JOURNAL_RUN_MAX];
    snprintf(id, sizeof id, "%s", j->submissions[k].id);
    return found ? journal_append_submitted(j, id, job, NULL, err)
                 : journal_append_submitted(j, id, "", "not submitted: the program stopped before the engine took it", err);
}

/* Reconciles every submission whose outcome was never journaled (a crash after the intent).
 * blocking: ask every engine now (launch_open); else (launch_poll) an engine with a
 * non-blocking look-up is asked a step at a time, one submission after the other. */
static int reconcile(launch_session *ls, bool blocking, cs_error *err)
{
    journal *j = ls->j;
    int events = 0;
    const char *flying = async_in_flight(ls);
    if (!blocking && ls->finding >= 0) {
        size_t k = (size_t)ls->finding;
        const launch_engine_ops *ops = ops_named(j->submissions[k].engine);
        char job[JOURNAL_JOB_MAX] = "";
        cs_error why;
        int r = ops->find_step(ls, &j->submissions[k], job, &why);
        if (r == 0)
            return 0;
        ls->finding = -1;
        if (r < 0)
            return 0; /* cannot tell now: later */
        if (!reconcile_outcome(j, k, r == 1, job, err))
            return -1;
        return 1;
    }
    ls->last_reconcile = launch_now();
    for (size_t k = 0; k < j->n_submissions; k++) {
        if (j->submissions[k].submitted || (flying && strcmp(flying, j->submissions[k].id) == 0))
            continue;
        char job[JOURNAL_JOB_MAX] = "";
        const journal_event *intent = &j->events[j->submissions[k].intent_event];
        char name[64];
        snprintf(name, sizeof name, "%s", intent->name ? intent->name : "");
        const launch_engine_ops *ops = ops_named(j->submissions[k].engine);
        cs_error why;
        if (!blocking && ops->find_begin) {
            if (ops->find_begin(ls, name, &why))
                ls->finding = (long)k;
            return events; /* one at a time; its answer is read by the next polls */
        }
        int found = ops->find(ls, &j->submissions[k], name, job, &why);
        if (found < 0)
            continue; /* cannot tell now: try again later */
        if (!reconcile_outcome(j, k, found, job, err))
            return -1;
        events++;
    }
    return events;
}

launch_session *launch_open(journal *j, cs_error *err)
{
    const study *s = j->study;
    if (!s->launch)
        return error_set(err, s->path, 0, 0, "the study has no \"launch\" object"), NULL;
    if (j->fd < 0)
        return error_set(err, j->path, 0, 0, "the journal is open read-only: runs cannot be launched"), NULL;
    launch_session *ls = xcalloc(1, sizeof *ls);
    ls->j = j;
    ls->finding = -1;
    ls->ops = ops_of(s->launch->engine);
    if (ls->ops->prefetch)
        ls->ops->prefetch(ls);
    if (reconcile(ls, true, err) < 0) {
        launch_free(ls);
        return NULL;
    }
    return ls;
}

void launch_free(launch_session *ls)
{
    if (!ls)
        return;
    /* a submission going out is waited for, so that its outcome is journaled */
    cs_error ignore;
    double until = launch_now() + launch_timeout() + 1;
    while (ls->async && launch_now() < until) {
        if (async_step(ls, &ignore) < 0)
            break;
        if (ls->async)
            usleep(10000);
    }
    if (ls->async) {
        plans_free(ls->async->plans, ls->async->n);
        free(ls->async);
        ls->async = NULL;
    }
    if (ls->engine)
        launch_slurm_ops.release(ls); /* the only engine with state of its own */
    free(ls->seen);
    free(ls);
}

/* Journals a state change of run i unless it is the state (and reason) already journaled. */
static int set_state(launch_session *ls, size_t i, run_state st, const char *reason, bool has_exit, int exit_status,
                     cs_error *err)
{
    journal *j = ls->j;
    const journal_run *r = &j->runs[i];
    if (r->state == st) {
        const journal_event *ev = r->state_event >= 0 ? &j->events[r->state_event] : NULL;
        const char *old = ev && ev->text ? ev->text : "";
        if (strcmp(old, reason ? reason : "") == 0)
            return 0;
    }
    const journal_submission *sub = run_submission(j, r);
    char id[JOURNAL_RUN_MAX];
    snprintf(id, sizeof id, "%s", r->id);
    char safe[256];
    if (reason)
        text_sanitize(reason, safe, sizeof safe);
    return journal_append_state(j, id, st, sub ? sub->job : NULL, reason && reason[0] ? safe : NULL, has_exit,
                                exit_status, err)
               ? 1
               : -1;
}

/* A result's columns the table has no column for: kept out of the table (refusing a finished
 * run for them would lose more), and said in a note on the run's combination. */
static bool note_dropped(journal *j, const journal_run *r, const char *dropped, cs_error *err)
{
    const study *s = j->study;
    char text[900], safe[600], table[200];
    text_sanitize(dropped, safe, sizeof safe);
    text_sanitize(s->n_tables > 0 ? s->tables[0] : "the table", table, sizeof table);
    snprintf(text, sizeof text, "%s: result columns %s not kept (%s has no such column)", r->id, safe, table);
    return journal_append_note(j, r->round, r->target, r->combo, text, err);
}

/* What the status file of run i's latest attempt says: 1 final (handled), 0 none, -1 error. */
static int settle_from_status(launch_session *ls, size_t i, cs_error *err)
{
    journal *j = ls->j;
    const journal_run *r = &j->runs[i];
    char *dir = launch_attempt_dir(j->study, r->id, r->attempts);
    char *sp = file_in(dir, "status");
    char *text = launch_read_small(sp);
    free(sp);
    if (!text) {
        free(dir);
        return 0;
    }
    int code;
    bool cancelled;
    bool ok = launch_parse_status(text, &code, &cancelled);
    free(text);
    int rc;
    if (!ok) {
        rc = set_state(ls, i, RUN_FAILED, "its status file is not an exit status", false, 0, err);
    } else if (cancelled || (r->cancel_asked && code != 0)) {
        rc = set_state(ls, i, RUN_CANCELLED, NULL, !cancelled, code, err);
    } else if (code != 0) {
        char why[64];
        if (code > 128)
            snprintf(why, sizeof why, "exit status %d (killed by signal %d)", code, code - 128);
        else
            snprintf(why, sizeof why, "exit status %d", code);
        rc = set_state(ls, i, RUN_FAILED, why, true, code, err);
    } else {
        /* exit 0: the result file decides */
        char *rp = file_in(dir, "result.csv");
        cs_error why;
        char id[JOURNAL_RUN_MAX];
        snprintf(id, sizeof id, "%s", r->id);
        results_rows *rows = results_scan(j->study, err);
        if (!rows) {
            free(rp);
            free(dir);
            return -1;
        }
        bool taken = results_has_run_id(rows, id); /* appended before a crash: do not twice */
        results_rows_free(rows);
        char dropped[512];
        if (!taken && !launch_take_result(j, r, rp, dropped, sizeof dropped, &why)) {
            rc = set_state(ls, i, RUN_FAILED, why.msg, true, 0, err);
        } else if (!taken && dropped[0] && !note_dropped(j, r, dropped, err)) {
            rc = -1;
        } else {
            size_t recorded = 0;
            cs_error warn;
            rc = queue_collect_results(j, &recorded, &warn, err) ? 1 + (int)recorded : -1;
            if (rc > 0 && !journal_run_find(j, id)->has_result)
                rc = set_state(ls, i, RUN_FAILED, "its result rows did not match the run", true, 0, err);
        }
        free(rp);
    }
    free(dir);
    return rc < 0 ? -1 : 1 + rc;
}

int launch_poll(launch_session *ls, cs_error *err)
{
    journal *j = ls->j;
    double now = launch_now();
    int events = async_step(ls, err);
    if (events < 0)
        return -1;
    bool open_intent = false;
    const char *flying = async_in_flight(ls);
    for (size_t k = 0; k < j->n_submissions; k++)
        open_intent |= !j->submissions[k].submitted && !(flying && strcmp(flying, j->submissions[k].id) == 0);
    if (ls->finding >= 0 || (open_intent && now - ls->last_reconcile > RECONCILE_INTERVAL)) {
        int r = reconcile(ls, false, err);
        if (r < 0)
            return -1;
        events += r;
    }
    if (!launch_active(ls))
        return events;
    if (!ls->querying && now - ls->last_poll < POLL_INTERVAL)
        return events;
    if (ls->n_seen != j->n_runs) {
        ls->seen = xrealloc(ls->seen, (j->n_runs + 1) * sizeof *ls->seen);
        ls->n_seen = j->n_runs;
    }
    int q = ls->ops->query(ls, err);
    ls->querying = q == 0;
    if (q < 0) {
        ls->last_poll = now; /* say it again only after the interval */
        return -1;
    }
    if (q == 0)
        return events;
    ls->last_poll = now;
    ls->cycles++;
    /* The engine's answer is in; status files are read after it, so that a run that ended
     * and left the engine's memory in between is still accounted for by its file. */
    for (size_t i = 0; i < j->n_runs && i < ls->n_seen; i++) {
        const journal_run *r = &j->runs[i];
        if (r->has_result || (r->state != RUN_PENDING && r->state != RUN_RUNNING))
            continue;
        int f = settle_from_status(ls, i, err);
        if (f < 0)
            return -1;
        if (f > 0) {
            events += f - 1;
            continue;
        }
        const launch_seen *sn = &ls->seen[i];
        int rc = 0;
        if (!sn->seen)
            rc = set_state(ls, i, r->cancel_asked ? RUN_CANCELLED : RUN_LOST,
                           r->cancel_asked ? NULL : "neither the engine nor a status file accounts for it", false, 0, err);
        else if (sn->state == RUN_PENDING || sn->state == RUN_RUNNING) {
            rc = set_state(ls, i, sn->state, sn->reason[0] ? sn->reason : NULL, false, 0, err);
            /* a cancel asked while its submission's outcome was unknown reaches the engine now */
            const journal_submission *sub = run_submission(j, &j->runs[i]);
            cs_error ignore;
            if (rc >= 0 && j->runs[i].cancel_asked && sub && sub->submitted)
                (void)ls->ops->cancel(ls, sub, i, &ignore);
        }
        else if (sn->state == RUN_CANCELLED || r->cancel_asked)
            rc = set_state(ls, i, RUN_CANCELLED, NULL, false, 0, err);
        else
            rc = set_state(ls, i, RUN_FAILED, sn->reason[0] ? sn->reason : "ended without writing its status file",
                           sn->has_exit, sn->exit_status, err);
        if (rc < 0)
            return -1;
        events += rc;
    }
    return events;
}

int launch_poll_settle(launch_session *ls, double timeout, cs_error *err)
{
    double end = launch_now() + timeout;
    int total = 0;
    unsigned long cycles = ls->cycles;
    ls->last_poll = 0;
    while (launch_active(ls) && ls->cycles == cycles && launch_now() < end) {
        int r = launch_poll(ls, err);
        if (r < 0)
            return -1;
        total += r;
        if (ls->cycles == cycles)
            usleep(10000);
    }
    return total;
}

bool launch_cancel(launch_session *ls, const char *run, cs_error *err)
{
    journal *j = ls->j;
    const journal_run *r = journal_run_find(j, run);
    if (!r)
        return error_set(err, NULL, 0, 0, "no run %s in the journal", run);
    size_t i = (size_t)(r - j->runs);
    if (!journal_append_cancel(j, run, err))
        return false;
    r = &j->runs[i];
    if (r->state == RUN_CANCELLED)
        return true; /* never submitted: nothing to tell an engine */
    const journal_submission *sub = run_submission(j, r);
    if (!sub || !sub->submitted)
        return true; /* the outcome of its submission is reconciled first; poll then cancels */
    const launch_engine_ops *ops = strcmp(sub->engine, "slurm") == 0 ? &launch_slurm_ops : &launch_local_ops;
    return ops->cancel(ls, sub, i, err);
}

bool launch_resubmit(launch_session *ls, const char *run, char *msg, size_t n, cs_error *err)
{
    if (!journal_run_find(ls->j, run))
        return error_set(err, NULL, 0, 0, "no run %s in the journal", run);
    if (!journal_append_resubmit(ls->j, run, err))
        return false;
    return submit_plans(ls, 0, run, msg, n, err) >= 0;
}

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

int launch_parse_squeue(const char *text, launch_task **out, cs_error *err)
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
        char *f[6];
        int nf = split_pipes(l, f, 6);
        if (nf < 5) {
            free(copy);
            free(*out);
            *out = NULL;
            return error_set(err, "squeue", line, 0, "expected JOB|TASK|STATE|EXIT|REASON|"), -1;
        }
        for (int i = 0; i < nf; i++)
            trim(f[i]);
        launch_task t;
        memset(&t, 0, sizeof t);
        snprintf(t.job, sizeof t.job, "%s", f[0]);
        snprintf(t.state, sizeof t.state, "%s", f[2]);
        snprintf(t.reason, sizeof t.reason, "%s", strcmp(f[4], "None") == 0 ? "" : f[4]);
        bool ok = t.job[0] && t.state[0] && parse_exit(f[3], &t.has_exit, &t.exit_status);
        if (ok && (strcmp(f[1], "N/A") == 0 || !f[1][0])) {
            t.first = t.last = -1; /* not an array job */
            add_task(out, &n, &t);
        } else if (ok) {
            ok = add_task_spec(out, &n, &t, f[1]);
        }
        if (!ok) {
            free(copy);
            free(*out);
            *out = NULL;
            return error_set(err, "squeue", line, 0, "cannot read the line \"%s\"", shown), -1;
        }
    }
    free(copy);
    return n;
}

int launch_parse_sacct(const char *text, launch_task **out, cs_error *err)
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
        char *f[4];
        int nf = split_pipes(l, f, 4);
        bool ok = nf >= 3;
        launch_task t;
        memset(&t, 0, sizeof t);
        if (ok) {
            /* JobID: 4242_3, 4242_[4-7%2] (pending part), or 4242 */
            char *us = strchr(f[0], '_');
            snprintf(t.job, sizeof t.job, "%.*s", us ? (int)(us - f[0]) : (int)strlen(f[0]), f[0]);
            /* State may read "CANCELLED by 0" */
            char *sp = strchr(f[1], ' ');
            snprintf(t.state, sizeof t.state, "%.*s", sp ? (int)(sp - f[1]) : (int)strlen(f[1]), f[1]);
            ok = t.job[0] && t.state[0] && parse_exit(f[2], &t.has_exit, &t.exit_status);
            if (ok && us)
                ok = add_task_spec(out, &n, &t, us + 1);
            else if (ok) {
                t.first = t.last = -1;
                add_task(out, &n, &t);
            }
        }
        if (!ok) {
            free(copy);
            free(*out);
            *out = NULL;
            return error_set(err, "sacct", line, 0, "cannot read the line \"%s\"", shown), -1;
        }
    }
    free(copy);
    return n;
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
