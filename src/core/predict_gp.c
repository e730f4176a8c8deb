/* predict_gp: exact Gaussian-process regression on the membership hypercube (see predict_gp.h). */
#include "comboscope/predict_gp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/linalg.h"
#include "comboscope/rng.h"
#include "comboscope/text.h"

#define GP_PAIRS (GP_MEMBERS / 2)
#define LOG_2PI 1.8378770664093453

struct gp_model {
    int d;
    size_t m;
    uint64_t *x;
    gp_hyper h;
    double kt[65];   /* sf2 * exp(-theta * hamming), by distance */
    double *L;       /* Cholesky factor of K = sf2 (R + lambda I), m x m row-major, lower */
    double *alpha;   /* K^-1 y */
    double *u;       /* m x (1 + GP_PAIRS), run-major: alpha, then K^-1 (prior draw at x + noise draw) */
    uint64_t *feat;  /* GP_PAIRS x GP_FEATURES Walsh feature masks */
    double *w;       /* GP_PAIRS x GP_FEATURES weights, scaled by sqrt(sf2 / GP_FEATURES) */
};

static int hamming(uint64_t a, uint64_t b) { return __builtin_popcountll(a ^ b); }

double gp_kernel(const gp_hyper *h, uint64_t a, uint64_t b)
{
    return h->sf2 * exp(-h->theta * hamming(a, b));
}

static bool cholesky(double *A, size_t p) { return linalg_cholesky(A, (int)p); }
static void forward(const double *L, size_t p, double *b) { linalg_tri_solve_lower(L, (int)p, b); }

/* Factors sf2 (R + lambda I) into L, with R from the distance matrix H; adds jitter until it
 * factors. Returns the jitter added (relative to sf2). */
static double factor(const gp_hyper *h, const unsigned char *H, size_t m, double *L)
{
    double table[65];
    for (int k = 0; k <= 64; k++)
        table[k] = exp(-h->theta * k);
    for (double jitter = 0;; jitter = jitter ? jitter * 10 : 1e-10) {
        for (size_t i = 0; i < m; i++) {
            for (size_t j = 0; j <= i; j++)
                L[i * m + j] = h->sf2 * table[H[i * m + j]];
            L[i * m + i] += h->sf2 * (h->lambda + jitter);
        }
        if (cholesky(L, m))
            return jitter;
    }
}

static unsigned char *distances(const uint64_t *x, size_t m)
{
    unsigned char *H = xmalloc((m ? m * m : 1) * sizeof *H);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j <= i; j++)
            H[i * m + j] = H[j * m + i] = (unsigned char)hamming(x[i], x[j]);
    return H;
}

/* Log marginal likelihood from a factor L of K and y: -y'K^-1y/2 - sum log L_ii - m/2 log 2pi.
 * z is scratch (m). */
static double log_marginal_factored(const double *L, const double *y, size_t m, double *z)
{
    memcpy(z, y, m * sizeof *z);
    forward(L, m, z);
    double q = 0, ld = 0;
    for (size_t i = 0; i < m; i++) {
        q += z[i] * z[i];
        ld += log(L[i * m + i]);
    }
    return -0.5 * q - ld - 0.5 * (double)m * LOG_2PI;
}

double gp_log_marginal(const gp_hyper *h, const uint64_t *x, const double *y, size_t m)
{
    if (m == 0)
        return 0;
    unsigned char *H = distances(x, m);
    double *L = xmalloc(m * m * sizeof *L), *z = xmalloc(m * sizeof *z);
    double table[65];
    for (int k = 0; k <= 64; k++)
        table[k] = exp(-h->theta * k);
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j <= i; j++)
            L[i * m + j] = h->sf2 * table[H[i * m + j]];
        L[i * m + i] += h->sf2 * h->lambda;
    }
    double v = cholesky(L, m) ? log_marginal_factored(L, y, m, z) : -INFINITY;
    free(H);
    free(L);
    free(z);
    return v;
}

