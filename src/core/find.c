/* find: search matching for the explorer's views (contract in find.h). */
#include "comboscope/find.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/journal.h"
#include "comboscope/lattice.h"
#include "comboscope/text.h"

/* True when hay holds the n bytes of word, ignoring ASCII case. */
static bool contains(const char *hay, const char *word, size_t n)
{
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)word[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* Calls each(word, length) for every blank-separated word of query; false as soon as one does. */
static bool every_word(const char *query, bool (*each)(const void *ctx, const char *w, size_t n), const void *ctx)
{
    bool any = false;
    for (const char *p = query; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strcspn(p, " \t");
        if (!n)
            break;
        any = true;
        if (!each(ctx, p, n))
            return false;
        p += n;
    }
    return any;
}

static bool word_in_text(const void *ctx, const char *w, size_t n)
{
    return contains(ctx, w, n);
}

bool find_words(const char *hay, const char *query)
{
    return hay && query && every_word(query, word_in_text, hay);
}

typedef struct combo_ctx {
    const study *s;
    combo_t c;
} combo_ctx;

static bool word_in_member(const void *ctx, const char *w, size_t n)
{
    const combo_ctx *cc = ctx;
    for (int d = 0; d < cc->s->n_datasets; d++)
        if (combo_has(cc->c, d) && contains(cc->s->datasets[d].name, w, n))
            return true;
    return false;
}

bool find_combo(const study *s, combo_t c, const char *query)
{
    combo_ctx cc = {s, c};
    return query && every_word(query, word_in_member, &cc);
}

long find_next(size_t n, size_t cur, int dir, bool from_here, bool (*match)(void *ctx, size_t i), void *ctx)
{
    if (n == 0)
        return -1;
    if (cur >= n)
        cur = 0;
    for (size_t k = from_here ? 0 : 1; k <= n; k++) {
        size_t i = dir >= 0 ? (cur + k) % n : (cur + n - k % n) % n;
        if (match(ctx, i))
            return (long)i;
    }
    return -1;
}

typedef struct scored {
    combo_t c;
    double key; /* higher is better */
} scored;

static int by_score(const void *pa, const void *pb)
{
    const scored *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key > b->key ? -1 : 1;
    return a->c < b->c ? -1 : a->c > b->c;
}

size_t find_lattice(const study *s, int m, int target, const char *query, combo_t cur, int dir, bool from_here,
                    combo_t *out, size_t *rank)
{
    if (m < 0 || m >= s->n_metrics || target < 0)
        return 0;
    study_goal goal = lattice_goal(s, m);
    const study_stat *v = s->values[m];
    scored *list = xmalloc((s->n_obs ? s->n_obs : 1) * sizeof *list);
    size_t n = 0;
    for (size_t i = 0; i < s->n_obs; i++)
        if (s->obs[i].dataset == target && v[i].n > 0 && find_combo(s, s->obs[i].combo, query))
            list[n++] = (scored){s->obs[i].combo, goal == GOAL_MIN ? -v[i].mean : v[i].mean};
    if (n == 0) {
        free(list);
        return 0;
    }
    qsort(list, n, sizeof *list, by_score);
    size_t pos = n;
    for (size_t i = 0; i < n; i++)
        if (list[i].c == cur)
            pos = i;
    size_t k;
    if (pos == n)
        k = dir >= 0 ? 0 : n - 1;
    else if (from_here)
        k = pos;
    else
        k = dir >= 0 ? (pos + 1) % n : (pos + n - 1) % n;
    *out = list[k].c;
    if (rank)
        *rank = k + 1;
    free(list);
    return n;
}

bool find_round(const journal *j, const study *s, size_t k, const char *query)
{
    size_t n;
    const journal_round *rounds = journal_rounds(j, &n);
    if (k >= n)
        return false;
    const journal_round *jr = &rounds[k];
    for (size_t i = 0; i < jr->n_suggestions; i++) {
        const journal_suggestion *sg = &jr->suggestions[i];
        if (find_combo(s, sg->combo, query))
            return true;
        if (sg->decision == DECISION_OVERRIDDEN && find_combo(s, sg->replacement, query))
            return true;
        if (sg->decision == DECISION_REJECTED && find_words(j->events[sg->decision_event].text, query))
            return true;
    }
    for (size_t i = 0; i < jr->n_notes; i++)
        if (find_words(j->events[jr->notes[i]].text, query))
            return true;
    for (size_t i = 0; i < jr->n_runs; i++) {
        const journal_run *r = &j->runs[jr->runs[i]];
        if (find_combo(s, r->combo, query) || find_words(r->id, query))
            return true;
    }
    for (size_t i = 0; i < jr->n_results; i++)
        if (find_combo(s, j->events[jr->results[i]].combo, query))
            return true;
    return false;
}
