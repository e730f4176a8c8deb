/* round_decide: decisions on a round's batch, each journaled and fsync'd before it returns;
 * the commit (queue, oracle, launch engine); undo, withdraw, cancel, resubmit (see round.h). */
#include "comboscope/round.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/launch.h"
#include "comboscope/queue.h"
#include "comboscope/text.h"
#include "round_impl.h"

/* ---- decisions ---------------------------------------------------------------------------------- */

static bool writable(const round_session *rs, cs_error *err)
{
    if (rs->read_only || !rs->journal)
        return error_set(err, NULL, 0, 0, "%s", rs->read_only_why[0] ? rs->read_only_why : "read-only");
    if (rs->target < 0)
        return error_set(err, NULL, 0, 0, "no round proposed");
    return true;
}

/* Journals the batch's `suggested` events before the first decision on it. */
static bool ensure_journaled(round_session *rs, cs_error *err)
{
    if (rs->journaled)
        return true;
    for (size_t i = 0; i < rs->n_items; i++) {
        const round_item *it = &rs->items[i];
        journal_event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = JOURNAL_SUGGESTED;
        ev.round = rs->number;
        ev.target = rs->target;
        ev.combo = it->combo;
        ev.has_prediction = isfinite(it->predicted) && isfinite(it->sd);
        ev.mean = it->predicted;
        ev.spread = it->sd;
        ev.has_value = isfinite(it->acquisition);
        ev.value = it->acquisition;
        ev.has_cv = i == 0 && rs->has_cv && isfinite(rs->cv_spearman) && isfinite(rs->cv_mae);
        ev.cv_spearman = rs->cv_spearman;
        ev.cv_mae = rs->cv_mae;
        /* an initial-design batch names no predictor: nothing predicted it */
        ev.predictor = rs->design ? NULL : (char *)predict_kind_name(rs->settings.predictor);
        ev.acquisition = rs->design ? NULL : (char *)search_acquisition_name(rs->settings.acquisition);
        if (i == 0) { /* what else decided the round, so that History and the report can say */
            predict_choice choice;
            ev.has_search = true;
            ev.seed = (unsigned long)rs->settings.seed;
            ev.batch = rs->settings.batch > 0 ? rs->settings.batch : (int)rs->n_items;
            ev.chosen = !rs->design && predict_auto_choice(rs->model, &choice)
                            ? (char *)predict_kind_name(choice.chosen) : NULL;
            ev.init = rs->design ? (char *)(rs->design_alone ? "alone" : "paper") : NULL;
            ev.fit_runs = rs->design ? 0 : (int)rs->measured;
        }
        double *pt = NULL;
        if (rs->is_joint) { /* its targets, and its value for each of them it contains */
            int first = -1;
            pt = xmalloc((size_t)rs->study->n_datasets * 3 * sizeof *pt);
            for (size_t q = 0; q < (size_t)rs->study->n_datasets * 3; q++)
                pt[q] = NAN;
            for (int j = 0; j < rs->n_targets; j++) {
                int d = rs->targets[j];
                ev.targets |= combo_single(d);
                if (!combo_has(it->combo, d) || !isfinite(it->t_predicted[j]) || !isfinite(it->t_sd[j]) ||
                    !isfinite(it->t_value[j]))
                    continue;
                if (first < 0)
                    first = d;
                pt[(size_t)d * 3] = it->t_predicted[j];
                pt[(size_t)d * 3 + 1] = it->t_sd[j];
                pt[(size_t)d * 3 + 2] = it->t_value[j];
            }
            /* the target it names (the queue's and the launcher's {target}): the first it serves */
            for (int j = 0; j < rs->n_targets && first < 0; j++)
                if (combo_has(it->combo, rs->targets[j]))
                    first = rs->targets[j];
            ev.target = first >= 0 ? first : rs->target;
            ev.per_target = pt;
            /* mean and spread: the prediction for the target it names */
            const double *v = &pt[(size_t)ev.target * 3];
            ev.has_prediction = isfinite(v[0]);
            ev.mean = v[0];
            ev.spread = v[1];
        }
        bool ok = journal_append(rs->journal, &ev, err);
        free(pt);
        if (!ok)
            return false;
    }
    rs->journaled = true;
    return true;
}

static bool item_ok(const round_session *rs, size_t i, cs_error *err)
{
    if (!writable(rs, err))
        return false;
    if (i >= rs->n_items)
        return error_set(err, NULL, 0, 0, "no suggestion there");
    return true;
}

