/* predict: Bayesian ridge (additive, pairwise), MLPs (mlp, ensemble) and random, on the
 * membership bits of the datasets other than the target (the target's bit is always set). */
#include "comboscope/predict.h"
#include "comboscope/predict_gp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/rng.h"
#include "comboscope/text.h"

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

/* Settings, chosen with replay (see BENCHMARKS.md). Ridge: members are antithetic posterior
 * draws. Networks: small on purpose, the data are a few hundred points at most. */
enum {
    RIDGE_DRAWS = 32,
    ENS_MEMBERS = 8, ENS_MEMBERS_CHEAP = 3, ENS_HIDDEN = 8,
    ENS_EPOCHS = 300, ENS_EPOCHS_CHEAP = 120, MULTI_HIDDEN = 24,
    MLP_HIDDEN = 32, MLP_EPOCHS = 300, MLP_EPOCHS_CHEAP = 150,
};
#define ENS_LINEAR_PRIOR 0.2 /* prior sd of one dataset's linear effect, in score sds */
#define PAIR_PRIOR_RATIO 4.0 /* pair effects are a priori half as large as main effects */

struct predict_model {
    predict_kind kind;
    int n, target, d;
    int local[COMBO_MAX_DATASETS]; /* dataset -> input index, -1 for the target */
    int global[COMBO_MAX_DATASETS]; /* input index -> dataset */
    double ymean, yscale;           /* scores are standardized for fitting */
    int members;
    uint64_t seed;
    /* ridge */
    int p;
    double *w; /* members x p, after the mean weights (row 0 .. members-1); wmean separately */
    double *wmean;
    /* networks */
    int hidden;
    bool skip, relu;
    double *net; /* members x net_size */
    size_t net_size;
    bool multi;  /* net with n outputs on all n bits (PREDICT_MULTI) */
    gp_model *gp; /* PREDICT_GP */
    bool automatic; /* fitted for PREDICT_AUTO: choice says why */
    predict_choice choice;
};

/* ---------- features ---------- */

static int active_inputs(const predict_model *md, combo_t c, int *a)
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
    int r = active_inputs(md, c, a);
    uint64_t b = 0;
    for (int i = 0; i < r; i++)
        b |= (uint64_t)1 << a[i];
    return b;
}

static inline int pair_index(int d, int j, int k) /* j < k */
{
    return 1 + d + j * (2 * d - j - 1) / 2 + (k - j - 1);
}

static double ridge_eval(const predict_model *md, const double *w, const int *a, int r)
{
    double s = w[0];
    for (int i = 0; i < r; i++)
        s += w[1 + a[i]];
    if (md->kind == PREDICT_PAIRWISE)
        for (int i = 0; i < r; i++)
            for (int j = i + 1; j < r; j++)
                s += w[pair_index(md->d, a[i] < a[j] ? a[i] : a[j], a[i] < a[j] ? a[j] : a[i])];
    return s;
}

static int features(const predict_model *md, const int *a, int r, int *idx)
{
    int f = 0;
    idx[f++] = 0;
    for (int i = 0; i < r; i++)
        idx[f++] = 1 + a[i];
    if (md->kind == PREDICT_PAIRWISE)
        for (int i = 0; i < r; i++)
            for (int j = i + 1; j < r; j++)
                idx[f++] = pair_index(md->d, a[i] < a[j] ? a[i] : a[j], a[i] < a[j] ? a[j] : a[i]);
    return f;
}

/* ---------- linear algebra (small dense, row-major) ---------- */

/* In-place Cholesky of the p x p matrix A (lower triangle); false if not positive definite. */
static bool cholesky(double *A, int p)
{
    for (int j = 0; j < p; j++) {
        double s = A[j * p + j];
        for (int k = 0; k < j; k++)
            s -= A[j * p + k] * A[j * p + k];
        if (s <= 0)
            return false;
        double l = sqrt(s);
        A[j * p + j] = l;
        for (int i = j + 1; i < p; i++) {
            double t = A[i * p + j];
            for (int k = 0; k < j; k++)
                t -= A[i * p + k] * A[j * p + k];
            A[i * p + j] = t / l;
        }
    }
    return true;
}

