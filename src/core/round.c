/* round: a study searched by hand, one round at a time (see round.h). This file holds the
 * session (opening, the lock, results coming back); round_propose.c the batch, round_fit.c the
 * fit on a worker thread, round_decide.c the decisions and the commit, round_history.c what
 * History reads. Built on search (the proposals), journal (every decision, fsync'd), queue
 * and results (runs out, results in). */
#include "comboscope/round.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "comboscope/fileio.h"
#include "comboscope/launch.h"
#include "comboscope/queue.h"
#include "comboscope/results.h"
#include "comboscope/text.h"
#include "round_impl.h"

/* ---- files and their modification times --------------------------------------------------- */

static struct timespec mtime_of(const char *path)
{
    struct stat st;
    struct timespec t = {0, 0};
    if (path && stat(path, &st) == 0)
        t = st.st_mtim;
    return t;
}

/* The tables' times, then the journal's (a read-only session follows another's journal). */
static void mtimes_read(round_session *rs)
{
    const study *s = rs->study;
    free(rs->mtimes);
    rs->mtimes = xcalloc((size_t)s->n_tables + 1, sizeof *rs->mtimes);
    for (int i = 0; i < s->n_tables; i++) {
        char *p = path_join(s->dir, s->tables[i]);
        rs->mtimes[i] = mtime_of(p);
        free(p);
    }
    rs->mtimes[s->n_tables] = mtime_of(rs->journal ? rs->journal->path : NULL);
}

static bool mtimes_changed(const round_session *rs)
{
    const study *s = rs->study;
    for (int i = 0; i <= s->n_tables; i++) {
        struct timespec t;
        if (i < s->n_tables) {
            char *p = path_join(s->dir, s->tables[i]);
            t = mtime_of(p);
            free(p);
        } else {
            if (!rs->read_only || !rs->journal)
                continue; /* our own journal: we wrote it */
            t = mtime_of(rs->journal->path);
        }
        if (t.tv_sec != rs->mtimes[i].tv_sec || t.tv_nsec != rs->mtimes[i].tv_nsec)
            return true;
    }
    return false;
}

/* ---- the session ---------------------------------------------------------------------------- */

static void settings_from_study(round_session *rs)
{
    const study *s = rs->study;
    search_settings st = {.predictor = PREDICT_DEFAULT, .acquisition = SEARCH_DEFAULT_ACQUISITION, .batch = SEARCH_DEFAULT_BATCH, .seed = 1, .minimize = false};
    if (s->search.predictor)
        predict_kind_parse(s->search.predictor, &st.predictor);
    if (s->search.acquisition)
        search_acquisition_parse(s->search.acquisition, &st.acquisition);
    if (s->search.batch > 0)
        st.batch = s->search.batch;
    if (s->search.seed)
        st.seed = s->search.seed;
    st.minimize = s->goal == GOAL_MIN;
    rs->settings = st;
}

round_session *round_session_open(study *s, const study_open_options *opt, bool read_only,
                                  const char *oracle, cs_error *err)
{
    round_session *rs = xcalloc(1, sizeof *rs);
    rs->study = s;
    if (opt)
        rs->open_opt = *opt;
    rs->target = -1;
    rs->oracle = oracle ? text_dup(oracle) : NULL;
    settings_from_study(rs);
    char *jp = journal_path_of(s);
    if (!jp) {
        rs->read_only = true;
        snprintf(rs->read_only_why, sizeof rs->read_only_why,
                 "read-only: no journal (a bare table; open a study file)");
    } else {
        free(jp);
        lock_info holder;
        rs->journal = journal_open_study(s, read_only, &rs->lock, &holder, err);
        if (!rs->journal) {
            free(rs->oracle);
            free(rs);
            return NULL;
        }
        rs->read_only = rs->lock == NULL;
        if (read_only) {
            snprintf(rs->read_only_why, sizeof rs->read_only_why, "read-only: opened with --read-only");
        } else if (rs->read_only) {
            char host[256], user[64], when[32];
            rs->lock_elsewhere = !rs->journal->read_only_why[0];
            if (rs->journal->read_only_why[0])
                snprintf(rs->read_only_why, sizeof rs->read_only_why, "%.399s", rs->journal->read_only_why);
            else if (holder.pid > 0)
                snprintf(rs->read_only_why, sizeof rs->read_only_why, "read-only: held by pid %ld on %s (%s since %s%s)",
                         holder.pid, text_sanitize(holder.host, host, sizeof host),
                         text_sanitize(holder.user, user, sizeof user),
                         holder.time[0] ? text_sanitize(holder.time, when, sizeof when) : "?",
                         holder.alive ? "" : ", not running");
            else
                snprintf(rs->read_only_why, sizeof rs->read_only_why,
                         "read-only: held by another comboscope (not yet identified)");
        }
    }
    mtimes_read(rs);
    if (s->launch && rs->journal && !rs->read_only && !rs->oracle) {
        /* its polls reconcile what a crash left between an engine call and its journal line */
        rs->launch = launch_open(rs->journal, err);
        if (!rs->launch) {
            round_session_free(rs);
            return NULL;
        }
    }
    /* runs left waiting by an earlier session (one that crashed mid-commit, or ran without the
     * oracle) are answered now */
    if (rs->oracle && rs->journal && !rs->read_only && round_poll(rs, true, err) < 0) {
        round_session_free(rs);
        return NULL;
    }
    return rs;
}

