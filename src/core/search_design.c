/* search_design: the initial designs a search starts from (the paper's, singles, the target
 * alone, random), their names on the command line, and the rule that stops a search. */
#include "comboscope/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/rng.h"
#include "comboscope/text.h"
#include "search_impl.h"

/* ---------- initial designs ---------- */

bool search_design_parse(const char *text, search_design *out)
{
    if (!text)
        return false;
    if (strcmp(text, "singles") == 0) {
        *out = (search_design){DESIGN_SINGLES, 0};
        return true;
    }
    if (strcmp(text, "alone") == 0) {
        *out = (search_design){DESIGN_ALONE, 0};
        return true;
    }
    if (strcmp(text, "auto") == 0) {
        *out = (search_design){DESIGN_AUTO, 0};
        return true;
    }
    if (strcmp(text, "paper") == 0) {
        *out = (search_design){DESIGN_PAPER, 0};
        return true;
    }
    if (strncmp(text, "random:", 7) == 0) {
        char *end;
        long v = strtol(text + 7, &end, 10);
        if (text[7] && !*end && v >= 1 && v <= 1000000) {
            *out = (search_design){DESIGN_RANDOM, (int)v};
            return true;
        }
    }
    return false;
}

char *search_design_format(const search_design *d, char *buf, size_t n)
{
    static const char *const names[] = {"singles", "paper", "random", "alone", "auto"};
    if (d->kind == DESIGN_RANDOM)
        snprintf(buf, n, "random:%d", d->count);
    else
        snprintf(buf, n, "%s", (unsigned)d->kind < 5 ? names[d->kind] : "?");
    return buf;
}

typedef struct design_out {
    combo_t *v;
    size_t len, cap;
    combo_set seen;
    int target;
} design_out;

static void design_add(design_out *o, combo_t c)
{
    if (!combo_has(c, o->target) || !search_set_add(&o->seen, c))
        return;
    if (o->len == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        o->v = xrealloc(o->v, o->cap * sizeof *o->v);
    }
    o->v[o->len++] = c;
}

combo_t *search_initial_design(const search_design *d, int n, int target, const int *task,
                               uint64_t seed, size_t *count)
{
    if (d->kind == DESIGN_AUTO) {
        search_design paper = {DESIGN_PAPER, 0}, alone = {DESIGN_ALONE, 0};
        combo_t *v = search_initial_design(&paper, n, target, task, seed, count);
        uint64_t lattice = n <= 63 ? combo_lattice_size(n) : UINT64_MAX;
        if ((uint64_t)*count * SEARCH_AUTO_SHARE <= lattice)
            return v;
        free(v);
        return search_initial_design(&alone, n, target, task, seed, count);
    }
    design_out o = {0};
    o.target = target;
    search_set_init(&o.seen, 64);
    combo_t all = combo_all(n);
    if (d->kind == DESIGN_SINGLES) {
        design_add(&o, combo_single(target));
        for (int i = 0; i < n; i++)
            design_add(&o, combo_single(target) | combo_single(i));
    } else if (d->kind == DESIGN_ALONE) {
        design_add(&o, combo_single(target));
    } else if (d->kind == DESIGN_PAPER) {
        /* Task types in order of first appearance, with their members in dataset order. */
        int nt = 0, tid[COMBO_MAX_DATASETS];
        combo_t mem[COMBO_MAX_DATASETS] = {0};
        int list[COMBO_MAX_DATASETS][COMBO_MAX_DATASETS], len[COMBO_MAX_DATASETS] = {0};
        for (int i = 0; i < n; i++) {
            int t = -1;
            for (int j = 0; j < nt; j++)
                if (tid[j] == task[i])
                    t = j;
            if (t < 0) {
                t = nt;
                tid[nt++] = task[i];
            }
            mem[t] |= combo_single(i);
            list[t][len[t]++] = i;
        }
        for (int i = 0; i < n; i++)
            design_add(&o, combo_single(i));
        for (int t = 0; t < nt; t++) {
            for (int a = 0; a < len[t]; a++)
                for (int b = a + 1; b < len[t]; b++)
                    design_add(&o, combo_single(list[t][a]) | combo_single(list[t][b]));
            design_add(&o, mem[t]);
        }
        for (int t = 0; t < nt; t++)
            for (int u = t + 1; u < nt; u++)
                design_add(&o, mem[t] | mem[u]);
        int maxlen = 0;
        for (int t = 0; t < nt; t++)
            maxlen = len[t] > maxlen ? len[t] : maxlen;
        if (nt > 1)
            for (int i = 0; i < maxlen; i++) {
                combo_t c = 0;
                for (int t = 0; t < nt; t++)
                    c |= combo_single(list[t][i % len[t]]);
                design_add(&o, c);
            }
        design_add(&o, all);
    } else {
        uint64_t lattice = n <= 63 ? combo_lattice_size(n) : UINT64_MAX;
        uint64_t want = (uint64_t)d->count < lattice ? (uint64_t)d->count : lattice;
        cs_rng rng;
        rng_seed(&rng, seed, 0xd0 + (uint64_t)target);
        if (want * 2 > lattice) {
            /* Dense: shuffle the whole lattice (small, as n <= 63 and want is at most 1e6). */
            uint64_t *ix = xmalloc(lattice * sizeof *ix);
            for (uint64_t i = 0; i < lattice; i++)
                ix[i] = i;
            for (uint64_t i = lattice - 1; i > 0; i--) {
                uint64_t j = rng_below(&rng, i + 1), t = ix[i];
                ix[i] = ix[j];
                ix[j] = t;
            }
            for (uint64_t i = 0; i < want; i++)
                design_add(&o, combo_lattice_at(n, target, ix[i]));
            free(ix);
        } else {
            while (o.len < want)
                design_add(&o, (rng_next(&rng) & all) | combo_single(target));
        }
    }
    search_set_free(&o.seen);
    *count = o.len;
    return o.v ? o.v : xmalloc(sizeof(combo_t));
}

bool search_should_stop(const search_stop *rule, int rounds_without_improvement, size_t runs)
{
    if (rule->budget && runs >= rule->budget)
        return true;
    return rule->patience > 0 && rounds_without_improvement >= rule->patience;
}
