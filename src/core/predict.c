/* predict: the predictors' common part: names, standardization and dispatch to the model
 * families (predict_ridge.c: additive, pairwise; predict_net.c: mlp, ensemble, multi; random
 * here), and cross-validation. Every family works on the membership bits of the datasets other
 * than the target (the target's bit is always set). */
#include "comboscope/predict.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/par.h"
#include "comboscope/rng.h"
#include "comboscope/text.h"
#include "comboscope/predict_gp.h"
#include "predict_impl.h"

static const char *const kind_names[] = {
#define X(e, name, help) name,
    PREDICT_KINDS(X)
#undef X
};

bool predict_kind_parse(const char *name, predict_kind *out)
{
    for (int k = 0; k < PREDICT_N_KINDS; k++)
        if (name && strcmp(name, kind_names[k]) == 0) {
            *out = (predict_kind)k;
            return true;
        }
    return false;
}

const char *predict_kind_name(predict_kind kind)
{
    return (unsigned)kind < PREDICT_N_KINDS ? kind_names[kind] : "?";
}

const char *predict_kind_list(void)
{
    static char buf[256];
    if (!buf[0])
        for (int k = 0; k < PREDICT_N_KINDS; k++) {
            if (k)
                strcat(buf, ", ");
            strcat(buf, kind_names[k]);
        }
    return buf;
}

/* ---------- features ---------- */

int predict_active_inputs(const predict_model *md, combo_t c, int *a)
{
    int r = 0;
    c &= ~combo_single(md->target);
    while (c) {
        int b = __builtin_ctzll(c);
        c &= c - 1;
        if (b < md->n)
            a[r++] = md->local[b];
    }
    return r;
}


/* The membership bits of the other datasets, by input index (the GP's inputs). */
static uint64_t gp_bits(const predict_model *md, combo_t c)
{
    int a[COMBO_MAX_DATASETS];
    int r = predict_active_inputs(md, c, a);
    uint64_t b = 0;
    for (int i = 0; i < r; i++)
        b |= (uint64_t)1 << a[i];
    return b;
}

/* ---------- the model ---------- */

static predict_model *fit_points(predict_kind kind, int n, int target, const combo_t *x, const double *y,
                                 size_t m, uint64_t seed, predict_effort effort, cs_error *err,
                                 const predict_runs *runs);

static predict_model *auto_fit(int n, int target, const combo_t *x, const double *y, size_t m, uint64_t seed,
                               predict_effort effort, cs_error *err);
static void auto_choose(int n, int target, const combo_t *x, const double *y, size_t m, uint64_t seed,
                        predict_choice *c);
static void auto_choose_once(int n, int target, const combo_t *x, const double *y, size_t m, uint64_t seed,
                             predict_choice *c);

predict_model *predict_fit(predict_kind kind, int n, int target, const combo_t *x, const double *y,
                           size_t m, uint64_t seed, predict_effort effort, cs_error *err)
{
    if (kind == PREDICT_AUTO)
        return auto_fit(n, target, x, y, m, seed, effort, err);
    if (kind != PREDICT_MULTI)
        return fit_points(kind, n, target, x, y, m, seed, effort, err, NULL);
    /* multi with the target's scores alone: runs that score the target only. */
    double *sc = xmalloc((m ? m : 1) * (size_t)(n > 0 ? n : 1) * sizeof *sc);
    for (size_t i = 0; i < m * (size_t)(n > 0 ? n : 0); i++)
        sc[i] = NAN;
    for (size_t i = 0; i < m && n > 0 && target >= 0 && target < n; i++)
        sc[i * n + target] = y[i];
    predict_runs r = {n, m, x, sc};
    predict_model *md = fit_points(kind, n, target, x, y, m, seed, effort, err, &r);
    free(sc);
    return md;
}

size_t predict_runs_target(const predict_runs *runs, int target, combo_t **x, double **y)
{
    size_t k = 0;
    *x = xmalloc((runs->m ? runs->m : 1) * sizeof **x);
    *y = xmalloc((runs->m ? runs->m : 1) * sizeof **y);
    for (size_t i = 0; i < runs->m; i++) {
        double v = runs->score[i * runs->n + target];
        if (combo_has(runs->combo[i], target) && !isnan(v)) {
            (*x)[k] = runs->combo[i];
            (*y)[k++] = v;
        }
    }
    return k;
}

