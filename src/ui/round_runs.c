/* round_runs: the Round view's runs list (R), drawn and driven for view_round.c. Every run of
 * the journal with its state as the launch engine last reported it (launch_runs): queued,
 * submitting, pending with Slurm's reason, running with its elapsed time, done with its score
 * against its prediction, failed with its exit status (the last lines of its log on demand),
 * cancelled, lost, withdrawn. Keys send actions to the round model (round_cancel,
 * round_resubmit, round_withdraw), which journals each one before this list says so. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/find.h"
#include "comboscope/launch.h"
#include "comboscope/round.h"
#include "comboscope/text.h"
#include "ui.h"

#define RUNS_LOG_LINES 6

static theme_role state_role(run_state st)
{
    switch (st) {
    case RUN_RUNNING: return ROLE_ACCENT;
    case RUN_DONE: return ROLE_GOOD;
    case RUN_FAILED:
    case RUN_LOST: return ROLE_BAD;
    case RUN_PENDING:
    case RUN_SUBMITTING: return ROLE_NUMBER;
    default: return ROLE_DIM;
    }
}

/* "45s", "12m03s", "2h05m", "3d04h". */
static void fmt_elapsed(char *buf, size_t n, double s)
{
    long t = s < 0 ? 0 : (long)s;
    if (t < 60)
        snprintf(buf, n, "%lds", t);
    else if (t < 3600)
        snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
    else if (t < 86400)
        snprintf(buf, n, "%ldh%02ldm", t / 3600, t % 3600 / 60);
    else
        snprintf(buf, n, "%ldd%02ldh", t / 86400, t % 86400 / 3600);
}

/* The detail column of a run: what its state means right now. */
static void detail_text(const launch_run_info *ri, char *buf, size_t n)
{
    char a[32], b[32];
    buf[0] = '\0';
    switch (ri->state) {
    case RUN_QUEUED: snprintf(buf, n, ri->attempt ? "back in the queue" : "in the queue"); break;
    case RUN_SUBMITTING: snprintf(buf, n, "being handed to %s", ri->engine[0] ? ri->engine : "the engine"); break;
    case RUN_PENDING: snprintf(buf, n, "%s", ri->reason[0] ? ri->reason : "waiting for a node"); break;
    case RUN_RUNNING:
        if (ri->elapsed >= 0)
            fmt_elapsed(buf, n, ri->elapsed);
        else
            snprintf(buf, n, "no start mark yet");
        break;
    case RUN_DONE:
        ui_fmt_score(a, sizeof a, ri->has_score, ri->score);
        ui_fmt_score(b, sizeof b, ri->has_prediction, ri->predicted);
        if (ri->has_prediction)
            snprintf(buf, n, "%s vs %s predicted", a, b);
        else
            snprintf(buf, n, "%s", a);
        break;
    case RUN_FAILED:
        if (ri->has_exit && ri->exit_status > 128)
            snprintf(buf, n, "killed by signal %d%s%s", ri->exit_status - 128, ri->reason[0] ? ": " : "", ri->reason);
        else if (ri->has_exit)
            snprintf(buf, n, "exit %d%s%s", ri->exit_status, ri->reason[0] ? ": " : "", ri->reason);
        else
            snprintf(buf, n, "%s", ri->reason);
        break;
    case RUN_LOST: snprintf(buf, n, "%s", ri->reason[0] ? ri->reason : "no engine accounts for it"); break;
    case RUN_WITHDRAWN: snprintf(buf, n, "out of the queue"); break;
    default: break;
    }
}

/* The run to put the cursor on first: the first of the latest round with runs. */
static size_t first_of_latest(const journal *j)
{
    size_t k = j->n_runs ? j->n_runs - 1 : 0;
    while (k > 0 && j->runs[k - 1].round == j->runs[k].round)
        k--;
    return k;
}

void round_runs_open(app *a, round_runs_view *v)
{
    const journal *j = a->session->journal;
    memset(v, 0, sizeof *v);
    v->open = true;
    v->cursor = j ? first_of_latest(j) : 0;
}

const char *round_runs_current(app *a, const round_runs_view *v)
{
    const journal *j = a->session->journal;
    return j && v->cursor < j->n_runs ? j->runs[v->cursor].id : NULL;
}

