/* round_fit: the fit of a round's predictor (and the search with it), off the caller's thread
 * when the caller asks (see round.h and round_impl.h). */
#include "comboscope/round.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "comboscope/rng.h"
#include "comboscope/text.h"
#include "round_impl.h"

/* The auto initial design for target (caller frees), as replay and suggest use it. */
combo_t *round_auto_design(const study *s, int target, uint64_t seed, size_t *n)
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
size_t round_fit_threshold(const study *s, int target, uint64_t seed)
{
    size_t n;
    free(round_auto_design(s, target, seed, &n));
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
    round_joint_job *joint;     /* a joint round's job instead (round_joint.c), or NULL */
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
    round_joint_job_free(jb->joint);
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

static bool fit_job_abandoned_ctx(void *ctx)
{
    return fit_job_abandoned(ctx);
}

/* The work itself: touches nothing but the job. */
static void fit_job_work(fit_job *jb)
{
    if (jb->joint) {
        jb->ok = round_joint_work(jb->joint, fit_job_abandoned_ctx, jb, &jb->err);
        return;
    }
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
bool round_fit_and_search(round_session *rs, const search_settings *st, combo_t **xo, double **yo, size_t *mo,
                           search_suggestion **sug, int *got, cs_error *err)
{
    const study *s = rs->study;
    combo_t *x;
    double *y;
    size_t m = study_target_points(s, rs->target, &x, &y);
    rs->measured = m;
    rs->fit_sampled_from = 0;
    if (m < round_fit_threshold(s, rs->target, rs->settings.seed)) { /* nothing worth fitting (the batch is the initial design) */
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

bool round_fit(round_session *rs, combo_t **xo, double **yo, size_t *mo, cs_error *err)
{
    return round_fit_and_search(rs, NULL, xo, yo, mo, NULL, NULL, err);
}

bool round_fit_joint(round_session *rs, round_joint_job *jj, bool *ok, cs_error *err)
{
    fit_job *jb = xcalloc(1, sizeof *jb);
    pthread_mutex_init(&jb->mu, NULL);
    jb->joint = jj;
    if (!fit_job_run(rs, jb, err))
        return false; /* cancelled: the worker owns jb (and jj) now */
    *ok = jb->ok;
    if (!jb->ok && err)
        *err = jb->err;
    jb->joint = NULL;
    fit_job_free(jb);
    return true;
}