predict_model *predict_fit_runs(predict_kind kind, int target, const predict_runs *runs, uint64_t seed,
                                predict_effort effort, cs_error *err)
{
    combo_t *x;
    double *y;
    size_t m = predict_runs_target(runs, target, &x, &y);
    predict_model *md = kind == PREDICT_AUTO ? auto_fit(runs->n, target, x, y, m, seed, effort, err)
                                             : fit_points(kind, runs->n, target, x, y, m, seed, effort, err,
                                                          kind == PREDICT_MULTI ? runs : NULL);
    free(x);
    free(y);
    return md;
}

static predict_model *fit_points(predict_kind kind, int n, int target, const combo_t *x, const double *y,
                                 size_t m, uint64_t seed, predict_effort effort, cs_error *err,
                                 const predict_runs *runs)
{
    if (n < 1 || n > COMBO_MAX_DATASETS || target < 0 || target >= n) {
        error_set(err, NULL, 0, 0, "predictor: target %d out of range for %d datasets", target, n);
        return NULL;
    }
    if (kind == PREDICT_PAIRWISE && n > 32) {
        error_set(err, NULL, 0, 0, "the pairwise predictor supports up to 32 datasets (this study has %d)", n);
        return NULL;
    }
    predict_model *md = xcalloc(1, sizeof *md);
    md->kind = kind;
    md->n = n;
    md->target = target;
    md->seed = seed;
    for (int i = 0, j = 0; i < n; i++) {
        md->local[i] = i == target ? -1 : j;
        if (i != target)
            md->global[j++] = i;
    }
    md->d = n - 1;
    double mean = 0, var = 0;
    for (size_t i = 0; i < m; i++)
        mean += y[i];
    mean = m ? mean / (double)m : 0;
    for (size_t i = 0; i < m; i++)
        var += (y[i] - mean) * (y[i] - mean);
    var = m > 1 ? var / (double)(m - 1) : 0;
    md->ymean = mean;
    md->yscale = var > 1e-24 ? sqrt(var) : (m ? fmax(fabs(mean) * 0.01, 1e-6) : 1);
    double *ys = xmalloc((m ? m : 1) * sizeof *ys);
    for (size_t i = 0; i < m; i++)
        ys[i] = (y[i] - md->ymean) / md->yscale;
    cs_rng rng;
    rng_seed(&rng, seed, (uint64_t)kind * 1000 + (uint64_t)target);
    switch (kind) {
    case PREDICT_ADDITIVE:
    case PREDICT_PAIRWISE: predict_ridge_fit(md, x, ys, m, &rng); break;
    case PREDICT_ENSEMBLE:
    case PREDICT_MLP: predict_net_fit(md, x, ys, m, &rng, effort); break;
    case PREDICT_MULTI: predict_multi_fit(md, runs, &rng, effort); break;
    case PREDICT_GP: {
        uint64_t *bits = xmalloc((m ? m : 1) * sizeof *bits);
        for (size_t i = 0; i < m; i++)
            bits[i] = gp_bits(md, x[i]);
        md->gp = gp_fit(md->d, bits, ys, m, NULL, rng_next(&rng));
        md->members = GP_MEMBERS;
        free(bits);
        break;
    }
    case PREDICT_RANDOM:
    default: md->members = 1; break;
    }
    free(ys);
    return md;
}

void predict_free(predict_model *md)
{
    if (!md)
        return;
    free(md->w);
    free(md->wmean);
    free(md->net);
    gp_free(md->gp);
    free(md);
}

int predict_members(const predict_model *md) { return md->members; }

void predict_eval_members(const predict_model *md, combo_t c, double *out)
{
    if (md->kind == PREDICT_GP) {
        gp_eval_members(md->gp, gp_bits(md, c), out);
        for (int s = 0; s < md->members; s++)
            out[s] = md->ymean + md->yscale * out[s];
        return;
    }
    int a[COMBO_MAX_DATASETS];
    int r = predict_active_inputs(md, c, a);
    for (int s = 0; s < md->members; s++) {
        double v;
        switch (md->kind) {
        case PREDICT_ADDITIVE:
        case PREDICT_PAIRWISE: v = predict_ridge_eval(md, md->w + (size_t)s * md->p, a, r); break;
        case PREDICT_ENSEMBLE:
        case PREDICT_MLP: v = predict_net_eval(md, md->net + (size_t)s * md->net_size, a, r); break;
        case PREDICT_MULTI: v = predict_multi_eval(md, md->net + (size_t)s * md->net_size, c, md->target); break;
        default: v = (double)(rng_mix(md->seed ^ rng_mix(c)) >> 11) * 0x1.0p-53 * 2 - 1; break;
        }
        out[s] = md->ymean + md->yscale * v;
    }
}

