/* search_joint: rounds that serve several targets at once: each candidate valued by the sum of
 * its acquisition over the targets it contains (one run scores every member), screened with
 * predictor cursors in threaded Gray-code blocks and its shortlist scored exactly. */
#include "comboscope/search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/par.h"
#include "comboscope/rng.h"
#include "comboscope/text.h"
#include "search_impl.h"

/* ---------- rounds for several targets ---------- */

/* Keeps the k best picks in out[0..*len) by (value, tie), best first. */
static void joint_offer(search_joint_pick *out, double *tie, int k, int *len, const search_joint_pick *p, double t)
{
    int i;
    if (*len < k) {
        i = (*len)++;
    } else {
        i = k - 1;
        if (!(p->value > out[i].value || (p->value == out[i].value && t > tie[i])))
            return;
    }
    while (i > 0 && (p->value > out[i - 1].value || (p->value == out[i - 1].value && t > tie[i - 1]))) {
        out[i] = out[i - 1];
        tie[i] = tie[i - 1];
        i--;
    }
    out[i] = *p;
    tie[i] = t;
}

/* The targets' side of a joint round: settings, models, and each target's best and scale. */
typedef struct joint_ctx {
    const search_settings *st;
    const int *targets;
    int nt;
    const predict_model *const *model;
    double sign;
    const double *best, *scale;
} joint_ctx;

/* Target j's part of candidate p from its members' predictions f (not sign-adjusted yet): writes
 * p's predicted, sd and z for j, adds to p->value and raises *t (the best z, clamped or not). */
static void joint_part(const joint_ctx *jc, int j, double *f, int S, search_joint_pick *p, double *t)
{
    const search_settings *st = jc->st;
    for (int q = 0; q < S; q++)
        f[q] *= jc->sign;
    double mu, sd;
    search_moments(f, S, &mu, &sd);
    double a = search_acquisition_value(st->acquisition == ACQ_THOMPSON ? ACQ_UCB : st->acquisition, mu, sd,
                                        jc->best[j]);
    if (st->acquisition != ACQ_EI) /* ei is already an improvement */
        a -= jc->best[j];
    double z = a / jc->scale[j];
    p->predicted[j] = jc->sign * mu;
    p->sd[j] = sd;
    p->z[j] = z > 0 ? z : 0;
    p->value += p->z[j];
    *t = z > *t ? z : *t;
}

/* Candidate c scored exactly (predict_eval_members for each target it contains). */
static double joint_exact(const joint_ctx *jc, combo_t c, search_joint_pick *p)
{
    double f[64], t = -INFINITY;
    p->combo = c;
    p->value = 0;
    for (int j = 0; j < jc->nt; j++) {
        p->z[j] = p->predicted[j] = p->sd[j] = NAN;
        if (!combo_has(c, jc->targets[j]))
            continue;
        predict_eval_members(jc->model[j], c, f);
        joint_part(jc, j, f, predict_members(jc->model[j]), p, &t);
    }
    return t;
}

/* Every unmeasured candidate scored exactly, in increasing order: the k best by (value, tie), the
 * earlier combination first among equals. */
static int joint_all(const joint_ctx *jc, int n, const combo_set *measured, int k, search_joint_pick *out)
{
    combo_t tmask = 0;
    for (int j = 0; j < jc->nt; j++)
        tmask |= combo_single(jc->targets[j]);
    double tie[1024];
    int len = 0;
    combo_t last = combo_all(n);
    for (combo_t c = 1; c && c <= last; c++) {
        if (!(c & tmask) || search_set_has(measured, c))
            continue;
        search_joint_pick p;
        double t = joint_exact(jc, c, &p);
        joint_offer(out, tie, k, &len, &p, t);
    }
    return len;
}

/* The screen: every candidate scored with one predictor cursor per target, in Gray-code order over
 * an index whose low bits are the other datasets and whose high bits are the targets (so that in a
 * block the targets stay put and each cursor steps one dataset at a time), in blocks of
 * SCORE_BLOCK indices that threads take in any order, each block from a cursor reset. Each thread
 * keeps the best JOINT_SHORT by (value, tie, combination), a total order, so the merged shortlist
 * is the same whatever the number of threads. The shortlist is then scored exactly and its k best
 * taken as joint_all takes them. A cursor may differ from predict_eval_members in the last bits:
 * when a candidate left out could, by JOINT_SLACK, have been among the k best, the screen says so
 * (-1) and the caller scores everything exactly, so the picks are always joint_all's. */
#define JOINT_SLACK 1e-9

typedef struct joint_entry {
    combo_t c;
    double v, t;
} joint_entry;

/* a worse than b: lower value, then lower tie, then the later combination */
static bool joint_worse(const joint_entry *a, const joint_entry *b)
{
    if (a->v != b->v)
        return a->v < b->v;
    if (a->t != b->t)
        return a->t < b->t;
    return a->c > b->c;
}