void round_clear(round_session *rs)
{
    predict_free(rs->model);
    rs->model = NULL;
    for (int j = 0; j < rs->n_targets; j++) {
        predict_free(rs->models[j]);
        rs->models[j] = NULL;
    }
    rs->is_joint = false;
    rs->n_targets = 0;
    free(rs->items);
    rs->items = NULL;
    rs->n_items = 0;
    rs->journaled = false;
    rs->design = rs->design_alone = rs->no_skill = rs->later_by_gp = false;
    rs->has_cv = false;
    rs->cv_spearman = rs->cv_mae = NAN;
    rs->prospect_known = rs->has_prospect = false;
}

void round_session_free(round_session *rs)
{
    if (!rs)
        return;
    round_clear(rs);
    launch_free(rs->launch);
    journal_free(rs->journal);
    lock_release(rs->lock);
    study_free(rs->owned);
    free(rs->mtimes);
    free(rs->oracle);
    free(rs);
}

/* ---- results coming back ---------------------------------------------------------------------- */

bool round_progress_of(const round_session *rs, round_progress *p)
{
    memset(p, 0, sizeof *p);
    size_t n = 0;
    const journal_round *rounds = rs->journal ? journal_rounds(rs->journal, &n) : NULL;
    for (size_t i = n; i-- > 0;) {
        const journal_round *r = &rounds[i];
        if (!r->committed || journal_round_live_runs(rs->journal, r) == 0)
            continue;
        p->round = r->number;
        for (size_t k = 0; k < r->n_runs; k++) {
            const journal_run *run = &rs->journal->runs[r->runs[k]];
            if (run->withdrawn)
                continue;
            p->runs++;
            p->done += run->has_result;
            p->by_state[run->has_result ? RUN_DONE : run->state]++;
        }
        p->complete = p->done == p->runs;
        return true;
    }
    return false;
}

/* With an oracle, every run waiting in the queue is answered (rows appended to the table). */
static bool oracle_catch_up(round_session *rs, cs_error *err)
{
    bool open = false;
    for (size_t i = 0; i < rs->journal->n_runs && !open; i++)
        open = journal_run_waiting(&rs->journal->runs[i]);
    size_t answered;
    return !open || oracle_answer(rs->study, rs->journal, rs->oracle, &answered, err);
}

int round_poll(round_session *rs, bool force, cs_error *err)
{
    if (force && rs->journal && rs->journal->lost) {
        /* The journal was replaced or removed under us: read the one at the path now (a
         * removed one starts again empty) and rebuild the round from it. */
        journal *j = journal_open(rs->journal->path, rs->study, !rs->read_only, err);
        if (!j)
            return -1;
        launch_free(rs->launch); /* it followed the old journal */
        rs->launch = NULL;
        journal_free(rs->journal);
        rs->journal = j;
        if (rs->study->launch && !rs->read_only && !rs->oracle && !(rs->launch = launch_open(j, err)))
            return -1;
        int target = rs->target;
        round_clear(rs);
        if (target >= 0 && !round_propose(rs, target, err))
            return -1;
    }
    /* results the launch engine journals count as coming back too */
    size_t from_launch = 0;
    if (rs->launch && !rs->journal->lost) {
        size_t before = rs->journal->n_events;
        if (launch_poll(rs->launch, err) < 0)
            return -1;
        for (size_t i = before; i < rs->journal->n_events; i++)
            from_launch += rs->journal->events[i].kind == JOURNAL_RESULT;
    }
    if (force && rs->oracle && rs->journal && !rs->read_only && !oracle_catch_up(rs, err))
        return -1;
    if (!force && !mtimes_changed(rs))
        return (int)from_launch;
    const study *old = rs->study;
    if (!old->path)
        return 0;
    study *s = study_open(old->path, &rs->open_opt, err);
    if (!s || (rs->journal && !journal_rebind(rs->journal, s, err))) {
        /* say it once per change, not on every key: try again when a file changes again */
        study_free(s);
        mtimes_read(rs);
        return -1;
    }
    if (rs->journal && rs->read_only) {
        /* follow the writer's journal: reopen it read-only */
        journal *j = journal_open(rs->journal->path, s, false, err);
        if (!j) {
            journal_rebind(rs->journal, old, err);
            study_free(s);
            return -1;
        }
        journal_free(rs->journal);
        rs->journal = j;
    }
    study_free(rs->owned);
    rs->owned = s;
    rs->study = s;
    size_t recorded = 0;
    cs_error warn;
    if (rs->journal && !rs->read_only && !queue_collect_results(rs->journal, &recorded, &warn, err))
        return -1;
    mtimes_read(rs);
    if (rs->target >= 0) {
        /* a batch not decided on is proposed again with what came back; a decided one stays */
        if (!rs->journaled || rs->read_only) {
            if (!round_propose(rs, rs->target, err))
                return -1;
        } else {
            study_target_summarize(rs->study, rs->target, &rs->summary);
            round_items_settle(rs);
            rs->prospect_known = false; /* the prospect may be measured now, or the best moved */
        }
    }
    return (int)(recorded + from_launch);
}

