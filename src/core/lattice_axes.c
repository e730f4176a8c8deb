#include "comboscope/lattice_axes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "comboscope/text.h"

int lattice_effects(const study *s, int m, int target, const lattice_predictions *pr,
                    lattice_effect *out)
{
    int n = s->n_datasets;
    memset(out, 0, (size_t)n * sizeof *out);
    if (m < 0 || m >= s->n_metrics || target < 0 || target >= n)
        return 0;
    study_goal goal = lattice_goal(s, m);
    const study_stat *v = s->values[m];
    double sum[COMBO_MAX_DATASETS] = {0};
    size_t cnt[COMBO_MAX_DATASETS] = {0};
    /* every measured combination c is the lower end of the pairs (c, c + d) for d not in it */
    for (size_t i = 0; i < s->n_obs; i++) {
        if (s->obs[i].dataset != target || v[i].n == 0)
            continue;
        combo_t c = s->obs[i].combo;
        for (int d = 0; d < n; d++) {
            if (combo_has(c, d))
                continue;
            const study_stat *up = study_stat_of(s, c | combo_single(d), target, m);
            if (up) {
                sum[d] += lattice_gain(goal, up->mean, v[i].mean);
                cnt[d]++;
            }
        }
    }
    bool want_pred = false;
    for (int d = 0; d < n; d++) {
        if (d == target)
            continue;
        if (cnt[d]) {
            out[d].known = true;
            out[d].effect = sum[d] / (double)cnt[d];
            out[d].pairs = cnt[d];
        } else {
            want_pred = true;
        }
    }
    if (want_pred && pr && pr->predict) {
        /* datasets never measured in a pair: the predictor's change over measured bases */
        for (size_t i = 0; i < s->n_obs; i++) {
            if (s->obs[i].dataset != target || v[i].n == 0)
                continue;
            combo_t c = s->obs[i].combo;
            for (int d = 0; d < n; d++) {
                if (d == target || cnt[d] || combo_has(c, d))
                    continue;
                double mean, spread;
                if (pr->predict(pr->ctx, target, c | combo_single(d), &mean, &spread) && isfinite(mean)) {
                    out[d].effect += lattice_gain(goal, mean, v[i].mean);
                    out[d].pairs++;
                }
            }
        }
        for (int d = 0; d < n; d++) {
            if (d == target || cnt[d] || !out[d].pairs)
                continue;
            out[d].known = out[d].predicted = true;
            out[d].effect /= (double)out[d].pairs;
        }
    }
    int known = 0;
    for (int d = 0; d < n; d++)
        known += out[d].known;
    return known;
}

typedef struct rank_item {
    int dataset;
    bool known;
    double size;
} rank_item;

static int rank_cmp(const void *pa, const void *pb)
{
    const rank_item *a = pa, *b = pb;
    if (a->known != b->known)
        return a->known ? -1 : 1;
    if (a->known && a->size != b->size)
        return a->size > b->size ? -1 : 1;
    return a->dataset - b->dataset;
}

int lattice_effect_rank(int n_datasets, int target, const lattice_effect *effects, int *order)
{
    rank_item it[COMBO_MAX_DATASETS];
    int k = 0;
    for (int d = 0; d < n_datasets && d < COMBO_MAX_DATASETS; d++) {
        if (d == target)
            continue;
        it[k].dataset = d;
        it[k].known = effects[d].known;
        it[k].size = effects[d].known ? fabs(effects[d].effect) : 0;
        k++;
    }
    qsort(it, (size_t)k, sizeof *it, rank_cmp);
    /* the strongest effect of the other sign moves up to second place */
    if (k > 2 && it[0].known) {
        bool first_helps = effects[it[0].dataset].effect > 0;
        for (int i = 1; i < k && it[i].known; i++) {
            double e = effects[it[i].dataset].effect;
            if (e != 0 && (e > 0) != first_helps) {
                rank_item moved = it[i];
                memmove(&it[2], &it[1], (size_t)(i - 1) * sizeof *it);
                it[1] = moved;
                break;
            }
        }
    }
    for (int i = 0; i < k; i++)
        order[i] = it[i].dataset;
    return k;
}