void round_runs_draw(app *a, round_runs_view *v, ui_rect r)
{
    const round_session *rs = a->session;
    const journal *j = rs->journal;
    const study *s = a->study;
    char buf[1024], detail[512];
    int y = r.y;
    size_t n = 0;
    launch_run_info *ri = j ? launch_runs(j, &n) : NULL;
    size_t count[RUN_N_STATES] = {0};
    for (size_t i = 0; i < n; i++)
        count[ri[i].state]++;
    int x = ui_textf(y, r.x + 1, r.w - 2, ROLE_HEADER, "%zu run%s", n, n == 1 ? "" : "s");
    size_t k = 0;
    buf[0] = '\0';
    for (int st = 0; st < RUN_N_STATES; st++)
        if (count[st] && k < sizeof buf)
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%zu %s", k ? ", " : ": ", count[st],
                                  run_state_name((run_state)st));
    x += ui_text(y, r.x + 1 + x, r.w - 2 - x, ROLE_NORMAL, buf);
    const char *engine = !s->launch ? "no launch engine" : rs->launch ? launch_engine_name(s->launch->engine)
                                                                       : "not followed here";
    if (ui_text_width(engine) + 2 < r.w - 2 - x) /* where it fits */
        ui_text_right(y, r.x + 2 + x, r.w - 3 - x, ROLE_DIM, engine);
    y++;
    ui_text(y++, r.x + 1, r.w - 2, ROLE_HEADER, "run       rnd state      detail                     combination");
    if (n == 0) {
        ui_text(y + 1, r.x + 2, r.w - 4, ROLE_DIM, "no runs yet: commit a round (Enter in the Round view)");
        free(ri);
        return;
    }
    if (v->cursor >= n)
        v->cursor = n - 1;
    /* the list takes what the details leave */
    int details = v->log ? 4 + RUNS_LOG_LINES : 4;
    int rows = r.h - 3 - details;
    if (rows < 3)
        rows = 3;
    if (v->cursor < v->top)
        v->top = v->cursor;
    if (v->cursor >= v->top + (size_t)rows)
        v->top = v->cursor - (size_t)rows + 1;
    for (size_t i = v->top; i < n && i < v->top + (size_t)rows; i++, y++) {
        const journal_run *run = &j->runs[ri[i].run];
        bool cur = i == v->cursor;
        theme_role base = cur ? ROLE_CURSOR : ROLE_NORMAL;
        if (cur)
            ui_fill(y, r.x, r.w, ROLE_CURSOR);
        const char *q = app_search_text(a, VIEW_ROUND);
        ui_text_match(y, r.x + 1, 9, base, run->id, q);
        ui_textf(y, r.x + 10, 4, base, "%3d", run->round);
        ui_text(y, r.x + 15, 10, cur ? base : state_role(ri[i].state), run_state_name(ri[i].state));
        detail_text(&ri[i], detail, sizeof detail);
        ui_text(y, r.x + 26, 26, cur ? base : ROLE_NORMAL, detail);
        ui_text_match(y, r.x + 53, r.w - 54, cur ? base : ROLE_DIM, study_combo_format(s, run->combo, buf, sizeof buf), q);
    }
    /* the run under the cursor */
    int yd = r.y + r.h - 1 - details;
    ui_glyph_row(yd++, r.x, r.w, ui_role_attr(ROLE_BORDER), a->g->hline);
    const launch_run_info *c = &ri[v->cursor];
    const journal_run *run = &j->runs[c->run];
    x = ui_textf(yd, r.x + 1, r.w - 2, ROLE_ACCENT, "%s ", run->id);
    ui_text(yd++, r.x + 1 + x, r.w - 2 - x, ROLE_NORMAL, study_combo_format(s, run->combo, buf, sizeof buf));
    char task[16] = "";
    if (c->array_index >= 0)
        snprintf(task, sizeof task, "_%d", c->array_index);
    if (c->engine[0])
        ui_textf(yd++, r.x + 1, r.w - 2, ROLE_DIM, "%s job %s%s, attempt %d", c->engine, c->job[0] ? c->job : "?", task,
                 c->attempt);
    else
        ui_text(yd++, r.x + 1, r.w - 2, ROLE_DIM, "not handed to an engine");
    detail_text(c, detail, sizeof detail);
    ui_text(yd++, r.x + 1, r.w - 2, state_role(c->state), detail);
    if (v->log) {
        char *tail = round_log_tail(c->log, RUNS_LOG_LINES);
        int shown = 0;
        for (char *line = tail, *next; line && *line && shown < RUNS_LOG_LINES; line = next, shown++) {
            next = line + strcspn(line, "\n");
            if (*next)
                *next++ = '\0';
            ui_textf(yd + shown, r.x + 1, r.w - 2, ROLE_DIM, "| %s", line);
        }
        if (!shown)
            ui_text(yd, r.x + 1, r.w - 2, ROLE_DIM, c->log ? "(the log is empty or not written yet)" : "(no log: never started)");
        free(tail);
    }
    launch_runs_free(ri, n);
    if (rs->read_only) {
        x = ui_text(r.y + r.h - 1, r.x + 1, r.w - 2, ROLE_BAD, rs->read_only_why);
        ui_text(r.y + r.h - 1, r.x + 3 + x, r.w - 4 - x, ROLE_DIM, "Enter log  Esc back");
    } else {
        ui_text(r.y + r.h - 1, r.x + 1, r.w - 2, ROLE_DIM,
                "c cancel  s resubmit  w withdraw  Enter log  Esc back to the round");
    }
}

typedef struct runs_match {
    const journal *j;
    const study *s;
    const char *text;
} runs_match;

