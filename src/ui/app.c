/* app: the explorer's one loop. Read a key (from the terminal, or from a script in golden-test
 * mode), turn it into an action through the key table, let the view (then the app) handle it,
 * and repaint only when a handler asks: erase(), draw, one doupdate() per frame. */
#include <errno.h>
#include <langinfo.h>
#include <math.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>

#include "comboscope/export.h"
#include "comboscope/fileio.h"
#include "comboscope/lattice.h"
#include "comboscope/round.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "ui.h"

/* ---- the views that exist (a new view adds its line here) --------------------------------- */

static const struct view_ops *const all_views[VIEW_MAX] = {
    [VIEW_STUDY] = &view_study_ops,
    [VIEW_LATTICE] = &view_lattice_ops,
    [VIEW_HEATMAPS] = &view_heatmap_ops,
    [VIEW_ROUND] = &view_round_ops,
    [VIEW_HISTORY] = &view_history_ops,
    [VIEW_TABLE] = &view_table_ops,
};

const struct view_ops *app_view_ops(enum view_id id)
{
    return id > 0 && id < VIEW_MAX ? all_views[id] : NULL;
}

/* ---- terminal lifetime -------------------------------------------------------------------------- */

static SCREEN *screen;
static FILE *null_out, *null_in;
static volatile sig_atomic_t got_signal;

/* Restores the terminal; safe to call twice. Used on quit, errors and out-of-memory. */
static void terminal_restore(void)
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
static bool terminal_hung_up(void)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static void signals_install(bool on)
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
static ui_caps caps_decide(const explorer_options *opt)
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

static bool terminal_open(const explorer_options *opt, cs_error *err)
{
    if (opt->script) {
        /* Golden-test mode: curses draws to an in-memory screen; nothing reaches a terminal. */
        null_out = fopen("/dev/null", "w");
        null_in = fopen("/dev/null", "r");
        if (!null_out || !null_in) {
            terminal_restore();
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
        terminal_restore();
        return error_set(err, NULL, 0, 0, "cannot use the terminal (TERM=%s)", term ? term : "unset");
    }
    set_term(screen);
    text_set_fatal_hook(terminal_restore);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    wtimeout(stdscr, 500); /* wake up now and then to notice signals */
    return true;
}

/* ---- messages, prompt, target --------------------------------------------------------------------- */

void app_message(app *a, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->message_error = error;
}

/* Draws msg over the status line of the frame on screen and sends it now: for work that
 * holds the loop (a fit), so that the user sees why the keys wait. */
static void app_notice(app *a, const char *msg)
{
    if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES)
        return;
    int y = LINES - 1;
    ui_fill(y, 0, COLS, ROLE_MESSAGE);
    ui_text(y, 1, COLS - 2, ROLE_MESSAGE, msg);
    wnoutrefresh(stdscr);
    doupdate();
    if (a->dump_notices)
        ui_dump(stdout, "notice");
}

void app_notice_fit(app *a, int target, int kind)
{
    size_t n = a->session ? round_fit_runs(a->session, target) : 0;
    if (n > ROUND_FIT_MAX)
        snprintf(a->fit_label, sizeof a->fit_label, "fitting %s on a sample of %d of %zu runs%s",
                 predict_kind_name((predict_kind)kind), ROUND_FIT_MAX, n, a->g->ellipsis);
    else
        snprintf(a->fit_label, sizeof a->fit_label, "fitting %s on %zu runs%s", predict_kind_name((predict_kind)kind),
                 n, a->g->ellipsis);
    if (n < APP_FIT_NOTICE_RUNS)
        return;
    app_notice(a, a->fit_label);
}

/* rs->wait while a fit runs on its worker thread: the status line counts the seconds, the
 * terminal keeps answering (a resize redraws the notice), Esc cancels the fit. Other keys
 * wait for the fit (they are not lost: typed ahead, they are read after it). */
static bool fit_wait(void *ctx, double secs)
{
    app *a = ctx;
    char msg[200];
    snprintf(msg, sizeof msg, "%s %.0f s  (Esc cancels)", a->fit_label[0] ? a->fit_label : "fitting", secs);
    if (secs >= 0.3)
        app_notice(a, msg);
    wtimeout(stdscr, 100);
    int c = getch();
    wtimeout(stdscr, 500);
    if (c == 27)
        return true;
    if (c != ERR && c != KEY_RESIZE && a->n_ahead < (int)(sizeof a->ahead / sizeof *a->ahead))
        a->ahead[a->n_ahead++] = c; /* read by the loop once the fit is done */
    return false;
}

void app_prompt_open(app *a, enum prompt_kind kind, const char *label, const char *initial)
{
    /* a prompt whose text would go nowhere is not opened: what follows would be lost, or
     * worse, taken for keys once it is closed */
    const struct view_ops *ops = app_view_ops(a->view);
    if (kind != PROMPT_SEARCH && kind != PROMPT_EXPORT && (!ops || !ops->prompt)) {
        app_message(a, true, "this view takes no typed text");
        return;
    }
    a->prompt = kind;
    a->prompt_view = a->view;
    snprintf(a->prompt_label, sizeof a->prompt_label, "%s", label);
    snprintf(a->prompt_text, sizeof a->prompt_text, "%s", initial ? initial : "");
}

