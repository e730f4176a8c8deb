/* search: candidates, acquisition and batch selection (rounds for
 * several targets: search_joint.c; initial designs and the stop rule: search_design.c). */
#include "comboscope/search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/par.h"
#include "comboscope/rng.h"
#include "comboscope/text.h"
#include "search_impl.h"

static const char *const acq_names[] = {
#define X(e, name, help) name,
    SEARCH_ACQUISITIONS(X)
#undef X
};

bool search_acquisition_parse(const char *name, search_acquisition *out)
{
    for (int a = 0; a < SEARCH_N_ACQUISITIONS; a++)
        if (name && strcmp(name, acq_names[a]) == 0) {
            *out = (search_acquisition)a;
            return true;
        }
    return false;
}

const char *search_acquisition_name(search_acquisition a)
{
    return (unsigned)a < SEARCH_N_ACQUISITIONS ? acq_names[a] : "?";
}

const char *search_acquisition_list(void)
{
    static char buf[128];
    if (!buf[0])
        for (int a = 0; a < SEARCH_N_ACQUISITIONS; a++) {
            if (a)
                strcat(buf, ", ");
            strcat(buf, acq_names[a]);
        }
    return buf;
}

/* ---------- a set of combinations (open addressing; 0 marks an empty slot) ---------- */

void search_set_init(combo_set *s, size_t expect)
{
    s->cap = 16;
    while (s->cap < expect * 2 + 16)
        s->cap *= 2;
    s->slot = xcalloc(s->cap, sizeof *s->slot);
    s->count = 0;
}

bool search_set_has(const combo_set *s, combo_t c)
{
    for (size_t i = rng_mix(c) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (s->slot[i] == c)
            return true;
        if (s->slot[i] == 0)
            return false;
    }
}

/* Adds c (never 0); true if it was new. */
bool search_set_add(combo_set *s, combo_t c)
{
    if ((s->count + 1) * 2 > s->cap) {
        combo_set t;
        search_set_init(&t, s->cap);
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i])
                search_set_add(&t, s->slot[i]);
        free(s->slot);
        *s = t;
    }
    size_t i = rng_mix(c) & (s->cap - 1);
    while (s->slot[i] && s->slot[i] != c)
        i = (i + 1) & (s->cap - 1);
    if (s->slot[i] == c)
        return false;
    s->slot[i] = c;
    s->count++;
    return true;
}

void search_set_free(combo_set *s) { free(s->slot); }

uint64_t search_remaining(int n, int target, const combo_t *x, size_t m)
{
    if (n < 1 || n > 63)
        return 0;
    combo_set seen;
    search_set_init(&seen, m);
    combo_t all = combo_all(n);
    for (size_t i = 0; i < m; i++)
        if (combo_has(x[i], target) && (x[i] & ~all) == 0)
            search_set_add(&seen, x[i]);
    uint64_t left = combo_lattice_size(n) - seen.count;
    search_set_free(&seen);
    return left;
}

/* ---------- scoring ---------- */

/* The shortlist: the best L candidates by a screening score, kept in a min-heap, with the
 * members' predictions of each. */
typedef struct shortlist {
    size_t cap, len;
    int S;
    combo_t *combo;
    double *key;
    double *F; /* cap x S */
} shortlist;

static void heap_swap(shortlist *h, size_t a, size_t b)
{
    combo_t c = h->combo[a];
    h->combo[a] = h->combo[b];
    h->combo[b] = c;
    double k = h->key[a];
    h->key[a] = h->key[b];
    h->key[b] = k;
    for (int s = 0; s < h->S; s++) {
        double t = h->F[a * h->S + s];
        h->F[a * h->S + s] = h->F[b * h->S + s];
        h->F[b * h->S + s] = t;
    }
}

/* Orders by key, ties broken by combination so that results never depend on visiting order. */
static bool heap_less(const shortlist *h, size_t a, size_t b)
{
    return h->key[a] < h->key[b] || (h->key[a] == h->key[b] && h->combo[a] > h->combo[b]);
}