/* A run matches by its id, its state's name, or its combination's members. */
static bool run_matches(void *ctx, size_t i)
{
    const runs_match *m = ctx;
    const journal_run *run = &m->j->runs[i];
    run_state st = run->has_result ? RUN_DONE : run->state;
    return find_words(run->id, m->text) || find_words(run_state_name(st), m->text) ||
           find_combo(m->s, run->combo, m->text);
}

bool round_runs_search(app *a, round_runs_view *v, const char *text, enum search_step step)
{
    const journal *j = a->session->journal;
    if (!j || j->n_runs == 0)
        return false;
    runs_match m = {j, a->study, text};
    long i = find_next(j->n_runs, v->cursor, step == SEARCH_PREV ? -1 : 1, step == SEARCH_TYPED, run_matches, &m);
    if (i < 0)
        return false;
    v->cursor = (size_t)i;
    return true;
}

/* Journaled actions say so with the journal line they are on. */
static int said(app *a, bool ok, const cs_error *err, const char *what)
{
    if (ok)
        app_message(a, false, "saved: %s (journal line %ld)", what, a->session->journal->lines);
    else
        app_message(a, true, "%s", err->msg);
    return UI_HANDLED | UI_REDRAW;
}

int round_runs_action(app *a, round_runs_view *v, enum action act)
{
    round_session *rs = a->session;
    size_t n = rs->journal ? rs->journal->n_runs : 0;
    const char *id = round_runs_current(a, v);
    cs_error err;
    char what[ERROR_MSG_MAX + 96];
    switch (act) {
    case ACTION_MOVE_UP: v->cursor = v->cursor > 0 ? v->cursor - 1 : 0; break;
    case ACTION_MOVE_DOWN: v->cursor = v->cursor + 1 < n ? v->cursor + 1 : v->cursor; break;
    case ACTION_MOVE_FIRST: v->cursor = 0; break;
    case ACTION_MOVE_LAST: v->cursor = n ? n - 1 : 0; break;
    case ACTION_PAGE_UP: v->cursor = v->cursor > 10 ? v->cursor - 10 : 0; break;
    case ACTION_PAGE_DOWN: v->cursor = v->cursor + 10 < n ? v->cursor + 10 : (n ? n - 1 : 0); break;
    case ACTION_RUNS_CLOSE: v->open = false; break;
    case ACTION_RUNS_LOG: v->log = !v->log; break;
    case ACTION_RUNS_CANCEL:
    case ACTION_RUNS_WITHDRAW: {
        if (!id) {
            app_message(a, false, "no run here");
            break;
        }
        /* refused at once (read-only, no engine, started...) rather than asked about */
        bool cancel = act == ACTION_RUNS_CANCEL;
        if (!(cancel ? round_cancel_check(rs, id, &err) : round_withdraw_check(rs, id, &err)))
            return said(a, false, &err, "");
        const journal_run *run = journal_run_find(rs->journal, id);
        char q[200];
        snprintf(q, sizeof q, "%s %s (%s)? (y/N)", cancel ? "cancel" : "withdraw", id, run_state_name(run->state));
        v->ask = cancel ? ROUND_RUNS_ASK_CANCEL : ROUND_RUNS_ASK_WITHDRAW;
        snprintf(v->ask_run, sizeof v->ask_run, "%s", id);
        app_prompt_open(a, PROMPT_CONFIRM, q, "");
        break;
    }
    case ACTION_RUNS_RESUBMIT: {
        if (!id) {
            app_message(a, false, "no run here");
            break;
        }
        char msg[256] = "";
        char run[JOURNAL_RUN_MAX];
        snprintf(run, sizeof run, "%s", id);
        bool ok = round_resubmit(rs, run, msg, sizeof msg, &err);
        snprintf(what, sizeof what, "%s resubmitted%s%s", run, msg[0] ? ": " : "", msg);
        return said(a, ok, &err, what);
    }
    default: return UI_UNHANDLED;
    }
    return UI_HANDLED | UI_REDRAW;
}

int round_runs_prompt(app *a, round_runs_view *v, const char *text)
{
    round_session *rs = a->session;
    cs_error err;
    char what[96];
    enum round_runs_ask ask = v->ask;
    v->ask = ROUND_RUNS_ASK_NONE;
    if (strcmp(text, "y") != 0) {
        app_message(a, false, "%s %s: nothing changed (only y does)", ask == ROUND_RUNS_ASK_CANCEL ? "not cancelled"
                                                                                                   : "not withdrawn",
                    v->ask_run);
        return UI_HANDLED | UI_REDRAW;
    }
    bool ok = ask == ROUND_RUNS_ASK_CANCEL ? round_cancel(rs, v->ask_run, &err) : round_withdraw(rs, v->ask_run, &err);
    snprintf(what, sizeof what, "%s %s", v->ask_run, ask == ROUND_RUNS_ASK_CANCEL ? "cancelled" : "withdrawn");
    return said(a, ok, &err, what);
}