const char *app_search_text(const app *a, enum view_id id)
{
    return id > 0 && id < VIEW_MAX ? a->search[id] : "";
}

void app_set_target(app *a, int dataset)
{
    for (int i = 0; i < a->study->n_targets; i++) {
        if (a->study->targets[i] != dataset)
            continue;
        a->target = dataset;
        a->target_pos = i;
        for (int v = 1; v < VIEW_MAX; v++) {
            const struct view_ops *ops = app_view_ops((enum view_id)v);
            if (ops && a->state[v] && ops->target)
                ops->target(a, a->state[v]);
        }
        return;
    }
}

bool app_is_study_target(const app *a, int dataset)
{
    for (int i = 0; i < a->study->n_targets; i++)
        if (a->study->targets[i] == dataset)
            return true;
    return false;
}

bool app_explore_target(app *a, int dataset)
{
    const study *s = a->study;
    if (dataset < 0 || dataset >= s->n_datasets)
        return false;
    if (app_is_study_target(a, dataset)) {
        app_set_target(a, dataset);
        return true;
    }
    study_target_summary ts;
    study_target_summarize(s, dataset, &ts);
    char name[128];
    text_sanitize(s->datasets[dataset].name, name, sizeof name);
    if (!ts.measured) {
        app_message(a, true, "%s has no scores to explore", name);
        return false;
    }
    a->target = dataset; /* target_pos stays on the last study target: ] and [ go on from there */
    for (int v = 1; v < VIEW_MAX; v++) {
        const struct view_ops *ops = app_view_ops((enum view_id)v);
        if (ops && a->state[v] && ops->target)
            ops->target(a, a->state[v]);
    }
    app_message(a, false, "%s is not one of the study's targets: explored here, not in the Round view",
                name);
    return true;
}

void app_study_reloaded(app *a)
{
    a->study = a->session->study;
    for (int v = 1; v < VIEW_MAX; v++) {
        const struct view_ops *ops = app_view_ops((enum view_id)v);
        if (!ops || !a->state[v])
            continue;
        if (ops->reload) {
            ops->reload(a, a->state[v]);
        } else {
            if (ops->done)
                ops->done(a->state[v]);
            a->state[v] = NULL;
        }
    }
}

/* The Lattice view's predictions: the round model's fitted predictor, for its target, once
 * the Round view has proposed (nothing is fitted for the Lattice's sake). */
static bool session_predict(void *ctx, int target, combo_t c, double *mean, double *spread)
{
    const round_session *rs = ctx;
    return rs->target == target && round_score(rs, c, mean, spread) && isfinite(*mean);
}

/* Results coming back: on a key press and while idle, a changed table is read again. */
static int poll_results(app *a, bool force)
{
    if (!a->session)
        return UI_UNHANDLED;
    cs_error err;
    /* a read-only instance: has the holder of the lock gone, or changed? */
    int lk = round_lock_poll(a->session);
    if (lk == 1) {
        app_message(a, true, "the holder of the lock is gone: ^T takes over (this instance then writes the journal)");
        return UI_REDRAW;
    }
    if (lk == 2) {
        app_message(a, true, "%s", a->session->read_only_why);
        return UI_REDRAW;
    }
    const study *before = a->study;
    size_t events = a->session->journal ? a->session->journal->n_events : 0;
    int n = round_poll(a->session, force, &err);
    if (n < 0) {
        app_message(a, true, "%s", err.msg);
        return UI_REDRAW;
    }
    char news[1100];
    if (round_launch_news(a->session, news, sizeof news)) {
        /* what a commit's submissions answered (sbatch runs without blocking the screen) */
        app_message(a, strstr(news, "not submitted") != NULL, "%s", news);
        if (a->session->study == before)
            return UI_REDRAW;
    }
    if (a->session->study != before) {
        app_study_reloaded(a);
        round_progress pr;
        if (n > 0 && round_progress_of(a->session, &pr) && pr.complete)
            app_message(a, false, "%d result%s journaled: round %d complete, round %d can be proposed (4)", n,
                        n == 1 ? "" : "s", pr.round, journal_current_round(a->session->journal));
        else if (n > 0)
            app_message(a, false, "%d result%s came back and %s journaled", n, n == 1 ? "" : "s",
                        n == 1 ? "is" : "are");
        else if (force)
            app_message(a, false, "tables read again: no new results");
        return UI_REDRAW;
    }
    /* launched runs changed state (pending, running, failed...): the views show it */
    if (a->session->journal && a->session->journal->n_events != events)
        return UI_REDRAW;
    return UI_UNHANDLED;
}

static void *view_state(app *a, enum view_id id)
{
    const struct view_ops *ops = app_view_ops(id);
    if (!ops)
        return NULL;
    if (!a->state[id])
        a->state[id] = ops->init(a);
    return a->state[id];
}