/* Solves L L^T x = b in place. */
static void chol_solve(const double *L, int p, double *b)
{
    for (int i = 0; i < p; i++) {
        double s = b[i];
        for (int k = 0; k < i; k++)
            s -= L[i * p + k] * b[k];
        b[i] = s / L[i * p + i];
    }
    for (int i = p - 1; i >= 0; i--) {
        double s = b[i];
        for (int k = i + 1; k < p; k++)
            s -= L[k * p + i] * b[k];
        b[i] = s / L[i * p + i];
    }
}

/* Solves L^T x = z in place (a draw with covariance (L L^T)^-1). */
static void chol_solve_upper(const double *L, int p, double *z)
{
    for (int i = p - 1; i >= 0; i--) {
        double s = z[i];
        for (int k = i + 1; k < p; k++)
            s -= L[k * p + i] * z[k];
        z[i] = s / L[i * p + i];
    }
}

/* ---------- Bayesian ridge ---------- */

/* Fits the posterior mean with prior precision lambda on main effects and lambda*ratio on pair
 * effects (the intercept nearly free). Returns the leave-one-out mean squared error; leaves the
 * Cholesky factor in L and the weights in w. */
static double ridge_solve(const predict_model *md, const double *XtX, const double *Xty,
                          const int *fidx, const int *fcount, const double *ys, size_t m,
                          double lambda, double *L, double *w)
{
    int p = md->p;
    memcpy(L, XtX, (size_t)p * p * sizeof *L);
    for (int j = 0; j < p; j++)
        L[j * p + j] += j == 0 ? 1e-6 : j <= md->d ? lambda : lambda * PAIR_PRIOR_RATIO;
    if (!cholesky(L, p))
        return INFINITY;
    memcpy(w, Xty, (size_t)p * sizeof *w);
    chol_solve(L, p, w);
    /* Leave-one-out residuals r_i / (1 - h_ii), h_ii = phi_i^T A^-1 phi_i. */
    double *v = xmalloc((size_t)p * sizeof *v);
    double loo = 0;
    int maxf = 1 + md->d + md->d * (md->d - 1) / 2;
    for (size_t i = 0; i < m; i++) {
        const int *fi = fidx + i * (size_t)maxf;
        memset(v, 0, (size_t)p * sizeof *v);
        double pred = 0;
        for (int f = 0; f < fcount[i]; f++) {
            v[fi[f]] = 1;
            pred += w[fi[f]];
        }
        /* h = |L^-1 phi|^2: forward substitution only. */
        double h = 0;
        for (int a = 0; a < p; a++) {
            double s = v[a];
            for (int k = 0; k < a; k++)
                s -= L[a * p + k] * v[k];
            v[a] = s / L[a * p + a];
            h += v[a] * v[a];
        }
        double r = (ys[i] - pred) / fmax(1 - h, 1e-3);
        loo += r * r;
    }
    free(v);
    return m ? loo / (double)m : 0;
}