bool round_enter_result(round_session *rs, const char *run, const char *text, cs_error *err)
{
    if (rs->read_only || !rs->journal)
        return error_set(err, NULL, 0, 0, "%s", rs->read_only_why);
    const journal_run *jr = journal_run_find(rs->journal, run);
    if (!jr)
        return error_set(err, NULL, 0, 0, "no queued run '%s'", run);
    if (jr->withdrawn)
        return error_set(err, NULL, 0, 0, "run %s was withdrawn: it takes no result", run);
    const study *s = rs->study;
    double *scores = xmalloc((size_t)s->n_datasets * sizeof *scores);
    for (int d = 0; d < s->n_datasets; d++)
        scores[d] = NAN;
    const char *p = text;
    int members = combo_rank(jr->combo), got = 0;
    for (int d = 0; d < s->n_datasets; d++) {
        if (!combo_has(jr->combo, d))
            continue;
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        /* one token, read as a table's cell is (decimal only) */
        size_t tl = strcspn(p, " ,\t");
        char tok[64];
        double v = NAN;
        int ok = TEXT_NOT_A_NUMBER;
        if (tl > 0 && tl < sizeof tok) {
            memcpy(tok, p, tl);
            tok[tl] = '\0';
            ok = text_parse_double(tok, &v);
        }
        if (ok != TEXT_NUMBER_OK) {
            free(scores);
            return error_set(err, NULL, 0, 0, "run %s needs %d scores (one per member, in order); score %d %s",
                             run, members, got + 1, text_number_problem(ok));
        }
        scores[d] = v;
        got++;
        p += tl;
    }
    while (*p == ' ' || *p == ',' || *p == '\t')
        p++;
    if (*p) {
        free(scores);
        return error_set(err, NULL, 0, 0, "run %s needs %d scores (one per member), more were given", run, members);
    }
    bool ok = results_enter(s, rs->journal, run, scores, err);
    free(scores);
    return ok && round_poll(rs, true, err) >= 0;
}

/* ---- the lock held elsewhere: noticing that it is free, taking it over ------------------ */

/* "read-only: held by ..." from what the lock file says now. */
static void why_held(round_session *rs, const lock_info *h)
{
    char host[256], user[64], when[32];
    if (h->pid > 0)
        snprintf(rs->read_only_why, sizeof rs->read_only_why, "read-only: held by pid %ld on %s (%s since %s%s)",
                 h->pid, text_sanitize(h->host, host, sizeof host), text_sanitize(h->user, user, sizeof user),
                 h->time[0] ? text_sanitize(h->time, when, sizeof when) : "?", h->alive ? "" : ", not running");
    else
        snprintf(rs->read_only_why, sizeof rs->read_only_why,
                 "read-only: held by another comboscope (not yet identified)");
}

int round_lock_poll(round_session *rs)
{
    if (!rs->lock_elsewhere || !rs->journal)
        return 0;
    lock_info h;
    bool held = lock_probe(rs->journal->path, &h);
    if (!held) {
        if (rs->lock_free)
            return 0;
        rs->lock_free = true;
        snprintf(rs->read_only_why, sizeof rs->read_only_why,
                 "read-only: the holder of the lock is gone; ^T takes over");
        return 1;
    }
    char before[sizeof rs->read_only_why];
    snprintf(before, sizeof before, "%s", rs->read_only_why);
    rs->lock_free = false;
    why_held(rs, &h);
    return strcmp(before, rs->read_only_why) != 0 ? 2 : 0;
}

bool round_take_over(round_session *rs, cs_error *err)
{
    if (!rs->lock_elsewhere || !rs->journal)
        return error_set(err, NULL, 0, 0, "%s", rs->read_only ? rs->read_only_why : "this instance already writes the journal");
    study_lock *l = NULL;
    lock_info h;
    lock_status st = lock_acquire(rs->journal->path, &l, &h, err);
    if (st == LOCK_BUSY) {
        rs->lock_free = false;
        why_held(rs, &h);
        return error_set(err, NULL, 0, 0, "%s", rs->read_only_why);
    }
    if (st != LOCK_ACQUIRED)
        return false;
    journal *j = journal_open(rs->journal->path, rs->study, true, err);
    if (!j) {
        lock_release(l);
        return false;
    }
    journal_free(rs->journal);
    rs->journal = j;
    rs->lock = l;
    rs->read_only = false;
    rs->lock_elsewhere = rs->lock_free = false;
    rs->read_only_why[0] = '\0';
    if (rs->study->launch && !rs->oracle && !(rs->launch = launch_open(j, err)))
        return false;
    int target = rs->target;
    round_clear(rs);
    if (target >= 0 && !round_propose(rs, target, err))
        return false;
    return true;
}
