/* predict_net: the networks: one MLP on the membership bits (mlp, the paper's), a bootstrap
 * ensemble of small MLPs with a linear path (ensemble), and an ensemble with one output per
 * dataset trained on every member's scores (multi). */
#include "comboscope/predict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/par.h"
#include "comboscope/rng.h"
#include "comboscope/text.h"
#include "predict_impl.h"

/* Settings, chosen with replay (see BENCHMARKS.md): small on purpose, the data are a few hundred
 * points at most. */
enum {
    ENS_MEMBERS = 8, ENS_MEMBERS_CHEAP = 3, ENS_HIDDEN = 8,
    ENS_EPOCHS = 300, ENS_EPOCHS_CHEAP = 120, MULTI_HIDDEN = 24,
    MLP_HIDDEN = 32, MLP_EPOCHS = 300, MLP_EPOCHS_CHEAP = 150,
};
#define ENS_LINEAR_PRIOR 0.2 /* prior sd of one dataset's linear effect, in score sds */

/* ---------- networks ---------- */

/* The activation: glibc's vector tanh (libmvec). With the simd declaration, -O3 and
 * -fno-math-errno (Makefile: the predict*.c files; no -ffast-math, so nothing is reassociated)
 * gcc turns tanh_block's loop into calls of the vector variant; target_clones makes one copy of
 * it per instruction set (AVX-512: 8 values per call, AVX2: 4, SSE: 2), chosen once per process
 * by the processor, like libm's own tanh. Every value goes through the main vector loop (tanh_block
 * is only given multiples of 8; a remainder is padded), so one value always gets the same result,
 * wherever it is in a loop. The vector tanh may differ from libm's scalar one in the last bit: the
 * suggestions compare equal on the benchmark tables (BENCHMARKS.md, speed). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__)
__attribute__((simd("notinbranch"))) double tanh(double);
#define TANH_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TANH_CLONES
#endif

TANH_CLONES static void tanh_block(const double *restrict h, double *restrict z, int n)
{
    for (int i = 0; i < n; i++)
        z[i] = tanh(h[i]);
}

void predict_tanh(const double *h, double *z, int n)
{
    int m = n & ~7;
    tanh_block(h, z, m);
    if (m < n) {
        double hb[8] = {0}, zb[8];
        memcpy(hb, h + m, (size_t)(n - m) * sizeof *hb);
        tanh_block(hb, zb, 8);
        memcpy(z + m, zb, (size_t)(n - m) * sizeof *zb);
    }
}

/* Full-batch Adam with early stopping on the out-of-bag error: the optimizer state that
 * net_train and multi_train share (they differ only in the network and its gradient). */
typedef struct adam_state {
    size_t np;
    double *g;      /* the gradient, filled by the caller each epoch */
    double *mo, *ve; /* first and second moments */
    double *best;   /* the parameters with the best out-of-bag error so far */
    double *anchor; /* the initial parameters, which weight decay pulls towards */
    double b1t, b2t, best_oob;
    int since; /* checks since the out-of-bag error last improved */
} adam_state;

#define ADAM_B1 0.9
#define ADAM_B2 0.999

static void adam_init(adam_state *o, const double *P, size_t np)
{
    o->np = np;
    o->g = xmalloc(np * sizeof *o->g);
    o->mo = xcalloc(np, sizeof *o->mo);
    o->ve = xcalloc(np, sizeof *o->ve);
    o->best = xmalloc(np * sizeof *o->best);
    o->anchor = xmalloc(np * sizeof *o->anchor);
    memcpy(o->best, P, np * sizeof *o->best);
    memcpy(o->anchor, P, np * sizeof *o->anchor);
    o->b1t = o->b2t = 1;
    o->best_oob = INFINITY;
    o->since = 0;
}

/* One Adam update of the first n parameters of P (learning rate lr) from o->g: element by
 * element (sqrt and division are exact in every instruction set), one copy per set. */
TANH_CLONES static void adam_step(adam_state *o, double *P, size_t n, double lr)
{
    double *g = o->g, *mo = o->mo, *ve = o->ve;
    o->b1t *= ADAM_B1;
    o->b2t *= ADAM_B2;
    for (size_t j = 0; j < n; j++) {
        mo[j] = ADAM_B1 * mo[j] + (1 - ADAM_B1) * g[j];
        ve[j] = ADAM_B2 * ve[j] + (1 - ADAM_B2) * g[j] * g[j];
        P[j] -= lr * (mo[j] / (1 - o->b1t)) / (sqrt(ve[j] / (1 - o->b2t)) + 1e-8);
    }
}

