/* obs_table: sorting, filtering and searching the observations (see obs_table.h). */
#include "comboscope/obs_table.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/text.h"

static const char *const fixed_names[OBS_COL_METRIC0] = {"combination", "dataset", "task",
                                                         "size", "n", "gain"};

int obs_table_columns(const study *s)
{
    return OBS_COL_METRIC0 + s->n_metrics;
}

const char *obs_table_column_name(const study *s, int col)
{
    if (col >= 0 && col < OBS_COL_METRIC0)
        return fixed_names[col];
    if (col >= OBS_COL_METRIC0 && col < obs_table_columns(s))
        return s->metrics[col - OBS_COL_METRIC0];
    return "";
}

bool obs_table_column_is_text(int col)
{
    return col == OBS_COL_COMBINATION || col == OBS_COL_DATASET || col == OBS_COL_TASK;
}

bool obs_table_number(const study *s, size_t i, int col, double *out)
{
    const study_obs *o = &s->obs[i];
    switch (col) {
    case OBS_COL_SIZE: *out = combo_rank(o->combo); return true;
    case OBS_COL_N:
        *out = s->metric >= 0 ? s->values[s->metric][i].n : 0;
        return true;
    case OBS_COL_GAIN: {
        double base;
        if (s->metric < 0 || s->values[s->metric][i].n == 0 ||
            !study_score(s, combo_single(o->dataset), o->dataset, &base))
            return false;
        *out = study_gain(s, s->values[s->metric][i].mean, base);
        return true;
    }
    default:
        if (col >= OBS_COL_METRIC0 && col < obs_table_columns(s)) {
            const study_stat *st = &s->values[col - OBS_COL_METRIC0][i];
            if (st->n == 0)
                return false;
            *out = st->mean;
            return true;
        }
        return false;
    }
}

static bool contains_nocase(const char *hay, const char *needle, size_t n)
{
    if (n == 0)
        return true;
    for (; *hay; hay++) {
        size_t k = 0;
        while (k < n && hay[k] && tolower((unsigned char)hay[k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k == n)
            return true;
    }
    return false;
}

/* True when word (n bytes) occurs in a member's name, the dataset's or its task's. */
static bool obs_has_word(const study *s, size_t i, const char *word, size_t n)
{
    const study_obs *o = &s->obs[i];
    if (contains_nocase(s->tasks[s->datasets[o->dataset].task], word, n))
        return true;
    for (int d = 0; d < s->n_datasets; d++)
        if (combo_has(o->combo, d) && contains_nocase(s->datasets[d].name, word, n))
            return true;
    return false; /* the dataset is a member, so its name was checked above */
}

bool obs_table_match(const study *s, size_t i, const char *filter)
{
    if (!filter)
        return true;
    const char *p = filter;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            return true;
        size_t n = strcspn(p, " \t");
        if (!obs_has_word(s, i, p, n))
            return false;
        p += n;
    }
}

/* Sorting: keys are computed once; qsort has no context, so the comparator sees them only. */
typedef struct sort_key {
    const char *text; /* text columns */
    double num;
    bool has;
    int dir; /* 1 ascending, -1 descending: the same in every key */
    size_t obs;
} sort_key;

static int cmp_key(const void *pa, const void *pb)
{
    const sort_key *a = pa, *b = pb;
    if (a->has != b->has)
        return a->has ? -1 : 1; /* missing last */
    if (a->has) {
        int c = 0;
        if (a->text)
            c = strcmp(a->text, b->text);
        else if (a->num != b->num)
            c = a->num < b->num ? -1 : 1;
        if (c)
            return c * a->dir;
    }
    return a->obs < b->obs ? -1 : a->obs > b->obs;
}

size_t obs_table_rows(const study *s, const obs_table_query *q, size_t **rows)
{
    *rows = NULL;
    if (s->n_obs == 0)
        return 0;
    sort_key *keys = xmalloc(s->n_obs * sizeof *keys);
    char **owned = NULL;
    size_t n = 0;
    if (q->sort_col == OBS_COL_COMBINATION)
        owned = xcalloc(s->n_obs, sizeof *owned);
    for (size_t i = 0; i < s->n_obs; i++) {
        if (q->only_dataset >= 0 && s->obs[i].dataset != q->only_dataset)
            continue;
        if (q->filter && *q->filter && !obs_table_match(s, i, q->filter))
            continue;
        sort_key *k = &keys[n++];
        k->obs = i;
        k->text = NULL;
        k->has = true;
        k->dir = q->descending ? -1 : 1;
        if (q->sort_col == OBS_COL_COMBINATION) {
            char buf[64 * 64];
            owned[i] = text_dup(study_combo_format(s, s->obs[i].combo, buf, sizeof buf));
            k->text = owned[i];
        } else if (q->sort_col == OBS_COL_DATASET) {
            k->text = s->datasets[s->obs[i].dataset].name;
        } else if (q->sort_col == OBS_COL_TASK) {
            k->text = s->tasks[s->datasets[s->obs[i].dataset].task];
        } else {
            k->has = obs_table_number(s, i, q->sort_col, &k->num);
        }
    }
    qsort(keys, n, sizeof *keys, cmp_key);
    if (n > 0) {
        *rows = xmalloc(n * sizeof **rows);
        for (size_t i = 0; i < n; i++)
            (*rows)[i] = keys[i].obs;
    }
    if (owned) {
        for (size_t i = 0; i < s->n_obs; i++)
            free(owned[i]);
        free(owned);
    }
    free(keys);
    return n;
}

long obs_table_find(const study *s, const size_t *rows, size_t n, size_t from, int dir, const char *text)
{
    if (!text || !*text || n == 0)
        return -1;
    size_t len = strlen(text);
    for (size_t k = 0; k < n; k++) {
        size_t pos = dir >= 0 ? (from + k) % n : (from + n - k % n) % n;
        if (obs_has_word(s, rows[pos], text, len))
            return (long)pos;
    }
    return -1;
}
