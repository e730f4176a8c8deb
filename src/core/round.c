/* round: a study searched by hand, one round at a time (see round.h). Built on search (the
 * proposals), journal (every decision, fsync'd), queue and results (runs out, results in). */
#include "comboscope/round.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>

#include "comboscope/fileio.h"
#include "comboscope/launch.h"
#include "comboscope/queue.h"
#include "comboscope/results.h"
#include "comboscope/rng.h"
#include "comboscope/text.h"

#define ROUND_CV_FOLDS 5
#define ROUND_MIN_FIT 4 /* fewer measured runs than this: propose the initial design instead */

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
        /* reconciles what a crash left between an engine call and its journal line */
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

static void round_clear(round_session *rs)
{
    predict_free(rs->model);
    rs->model = NULL;
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

/* ---- the batch ------------------------------------------------------------------------------ */

static int serves_of(const study *s, combo_t c)
{
    int n = 0;
    for (int i = 0; i < s->n_targets; i++)
        n += combo_has(c, s->targets[i]);
    return n;
}

/* Copies the standing decisions of the journal's round onto the items. */
static void items_settle(round_session *rs)
{
    const journal_round *r = rs->journal ? journal_round_find(rs->journal, rs->number) : NULL;
    for (size_t i = 0; i < rs->n_items; i++) {
        round_item *it = &rs->items[i];
        it->decision = DECISION_NONE;
        it->replacement = 0;
        it->reason = NULL;
        for (size_t k = 0; r && k < r->n_suggestions; k++) {
            const journal_suggestion *sg = &r->suggestions[k];
            if (sg->combo != it->combo || sg->decision == DECISION_NONE)
                continue;
            it->decision = sg->decision;
            it->replacement = sg->replacement;
            if (sg->decision == DECISION_REJECTED)
                it->reason = rs->journal->events[sg->decision_event].text;
        }
        it->repl_predicted = it->repl_sd = NAN;
        if (it->replacement)
            round_score(rs, it->replacement, &it->repl_predicted, &it->repl_sd);
    }
}

/* Combinations a new batch must not propose again: runs waiting in the queue, and suggestions
 * for this target that a committed round rejected or replaced by the user's own. Returns how
 * many there are (to ask the search for that many more) when c is 0. */
static size_t excluded(const journal *j, int target, combo_t c)
{
    size_t n = 0;
    for (size_t i = 0; j && i < j->n_runs; i++) {
        if (!journal_run_waiting(&j->runs[i]))
            continue;
        if (c == 0)
            n++;
        else if (j->runs[i].combo == c)
            return 1;
    }
    for (size_t r = 0; j && r < j->n_rounds; r++) {
        const journal_round *jr = &j->rounds[r];
        if (!jr->committed)
            continue;
        for (size_t k = 0; k < jr->n_suggestions; k++) {
            const journal_suggestion *sg = &jr->suggestions[k];
            if (sg->target != target || (sg->decision != DECISION_REJECTED && sg->decision != DECISION_OVERRIDDEN))
                continue;
            if (c == 0)
                n++;
            else if (sg->combo == c)
                return 1;
        }
    }
    return c ? 0 : n;
}

/* The auto initial design for target (caller frees), as replay and suggest use it. */
static combo_t *auto_design(const study *s, int target, uint64_t seed, size_t *n)
{
    int task[COMBO_MAX_DATASETS];
    for (int i = 0; i < s->n_datasets && i < COMBO_MAX_DATASETS; i++)
        task[i] = s->datasets[i].task;
    search_design d = {DESIGN_AUTO, 0};
    return search_initial_design(&d, s->n_datasets, target, task, seed, n);
}

/* Fewer measured runs of target than this: the round proposes the initial design instead of
 * fitting. ROUND_MIN_FIT, or the auto design's size when that is smaller (the target alone on a
 * small lattice: the model speaks from the second run on, as in replay). */
static size_t fit_threshold(const study *s, int target, uint64_t seed)
{
    size_t n;
    free(auto_design(s, target, seed, &n));
    return n < ROUND_MIN_FIT ? (n ? n : 1) : ROUND_MIN_FIT;
}

/* ---- the fit, off the caller's thread ----------------------------------------------------
 * A fit (and the search that scores every candidate) can take minutes on a large table. When
 * the caller set rs->wait, it runs on a worker thread while rs->wait is called about every
 * tenth of a second (the explorer keeps its screen and reads Esc there); when rs->wait says
 * cancel, the worker is abandoned (it frees its own job when it ends) and the caller gets
 * "fit cancelled". Above ROUND_FIT_MAX runs the model is fitted on a sample of that many
 * (rs->fit_sampled_from says of how many); the search still knows every measured point. */

typedef struct fit_job {
    /* inputs, owned by the job */
    predict_kind kind;
    int n, target;
    uint64_t seed;
    combo_t *fx; /* the points fitted: all of them, or the sample */
    double *fy;
    size_t fm;
    bool search; /* also score the candidates (propose_new) */
    search_settings st;
    combo_t *x; /* every measured point */
    double *y;
    size_t m;
    /* outputs */
    bool ok;
    cs_error err;
    predict_model *model;
    bool has_cv;
    double cv_spearman, cv_mae;
    bool auto_chosen, no_skill; /* predictor auto: its own cross-validation, and its verdict */
    search_suggestion *sug;
    int got;
    bool later_by_gp;           /* the picks after the first came from gp's posterior (search_info) */
    /* between the threads */
    pthread_mutex_t mu;
    bool done, abandoned;
} fit_job;

static void fit_job_free(fit_job *jb)
{
    if (jb->fx != jb->x) {
        free(jb->fx);
        free(jb->fy);
    }
    free(jb->x);
    free(jb->y);
    predict_free(jb->model);
    free(jb->sug);
    pthread_mutex_destroy(&jb->mu);
    free(jb);
}

static bool fit_job_abandoned(fit_job *jb)
{
    pthread_mutex_lock(&jb->mu);
    bool ab = jb->abandoned;
    pthread_mutex_unlock(&jb->mu);
    return ab;
}

/* The work itself: touches nothing but the job. */
static void fit_job_work(fit_job *jb)
{
    jb->model = predict_fit(jb->kind, jb->n, jb->target, jb->fx, jb->fy, jb->fm, jb->seed, PREDICT_FULL, &jb->err);
    if (!jb->model || fit_job_abandoned(jb))
        return;
    predict_choice choice;
    if (predict_auto_choice(jb->model, &choice)) { /* auto cross-validated already: its figures */
        jb->cv_spearman = choice.rho;
        jb->cv_mae = choice.mae;
        jb->has_cv = isfinite(choice.rho);
        jb->auto_chosen = true;
        jb->no_skill = !choice.skill;
    } else {
        jb->has_cv = predict_cv(jb->kind, jb->n, jb->target, jb->fx, jb->fy, jb->fm, ROUND_CV_FOLDS, jb->seed,
                                &jb->cv_spearman, &jb->cv_mae);
    }
    if (jb->search && !fit_job_abandoned(jb)) {
        jb->sug = xmalloc((size_t)jb->st.batch * sizeof *jb->sug);
        search_info info;
        /* the model just fitted (the same one search_round would fit again) */
        jb->got = search_round_model(&jb->st, jb->model, jb->n, jb->target, jb->x, jb->y, jb->m, jb->sug, &info);
        jb->later_by_gp = info.later_by_gp;
        if (jb->got < 0)
            return (void)error_set(&jb->err, NULL, 0, 0, "the search failed");
    }
    jb->ok = true;
}

/* Cancelled fits whose worker is still running (detached): the process must not run its
 * exit handlers under them (OpenBLAS frees its buffers in a destructor), see round_fits_running. */
static atomic_int fits_abandoned_running;

bool round_fits_running(void)
{
    return atomic_load(&fits_abandoned_running) > 0;
}

static void *fit_job_thread(void *p)
{
    fit_job *jb = p;
    fit_job_work(jb);
    pthread_mutex_lock(&jb->mu);
    jb->done = true;
    bool ab = jb->abandoned;
    pthread_mutex_unlock(&jb->mu);
    if (ab) {
        fit_job_free(jb);
        atomic_fetch_sub(&fits_abandoned_running, 1);
    }
    return NULL;
}

/* Runs jb, on a worker while rs->wait answers. False when cancelled (jb then belongs to the
 * worker) with err set; true when jb ran (jb->ok says how). */
static bool fit_job_run(round_session *rs, fit_job *jb, cs_error *err)
{
    pthread_t th;
    if (!rs->wait || pthread_create(&th, NULL, fit_job_thread, jb) != 0) {
        fit_job_work(jb);
        return true;
    }
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        pthread_mutex_lock(&jb->mu);
        bool done = jb->done;
        pthread_mutex_unlock(&jb->mu);
        if (done)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double secs = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
        if (rs->wait(rs->wait_ctx, secs)) {
            pthread_mutex_lock(&jb->mu);
            done = jb->done;
            if (!done) { /* counted before the worker can see it abandoned */
                atomic_fetch_add(&fits_abandoned_running, 1);
                jb->abandoned = true;
            }
            pthread_mutex_unlock(&jb->mu);
            if (done)
                break; /* finished meanwhile: keep it */
            pthread_detach(th);
            return error_set(err, NULL, 0, 0, "fit cancelled (Esc): no suggestions; r proposes again");
        }
    }
    pthread_join(th, NULL);
    return true;
}