/* The profiled log marginal likelihood at (theta, lambda): sf2 = y'(R + lambda I)^-1 y / m. */
static double profiled(gp_hyper *h, const unsigned char *H, const double *y, size_t m, double *L, double *z)
{
    h->sf2 = 1;
    factor(h, H, m, L);
    memcpy(z, y, m * sizeof *z);
    forward(L, m, z);
    double q = 0, ld = 0;
    for (size_t i = 0; i < m; i++) {
        q += z[i] * z[i];
        ld += log(L[i * m + i]);
    }
    double sf2 = fmax(q / (double)m, 1e-6);
    h->sf2 = sf2;
    /* log|sf2 A| = m log sf2 + 2 ld; y' (sf2 A)^-1 y = q / sf2. */
    return -0.5 * q / sf2 - 0.5 * (double)m * log(sf2) - ld - 0.5 * (double)m * LOG_2PI;
}

/* Grid search by coordinates: theta at lambda 0.1, lambda at that theta, theta again. */
static gp_hyper choose(const unsigned char *H, const double *y, size_t m, double *L, double *z)
{
    static const double thetas[] = {0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.5};
    static const double lambdas[] = {0.003, 0.01, 0.03, 0.1, 0.3, 1, 3};
    gp_hyper best = {0.5, 0.1, 1}, h;
    double bv = -INFINITY;
    for (int pass = 0; pass < 3; pass++) {
        bool theta_pass = pass != 1;
        size_t count = theta_pass ? sizeof thetas / sizeof *thetas : sizeof lambdas / sizeof *lambdas;
        gp_hyper centre = best;
        for (size_t g = 0; g < count; g++) {
            h = centre;
            if (theta_pass)
                h.theta = thetas[g];
            else
                h.lambda = lambdas[g];
            double v = profiled(&h, H, y, m, L, z);
            if (v > bv + 1e-9) {
                bv = v;
                best = h;
            }
        }
    }
    return best;
}

gp_model *gp_fit(int d, const uint64_t *x, const double *y, size_t m, const gp_hyper *fixed, uint64_t seed)
{
    gp_model *g = xcalloc(1, sizeof *g);
    g->d = d;
    g->m = m;
    g->x = xmalloc((m ? m : 1) * sizeof *g->x);
    memcpy(g->x, x, m * sizeof *x);
    unsigned char *H = distances(x, m);
    g->L = xmalloc((m ? m * m : 1) * sizeof *g->L);
    double *z = xmalloc((m ? m : 1) * sizeof *z);
    if (fixed)
        g->h = *fixed;
    else if (m < 3)
        g->h = (gp_hyper){0.5, 0.1, 1};
    else
        g->h = choose(H, y, m, g->L, z);
    factor(&g->h, H, m, g->L);
    for (int k = 0; k <= 64; k++)
        g->kt[k] = g->h.sf2 * exp(-g->h.theta * k);
    g->alpha = xmalloc((m ? m : 1) * sizeof *g->alpha);
    memcpy(g->alpha, y, m * sizeof *y);
    if (m)
        linalg_chol_solve(g->L, (int)m, g->alpha);

    /* Prior draws from random Walsh features: dimension i enters a feature with probability
     * p = (1 - e^-theta) / 2, so E[chi_S(a) chi_S(b)] = prod over differing bits of (1 - 2p)
     * = e^(-theta H(a, b)). */
    cs_rng rng;
    rng_seed(&rng, seed, 0x6770);
    double p = (1 - exp(-g->h.theta)) / 2, scale = sqrt(g->h.sf2 / GP_FEATURES);
    g->feat = xmalloc((size_t)GP_PAIRS * GP_FEATURES * sizeof *g->feat);
    g->w = xmalloc((size_t)GP_PAIRS * GP_FEATURES * sizeof *g->w);
    for (int q = 0; q < GP_PAIRS * GP_FEATURES; q++) {
        uint64_t mask = 0;
        for (int i = 0; i < d; i++)
            if (rng_uniform(&rng) < p)
                mask |= (uint64_t)1 << i;
        g->feat[q] = mask;
        g->w[q] = scale * rng_normal(&rng);
    }
    /* B (m x GP_PAIRS): each pair's prior draw at the runs plus a noise draw, solved at once. */
    g->u = xmalloc((size_t)(GP_PAIRS + 1) * (m ? m : 1) * sizeof *g->u);
    double *B = xmalloc((size_t)GP_PAIRS * (m ? m : 1) * sizeof *B);
    double noise = sqrt(g->h.sf2 * g->h.lambda);
    for (int q = 0; q < GP_PAIRS; q++) {
        const uint64_t *fm = g->feat + (size_t)q * GP_FEATURES;
        const double *fw = g->w + (size_t)q * GP_FEATURES;
        for (size_t i = 0; i < m; i++) {
            double f = 0;
            for (int j = 0; j < GP_FEATURES; j++)
                f += __builtin_popcountll(x[i] & fm[j]) & 1 ? -fw[j] : fw[j];
            B[i * GP_PAIRS + (size_t)q] = f + noise * rng_normal(&rng);
        }
    }
    if (m)
        linalg_chol_solve_many(g->L, (int)m, B, GP_PAIRS);
    for (size_t i = 0; i < m; i++) {
        g->u[i * (GP_PAIRS + 1)] = g->alpha[i];
        for (int q = 0; q < GP_PAIRS; q++)
            g->u[i * (GP_PAIRS + 1) + 1 + (size_t)q] = B[i * GP_PAIRS + (size_t)q];
    }
    free(B);
    free(H);
    free(z);
    return g;
}