/* Records P's out-of-bag error err, keeping P if it is the best yet. True when five checks
 * in a row brought no improvement: time to stop. */
static bool adam_stalled(adam_state *o, const double *P, double err)
{
    if (err < o->best_oob) {
        o->best_oob = err;
        memcpy(o->best, P, o->np * sizeof *o->best);
        o->since = 0;
        return false;
    }
    return ++o->since >= 5;
}

/* Puts the best parameters seen back into P if early stopping was on, frees the state. */
static void adam_finish(adam_state *o, double *P, bool early)
{
    if (early && o->best_oob < INFINITY)
        memcpy(P, o->best, o->np * sizeof *o->best);
    free(o->g);
    free(o->mo);
    free(o->ve);
    free(o->best);
    free(o->anchor);
}

/* The inputs h[0..H) of the hidden units when the inputs a[0..r) are on: the biases b1 plus
 * those inputs' rows of W1 ([input][H]). Both networks share this first layer. */
static void hidden_in(const double *W1, const double *b1, int H, const int *a, int r, double *h)
{
    for (int u = 0; u < H; u++)
        h[u] = b1[u];
    for (int k = 0; k < r; k++) {
        const double *col = W1 + (size_t)a[k] * H;
        for (int u = 0; u < H; u++)
            h[u] += col[u];
    }
}

/* Layout of one member's parameters: W1[d][H], b1[H], w2[H], b2, ws[d] (the linear path). */
typedef struct net_layout {
    size_t W1, b1, w2, b2, ws, size;
} net_layout;

static net_layout layout(int d, int H)
{
    net_layout l;
    l.W1 = 0;
    l.b1 = (size_t)d * H;
    l.w2 = l.b1 + H;
    l.b2 = l.w2 + H;
    l.ws = l.b2 + 1;
    l.size = l.ws + d;
    return l;
}

double predict_net_eval(const predict_model *md, const double *P, const int *a, int r)
{
    net_layout l = layout(md->d, md->hidden);
    double h[64] = {0}, z[64]; /* zeroed: gcc -O3 with the sanitizers cannot see that hidden_in fills h[0..H) */
    int H = md->hidden;
    hidden_in(P + l.W1, P + l.b1, H, a, r, h);
    predict_activate(h, z, H, md->relu);
    double out = P[l.b2];
    for (int u = 0; u < H; u++)
        out += P[l.w2 + u] * z[u];
    if (md->skip)
        for (int i = 0; i < r; i++)
            out += P[l.ws + a[i]];
    return out;
}

/* One member's training, for par_for over the members. */
typedef struct net_job {
    const predict_model *md;
    const int *act, *nact;
    int maxa;
    const double *ys, *wt; /* wt: members x mw bootstrap weights */
    size_t m, mw;
    int epochs;
    double lr, decay;
} net_job;

static void net_train(const predict_model *md, double *P, const int *act, const int *nact, int maxa,
                      const double *ys, const double *wt, size_t m, int epochs, double lr, double decay);

static void net_train_member(void *ctx, size_t s, int worker)
{
    (void)worker;
    const net_job *j = ctx;
    net_train(j->md, j->md->net + s * j->md->net_size, j->act, j->nact, j->maxa, j->ys, j->wt + s * j->mw,
              j->m, j->epochs, j->lr, j->decay);
}

/* Trains one member by full-batch Adam on the weighted squared error (weights are bootstrap
 * counts; zero-weight points are out of bag and, if any, decide early stopping). One copy per
 * instruction set, as tanh_block: the loops over the hidden units are element by element (no
 * reduction is vectorised without -ffast-math, no FMA contraction in ISO C mode), so each copy
 * computes the same values. */
