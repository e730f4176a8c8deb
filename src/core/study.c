#include "comboscope/study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/launch.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"

study *study_new(void)
{
    study *s = xcalloc(1, sizeof *s);
    s->metric = -1;
    return s;
}

void study_free(study *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->path);
    free(s->dir);
    for (int i = 0; i < s->n_datasets; i++)
        free(s->datasets[i].name);
    for (int i = 0; i < s->n_tasks; i++)
        free(s->tasks[i]);
    for (int m = 0; m < s->n_metrics; m++) {
        free(s->metrics[m]);
        free(s->values[m]);
    }
    free(s->metrics);
    free(s->values);
    free(s->metric_name);
    for (int i = 0; i < s->n_tables; i++)
        free(s->tables[i]);
    free(s->tables);
    free(s->obs);
    free(s->hash);
    free(s->combo_set);
    free(s->search.predictor);
    free(s->search.acquisition);
    free(s->journal);
    free(s->queue);
    launch_config_free(s->launch);
    if (s->json)
        study_json_release(s->json);
    free(s);
}

int study_find_dataset(const study *s, const char *name)
{
    for (int i = 0; i < s->n_datasets; i++)
        if (strcmp(s->datasets[i].name, name) == 0)
            return i;
    return -1;
}

int study_task(study *s, const char *name)
{
    for (int i = 0; i < s->n_tasks; i++)
        if (strcmp(s->tasks[i], name) == 0)
            return i;
    /* At most one task type per dataset, so 64 slots always suffice. */
    if (s->n_tasks >= COMBO_MAX_DATASETS)
        return s->n_tasks - 1;
    s->tasks[s->n_tasks] = text_dup(name);
    return s->n_tasks++;
}

int study_add_dataset(study *s, const char *name, const char *task, cs_error *err)
{
    char safe[128];
    if (!name[0])
        return error_set(err, NULL, 0, 0, "empty dataset name"), -1;
    if (strlen(name) > STUDY_NAME_MAX)
        return error_set(err, NULL, 0, 0, "dataset name of %zu bytes is longer than the limit of %d",
                         strlen(name), STUDY_NAME_MAX), -1;
    if (task && strlen(task) > STUDY_NAME_MAX)
        return error_set(err, NULL, 0, 0, "task type of %zu bytes is longer than the limit of %d",
                         strlen(task), STUDY_NAME_MAX), -1;
    if (text_has_control(name))
        return error_set(err, NULL, 0, 0, "dataset name \"%s\" contains control characters",
                         text_sanitize(name, safe, sizeof safe)), -1;
    if (strchr(name, '+'))
        return error_set(err, NULL, 0, 0, "dataset name \"%s\" contains '+'",
                         text_sanitize(name, safe, sizeof safe)), -1;
    /* A name starting with '=' or '@' is a formula to a spreadsheet opening an exported CSV
     * (CSV injection); one starting with '-' reads as "leave out" in the Lattice's filter. */
    if (name[0] == '=' || name[0] == '@' || name[0] == '-')
        return error_set(err, NULL, 0, 0, "dataset name \"%s\" starts with '%c' (names may not start with "
                         "=, @ or -: a spreadsheet would take the name for a formula)",
                         text_sanitize(name, safe, sizeof safe), name[0]), -1;
    if (task && (task[0] == '=' || task[0] == '@' || task[0] == '-'))
        return error_set(err, NULL, 0, 0, "task type \"%s\" starts with '%c' (names may not start with "
                         "=, @ or -: a spreadsheet would take the name for a formula)",
                         text_sanitize(task, safe, sizeof safe), task[0]), -1;
    if (study_find_dataset(s, name) >= 0)
        return error_set(err, NULL, 0, 0, "dataset \"%s\" listed twice",
                         text_sanitize(name, safe, sizeof safe)), -1;
    if (s->n_datasets >= COMBO_MAX_DATASETS)
        return error_set(err, NULL, 0, 0, "more than %d datasets (\"%s\" would be dataset %d)",
                         COMBO_MAX_DATASETS, text_sanitize(name, safe, sizeof safe),
                         s->n_datasets + 1), -1;
    char inferred[128];
    if (!task || !task[0]) {
        const char *us = strchr(name, '_');
        if (us && us != name && (size_t)(us - name) < sizeof inferred) {
            memcpy(inferred, name, (size_t)(us - name));
            inferred[us - name] = '\0';
            task = inferred;
        } else {
            task = "all";
        }
    }
    if (text_has_control(task))
        return error_set(err, NULL, 0, 0, "task type of \"%s\" contains control characters",
                         text_sanitize(name, safe, sizeof safe)), -1;
    int i = s->n_datasets++;
    s->datasets[i].name = text_dup(name);
    s->datasets[i].task = study_task(s, task);
    return i;
}

int study_find_metric(const study *s, const char *name)
{
    for (int m = 0; m < s->n_metrics; m++)
        if (strcmp(s->metrics[m], name) == 0)
            return m;
    return -1;
}