static void ridge_fit(predict_model *md, const combo_t *x, const double *ys, size_t m, cs_rng *rng)
{
    int d = md->d;
    int p = md->kind == PREDICT_PAIRWISE ? 1 + d + d * (d - 1) / 2 : 1 + d;
    md->p = p;
    int maxf = 1 + d + d * (d - 1) / 2;
    int *fidx = xmalloc((m ? m : 1) * (size_t)maxf * sizeof *fidx);
    int *fcount = xmalloc((m ? m : 1) * sizeof *fcount);
    double *XtX = xcalloc((size_t)p * p, sizeof *XtX);
    double *Xty = xcalloc((size_t)p, sizeof *Xty);
    int a[COMBO_MAX_DATASETS];
    for (size_t i = 0; i < m; i++) {
        int r = active_inputs(md, x[i], a);
        int *fi = fidx + i * (size_t)maxf;
        fcount[i] = features(md, a, r, fi);
        for (int u = 0; u < fcount[i]; u++) {
            Xty[fi[u]] += ys[i];
            for (int v = 0; v < fcount[i]; v++)
                XtX[fi[u] * p + fi[v]] += 1;
        }
    }
    /* Prior strength by leave-one-out error over a grid (closed form, cheap at these sizes). */
    static const double grid[] = {0.03, 0.1, 0.3, 1, 3, 10, 30};
    double *L = xmalloc((size_t)p * p * sizeof *L);
    double *w = xmalloc((size_t)p * sizeof *w);
    double best = INFINITY, lambda = 1;
    if (m >= 3)
        for (size_t g = 0; g < sizeof grid / sizeof *grid; g++) {
            double e = ridge_solve(md, XtX, Xty, fidx, fcount, ys, m, grid[g], L, w);
            if (e < best - 1e-12) {
                best = e;
                lambda = grid[g];
            }
        }
    ridge_solve(md, XtX, Xty, fidx, fcount, ys, m, lambda, L, w);
    /* Noise variance from the residuals, with a floor so that a perfect fit keeps some doubt. */
    double rss = 0;
    for (size_t i = 0; i < m; i++) {
        double pred = 0;
        const int *fi = fidx + i * (size_t)maxf;
        for (int f = 0; f < fcount[i]; f++)
            pred += w[fi[f]];
        rss += (ys[i] - pred) * (ys[i] - pred);
    }
    double sigma2 = m > 0 ? rss / (double)m : 1;
    if (sigma2 < 1e-4)
        sigma2 = 1e-4;
    if (m == 0)
        sigma2 = 1;
    md->wmean = w;
    md->members = RIDGE_DRAWS;
    md->w = xmalloc((size_t)RIDGE_DRAWS * p * sizeof *md->w);
    double *z = xmalloc((size_t)p * sizeof *z);
    double sd = sqrt(sigma2);
    for (int s = 0; s < RIDGE_DRAWS; s += 2) {
        for (int j = 0; j < p; j++)
            z[j] = rng_normal(rng);
        chol_solve_upper(L, p, z);
        for (int j = 0; j < p; j++) {
            md->w[(size_t)s * p + j] = w[j] + sd * z[j];
            md->w[(size_t)(s + 1) * p + j] = w[j] - sd * z[j];
        }
    }
    free(z);
    free(L);
    free(XtX);
    free(Xty);
    free(fidx);
    free(fcount);
}

/* ---------- networks ---------- */

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

/* One Adam update of the first n parameters of P (learning rate lr) from o->g. */
static void adam_step(adam_state *o, double *P, size_t n, double lr)
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

static double net_eval(const predict_model *md, const double *P, const int *a, int r)
{
    net_layout l = layout(md->d, md->hidden);
    double h[64];
    int H = md->hidden;
    hidden_in(P + l.W1, P + l.b1, H, a, r, h);
    double out = P[l.b2];
    for (int u = 0; u < H; u++)
        out += P[l.w2 + u] * (md->relu ? (h[u] > 0 ? h[u] : 0) : tanh(h[u]));
    if (md->skip)
        for (int i = 0; i < r; i++)
            out += P[l.ws + a[i]];
    return out;
}

/* Trains one member by full-batch Adam on the weighted squared error (weights are bootstrap
 * counts; zero-weight points are out of bag and, if any, decide early stopping). */