/* Switches to view id; returns UI_* bits. */
static int show_view(app *a, enum view_id id)
{
    static const char *const names[VIEW_MAX] = {"", "Study", "Lattice", "Heatmaps", "Round",
                                                "History", "Table"};
    if (!app_view_ops(id)) {
        app_message(a, false, "%s view: not available yet", names[id]);
        return UI_HANDLED | UI_REDRAW;
    }
    if (id == VIEW_ROUND && a->target >= 0 && !app_is_study_target(a, a->target) && a->study->n_targets > 0) {
        /* the search is stepped for the study's targets only */
        char name[128];
        text_sanitize(a->study->datasets[a->target].name, name, sizeof name);
        app_set_target(a, a->study->targets[a->target_pos]);
        app_message(a, false, "%s is not one of the study's targets: the Round view steps %s", name,
                    a->study->datasets[a->target].name);
    }
    a->view = id;
    a->help = false;
    const struct view_ops *ops = app_view_ops(id);
    bool opened = a->state[id] != NULL;
    void *st = view_state(a, id);
    if (opened && ops->show)
        ops->show(a, st);
    return UI_HANDLED | UI_REDRAW;
}

int app_export_prompt(app *a, int kind, int metric, int target, const char *default_name)
{
    a->export_kind = kind;
    a->export_metric = metric;
    a->export_target = target;
    app_prompt_open(a, PROMPT_EXPORT, "export CSV to: ", default_name);
    return UI_HANDLED | UI_REDRAW;
}

/* The export of the PROMPT_EXPORT prompt into name, relative to the study's directory. */
static void export_write(app *a, const char *name)
{
    const study *s = a->study;
    char why[256], safe[256];
    text_sanitize(name, safe, sizeof safe);
    if (!name[0]) {
        app_message(a, false, "no file named: nothing written");
        return;
    }
    const char *dir = s->dir ? s->dir : ".";
    if (!file_path_confined(dir, name, why, sizeof why)) {
        app_message(a, true, "%s: %s: nothing written", safe, why);
        return;
    }
    char *path = path_join(dir, name);
    cs_error err;
    file_atomic fa;
    long rows = -1;
    if (file_atomic_open(&fa, path, &err)) {
        rows = export_csv(fa.fp, s, (export_kind)a->export_kind, a->export_metric, a->export_target);
        if (rows < 0) {
            file_atomic_abort(&fa);
            error_set(&err, path, 0, 0, "cannot write the export");
        } else if (!file_atomic_commit(&fa, &err)) {
            rows = -1;
        }
    }
    if (rows < 0)
        app_message(a, true, "%s", err.msg);
    else
        app_message(a, false, "wrote %s: %ld rows", safe, rows);
    free(path);
}

int app_show_combo(app *a, enum view_id id, combo_t c, int dataset)
{
    if (dataset >= 0 && dataset != a->target && combo_has(c, dataset))
        app_explore_target(a, dataset); /* a study target, or any dataset with scores */
    a->focus_view = id;
    a->focus_combo = c;
    return show_view(a, id);
}

static int cycle_view(app *a, int dir)
{
    int v = a->view;
    for (int i = 0; i < VIEW_MAX; i++) {
        v = (v + dir + VIEW_MAX) % VIEW_MAX;
        if (app_view_ops((enum view_id)v))
            return show_view(a, (enum view_id)v);
    }
    return UI_HANDLED;
}

/* ---- drawing a frame -------------------------------------------------------------------------------- */

static ui_rect body_rect(void)
{
    return (ui_rect){1, 0, LINES - 2, COLS};
}

static void draw_tabs(app *a)
{
    ui_fill(0, 0, COLS, ROLE_TAB);
    int x = ui_text(0, 0, COLS, ROLE_TITLE, " comboscope ");
    for (int v = 1; v < VIEW_MAX && x < COLS; v++) {
        const struct view_ops *ops = app_view_ops((enum view_id)v);
        if (!ops)
            continue;
        char label[48];
        snprintf(label, sizeof label, " %d %s ", v, ops->name);
        a->tab_x0[v] = x + 1;
        x += ui_text(0, x + 1, COLS - x - 1, v == (int)a->view && !a->help ? ROLE_TAB_ACTIVE : ROLE_TAB,
                     label) + 1;
        a->tab_x1[v] = x;
    }
    if (a->help && x + 9 < COLS)
        x += ui_text(0, x + 1, COLS - x - 1, ROLE_TAB_ACTIVE, " ? Help ") + 1;
    const char *name = a->study->name ? a->study->name : "";
    int nw = ui_text_width(name);
    int room = COLS - x - 2;
    if (room > 8)
        ui_text_right(0, COLS - (nw + 1 < room ? nw + 1 : room), nw + 1 < room ? nw : room - 1,
                      ROLE_TAB, name);
}

