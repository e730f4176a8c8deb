/* launch_local: the local engine. A submission is a detached driver (runs/SUB/local.sh, its
 * pid in runs/SUB/pid) that runs the batch script once per manifest line, at most
 * max_parallel at a time (default: the number of cores), each in its own session so that one
 * run can be cancelled with its children. The driver outlives the program; the files tell. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "launch_engine.h"

static int parallel_of(const launch_config *c)
{
    if (c->max_parallel > 0)
        return c->max_parallel;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static char *driver_text(const launch_config *c, const launch_batch *b)
{
    char *dir = launch_shell_quote(b->study_dir), *script = launch_shell_quote(b->script);
    char *out = NULL;
    size_t len = 0;
    launch_textf(&out, &len,
                 "#!/bin/sh\n"
                 "# comboscope local engine: submission %s, %d run%s, at most %d at a time.\n"
                 "cd %s || exit 1\n"
                 "export COMBOSCOPE_JOB=$$\n"
                 "i=0\n"
                 "while [ \"$i\" -lt %d ]; do echo \"$i\"; i=$((i + 1)); done |\n"
                 "    xargs -P %d -I '{}' env COMBOSCOPE_TASK='{}' setsid -w /bin/sh %s\n",
                 b->id, b->n, b->n == 1 ? "" : "s", parallel_of(c), dir, b->n, parallel_of(c), script);
    free(dir);
    free(script);
    return out;
}

static char *local_command_text(const launch_config *c, const launch_batch *b)
{
    (void)c;
    char *driver = path_in(b->dir, "local.sh");
    char *q = launch_shell_quote(driver);
    char *out = NULL;
    size_t len = 0;
    launch_textf(&out, &len, "setsid /bin/sh %s </dev/null >/dev/null 2>&1 &\n", q);
    char *text = driver_text(c, b);
    launch_textf(&out, &len, "# %s\n%s", driver, text);
    free(text);
    free(q);
    free(driver);
    return out;
}

static bool local_prepare(const launch_config *c, const launch_batch *b, cs_error *err)
{
    char *driver = path_in(b->dir, "local.sh");
    char *text = driver_text(c, b);
    bool ok = file_write_atomic(driver, text, strlen(text), err);
    free(text);
    free(driver);
    return ok;
}

/* Starts the driver detached (its own session, reparented away from us): the pid is written
 * to runs/SUB/pid by the driver's process before it runs the script. */
