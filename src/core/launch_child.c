/* launch_child: engine commands as child processes with a timeout, read without blocking,
 * and the small text and file helpers the engines share (launch_engine.h). */
#define _GNU_SOURCE
#include "comboscope/launch.h"

#include <errno.h>
#include <fcntl.h>
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

#include "comboscope/text.h"
#include "launch_engine.h"

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