static void net_train(const predict_model *md, double *P, const int *act, const int *nact, int maxa,
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
    double h[64], z[64];
    for (int e = 0; e < epochs && wsum > 0; e++) {
        memset(g, 0, np * sizeof *g);
        for (size_t i = 0; i < m; i++) {
            if (wt[i] == 0)
                continue;
            const int *a = act + i * (size_t)maxa;
            int r = nact[i];
            hidden_in(P + l.W1, P + l.b1, H, a, r, h);
            double out = P[l.b2];
            for (int u = 0; u < H; u++) {
                z[u] = md->relu ? (h[u] > 0 ? h[u] : 0) : tanh(h[u]);
                out += P[l.w2 + u] * z[u];
            }
            if (md->skip)
                for (int k = 0; k < r; k++)
                    out += P[l.ws + a[k]];
            double dout = 2 * wt[i] * (out - ys[i]) / wsum;
            g[l.b2] += dout;
            for (int u = 0; u < H; u++) {
                g[l.w2 + u] += dout * z[u];
                double dh = dout * P[l.w2 + u] * (md->relu ? (h[u] > 0) : 1 - z[u] * z[u]);
                g[l.b1 + u] += dh;
                for (int k = 0; k < r; k++)
                    g[l.W1 + (size_t)a[k] * H + u] += dh;
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
                    double d = net_eval(md, P, act + i * (size_t)maxa, nact[i]) - ys[i];
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

static void net_fit(predict_model *md, const combo_t *x, const double *ys, size_t m, cs_rng *rng,
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
        nact[i] = active_inputs(md, x[i], act + i * (size_t)maxa);
    double *wt = xmalloc((m ? m : 1) * sizeof *wt);
    int H = md->hidden;
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
        if (ens) {
            bootstrap(wt, m, rng);
        } else {
            for (size_t i = 0; i < m; i++)
                wt[i] = 1;
        }
        net_train(md, P, act, nact, maxa, ys, wt, m, epochs, ens ? 0.02 : 0.01, ens ? 1e-3 : 0);
    }
    free(act);
    free(nact);
    free(wt);
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

static double multi_eval(const predict_model *md, const double *P, combo_t c, int out)
{
    multi_layout l = mlayout(md->n, md->hidden);
    int H = md->hidden, a[COMBO_MAX_DATASETS];
    int r = members_of(c, md->n, a);
    double h[64];
    /* hidden_in's loop, written out: gcc cannot see that members_of filled a[0..r) */
    for (int u = 0; u < H; u++)
        h[u] = P[l.b1 + u];
    for (int i = 0; i < r; i++)
        for (int u = 0; u < H; u++)
            h[u] += P[l.W1 + (size_t)a[i] * H + u];
    double y = P[l.b2 + out];
    for (int u = 0; u < H; u++)
        y += P[l.w2 + (size_t)out * H + u] * tanh(h[u]);
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
            for (int u = 0; u < H; u++) {
                z[u] = tanh(h[u]);
                dz[u] = 0;
            }
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
                double dh = dz[u] * (1 - z[u] * z[u]);
                g[l.b1 + u] += dh;
                for (int k = 0; k < r; k++)
                    g[l.W1 + (size_t)a[k] * H + u] += dh;
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
                    double d = multi_eval(md, P, runs->combo[i], T) - ys[i * n + T];
                    err += d * d;
                }
            if (adam_stalled(&o, P, err))
                break;
        }
    }
    adam_finish(&o, P, oob >= 3);
}

/* Standardizes every dataset's scores by its own mean and the pooled spread, fits the members. */
static void multi_fit(predict_model *md, const predict_runs *runs, cs_rng *rng, predict_effort effort)
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
    double *wt = xmalloc((m ? m : 1) * sizeof *wt);
    int H = md->hidden;
    for (int s = 0; s < md->members; s++) {
        double *P = md->net + (size_t)s * l.size;
        for (size_t j = l.W1; j < l.b1; j++)
            P[j] = rng_normal(rng) / sqrt((double)n);
        for (size_t j = l.w2; j < l.b2; j++)
            P[j] = rng_normal(rng) / sqrt((double)H);
        for (size_t j = l.ws; j < l.size; j++)
            P[j] = ENS_LINEAR_PRIOR * rng_normal(rng);
        bootstrap(wt, m, rng);
        multi_train(md, P, runs, ys, wt, epochs, 0.02, 1e-3);
    }
    free(wt);
    free(ys);
}

/* ---------- the model ---------- */

static predict_model *fit_points(predict_kind kind, int n, int target, const combo_t *x, const double *y,
                                 size_t m, uint64_t seed, predict_effort effort, cs_error *err,
                                 const predict_runs *runs);

static predict_model *auto_fit(int n, int target, const combo_t *x, const double *y, size_t m, uint64_t seed,
                               predict_effort effort, cs_error *err);