TANH_CLONES static void net_train(const predict_model *md, double *P, const int *act, const int *nact, int maxa,
                                  const double *ys, const double *wt, size_t m, int epochs, double lr, double decay)
{
    net_layout l = layout(md->d, md->hidden);
    int H = md->hidden;
    size_t np = l.size;
    adam_state o;
    adam_init(&o, P, np);
    double *g = o.g;
    const double *anchor = o.anchor;
    double wsum = 0;
    size_t oob = 0;
    for (size_t i = 0; i < m; i++) {
        wsum += wt[i];
        oob += wt[i] == 0;
    }
    double h[64], z[64], dh[64];
    for (int e = 0; e < epochs && wsum > 0; e++) {
        memset(g, 0, np * sizeof *g);
        for (size_t i = 0; i < m; i++) {
            if (wt[i] == 0)
                continue;
            const int *a = act + i * (size_t)maxa;
            int r = nact[i];
            hidden_in(P + l.W1, P + l.b1, H, a, r, h);
            predict_activate(h, z, H, md->relu);
            double out = P[l.b2];
            for (int u = 0; u < H; u++)
                out += P[l.w2 + u] * z[u];
            if (md->skip)
                for (int k = 0; k < r; k++)
                    out += P[l.ws + a[k]];
            double dout = 2 * wt[i] * (out - ys[i]) / wsum;
            g[l.b2] += dout;
            for (int u = 0; u < H; u++) {
                g[l.w2 + u] += dout * z[u];
                dh[u] = dout * P[l.w2 + u] * (md->relu ? (h[u] > 0) : 1 - z[u] * z[u]);
                g[l.b1 + u] += dh[u];
            }
            /* Row by row (each gradient entry still gets one addition per point). */
            for (int k = 0; k < r; k++) {
                double *gr = g + l.W1 + (size_t)a[k] * H;
                for (int u = 0; u < H; u++)
                    gr[u] += dh[u];
            }
            if (md->skip)
                for (int k = 0; k < r; k++)
                    g[l.ws + a[k]] += dout;
        }
        /* Anchored ensembles (Pearce et al. 2018): decay pulls each member towards its own
         * random initial weights, not towards zero, so weights the data say nothing about (a
         * dataset never measured with the target) keep their spread across members. */
        if (decay > 0)
            for (size_t j = 0; j < np; j++)
                if (j < l.b1 || (j >= l.w2 && j < l.b2) || (md->skip && j >= l.ws))
                    g[j] += 2 * decay * (P[j] - anchor[j]);
        adam_step(&o, P, md->skip ? np : l.ws, lr); /* no linear path: ws stays unused */
        /* Early stopping on the out-of-bag points, checked every 10 epochs. */
        if (oob >= 3 && (e + 1) % 10 == 0) {
            double err = 0;
            for (size_t i = 0; i < m; i++)
                if (wt[i] == 0) {
                    double d = predict_net_eval(md, P, act + i * (size_t)maxa, nact[i]) - ys[i];
                    err += d * d;
                }
            if (adam_stalled(&o, P, err))
                break;
        }
    }
    adam_finish(&o, P, oob >= 3);
}

/* One ensemble member's point weights. Bootstrap: m draws with replacement; points never
 * drawn (weight 0) are out of bag. */
static void bootstrap(double *wt, size_t m, cs_rng *rng)
{
    for (size_t i = 0; i < m; i++)
        wt[i] = 0;
    for (size_t i = 0; i < m; i++)
        wt[rng_below(rng, m)] += 1;
    if (m < 8) /* too few points to leave any out */
        for (size_t i = 0; i < m; i++)
            wt[i] += 1;
}