void gp_free(gp_model *g)
{
    if (!g)
        return;
    free(g->x);
    free(g->L);
    free(g->alpha);
    free(g->u);
    free(g->feat);
    free(g->w);
    free(g);
}

gp_hyper gp_hyperparameters(const gp_model *g) { return g->h; }

void gp_posterior(const gp_model *g, uint64_t x, double *mean, double *var)
{
    size_t m = g->m;
    double *k = xmalloc((m ? m : 1) * sizeof *k);
    double mu = 0;
    for (size_t i = 0; i < m; i++) {
        k[i] = g->kt[hamming(x, g->x[i])];
        mu += k[i] * g->alpha[i];
    }
    if (m)
        forward(g->L, m, k);
    double v = g->h.sf2;
    for (size_t i = 0; i < m; i++)
        v -= k[i] * k[i];
    free(k);
    *mean = mu;
    *var = v > 0 ? v : 0;
}

bool gp_cv_means(const gp_model *g, const double *y, const size_t *perm, size_t k, double *pred)
{
    size_t m = g->m;
    if (m < 2 || k < 2 || k > m)
        return false;
    double *P = xmalloc(m * m * sizeof *P);
    memcpy(P, g->L, m * m * sizeof *P);
    bool ok = linalg_chol_inverse(P, (int)m);
    size_t cap = (m + k - 1) / k;
    size_t *I = xmalloc(cap * sizeof *I);
    double *B = xmalloc(cap * cap * sizeof *B), *z = xmalloc(cap * sizeof *z);
    for (size_t f = 0; ok && f < k; f++) {
        size_t s = 0;
        for (size_t i = f; i < m; i += k)
            I[s++] = perm[i];
        for (size_t a = 0; a < s; a++) {
            for (size_t b = 0; b <= a; b++)
                B[a * s + b] = P[I[a] * m + I[b]];
            z[a] = g->alpha[I[a]];
        }
        if (!linalg_cholesky(B, (int)s)) {
            ok = false;
            break;
        }
        linalg_chol_solve(B, (int)s, z);
        for (size_t a = 0; a < s; a++)
            pred[I[a]] = y[I[a]] - z[a];
    }
    free(P);
    free(I);
    free(B);
    free(z);
    return ok;
}

void gp_eval_members(const gp_model *g, uint64_t x, double *out)
{
    size_t m = g->m;
    double acc[GP_PAIRS + 1] = {0}; /* k(x, X) times alpha, then times each u */
    const double *u = g->u;
    for (size_t i = 0; i < m; i++, u += GP_PAIRS + 1) {
        double k = g->kt[hamming(x, g->x[i])];
        for (int q = 0; q <= GP_PAIRS; q++)
            acc[q] += k * u[q];
    }
    double mu = acc[0];
    for (int q = 0; q < GP_PAIRS; q++) {
        const uint64_t *fm = g->feat + (size_t)q * GP_FEATURES;
        const double *fw = g->w + (size_t)q * GP_FEATURES;
        double f = 0;
        for (int j = 0; j < GP_FEATURES; j++)
            f += fw[j] * (double)(1 - 2 * (__builtin_popcountll(x & fm[j]) & 1));
        double dev = f - acc[1 + q];
        out[2 * q] = mu + dev;
        out[2 * q + 1] = mu - dev;
    }
}