int study_metric_add(study *s, const char *name)
{
    int m = study_find_metric(s, name);
    if (m >= 0)
        return m;
    s->metrics = xrealloc(s->metrics, (size_t)(s->n_metrics + 1) * sizeof *s->metrics);
    s->values = xrealloc(s->values, (size_t)(s->n_metrics + 1) * sizeof *s->values);
    s->metrics[s->n_metrics] = text_dup(name);
    s->values[s->n_metrics] = xcalloc(s->cap_obs ? s->cap_obs : 1, sizeof(study_stat));
    return s->n_metrics++;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static size_t obs_slot(const study *s, combo_t combo, int dataset)
{
    size_t mask = s->hash_cap - 1;
    size_t h = (size_t)mix64(combo ^ ((uint64_t)(dataset + 1) * 0x9E3779B97F4A7C15ULL)) & mask;
    for (;;) {
        uint32_t v = s->hash[h];
        if (v == 0)
            return h;
        const study_obs *o = &s->obs[v - 1];
        if (o->combo == combo && o->dataset == dataset)
            return h;
        h = (h + 1) & mask;
    }
}

static void obs_rehash(study *s, size_t cap)
{
    free(s->hash);
    s->hash_cap = cap;
    s->hash = xcalloc(cap, sizeof *s->hash);
    for (size_t i = 0; i < s->n_obs; i++)
        s->hash[obs_slot(s, s->obs[i].combo, s->obs[i].dataset)] = (uint32_t)(i + 1);
}

long study_find_obs(const study *s, combo_t combo, int dataset)
{
    if (!s->hash_cap)
        return -1;
    uint32_t v = s->hash[obs_slot(s, combo, dataset)];
    return v ? (long)v - 1 : -1;
}

static void combo_set_insert(study *s, combo_t c)
{
    if ((s->n_combos + 1) * 2 > s->combo_cap) {
        size_t old_cap = s->combo_cap;
        combo_t *old = s->combo_set;
        s->combo_cap = old_cap ? old_cap * 2 : 1024;
        s->combo_set = xcalloc(s->combo_cap, sizeof *s->combo_set);
        s->n_combos = 0;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i])
                combo_set_insert(s, old[i]);
        free(old);
    }
    size_t mask = s->combo_cap - 1;
    for (size_t h = (size_t)mix64(c) & mask;; h = (h + 1) & mask) {
        if (s->combo_set[h] == c)
            return;
        if (s->combo_set[h] == 0) {
            s->combo_set[h] = c;
            s->n_combos++;
            return;
        }
    }
}

static long obs_add(study *s, combo_t combo, int dataset)
{
    if ((s->n_obs + 1) * 2 > s->hash_cap)
        obs_rehash(s, s->hash_cap ? s->hash_cap * 2 : 1024);
    size_t h = obs_slot(s, combo, dataset);
    if (s->hash[h])
        return (long)s->hash[h] - 1;
    if (s->n_obs == s->cap_obs) {
        size_t cap = s->cap_obs ? s->cap_obs * 2 : 256;
        s->obs = xrealloc(s->obs, cap * sizeof *s->obs);
        for (int m = 0; m < s->n_metrics; m++) {
            s->values[m] = xrealloc(s->values[m], cap * sizeof(study_stat));
            memset(s->values[m] + s->cap_obs, 0, (cap - s->cap_obs) * sizeof(study_stat));
        }
        s->cap_obs = cap;
    }
    size_t i = s->n_obs++;
    s->obs[i].combo = combo;
    s->obs[i].dataset = dataset;
    s->hash[h] = (uint32_t)(i + 1);
    combo_set_insert(s, combo);
    return (long)i;
}

long study_obs_add(study *s, combo_t combo, int dataset)
{
    return obs_add(s, combo, dataset);
}

void study_add_value(study *s, combo_t combo, int dataset, int metric, double value)
{
    study_add_value_at(s, obs_add(s, combo, dataset), metric, value);
}

void study_add_value_at(study *s, long i, int metric, double value)
{
    study_stat *st = &s->values[metric][i];
    st->n++;
    double d = value - st->mean;
    st->mean += d / st->n;
    st->m2 += d * (value - st->mean);
}

const study_stat *study_stat_of(const study *s, combo_t combo, int dataset, int metric)
{
    if (metric < 0 || metric >= s->n_metrics)
        return NULL;
    long i = study_find_obs(s, combo, dataset);
    if (i < 0 || s->values[metric][i].n == 0)
        return NULL;
    return &s->values[metric][i];
}

bool study_score(const study *s, combo_t combo, int dataset, double *out)
{
    const study_stat *st = study_stat_of(s, combo, dataset, s->metric);
    if (!st)
        return false;
    *out = st->mean;
    return true;
}

double study_stat_sd(const study_stat *st)
{
    return st->n > 1 ? sqrt(st->m2 / (st->n - 1)) : 0.0;
}

double study_gain(const study *s, double score, double baseline)
{
    return s->goal == GOAL_MIN ? baseline - score : score - baseline;
}

