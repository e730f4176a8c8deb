/* predict_ridge: Bayesian ridge regression on the membership bits of the datasets other than
 * the target: one effect per dataset (additive), plus one per pair (pairwise). */
#include "comboscope/predict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/linalg.h"
#include "comboscope/rng.h"
#include "comboscope/text.h"
#include "predict_impl.h"

/* Settings, chosen with replay (see BENCHMARKS.md): members are antithetic posterior draws. */
enum { RIDGE_DRAWS = 32 };
#define PAIR_PRIOR_RATIO 4.0 /* pair effects are a priori half as large as main effects */

/* ---------- features ---------- */

static inline int pair_index(int d, int j, int k) /* j < k */
{
    return 1 + d + j * (2 * d - j - 1) / 2 + (k - j - 1);
}

double predict_ridge_eval(const predict_model *md, const double *w, const int *a, int r)
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
    if (!linalg_cholesky(L, p))
        return INFINITY;
    memcpy(w, Xty, (size_t)p * sizeof *w);
    linalg_chol_solve(L, p, w);
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
        linalg_tri_solve_lower(L, p, v);
        double h = 0;
        for (int a = 0; a < p; a++)
            h += v[a] * v[a];
        double r = (ys[i] - pred) / fmax(1 - h, 1e-3);
        loo += r * r;
    }
    free(v);
    return m ? loo / (double)m : 0;
}

void predict_ridge_fit(predict_model *md, const combo_t *x, const double *ys, size_t m, cs_rng *rng)
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
        int r = predict_active_inputs(md, x[i], a);
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
        linalg_tri_solve_upper(L, p, z);
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

void predict_ridge_cursor_init(const predict_model *md, predict_cursor *cur)
{
    int S = cur->S, p = md->p, d = md->d;
    for (int s = 0; s < S; s++) {
        const double *w = md->w + (size_t)s * p;
        cur->out0[s] = w[0];
        for (int i = 0; i < d; i++)
            cur->main[(size_t)i * S + s] = w[1 + i];
    }
    if (md->kind != PREDICT_PAIRWISE)
        return;
    cur->pw = xmalloc((size_t)p * S * sizeof *cur->pw);
    for (int s = 0; s < S; s++)
        for (int j = 0; j < p; j++)
            cur->pw[(size_t)j * S + s] = md->w[(size_t)s * p + j];
    cur->pairmap = xmalloc((size_t)(d > 0 ? d : 1) * (d > 0 ? d : 1) * sizeof *cur->pairmap);
    for (int i = 0; i < d; i++)
        for (int j = 0; j < d; j++)
            cur->pairmap[i * d + j] = i == j ? -1 : pair_index(d, i < j ? i : j, i < j ? j : i);
    cur->pair = cur->pairmap;
}