bool round_accept(round_session *rs, size_t i, cs_error *err)
{
    if (!item_ok(rs, i, err) || !ensure_journaled(rs, err))
        return false;
    if (!journal_append_accepted(rs->journal, rs->number, rs->target, rs->items[i].combo, err))
        return false;
    round_items_settle(rs);
    return true;
}

bool round_reject(round_session *rs, size_t i, const char *reason, cs_error *err)
{
    if (!item_ok(rs, i, err) || !ensure_journaled(rs, err))
        return false;
    if (!journal_append_rejected(rs->journal, rs->number, rs->target, rs->items[i].combo,
                                 reason && *reason ? reason : NULL, err))
        return false;
    round_items_settle(rs);
    return true;
}

bool round_override(round_session *rs, size_t i, combo_t c, cs_error *err)
{
    if (!item_ok(rs, i, err))
        return false;
    combo_t serve = combo_single(rs->target);
    for (int j = 0; rs->is_joint && j < rs->n_targets; j++)
        serve |= combo_single(rs->targets[j]);
    if (!(c & serve))
        return error_set(err, NULL, 0, 0, rs->is_joint ? "the combination must contain one of the round's targets"
                                                       : "the combination must contain the target");
    if (c == rs->items[i].combo)
        return error_set(err, NULL, 0, 0, "the combination is the suggestion itself: accept it instead (a)");
    if (!ensure_journaled(rs, err))
        return false;
    if (!journal_append_overridden(rs->journal, rs->number, rs->target, rs->items[i].combo, c, err))
        return false;
    round_items_settle(rs);
    return true;
}

bool round_note(round_session *rs, size_t i, const char *text, cs_error *err)
{
    if (!writable(rs, err))
        return false;
    if (!text || !*text)
        return error_set(err, NULL, 0, 0, "an empty note is not saved");
    if (i != (size_t)-1 && i >= rs->n_items)
        return error_set(err, NULL, 0, 0, "no suggestion there");
    if (!ensure_journaled(rs, err))
        return false;
    return journal_append_note(rs->journal, rs->number, rs->target, i == (size_t)-1 ? 0 : rs->items[i].combo,
                               text, err);
}

/* The round whose commit an undo would take back: the journal's last round, when it is
 * committed and the current round has nothing journaled. NULL with err set otherwise. */
static const journal_round *commit_to_undo(const round_session *rs, cs_error *err)
{
    const journal *j = rs->journal;
    size_t n;
    const journal_round *rounds = journal_rounds(j, &n);
    if (n == 0 || !rounds[n - 1].committed)
        return error_set(err, NULL, 0, 0, n ? "no decision to undo in round %d" : "nothing to undo yet",
                         rs->number), NULL;
    const journal_round *r = &rounds[n - 1];
    for (size_t k = 0; k < r->n_runs; k++) {
        const journal_run *run = &j->runs[r->runs[k]];
        if (run->has_result)
            return error_set(err, NULL, 0, 0, "round %d's commit cannot be undone: run %s has its result",
                             r->number, run->id), NULL;
        if (run->attempts > 0)
            return error_set(err, NULL, 0, 0, "round %d's commit cannot be undone: run %s was handed to a launcher "
                             "(withdraw or cancel its runs instead)", r->number, run->id), NULL;
    }
    return r;
}

bool round_undo(round_session *rs, round_undone *what, cs_error *err)
{
    memset(what, 0, sizeof *what);
    if (!writable(rs, err))
        return false;
    const journal_round *r = journal_round_find(rs->journal, rs->number);
    if (r && !r->committed && r->n_decisions > 0) {
        if (!journal_append_undo(rs->journal, rs->number, err))
            return false;
        combo_t c = rs->journal->events[rs->journal->n_events - 1].combo;
        round_items_settle(rs);
        what->round = rs->number;
        for (size_t i = 0; i < rs->n_items; i++)
            if (rs->items[i].combo == c)
                what->item = i;
        return true;
    }
    if (r && !r->committed) /* the batch is journaled (notes, undone decisions): a round begun */
        return error_set(err, NULL, 0, 0, "no decision to undo in round %d (and round %d has begun, so the "
                         "last commit stays)", rs->number, rs->number);
    const journal_round *c = commit_to_undo(rs, err);
    if (!c)
        return false;
    int number = c->number, target = c->target;
    size_t live = journal_round_live_runs(rs->journal, c);
    if (!queue_uncommit_round(rs->journal, number, err))
        return false;
    what->commit = true;
    what->round = number;
    what->runs = live;
    /* the round is open again with its batch and decisions */
    if (!round_propose(rs, target >= 0 ? target : rs->target, err))
        return false;
    for (size_t i = 0; i < rs->n_items; i++)
        if (rs->items[i].decision == DECISION_NONE) {
            what->item = i;
            break;
        }
    return true;
}

