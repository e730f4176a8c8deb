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

/* One copy of the hot loops per instruction set, chosen once per process (wider vectors, popcnt
 * for parities); the same operations in the same order in each (no FMA contraction in ISO C
 * mode), so the same values. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define GP_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define GP_CLONES
#endif

/* One prior draw at x: the sum over the GP_FEATURES features of w_j chi_j(x) (chi_j = +-1). */
static double walsh_sum(uint64_t x, const uint64_t *fm, const double *fw)
{
    double f = 0;
    for (int j = 0; j < GP_FEATURES; j++)
        f += __builtin_parityll(x & fm[j]) ? -fw[j] : fw[j];
    return f;
}

/* walsh_sum at the n points x, into out[i * stride]: four points side by side, each its own sum
 * in walsh_sum's order (the same values), so that the additions do not wait on each other. */
GP_CLONES static void walsh_sums(const uint64_t *x, size_t n, const uint64_t *fm, const double *fw, double *out,
                                 size_t stride)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        double f[4] = {0, 0, 0, 0};
        for (int j = 0; j < GP_FEATURES; j++)
            for (int k = 0; k < 4; k++)
                f[k] += __builtin_parityll(x[i + k] & fm[j]) ? -fw[j] : fw[j];
        for (int k = 0; k < 4; k++)
            out[(i + k) * stride] = f[k];
    }
    for (; i < n; i++)
        out[i * stride] = walsh_sum(x[i], fm, fw);
}

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

/* Grid search by coordinates: theta at lambda 0.1, lambda at that theta, theta again. A grid
 * point already evaluated is not evaluated again: its value is the same and cannot beat the
 * best, which is at least that value (the third pass at an unchanged lambda is the first). */