static int local_submit(launch_session *ls, const launch_batch *b, char job[JOURNAL_JOB_MAX], cs_error *err)
{
    (void)ls;
    char *driver = path_in(b->dir, "local.sh");
    char *pidfile = path_in(b->dir, "pid");
    char *logfile = path_in(b->dir, "local.log");
    int p[2];
    if (pipe(p) != 0) {
        error_set(err, NULL, 0, 0, "cannot start the local engine: %s", strerror(errno));
        free(driver), free(pidfile), free(logfile);
        return 0;
    }
    pid_t mid = fork();
    if (mid < 0) {
        error_set(err, NULL, 0, 0, "cannot start the local engine: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        free(driver), free(pidfile), free(logfile);
        return 0;
    }
    if (mid == 0) {
        close(p[0]);
        setsid();
        pid_t drv = fork();
        if (drv != 0)
            _exit(drv < 0 ? 1 : 0);
        char text[32];
        int n = snprintf(text, sizeof text, "%ld\n", (long)getpid());
        cs_error e;
        if (!file_write_atomic(pidfile, text, (size_t)n, &e))
            _exit(1);
        if (write(p[1], text, (size_t)n) != n)
            _exit(1);
        int null = open("/dev/null", O_RDONLY);
        int log = open(logfile, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
        if (null >= 0)
            dup2(null, 0);
        if (log >= 0) {
            dup2(log, 1);
            dup2(log, 2);
        }
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        launch_child_signals();
        execl("/bin/sh", "sh", driver, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char buf[32] = "";
    size_t got = 0;
    for (;;) {
        ssize_t r = read(p[0], buf + got, sizeof buf - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    close(p[0]);
    int st;
    while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
        ;
    free(driver);
    free(pidfile);
    free(logfile);
    long pid = strtol(buf, NULL, 10);
    if (pid <= 0)
        return error_set(err, NULL, 0, 0, "the local engine did not start (see %s/local.log)", b->dir), 0;
    snprintf(job, JOURNAL_JOB_MAX, "%ld", pid);
    return 1;
}

static int local_find(launch_session *ls, const journal_submission *sub, const char *name, char job[JOURNAL_JOB_MAX],
                      cs_error *err)
{
    (void)name;
    (void)err;
    /* runs/SUB/pid: the driver started (it is written before the driver runs anything) */
    char *d = launch_submission_dir(ls->j->study, sub->id);
    char *pidfile = path_in(d, "pid");
    char *text = launch_read_small(pidfile);
    free(pidfile);
    free(d);
    long pid = text ? strtol(text, NULL, 10) : 0;
    free(text);
    if (pid > 0) {
        snprintf(job, JOURNAL_JOB_MAX, "%ld", pid);
        return 1;
    }
    return 0;
}

/* The start mark of run i's latest attempt: its process group, or 0. */
static long start_pgid(const journal *j, size_t i)
{
    char *dir = launch_attempt_dir(j->study, j->runs[i].id, j->runs[i].attempts);
    char *sp = path_in(dir, "start");
    char *text = launch_read_small(sp);
    long long epoch;
    long pgid = 0;
    if (!text || !launch_parse_start(text, &epoch, NULL, 0, &pgid))
        pgid = 0;
    free(text);
    free(sp);
    free(dir);
    return pgid;
}

static int local_query(launch_session *ls, cs_error *err)
{
    (void)err;
    journal *j = ls->j;
    for (size_t i = 0; i < j->n_runs && i < ls->n_seen; i++) {
        launch_seen *sn = &ls->seen[i];
        memset(sn, 0, sizeof *sn);
        const journal_run *r = &j->runs[i];
        if (r->has_result || r->submission < 0 || (r->state != RUN_PENDING && r->state != RUN_RUNNING))
            continue;
        const journal_submission *sub = &j->submissions[r->submission];
        if (strcmp(sub->engine, "local") != 0)
            continue;
        long pgid = start_pgid(j, i);
        if (pgid > 0) {
            sn->seen = launch_pid_alive(-pgid);
            sn->state = RUN_RUNNING;
        } else {
            sn->seen = launch_pid_alive(strtol(sub->job, NULL, 10));
            sn->state = RUN_PENDING;
        }
    }
    return 1;
}

static bool local_cancel(launch_session *ls, const journal_submission *sub, size_t i, cs_error *err)
{
    (void)sub;
    journal *j = ls->j;
    long pgid = start_pgid(j, i);
    if (pgid <= 0) {
        /* not started: the script sees the mark and stops before the command */
        char *dir = launch_attempt_dir(j->study, j->runs[i].id, j->runs[i].attempts);
        char *cp = path_in(dir, "cancel");
        bool ok = file_write_atomic(cp, "cancel\n", 7, err);
        free(cp);
        free(dir);
        if (!ok)
            return false;
        pgid = start_pgid(j, i); /* it may have started meanwhile */
    }
    if (pgid <= 1)
        return true;
    if (kill((pid_t)-pgid, SIGTERM) != 0 && errno != ESRCH)
        return error_set(err, NULL, 0, 0, "cannot stop run %s: %s", j->runs[i].id, strerror(errno));
    /* a run that ignores SIGTERM gets SIGKILL after a grace of half a second */
    double until = launch_now() + 0.5;
    while (launch_pid_alive(-pgid) && launch_now() < until)
        usleep(20000);
    if (launch_pid_alive(-pgid))
        kill((pid_t)-pgid, SIGKILL);
    return true;
}

const launch_engine_ops launch_local_ops = {
    .name = "local",
    .command_text = local_command_text,
    .prepare = local_prepare,
    .submit = local_submit,
    .find = local_find,
    .query = local_query,
    .cancel = local_cancel,
    .max_batch = NULL,
    .release = NULL,
};