static void draw_status(app *a)
{
    int y = LINES - 1;
    if (a->prompt) {
        ui_fill(y, 0, COLS, ROLE_PROMPT);
        int x = ui_text(y, 0, COLS, ROLE_PROMPT, a->prompt_label);
        int tw = ui_text_width(a->prompt_text);
        /* keep the end of a long text in sight */
        const char *t = a->prompt_text;
        while (tw > COLS - x - 2 && *t) {
            t++;
            tw = ui_text_width(t);
        }
        x += ui_text(y, x, COLS - x - 1, ROLE_PROMPT, t);
        ui_glyph(y, x, ui_role_attr(ROLE_CURSOR), " ");
        return;
    }
    if (a->message[0]) {
        theme_role r = a->message_error ? ROLE_ERROR : ROLE_MESSAGE;
        if (ui_text_width(a->message) > COLS - 2 && LINES > UI_MIN_LINES) {
            /* a long message wraps onto the line above, over the view, until the next key */
            ui_fill(y - 1, 0, COLS, r);
            ui_fill(y, 0, COLS, r);
            ui_text_wrap(y - 1, 1, COLS - 2, 2, r, a->message);
            return;
        }
        ui_fill(y, 0, COLS, r);
        ui_text(y, 1, COLS - 2, r, a->message);
        return;
    }
    ui_fill(y, 0, COLS, ROLE_STATUS);
    const study *s = a->study;
    char left[256];
    snprintf(left, sizeof left, " target %s%s %s %s %s", a->target >= 0 ? s->datasets[a->target].name : "-",
             a->target >= 0 && !app_is_study_target(a, a->target) ? " (not a study target)" : "",
             a->g->bullet, s->metric >= 0 ? s->metrics[s->metric] : "-",
             s->goal == GOAL_MIN ? "(lower is better)" : "(higher is better)");
    /* over a view's overlay (the Table's detail, the Round's editor or runs list), q closes it */
    const struct view_ops *ops = app_view_ops(a->view);
    bool overlay = ops && ops->scope_now && ops->scope_now(a, view_state(a, a->view)) != ops->scope;
    const char *right = overlay ? "Esc close  ? help " : "t target  ? help  q quit ";
    int rw = ui_text_width(right);
    ui_text(y, 0, COLS - rw - 1, ROLE_STATUS, left);
    if (COLS > rw + 20)
        ui_text(y, COLS - rw, rw, ROLE_STATUS, right);
}

static void draw_chooser(app *a, ui_rect r)
{
    const study *s = a->study;
    int wmax = 12;
    for (int i = 0; i < s->n_targets; i++) {
        int w = ui_text_width(s->datasets[s->targets[i]].name);
        if (w > wmax)
            wmax = w;
    }
    int w = wmax + 6 < r.w - 2 ? wmax + 6 : r.w - 2;
    int h = s->n_targets + 2 < r.h - 1 ? s->n_targets + 2 : r.h - 1;
    int y0 = r.y + (r.h - h) / 2, x0 = r.x + (r.w - w) / 2;
    int rows = h - 2;
    int top = a->chooser_pos >= rows ? a->chooser_pos - rows + 1 : 0;
    attr_t border = ui_role_attr(ROLE_BORDER);
    for (int y = y0; y < y0 + h; y++)
        ui_fill(y, x0, w, ROLE_NORMAL);
    ui_glyph(y0, x0, border, a->g->corner_tl);
    ui_glyph_row(y0, x0 + 1, w - 2, border, a->g->hline);
    ui_glyph(y0, x0 + w - 1, border, a->g->corner_tr);
    ui_text(y0, x0 + 2, w - 4, ROLE_HEADER, " target ");
    for (int i = 0; i < rows; i++) {
        int y = y0 + 1 + i, k = top + i;
        ui_glyph(y, x0, border, a->g->vline);
        ui_glyph(y, x0 + w - 1, border, a->g->vline);
        if (k >= s->n_targets)
            continue;
        theme_role role = k == a->chooser_pos ? ROLE_CURSOR : ROLE_NORMAL;
        ui_fill(y, x0 + 1, w - 2, role);
        ui_text(y, x0 + 1, 2, role, s->targets[k] == a->target ? a->g->bullet : " ");
        ui_text(y, x0 + 3, w - 4, role, s->datasets[s->targets[k]].name);
    }
    ui_glyph(y0 + h - 1, x0, border, a->g->corner_bl);
    ui_glyph_row(y0 + h - 1, x0 + 1, w - 2, border, a->g->hline);
    ui_glyph(y0 + h - 1, x0 + w - 1, border, a->g->corner_br);
}

static void draw_too_small(void)
{
    char msg[96];
    snprintf(msg, sizeof msg, "terminal too small: %dx%d, needs %dx%d", COLS, LINES, UI_MIN_COLS,
             UI_MIN_LINES);
    int w = ui_text_width(msg);
    int y = LINES / 2, x = COLS > w ? (COLS - w) / 2 : 0;
    ui_text(y, x, COLS - x, ROLE_NORMAL, msg);
    if (y + 1 < LINES)
        ui_text(y + 1, COLS > 6 ? (COLS - 6) / 2 : 0, COLS, ROLE_DIM, "q quit");
}

