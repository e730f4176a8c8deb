/* view_round: the cockpit. The current round of the search for the current target: the
 * predictor and its cross-validated accuracy, the batch with predicted score +- spread, the
 * expected gain over the best measured and how each suggestion differs from the best measured
 * combination; decisions go to the round model (core/round.c), which journals each one before
 * this view says it is saved. A combination editor serves overrides. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "comboscope/find.h"
#include "comboscope/round.h"
#include "comboscope/text.h"
#include "round_view.h"

static void propose(app *a, round_view *v)
{
    cs_error err;
    v->proposed = true;
    v->problem[0] = '\0';
    if (a->target < 0) {
        snprintf(v->problem, sizeof v->problem, "the study has no target");
        return;
    }
    app_notice_fit(a, a->target, a->session->settings.predictor);
    if (!round_propose(a->session, a->target, &err))
        snprintf(v->problem, sizeof v->problem, "%s", err.msg);
    if (a->session->study != a->study)
        app_study_reloaded(a);
    if (a->session->target >= 0 && a->session->target != a->target)
        app_message(a, false, "round %d is open for %s: decide and commit it (Enter) first", a->session->number,
                    a->study->datasets[a->session->target].name);
    /* a reopened round: start at the first suggestion not decided yet */
    v->cursor = 0;
    while (v->cursor + 1 < a->session->n_items && a->session->items[v->cursor].decision != DECISION_NONE)
        v->cursor++;
}

static void *round_init(app *a)
{
    round_view *v = xcalloc(1, sizeof *v);
    v->name_match = -1;
    propose(a, v);
    return v;
}

static void round_done(void *state)
{
    free(state);
}

static void round_target(app *a, void *state)
{
    round_view *v = state;
    v->editing = false;
    v->proposed = false;
    if (a->view == VIEW_ROUND)
        propose(a, v);
}

static void round_show(app *a, void *state)
{
    round_view *v = state;
    if (!v->proposed)
        propose(a, v);
}

static void round_reload(app *a, void *state)
{
    round_view *v = state;
    if (v->cursor >= a->session->n_items)
        v->cursor = a->session->n_items ? a->session->n_items - 1 : 0;
}

static enum action_scope round_scope_now(app *a, void *state)
{
    (void)a;
    const round_view *v = state;
    return v->runs.open ? SCOPE_RUNS : v->editing ? SCOPE_EDITOR : SCOPE_ROUND;
}

/* The study's targets among the members of c: one run scores each of them. */
static void round_draw(app *a, void *state, ui_rect r)
{
    round_view *v = state;
    if (!v->proposed)
        propose(a, v);
    if (v->runs.open) {
        round_runs_draw(a, &v->runs, r);
        return;
    }
    if (v->editing && a->session->n_items > 0) {
        round_editor_draw(a, v, r);
        return;
    }
    round_panel_draw(a, v, r);
}

/* ---- actions ------------------------------------------------------------------------------------ */

int round_saved(app *a, bool ok, const cs_error *err, const char *what)
{
    if (ok)
        app_message(a, false, "saved: %s (journal line %ld)", what, a->session->journal->lines);
    else if (a->session->journal && a->session->journal->lost)
        app_message(a, true, "%s (r reloads)", err->msg);
    else
        app_message(a, true, "%s", err->msg);
    return UI_HANDLED | UI_REDRAW;
}

/* Commits the round (the question, if one was due, was answered y). */
static int commit(app *a, round_view *v)
{
    round_session *rs = a->session;
    cs_error err;
    size_t queued;
    int number = rs->number;
    app_notice_fit(a, rs->target, rs->settings.predictor);
    bool ok = round_commit(rs, &queued, &err);
    if (rs->study != a->study)
        app_study_reloaded(a);
    v->cursor = 0;
    if (!ok)
        app_message(a, true, "%s", err.msg);
    else if (rs->launched[0])
        app_message(a, strncmp(rs->launched, "not submitted", 13) == 0, "round %d committed: %s", number,
                    rs->launched);
    else if (rs->oracle && queued)
        app_message(a, false, "round %d committed: %zu run%s queued, answered by the oracle; round %d proposed",
                    number, queued, queued == 1 ? "" : "s", rs->number);
    else
        app_message(a, false, "round %d committed: %zu run%s in the queue", number, queued, queued == 1 ? "" : "s");
    return UI_HANDLED | UI_REDRAW;
}