void predict_net_fit(predict_model *md, const combo_t *x, const double *ys, size_t m, cs_rng *rng,
                    predict_effort effort)
{
    bool ens = md->kind == PREDICT_ENSEMBLE;
    md->hidden = ens ? ENS_HIDDEN : MLP_HIDDEN;
    md->skip = ens;
    md->relu = !ens;
    md->members = ens ? (effort == PREDICT_CHEAP ? ENS_MEMBERS_CHEAP : ENS_MEMBERS) : 1;
    int epochs = ens ? (effort == PREDICT_CHEAP ? ENS_EPOCHS_CHEAP : ENS_EPOCHS)
                     : (effort == PREDICT_CHEAP ? MLP_EPOCHS_CHEAP : MLP_EPOCHS);
    net_layout l = layout(md->d, md->hidden);
    md->net_size = l.size;
    md->net = xcalloc((size_t)md->members * l.size, sizeof *md->net);
    int maxa = md->d > 0 ? md->d : 1;
    int *act = xmalloc((m ? m : 1) * (size_t)maxa * sizeof *act);
    int *nact = xmalloc((m ? m : 1) * sizeof *nact);
    for (size_t i = 0; i < m; i++)
        nact[i] = predict_active_inputs(md, x[i], act + i * (size_t)maxa);
    size_t mw = m ? m : 1;
    double *wt = xmalloc((size_t)md->members * mw * sizeof *wt);
    int H = md->hidden;
    /* Every random draw first, in the order of one member after another; then the members
     * train on as many threads as there are (each writes only its own parameters). */
    for (int s = 0; s < md->members; s++) {
        double *P = md->net + (size_t)s * l.size;
        double scale = md->relu ? sqrt(2.0 / (md->d > 0 ? md->d : 1)) : 1.0 / sqrt(md->d > 0 ? md->d : 1);
        for (size_t j = l.W1; j < l.b1; j++)
            P[j] = scale * rng_normal(rng);
        for (int u = 0; u < H; u++)
            P[l.w2 + u] = rng_normal(rng) / sqrt((double)H);
        if (ens)
            for (int j = 0; j < md->d; j++)
                P[l.ws + j] = ENS_LINEAR_PRIOR * rng_normal(rng);
        double *w = wt + (size_t)s * mw;
        if (ens) {
            bootstrap(w, m, rng);
        } else {
            for (size_t i = 0; i < m; i++)
                w[i] = 1;
        }
    }
    net_job job = {md, act, nact, maxa, ys, wt, m, mw, epochs, ens ? 0.02 : 0.01, ens ? 1e-3 : 0};
    par_for((size_t)md->members, net_train_member, &job);
    free(act);
    free(nact);
    free(wt);
}

void predict_net_cursor_init(const predict_model *md, predict_cursor *cur)
{
    net_layout l = layout(md->d, md->hidden);
    int S = cur->S, H = cur->H;
    for (int s = 0; s < S; s++) {
        const double *P = md->net + (size_t)s * l.size;
        for (int i = 0; i < md->d; i++)
            for (int u = 0; u < H; u++)
                cur->W1[((size_t)i * H + u) * S + s] = P[l.W1 + (size_t)i * H + u];
        for (int u = 0; u < H; u++) {
            cur->b1[u * S + s] = P[l.b1 + u];
            cur->w2[u * S + s] = P[l.w2 + u];
        }
        cur->out0[s] = P[l.b2];
        for (int i = 0; i < md->d; i++)
            cur->main[(size_t)i * S + s] = md->skip ? P[l.ws + i] : 0;
    }
}


/* ---------- multi-target network ---------- */

/* Layout: W1[n][H] (inputs are all n bits), b1[H], w2[n][H], b2[n], ws[n][n] (row: output). */
typedef struct multi_layout {
    size_t W1, b1, w2, b2, ws, size;
} multi_layout;

static multi_layout mlayout(int n, int H)
{
    multi_layout l;
    l.W1 = 0;
    l.b1 = (size_t)n * H;
    l.w2 = l.b1 + H;
    l.b2 = l.w2 + (size_t)n * H;
    l.ws = l.b2 + n;
    l.size = l.ws + (size_t)n * n;
    return l;
}

static int members_of(combo_t c, int n, int *a)
{
    int r = 0;
    while (c) {
        int b = __builtin_ctzll(c);
        c &= c - 1;
        if (b < n)
            a[r++] = b;
    }
    return r;
}

double predict_multi_eval(const predict_model *md, const double *P, combo_t c, int out)
{
    multi_layout l = mlayout(md->n, md->hidden);
    int H = md->hidden, a[COMBO_MAX_DATASETS];
    int r = members_of(c, md->n, a);
    double h[64] = {0}; /* zeroed for gcc's uninitialized-use analysis, as in predict_net_eval */
    /* hidden_in's loop, written out: gcc cannot see that members_of filled a[0..r) */
    for (int u = 0; u < H; u++)
        h[u] = P[l.b1 + u];
    for (int i = 0; i < r; i++)
        for (int u = 0; u < H; u++)
            h[u] += P[l.W1 + (size_t)a[i] * H + u];
    double z[64];
    predict_activate(h, z, H, false);
    double y = P[l.b2 + out];
    for (int u = 0; u < H; u++)
        y += P[l.w2 + (size_t)out * H + u] * z[u];
    for (int i = 0; i < r; i++)
        if (a[i] != out)
            y += P[l.ws + (size_t)out * md->n + a[i]];
    return y;
}