static void auto_choose(int n, int target, const combo_t *x, const double *y, size_t m, uint64_t seed,
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
    case PREDICT_PAIRWISE: ridge_fit(md, x, ys, m, &rng); break;
    case PREDICT_ENSEMBLE:
    case PREDICT_MLP: net_fit(md, x, ys, m, &rng, effort); break;
    case PREDICT_MULTI: multi_fit(md, runs, &rng, effort); break;
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
    int r = active_inputs(md, c, a);
    for (int s = 0; s < md->members; s++) {
        double v;
        switch (md->kind) {
        case PREDICT_ADDITIVE:
        case PREDICT_PAIRWISE: v = ridge_eval(md, md->w + (size_t)s * md->p, a, r); break;
        case PREDICT_ENSEMBLE:
        case PREDICT_MLP: v = net_eval(md, md->net + (size_t)s * md->net_size, a, r); break;
        case PREDICT_MULTI: v = multi_eval(md, md->net + (size_t)s * md->net_size, c, md->target); break;
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

bool predict_pair_weights(const predict_model *md, double *out)
{
    if (md->kind != PREDICT_PAIRWISE)
        return false;
    int n = md->n, d = md->d;
    memset(out, 0, (size_t)n * n * sizeof *out);
    for (int j = 0; j < d; j++)
        for (int k = j + 1; k < d; k++) {
            double v = md->wmean[pair_index(d, j, k)] * md->yscale;
            out[md->global[j] * n + md->global[k]] = v;
            out[md->global[k] * n + md->global[j]] = v;
        }
    return true;
}

bool predict_main_effects(const predict_model *md, double *out)
{
    if (md->kind != PREDICT_ADDITIVE && md->kind != PREDICT_PAIRWISE)
        return false;
    for (int i = 0; i < md->n; i++)
        out[i] = md->local[i] < 0 ? 0 : md->wmean[1 + md->local[i]] * md->yscale;
    return true;
}

/* ---------- accuracy ---------- */

/* qsort has no context argument: the values being ranked (ranks() is not reentrant). */
static const double *rank_base;
static int rank_cmp(const void *a, const void *b)
{
    double x = rank_base[*(const size_t *)a], y = rank_base[*(const size_t *)b];
    if (x < y)
        return -1;
    if (x > y)
        return 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void ranks(const double *v, size_t m, double *r)
{
    size_t *ix = xmalloc(m * sizeof *ix);
    for (size_t i = 0; i < m; i++)
        ix[i] = i;
    rank_base = v;
    qsort(ix, m, sizeof *ix, rank_cmp);
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j + 1 < m && v[ix[j + 1]] == v[ix[i]])
            j++;
        for (size_t k = i; k <= j; k++)
            r[ix[k]] = (double)(i + j) / 2.0 + 1;
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
        if (cand[i] == PREDICT_PAIRWISE && n > 32)
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
    auto_choose(n, target, x, y, m, seed, &c);
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

bool predict_cv(predict_kind kind, int n, int target, const combo_t *x, const double *y, size_t m,
                int folds, uint64_t seed, double *spearman, double *mae)
{
    *spearman = NAN;
    *mae = NAN;
    if (m < 4)
        return false;
    if (kind == PREDICT_AUTO) { /* the figures auto chose on: the best candidate's */
        predict_choice c;
        auto_choose(n, target, x, y, m, seed, &c);
        *spearman = c.rho;
        *mae = c.mae;
        return isfinite(c.rho);
    }
    size_t *perm = xmalloc(m * sizeof *perm);
    for (size_t i = 0; i < m; i++)
        perm[i] = i;
    size_t k = cv_shuffle(perm, m, folds, seed);
    combo_t *tx = xmalloc(m * sizeof *tx);
    double *ty = xmalloc(m * sizeof *ty), *pred = xmalloc(m * sizeof *pred);
    bool ok = true;
    for (size_t f = 0; f < k && ok; f++) {
        size_t t = 0;
        for (size_t i = 0; i < m; i++)
            if (i % k != f) {
                tx[t] = x[perm[i]];
                ty[t++] = y[perm[i]];
            }
        predict_model *md = predict_fit(kind, n, target, tx, ty, t, seed + f, PREDICT_CHEAP, NULL);
        if (!md) {
            ok = false;
            break;
        }
        for (size_t i = f; i < m; i += k) {
            double sd;
            predict_eval(md, x[perm[i]], &pred[perm[i]], &sd);
        }
        predict_free(md);
    }
    if (ok)
        cv_figures(pred, y, m, spearman, mae);
    free(perm);
    free(tx);
    free(ty);
    free(pred);
    return ok;
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
    double *sc = xmalloc(runs->m * (size_t)n * sizeof *sc);
    double *pred = xmalloc(m * sizeof *pred), *truth = xmalloc(m * sizeof *truth);
    for (size_t f = 0; f < k; f++) {
        memcpy(sc, runs->score, runs->m * (size_t)n * sizeof *sc);
        for (size_t i = f; i < m; i += k)
            sc[idx[i] * n + target] = NAN;
        predict_runs r = {n, runs->m, runs->combo, sc};
        predict_model *md = predict_fit_runs(kind, target, &r, seed + f, PREDICT_CHEAP, NULL);
        for (size_t i = f; i < m; i += k) {
            double sd;
            predict_eval(md, runs->combo[idx[i]], &pred[i], &sd);
            truth[i] = runs->score[idx[i] * n + target];
        }
        predict_free(md);
    }
    cv_figures(pred, truth, m, spearman, mae);
    free(sc);
    free(pred);
    free(truth);
    free(idx);
    return true;
}