void predict_eval(const predict_model *md, combo_t c, double *mean, double *sd)
{
    double v[64];
    predict_eval_members(md, c, v);
    double mu = 0, ss = 0;
    for (int s = 0; s < md->members; s++)
        mu += v[s];
    mu /= md->members;
    for (int s = 0; s < md->members; s++)
        ss += (v[s] - mu) * (v[s] - mu);
    *mean = mu;
    *sd = md->members > 1 ? sqrt(ss / (md->members - 1)) : 0;
}

/* ---------- accuracy ---------- */

/* A value with its index: qsort has no context argument, so the pairs are sorted (reentrant:
 * folds cross-validate on several threads). */
typedef struct ranked {
    double v;
    size_t i;
} ranked;

static int rank_cmp(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v < y->v)
        return -1;
    if (x->v > y->v)
        return 1;
    return x->i < y->i ? -1 : 1;
}

static void ranks(const double *v, size_t m, double *r)
{
    ranked *ix = xmalloc(m * sizeof *ix);
    for (size_t i = 0; i < m; i++)
        ix[i] = (ranked){v[i], i};
    qsort(ix, m, sizeof *ix, rank_cmp);
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j + 1 < m && v[ix[j + 1].i] == v[ix[i].i])
            j++;
        for (size_t k = i; k <= j; k++)
            r[ix[k].i] = (double)(i + j) / 2.0 + 1;
        i = j + 1;
    }
    free(ix);
}

double predict_spearman(const double *a, const double *b, size_t m)
{
    if (m < 2)
        return NAN;
    double *ra = xmalloc(m * sizeof *ra), *rb = xmalloc(m * sizeof *rb);
    ranks(a, m, ra);
    ranks(b, m, rb);
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < m; i++) {
        ma += ra[i];
        mb += rb[i];
    }
    ma /= (double)m;
    mb /= (double)m;
    for (size_t i = 0; i < m; i++) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    free(ra);
    free(rb);
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
}

/* ---------- auto: the predictor chosen by cross-validated rank accuracy ---------- */

bool predict_has_skill(double rho, size_t m)
{
    return m >= 4 && isfinite(rho) && rho > 1.2816 / sqrt((double)(m - 1));
}

static void auto_choose(int n, int target, const combo_t *x, const double *y, size_t m, uint64_t seed,
                        predict_choice *c)
{
    static const predict_kind cand[PREDICT_AUTO_N] = PREDICT_AUTO_CANDIDATES;
    memset(c, 0, sizeof *c);
    c->chosen = cand[0];
    c->runner = PREDICT_AUTO;
    c->rho = c->mae = c->runner_rho = NAN;
    c->points = m;
    double best = -INFINITY, second = -INFINITY;
    for (int i = 0; i < PREDICT_AUTO_N && m >= 4; i++) {
        if ((cand[i] == PREDICT_PAIRWISE && n > 32) || (cand[i] == PREDICT_GP && m > PREDICT_AUTO_GP_MAX))
            continue;
        double rho, mae;
        if (!predict_cv(cand[i], n, target, x, y, m, PREDICT_AUTO_FOLDS, seed, &rho, &mae) || !isfinite(rho))
            continue;
        if (rho > best) {
            if (isfinite(best)) {
                second = best;
                c->runner = c->chosen;
                c->runner_rho = c->rho;
            }
            best = rho;
            c->chosen = cand[i];
            c->rho = rho;
            c->mae = mae;
        } else if (rho > second) {
            second = rho;
            c->runner = cand[i];
            c->runner_rho = rho;
        }
    }
    c->skill = predict_has_skill(c->rho, m);
}

static predict_model *auto_fit(int n, int target, const combo_t *x, const double *y, size_t m, uint64_t seed,
                               predict_effort effort, cs_error *err)
{
    if (n < 1 || n > COMBO_MAX_DATASETS || target < 0 || target >= n) {
        error_set(err, NULL, 0, 0, "predictor: target %d out of range for %d datasets", target, n);
        return NULL;
    }
    predict_choice c;
    auto_choose_once(n, target, x, y, m, seed, &c);
    predict_model *md = fit_points(c.chosen, n, target, x, y, m, seed, effort, err, NULL);
    if (md) {
        md->automatic = true;
        md->choice = c;
    }
    return md;
}