/* A fixed sample of k of the m points (the same for the same seed), in their order. */
static void sample_points(const combo_t *x, const double *y, size_t m, size_t k, uint64_t seed,
                          combo_t **sx, double **sy)
{
    size_t *idx = xmalloc(m * sizeof *idx);
    for (size_t i = 0; i < m; i++)
        idx[i] = i;
    cs_rng r;
    rng_seed(&r, seed, 0x53a3b1e5ULL); /* a stream of its own */
    for (size_t i = 0; i < k; i++) { /* a partial Fisher-Yates shuffle */
        size_t j = i + (size_t)(rng_next(&r) % (m - i));
        size_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    /* keep the table's order among the chosen */
    bool *pick = xcalloc(m, sizeof *pick);
    for (size_t i = 0; i < k; i++)
        pick[idx[i]] = true;
    *sx = xmalloc(k * sizeof **sx);
    *sy = xmalloc(k * sizeof **sy);
    size_t n = 0;
    for (size_t i = 0; i < m; i++)
        if (pick[i]) {
            (*sx)[n] = x[i];
            (*sy)[n++] = y[i];
        }
    free(pick);
    free(idx);
}

/* Fits the model and the cross-validation on the target's measured points (a sample of
 * ROUND_FIT_MAX of them when there are more) and, when st is not NULL, proposes with it:
 * *sug and *got get the suggestions. *xo, *yo, *mo get every measured point. */
static bool fit_and_search(round_session *rs, const search_settings *st, combo_t **xo, double **yo, size_t *mo,
                           search_suggestion **sug, int *got, cs_error *err)
{
    const study *s = rs->study;
    combo_t *x;
    double *y;
    size_t m = study_target_points(s, rs->target, &x, &y);
    rs->measured = m;
    rs->fit_sampled_from = 0;
    if (m < fit_threshold(s, rs->target, rs->settings.seed)) { /* nothing worth fitting (the batch is the initial design) */
        *xo = x;
        *yo = y;
        *mo = m;
        return true;
    }
    fit_job *jb = xcalloc(1, sizeof *jb);
    pthread_mutex_init(&jb->mu, NULL);
    jb->kind = rs->settings.predictor;
    jb->n = s->n_datasets;
    jb->target = rs->target;
    jb->seed = rs->settings.seed;
    jb->x = x;
    jb->y = y;
    jb->m = m;
    jb->fx = x;
    jb->fy = y;
    jb->fm = m;
    if (m > ROUND_FIT_MAX) {
        sample_points(x, y, m, ROUND_FIT_MAX, rs->settings.seed, &jb->fx, &jb->fy);
        jb->fm = ROUND_FIT_MAX;
        rs->measured = ROUND_FIT_MAX;
        rs->fit_sampled_from = m;
    }
    if (st) {
        jb->search = true;
        jb->st = *st;
    }
    if (!fit_job_run(rs, jb, err))
        return false; /* cancelled: the worker owns jb now */
    if (!jb->ok) {
        if (err)
            *err = jb->err;
        fit_job_free(jb);
        return false;
    }
    rs->model = jb->model;
    jb->model = NULL;
    rs->has_cv = jb->has_cv;
    rs->cv_spearman = jb->cv_spearman;
    rs->cv_mae = jb->cv_mae;
    if (jb->auto_chosen)
        rs->no_skill = jb->no_skill;
    if (st)
        rs->later_by_gp = jb->later_by_gp;
    rs->prospect_known = false;
    if (sug) {
        *sug = jb->sug;
        *got = jb->got;
        jb->sug = NULL;
    }
    /* hand every measured point back; the job keeps (and frees) the rest */
    *xo = jb->x;
    *yo = jb->y;
    *mo = jb->m;
    jb->x = NULL;
    jb->y = NULL;
    if (jb->fx == *xo)
        jb->fx = NULL, jb->fy = NULL;
    fit_job_free(jb);
    return true;
}

static bool fit(round_session *rs, combo_t **xo, double **yo, size_t *mo, cs_error *err)
{
    return fit_and_search(rs, NULL, xo, yo, mo, NULL, NULL, err);
}

/* Reopens round rs->number from the journal: the latest block of consecutive `suggested`
 * events for the target, and any other suggestion a decision stands on. */
static bool load_from_journal(round_session *rs, const journal_round *r, cs_error *err)
{
    const journal *j = rs->journal;
    size_t last = 0;
    bool any = false;
    for (size_t k = 0; k < r->n_suggestions; k++)
        if (r->suggestions[k].suggested && r->suggestions[k].target == rs->target &&
            (!any || r->suggestions[k].event > last))
            last = r->suggestions[k].event, any = true;
    /* the block ends at `last`; walk back over consecutive suggested events of the round */
    size_t first = last;
    while (any && first > 0 && j->events[first - 1].kind == JOURNAL_SUGGESTED &&
           j->events[first - 1].round == rs->number && j->events[first - 1].target == rs->target)
        first--;
    /* the predictor that proposed it */
    if (any) {
        const journal_event *e = &j->events[last];
        rs->design = !e->predictor && !e->has_prediction;
        if (e->predictor)
            predict_kind_parse(e->predictor, &rs->settings.predictor);
        if (e->acquisition)
            search_acquisition_parse(e->acquisition, &rs->settings.acquisition);
    }
    combo_t *x;
    double *y;
    size_t m;
    if (!fit(rs, &x, &y, &m, err))
        return false;
    free(x);
    free(y);
    rs->items = xcalloc(r->n_suggestions ? r->n_suggestions : 1, sizeof *rs->items);
    for (size_t k = 0; k < r->n_suggestions; k++) {
        const journal_suggestion *sg = &r->suggestions[k];
        bool in_block = any && sg->suggested && sg->event >= first && sg->event <= last;
        if (!in_block && sg->decision == DECISION_NONE)
            continue;
        round_item *it = &rs->items[rs->n_items++];
        memset(it, 0, sizeof *it);
        it->combo = sg->combo;
        it->predicted = it->sd = it->acquisition = NAN;
        const journal_event *e = &j->events[sg->event];
        if (e->kind == JOURNAL_SUGGESTED && e->has_prediction) {
            it->predicted = e->mean;
            it->sd = e->spread;
        } else {
            round_score(rs, it->combo, &it->predicted, &it->sd);
        }
        if (e->kind == JOURNAL_SUGGESTED && e->has_value)
            it->acquisition = e->value;
        it->serves = serves_of(rs->study, it->combo);
    }
    if (any && j->events[first].has_cv) { /* the accuracy it had when it proposed the batch */
        rs->has_cv = true;
        rs->cv_spearman = j->events[first].cv_spearman;
        rs->cv_mae = j->events[first].cv_mae;
    }
    rs->settings.batch = rs->n_items > 0 ? (int)rs->n_items : rs->settings.batch;
    rs->journaled = true;
    items_settle(rs);
    return true;
}

/* Too few runs to fit anything: the first round proposes the `auto` initial design, as replay
 * and suggest do (the combinations of it not measured yet), without predictions. */
static bool propose_design(round_session *rs, cs_error *err)
{
    (void)err;
    const study *s = rs->study;
    size_t n;
    combo_t *c = auto_design(s, rs->target, rs->settings.seed, &n);
    rs->design_alone = n == 1;
    rs->items = xcalloc(n ? n : 1, sizeof *rs->items);
    for (size_t i = 0; i < n; i++) {
        double v;
        if (study_score(s, c[i], rs->target, &v) || excluded(rs->journal, rs->target, c[i]))
            continue;
        round_item *it = &rs->items[rs->n_items++];
        it->combo = c[i];
        it->predicted = it->sd = it->acquisition = NAN;
        it->repl_predicted = it->repl_sd = NAN;
        it->serves = serves_of(s, c[i]);
    }
    free(c);
    rs->design = true;
    return true;
}

static bool propose_new(round_session *rs, cs_error *err)
{
    combo_t *x;
    double *y;
    size_t m = study_target_points(rs->study, rs->target, &x, &y);
    rs->measured = m; /* the initial design's header says it too; a fit sets it again */
    bool none_left = rs->study->n_datasets <= 63 && search_remaining(rs->study->n_datasets, rs->target, x, m) == 0;
    free(x);
    free(y);
    if (none_left) /* a complete lattice: nothing to propose, no model worth fitting */
        return true;
    if (m < fit_threshold(rs->study, rs->target, rs->settings.seed))
        return propose_design(rs, err);
    /* ask for more than the batch, so that the excluded combinations can be dropped */
    size_t skip = excluded(rs->journal, rs->target, 0);
    search_settings st = rs->settings;
    st.batch = rs->settings.batch + (int)(skip < 4096 ? skip : 4096);
    search_suggestion *sug = NULL;
    int got = -1;
    if (!fit_and_search(rs, &st, &x, &y, &m, &sug, &got, err))
        return false;
    free(x);
    free(y);
    if (got < 0) {
        free(sug);
        return false;
    }
    rs->items = xcalloc((size_t)rs->settings.batch, sizeof *rs->items);
    for (int i = 0; i < got && rs->n_items < (size_t)rs->settings.batch; i++) {
        if (excluded(rs->journal, rs->target, sug[i].combo))
            continue;
        round_item *it = &rs->items[rs->n_items++];
        it->combo = sug[i].combo;
        it->predicted = sug[i].predicted;
        it->sd = sug[i].sd;
        it->acquisition = sug[i].acquisition;
        it->serves = serves_of(rs->study, it->combo);
        it->repl_predicted = it->repl_sd = NAN;
    }
    free(sug);
    return true;
}

bool round_propose(round_session *rs, int target, cs_error *err)
{
    round_clear(rs);
    rs->target = target;
    rs->number = rs->journal ? journal_current_round(rs->journal) : 1;
    const journal_round *r = rs->journal ? journal_round_find(rs->journal, rs->number) : NULL;
    if (r && !r->committed && r->target >= 0)
        rs->target = r->target;
    study_target_summarize(rs->study, rs->target, &rs->summary);
    if (r && !r->committed && r->n_suggestions > 0)
        return load_from_journal(rs, r, err);
    return propose_new(rs, err);
}

size_t round_fit_runs(const round_session *rs, int target)
{
    const journal_round *r = rs->journal ? journal_round_find(rs->journal, journal_current_round(rs->journal)) : NULL;
    if (r && !r->committed && r->target >= 0)
        target = r->target;
    if (target < 0 || target >= rs->study->n_datasets)
        return 0;
    combo_t *x;
    double *y;
    size_t m = study_target_points(rs->study, target, &x, &y);
    /* as propose_new decides (a reopened round fits even a complete lattice: it is rare) */
    bool none_left = rs->study->n_datasets <= 63 && search_remaining(rs->study->n_datasets, target, x, m) == 0;
    free(x);
    free(y);
    return m < fit_threshold(rs->study, target, rs->settings.seed) || (none_left && !(r && !r->committed && r->n_suggestions > 0)) ? 0 : m;
}

static bool decided_any(const round_session *rs)
{
    for (size_t i = 0; i < rs->n_items; i++)
        if (rs->items[i].decision != DECISION_NONE)
            return true;
    return false;
}

static bool repropose(round_session *rs, search_settings next, cs_error *err)
{
    if (decided_any(rs))
        return error_set(err, NULL, 0, 0, "decisions stand on this batch: undo them (u) before re-proposing");
    search_settings keep = rs->settings;
    int target = rs->target;
    round_clear(rs);
    rs->settings = next;
    study_target_summarize(rs->study, target, &rs->summary);
    rs->target = target;
    if (!propose_new(rs, err)) {
        rs->settings = keep;
        return false;
    }
    return true;
}

bool round_set_predictor(round_session *rs, predict_kind k, cs_error *err)
{
    search_settings st = rs->settings;
    st.predictor = k;
    return repropose(rs, st, err);
}

bool round_set_acquisition(round_session *rs, search_acquisition a, cs_error *err)
{
    search_settings st = rs->settings;
    st.acquisition = a;
    return repropose(rs, st, err);
}

bool round_set_batch(round_session *rs, int batch, cs_error *err)
{
    if (batch < 1 || batch > 64)
        return error_set(err, NULL, 0, 0, "the batch size must be from 1 to 64");
    search_settings st = rs->settings;
    st.batch = batch;
    return repropose(rs, st, err);
}

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
        if (!journal_append(rs->journal, &ev, err))
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
    items_settle(rs);
    return true;
}

