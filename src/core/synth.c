#include "comboscope/synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/text.h"

struct synth_model {
    int n;
    uint64_t seed;
    char names[COMBO_MAX_DATASETS][32];
    char tasks[COMBO_MAX_DATASETS][16];
    int task_of[COMBO_MAX_DATASETS];
    double base[COMBO_MAX_DATASETS];     /* F1 trained alone on the whole budget */
    double scale[COMBO_MAX_DATASETS];    /* how much transfer moves this dataset */
    double dilution[COMBO_MAX_DATASETS]; /* F1 lost per e-fold split of the budget */
    double pr_bias[COMBO_MAX_DATASETS];  /* ln(precision / recall) */
    double *transfer;                    /* transfer[d * n + e] */
    double *inter;                       /* inter[(d * n + e) * n + f], e < f */
    synth_structure structure;
    int tri[COMBO_MAX_DATASETS][3];      /* synergy: per target, a triple that pays off together */
    double tri_bonus[COMBO_MAX_DATASETS];
};

static const char *const structure_names[] = {
#define X(e, name, help) name,
    SYNTH_STRUCTURES(X)
#undef X
};

bool synth_structure_parse(const char *name, synth_structure *out)
{
    for (int i = 0; i < SYNTH_N_STRUCTURES; i++)
        if (name && strcmp(name, structure_names[i]) == 0) {
            *out = (synth_structure)i;
            return true;
        }
    return false;
}

const char *synth_structure_name(synth_structure s)
{
    return (unsigned)s < SYNTH_N_STRUCTURES ? structure_names[s] : "?";
}

/* splitmix64: small, fast, and the same on every platform. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1]: 53 random bits. */
static double uniform(uint64_t *state)
{
    return ((double)(splitmix64(state) >> 11) + 1.0) * 0x1.0p-53;
}