bool predict_auto_choice(const predict_model *md, predict_choice *out)
{
    if (!md || !md->automatic)
        return false;
    *out = md->choice;
    return true;
}

char *predict_choice_format(const predict_choice *c, char *buf, size_t n)
{
    if (!isfinite(c->rho))
        snprintf(buf, n, "auto: %s, too few runs to cross-validate (%zu)", predict_kind_name(c->chosen), c->points);
    else if (c->runner == PREDICT_AUTO)
        snprintf(buf, n, "auto: %s, cv rho %.2f", predict_kind_name(c->chosen), c->rho);
    else
        snprintf(buf, n, "auto: %s, cv rho %.2f vs %s %.2f", predict_kind_name(c->chosen), c->rho,
                 predict_kind_name(c->runner), c->runner_rho);
    return buf;
}

/* Shuffles the m point indices idx by seed (point i of the shuffle is in fold i % k) and
 * returns k: folds, but at least 2 and at most m. */
static size_t cv_shuffle(size_t *idx, size_t m, int folds, uint64_t seed)
{
    size_t k = (size_t)folds < m ? (size_t)folds : m;
    if (k < 2)
        k = 2;
    cs_rng rng;
    rng_seed(&rng, seed, 0xc5);
    for (size_t i = m - 1; i > 0; i--) {
        size_t j = rng_below(&rng, i + 1), t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    return k;
}

/* The cross-validation figures of m held-out predictions against the truth. */
static void cv_figures(const double *pred, const double *truth, size_t m, double *spearman, double *mae)
{
    double e = 0;
    for (size_t i = 0; i < m; i++)
        e += fabs(pred[i] - truth[i]);
    *mae = e / (double)m;
    *spearman = predict_spearman(pred, truth, m);
}

/* One fold of predict_cv (folds run on several threads; each writes only its held-out points'
 * predictions). */
typedef struct cv_job {
    predict_kind kind;
    int n, target;
    const combo_t *x;
    const double *y;
    size_t m, k;
    const size_t *perm;
    uint64_t seed;
    double *pred;
    bool *failed;
} cv_job;

static void cv_fold(void *ctx, size_t f, int worker)
{
    (void)worker;
    const cv_job *j = ctx;
    size_t m = j->m, k = j->k, t = 0;
    combo_t *tx = xmalloc(m * sizeof *tx);
    double *ty = xmalloc(m * sizeof *ty);
    for (size_t i = 0; i < m; i++)
        if (i % k != f) {
            tx[t] = j->x[j->perm[i]];
            ty[t++] = j->y[j->perm[i]];
        }
    predict_model *md = predict_fit(j->kind, j->n, j->target, tx, ty, t, j->seed + f, PREDICT_CHEAP, NULL);
    if (md) {
        for (size_t i = f; i < m; i += k) {
            double sd;
            predict_eval(md, j->x[j->perm[i]], &j->pred[j->perm[i]], &sd);
        }
        predict_free(md);
    } else {
        j->failed[f] = true;
    }
    free(tx);
    free(ty);
}

bool predict_cv(predict_kind kind, int n, int target, const combo_t *x, const double *y, size_t m,
                int folds, uint64_t seed, double *spearman, double *mae)
{
    *spearman = NAN;
    *mae = NAN;
    if (m < 4)
        return false;
    if (kind == PREDICT_AUTO) { /* the figures auto chose on: the best candidate's */
        predict_choice c;
        auto_choose_once(n, target, x, y, m, seed, &c);
        *spearman = c.rho;
        *mae = c.mae;
        return isfinite(c.rho);
    }
    size_t *perm = xmalloc(m * sizeof *perm);
    for (size_t i = 0; i < m; i++)
        perm[i] = i;
    size_t k = cv_shuffle(perm, m, folds, seed);
    double *pred = xmalloc(m * sizeof *pred);
    bool *failed = xcalloc(k, sizeof *failed);
    cv_job j = {kind, n, target, x, y, m, k, perm, seed, pred, failed};
    par_for(k, cv_fold, &j);
    bool ok = true;
    for (size_t f = 0; f < k; f++)
        ok &= !failed[f];
    if (ok)
        cv_figures(pred, y, m, spearman, mae);
    free(perm);
    free(pred);
    free(failed);
    return ok;
}

typedef struct cv_runs_job {
    predict_kind kind;
    int target;
    const predict_runs *runs;
    const size_t *idx;
    size_t m, k;
    uint64_t seed;
    double *pred, *truth;
} cv_runs_job;

static void cv_runs_fold(void *ctx, size_t f, int worker)
{
    (void)worker;
    const cv_runs_job *j = ctx;
    const predict_runs *runs = j->runs;
    int n = runs->n, target = j->target;
    double *sc = xmalloc((runs->m ? runs->m : 1) * (size_t)n * sizeof *sc);
    memcpy(sc, runs->score, runs->m * (size_t)n * sizeof *sc);
    for (size_t i = f; i < j->m; i += j->k)
        sc[j->idx[i] * n + target] = NAN;
    predict_runs r = {n, runs->m, runs->combo, sc};
    predict_model *md = predict_fit_runs(j->kind, target, &r, j->seed + f, PREDICT_CHEAP, NULL);
    for (size_t i = f; i < j->m; i += j->k) {
        double sd;
        predict_eval(md, runs->combo[j->idx[i]], &j->pred[i], &sd);
        j->truth[i] = runs->score[j->idx[i] * n + target];
    }
    predict_free(md);
    free(sc);
}

bool predict_cv_runs(predict_kind kind, int target, const predict_runs *runs, int folds, uint64_t seed,
                     double *spearman, double *mae)
{
    if (kind != PREDICT_MULTI) {
        combo_t *x;
        double *y;
        size_t m = predict_runs_target(runs, target, &x, &y);
        bool ok = predict_cv(kind, runs->n, target, x, y, m, folds, seed, spearman, mae);
        free(x);
        free(y);
        return ok;
    }
    *spearman = NAN;
    *mae = NAN;
    int n = runs->n;
    size_t *idx = xmalloc((runs->m ? runs->m : 1) * sizeof *idx), m = 0;
    for (size_t i = 0; i < runs->m; i++)
        if (combo_has(runs->combo[i], target) && !isnan(runs->score[i * n + target]))
            idx[m++] = i;
    if (m < 4) {
        free(idx);
        return false;
    }
    size_t k = cv_shuffle(idx, m, folds, seed);
    double *pred = xmalloc(m * sizeof *pred), *truth = xmalloc(m * sizeof *truth);
    cv_runs_job j = {kind, target, runs, idx, m, k, seed, pred, truth};
    par_for(k, cv_runs_fold, &j);
    cv_figures(pred, truth, m, spearman, mae);
    free(pred);
    free(truth);
    free(idx);
    return true;
}

/* ---------- auto's choice, made once per input ---------- */

/* A round with auto asks for the same choice twice (the cross-validation figures it reports,
 * then the fit), on the same points and seed. The last choice is kept with a copy of its inputs
 * and reused when they are the same again, byte for byte, so the result is the one auto_choose
 * would compute. A mutex guards it (fits may run on threads). */
static struct {
    pthread_mutex_t lock;
    bool valid;
    int n, target;
    size_t m;
    uint64_t seed;
    combo_t *x;
    double *y;
    predict_choice c;
} memo = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void auto_choose_once(int n, int target, const combo_t *x, const double *y, size_t m, uint64_t seed,
                             predict_choice *c)
{
    pthread_mutex_lock(&memo.lock);
    bool hit = memo.valid && memo.n == n && memo.target == target && memo.m == m && memo.seed == seed &&
               (m == 0 || (memcmp(memo.x, x, m * sizeof *x) == 0 && memcmp(memo.y, y, m * sizeof *y) == 0));
    if (hit)
        *c = memo.c;
    pthread_mutex_unlock(&memo.lock);
    if (hit)
        return;
    auto_choose(n, target, x, y, m, seed, c);
    pthread_mutex_lock(&memo.lock);
    free(memo.x);
    free(memo.y);
    memo.x = xmalloc((m ? m : 1) * sizeof *memo.x);
    memo.y = xmalloc((m ? m : 1) * sizeof *memo.y);
    memcpy(memo.x, x, m * sizeof *x);
    memcpy(memo.y, y, m * sizeof *y);
    memo.n = n;
    memo.target = target;
    memo.m = m;
    memo.seed = seed;
    memo.c = *c;
    memo.valid = true;
    pthread_mutex_unlock(&memo.lock);
}