bool round_withdraw_check(const round_session *rs, const char *run, cs_error *err)
{
    if (rs->read_only || !rs->journal)
        return error_set(err, NULL, 0, 0, "%s", rs->read_only_why[0] ? rs->read_only_why : "read-only");
    char safe[JOURNAL_RUN_MAX * 4];
    const journal_run *jr = journal_run_find(rs->journal, run);
    if (!jr)
        return error_set(err, NULL, 0, 0, "no run '%s' in the journal (comboscope queue lists the waiting ones)",
                         text_sanitize(run, safe, sizeof safe));
    if (jr->has_result)
        return error_set(err, NULL, 0, 0, "run %s has its result: there is nothing to withdraw", jr->id);
    if (jr->withdrawn)
        return error_set(err, NULL, 0, 0, "run %s is already withdrawn", jr->id);
    switch (jr->state) {
    case RUN_SUBMITTING:
        return error_set(err, NULL, 0, 0, "run %s is being submitted: withdraw it once it is pending", jr->id);
    case RUN_RUNNING:
        return error_set(err, NULL, 0, 0, "run %s has started (running): cancel it instead", jr->id);
    case RUN_PENDING:
        if (!rs->launch && !jr->cancel_asked)
            return error_set(err, NULL, 0, 0, "run %s is pending in its engine, which this session does not follow",
                             jr->id);
        break;
    default:
        break;
    }
    return true;
}

bool round_withdraw(round_session *rs, const char *run, cs_error *err)
{
    if (!round_withdraw_check(rs, run, err))
        return false;
    const journal_run *jr = journal_run_find(rs->journal, run);
    /* handed to an engine and not started: the engine cancels it first (journaled `cancel`) */
    if (jr->state == RUN_PENDING && !jr->cancel_asked && !launch_cancel(rs->launch, run, err))
        return false;
    return queue_withdraw(rs->journal, run, err);
}

bool round_cancel_check(const round_session *rs, const char *run, cs_error *err)
{
    if (rs->read_only || !rs->journal)
        return error_set(err, NULL, 0, 0, "%s", rs->read_only_why[0] ? rs->read_only_why : "read-only");
    if (!rs->launch)
        return error_set(err, NULL, 0, 0, "this session launches nothing (no launch object, or an oracle): "
                         "w withdraws a queued run");
    char safe[JOURNAL_RUN_MAX * 4];
    const journal_run *jr = journal_run_find(rs->journal, run);
    if (!jr)
        return error_set(err, NULL, 0, 0, "no run '%s' in the journal", text_sanitize(run, safe, sizeof safe));
    if (jr->has_result || jr->withdrawn || jr->state == RUN_FAILED || jr->state == RUN_CANCELLED ||
        jr->state == RUN_LOST)
        return error_set(err, NULL, 0, 0, "run %s is already %s: nothing to cancel", jr->id,
                         jr->has_result ? "done" : run_state_name(jr->state));
    if (jr->cancel_asked)
        return error_set(err, NULL, 0, 0, "run %s: its cancel was asked for already", jr->id);
    return true;
}

bool round_cancel(round_session *rs, const char *run, cs_error *err)
{
    return round_cancel_check(rs, run, err) && launch_cancel(rs->launch, run, err);
}

bool round_resubmit(round_session *rs, const char *run, char *msg, size_t n, cs_error *err)
{
    if (rs->read_only || !rs->journal)
        return error_set(err, NULL, 0, 0, "%s", rs->read_only_why[0] ? rs->read_only_why : "read-only");
    if (!rs->launch)
        return error_set(err, NULL, 0, 0, "the study has no launch engine: nothing to resubmit");
    return launch_resubmit(rs->launch, run, msg, n, err);
}


const journal_run *round_last_waiting(const round_session *rs)
{
    const journal *j = rs->journal;
    for (size_t i = j ? j->n_runs : 0; i-- > 0;)
        if (journal_run_waiting(&j->runs[i]) && j->runs[i].state != RUN_RUNNING &&
            j->runs[i].state != RUN_SUBMITTING)
            return &j->runs[i];
    return NULL;
}