/* ---------- incremental evaluation (Gray-code order) ---------- */

/* What gp_eval_members computes for x, kept for the last x: the Hamming distance to every run,
 * and every Walsh feature's term (+-w). Moving to an x that differs in a few bits updates the
 * distances (+-1) and flips the terms of the features that contain those bits, instead of
 * recomputing m popcounts and GP_PAIRS x GP_FEATURES features. */
struct gp_cursor {
    const gp_model *g;
    uint64_t x;
    bool valid;
    unsigned char *dist; /* m */
    unsigned char *bit;  /* d x m: run i's bit b at bit[b * m + i] */
    double *term;        /* GP_PAIRS x GP_FEATURES: w[j] * chi_j(x) */
    double f[GP_PAIRS];  /* each pair's prior draw at x: the sum of its terms */
    double *coef;        /* m x (1 + GP_PAIRS), run-major: alpha, then each pair's K^-1 draw */
    /* the features containing bit b, pair q: flip[flip_at[b * GP_PAIRS + q] .. the next) */
    int *flip_at, *flip;
};

/* Run i's coefficient q: alpha for q = 0, pair q - 1's K^-1 (prior draw + noise) otherwise.
 * This mirrors gp_fit's layout of alpha and u: change both together (tests/unit/test_threads.c
 * compares the cursor with gp_eval_members). */
static double coef_at(const gp_model *g, size_t i, int q)
{
    return g->u[i * (GP_PAIRS + 1) + (size_t)q]; /* gp_fit stores alpha as column 0 */
}

gp_cursor *gp_cursor_new(const gp_model *g)
{
    gp_cursor *c = xcalloc(1, sizeof *c);
    size_t m = g->m;
    int d = g->d, B = d * GP_PAIRS;
    c->g = g;
    c->dist = xmalloc((m ? m : 1) * sizeof *c->dist);
    c->bit = xmalloc((size_t)(d > 0 ? d : 1) * (m ? m : 1) * sizeof *c->bit);
    for (int b = 0; b < d; b++)
        for (size_t i = 0; i < m; i++)
            c->bit[(size_t)b * m + i] = (unsigned char)((g->x[i] >> b) & 1);
    c->term = xmalloc((size_t)GP_PAIRS * GP_FEATURES * sizeof *c->term);
    c->coef = xmalloc((m ? m : 1) * (GP_PAIRS + 1) * sizeof *c->coef);
    for (size_t i = 0; i < m; i++)
        for (int q = 0; q <= GP_PAIRS; q++)
            c->coef[i * (GP_PAIRS + 1) + (size_t)q] = coef_at(g, i, q);
    c->flip_at = xcalloc((size_t)B + 1, sizeof *c->flip_at);
    for (int b = 0; b < d; b++)
        for (int q = 0; q < GP_PAIRS; q++)
            for (int j = 0; j < GP_FEATURES; j++)
                c->flip_at[b * GP_PAIRS + q + 1] += (int)((g->feat[q * GP_FEATURES + j] >> b) & 1);
    for (int k = 0; k < B; k++)
        c->flip_at[k + 1] += c->flip_at[k];
    c->flip = xmalloc((size_t)(c->flip_at[B] > 0 ? c->flip_at[B] : 1) * sizeof *c->flip);
    for (int b = 0, k = 0; b < d; b++)
        for (int q = 0; q < GP_PAIRS; q++)
            for (int j = 0; j < GP_FEATURES; j++)
                if ((g->feat[q * GP_FEATURES + j] >> b) & 1)
                    c->flip[k++] = q * GP_FEATURES + j;
    return c;
}

void gp_cursor_free(gp_cursor *c)
{
    if (!c)
        return;
    free(c->dist);
    free(c->bit);
    free(c->term);
    free(c->coef);
    free(c->flip_at);
    free(c->flip);
    free(c);
}

