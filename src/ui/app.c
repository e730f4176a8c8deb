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
#include "comboscope/launch.h"
#include "comboscope/round.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "app_impl.h"

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

void *app_view_state(app *a, enum view_id id)
{
    const struct view_ops *ops = app_view_ops(id);
    if (!ops)
        return NULL;
    if (!a->state[id])
        a->state[id] = ops->init(a);
    return a->state[id];
}

/* Switches to view id; returns UI_* bits. */
int app_show_view(app *a, enum view_id id)
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
    void *st = app_view_state(a, id);
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
void app_export_write(app *a, const char *name)
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
    char what[256];
    if (study_names_file(s, path, what, sizeof what)) {
        app_message(a, true, "%s is %s: the export would replace it; nothing written", safe, what);
        free(path);
        return;
    }
    cs_error err;
    file_atomic fa;
    long rows = -1;
    if (file_atomic_open(&fa, path, &err)) {
        errno = 0;
        rows = export_csv(fa.fp, s, (export_kind)a->export_kind, a->export_metric, a->export_target);
        if (rows < 0) {
            int e = errno; /* the failed write's: "No space left on device" */
            file_atomic_abort(&fa);
            error_set(&err, path, 0, 0, "cannot write the export: %s", e ? strerror(e) : "write error");
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
    return app_show_view(a, id);
}

int app_cycle_view(app *a, int dir)
{
    int v = a->view;
    for (int i = 0; i < VIEW_MAX; i++) {
        v = (v + dir + VIEW_MAX) % VIEW_MAX;
        if (app_view_ops((enum view_id)v))
            return app_show_view(a, (enum view_id)v);
    }
    return UI_HANDLED;
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

/* q while sbatch or scancel is out: the explorer stays (the screen live, the answer polled as
 * usual) until the engine has answered and its answer is journaled; q again leaves at once
 * (a submission is then looked up by its job's name next time, as after a crash). */
static bool quit_waits(app *a)
{
    if (a->quitting || !a->session || !a->session->launch || !launch_calls_out(a->session->launch))
        return false;
    a->quitting = true;
    app_message(a, false, "quitting once Slurm has answered (sbatch or scancel is out); q again quits now");
    return true;
}

static int run_loop(app *a, script *sc, cs_error *err)
{
    bool dirty = true;
    unsigned idle = 0;
    for (;;) {
        if (dirty)
            app_draw_frame(a);
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
                if (app_handle_click(a, y, x) & UI_REDRAW)
                    dirty = true;
                continue;
            }
        } else if (a->n_ahead > 0) {
            c = a->ahead[0];
            memmove(a->ahead, a->ahead + 1, (size_t)--a->n_ahead * sizeof *a->ahead);
        } else {
            c = getch();
            if (app_signal())
                return 0;
            if (c == ERR && app_terminal_hung_up())
                return 0; /* leave as on SIGHUP: terminal restored, nothing lost */
            if (c == ERR) {
                /* idle: every few wake-ups, look at the tables' modification times */
                /* (every wake-up while a commit's submissions go out) */
                if ((++idle % 4 == 0 || a->quitting || (a->session && round_launch_busy(a->session))) &&
                    !a->prompt && (poll_results(a, false) & UI_REDRAW))
                    dirty = true;
                if (a->quitting && !launch_calls_out(a->session->launch))
                    return 0; /* the engine has answered, and its answer is journaled */
                continue;
            }
        }
        int polled = a->prompt ? 0 : poll_results(a, false);
        int r = app_handle_key(a, c);
        if (polled & UI_REDRAW)
            r |= UI_REDRAW;
        if ((r & UI_QUIT) && quit_waits(a)) {
            dirty = true;
            continue;
        }
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
    app_signals_install(true);
    if (!app_terminal_open(opt, err)) {
        app_signals_install(false);
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
        app_terminal_restore();
        text_set_fatal_hook(NULL);
        app_signals_install(false);
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
    a->caps = app_caps_decide(opt);
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
    app_view_state(a, VIEW_STUDY);

    int rc = run_loop(a, opt->script ? &sc : NULL, err);
    int sig = app_signal();

    for (int v = 1; v < VIEW_MAX; v++) {
        const struct view_ops *ops = app_view_ops((enum view_id)v);
        if (ops && a->state[v] && ops->done)
            ops->done(a->state[v]);
    }
    round_session_free(a->session);
    free(a);
    app_terminal_restore();
    text_set_fatal_hook(NULL);
    app_signals_install(false);
    if (sc.f)
        fclose(sc.f);
    if (sig) {
        /* leave the way the signal asked, now that the terminal is back */
        raise(sig);
        return 1;
    }
    return rc;
}