/* The engine a commit hands its runs to ("slurm", "local"), or NULL: no `launch` object, or
 * this session does not launch (an oracle answers instead, or read-only). */
static const char *session_launch_engine(const round_session *rs)
{
    return rs->launch && rs->study->launch ? launch_engine_name(rs->study->launch->engine) : NULL;
}

bool round_commit_question(const round_session *rs, char *buf, size_t n)
{
    /* the runs: each approved combination once, as queue_commit_round queues them */
    combo_t seen[64];
    size_t runs = 0, open = 0;
    char open_list[160] = "";
    size_t k = 0;
    for (size_t i = 0; i < rs->n_items; i++) {
        const round_item *it = &rs->items[i];
        combo_t c = it->decision == DECISION_ACCEPTED ? it->combo
                    : it->decision == DECISION_OVERRIDDEN ? it->replacement : 0;
        if (it->decision == DECISION_NONE) {
            if (open < 4 && k < sizeof open_list)
                k += (size_t)snprintf(open_list + k, sizeof open_list - k, "%s#%zu", open ? ", " : "", i + 1);
            open++;
        }
        if (!c)
            continue;
        bool dup = false;
        for (size_t q = 0; q < runs && q < 64; q++)
            dup |= seen[q] == c;
        if (!dup) {
            if (runs < 64)
                seen[runs] = c;
            runs++;
        }
    }
    if (open > 4 && k < sizeof open_list)
        snprintf(open_list + k, sizeof open_list - k, " and %zu more", open - 4);
    const char *engine = session_launch_engine(rs);
    bool launches = engine && runs > 0;
    char what[64];
    if (runs == 0)
        snprintf(what, sizeof what, "no runs");
    else
        snprintf(what, sizeof what, "%zu run%s", runs, runs == 1 ? "" : "s");
    /* what the engine does with them: the local one runs them here, Slurm queues them */
    char act[96] = "";
    if (launches) {
        const char *them = runs == 1 ? "it" : "them";
        if (rs->study->launch->engine == LAUNCH_SLURM)
            snprintf(act, sizeof act, "submit %s to Slurm (GPU time)", them);
        else
            snprintf(act, sizeof act, "run %s on this machine (local engine)", them);
    }
    if (open > 0 && launches)
        snprintf(buf, n, "commit %s, leave %s open, and %s? (y/N)", what, open_list, act);
    else if (open > 0)
        snprintf(buf, n, "commit %s, leave %s open? (y/N)", what, open_list);
    else if (launches)
        snprintf(buf, n, "commit %s and %s? (y/N)", what, act);
    else
        snprintf(buf, n, "commit %s", what);
    return open > 0 || launches;
}

size_t round_approved(const round_session *rs)
{
    size_t n = 0;
    for (size_t i = 0; i < rs->n_items; i++)
        n += rs->items[i].decision == DECISION_ACCEPTED || rs->items[i].decision == DECISION_OVERRIDDEN;
    return n;
}

bool round_commit(round_session *rs, size_t *queued, cs_error *err)
{
    *queued = 0;
    if (!writable(rs, err))
        return false;
    if (!round_decided_any(rs))
        return error_set(err, NULL, 0, 0, "decide on the suggestions first (a accept, x reject, o override)");
    if (!ensure_journaled(rs, err))
        return false;
    size_t before = rs->journal->n_runs;
    if (!queue_commit_round(rs->journal, rs->number, NULL, err))
        return false;
    *queued = rs->journal->n_runs - before;
    rs->launched[0] = '\0';
    if (rs->oracle && *queued > 0 && round_poll(rs, true, err) < 0) /* the oracle answers them */
        return false;
    if (rs->launch && *queued > 0) {
        cs_error why;
        if (launch_submit_async(rs->launch, rs->number, rs->launched, sizeof rs->launched, &why) < 0)
            snprintf(rs->launched, sizeof rs->launched, "not submitted (comboscope launch retries): %s", why.msg);
    }
    return round_propose(rs, rs->target, err);
}

bool round_launch_busy(const round_session *rs)
{
    return rs->launch && launch_busy(rs->launch);
}

bool round_launch_news(round_session *rs, char *msg, size_t n)
{
    return rs->launch && launch_news(rs->launch, msg, n);
}