bool round_reject(round_session *rs, size_t i, const char *reason, cs_error *err)
{
    if (!item_ok(rs, i, err) || !ensure_journaled(rs, err))
        return false;
    if (!journal_append_rejected(rs->journal, rs->number, rs->target, rs->items[i].combo,
                                 reason && *reason ? reason : NULL, err))
        return false;
    items_settle(rs);
    return true;
}

bool round_override(round_session *rs, size_t i, combo_t c, cs_error *err)
{
    if (!item_ok(rs, i, err))
        return false;
    if (!combo_has(c, rs->target))
        return error_set(err, NULL, 0, 0, "the combination must contain the target");
    if (c == rs->items[i].combo)
        return error_set(err, NULL, 0, 0, "the combination is the suggestion itself: accept it instead (a)");
    if (!ensure_journaled(rs, err))
        return false;
    if (!journal_append_overridden(rs->journal, rs->number, rs->target, rs->items[i].combo, c, err))
        return false;
    items_settle(rs);
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
        items_settle(rs);
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

/* Appends ", text" (or text first) to buf of size n at *k. */
static void story_add(char *buf, size_t n, size_t *k, const char *text)
{
    if (*k < n)
        *k += (size_t)snprintf(buf + *k, n - *k, "%s%s", *k ? ", " : "", text);
}

char *round_run_story(const journal *j, size_t run, char *buf, size_t n)
{
    const journal_run *r = &j->runs[run];
    size_t k = 0;
    char t[160];
    buf[0] = '\0';
    for (size_t i = r->queued_event + 1; i < j->n_events; i++) {
        const journal_event *e = &j->events[i];
        bool mine = strcmp(e->run, r->id) == 0;
        t[0] = '\0';
        switch (e->kind) {
        case JOURNAL_SUBMITTING:
        case JOURNAL_SUBMITTED:
            for (size_t q = 0; q < e->n_runs && !mine; q++)
                mine = strcmp(e->runs[q], r->id) == 0;
            if (mine && e->kind == JOURNAL_SUBMITTED)
                snprintf(t, sizeof t, e->job[0] ? "%s %s" : "not submitted", e->engine ? e->engine : "",
                         e->job);
            break;
        case JOURNAL_STATE:
            if (mine && e->state == RUN_FAILED && e->has_exit)
                snprintf(t, sizeof t, "failed (exit %d)", e->exit_status);
            else if (mine)
                snprintf(t, sizeof t, "%s", run_state_name(e->state));
            break;
        case JOURNAL_CANCEL:
            if (mine)
                snprintf(t, sizeof t, "cancel");
            break;
        case JOURNAL_RESUBMIT:
            if (mine)
                snprintf(t, sizeof t, "resubmit");
            break;
        case JOURNAL_WITHDRAWN:
            if (mine)
                snprintf(t, sizeof t, "withdrawn");
            break;
        case JOURNAL_UNCOMMITTED:
            if (r->withdrawn && r->withdrawn_event == i)
                snprintf(t, sizeof t, "withdrawn (commit undone)");
            break;
        case JOURNAL_RESULT:
            if (mine) {
                int d = r->target;
                bool has = d >= 0 && e->scores && isfinite(e->scores[d]);
                char sc[32];
                snprintf(sc, sizeof sc, "%.4f", has ? e->scores[d] : 0.0);
                snprintf(t, sizeof t, "done%s%s", has ? " " : "", has ? sc : "");
            }
            break;
        default: break;
        }
        if (t[0])
            story_add(buf, n, &k, t);
    }
    if (!k)
        snprintf(buf, n, r->has_result ? "done" : "queued");
    return buf;
}

char *round_log_tail(const char *path, int lines)
{
    cs_error ignore; /* a run's log: a regular file only, never a FIFO that would block (fileio.h) */
    FILE *f = path ? file_fopen_read(path, NULL, &ignore) : NULL;
    if (!f)
        return NULL;
    /* the last 16 KiB is plenty for a screen's worth of lines */
    long start = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        start = size > 16384 ? size - 16384 : 0;
    }
    fseek(f, start, SEEK_SET);
    char *buf = xmalloc(16384 + 1);
    size_t len = fread(buf, 1, 16384, f);
    fclose(f);
    buf[len] = '\0';
    while (len && buf[len - 1] == '\n')
        buf[--len] = '\0';
    size_t from = len;
    for (int k = 0; k < lines && from > 0; k++) {
        from--;
        while (from > 0 && buf[from - 1] != '\n')
            from--;
    }
    if (start > 0 && from == 0) /* a cut first line: drop it */
        from = strcspn(buf, "\n") + (buf[strcspn(buf, "\n")] ? 1 : 0);
    memmove(buf, buf + from, len - from + 1);
    return buf;
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
    if (!decided_any(rs))
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

/* ---- predictions for the editor --------------------------------------------------------------- */

bool round_score(const round_session *rs, combo_t c, double *mean, double *sd)
{
    *mean = *sd = NAN;
    if (!rs->model || rs->target < 0 || !combo_has(c, rs->target))
        return false;
    predict_eval(rs->model, c, mean, sd);
    return true;
}

bool round_prospect(round_session *rs, combo_t *out, double *out_mean, double *out_gain)
{
    const study *s = rs->study;
    if (!rs->prospect_known) {
        rs->prospect_known = true;
        rs->has_prospect = false;
        if (rs->model && rs->target >= 0 && rs->summary.has_best && s->n_datasets <= ROUND_PROSPECT_MAX) {
            bool min = s->goal == GOAL_MIN;
            combo_t t = combo_single(rs->target), others = combo_all(s->n_datasets) & ~t;
            /* every subset of the other datasets, the empty one included (the target alone) */
            combo_t sub = 0;
            do {
                combo_t c = sub | t;
                double v, mean, sd;
                if (!study_score(s, c, rs->target, &v) && round_score(rs, c, &mean, &sd) && isfinite(mean) &&
                    (!rs->has_prospect || (min ? mean < rs->prospect_mean : mean > rs->prospect_mean))) {
                    rs->has_prospect = true;
                    rs->prospect = c;
                    rs->prospect_mean = mean;
                    rs->prospect_sd = sd;
                }
                sub = (sub - others) & others;
            } while (sub);
            if (rs->has_prospect)
                rs->prospect_gain = min ? rs->summary.best - rs->prospect_mean : rs->prospect_mean - rs->summary.best;
        }
    }
    if (rs->has_prospect) {
        *out = rs->prospect;
        *out_mean = rs->prospect_mean;
        *out_gain = rs->prospect_gain;
    }
    return rs->has_prospect;
}

void round_diff_best(const round_session *rs, combo_t c, combo_t *added, combo_t *removed)
{
    combo_t best = rs->summary.has_best ? rs->summary.best_combo : combo_single(rs->target);
    *added = c & ~best;
    *removed = best & ~c;
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
            items_settle(rs);
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

/* ---- History ------------------------------------------------------------------------------------ */

static int combo_cmp(const void *a, const void *b)
{
    combo_t x = *(const combo_t *)a, y = *(const combo_t *)b;
    return x < y ? -1 : x > y;
}

size_t round_best_curve(const round_session *rs, int target, double **out)
{
    const study *s = rs->study;
    const journal *j = rs->journal;
    size_t nr = 0;
    const journal_round *rounds = j ? journal_rounds(j, &nr) : NULL;
    double *c = xmalloc((nr + 1) * sizeof *c);
    combo_t *x;
    double *y;
    size_t m = study_target_points(s, target, &x, &y);
    /* the combinations journaled runs produced, sorted, so that each point is one search */
    combo_t *ran = xmalloc((j && j->n_runs ? j->n_runs : 1) * sizeof *ran);
    size_t n_ran = 0;
    for (size_t k = 0; j && k < j->n_runs; k++)
        if (j->runs[k].has_result)
            ran[n_ran++] = j->runs[k].combo;
    qsort(ran, n_ran, sizeof *ran, combo_cmp);
    double best = NAN;
    for (size_t i = 0; i < m; i++) {
        bool from_run = bsearch(&x[i], ran, n_ran, sizeof *ran, combo_cmp) != NULL;
        if (!from_run && (isnan(best) || study_better(s, y[i], best)))
            best = y[i];
    }
    free(ran);
    free(x);
    free(y);
    c[0] = best;
    for (size_t r = 0; r < nr; r++) {
        for (size_t k = 0; k < rounds[r].n_results; k++) {
            const journal_event *e = &j->events[rounds[r].results[k]];
            if (!e->scores || !combo_has(e->combo, target) || !isfinite(e->scores[target]))
                continue;
            if (isnan(best) || study_better(s, e->scores[target], best))
                best = e->scores[target];
        }
        c[r + 1] = best;
    }
    *out = c;
    return nr + 1;
}

/* The measured score of target for combination c from a `result` event of j, or NAN. */
static double result_for(const journal *j, combo_t c, int target)
{
    for (size_t k = 0; k < j->n_runs; k++) {
        const journal_run *run = &j->runs[k];
        if (run->combo != c || !run->has_result)
            continue;
        const journal_event *e = &j->events[run->result_event];
        if (e->scores && target >= 0 && isfinite(e->scores[target]))
            return e->scores[target];
    }
    return NAN;
}

round_history_row *round_history(const round_session *rs, size_t *n)
{
    const journal *j = rs->journal;
    size_t nr = 0;
    const journal_round *rounds = j ? journal_rounds(j, &nr) : NULL;
    *n = nr;
    round_history_row *rows = xcalloc(nr ? nr : 1, sizeof *rows);
    for (size_t r = 0; r < nr; r++) {
        const journal_round *jr = &rounds[r];
        round_history_row *h = &rows[r];
        h->number = jr->number;
        h->target = jr->target;
        h->committed = jr->committed;
        h->notes = jr->n_notes;
        h->queued = jr->n_runs;
        h->results = jr->n_results;
        double err_sum = 0;
        size_t err_n = 0;
        for (size_t k = 0; k < jr->n_suggestions; k++) {
            const journal_suggestion *sg = &jr->suggestions[k];
            h->suggested += sg->suggested;
            h->accepted += sg->decision == DECISION_ACCEPTED;
            h->rejected += sg->decision == DECISION_REJECTED;
            h->overridden += sg->decision == DECISION_OVERRIDDEN;
            const journal_event *e = &j->events[sg->event];
            if (e->kind != JOURNAL_SUGGESTED)
                continue;
            if (e->has_cv && !h->has_cv) {
                h->has_cv = true;
                h->cv_spearman = e->cv_spearman;
            }
            double got = result_for(j, sg->combo, jr->target);
            if (e->has_prediction && isfinite(got)) {
                err_sum += fabs(e->mean - got);
                err_n++;
            }
        }
        if (err_n) {
            h->has_error = true;
            h->error = err_sum / (double)err_n;
        }
    }
    /* best-so-far per round, for each round's own target (one curve per target) */
    double *curves[COMBO_MAX_DATASETS] = {NULL};
    for (size_t r = 0; r < nr; r++) {
        int t = rows[r].target;
        if (t < 0)
            continue;
        if (!curves[t])
            round_best_curve(rs, t, &curves[t]);
        rows[r].has_best = isfinite(curves[t][r + 1]);
        rows[r].best = curves[t][r + 1];
    }
    for (int t = 0; t < COMBO_MAX_DATASETS; t++)
        free(curves[t]);
    return rows;
}

bool round_launch_busy(const round_session *rs)
{
    return rs->launch && launch_busy(rs->launch);
}

bool round_launch_news(round_session *rs, char *msg, size_t n)
{
    return rs->launch && launch_news(rs->launch, msg, n);
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