/* Joint rounds for targets[0..nt), or with nt 0 rounds for the current target, said in the
 * status line. */
static int joint_to(app *a, round_view *v, const int *targets, int nt)
{
    round_session *rs = a->session;
    cs_error err;
    app_notice_fit(a, rs->target, rs->settings.predictor);
    bool ok = round_set_joint_targets(rs, targets, nt, &err);
    v->cursor = 0;
    if (!ok)
        app_message(a, true, "%s", err.msg);
    else if (nt)
        app_message(a, false, "proposed again: one round for %d targets (J: for %s alone)", rs->n_targets,
                    a->study->datasets[rs->target].name);
    else
        app_message(a, false, "proposed again: a round for %s alone (J: for several targets)",
                    a->study->datasets[rs->target].name);
    return UI_HANDLED | UI_REDRAW;
}

/* The targets the J prompt names: each word (blanks, commas or '+' between) the study's target
 * whose name is it or alone contains it (ignoring case); none typed: every target. -1 with a
 * message when a word names no target or several. */
static int joint_names(app *a, const char *text, int *out)
{
    const study *s = a->study;
    int n = 0;
    char word[256];
    const char *p = text;
    for (;;) {
        p += strspn(p, " ,+\t");
        size_t len = strcspn(p, " ,+\t");
        if (!len)
            break;
        snprintf(word, sizeof word, "%.*s", (int)(len < sizeof word ? len : sizeof word - 1), p);
        p += len;
        int found = -1, hits = 0;
        for (int i = 0; i < s->n_targets; i++) {
            const char *nm = s->datasets[s->targets[i]].name;
            if (strcmp(nm, word) == 0) {
                found = s->targets[i], hits = 1;
                break;
            }
            for (const char *q = nm; *q; q++)
                if (strncasecmp(q, word, strlen(word)) == 0) {
                    found = s->targets[i], hits++;
                    break;
                }
        }
        if (hits != 1) {
            if (hits)
                app_message(a, true, "'%s' names %d targets: type more of one", word, hits);
            else
                app_message(a, true, "no target of the study is called '%s'", word);
            return -1;
        }
        out[n++] = found;
        if (n == COMBO_MAX_DATASETS)
            break;
    }
    for (int i = 0; n == 0 && i < s->n_targets; i++)
        out[i] = s->targets[i];
    return n ? n : s->n_targets;
}