#define MULTI_TARGET_WEIGHT 4.0 /* the target's own scores count double */

/* Trains one member on every (run, member) score, standardized per dataset (ys, NAN: none). */
static void multi_train(const predict_model *md, double *P, const predict_runs *runs, const double *ys,
                        const double *wt, int epochs, double lr, double decay)
{
    int n = md->n, H = md->hidden, T = md->target;
    multi_layout l = mlayout(n, H);
    size_t np = l.size, m = runs->m;
    adam_state o;
    adam_init(&o, P, np);
    double *g = o.g;
    const double *anchor = o.anchor;
    double wsum = 0;
    size_t oob = 0;
    for (size_t i = 0; i < m; i++)
        for (int d = 0; d < n; d++)
            if (!isnan(ys[i * n + d])) {
                wsum += wt[i] * (d == T ? MULTI_TARGET_WEIGHT : 1);
                oob += wt[i] == 0 && d == T;
            }
    double h[64], z[64], dz[64];
    int a[COMBO_MAX_DATASETS];
    for (int e = 0; e < epochs && wsum > 0; e++) {
        memset(g, 0, np * sizeof *g);
        for (size_t i = 0; i < m; i++) {
            if (wt[i] == 0)
                continue;
            int r = members_of(runs->combo[i], n, a);
            hidden_in(P + l.W1, P + l.b1, H, a, r, h);
            predict_activate(h, z, H, false);
            for (int u = 0; u < H; u++)
                dz[u] = 0;
            for (int k = 0; k < r; k++) {
                int d = a[k];
                double t = ys[i * n + d];
                if (isnan(t))
                    continue;
                const double *w2 = P + l.w2 + (size_t)d * H;
                double out = P[l.b2 + d];
                for (int u = 0; u < H; u++)
                    out += w2[u] * z[u];
                for (int j = 0; j < r; j++)
                    if (a[j] != d)
                        out += P[l.ws + (size_t)d * n + a[j]];
                double dout = 2 * wt[i] * (d == T ? MULTI_TARGET_WEIGHT : 1) * (out - t) / wsum;
                g[l.b2 + d] += dout;
                for (int u = 0; u < H; u++) {
                    g[l.w2 + (size_t)d * H + u] += dout * z[u];
                    dz[u] += dout * w2[u];
                }
                for (int j = 0; j < r; j++)
                    if (a[j] != d)
                        g[l.ws + (size_t)d * n + a[j]] += dout;
            }
            for (int u = 0; u < H; u++) {
                dz[u] *= 1 - z[u] * z[u]; /* now the hidden units' gradient */
                g[l.b1 + u] += dz[u];
            }
            for (int k = 0; k < r; k++) {
                double *gr = g + l.W1 + (size_t)a[k] * H;
                for (int u = 0; u < H; u++)
                    gr[u] += dz[u];
            }
        }
        if (decay > 0) /* anchored, as in net_train */
            for (size_t j = 0; j < np; j++)
                if (j < l.b1 || (j >= l.w2 && j < l.b2) || j >= l.ws)
                    g[j] += 2 * decay * (P[j] - anchor[j]);
        adam_step(&o, P, np, lr);
        if (oob >= 3 && (e + 1) % 10 == 0) {
            double err = 0;
            for (size_t i = 0; i < m; i++)
                if (wt[i] == 0 && !isnan(ys[i * n + T])) {
                    double d = predict_multi_eval(md, P, runs->combo[i], T) - ys[i * n + T];
                    err += d * d;
                }
            if (adam_stalled(&o, P, err))
                break;
        }
    }
    adam_finish(&o, P, oob >= 3);
}

typedef struct multi_job {
    const predict_model *md;
    const predict_runs *runs;
    const double *ys, *wt;
    size_t mw;
    int epochs;
} multi_job;