void lattice_grid_init_paged(lattice_grid *g, int n_datasets, int target, const int *order,
                             int page_col_bits, int page_row_bits)
{
    lattice_grid_init(g, n_datasets, target);
    int pcb = page_col_bits < 0 ? 0 : page_col_bits > g->col_bits ? g->col_bits : page_col_bits;
    int prb = page_row_bits < 0 ? 0 : page_row_bits > g->row_bits ? g->row_bits : page_row_bits;
    int i = 0;
    /* the page's bits, slowest first, in turn while both axes have bits left */
    for (int col = pcb - 1, row = prb - 1, k = 0; col >= 0 || row >= 0; k++) {
        bool to_col = col >= 0 && (row < 0 || k % 2 == 0);
        if (to_col)
            g->col_dataset[col--] = order[i++];
        else
            g->row_dataset[row--] = order[i++];
    }
    /* the selecting bits, fastest first, in turn (lattice_grid_page_datasets lists them so) */
    for (int col = pcb, row = prb, k = 0; col < g->col_bits || row < g->row_bits; k++) {
        bool to_col = col < g->col_bits && (row >= g->row_bits || k % 2 == 0);
        if (to_col)
            g->col_dataset[col++] = order[i++];
        else
            g->row_dataset[row++] = order[i++];
    }
}

void lattice_grid_init_ranked(lattice_grid *g, int n_datasets, int target, const int *order)
{
    lattice_grid_init_paged(g, n_datasets, target, order, 64, 64);
}

combo_t lattice_grid_page(const lattice_grid *g, int page_col_bits, int page_row_bits, lattice_grid *page)
{
    int pcb = page_col_bits < 0 ? 0 : page_col_bits > g->col_bits ? g->col_bits : page_col_bits;
    int prb = page_row_bits < 0 ? 0 : page_row_bits > g->row_bits ? g->row_bits : page_row_bits;
    *page = *g;
    page->col_bits = pcb;
    page->row_bits = prb;
    page->cols = (uint64_t)1 << pcb;
    page->rows = (uint64_t)1 << prb;
    combo_t fixed = 0;
    for (int b = pcb; b < g->col_bits; b++)
        fixed |= combo_single(g->col_dataset[b]);
    for (int b = prb; b < g->row_bits; b++)
        fixed |= combo_single(g->row_dataset[b]);
    return fixed;
}

int lattice_grid_page_datasets(const lattice_grid *g, int page_col_bits, int page_row_bits, int *out)
{
    int pcb = page_col_bits < 0 ? 0 : page_col_bits > g->col_bits ? g->col_bits : page_col_bits;
    int prb = page_row_bits < 0 ? 0 : page_row_bits > g->row_bits ? g->row_bits : page_row_bits;
    int n = 0;
    for (int col = pcb, row = prb, k = 0; col < g->col_bits || row < g->row_bits; k++) {
        bool to_col = col < g->col_bits && (row >= g->row_bits || k % 2 == 0);
        out[n++] = to_col ? g->col_dataset[col++] : g->row_dataset[row++];
    }
    return n;
}

uint64_t lattice_page_index(const int *ds, int k, combo_t c)
{
    uint64_t code = 0;
    for (int i = 0; i < k && i < 64; i++)
        if (combo_has(c, ds[i]))
            code |= (uint64_t)1 << i;
    return combo_gray_inverse(code);
}

combo_t lattice_page_turn(const int *ds, int k, combo_t c, uint64_t index)
{
    if (k < 64)
        index &= ((uint64_t)1 << k) - 1;
    uint64_t code = combo_gray(index);
    for (int i = 0; i < k && i < 64; i++) {
        c &= ~combo_single(ds[i]);
        if ((code >> i) & 1u)
            c |= combo_single(ds[i]);
    }
    return c;
}

int lattice_grid_bands(const lattice_grid *g, bool columns, int bit, uint64_t first,
                       uint64_t count, lattice_band *out, int max)
{
    int bits = columns ? g->col_bits : g->row_bits;
    uint64_t size = columns ? g->cols : g->rows;
    if (bit < 0 || bit >= bits || first >= size || max <= 0)
        return 0;
    if (count > size - first)
        count = size - first;
    int k = 0;
    bool open = false;
    for (uint64_t p = first; p < first + count; p++) {
        bool in = (combo_gray(p) >> bit) & 1u;
        if (in && !open) {
            if (k == max)
                break;
            out[k].start = p;
            out[k].len = 0;
            open = true;
            k++;
        }
        if (in)
            out[k - 1].len++;
        else
            open = false;
    }
    return k;
}