static gp_hyper choose(const unsigned char *H, const double *y, size_t m, double *L, double *z)
{
    static const double thetas[] = {0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.5};
    static const double lambdas[] = {0.003, 0.01, 0.03, 0.1, 0.3, 1, 3};
    enum { NT = sizeof thetas / sizeof *thetas, NL = sizeof lambdas / sizeof *lambdas };
    gp_hyper best = {0.5, 0.1, 1}, h;
    double bv = -INFINITY;
    gp_hyper done[3 * NT];
    int ndone = 0;
    for (int pass = 0; pass < 3; pass++) {
        bool theta_pass = pass != 1;
        size_t count = theta_pass ? NT : NL;
        gp_hyper centre = best;
        for (size_t g = 0; g < count; g++) {
            h = centre;
            if (theta_pass)
                h.theta = thetas[g];
            else
                h.lambda = lambdas[g];
            bool seen = false;
            for (int k = 0; k < ndone && !seen; k++)
                seen = done[k].theta == h.theta && done[k].lambda == h.lambda;
            if (seen)
                continue;
            done[ndone++] = h;
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
        walsh_sums(x, m, fm, fw, B + q, GP_PAIRS); /* the draws first, then the noise in order */
        for (size_t i = 0; i < m; i++)
            B[i * GP_PAIRS + (size_t)q] += noise * rng_normal(&rng);
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
        double f = walsh_sum(x, fm, fw); /* fw[j] times +-1: exactly +-fw[j] */
        double dev = f - acc[1 + q];
        out[2 * q] = mu + dev;
        out[2 * q + 1] = mu - dev;
    }
}

/* ---------- evaluation of many x sharing their high bits (a table per block) ---------- */

/* The kernel and the Walsh features both factor over the bits: with x split into its low k bits
 * xl and the rest xh,
 *     k(x, r) = kt[H(xh, rh)] * prod over the low bits b of (e^-theta if x_b != r_b, else 1)
 *     chi_S(x) = chi_Sh(xh) * chi_Sl(xl).
 * So for one xh, the sums over the runs and over the features for all 2^k values of xl are
 * (1) the runs' coefficients weighted by their high-bit kernel, binned by their low bits, then
 * transformed bit by bit with [[1, e], [e, 1]] (e = e^-theta), and (2) the features' weights
 * signed by their high-bit parity, binned by their low bits, then Walsh-Hadamard transformed.
 * That costs m (1 + GP_PAIRS) + GP_PAIRS GP_FEATURES + k 2^k (1 + 2 GP_PAIRS) once per table,
 * against m (1 + GP_PAIRS) + GP_PAIRS GP_FEATURES per x evaluated one by one: in Gray-code
 * order a block of 2^k consecutive candidates shares its high bits. A value depends only on x
 * (and the model), never on what was evaluated before. */
#define GP_TABLE_BITS 8

struct gp_cursor {
    const gp_model *g;
    int k;              /* low bits tabulated: min(d, GP_TABLE_BITS) */
    bool valid;
    uint64_t xh;        /* the high bits of the table's x */
    uint64_t *rl, *rh;  /* each run's low bits and high bits */
    uint64_t *fl, *fh;  /* each feature's low bits and high bits */
    double *acc;        /* (1 + GP_PAIRS) x 2^k: kernel sums by xl (q-major) */
    double *fsum;       /* GP_PAIRS x 2^k: prior draws by xl */
    double *tab;        /* 2^k x (1 + GP_PAIRS): the mean, then each pair's deviation */
};

gp_cursor *gp_cursor_new(const gp_model *g)
{
    gp_cursor *c = xcalloc(1, sizeof *c);
    size_t m = g->m, N;
    c->g = g;
    c->k = g->d < GP_TABLE_BITS ? (g->d > 0 ? g->d : 0) : GP_TABLE_BITS;
    N = (size_t)1 << c->k;
    uint64_t low = N - 1;
    c->rl = xmalloc((m ? m : 1) * sizeof *c->rl);
    c->rh = xmalloc((m ? m : 1) * sizeof *c->rh);
    for (size_t i = 0; i < m; i++) {
        c->rl[i] = g->x[i] & low;
        c->rh[i] = g->x[i] & ~low;
    }
    c->fl = xmalloc((size_t)GP_PAIRS * GP_FEATURES * sizeof *c->fl);
    c->fh = xmalloc((size_t)GP_PAIRS * GP_FEATURES * sizeof *c->fh);
    for (int j = 0; j < GP_PAIRS * GP_FEATURES; j++) {
        c->fl[j] = g->feat[j] & low;
        c->fh[j] = g->feat[j] & ~low;
    }
    c->acc = xmalloc((size_t)(GP_PAIRS + 1) * N * sizeof *c->acc);
    c->fsum = xmalloc((size_t)GP_PAIRS * N * sizeof *c->fsum);
    c->tab = xmalloc((size_t)(GP_PAIRS + 1) * N * sizeof *c->tab);
    return c;
}

void gp_cursor_free(gp_cursor *c)
{
    if (!c)
        return;
    free(c->rl);
    free(c->rh);
    free(c->fl);
    free(c->fh);
    free(c->acc);
    free(c->fsum);
    free(c->tab);
    free(c);
}

void gp_cursor_reset(gp_cursor *c) { c->valid = false; }

/* v (2^k values) times the k-fold Kronecker power of [[1, e], [e, 1]] (e = 0 is not used). */
static void kron_transform(double *v, int k, double e)
{
    size_t N = (size_t)1 << k;
    for (size_t h = 1; h < N; h <<= 1)
        for (size_t b = 0; b < N; b += 2 * h)
            for (size_t t = b; t < b + h; t++) {
                double a0 = v[t], a1 = v[t + h];
                v[t] = a0 + e * a1;
                v[t + h] = e * a0 + a1;
            }
}

/* v (2^k values) times the Walsh-Hadamard matrix: v'[x] = sum over s of v[s] (-1)^|x & s|. */
static void walsh_transform(double *v, int k)
{
    size_t N = (size_t)1 << k;
    for (size_t h = 1; h < N; h <<= 1)
        for (size_t b = 0; b < N; b += 2 * h)
            for (size_t t = b; t < b + h; t++) {
                double a0 = v[t], a1 = v[t + h];
                v[t] = a0 + a1;
                v[t + h] = a0 - a1;
            }
}

/* The table for the high bits xh: every xl's mean and each pair's deviation (f - K^-1 part). */
GP_CLONES static void build_table(gp_cursor *c, uint64_t xh)
{
    enum { Q = GP_PAIRS + 1 };
    const gp_model *g = c->g;
    size_t m = g->m, N = (size_t)1 << c->k;
    memset(c->acc, 0, Q * N * sizeof *c->acc);
    memset(c->fsum, 0, (size_t)GP_PAIRS * N * sizeof *c->fsum);
    for (size_t i = 0; i < m; i++) {
        double kh = g->kt[hamming(xh, c->rh[i])];
        const double *u = g->u + i * Q;
        size_t r = (size_t)c->rl[i];
        for (int q = 0; q < Q; q++)
            c->acc[(size_t)q * N + r] += kh * u[q];
    }
    for (int q = 0; q < GP_PAIRS; q++) {
        double *fs = c->fsum + (size_t)q * N;
        for (int j = 0; j < GP_FEATURES; j++) {
            size_t at = (size_t)q * GP_FEATURES + (size_t)j;
            double w = g->w[at];
            fs[c->fl[at]] += __builtin_parityll(xh & c->fh[at]) ? -w : w;
        }
    }
    double e = exp(-g->h.theta);
    for (int q = 0; q < Q; q++)
        kron_transform(c->acc + (size_t)q * N, c->k, e);
    for (int q = 0; q < GP_PAIRS; q++)
        walsh_transform(c->fsum + (size_t)q * N, c->k);
    for (size_t x = 0; x < N; x++) {
        double *t = c->tab + x * Q;
        t[0] = c->acc[x];
        for (int q = 0; q < GP_PAIRS; q++)
            t[1 + q] = c->fsum[(size_t)q * N + x] - c->acc[(size_t)(1 + q) * N + x];
    }
    c->xh = xh;
    c->valid = true;
}

void gp_cursor_eval(gp_cursor *c, uint64_t x, double *out)
{
    uint64_t low = ((uint64_t)1 << c->k) - 1, xh = x & ~low;
    if (!c->valid || xh != c->xh)
        build_table(c, xh);
    const double *t = c->tab + (size_t)(x & low) * (GP_PAIRS + 1);
    double mu = t[0];
    for (int q = 0; q < GP_PAIRS; q++) {
        out[2 * q] = mu + t[1 + q];
        out[2 * q + 1] = mu - t[1 + q];
    }
}