static void multi_train_member(void *ctx, size_t s, int worker)
{
    (void)worker;
    const multi_job *j = ctx;
    multi_train(j->md, j->md->net + s * j->md->net_size, j->runs, j->ys, j->wt + s * j->mw, j->epochs, 0.02,
                1e-3);
}

/* Standardizes every dataset's scores by its own mean and the pooled spread, fits the members. */
void predict_multi_fit(predict_model *md, const predict_runs *runs, cs_rng *rng, predict_effort effort)
{
    int n = md->n;
    size_t m = runs->m;
    md->multi = true;
    md->hidden = MULTI_HIDDEN;
    md->members = effort == PREDICT_CHEAP ? ENS_MEMBERS_CHEAP : ENS_MEMBERS;
    int epochs = effort == PREDICT_CHEAP ? ENS_EPOCHS_CHEAP : ENS_EPOCHS;
    double mu[COMBO_MAX_DATASETS] = {0}, all = 0;
    size_t cnt[COMBO_MAX_DATASETS] = {0}, total = 0;
    for (size_t i = 0; i < m; i++)
        for (int d = 0; d < n; d++) {
            double v = runs->score[i * n + d];
            if (!isnan(v) && combo_has(runs->combo[i], d)) {
                mu[d] += v;
                cnt[d]++;
                all += v;
                total++;
            }
        }
    all = total ? all / (double)total : 0;
    for (int d = 0; d < n; d++)
        mu[d] = cnt[d] ? mu[d] / (double)cnt[d] : all;
    double ss = 0;
    for (size_t i = 0; i < m; i++)
        for (int d = 0; d < n; d++) {
            double v = runs->score[i * n + d];
            if (!isnan(v) && combo_has(runs->combo[i], d))
                ss += (v - mu[d]) * (v - mu[d]);
        }
    double scale = total > 1 ? sqrt(ss / (double)(total - 1)) : 0;
    md->ymean = mu[md->target];
    md->yscale = scale > 1e-12 ? scale : 1e-3;
    double *ys = xmalloc((m ? m : 1) * (size_t)n * sizeof *ys);
    for (size_t i = 0; i < m; i++)
        for (int d = 0; d < n; d++) {
            double v = runs->score[i * n + d];
            ys[i * n + d] = !isnan(v) && combo_has(runs->combo[i], d) ? (v - mu[d]) / md->yscale : NAN;
        }
    multi_layout l = mlayout(n, md->hidden);
    md->net_size = l.size;
    md->net = xcalloc((size_t)md->members * l.size, sizeof *md->net);
    size_t mw = m ? m : 1;
    double *wt = xmalloc((size_t)md->members * mw * sizeof *wt);
    int H = md->hidden;
    for (int s = 0; s < md->members; s++) { /* draws first, as in predict_net_fit */
        double *P = md->net + (size_t)s * l.size;
        for (size_t j = l.W1; j < l.b1; j++)
            P[j] = rng_normal(rng) / sqrt((double)n);
        for (size_t j = l.w2; j < l.b2; j++)
            P[j] = rng_normal(rng) / sqrt((double)H);
        for (size_t j = l.ws; j < l.size; j++)
            P[j] = ENS_LINEAR_PRIOR * rng_normal(rng);
        bootstrap(wt + (size_t)s * mw, m, rng);
    }
    multi_job job = {md, runs, ys, wt, mw, epochs};
    par_for((size_t)md->members, multi_train_member, &job);
    free(wt);
    free(ys);
}

void predict_multi_cursor_init(const predict_model *md, predict_cursor *cur)
{
    int n = md->n, T = md->target, S = cur->S, H = cur->H;
    multi_layout l = mlayout(n, H);
    for (int s = 0; s < S; s++) {
        const double *P = md->net + (size_t)s * l.size;
        for (int b = 0; b < n; b++)
            for (int u = 0; u < H; u++)
                cur->W1[((size_t)b * H + u) * S + s] = P[l.W1 + (size_t)b * H + u];
        for (int u = 0; u < H; u++) {
            cur->b1[u * S + s] = P[l.b1 + u];
            cur->w2[u * S + s] = P[l.w2 + (size_t)T * H + u];
        }
        cur->out0[s] = P[l.b2 + T];
        for (int b = 0; b < n; b++)
            cur->main[(size_t)b * S + s] = b == T ? 0 : P[l.ws + (size_t)T * n + b];
    }
}