void gp_cursor_reset(gp_cursor *c) { c->valid = false; }

/* A move changing more bits than this is computed from scratch. */
#define GP_CURSOR_MAX_STEPS 4

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define GP_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define GP_CLONES
#endif

/* acc[q] = sum over runs i of kt[dist[i]] * u[i][q] for q <= GP_PAIRS, in four interleaved partial
 * sums (a fixed order: the same on every call) so that the additions do not wait on each other. */
GP_CLONES static void kernel_sums(const double *kt, const unsigned char *dist, const double *u, size_t m,
                                  double *acc)
{
    enum { Q = GP_PAIRS + 1 };
    double p[4][Q] = {{0}};
    size_t i = 0;
    for (; i + 4 <= m; i += 4)
        for (int l = 0; l < 4; l++) {
            double k = kt[dist[i + l]];
            const double *ui = u + (i + l) * Q;
            for (int q = 0; q < Q; q++)
                p[l][q] += k * ui[q];
        }
    for (; i < m; i++) {
        double k = kt[dist[i]];
        for (int q = 0; q < Q; q++)
            p[0][q] += k * u[i * Q + q];
    }
    for (int q = 0; q < Q; q++)
        acc[q] = (p[0][q] + p[1][q]) + (p[2][q] + p[3][q]);
}

void gp_cursor_eval(gp_cursor *c, uint64_t x, double *out)
{
    const gp_model *g = c->g;
    size_t m = g->m;
    uint64_t diff = x ^ c->x;
    if (!c->valid || __builtin_popcountll(diff) > GP_CURSOR_MAX_STEPS) {
        for (size_t i = 0; i < m; i++)
            c->dist[i] = (unsigned char)hamming(x, g->x[i]);
        for (int q = 0; q < GP_PAIRS; q++) {
            const uint64_t *fm = g->feat + (size_t)q * GP_FEATURES;
            const double *fw = g->w + (size_t)q * GP_FEATURES;
            double *t = c->term + (size_t)q * GP_FEATURES, f = 0;
            for (int j = 0; j < GP_FEATURES; j++) {
                t[j] = fw[j] * (double)(1 - 2 * (__builtin_popcountll(x & fm[j]) & 1));
                f += t[j];
            }
            c->f[q] = f;
        }
        c->valid = true;
    } else {
        while (diff) {
            int b = __builtin_ctzll(diff);
            diff &= diff - 1;
            /* runs that agree with x's new bit come one closer, the others one further */
            unsigned char v = (unsigned char)((x >> b) & 1);
            const unsigned char *bit = c->bit + (size_t)b * m;
            unsigned char *dist = c->dist;
            for (size_t i = 0; i < m; i++)
                dist[i] = (unsigned char)(dist[i] + 1 - 2 * (bit[i] == v));
            /* the features containing b change sign: each pair's sum loses twice their terms */
            for (int q = 0; q < GP_PAIRS; q++) {
                const int *fl = c->flip + c->flip_at[b * GP_PAIRS + q];
                int n = c->flip_at[b * GP_PAIRS + q + 1] - c->flip_at[b * GP_PAIRS + q];
                double s0 = 0, s1 = 0;
                int k = 0;
                for (; k + 2 <= n; k += 2) {
                    double *t0 = &c->term[fl[k]], *t1 = &c->term[fl[k + 1]];
                    s0 += *t0;
                    s1 += *t1;
                    *t0 = -*t0;
                    *t1 = -*t1;
                }
                if (k < n) {
                    s0 += c->term[fl[k]];
                    c->term[fl[k]] = -c->term[fl[k]];
                }
                c->f[q] -= 2 * (s0 + s1);
            }
        }
    }
    c->x = x;
    double acc[GP_PAIRS + 1];
    kernel_sums(g->kt, c->dist, c->coef, m, acc);
    double mu = acc[0];
    for (int q = 0; q < GP_PAIRS; q++) {
        double dev = c->f[q] - acc[1 + q];
        out[2 * q] = mu + dev;
        out[2 * q + 1] = mu - dev;
    }
}