/* Display columns of UTF-8 text: one per character (every byte that does not continue one). */
static int utf8_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* The byte length of the first `chars` characters of s. */
static size_t utf8_prefix(const char *s, int chars)
{
    size_t i = 0;
    while (s[i] && chars > 0) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        chars--;
    }
    return i;
}

/* Where the last `chars` characters of s begin. */
static const char *utf8_suffix(const char *s, int chars)
{
    int w = utf8_width(s);
    return s + utf8_prefix(s, w - chars);
}

/* name without its task prefix ("NER_bc4chemd" -> "bc4chemd"), or name itself */
static const char *short_name(const study *s, int d)
{
    const char *name = s->datasets[d].name;
    const char *task = s->tasks[s->datasets[d].task];
    size_t tl = task ? strlen(task) : 0;
    if (tl && strncasecmp(name, task, tl) == 0 && (name[tl] == '_' || name[tl] == '-' || name[tl] == '.') &&
        name[tl + 1])
        return name + tl + 1;
    return name;
}

char *lattice_abbrev(const study *s, int d, int width, char *buf, size_t n)
{
    if (!n)
        return buf;
    buf[0] = '\0';
    if (d < 0 || d >= s->n_datasets || width <= 0)
        return buf;
    const char *name = s->datasets[d].name;
    if (utf8_width(name) <= width) {
        snprintf(buf, n, "%s", name);
        return buf;
    }
    name = short_name(s, d);
    int w = utf8_width(name);
    if (w <= width) {
        snprintf(buf, n, "%s", name);
        return buf;
    }
    /* the head alone, when no other dataset's short name starts with it */
    size_t hb = utf8_prefix(name, width);
    bool unique = true;
    for (int o = 0; o < s->n_datasets && unique; o++)
        if (o != d && strncmp(short_name(s, o), name, hb) == 0)
            unique = false;
    if (unique || width < 4) {
        snprintf(buf, n, "%.*s", (int)hb, name);
        return buf;
    }
    /* head . tail: the tail takes up to four characters, the head the rest (at least two) */
    int tail = (width - 1) / 2;
    if (tail > 4)
        tail = 4;
    int head = width - 1 - tail;
    hb = utf8_prefix(name, head);
    snprintf(buf, n, "%.*s.%s", (int)hb, name, utf8_suffix(name, tail));
    return buf;
}

int lattice_find_dataset(const study *s, int target, const char *text)
{
    if (!text[0])
        return -1;
    size_t n = strlen(text);
    int prefix = -1, inside = -1;
    for (int i = 0; i < s->n_datasets; i++) {
        if (i == target)
            continue;
        const char *name = s->datasets[i].name;
        if (strcasecmp(name, text) == 0)
            return i;
        if (prefix < 0 && strncasecmp(name, text, n) == 0)
            prefix = i;
        if (inside < 0) {
            for (const char *p = name; *p && inside < 0; p++)
                if (strncasecmp(p, text, n) == 0)
                    inside = i;
        }
    }
    return prefix >= 0 ? prefix : inside;
}

bool lattice_filter_parse(const study *s, int target, const char *text, lattice_filter *f,
                          char *bad, size_t n)
{
    f->with = f->without = 0;
    if (n)
        bad[0] = '\0';
    char word[128];
    const char *p = text;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',' || *p == '+')
            p++;
        if (!*p)
            return true;
        size_t len = strcspn(p, " \t,+");
        if (len >= sizeof word)
            len = sizeof word - 1;
        memcpy(word, p, len);
        word[len] = '\0';
        p += strcspn(p, " \t,+");
        bool without = word[0] == '-' || word[0] == '!';
        const char *name = without ? word + 1 : word;
        int d = name[0] ? lattice_find_dataset(s, target, name) : -1;
        if (d < 0) {
            if (n)
                snprintf(bad, n, "%s", word);
            return false;
        }
        if (without)
            f->without |= combo_single(d);
        else
            f->with |= combo_single(d);
    }
}
