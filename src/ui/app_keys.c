/* app_keys: handling a key or a click: the prompt, the target chooser, the help, search (`/`,
 * n, N) and the app's own actions, after the view has had its turn. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/export.h"
#include "comboscope/fileio.h"
#include "comboscope/lattice.h"
#include "comboscope/round.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "app_impl.h"

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
    if (*text && !ops->search(a, app_view_state(a, id), text, SEARCH_TYPED) && done)
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
    else if (!ops->search(a, app_view_state(a, a->view), text, step))
        app_message(a, true, "not found: %s", text);
    return UI_HANDLED | UI_REDRAW;
}

static int handle_prompt_key(app *a, int c)
{
    const struct view_ops *ops = app_view_ops(a->prompt_view);
    void *st = app_view_state(a, a->prompt_view);
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
        if (c < 0x20 || c >= 0x100 || c == 0x7f)
            return UI_HANDLED;
        if (len + 1 >= sizeof a->prompt_text) { /* say so: a key dropped in silence is text lost */
            app_message(a, true, "the text is full (%zu bytes): Enter keeps it, Esc drops it", sizeof a->prompt_text - 1);
            return UI_HANDLED | UI_REDRAW;
        }
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
            app_export_write(a, a->prompt_text);
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
    int lines = view_help_lines(ops && ops->scope_now ? ops->scope_now(a, app_view_state(a, a->view))
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
    case ACTION_VIEW_STUDY: return app_show_view(a, VIEW_STUDY);
    case ACTION_VIEW_LATTICE: return app_show_view(a, VIEW_LATTICE);
    case ACTION_VIEW_HEATMAPS: return app_show_view(a, VIEW_HEATMAPS);
    case ACTION_VIEW_ROUND: return app_show_view(a, VIEW_ROUND);
    case ACTION_VIEW_HISTORY: return app_show_view(a, VIEW_HISTORY);
    case ACTION_VIEW_TABLE: return app_show_view(a, VIEW_TABLE);
    case ACTION_VIEW_NEXT: return app_cycle_view(a, 1);
    case ACTION_VIEW_PREV: return app_cycle_view(a, -1);
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
int app_handle_click(app *a, int y, int x)
{
    if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES || a->prompt || a->chooser)
        return UI_HANDLED;
    if (y == 0) {
        for (int v = 1; v < VIEW_MAX; v++)
            if (app_view_ops((enum view_id)v) && x >= a->tab_x0[v] && x < a->tab_x1[v])
                return app_show_view(a, (enum view_id)v);
        return UI_HANDLED;
    }
    const struct view_ops *ops = app_view_ops(a->view);
    if (y >= a->body.y && y < a->body.y + a->body.h && ops && ops->click && !a->help)
        return ops->click(a, app_view_state(a, a->view), a->body, y, x) | UI_REDRAW;
    return UI_HANDLED;
}

/* One key: returns UI_* bits. */
int app_handle_key(app *a, int c)
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
            return app_handle_click(a, ev.y, ev.x);
        else
            return UI_HANDLED;
    }
    bool too_small = COLS < UI_MIN_COLS || LINES < UI_MIN_LINES;
    const struct view_ops *ops = app_view_ops(a->view);
    enum action_scope scope = a->help ? SCOPE_HELP : ops ? ops->scope : SCOPE_GLOBAL;
    if (!a->help && ops && ops->scope_now)
        scope = ops->scope_now(a, app_view_state(a, a->view));
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
        r = ops->action(a, app_view_state(a, a->view), act);
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
