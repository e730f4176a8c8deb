/* ptybench: runs a full-screen program under a pseudo-terminal of a given size and measures
 * what it sends: the time and bytes to its first full screen (until a marker text has been
 * written), and the bytes each key press makes it send. Used by scripts/bench (make bench).
 *
 * usage: ptybench COLS LINES MARKER SETUP_KEYS MOVE_KEY REPEAT -- CMD [ARGS...]
 *   MARKER      text that ends the first screen (the last thing drawn, e.g. the status line)
 *   SETUP_KEYS  keys sent (one at a time, each followed by quiet) before measuring ("" none)
 *   MOVE_KEY    the key whose output is measured REPEAT times; 'q' is sent at the end.
 * Prints: first_screen_ms first_screen_bytes, then per-key bytes min mean max. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char seen[1 << 20];
static size_t n_seen;

/* Reads what is there within timeout_ms; returns bytes read, -1 at end of output. */
static long drain(int fd, int timeout_ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    int r = poll(&p, 1, timeout_ms);
    if (r <= 0)
        return 0;
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0)
        return -1;
    size_t keep = (size_t)n < sizeof seen - n_seen ? (size_t)n : sizeof seen - n_seen;
    memcpy(seen + n_seen, buf, keep);
    n_seen += keep;
    return n;
}

/* Reads until nothing comes for quiet_ms; returns the bytes read. */
static long until_quiet(int fd, int quiet_ms)
{
    long total = 0, n;
    while ((n = drain(fd, quiet_ms)) > 0)
        total += n;
    return total;
}

int main(int argc, char **argv)
{
    if (argc < 9 || strcmp(argv[7], "--") != 0) {
        fprintf(stderr, "usage: ptybench COLS LINES MARKER SETUP_KEYS MOVE_KEY REPEAT -- CMD [ARGS...]\n");
        return 2;
    }
    struct winsize ws = {(unsigned short)atoi(argv[2]), (unsigned short)atoi(argv[1]), 0, 0};
    const char *marker = argv[3], *setup = argv[4], *move = argv[5];
    int repeat = atoi(argv[6]);
    int fd;
    double t0 = now_ms();
    pid_t pid = forkpty(&fd, NULL, NULL, &ws);
    if (pid < 0) {
        perror("forkpty");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[8], argv + 8);
        perror("exec");
        _exit(127);
    }
    /* first screen: until the marker has been written */
    long first = 0;
    double t_first = -1;
    while (t_first < 0) {
        long n = drain(fd, 5000);
        if (n <= 0) {
            fprintf(stderr, "ptybench: no marker '%s' within 5 s (%zu bytes seen)\n", marker, n_seen);
            kill(pid, SIGTERM);
            return 1;
        }
        first += n;
        if (memmem(seen, n_seen, marker, strlen(marker)))
            t_first = now_ms() - t0;
    }
    first += until_quiet(fd, 300);
    printf("first_screen_ms %.1f\nfirst_screen_bytes %ld\n", t_first, first);
    for (const char *k = setup; *k; k++) {
        if (write(fd, k, 1) != 1)
            return 1;
        until_quiet(fd, 300);
    }
    long min = -1, max = 0, sum = 0;
    for (int i = 0; i < repeat; i++) {
        if (write(fd, move, strlen(move)) != (ssize_t)strlen(move))
            return 1;
        long n = until_quiet(fd, 150);
        if (min < 0 || n < min)
            min = n;
        if (n > max)
            max = n;
        sum += n;
    }
    if (repeat > 0)
        printf("key_bytes_min %ld\nkey_bytes_mean %.0f\nkey_bytes_max %ld\n", min, (double)sum / repeat, max);
    if (write(fd, "q", 1) != 1)
        return 1;
    until_quiet(fd, 300);
    int status;
    waitpid(pid, &status, 0);
    close(fd);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