bool study_better(const study *s, double a, double b)
{
    return s->goal == GOAL_MIN ? a < b : a > b;
}

bool study_choose_metric(study *s, cs_error *err)
{
    if (s->metric < 0) {
        if (s->metric_name) {
            s->metric = study_find_metric(s, s->metric_name);
            /* A study with no results yet (a search about to start) names its metric ahead. */
            if (s->metric < 0 && s->n_rows == 0)
                s->metric = study_metric_add(s, s->metric_name);
            if (s->metric < 0) {
                char safe[128];
                return error_set(err, s->path, 0, 0, "metric \"%s\" is not a column of any table",
                                 text_sanitize(s->metric_name, safe, sizeof safe));
            }
        } else if (s->n_metrics > 0) {
            s->metric = study_find_metric(s, "f1");
            if (s->metric < 0)
                s->metric = 0;
        } else {
            return error_set(err, s->path, 0, 0, "no metric column (a column of numbers)");
        }
    }
    if (!s->goal_set) {
        const char *m = s->metrics[s->metric];
        s->goal = (strstr(m, "loss") || strstr(m, "error")) ? GOAL_MIN : GOAL_MAX;
    }
    return true;
}

void study_default_targets(study *s)
{
    if (s->n_targets > 0)
        return;
    for (int i = 0; i < s->n_datasets; i++)
        s->targets[s->n_targets++] = i;
}

char *study_combo_format(const study *s, combo_t combo, char *buf, size_t n)
{
    size_t k = 0;
    if (n == 0)
        return buf;
    buf[0] = '\0';
    for (int i = 0; i < s->n_datasets; i++) {
        if (!combo_has(combo, i))
            continue;
        const char *name = s->datasets[i].name;
        size_t len = strlen(name);
        size_t need = len + (k ? 1 : 0);
        if (k + need + 1 > n)
            break;
        if (k)
            buf[k++] = '+';
        memcpy(buf + k, name, len);
        k += len;
        buf[k] = '\0';
    }
    return buf;
}

bool study_combo_parse(const study *s, const char *text, combo_t *out, char *bad, size_t nbad)
{
    combo_t c = 0;
    const char *p = text;
    for (;;) {
        const char *end = strchr(p, '+');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *a = p, *b = p + len;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        char name[256];
        size_t nl = (size_t)(b - a);
        if (nl == 0) {
            snprintf(bad, nbad, "empty dataset name in combination");
            return false;
        }
        if (nl > STUDY_NAME_MAX) {
            snprintf(bad, nbad, "a dataset name of %zu bytes is longer than the limit of %d", nl, STUDY_NAME_MAX);
            return false;
        }
        memcpy(name, a, nl);
        name[nl] = '\0';
        int d = study_find_dataset(s, name);
        if (d < 0) {
            char safe[128];
            snprintf(bad, nbad, "dataset \"%s\" is not in the study", text_sanitize(name, safe, sizeof safe));
            return false;
        }
        if (combo_has(c, d)) {
            char safe[128];
            snprintf(bad, nbad, "dataset \"%s\" named twice", text_sanitize(name, safe, sizeof safe));
            return false;
        }
        c |= combo_single(d);
        if (!end)
            break;
        p = end + 1;
    }
    *out = c;
    return true;
}

void study_target_summarize(const study *s, int target, study_target_summary *out)
{
    memset(out, 0, sizeof *out);
    out->target = target;
    out->lattice = combo_lattice_size(s->n_datasets);
    out->has_baseline = study_score(s, combo_single(target), target, &out->baseline);
    if (s->metric < 0)
        return;
    const study_stat *v = s->values[s->metric];
    for (size_t i = 0; i < s->n_obs; i++) {
        if (s->obs[i].dataset != target || v[i].n == 0)
            continue;
        out->measured++;
        double x = v[i].mean;
        if (!out->has_best || study_better(s, x, out->best) ||
            (x == out->best && s->obs[i].combo < out->best_combo)) {
            out->has_best = true;
            out->best = x;
            out->best_combo = s->obs[i].combo;
        }
    }
    if (out->has_best && out->has_baseline)
        out->gain = study_gain(s, out->best, out->baseline);
}

size_t study_target_points(const study *s, int target, combo_t **combos, double **scores)
{
    size_t k = 0;
    *combos = NULL;
    *scores = NULL;
    if (s->metric < 0)
        return 0;
    const study_stat *v = s->values[s->metric];
    for (size_t i = 0; i < s->n_obs; i++)
        if (s->obs[i].dataset == target && v[i].n)
            k++;
    *combos = xmalloc(k * sizeof **combos);
    *scores = xmalloc(k * sizeof **scores);
    k = 0;
    for (size_t i = 0; i < s->n_obs; i++) {
        if (s->obs[i].dataset == target && v[i].n) {
            (*combos)[k] = s->obs[i].combo;
            (*scores)[k] = v[i].mean;
            k++;
        }
    }
    return k;
}