static void shortlist_offer(shortlist *h, combo_t c, double key, const double *f)
{
    size_t i;
    if (h->len < h->cap) {
        i = h->len++;
        h->combo[i] = c;
        h->key[i] = key;
        memcpy(h->F + i * h->S, f, (size_t)h->S * sizeof *f);
        while (i > 0 && heap_less(h, i, (i - 1) / 2)) {
            heap_swap(h, i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
        return;
    }
    if (key < h->key[0] || (key == h->key[0] && c > h->combo[0]))
        return;
    h->combo[0] = c;
    h->key[0] = key;
    memcpy(h->F, f, (size_t)h->S * sizeof *f);
    for (i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, s = i;
        if (l < h->len && heap_less(h, l, s))
            s = l;
        if (r < h->len && heap_less(h, r, s))
            s = r;
        if (s == i)
            break;
        heap_swap(h, i, s);
        i = s;
    }
}

static double norm_pdf(double z) { return 0.3989422804014327 * exp(-0.5 * z * z); }
static double norm_cdf(double z) { return 0.5 * erfc(-z / 1.4142135623730951); }

double search_acquisition_value(search_acquisition a, double mu, double sd, double best)
{
    switch (a) {
    case ACQ_UCB: return mu + SEARCH_UCB_BETA * sd;
    case ACQ_EI:
        if (sd <= 0) /* no spread: the improvement itself, which still ranks by the mean */
            return mu - best;
        else {
            double z = (mu - best) / sd;
            return (mu - best) * norm_cdf(z) + sd * norm_pdf(z);
        }
    default: return mu;
    }
}

void search_moments(const double *f, int S, double *mu, double *sd)
{
    double m = 0, v = 0;
    for (int s = 0; s < S; s++)
        m += f[s];
    m /= S;
    for (int s = 0; s < S; s++)
        v += (f[s] - m) * (f[s] - m);
    *mu = m;
    *sd = S > 1 ? sqrt(v / (S - 1)) : 0;
}

/* Screening score: the acquisition itself, or for Thompson the best any member gives. */
static double screen(const search_settings *st, const double *f, int S, double best)
{
    if (st->acquisition == ACQ_THOMPSON) {
        double mx = f[0];
        for (int s = 1; s < S; s++)
            mx = f[s] > mx ? f[s] : mx;
        return mx;
    }
    double mu, sd;
    search_moments(f, S, &mu, &sd);
    return search_acquisition_value(st->acquisition, mu, sd, best);
}

typedef struct scorer {
    const search_settings *st;
    const predict_model *model;
    double sign; /* +1 for max, -1 for min: members are compared as sign * score */
    double best;
    shortlist *h;
    const combo_set *measured;
    double *f;
    uint64_t scored;
} scorer;

/* The shortlist key of a candidate whose members' (sign-adjusted) predictions are f. */
static double key_of(const scorer *sc, const double *f) { return screen(sc->st, f, sc->h->S, sc->best); }

static void score_one(scorer *sc, combo_t c)
{
    int S = sc->h->S;
    predict_eval_members(sc->model, c, sc->f);
    for (int s = 0; s < S; s++)
        sc->f[s] *= sc->sign;
    shortlist_offer(sc->h, c, key_of(sc, sc->f), sc->f);
    sc->scored++;
}

static bool visit_candidate(combo_t c, void *ctx)
{
    scorer *sc = ctx;
    if (!search_set_has(sc->measured, c))
        score_one(sc, c);
    return true;
}

/* Enumeration: the target's lattice in Gray-code order (consecutive combinations differ by one
 * dataset, so a cursor updates its sums instead of recomputing them), cut into blocks of
 * SCORE_BLOCK indices that threads take in any order. Each block starts from scratch (a cursor
 * reset) and has its own shortlist per thread; the shortlists are merged at the end. A score thus
 * depends only on its block, and the merged shortlist is the best SHORTLIST by (key, combination),
 * a total order: the result is the same bytes whatever the number of threads. */

typedef struct worker_state {
    shortlist h;
    predict_cursor *cur;
    double *f; /* SCORE_BATCH x S: each candidate's members */
    double *F; /* S x SCORE_BATCH: the same, member-major */
    uint64_t scored;
} worker_state;

typedef struct enum_job {
    const scorer *sc; /* settings, model, sign, measured set, key rule (read only) */
    int n, target, S;
    uint64_t size; /* lattice indices */
    size_t cap;    /* shortlist capacity */
    worker_state *w[PAR_MAX_THREADS]; /* made by each worker on first use */
} enum_job;

static void shortlist_alloc(shortlist *h, size_t cap, int S)
{
    *h = (shortlist){.S = S, .cap = cap};
    h->combo = xmalloc(cap * sizeof *h->combo);
    h->key = xmalloc(cap * sizeof *h->key);
    h->F = xmalloc(cap * (size_t)S * sizeof *h->F);
}

static void shortlist_free(shortlist *h)
{
    free(h->combo);
    free(h->key);
    free(h->F);
}

/* Candidates are scored SCORE_BATCH at a time, their members kept member-major too, so that the
 * batch's moments are summed side by side (each candidate's sums in moments' own order: the same
 * values) instead of one chain of dependent additions after another. */
#define SCORE_BATCH 8

/* The keys of the nb candidates of a batch (members f, candidate-major; F, member-major). */
static void batch_keys(const scorer *sc, const double *f, const double *F, int nb, int S, double *key)
{
    if (sc->st->acquisition == ACQ_THOMPSON) {
        for (int k = 0; k < nb; k++)
            key[k] = key_of(sc, f + (size_t)k * S);
        return;
    }
    double m[SCORE_BATCH] = {0}, v[SCORE_BATCH] = {0};
    for (int s = 0; s < S; s++)
        for (int k = 0; k < SCORE_BATCH; k++)
            m[k] += F[s * SCORE_BATCH + k];
    for (int k = 0; k < SCORE_BATCH; k++)
        m[k] /= S;
    for (int s = 0; s < S; s++)
        for (int k = 0; k < SCORE_BATCH; k++) {
            double d = F[s * SCORE_BATCH + k] - m[k];
            v[k] += d * d;
        }
    for (int k = 0; k < nb; k++)
        key[k] = search_acquisition_value(sc->st->acquisition, m[k], S > 1 ? sqrt(v[k] / (S - 1)) : 0, sc->best);
}

static void score_block(void *ctx, size_t blk, int worker)
{
    enum_job *j = ctx;
    worker_state *w = j->w[worker];
    int S = j->S;
    if (!w) {
        w = j->w[worker] = xcalloc(1, sizeof *w);
        shortlist_alloc(&w->h, j->cap, S);
        w->cur = predict_cursor_new(j->sc->model);
        w->f = xcalloc((size_t)S * SCORE_BATCH, sizeof *w->f);
        w->F = xcalloc((size_t)S * SCORE_BATCH, sizeof *w->F);
    }
    uint64_t lo = (uint64_t)blk * SCORE_BLOCK, hi = lo + SCORE_BLOCK < j->size ? lo + SCORE_BLOCK : j->size;
    predict_cursor_reset(w->cur);
    combo_t cb[SCORE_BATCH];
    double key[SCORE_BATCH];
    int nb = 0;
    for (uint64_t i = lo; i < hi || nb > 0; i++) {
        if (i < hi) {
            combo_t c = combo_lattice_at(j->n, j->target, combo_gray(i));
            if (search_set_has(j->sc->measured, c))
                continue;
            double *f = w->f + (size_t)nb * S;
            predict_cursor_eval(w->cur, c, f);
            for (int s = 0; s < S; s++) {
                f[s] *= j->sc->sign;
                w->F[s * SCORE_BATCH + nb] = f[s];
            }
            cb[nb++] = c;
            if (nb < SCORE_BATCH && i + 1 < hi)
                continue;
        }
        batch_keys(j->sc, w->f, w->F, nb, S, key);
        for (int k = 0; k < nb; k++)
            shortlist_offer(&w->h, cb[k], key[k], w->f + (size_t)k * S);
        w->scored += (uint64_t)nb;
        nb = 0;
    }
}

/* Order of the merged shortlist: by combination, so that what follows never depends on the order
 * in which the threads' entries were merged. */
typedef struct entry_ref {
    combo_t c;
    size_t i;
} entry_ref;

static int by_combo(const void *a, const void *b)
{
    combo_t x = ((const entry_ref *)a)->c, y = ((const entry_ref *)b)->c;
    return x < y ? -1 : x > y;
}

static void enumerate(scorer *sc, int n, int target)
{
    const shortlist *h0 = sc->h;
    enum_job j = {sc, n, target, h0->S, combo_lattice_size(n), h0->cap, {0}};
    par_for((size_t)((j.size + SCORE_BLOCK - 1) / SCORE_BLOCK), score_block, &j);
    shortlist *h = sc->h;
    for (int t = 0; t < PAR_MAX_THREADS; t++) {
        worker_state *w = j.w[t];
        if (!w)
            continue;
        for (size_t i = 0; i < w->h.len; i++)
            shortlist_offer(h, w->h.combo[i], w->h.key[i], w->h.F + i * (size_t)h->S);
        sc->scored += w->scored;
        shortlist_free(&w->h);
        predict_cursor_free(w->cur);
        free(w->f);
        free(w->F);
        free(w);
    }
    /* Canonical order (the heap property is not needed any more). */
    size_t L = h->len, S = (size_t)h->S;
    entry_ref *ix = xmalloc((L ? L : 1) * sizeof *ix);
    for (size_t i = 0; i < L; i++)
        ix[i] = (entry_ref){h->combo[i], i};
    qsort(ix, L, sizeof *ix, by_combo);
    shortlist t;
    shortlist_alloc(&t, h->cap, h->S);
    for (size_t i = 0; i < L; i++) {
        t.combo[i] = h->combo[ix[i].i];
        t.key[i] = h->key[ix[i].i];
        memcpy(t.F + i * S, h->F + ix[i].i * S, S * sizeof *t.F);
    }
    t.len = L;
    free(ix);
    shortlist_free(h);
    *h = t;
}

/* Above SEARCH_ENUMERATE_MAX datasets: local search. Start from the 8 best measured
 * combinations, score every unmeasured combination within two flips of them, then three times
 * expand one flip around the 16 best candidates so far. */
static void local_search(scorer *sc, int n, int target, const combo_t *x, const double *y, size_t m)
{
    size_t *order = xmalloc((m ? m : 1) * sizeof *order);
    for (size_t i = 0; i < m; i++)
        order[i] = i;
    for (size_t i = 0; i < m; i++) /* partial selection sort: the few best */
        for (size_t j = i + 1; j < m && i < 8; j++)
            if (sc->sign * y[order[j]] > sc->sign * y[order[i]]) {
                size_t t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
    combo_set seen;
    search_set_init(&seen, 4096);
    combo_t base[64];
    int nb = 0;
    for (size_t i = 0; i < m && nb < 8; i++)
        base[nb++] = x[order[i]];
    if (nb == 0)
        base[nb++] = combo_single(target);
    free(order);
    combo_t nbr[64], nbr2[64];
    for (int b = 0; b < nb; b++) {
        int k = combo_neighbours(base[b], n, target, nbr);
        for (int i = 0; i < k; i++) {
            if (search_set_add(&seen, nbr[i]) && !search_set_has(sc->measured, nbr[i]))
                score_one(sc, nbr[i]);
            int k2 = combo_neighbours(nbr[i], n, target, nbr2);
            for (int j = 0; j < k2; j++)
                if (search_set_add(&seen, nbr2[j]) && !search_set_has(sc->measured, nbr2[j]))
                    score_one(sc, nbr2[j]);
        }
    }
    for (int iter = 0; iter < 3; iter++) {
        /* The 16 best in the shortlist (a heap: copy and sort its keys). */
        size_t L = sc->h->len;
        size_t *ix = xmalloc((L ? L : 1) * sizeof *ix);
        for (size_t i = 0; i < L; i++)
            ix[i] = i;
        for (size_t i = 0; i < L && i < 16; i++)
            for (size_t j = i + 1; j < L; j++)
                if (sc->h->key[ix[j]] > sc->h->key[ix[i]]) {
                    size_t t = ix[i];
                    ix[i] = ix[j];
                    ix[j] = t;
                }
        combo_t from[16];
        int nf = 0;
        for (size_t i = 0; i < L && nf < 16; i++)
            from[nf++] = sc->h->combo[ix[i]];
        free(ix);
        for (int f = 0; f < nf; f++) {
            int k = combo_neighbours(from[f], n, target, nbr);
            for (int i = 0; i < k; i++)
                if (search_set_add(&seen, nbr[i]) && !search_set_has(sc->measured, nbr[i]))
                    score_one(sc, nbr[i]);
        }
    }
    search_set_free(&seen);
}

/* The believer: conditions the members of every candidate not taken on a pick whose members'
 * (sign-adjusted) values are fc, as on a measurement as uncertain as the prediction (ensemble
 * Kalman update: the mean is unchanged, the spread shrinks where members co-vary with the pick). */
static void believe(shortlist *h, const bool *taken, const double *fc, double *dev)
{
    int S = h->S;
    double mu, sd;
    search_moments(fc, S, &mu, &sd);
    if (S < 2 || !(sd > 0))
        return;
    double var_c = sd * sd;
    for (int s = 0; s < S; s++)
        dev[s] = fc[s] - mu;
    for (size_t i = 0; i < h->len; i++) {
        if (taken[i])
            continue;
        double *fi = h->F + i * S, mi = 0, cov = 0;
        for (int s = 0; s < S; s++)
            mi += fi[s];
        mi /= S;
        for (int s = 0; s < S; s++)
            cov += (fi[s] - mi) * dev[s];
        cov /= S - 1;
        double gain = cov / (var_c * (1 + SEARCH_BELIEVER_NOISE));
        for (int s = 0; s < S; s++)
            fi[s] -= gain * dev[s];
    }
}

/* One round with model. The last nfixed of the m runs x are not measured runs but picks this
 * batch has already made (by another model): they are not candidates, do not count for the best
 * measured value, and the members are conditioned on each of them before the first pick. */
static int round_with(const search_settings *st, const predict_model *model, int n, int target,
                      const combo_t *x, const double *y, size_t m, size_t nfixed, search_suggestion *out,
                      search_info *info)
{
    search_info dummy;
    if (!info)
        info = &dummy;
    memset(info, 0, sizeof *info);
    int S = predict_members(model);
    int k = st->batch > 0 ? st->batch : 1;
    double sign = st->minimize ? -1 : 1;
    combo_set measured;
    search_set_init(&measured, m);
    double best = -INFINITY;
    combo_t all = combo_all(n);
    for (size_t i = 0; i < m; i++)
        if (combo_has(x[i], target) && (x[i] & ~all) == 0) {
            search_set_add(&measured, x[i]);
            if (i < m - nfixed && sign * y[i] > best)
                best = sign * y[i];
        }
    info->remaining = n <= 63 ? combo_lattice_size(n) - measured.count : 0;
    shortlist h = {0};
    h.S = S;
    h.cap = (size_t)(k * 32 > 512 ? k * 32 : 512);
    h.combo = xmalloc(h.cap * sizeof *h.combo);
    h.key = xmalloc(h.cap * sizeof *h.key);
    h.F = xmalloc(h.cap * (size_t)S * sizeof *h.F);
    double *f = xmalloc((size_t)S * sizeof *f);
    scorer sc = {st, model, sign, best, &h, &measured, f, 0};
    predict_choice choice;
    if (predict_auto_choice(model, &choice)) {
        info->automatic = true;
        info->choice = choice;
    }
    if (st->pool) {
        info->enumerated = true;
        for (size_t i = 0; i < st->pool_len; i++)
            if (combo_has(st->pool[i], target) && (st->pool[i] & ~all) == 0)
                visit_candidate(st->pool[i], &sc);
        info->remaining = 0;
        for (size_t i = 0; i < st->pool_len; i++)
            info->remaining += combo_has(st->pool[i], target) && (st->pool[i] & ~all) == 0 &&
                               !search_set_has(&measured, st->pool[i]);
    } else if (n <= SEARCH_ENUMERATE_MAX) {
        info->enumerated = true;
        enumerate(&sc, n, target);
    } else {
        local_search(&sc, n, target, x, y, m);
    }
    info->candidates = sc.scored;

    /* Batch: condition on the picks made before this round (nfixed), then pick the best by the
     * rule, condition the members on the pick (believe), re-score, repeat. */
    size_t L = h.len;
    bool *taken = xcalloc(L ? L : 1, sizeof *taken);
    int picks = 0;
    cs_rng rng;
    rng_seed(&rng, st->seed, 0x7a3 + (uint64_t)target);
    int member0 = (int)rng_below(&rng, (uint64_t)S);
    double *dev = xmalloc((size_t)S * sizeof *dev);
    for (size_t i = m - nfixed; i < m; i++) {
        predict_eval_members(model, x[i], f);
        for (int s = 0; s < S; s++)
            f[s] *= sign;
        believe(&h, taken, f, dev);
    }
    for (; picks < k && (size_t)picks < L; picks++) {
        int draw = (member0 + picks) % S;
        size_t bi = L;
        double bv = -INFINITY;
        for (size_t i = 0; i < L; i++) {
            if (taken[i])
                continue;
            const double *fi = h.F + i * S;
            double v;
            if (st->acquisition == ACQ_THOMPSON) {
                v = fi[draw];
            } else {
                double mu, sd;
                search_moments(fi, S, &mu, &sd);
                v = search_acquisition_value(st->acquisition, mu, sd, best);
            }
            if (bi == L || v > bv || (v == bv && h.combo[i] < h.combo[bi])) {
                bi = i;
                bv = v;
            }
        }
        taken[bi] = true;
        double mu, sd;
        search_moments(h.F + bi * S, S, &mu, &sd);
        out[picks].combo = h.combo[bi];
        out[picks].predicted = sign * mu;
        out[picks].sd = sd;
        out[picks].acquisition = bv;
        believe(&h, taken, h.F + bi * S, dev);
    }
    free(dev);
    free(taken);
    free(f);
    free(h.combo);
    free(h.key);
    free(h.F);
    search_set_free(&measured);
    return picks;
}

int search_round_model(const search_settings *st, const predict_model *model, int n, int target,
                       const combo_t *x, const double *y, size_t m, search_suggestion *out,
                       search_info *info)
{
    predict_choice choice;
    int k = st->batch > 0 ? st->batch : 1;
    if (k == 1 || !predict_auto_choice(model, &choice) || choice.chosen == PREDICT_GP || m > PREDICT_AUTO_GP_MAX)
        return round_with(st, model, n, target, x, y, m, 0, out, info);
    /* auto chose mlp, one network without spread, for a batch: its k best by the mean crowd one
     * spot (BENCHMARKS.md, search suite, batches of 4: with that, and spreading when mlp had no
     * skill, the default needed up to 16% more runs than mlp + mean on the small tables). The
     * first pick is mlp's; the rest of the batch comes from the GP's posterior conditioned on the
     * earlier picks (a kriging believer). */
    search_settings one = *st;
    one.batch = 1;
    int got = round_with(&one, model, n, target, x, y, m, 0, out, info);
    if (got < 1)
        return got;
    cs_error err;
    predict_model *gp = predict_fit(PREDICT_GP, n, target, x, y, m, st->seed, PREDICT_FULL, &err);
    if (!gp) /* cannot happen with a model auto could fit; the batch is then mlp's alone */
        return round_with(st, model, n, target, x, y, m, 0, out, info);
    combo_t *x2 = xmalloc((m + 1) * sizeof *x2);
    double *y2 = xmalloc((m + 1) * sizeof *y2);
    memcpy(x2, x, m * sizeof *x2);
    memcpy(y2, y, m * sizeof *y2);
    x2[m] = out[0].combo;
    y2[m] = out[0].predicted;
    search_settings rest = *st;
    rest.batch = k - 1;
    int more = round_with(&rest, gp, n, target, x2, y2, m + 1, 1, out + 1, NULL);
    if (info)
        info->later_by_gp = more > 0;
    predict_free(gp);
    free(x2);
    free(y2);
    return 1 + (more > 0 ? more : 0);
}

int search_round(const search_settings *st, int n, int target, const combo_t *x, const double *y,
                 size_t m, search_suggestion *out, search_info *info, cs_error *err)
{
    /* Fit on the measured points that belong to this lattice. */
    combo_t *fx = xmalloc((m ? m : 1) * sizeof *fx);
    double *fy = xmalloc((m ? m : 1) * sizeof *fy);
    size_t fm = 0;
    combo_t all = combo_all(n);
    for (size_t i = 0; i < m; i++)
        if (combo_has(x[i], target) && (x[i] & ~all) == 0) {
            fx[fm] = x[i];
            fy[fm++] = y[i];
        }
    predict_model *model = predict_fit(st->predictor, n, target, fx, fy, fm, st->seed, PREDICT_FULL, err);
    int r = -1;
    if (model)
        r = search_round_model(st, model, n, target, fx, fy, fm, out, info);
    predict_free(model);
    free(fx);
    free(fy);
    return r;
}

int search_round_runs(const search_settings *st, int target, const predict_runs *runs,
                      search_suggestion *out, search_info *info, cs_error *err)
{
    combo_t *x;
    double *y;
    size_t m = predict_runs_target(runs, target, &x, &y);
    predict_model *model = predict_fit_runs(st->predictor, target, runs, st->seed, PREDICT_FULL, err);
    int r = -1;
    if (model)
        r = search_round_model(st, model, runs->n, target, x, y, m, out, info);
    predict_free(model);
    free(x);
    free(y);
    return r;
}
