/* replay: the search against an oracle table, and exact figures for random search. */
#include "comboscope/replay.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/rng.h"
#include "comboscope/text.h"

double replay_random_runs(uint64_t n, uint64_t good)
{
    return ((double)n + 1.0) / ((double)good + 1.0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double replay_quantile(double *v, size_t k, double q)
{
    if (k == 0)
        return NAN;
    qsort(v, k, sizeof *v, cmp_double);
    double pos = q * (double)(k - 1);
    size_t lo = (size_t)floor(pos), hi = (size_t)ceil(pos);
    if (isinf(v[hi]))
        return INFINITY;
    return v[lo] + (v[hi] - v[lo]) * (pos - (double)lo);
}

double replay_speedup(const double *random, const double *runs, size_t k)
{
    double s = 0;
    for (size_t i = 0; i < k; i++) {
        if (!isfinite(runs[i]) || runs[i] <= 0)
            return NAN;
        s += log(random[i] / runs[i]);
    }
    return k ? exp(s / (double)k) : NAN;
}

bool replay_check_complete(const study *s, int target, cs_error *err)
{
    const char *file = s->path ? s->path : "table";
    if (s->n_datasets > REPLAY_MAX_DATASETS)
        return error_set(err, file, 0, 0, "replay needs a complete table of at most %d datasets (this has %d)",
                         REPLAY_MAX_DATASETS, s->n_datasets);
    uint64_t lattice = combo_lattice_size(s->n_datasets), missing = 0;
    char names[300] = "", buf[1024];
    int shown = 0;
    for (uint64_t i = 0; i < lattice; i++) {
        combo_t c = combo_lattice_at(s->n_datasets, target, i);
        double v;
        if (study_score(s, c, target, &v))
            continue;
        missing++;
        if (shown < 3) {
            char safe[256];
            text_sanitize(study_combo_format(s, c, buf, sizeof buf), safe, sizeof safe);
            if (strlen(names) + strlen(safe) + 3 < sizeof names) {
                if (shown)
                    strcat(names, ", ");
                strcat(names, safe);
                shown++;
            }
        }
    }
    if (!missing)
        return true;
    char tname[128];
    text_sanitize(s->datasets[target].name, tname, sizeof tname);
    return error_set(err, file, 0, 0,
                     "not complete enough for replay: %llu of %llu combinations containing %s have no %s score (missing: %s%s)",
                     (unsigned long long)missing, (unsigned long long)lattice, tname,
                     s->metrics[s->metric], names, missing > (uint64_t)shown ? ", ..." : "");
}

/* Stores run m's score of every member (NAN where the table has none) in (*sc)[m * n ...]. */
static void record_run(const study *s, combo_t c, double **sc, size_t *cap, size_t m)
{
    int n = s->n_datasets;
    if (m >= *cap) {
        *cap *= 2;
        *sc = xrealloc(*sc, *cap * (size_t)n * sizeof **sc);
    }
    for (int d = 0; d < n; d++) {
        double v;
        (*sc)[m * n + d] = combo_has(c, d) && study_score(s, c, d, &v) ? v : NAN;
    }
}

static int cmp_combo(const void *a, const void *b)
{
    combo_t x = *(const combo_t *)a, y = *(const combo_t *)b;
    return x < y ? -1 : x > y;
}

/* The oracle: the candidates in increasing order, with their sign-adjusted scores. */
typedef struct oracle {
    combo_t *combo;
    double *val;
    uint64_t len;
} oracle;

/* Index of c in the oracle, or -1. */
static int64_t oracle_find(const oracle *o, combo_t c)
{
    uint64_t lo = 0, hi = o->len;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (o->combo[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < o->len && o->combo[lo] == c ? (int64_t)lo : -1;
}

double replay_random_median(uint64_t n, uint64_t good)
{
    if (good == 0 || n == 0)
        return INFINITY;
    /* P(no good in t draws) = prod_{i<t} (n - good - i) / (n - i). */
    double miss = 1;
    for (uint64_t t = 1; t <= n; t++) {
        miss *= (double)(n - good - (t - 1)) / (double)(n - (t - 1));
        if (miss <= 0.5)
            return (double)t;
    }
    return (double)n;
}

bool replay_target(const study *s, int target, const replay_options *opt, replay_result *out,
                   cs_error *err)
{
    int n = s->n_datasets;
    double sign = s->goal == GOAL_MIN ? -1 : 1;
    oracle o = {0};
    if (opt->pool) {
        const char *file = s->path ? s->path : "table";
        if (n > 63)
            return error_set(err, file, 0, 0, "replay --pool needs at most 63 datasets (this has %d)", n);
        double *pts;
        o.len = study_target_points(s, target, &o.combo, &pts);
        free(pts);
        qsort(o.combo, o.len, sizeof *o.combo, cmp_combo);
        uint64_t w = 0; /* distinct */
        for (uint64_t i = 0; i < o.len; i++)
            if (i == 0 || o.combo[i] != o.combo[w - 1])
                o.combo[w++] = o.combo[i];
        o.len = w;
        if (o.len < 2) {
            free(o.combo);
            char tname[128];
            text_sanitize(s->datasets[target].name, tname, sizeof tname);
            return error_set(err, file, 0, 0, "replay --pool: fewer than 2 measured combinations contain %s", tname);
        }
    } else {
        if (!replay_check_complete(s, target, err))
            return false;
        o.len = combo_lattice_size(n);
        o.combo = xmalloc(o.len * sizeof *o.combo);
        for (uint64_t i = 0; i < o.len; i++)
            o.combo[i] = combo_lattice_at(n, target, i);
        qsort(o.combo, o.len, sizeof *o.combo, cmp_combo);
    }
    uint64_t lattice = o.len;
    o.val = xmalloc(lattice * sizeof *o.val);
    for (uint64_t i = 0; i < lattice; i++) {
        double v = 0;
        study_score(s, o.combo[i], target, &v);
        o.val[i] = sign * v;
    }
    double *sorted = xmalloc(lattice * sizeof *sorted);
    memcpy(sorted, o.val, lattice * sizeof *sorted);
    qsort(sorted, lattice, sizeof *sorted, cmp_double);
    double best = sorted[lattice - 1];
    uint64_t top_k = (lattice + 99) / 100;
    double top_threshold = sorted[lattice - top_k];
    memset(out, 0, sizeof *out);
    out->target = target;
    out->lattice = lattice;
    out->best_score = sign * best;
    for (uint64_t i = 0; i < lattice; i++) {
        out->n_best += o.val[i] == best;
        out->n_top += o.val[i] >= top_threshold;
    }
    out->random_best = replay_random_runs(lattice, out->n_best);
    out->random_top = replay_random_runs(lattice, out->n_top);
    out->random_best_median = replay_random_median(lattice, out->n_best);
    out->random_top_median = replay_random_median(lattice, out->n_top);
    free(sorted);

    int task[COMBO_MAX_DATASETS];
    for (int i = 0; i < n && i < COMBO_MAX_DATASETS; i++)
        task[i] = s->datasets[i].task;
    int seeds = opt->seeds > 0 ? opt->seeds : 1;
    double *runs_best = xmalloc((size_t)seeds * sizeof *runs_best);
    double *runs_top = xmalloc((size_t)seeds * sizeof *runs_top);
    combo_t *x = xmalloc(lattice * sizeof *x);
    double *y = xmalloc(lattice * sizeof *y);
    /* Every member's score of every run made, for predictors that learn from all of them. */
    size_t cap = 64;
    double *sc = xmalloc(cap * (size_t)n * sizeof *sc);
    int k = opt->search.batch > 0 ? opt->search.batch : 1;
    search_suggestion *picks = xmalloc((size_t)k * sizeof *picks);
    bool ok = true;
    for (int sd = 0; sd < seeds && ok; sd++) {
        uint64_t seed = opt->search.seed + (uint64_t)sd;
        size_t m = 0, ninit = 0;
        double have = -INFINITY;
        runs_best[sd] = runs_top[sd] = INFINITY;
        combo_t *init = search_initial_design(&opt->init, n, target, task, seed, &ninit);
        if (opt->pool && opt->init.kind == DESIGN_RANDOM) { /* random:N draws from the pool */
            cs_rng rng;
            rng_seed(&rng, seed, 0xd0 + (uint64_t)target);
            uint64_t want = (uint64_t)opt->init.count < o.len ? (uint64_t)opt->init.count : o.len;
            uint64_t *ix = xmalloc(o.len * sizeof *ix);
            for (uint64_t i = 0; i < o.len; i++)
                ix[i] = i;
            for (uint64_t i = 0; i < want; i++) {
                uint64_t j = i + rng_below(&rng, o.len - i), t = ix[i];
                ix[i] = ix[j];
                ix[j] = t;
            }
            free(init);
            init = xmalloc(want * sizeof *init);
            for (uint64_t i = 0; i < want; i++)
                init[i] = o.combo[ix[i]];
            ninit = (size_t)want;
            free(ix);
        } else if (opt->pool) { /* keep the design's pool members; never start empty */
            size_t w = 0;
            for (size_t i = 0; i < ninit; i++)
                if (oracle_find(&o, init[i]) >= 0)
                    init[w++] = init[i];
            ninit = w;
            if (!ninit) {
                cs_rng rng;
                rng_seed(&rng, seed, 0x9001 + (uint64_t)target);
                init[0] = oracle_find(&o, combo_single(target)) >= 0 ? combo_single(target)
                                                                     : o.combo[rng_below(&rng, o.len)];
                ninit = 1;
            }
        }
        for (size_t i = 0; i < ninit && (!opt->budget || m < opt->budget); i++) {
            record_run(s, init[i], &sc, &cap, m);
            x[m] = init[i];
            y[m] = sign * o.val[oracle_find(&o, init[i])];
            if (sign * y[m] > have)
                have = sign * y[m];
            m++;
        }
        free(init);
        if (have >= best)
            runs_best[sd] = (double)m;
        if (have >= top_threshold)
            runs_top[sd] = (double)m;
        search_settings st = opt->search;
        st.batch = k;
        st.minimize = s->goal == GOAL_MIN;
        if (opt->pool) {
            st.pool = o.combo;
            st.pool_len = o.len;
        }
        search_stop stop = {opt->patience, opt->budget};
        int stale = 0;
        for (int round = 1; isinf(runs_best[sd]) && m < lattice; round++) {
            if (search_should_stop(&stop, stale, m))
                break;
            st.seed = seed * 1000003ULL + (uint64_t)round;
            if (opt->budget && m + (size_t)st.batch > opt->budget)
                st.batch = (int)(opt->budget - m);
            predict_runs runs = {n, m, x, sc};
            int got = search_round_runs(&st, target, &runs, picks, NULL, err);
            if (got <= 0) {
                ok = got == 0;
                break;
            }
            double before = have;
            for (int i = 0; i < got; i++) {
                int64_t at = oracle_find(&o, picks[i].combo);
                if (at < 0) { /* cannot happen: candidates come from the oracle */
                    ok = false;
                    error_set(err, s->path, 0, 0, "replay: a suggestion outside the table");
                    break;
                }
                record_run(s, picks[i].combo, &sc, &cap, m);
                x[m] = picks[i].combo;
                y[m] = sign * o.val[at];
                if (sign * y[m] > have)
                    have = sign * y[m];
                m++;
            }
            if (!ok)
                break;
            stale = have > before ? 0 : stale + 1;
            if (have >= best && isinf(runs_best[sd]))
                runs_best[sd] = (double)m;
            if (have >= top_threshold && isinf(runs_top[sd]))
                runs_top[sd] = (double)m;
        }
        if (ok && opt->progress)
            opt->progress(opt->progress_ctx);
    }
    if (ok) {
        for (int i = 0; i < seeds; i++) {
            out->found_best += isfinite(runs_best[i]);
            out->found_top += isfinite(runs_top[i]);
        }
        out->best_median = replay_quantile(runs_best, (size_t)seeds, 0.5);
        out->best_p90 = replay_quantile(runs_best, (size_t)seeds, 0.9);
        out->top_median = replay_quantile(runs_top, (size_t)seeds, 0.5);
        out->top_p90 = replay_quantile(runs_top, (size_t)seeds, 0.9);
    }
    free(runs_best);
    free(runs_top);
    free(x);
    free(y);
    free(picks);
    free(o.val);
    free(o.combo);
    free(sc);
    return ok;
}

/* ---------- several targets ---------- */

typedef struct joint_run {
    const study *s;
    int n, nt;
    const int *targets;
    const double *best; /* per target, sign-adjusted */
    double sign;
    combo_t *x;
    double *sc;
    size_t m, cap;
    unsigned char *done; /* by combination */
    bool found[COMBO_MAX_DATASETS];
    int n_found;
} joint_run;

static void joint_add(joint_run *r, combo_t c)
{
    if (r->done[c])
        return;
    r->done[c] = 1;
    if (r->m >= r->cap) { /* record_run grows sc; x follows */
        r->x = xrealloc(r->x, r->cap * 2 * sizeof *r->x);
    }
    record_run(r->s, c, &r->sc, &r->cap, r->m);
    r->x[r->m++] = c;
    for (int j = 0; j < r->nt; j++) {
        double v;
        if (!r->found[j] && combo_has(c, r->targets[j]) && study_score(r->s, c, r->targets[j], &v) &&
            r->sign * v >= r->best[j]) {
            r->found[j] = true;
            r->n_found++;
        }
    }
}

static void joint_design(joint_run *r, int target, uint64_t seed, const replay_options *opt)
{
    int task[COMBO_MAX_DATASETS];
    for (int i = 0; i < r->n; i++)
        task[i] = r->s->datasets[i].task;
    size_t nd;
    combo_t *d = search_initial_design(&opt->init, r->n, target, task, seed, &nd);
    for (size_t i = 0; i < nd; i++)
        joint_add(r, d[i]);
    free(d);
}

bool replay_joint(const study *s, const int *targets, int nt, const replay_options *opt, replay_joint_result *out,
                  cs_error *err)
{
    int n = s->n_datasets;
    memset(out, 0, sizeof *out);
    out->targets = nt;
    if (nt < 1 || nt > COMBO_MAX_DATASETS)
        return error_set(err, s->path, 0, 0, "replay --joint needs at least one target");
    for (int j = 0; j < nt; j++)
        if (!replay_check_complete(s, targets[j], err))
            return false;
    double sign = s->goal == GOAL_MIN ? -1 : 1, best[COMBO_MAX_DATASETS];
    uint64_t total = (uint64_t)1 << n;
    for (int j = 0; j < nt; j++) {
        best[j] = -INFINITY;
        for (uint64_t i = 0; i < combo_lattice_size(n); i++) {
            double v;
            if (study_score(s, combo_lattice_at(n, targets[j], i), targets[j], &v) && sign * v > best[j])
                best[j] = sign * v;
        }
    }
    int seeds = opt->seeds > 0 ? opt->seeds : 1, k = opt->search.batch > 0 ? opt->search.batch : 1;
    double *jr = xmalloc((size_t)seeds * sizeof *jr), *sr = xmalloc((size_t)seeds * sizeof *sr);
    search_joint_pick *jp = xmalloc((size_t)k * sizeof *jp);
    search_suggestion *sp = xmalloc((size_t)k * sizeof *sp);
    bool ok = true;
    for (int sd = 0; sd < seeds && ok; sd++) {
        uint64_t seed = opt->search.seed + (uint64_t)sd;
        search_settings st = opt->search;
        st.batch = k;
        st.minimize = s->goal == GOAL_MIN;
        for (int mode = 0; mode < 2 && ok; mode++) { /* 0: joint, 1: one after another */
            joint_run r = {s, n, nt, targets, best, sign, NULL, NULL, 0, 64, NULL, {false}, 0};
            r.x = xmalloc(r.cap * sizeof *r.x);
            r.sc = xmalloc(r.cap * (size_t)n * sizeof *r.sc);
            r.done = xcalloc(total, 1);
            if (mode == 0) {
                for (int j = 0; j < nt; j++)
                    joint_design(&r, targets[j], seed, opt);
                for (int round = 1; r.n_found < nt && r.m + 1 < total; round++) {
                    if (opt->budget && r.m >= opt->budget)
                        break;
                    st.seed = seed * 1000003ULL + (uint64_t)round;
                    /* as each per-target search stops once its best is measured, the joint
                     * search stops serving a target then (the same knowledge both ways) */
                    int left[COMBO_MAX_DATASETS], nl = 0;
                    for (int j = 0; j < nt; j++)
                        if (!r.found[j])
                            left[nl++] = targets[j];
                    predict_runs runs = {n, r.m, r.x, r.sc};
                    int got = search_round_joint(&st, left, nl, &runs, jp, err);
                    if (got <= 0) {
                        ok = got == 0;
                        break;
                    }
                    for (int i = 0; i < got; i++)
                        joint_add(&r, jp[i].combo);
                }
                jr[sd] = r.n_found == nt ? (double)r.m : INFINITY;
            } else {
                for (int j = 0; j < nt && ok; j++) {
                    if (r.found[j])
                        continue;
                    joint_design(&r, targets[j], seed, opt);
                    for (int round = 1; !r.found[j] && r.m + 1 < total; round++) {
                        if (opt->budget && r.m >= opt->budget)
                            break;
                        st.seed = seed * 1000003ULL + (uint64_t)round;
                        predict_runs runs = {n, r.m, r.x, r.sc};
                        int got = search_round_runs(&st, targets[j], &runs, sp, NULL, err);
                        if (got <= 0) {
                            ok = got == 0;
                            break;
                        }
                        for (int i = 0; i < got; i++)
                            joint_add(&r, sp[i].combo);
                    }
                }
                sr[sd] = r.n_found == nt ? (double)r.m : INFINITY;
            }
            free(r.x);
            free(r.sc);
            free(r.done);
        }
    }
    if (ok) {
        for (int i = 0; i < seeds; i++) {
            out->joint_found += isfinite(jr[i]);
            out->sequential_found += isfinite(sr[i]);
        }
        out->joint_median = replay_quantile(jr, (size_t)seeds, 0.5);
        out->joint_p90 = replay_quantile(jr, (size_t)seeds, 0.9);
        out->sequential_median = replay_quantile(sr, (size_t)seeds, 0.5);
        out->sequential_p90 = replay_quantile(sr, (size_t)seeds, 0.9);
    }
    free(jr);
    free(sr);
    free(jp);
    free(sp);
    return ok;
}
