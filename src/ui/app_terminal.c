/* app_terminal: the terminal's lifetime: opening it (or an in-memory screen for scripts),
 * restoring it on every way out, the signals that end the explorer, the capability tiers. */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comboscope/text.h"
#include "app_impl.h"

/* ---- terminal lifetime -------------------------------------------------------------------------- */

static SCREEN *screen;
static FILE *null_out, *null_in;
static volatile sig_atomic_t got_signal;

/* Restores the terminal; safe to call twice. Used on quit, errors and out-of-memory. */
void app_terminal_restore(void)
{
    if (screen) {
        if (!isendwin())
            endwin();
        delscreen(screen);
        screen = NULL;
    }
    if (null_out)
        fclose(null_out), null_out = NULL;
    if (null_in)
        fclose(null_in), null_in = NULL;
}

static void on_signal(int sig)
{
    got_signal = sig;
}

/* Whether the terminal we read keys from has hung up (its window or SSH connection closed).
 * getch then returns ERR at once, forever: without this check the loop would spin on a CPU.
 * SIGHUP does not always come: a parent that catches it (make run) keeps the foreground
 * process group from being signalled. */
bool app_terminal_hung_up(void)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
        got_signal = SIGHUP;
        return true;
    }
    return false;
}

int app_signal(void)
{
    return got_signal;
}

void app_signals_install(bool on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on ? on_signal : SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a signal wakes the blocked read */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static bool locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* Decides the capability tiers once, after the terminal is known. */
ui_caps app_caps_decide(const explorer_options *opt)
{
    ui_caps c = {0};
    /* The Linux console's font has no braille and no block elements: plots and the lattice's
     * half blocks came out as boxes there, so it gets the ASCII set. */
    const char *term = getenv("TERM");
    bool console = term && (strcmp(term, "linux") == 0 || strncmp(term, "linux-", 6) == 0);
    c.utf8 = !opt->ascii && !console && locale_is_utf8();
    c.mouse = opt->mouse;
    const char *nc = getenv("NO_COLOR");
    bool want = opt->color == EXPLORER_COLOR_ALWAYS ||
                (opt->color == EXPLORER_COLOR_AUTO && !(nc && *nc) && has_colors());
    if (want) {
        start_color();
        c.colors = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : 8;
    }
    return c;
}

/* curses takes COLUMNS and LINES, when set, over the terminal's own size, and allocates three
 * screens of that many cells: a stray COLUMNS=100000 would ask for terabytes. */
#define APP_SIZE_MAX 10000
#define APP_CELLS_MAX 4000000L
static bool size_env_ok(cs_error *err)
{
    long v[2] = {0, 0};
    static const char *const names[2] = {"COLUMNS", "LINES"};
    for (int i = 0; i < 2; i++) {
        const char *e = getenv(names[i]);
        char *end;
        if (!e || !*e)
            continue;
        errno = 0;
        v[i] = strtol(e, &end, 10);
        if (*end || errno || v[i] <= 0)
            v[i] = 0; /* not a size: curses ignores it */
        else if (v[i] > APP_SIZE_MAX)
            return error_set(err, NULL, 0, 0, "%s=%ld is more than %d (it overrides the terminal's own size; "
                                              "unset it)", names[i], v[i], APP_SIZE_MAX);
    }
    if (v[0] * v[1] > APP_CELLS_MAX)
        return error_set(err, NULL, 0, 0, "COLUMNS=%ld LINES=%ld is more than %ld cells (they override the "
                                          "terminal's own size; unset them)", v[0], v[1], APP_CELLS_MAX);
    return true;
}

bool app_terminal_open(const explorer_options *opt, cs_error *err)
{
    if (!size_env_ok(err))
        return false;
    if (opt->script) {
        /* Golden-test mode: curses draws to an in-memory screen; nothing reaches a terminal. */
        null_out = fopen("/dev/null", "w");
        null_in = fopen("/dev/null", "r");
        if (!null_out || !null_in) {
            app_terminal_restore();
            return error_set(err, "/dev/null", 0, 0, "cannot open: %s", strerror(errno));
        }
        screen = newterm(NULL, null_out, null_in);
    } else {
        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
            return error_set(err, NULL, 0, 0, "the explorer needs a terminal (standard input and output); "
                                              "for a summary use 'comboscope check'");
        screen = newterm(NULL, stdout, stdin);
    }
    if (!screen) {
        const char *term = getenv("TERM");
        app_terminal_restore();
        return error_set(err, NULL, 0, 0, "cannot use the terminal (TERM=%s)", term ? term : "unset");
    }
    set_term(screen);
    /* A terminal that cannot place the cursor (TERM=dumb, a printing terminal) would get every
     * frame as a stream of lines: refuse it, as for no terminal at all. */
    const char *cup = opt->script ? NULL : tigetstr("cup");
    if (!opt->script && (!cup || cup == (char *)-1 || tigetflag("hc") > 0)) {
        const char *term = getenv("TERM");
        char safe[64];
        app_terminal_restore();
        return error_set(err, NULL, 0, 0, "the terminal cannot place the cursor (TERM=%s): the explorer needs "
                                          "a screen terminal such as xterm-256color; for a summary use 'comboscope check'",
                         text_sanitize(term ? term : "unset", safe, sizeof safe));
    }
    text_set_fatal_hook(app_terminal_restore);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    wtimeout(stdscr, 500); /* wake up now and then to notice signals */
    return true;
}