static void draw_frame(app *a)
{
    erase();
    if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES) {
        draw_too_small();
    } else {
        ui_rect r = body_rect();
        a->body = r;
        const struct view_ops *ops = app_view_ops(a->view);
        if (a->help)
            view_help_draw(a, ops && ops->scope_now ? ops->scope_now(a, view_state(a, a->view))
                              : ops ? ops->scope : SCOPE_GLOBAL, r, &a->help_top);
        else if (ops)
            ops->draw(a, view_state(a, a->view), r);
        if (a->chooser)
            draw_chooser(a, r);
        draw_tabs(a);
        draw_status(a);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

/* ---- handling keys ------------------------------------------------------------------------------------ */

/* ---- search: `/`, n and N in every view (the view's search op finds, the app keeps the text) ---- */

static int search_open(app *a)
{
    snprintf(a->search_before, sizeof a->search_before, "%s", a->search[a->view]);
    app_prompt_open(a, PROMPT_SEARCH, "/", "");
    return UI_HANDLED | UI_REDRAW;
}

/* An edit of the `/` prompt: incremental, from the cursor; Enter keeps the text for n and N,
 * Esc restores the text of the search before. */
static int search_edit(app *a, const char *text, bool done, bool cancelled)
{
    enum view_id id = a->prompt_view;
    const struct view_ops *ops = app_view_ops(id);
    if (!ops || !ops->search) {
        /* the prompt still took the keys: none of them ran as a command */
        if (done)
            app_message(a, true, "no search in this view: nothing done");
        return UI_HANDLED | UI_REDRAW;
    }
    if (cancelled) {
        snprintf(a->search[id], sizeof a->search[id], "%s", a->search_before);
        return UI_HANDLED | UI_REDRAW;
    }
    snprintf(a->search[id], sizeof a->search[id], "%s", text);
    if (*text && !ops->search(a, view_state(a, id), text, SEARCH_TYPED) && done)
        app_message(a, true, "not found: %s", text);
    return UI_HANDLED | UI_REDRAW;
}

/* n and N: the next or previous match of the view's search text. */
static int search_again(app *a, enum search_step step)
{
    const struct view_ops *ops = app_view_ops(a->view);
    const char *text = a->search[a->view];
    if (!ops || !ops->search)
        app_message(a, false, "no search in this view");
    else if (!text[0])
        app_message(a, false, "no search yet: press /");
    else if (!ops->search(a, view_state(a, a->view), text, step))
        app_message(a, true, "not found: %s", text);
    return UI_HANDLED | UI_REDRAW;
}

static int handle_prompt_key(app *a, int c)
{
    const struct view_ops *ops = app_view_ops(a->prompt_view);
    void *st = view_state(a, a->prompt_view);
    size_t len = strlen(a->prompt_text);
    bool done = false, cancelled = false;
    if (a->prompt == PROMPT_CONFIRM) { /* one key answers: only y is yes */
        a->prompt = PROMPT_NONE;
        a->prompt_text[0] = '\0';
        if (ops && ops->prompt)
            ops->prompt(a, st, PROMPT_CONFIRM, c == 'y' ? "y" : "", true, false);
        return UI_HANDLED | UI_REDRAW;
    }
    switch (ui_key_action(c, SCOPE_PROMPT)) {
    case ACTION_PROMPT_ACCEPT: done = true; break;
    case ACTION_PROMPT_CANCEL:
        cancelled = true;
        a->prompt_text[0] = '\0';
        break;
    case ACTION_PROMPT_ERASE:
        /* drop one whole UTF-8 character */
        while (len > 0 && ((unsigned char)a->prompt_text[len - 1] & 0xC0) == 0x80)
            len--;
        if (len > 0)
            len--;
        a->prompt_text[len] = '\0';
        break;
    case ACTION_PROMPT_CLEAR: a->prompt_text[0] = '\0'; break;
    default:
        if (c < 0x20 || c >= 0x100 || c == 0x7f || len + 1 >= sizeof a->prompt_text)
            return UI_HANDLED;
        /* bytes of a UTF-8 character arrive one at a time; drawing sanitizes and measures */
        a->prompt_text[len] = (char)c;
        a->prompt_text[len + 1] = '\0';
    }
    enum prompt_kind kind = a->prompt;
    if (done || cancelled)
        a->prompt = PROMPT_NONE;
    if (kind == PROMPT_SEARCH)
        return search_edit(a, a->prompt_text, done, cancelled);
    if (kind == PROMPT_EXPORT) {
        if (cancelled)
            app_message(a, false, "cancelled: nothing written");
        else if (done)
            export_write(a, a->prompt_text);
        return UI_HANDLED | UI_REDRAW;
    }
    if (ops && ops->prompt)
        ops->prompt(a, st, kind, a->prompt_text, done, cancelled);
    return UI_HANDLED | UI_REDRAW;
}

static int handle_chooser_key(app *a, int c)
{
    int n = a->study->n_targets;
    enum action p = ui_key_action(c, SCOPE_PROMPT), act = ui_key_action(c, SCOPE_GLOBAL);
    if (p == ACTION_PROMPT_CANCEL || act == ACTION_QUIT || act == ACTION_TARGET_CHOOSE) {
        a->chooser = false;
    } else if (p == ACTION_PROMPT_ACCEPT) {
        a->chooser = false;
        if (n > 0)
            app_set_target(a, a->study->targets[a->chooser_pos]);
    } else if (act == ACTION_MOVE_UP && a->chooser_pos > 0) {
        a->chooser_pos--;
    } else if (act == ACTION_MOVE_DOWN && a->chooser_pos + 1 < n) {
        a->chooser_pos++;
    } else if (act == ACTION_MOVE_FIRST || act == ACTION_PAGE_UP) {
        a->chooser_pos = 0;
    } else if ((act == ACTION_MOVE_LAST || act == ACTION_PAGE_DOWN) && n > 0) {
        a->chooser_pos = n - 1;
    }
    return UI_HANDLED | UI_REDRAW;
}

static int handle_help_action(app *a, enum action act)
{
    const struct view_ops *ops = app_view_ops(a->view);
    int lines = view_help_lines(ops && ops->scope_now ? ops->scope_now(a, view_state(a, a->view))
                                : ops ? ops->scope : SCOPE_GLOBAL);
    int page = a->body.h > 1 ? a->body.h - 1 : 1;
    int max_top = lines > a->body.h ? lines - a->body.h : 0;
    switch (act) {
    case ACTION_HELP_CLOSE: a->help = false; break;
    case ACTION_MOVE_UP: a->help_top--; break;
    case ACTION_MOVE_DOWN: a->help_top++; break;
    case ACTION_PAGE_UP: a->help_top -= page; break;
    case ACTION_PAGE_DOWN: a->help_top += page; break;
    case ACTION_MOVE_FIRST: a->help_top = 0; break;
    case ACTION_MOVE_LAST: a->help_top = max_top; break;
    default: return UI_UNHANDLED;
    }
    if (a->help_top > max_top)
        a->help_top = max_top;
    if (a->help_top < 0)
        a->help_top = 0;
    return UI_HANDLED | UI_REDRAW;
}

static int handle_global(app *a, enum action act)
{
    const study *s = a->study;
    switch (act) {
    case ACTION_QUIT: return UI_QUIT;
    case ACTION_HELP: /* `?` again closes it */
        a->help = !a->help;
        a->help_top = 0;
        return UI_HANDLED | UI_REDRAW;
    case ACTION_VIEW_STUDY: return show_view(a, VIEW_STUDY);
    case ACTION_VIEW_LATTICE: return show_view(a, VIEW_LATTICE);
    case ACTION_VIEW_HEATMAPS: return show_view(a, VIEW_HEATMAPS);
    case ACTION_VIEW_ROUND: return show_view(a, VIEW_ROUND);
    case ACTION_VIEW_HISTORY: return show_view(a, VIEW_HISTORY);
    case ACTION_VIEW_TABLE: return show_view(a, VIEW_TABLE);
    case ACTION_VIEW_NEXT: return cycle_view(a, 1);
    case ACTION_VIEW_PREV: return cycle_view(a, -1);
    case ACTION_TARGET_CHOOSE:
        if (s->n_targets > 0) {
            a->chooser = true;
            a->chooser_pos = a->target_pos;
        }
        return UI_HANDLED | UI_REDRAW;
    case ACTION_TARGET_NEXT:
    case ACTION_TARGET_PREV:
        if (s->n_targets > 0) {
            int p = (a->target_pos + (act == ACTION_TARGET_NEXT ? 1 : -1) + s->n_targets) % s->n_targets;
            app_set_target(a, s->targets[p]);
        }
        return UI_HANDLED | UI_REDRAW;
    case ACTION_REDRAW:
        clearok(curscr, TRUE);
        return UI_HANDLED | UI_REDRAW;
    case ACTION_TAKE_OVER: {
        cs_error err;
        if (!a->session || !a->session->lock_elsewhere) {
            app_message(a, true, "%s", a->session && a->session->read_only_why[0] ? a->session->read_only_why
                                                                                   : "this instance already writes the journal");
            return UI_HANDLED | UI_REDRAW;
        }
        if (!round_take_over(a->session, &err))
            app_message(a, true, "%s", err.msg);
        else
            app_message(a, false, "took over the lock: this instance writes the journal now");
        app_study_reloaded(a); /* the views show the journal reopened */
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_SEARCH: return search_open(a);
    case ACTION_SEARCH_NEXT: return search_again(a, SEARCH_NEXT);
    case ACTION_SEARCH_PREV: return search_again(a, SEARCH_PREV);
    case ACTION_SHOW_LATTICE:
        app_message(a, false, "no combination is selected in this view");
        return UI_HANDLED | UI_REDRAW;
    default: return UI_UNHANDLED;
    }
}

/* A button-1 click at (y, x): a tab switches views, a click in the view goes to its click op. */
static int handle_click(app *a, int y, int x)
{
    if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES || a->prompt || a->chooser)
        return UI_HANDLED;
    if (y == 0) {
        for (int v = 1; v < VIEW_MAX; v++)
            if (app_view_ops((enum view_id)v) && x >= a->tab_x0[v] && x < a->tab_x1[v])
                return show_view(a, (enum view_id)v);
        return UI_HANDLED;
    }
    const struct view_ops *ops = app_view_ops(a->view);
    if (y >= a->body.y && y < a->body.y + a->body.h && ops && ops->click && !a->help)
        return ops->click(a, view_state(a, a->view), a->body, y, x) | UI_REDRAW;
    return UI_HANDLED;
}

/* One key: returns UI_* bits. */
static int handle_key(app *a, int c)
{
    bool had_message = a->message[0] != '\0';
    a->message[0] = '\0';
    int r;
    if (c == KEY_RESIZE)
        return UI_HANDLED | UI_REDRAW;
    if (a->prompt)
        return handle_prompt_key(a, c);
    if (a->chooser)
        return handle_chooser_key(a, c);
    if (c == KEY_MOUSE) {
        MEVENT ev;
        if (getmouse(&ev) != OK)
            return UI_HANDLED;
        if (ev.bstate & BUTTON4_PRESSED)
            c = KEY_UP;
        else if (ev.bstate & BUTTON5_PRESSED)
            c = KEY_DOWN;
        else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
            return handle_click(a, ev.y, ev.x);
        else
            return UI_HANDLED;
    }
    bool too_small = COLS < UI_MIN_COLS || LINES < UI_MIN_LINES;
    const struct view_ops *ops = app_view_ops(a->view);
    enum action_scope scope = a->help ? SCOPE_HELP : ops ? ops->scope : SCOPE_GLOBAL;
    if (!a->help && ops && ops->scope_now)
        scope = ops->scope_now(a, view_state(a, a->view));
    enum action act = ui_key_action(c, scope);
    if (act == ACTION_NONE)
        return had_message ? UI_HANDLED | UI_REDRAW : UI_UNHANDLED;
    if (too_small) /* only quitting makes sense on the "too small" screen */
        return act == ACTION_QUIT ? UI_QUIT : UI_UNHANDLED;
    if (a->help) {
        r = handle_help_action(a, act);
        if (r)
            return r;
        /* over the help, only the help's keys, `?`, and the keys that show a view */
        if (act != ACTION_HELP && act != ACTION_REDRAW && (act < ACTION_VIEW_STUDY || act > ACTION_VIEW_PREV))
            return UI_HANDLED | (had_message ? UI_REDRAW : 0);
    } else if (ops) {
        r = ops->action(a, view_state(a, a->view), act);
        if (r)
            return r | (had_message ? UI_REDRAW : 0);
        /* A mode of the view with keys of its own (the combination editor) is an overlay:
         * its keys do not fall through to the view's or the program's, except the help, and
         * `/`, n and N when the view searches (its search op looks in the mode: the runs list). */
        bool search = ops->search && (act == ACTION_SEARCH || act == ACTION_SEARCH_NEXT || act == ACTION_SEARCH_PREV);
        if (scope != ops->scope && act != ACTION_HELP && act != ACTION_REDRAW && !search) {
            app_message(a, false, "%s: this key does nothing here (? lists the keys)", ui_scope_titles[scope]);
            return UI_HANDLED | UI_REDRAW;
        }
    }
    r = handle_global(a, act);
    return r | (had_message ? UI_REDRAW : 0);
}

/* ---- scripts (golden-test mode) ------------------------------------------------------------------ */

typedef struct script {
    FILE *f;
    const char *path;
    long line;
    int pending[256]; /* keys still to feed from the current line */
    int n_pending, next;
} script;

enum script_step { STEP_KEY, STEP_DUMP, STEP_RESIZE, STEP_CLICK, STEP_NOTICES, STEP_END, STEP_ERROR };

/* Reads script lines until one yields a key, a dump, a resize, or the end. */
static enum script_step script_next(script *sc, int *key, char *arg, size_t narg, cs_error *err)
{
    for (;;) {
        if (sc->next < sc->n_pending) {
            *key = sc->pending[sc->next++];
            return STEP_KEY;
        }
        char line[1024];
        if (!fgets(line, sizeof line, sc->f))
            return STEP_END;
        sc->line++;
        line[strcspn(line, "\r\n")] = '\0';
        sc->n_pending = sc->next = 0;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        char *sp = p + strcspn(p, " \t");
        char *rest = *sp ? sp + 1 : sp;
        *sp = '\0';
        if (strcmp(p, "key") == 0) {
            for (char *w = strtok(rest, " \t"); w; w = strtok(NULL, " \t")) {
                int c = ui_key_code(w);
                if (c < 0)
                    return error_set(err, sc->path, sc->line, 0, "unknown key '%.40s'", w), STEP_ERROR;
                if (sc->n_pending < 256)
                    sc->pending[sc->n_pending++] = c;
            }
        } else if (strcmp(p, "type") == 0) {
            for (const unsigned char *q = (const unsigned char *)rest; *q && sc->n_pending < 256; q++)
                sc->pending[sc->n_pending++] = *q;
        } else if (strcmp(p, "dump") == 0) {
            snprintf(arg, narg, "%s", rest);
            return STEP_DUMP;
        } else if (strcmp(p, "resize") == 0) {
            snprintf(arg, narg, "%s", rest);
            return STEP_RESIZE;
        } else if (strcmp(p, "click") == 0) {
            snprintf(arg, narg, "%s", rest);
            return STEP_CLICK;
        } else if (strcmp(p, "notices") == 0) {
            return STEP_NOTICES;
        } else {
            return error_set(err, sc->path, sc->line, 0,
                             "unknown command '%.40s' (key, type, dump, resize, click, notices)", p), STEP_ERROR;
        }
    }
}

/* ---- the loop ---------------------------------------------------------------------------------------- */

static int run_loop(app *a, script *sc, cs_error *err)
{
    bool dirty = true;
    unsigned idle = 0;
    for (;;) {
        if (dirty)
            draw_frame(a);
        dirty = false;
        int c;
        if (sc) {
            char arg[256];
            enum script_step st = script_next(sc, &c, arg, sizeof arg, err);
            if (st == STEP_END)
                return 0;
            if (st == STEP_ERROR)
                return 1;
            if (st == STEP_DUMP) {
                ui_dump(stdout, arg);
                continue;
            }
            if (st == STEP_NOTICES) {
                a->dump_notices = true;
                continue;
            }
            if (st == STEP_RESIZE) {
                int cols, lines;
                if (sscanf(arg, "%d %d", &cols, &lines) != 2 || cols < 1 || lines < 1 || cols > 1000 ||
                    lines > 1000)
                    return error_set(err, sc->path, sc->line, 0, "resize wants COLS LINES"), 1;
                resizeterm(lines, cols);
                dirty = true;
                continue;
            }
            if (st == STEP_CLICK) {
                int y, x;
                if (sscanf(arg, "%d %d", &y, &x) != 2)
                    return error_set(err, sc->path, sc->line, 0, "click wants LINE COLUMN"), 1;
                a->message[0] = '\0';
                if (handle_click(a, y, x) & UI_REDRAW)
                    dirty = true;
                continue;
            }
        } else if (a->n_ahead > 0) {
            c = a->ahead[0];
            memmove(a->ahead, a->ahead + 1, (size_t)--a->n_ahead * sizeof *a->ahead);
        } else {
            c = getch();
            if (got_signal)
                return 0;
            if (c == ERR && terminal_hung_up()) {
                got_signal = SIGHUP; /* leave as on SIGHUP: terminal restored, nothing lost */
                return 0;
            }
            if (c == ERR) {
                /* idle: every few wake-ups, look at the tables' modification times */
                /* (every wake-up while a commit's submissions go out) */
                if ((++idle % 4 == 0 || (a->session && round_launch_busy(a->session))) && !a->prompt &&
                    (poll_results(a, false) & UI_REDRAW))
                    dirty = true;
                continue;
            }
        }
        int polled = a->prompt ? 0 : poll_results(a, false);
        int r = handle_key(a, c);
        if (polled & UI_REDRAW)
            r |= UI_REDRAW;
        if (r & UI_QUIT)
            return 0;
        if (r & UI_REDRAW)
            dirty = true;
    }
}

int explorer_run(study *s, const explorer_options *opt, cs_error *err)
{
    script sc = {0};
    if (opt->script) {
        sc.f = fopen(opt->script, "r");
        sc.path = opt->script;
        if (!sc.f)
            return error_set(err, opt->script, 0, 0, "cannot open script: %s", strerror(errno)), 1;
    }
    signals_install(true);
    if (!terminal_open(opt, err)) {
        signals_install(false);
        if (sc.f)
            fclose(sc.f);
        return 1;
    }
    app *a = xcalloc(1, sizeof *a);
    a->study = s;
    a->opt = opt;
    a->session = round_session_open(s, opt->open, opt->read_only, opt->oracle, err);
    if (!a->session) {
        free(a);
        terminal_restore();
        text_set_fatal_hook(NULL);
        signals_install(false);
        if (sc.f)
            fclose(sc.f);
        return 1;
    }
    if (!sc.f) { /* a scripted session stays on one thread, for the same screens every time */
        a->session->wait = fit_wait;
        a->session->wait_ctx = a;
    }
    static lattice_predictions session_predictions;
    session_predictions = (lattice_predictions){session_predict, a->session};
    a->predictions = &session_predictions;
    if (a->session->read_only_why[0] && !opt->read_only && a->session->journal)
        app_message(a, true, "%s", a->session->read_only_why);
    else if (a->session->journal && a->session->journal->warning[0])
        app_message(a, true, "%s", a->session->journal->warning); /* a torn last line, skipped */
    a->caps = caps_decide(opt);
    a->g = a->caps.utf8 ? &ui_glyphs_utf8 : &ui_glyphs_ascii;
    if (!a->caps.colors)
        theme_mono(&a->theme); /* meaning must survive through attributes alone */
    else if (opt->theme)
        a->theme = *opt->theme;
    else
        theme_default(&a->theme);
    ui_colors_init(&a->caps, &a->theme);
    if (a->caps.mouse)
        mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    a->target = s->n_targets > 0 ? s->targets[0] : -1;
    a->view = VIEW_STUDY;
    view_state(a, VIEW_STUDY);

    int rc = run_loop(a, opt->script ? &sc : NULL, err);
    int sig = got_signal;

    for (int v = 1; v < VIEW_MAX; v++) {
        const struct view_ops *ops = app_view_ops((enum view_id)v);
        if (ops && a->state[v] && ops->done)
            ops->done(a->state[v]);
    }
    round_session_free(a->session);
    free(a);
    terminal_restore();
    text_set_fatal_hook(NULL);
    signals_install(false);
    if (sc.f)
        fclose(sc.f);
    if (sig) {
        /* leave the way the signal asked, now that the terminal is back */
        raise(sig);
        return 1;
    }
    return rc;
}