static int round_action(app *a, void *state, enum action act)
{
    round_view *v = state;
    round_session *rs = a->session;
    if (v->runs.open)
        return round_runs_action(a, &v->runs, act);
    if (v->editing)
        return round_editor_action(a, v, act);
    cs_error err;
    char what[96];
    size_t n = rs->n_items;
    switch (act) {
    case ACTION_MOVE_UP:
        if (v->cursor > 0)
            v->cursor--;
        return UI_HANDLED | UI_REDRAW;
    case ACTION_MOVE_DOWN:
        if (v->cursor + 1 < n)
            v->cursor++;
        return UI_HANDLED | UI_REDRAW;
    case ACTION_MOVE_FIRST: v->cursor = 0; return UI_HANDLED | UI_REDRAW;
    case ACTION_MOVE_LAST: v->cursor = n ? n - 1 : 0; return UI_HANDLED | UI_REDRAW;
    case ACTION_SHOW_LATTICE: { /* the suggestion (or its override) in the Lattice */
        if (v->cursor >= n)
            return UI_UNHANDLED;
        const round_item *it = &rs->items[v->cursor];
        return app_show_combo(a, VIEW_LATTICE, it->decision == DECISION_OVERRIDDEN ? it->replacement : it->combo,
                              a->target);
    }
    case ACTION_ROUND_ACCEPT: {
        bool ok = round_accept(rs, v->cursor, &err);
        snprintf(what, sizeof what, "#%zu accepted", v->cursor + 1);
        int r = round_saved(a, ok, &err, what);
        if (ok && v->cursor + 1 < n)
            v->cursor++;
        return r;
    }
    case ACTION_ROUND_REJECT:
        if (rs->read_only || v->cursor >= n)
            return round_saved(a, round_reject(rs, v->cursor, NULL, &err), &err, "");
        v->ask = ASK_REASON;
        v->ask_item = v->cursor;
        app_prompt_open(a, PROMPT_TEXT, "reason: ", "");
        return UI_HANDLED | UI_REDRAW;
    case ACTION_ROUND_NOTE:
        if (rs->read_only)
            return round_saved(a, round_note(rs, v->cursor, "", &err), &err, "");
        v->ask = ASK_NOTE;
        v->ask_item = n ? v->cursor : (size_t)-1;
        app_prompt_open(a, PROMPT_TEXT, "note: ", "");
        return UI_HANDLED | UI_REDRAW;
    case ACTION_ROUND_OVERRIDE:
        if (rs->read_only || v->cursor >= n)
            return round_saved(a, round_override(rs, v->cursor, 0, &err), &err, "");
        v->editing = true;
        v->edit_item = v->cursor;
        v->edit = rs->items[v->cursor].decision == DECISION_OVERRIDDEN ? rs->items[v->cursor].replacement
                                                                       : rs->items[v->cursor].combo;
        v->edit_pos = 0;
        v->name_match = -1;
        return UI_HANDLED | UI_REDRAW;
    case ACTION_ROUND_UNDO: {
        round_undone u;
        bool ok = round_undo(rs, &u, &err);
        if (rs->study != a->study)
            app_study_reloaded(a);
        if (ok) {
            v->cursor = u.item;
            if (u.commit)
                snprintf(what, sizeof what, "round %d's commit undone, %zu run%s out of the queue", u.round, u.runs,
                         u.runs == 1 ? "" : "s");
            else
                snprintf(what, sizeof what, "decision on #%zu undone", u.item + 1);
        }
        return round_saved(a, ok, &err, what);
    }
    case ACTION_ROUND_COMMIT: {
        char question[200];
        bool decided = false;
        for (size_t i = 0; i < n; i++)
            decided |= rs->items[i].decision != DECISION_NONE;
        /* read-only, or nothing decided: the commit itself refuses and says why, no question */
        if (rs->read_only || !decided || !round_commit_question(rs, question, sizeof question))
            return commit(a, v);
        v->ask = ASK_COMMIT;
        app_prompt_open(a, PROMPT_CONFIRM, question, "");
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_ROUND_RUNS:
        round_runs_open(a, &v->runs);
        return UI_HANDLED | UI_REDRAW;
    case ACTION_ROUND_WITHDRAW: {
        const journal_run *run = round_last_waiting(rs);
        if (rs->read_only)
            app_message(a, true, "%s", rs->read_only_why);
        else if (!run)
            app_message(a, false, "nothing to withdraw: no run waits that has not started");
        else {
            v->ask = ASK_WITHDRAW;
            app_prompt_open(a, PROMPT_TEXT, "withdraw run: ", run->id);
        }
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_ROUND_PREDICTOR:
    case ACTION_ROUND_ACQUISITION:
    case ACTION_ROUND_BATCH_MORE:
    case ACTION_ROUND_BATCH_LESS: {
        bool ok;
        app_notice_fit(a, rs->target,
                       act == ACTION_ROUND_PREDICTOR ? (int)((rs->settings.predictor + 1) % PREDICT_N_KINDS)
                                                     : (int)rs->settings.predictor);
        if (act == ACTION_ROUND_PREDICTOR)
            ok = round_set_predictor(rs, (predict_kind)((rs->settings.predictor + 1) % PREDICT_N_KINDS), &err);
        else if (act == ACTION_ROUND_ACQUISITION)
            ok = round_set_acquisition(
                rs, (search_acquisition)((rs->settings.acquisition + 1) % SEARCH_N_ACQUISITIONS), &err);
        else
            ok = round_set_batch(rs, rs->settings.batch + (act == ACTION_ROUND_BATCH_MORE ? 1 : -1), &err);
        if (v->cursor >= rs->n_items)
            v->cursor = rs->n_items ? rs->n_items - 1 : 0;
        if (ok)
            app_message(a, false, "proposed again: %s, %s, batch %d", predict_kind_name(rs->settings.predictor),
                        search_acquisition_name(rs->settings.acquisition), rs->settings.batch);
        else
            app_message(a, true, "%s", err.msg);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_ROUND_JOINT:
        if (rs->is_joint) /* back to the current target alone */
            return joint_to(a, v, NULL, 0);
        if (a->study->n_targets < 2) {
            app_message(a, true, "a joint round serves several targets: the study has %d", a->study->n_targets);
            return UI_HANDLED | UI_REDRAW;
        }
        v->ask = ASK_JOINT;
        snprintf(what, sizeof what, "joint round for (Enter: all %d targets; or parts of names): ", a->study->n_targets);
        app_prompt_open(a, PROMPT_TEXT, what, "");
        return UI_HANDLED | UI_REDRAW;
    case ACTION_ROUND_RESULT: {
        const journal *j = rs->journal;
        const journal_run *run = NULL;
        for (size_t i = 0; j && i < j->n_runs && !run; i++)
            if (!j->runs[i].has_result)
                run = &j->runs[i];
        if (rs->read_only) {
            app_message(a, true, "%s", rs->read_only_why);
        } else if (!run) {
            app_message(a, false, "no run is waiting for a result");
        } else {
            char label[16];
            snprintf(v->ask_run, sizeof v->ask_run, "%s", run->id);
            snprintf(label, sizeof label, "%.8s: ", run->id);
            v->ask = ASK_RESULT;
            app_prompt_open(a, PROMPT_TEXT, label, "");
        }
        return UI_HANDLED | UI_REDRAW;
    }
    case ACTION_ROUND_RELOAD: {
        app_notice_fit(a, rs->target, rs->settings.predictor);
        journal_place lost = rs->journal ? rs->journal->lost : JOURNAL_IN_PLACE;
        int got = round_poll(rs, true, &err);
        if (rs->study != a->study)
            app_study_reloaded(a);
        if (got < 0)
            app_message(a, true, "%s", err.msg);
        else if (lost)
            app_message(a, false, "journal %s: %ld line%s; tables read again: %d new result%s",
                        lost == JOURNAL_REMOVED ? "started again" : "reloaded", rs->journal->lines,
                        rs->journal->lines == 1 ? "" : "s", got, got == 1 ? "" : "s");
        else
            app_message(a, false, "tables read again: %d new result%s", got, got == 1 ? "" : "s");
        return UI_HANDLED | UI_REDRAW;
    }
    default: return UI_UNHANDLED;
    }
}

/* The index of the only dataset whose name contains text (ignoring case), or -1. */
static int round_prompt(app *a, void *state, enum prompt_kind kind, const char *text, bool done, bool cancelled)
{
    round_view *v = state;
    round_session *rs = a->session;
    cs_error err;
    char what[96];
    if (v->runs.ask && kind == PROMPT_CONFIRM)
        return round_runs_prompt(a, &v->runs, text);
    enum ask ask = v->ask;
    if (ask == ASK_NAME && !done && !cancelled) {
        v->name_match = round_name_match(a->study, text);
        return UI_HANDLED | UI_REDRAW;
    }
    if (!done && !cancelled)
        return UI_HANDLED;
    v->ask = ASK_NONE;
    if (cancelled) {
        v->name_match = -1;
        app_message(a, false, "cancelled: nothing saved");
        return UI_HANDLED | UI_REDRAW;
    }
    switch (ask) {
    case ASK_REASON: {
        bool ok = round_reject(rs, v->ask_item, text, &err);
        snprintf(what, sizeof what, "#%zu rejected", v->ask_item + 1);
        round_saved(a, ok, &err, what);
        if (ok && v->cursor + 1 < rs->n_items)
            v->cursor++;
        break;
    }
    case ASK_NOTE:
        snprintf(what, sizeof what, "note on #%zu", v->ask_item + 1);
        round_saved(a, round_note(rs, v->ask_item, text, &err), &err, v->ask_item == (size_t)-1 ? "note" : what);
        break;
    case ASK_RESULT: {
        app_notice_fit(a, rs->target, rs->settings.predictor);
        bool ok = round_enter_result(rs, v->ask_run, text, &err);
        if (rs->study != a->study)
            app_study_reloaded(a);
        if (ok)
            app_message(a, false, "saved: result of %s (table and journal)", v->ask_run);
        else
            app_message(a, true, "%s", err.msg);
        break;
    }
    case ASK_COMMIT:
        if (strcmp(text, "y") == 0)
            return commit(a, v);
        app_message(a, false, "not committed: nothing changed (only y commits)");
        break;
    case ASK_WITHDRAW: {
        char run[JOURNAL_RUN_MAX + 1];
        snprintf(run, sizeof run, "%s", text);
        bool ok = round_withdraw(rs, run, &err);
        if (ok)
            app_message(a, false, "saved: run %s withdrawn (journal line %ld); it may be proposed again", run,
                        rs->journal->lines);
        else
            app_message(a, true, "%s", err.msg);
        break;
    }
    case ASK_JOINT: {
        int t[COMBO_MAX_DATASETS];
        int nt = joint_names(a, text, t);
        if (nt >= 0)
            return joint_to(a, v, t, nt);
        break;
    }
    case ASK_NAME: {
        int d = round_name_match(a->study, text);
        v->name_match = -1;
        if (d < 0)
            app_message(a, true, "no single dataset is called '%s'", text);
        else if (d == rs->target && !rs->is_joint)
            app_message(a, false, "the target is in every combination");
        else {
            v->edit ^= combo_single(d);
            v->edit_pos = d;
        }
        break;
    }
    default: break;
    }
    return UI_HANDLED | UI_REDRAW;
}

typedef struct round_match {
    const app *a;
    const char *text;
} round_match;

static bool round_item_matches(void *ctx, size_t i)
{
    const round_match *m = ctx;
    const round_item *it = &m->a->session->items[i];
    return find_combo(m->a->study, it->combo, m->text) ||
           (it->decision == DECISION_OVERRIDDEN && find_combo(m->a->study, it->replacement, m->text)) ||
           (it->reason && find_words(it->reason, m->text));
}

/* `/`: the next suggestion whose combination (or override) has a member matching each word
 * of text, or whose rejection reason holds them. Moves the cursor only: nothing is decided. */
static bool round_search(app *a, void *state, const char *text, enum search_step step)
{
    round_view *v = state;
    if (v->runs.open)
        return round_runs_search(a, &v->runs, text, step);
    if (v->editing) /* the editor names datasets with x or / (EDIT_NAME) */
        return false;
    round_match m = {a, text};
    long i = find_next(a->session->n_items, v->cursor, step == SEARCH_PREV ? -1 : 1, step == SEARCH_TYPED,
                       round_item_matches, &m);
    if (i < 0)
        return false;
    v->cursor = (size_t)i;
    return true;
}

const struct view_ops view_round_ops = {
    .name = "Round",
    .id = VIEW_ROUND,
    .scope = SCOPE_ROUND,
    .init = round_init,
    .draw = round_draw,
    .action = round_action,
    .prompt = round_prompt,
    .target = round_target,
    .scope_now = round_scope_now,
    .reload = round_reload,
    .show = round_show,
    .search = round_search,
    .done = round_done,
};