static double normal(uint64_t *state)
{
    double u1 = uniform(state), u2 = uniform(state);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

typedef struct preset_dataset {
    const char *name, *task;
    double base;    /* calibration choice, not a measurement: see README */
    double pr_bias; /* ln(P/R) */
} preset_dataset;

/* Baselines picked to sit inside plausible published F1 ranges for each dataset. */
static const preset_dataset biomed12[] = {
    {"NER_bc2gm", "NER", 0.8210, 0.020},
    {"NER_bc4chemd", "NER", 0.8930, 0.030},
    {"NER_bc5cdr", "NER", 0.8860, 0.010},
    {"RE_BioRED", "RE", 0.6050, -0.060},
    {"RE_DDI", "RE", 0.7740, 0.040},
    {"RE_git", "RE", 0.7120, -0.030},
    {"EE_genia2011", "EE", 0.5830, 0.080},
    {"EE_genia2013", "EE", 0.5610, 0.070},
    {"EE_phee", "EE", 0.6680, -0.040},
    {"TC_ade", "TC", 0.9020, 0.015},
    {"TC_healthadvice", "TC", 0.8410, -0.010},
    {"TC_pubmed20krct", "TC", 0.8740, 0.005},
};

/* The structures other than the default redraw transfer and interactions from the same stream
 * (the default's draws come first, so adding a structure never changes the default's numbers). */
static void draw_other(synth_model *m, uint64_t *st)
{
    int n = m->n;
    size_t nn = (size_t)n * n;
    memset(m->transfer, 0, nn * sizeof *m->transfer);
    memset(m->inter, 0, nn * n * sizeof *m->inter);
    for (int d = 0; d < n; d++) {
        m->tri[d][0] = m->tri[d][1] = m->tri[d][2] = -1;
        m->tri_bonus[d] = 0;
    }
    /* k distinct datasets other than d, drawn uniformly, into out (k <= n - 1). */
#define DRAW_OTHERS(d, k, out)                                                                    \
    for (int q_ = 0; q_ < (k);) {                                                                 \
        int e_ = (int)(uniform(st) * n) % n;                                                      \
        bool dup_ = e_ == (d);                                                                    \
        for (int r_ = 0; r_ < q_; r_++)                                                           \
            dup_ = dup_ || (out)[r_] == e_;                                                       \
        if (!dup_)                                                                                \
            (out)[q_++] = e_;                                                                     \
    }
    for (int d = 0; d < n; d++) {
        double *T = m->transfer + (size_t)d * n;
        switch (m->structure) {
        case SYNTH_SYNERGY: { /* weak transfer; two strong pairs and a stronger triple */
            for (int e = 0; e < n; e++)
                T[e] = e == d ? 0 : 0.003 * normal(st) - 0.004;
            if (n >= 4) {
                int o[3];
                DRAW_OTHERS(d, 3, o);
                for (int i = 0; i < 3; i++)
                    m->tri[d][i] = o[i];
                m->tri_bonus[d] = 0.05 + 0.01 * uniform(st);
            }
            for (int p = 0; p < 2 && n >= 3; p++) {
                int o[2];
                DRAW_OTHERS(d, 2, o);
                int e = o[0] < o[1] ? o[0] : o[1], f = o[0] < o[1] ? o[1] : o[0];
                m->inter[((size_t)d * n + e) * n + f] = 0.025 + 0.01 * uniform(st);
            }
            break;
        }
        case SYNTH_ADDITIVE: /* one effect per dataset, either way; tiny interactions */
            for (int e = 0; e < n; e++)
                T[e] = e == d ? 0 : 0.004 + 0.010 * normal(st);
            for (int e = 0; e < n; e++)
                for (int f = e + 1; f < n; f++)
                    if (e != d && f != d)
                        m->inter[((size_t)d * n + e) * n + f] = 0.001 * normal(st);
            break;
        case SYNTH_NOISE: /* effects a quarter of the measurement noise */
            for (int e = 0; e < n; e++)
                T[e] = e == d ? 0 : 0.0008 * normal(st);
            break;
        case SYNTH_HARMFUL: { /* a few datasets hurt every target; the rest help a little */
            for (int e = 0; e < n; e++)
                T[e] = e == d ? 0 : 0.004 + 0.004 * normal(st);
            break;
        }
        case SYNTH_SPARSE: { /* two datasets matter for each target, one pair interacts */
            if (n >= 3) {
                int o[2];
                DRAW_OTHERS(d, 2, o);
                T[o[0]] = 0.02 + 0.015 * uniform(st);
                T[o[1]] = uniform(st) < 0.5 ? -0.025 : 0.015;
                DRAW_OTHERS(d, 2, o);
                int e = o[0] < o[1] ? o[0] : o[1], f = o[0] < o[1] ? o[1] : o[0];
                m->inter[((size_t)d * n + e) * n + f] = 0.02 * normal(st);
            }
            break;
        }
        default: break;
        }
    }
    if (m->structure == SYNTH_HARMFUL) { /* n / 4 (at least 1) harmful datasets */
        int bad = n / 4 < 1 ? 1 : n / 4;
        for (int b = 0; b < bad; b++) {
            int e = (int)(uniform(st) * n) % n;
            for (int d = 0; d < n; d++)
                if (d != e)
                    m->transfer[(size_t)d * n + e] = -0.03 - 0.01 * uniform(st);
        }
    }
#undef DRAW_OTHERS
}

static void draw_structure(synth_model *m)
{
    int n = m->n;
    uint64_t st = m->seed ^ 0x636F6D626F73636FULL; /* "comboscop" */
    m->transfer = xcalloc((size_t)n * (size_t)n, sizeof *m->transfer);
    m->inter = xcalloc((size_t)n * (size_t)n * (size_t)n, sizeof *m->inter);
    for (int d = 0; d < n; d++) {
        /* Weak baselines have more to gain from other data (as the paper reports). */
        m->scale[d] = 0.7 + 2.5 * (0.92 - m->base[d]);
        m->dilution[d] = 0.0050 + 0.0020 * uniform(&st);
    }
    for (int d = 0; d < n; d++) {
        for (int e = 0; e < n; e++) {
            if (e == d)
                continue;
            bool same = m->task_of[d] == m->task_of[e];
            double mean = same ? 0.016 : -0.002, sd = same ? 0.008 : 0.010;
            m->transfer[d * n + e] = mean + sd * normal(&st);
        }
    }
    /* Sparse pairwise interactions: about one pair in four matters for a target, either way. */
    for (int d = 0; d < n; d++)
        for (int e = 0; e < n; e++)
            for (int f = e + 1; f < n; f++) {
                double u = uniform(&st), z = normal(&st);
                if (e != d && f != d && u < 0.3)
                    m->inter[((size_t)d * n + e) * n + f] = 0.022 * z;
            }
    if (m->structure != SYNTH_DEFAULT)
        draw_other(m, &st);
    if (m->structure == SYNTH_NOISE) /* the budget split too stays below the noise */
        for (int d = 0; d < n; d++)
            m->dilution[d] *= 0.15;
}

synth_model *synth_model_preset(const char *preset, uint64_t seed, cs_error *err)
{
    if (strcmp(preset, "biomed12") != 0) {
        char safe[64];
        return error_set(err, NULL, 0, 0, "unknown preset \"%s\" (known: biomed12)",
                         text_sanitize(preset, safe, sizeof safe)), NULL;
    }
    synth_model *m = xcalloc(1, sizeof *m);
    m->n = (int)(sizeof biomed12 / sizeof *biomed12);
    m->seed = seed;
    for (int d = 0; d < m->n; d++) {
        snprintf(m->names[d], sizeof m->names[d], "%s", biomed12[d].name);
        snprintf(m->tasks[d], sizeof m->tasks[d], "%s", biomed12[d].task);
        m->task_of[d] = d / 3;
        m->base[d] = biomed12[d].base;
        m->pr_bias[d] = biomed12[d].pr_bias;
    }
    draw_structure(m);
    return m;
}

synth_model *synth_model_generic(int n, uint64_t seed, cs_error *err)
{
    return synth_model_structured(n, seed, SYNTH_DEFAULT, err);
}

synth_model *synth_model_structured(int n, uint64_t seed, synth_structure structure, cs_error *err)
{
    if (n < 1 || n > COMBO_MAX_DATASETS)
        return error_set(err, NULL, 0, 0, "--datasets must be 1 to %d", COMBO_MAX_DATASETS), NULL;
    synth_model *m = xcalloc(1, sizeof *m);
    m->n = n;
    m->structure = (unsigned)structure < SYNTH_N_STRUCTURES ? structure : SYNTH_DEFAULT;
    m->seed = seed;
    int n_tasks = n / 3 < 1 ? 1 : n / 3 > 8 ? 8 : n / 3;
    uint64_t st = seed ^ 0x67656E6572696331ULL;
    for (int d = 0; d < n; d++) {
        int t = d * n_tasks / n;
        m->task_of[d] = t;
        snprintf(m->tasks[d], sizeof m->tasks[d], "T%d", t + 1);
        snprintf(m->names[d], sizeof m->names[d], "T%d_d%02d", t + 1, d + 1);
        m->base[d] = 0.55 + 0.35 * uniform(&st);
        m->pr_bias[d] = 0.05 * normal(&st);
    }
    draw_structure(m);
    return m;
}

void synth_model_free(synth_model *m)
{
    if (!m)
        return;
    free(m->transfer);
    free(m->inter);
    free(m);
}

int synth_n_datasets(const synth_model *m) { return m->n; }
const char *synth_dataset_name(const synth_model *m, int d) { return m->names[d]; }
const char *synth_dataset_task(const synth_model *m, int d) { return m->tasks[d]; }

double synth_expected_f1(const synth_model *m, combo_t c, int d)
{
    int members[COMBO_MAX_DATASETS];
    int k = combo_members(c, members);
    int n = m->n;
    double t = 0, in = 0;
    for (int i = 0; i < k; i++) {
        int e = members[i];
        if (e == d)
            continue;
        t += m->transfer[d * n + e];
        const double *row = m->inter + ((size_t)d * n + e) * n;
        for (int j = i + 1; j < k; j++)
            in += row[members[j]];
    }
    double s = 0;
    if (k > 1 && m->structure == SYNTH_DEFAULT) {
        /* Each auxiliary dataset gets a smaller share of the budget as the combination grows,
         * so summed effects are damped, and gains saturate. */
        s = t / sqrt((double)(k - 1)) + in / (double)(k - 1);
        const double cap = 0.08;
        s = s > 0 ? cap * tanh(s / cap) : s;
    } else if (k > 1) {
        /* The other structures: effects add up undamped (their shape is the point), saturating
         * only above +0.15. */
        s = t + in;
        if (m->tri[d][0] >= 0 && combo_has(c, m->tri[d][0]) && combo_has(c, m->tri[d][1]) &&
            combo_has(c, m->tri[d][2]))
            s += m->tri_bonus[d];
        const double cap = 0.15;
        s = s > 0 ? cap * tanh(s / cap) : s;
    }
    double f1 = m->base[d] + m->scale[d] * s - m->dilution[d] * log((double)k);
    return f1 < 0.02 ? 0.02 : f1 > 0.985 ? 0.985 : f1;
}

static double round4(double x)
{
    return floor(x * 10000.0 + 0.5) / 10000.0;
}

void synth_measure(const synth_model *m, combo_t c, int d, double *precision, double *recall,
                   double *f1)
{
    uint64_t st = m->seed ^ (c * 0xD1B54A32D192ED03ULL) ^ ((uint64_t)(d + 1) * 0x8CB92BA72F3D8DD7ULL);
    splitmix64(&st);
    double f = synth_expected_f1(m, c, d) + 0.004 * normal(&st);
    f = f < 0.01 ? 0.01 : f > 0.99 ? 0.99 : f;
    double q = exp(m->pr_bias[d] + 0.012 * normal(&st)); /* precision / recall */
    double r = f * (1.0 + q) / (2.0 * q), p = q * r;
    if (p > 0.999) { /* keep both below 1 while holding F1 */
        p = 0.999;
        r = f * p / (2.0 * p - f);
    } else if (r > 0.999) {
        r = 0.999;
        p = f * r / (2.0 * r - f);
    }
    p = round4(p);
    r = round4(r);
    *precision = p;
    *recall = r;
    *f1 = round4(2.0 * p * r / (p + r));
}

static int cmp_combo(const void *a, const void *b)
{
    combo_t x = *(const combo_t *)a, y = *(const combo_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

/* Adds c to the open-addressing set; false if already there. */
static bool set_add(combo_t *set, size_t mask, combo_t c)
{
    for (size_t h = (size_t)mix(c) & mask;; h = (h + 1) & mask) {
        if (set[h] == c)
            return false;
        if (!set[h]) {
            set[h] = c;
            return true;
        }
    }
}

uint64_t synth_combinations(const synth_model *m, uint64_t runs, combo_t **out, cs_error *err)
{
    int n = m->n;
    *out = NULL;
    if (runs == 0) {
        if (n > SYNTH_FULL_MAX)
            return error_set(err, NULL, 0, 0, "more than %d datasets: give --runs R to sample R combinations",
                             SYNTH_FULL_MAX), 0;
        uint64_t total = (1ULL << n) - 1;
        combo_t *c = xmalloc(total * sizeof *c);
        for (uint64_t i = 0; i < total; i++)
            c[i] = i + 1;
        *out = c;
        return total;
    }
    uint64_t space = n >= 64 ? UINT64_MAX : (1ULL << n) - 1;
    if (runs > space)
        return error_set(err, NULL, 0, 0, "--runs %llu is more than the %llu combinations of %d datasets",
                         (unsigned long long)runs, (unsigned long long)space, n), 0;
    if (runs > SYNTH_RUNS_MAX)
        return error_set(err, NULL, 0, 0, "--runs must be at most %llu", SYNTH_RUNS_MAX), 0;
    size_t cap = 16;
    while (cap < runs * 2)
        cap *= 2;
    combo_t *set = xcalloc(cap, sizeof *set);
    combo_t *c = xmalloc(runs * sizeof *c);
    uint64_t k = 0;
    for (int d = 0; d < n && k < runs && runs >= (uint64_t)n; d++)
        if (set_add(set, cap - 1, combo_single(d)))
            c[k++] = combo_single(d);
    uint64_t st = m->seed ^ 0x73616D706C696E67ULL;
    combo_t all = combo_all(n);
    while (k < runs) {
        combo_t x = splitmix64(&st) & all;
        if (x && set_add(set, cap - 1, x))
            c[k++] = x;
    }
    free(set);
    qsort(c, (size_t)runs, sizeof *c, cmp_combo);
    *out = c;
    return runs;
}

bool synth_write_table(const synth_model *m, const combo_t *combos, uint64_t n, FILE *out,
                       const char *display, cs_error *err)
{
    int width = 4;
    for (uint64_t x = n; x >= 10000; x /= 10)
        width++;
    /* Combination names built once per run, dataset order. */
    char cname[COMBO_MAX_DATASETS * 33];
    if (fputs("run,combination,dataset,task,precision,recall,f1\n", out) == EOF)
        return error_set(err, display, 0, 0, "cannot write: write error");
    for (uint64_t i = 0; i < n; i++) {
        int members[COMBO_MAX_DATASETS];
        int k = combo_members(combos[i], members);
        size_t len = 0;
        for (int j = 0; j < k; j++)
            len += (size_t)snprintf(cname + len, sizeof cname - len, "%s%s", j ? "+" : "",
                                    m->names[members[j]]);
        for (int j = 0; j < k; j++) {
            double p, r, f;
            int d = members[j];
            synth_measure(m, combos[i], d, &p, &r, &f);
            if (fprintf(out, "r%0*llu,%s,%s,%s,%.4f,%.4f,%.4f\n", width, (unsigned long long)(i + 1),
                        cname, m->names[d], m->tasks[d], p, r, f) < 0)
                return error_set(err, display, 0, 0, "cannot write: write error");
        }
    }
    return true;
}
