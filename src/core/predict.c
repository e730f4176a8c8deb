/* predict: Bayesian ridge (additive, pairwise), MLPs (mlp, ensemble) and random, on the
 * membership bits of the datasets other than the target (the target's bit is always set). */
#include "comboscope/predict.h"

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
    ENS_EPOCHS = 300, ENS_EPOCHS_CHEAP = 120,
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
    for (int u = 0; u < H; u++)
        h[u] = P[l.b1 + u];
    for (int i = 0; i < r; i++) {
        const double *col = P + l.W1 + (size_t)a[i] * H;
        for (int u = 0; u < H; u++)
            h[u] += col[u];
    }
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
    double *g = xmalloc(np * sizeof *g), *mo = xcalloc(np, sizeof *mo), *ve = xcalloc(np, sizeof *ve);
    double *best = xmalloc(np * sizeof *best), *anchor = xmalloc(np * sizeof *anchor);
    memcpy(best, P, np * sizeof *best);
    memcpy(anchor, P, np * sizeof *anchor);
    double wsum = 0;
    size_t oob = 0;
    for (size_t i = 0; i < m; i++) {
        wsum += wt[i];
        oob += wt[i] == 0;
    }
    double best_oob = INFINITY;
    int since = 0;
    const double b1c = 0.9, b2c = 0.999;
    double b1t = 1, b2t = 1;
    double h[64], z[64];
    for (int e = 0; e < epochs && wsum > 0; e++) {
        memset(g, 0, np * sizeof *g);
        for (size_t i = 0; i < m; i++) {
            if (wt[i] == 0)
                continue;
            const int *a = act + i * (size_t)maxa;
            int r = nact[i];
            for (int u = 0; u < H; u++)
                h[u] = P[l.b1 + u];
            for (int k = 0; k < r; k++) {
                const double *col = P + l.W1 + (size_t)a[k] * H;
                for (int u = 0; u < H; u++)
                    h[u] += col[u];
            }
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
        b1t *= b1c;
        b2t *= b2c;
        for (size_t j = 0; j < np; j++) {
            if (!md->skip && j >= l.ws)
                break;
            mo[j] = b1c * mo[j] + (1 - b1c) * g[j];
            ve[j] = b2c * ve[j] + (1 - b2c) * g[j] * g[j];
            P[j] -= lr * (mo[j] / (1 - b1t)) / (sqrt(ve[j] / (1 - b2t)) + 1e-8);
        }
        /* Early stopping on the out-of-bag points, checked every 10 epochs. */
        if (oob >= 3 && (e + 1) % 10 == 0) {
            double err = 0;
            for (size_t i = 0; i < m; i++)
                if (wt[i] == 0) {
                    double d = net_eval(md, P, act + i * (size_t)maxa, nact[i]) - ys[i];
                    err += d * d;
                }
            if (err < best_oob) {
                best_oob = err;
                memcpy(best, P, np * sizeof *best);
                since = 0;
            } else if (++since >= 5) {
                break;
            }
        }
    }
    if (oob >= 3 && best_oob < INFINITY)
        memcpy(P, best, np * sizeof *best);
    free(g);
    free(mo);
    free(ve);
    free(best);
    free(anchor);
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
            /* Bootstrap: m draws with replacement; points never drawn are out of bag. */
            for (size_t i = 0; i < m; i++)
                wt[i] = 0;
            for (size_t i = 0; i < m; i++)
                wt[rng_below(rng, m)] += 1;
            if (m < 8) /* too few points to leave any out */
                for (size_t i = 0; i < m; i++)
                    wt[i] += 1;
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

/* ---------- the model ---------- */

predict_model *predict_fit(predict_kind kind, int n, int target, const combo_t *x, const double *y,
                           size_t m, uint64_t seed, predict_effort effort, cs_error *err)
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
    free(md);
}

int predict_members(const predict_model *md) { return md->members; }

void predict_eval_members(const predict_model *md, combo_t c, double *out)
{
    int a[COMBO_MAX_DATASETS];
    int r = active_inputs(md, c, a);
    for (int s = 0; s < md->members; s++) {
        double v;
        switch (md->kind) {
        case PREDICT_ADDITIVE:
        case PREDICT_PAIRWISE: v = ridge_eval(md, md->w + (size_t)s * md->p, a, r); break;
        case PREDICT_ENSEMBLE:
        case PREDICT_MLP: v = net_eval(md, md->net + (size_t)s * md->net_size, a, r); break;
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

bool predict_cv(predict_kind kind, int n, int target, const combo_t *x, const double *y, size_t m,
                int folds, uint64_t seed, double *spearman, double *mae)
{
    *spearman = NAN;
    *mae = NAN;
    if (m < 4)
        return false;
    size_t k = (size_t)folds < m ? (size_t)folds : m;
    if (k < 2)
        k = 2;
    size_t *perm = xmalloc(m * sizeof *perm);
    for (size_t i = 0; i < m; i++)
        perm[i] = i;
    cs_rng rng;
    rng_seed(&rng, seed, 0xc5);
    for (size_t i = m - 1; i > 0; i--) {
        size_t j = rng_below(&rng, i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
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
    if (ok) {
        double e = 0;
        for (size_t i = 0; i < m; i++)
            e += fabs(pred[i] - y[i]);
        *mae = e / (double)m;
        *spearman = predict_spearman(pred, y, m);
    }
    free(perm);
    free(tx);
    free(ty);
    free(pred);
    return ok;
}