typedef struct joint_heap { /* a min-heap: the worst kept at [0] */
    joint_entry *e;
    size_t len, cap;
    uint64_t offered;
} joint_heap;

static void joint_heap_offer(joint_heap *h, const joint_entry *x)
{
    h->offered++;
    size_t i;
    if (h->len < h->cap) {
        i = h->len++;
        while (i > 0 && joint_worse(x, &h->e[(i - 1) / 2])) {
            h->e[i] = h->e[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h->e[i] = *x;
        return;
    }
    if (!joint_worse(&h->e[0], x))
        return;
    for (i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, s = l;
        if (l >= h->len)
            break;
        if (r < h->len && joint_worse(&h->e[r], &h->e[l]))
            s = r;
        if (!joint_worse(&h->e[s], x))
            break;
        h->e[i] = h->e[s];
        i = s;
    }
    h->e[i] = *x;
}

typedef struct joint_worker {
    joint_heap h;
    predict_cursor *cur[COMBO_MAX_DATASETS];
} joint_worker;

typedef struct joint_job {
    const joint_ctx *jc;
    const combo_set *measured;
    int n;
    int bit[COMBO_MAX_DATASETS]; /* index bit -> dataset */
    uint64_t size;
    size_t cap;
    joint_worker *w[PAR_MAX_THREADS];
} joint_job;

static void joint_block(void *ctx, size_t blk, int worker)
{
    joint_job *jb = ctx;
    const joint_ctx *jc = jb->jc;
    joint_worker *w = jb->w[worker];
    if (!w) {
        w = jb->w[worker] = xcalloc(1, sizeof *w);
        w->h.cap = jb->cap;
        w->h.e = xmalloc(jb->cap * sizeof *w->h.e);
        for (int j = 0; j < jc->nt; j++)
            w->cur[j] = predict_cursor_new(jc->model[j]);
    }
    for (int j = 0; j < jc->nt; j++)
        predict_cursor_reset(w->cur[j]);
    uint64_t lo = (uint64_t)blk * SCORE_BLOCK, hi = lo + SCORE_BLOCK < jb->size ? lo + SCORE_BLOCK : jb->size;
    double f[64];
    search_joint_pick p;
    for (uint64_t i = lo; i < hi; i++) {
        combo_t c = 0;
        for (uint64_t g = combo_gray(i); g; g &= g - 1)
            c |= combo_single(jb->bit[__builtin_ctzll(g)]);
        joint_entry x = {c, 0, -INFINITY};
        p.value = 0;
        bool any = false;
        for (int j = 0; j < jc->nt; j++)
            if (combo_has(c, jc->targets[j])) {
                if (!any && search_set_has(jb->measured, c))
                    break;
                any = true;
                predict_cursor_eval(w->cur[j], c, f);
                joint_part(jc, j, f, predict_members(jc->model[j]), &p, &x.t);
            }
        if (!any)
            continue;
        x.v = p.value;
        joint_heap_offer(&w->h, &x);
    }
}

static int by_joint_rank(const void *a, const void *b)
{
    const joint_entry *x = a, *y = b;
    return joint_worse(y, x) ? -1 : joint_worse(x, y);
}

static int joint_screen(const joint_ctx *jc, int n, const combo_set *measured, int k, search_joint_pick *out)
{
    joint_job jb = {.jc = jc, .measured = measured, .n = n, .size = (uint64_t)1 << n};
    jb.cap = (size_t)(k * 32 > 512 ? k * 32 : 512);
    combo_t tmask = 0;
    for (int j = 0; j < jc->nt; j++)
        tmask |= combo_single(jc->targets[j]);
    int nb = 0;
    for (int b = 0; b < n; b++)
        if (!combo_has(tmask, b))
            jb.bit[nb++] = b;
    for (int b = 0; b < n; b++)
        if (combo_has(tmask, b))
            jb.bit[nb++] = b;
    par_for((size_t)((jb.size + SCORE_BLOCK - 1) / SCORE_BLOCK), joint_block, &jb);
    joint_heap h = {xmalloc(jb.cap * sizeof *h.e), 0, jb.cap, 0};
    uint64_t offered = 0;
    for (int t = 0; t < PAR_MAX_THREADS; t++) {
        joint_worker *w = jb.w[t];
        if (!w)
            continue;
        for (size_t i = 0; i < w->h.len; i++)
            joint_heap_offer(&h, &w->h.e[i]);
        offered += w->h.offered;
        for (int j = 0; j < jc->nt; j++)
            predict_cursor_free(w->cur[j]);
        free(w->h.e);
        free(w);
    }
    /* The shortlist scored exactly, ranked as joint_all ranks. */
    joint_entry worst = h.len ? h.e[0] : (joint_entry){0, 0, 0};
    size_t L = h.len;
    search_joint_pick *pk = xmalloc((L ? L : 1) * sizeof *pk);
    joint_entry *ex = xmalloc((L ? L : 1) * sizeof *ex);
    for (size_t i = 0; i < L; i++) {
        ex[i].t = joint_exact(jc, h.e[i].c, &pk[i]);
        ex[i].v = pk[i].value;
        ex[i].c = pk[i].combo;
    }
    qsort(ex, L, sizeof *ex, by_joint_rank);
    int len = L < (size_t)k ? (int)L : k;
    /* Safe when nothing was left out, or when whatever was left out (at most the worst kept by the
     * screen, give or take the slack) ranks below the k-th exactly. */
    bool safe = offered <= L || len == 0;
    if (!safe) {
        double mag = 0;
        for (int j = 0; j < jc->nt; j++)
            mag += 1 + fabs(jc->best[j]) / jc->scale[j];
        const joint_entry *kth = &ex[len - 1];
        double slack_v = JOINT_SLACK * mag * (1 + fabs(worst.v)), slack_t = JOINT_SLACK * mag * (1 + fabs(worst.t));
        safe = kth->v > worst.v + slack_v ||
               (kth->v == 0 && worst.v == 0 && kth->t < 0 && kth->t > worst.t + slack_t);
    }
    for (int i = 0; safe && i < len; i++)
        for (size_t q = 0; q < L; q++)
            if (pk[q].combo == ex[i].c) {
                out[i] = pk[q];
                break;
            }
    free(pk);
    free(ex);
    free(h.e);
    return safe ? len : -1;
}

int search_round_joint(const search_settings *st, const int *targets, int nt, const predict_runs *runs,
                       search_joint_pick *out, cs_error *err)
{
    if (runs->n > SEARCH_ENUMERATE_MAX || nt < 1 || nt > COMBO_MAX_DATASETS) {
        error_set(err, NULL, 0, 0, "a round for several targets needs 1 to %d datasets (this has %d)",
                  SEARCH_ENUMERATE_MAX, runs->n);
        return -1;
    }
    predict_model *model[COMBO_MAX_DATASETS] = {0};
    for (int j = 0; j < nt; j++) {
        model[j] = predict_fit_runs(st->predictor, targets[j], runs, st->seed + (uint64_t)j, PREDICT_FULL, err);
        if (!model[j]) {
            for (int i = 0; i < j; i++)
                predict_free(model[i]);
            return -1;
        }
    }
    int len = search_round_joint_models(st, targets, nt, (const predict_model *const *)model, runs, out, err);
    for (int j = 0; j < nt; j++)
        predict_free(model[j]);
    return len;
}

int search_round_joint_models(const search_settings *st, const int *targets, int nt,
                              const predict_model *const *model, const predict_runs *runs,
                              search_joint_pick *out, cs_error *err)
{
    int n = runs->n, k = st->batch > 0 ? st->batch : 1;
    if (n > SEARCH_ENUMERATE_MAX || nt < 1 || nt > COMBO_MAX_DATASETS) {
        error_set(err, NULL, 0, 0, "a round for several targets needs 1 to %d datasets (this has %d)",
                  SEARCH_ENUMERATE_MAX, n);
        return -1;
    }
    double sign = st->minimize ? -1 : 1;
    double best[COMBO_MAX_DATASETS], scale[COMBO_MAX_DATASETS];
    for (int j = 0; j < nt; j++) {
        combo_t *x;
        double *y;
        size_t m = predict_runs_target(runs, targets[j], &x, &y);
        double mu = 0, v = 0;
        best[j] = -INFINITY;
        for (size_t i = 0; i < m; i++) {
            mu += y[i];
            best[j] = sign * y[i] > best[j] ? sign * y[i] : best[j];
        }
        mu = m ? mu / (double)m : 0;
        for (size_t i = 0; i < m; i++)
            v += (y[i] - mu) * (y[i] - mu);
        scale[j] = m > 1 && v > 0 ? sqrt(v / (double)(m - 1)) : 1;
        free(x);
        free(y);
        if (!isfinite(best[j]))
            best[j] = 0;
    }
    combo_set measured;
    search_set_init(&measured, runs->m);
    for (size_t i = 0; i < runs->m; i++)
        search_set_add(&measured, runs->combo[i]);
    if (k > 1024)
        k = 1024;
    joint_ctx jc = {st, targets, nt, model, sign, best, scale};
    int len = joint_screen(&jc, n, &measured, k, out);
    if (len < 0) /* the screen could not vouch for its shortlist: score every candidate exactly */
        len = joint_all(&jc, n, &measured, k, out);
    search_set_free(&measured);
    return len;
}
