/* study: the model of a dataset-combination study. Datasets (names <-> bits) with task types,
 * metric columns, observations with replicates, targets, baselines and gains.
 * A study owns everything it points to; study_free releases it all. */
#ifndef COMBOSCOPE_STUDY_H
#define COMBOSCOPE_STUDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "comboscope/combo.h"
#include "comboscope/error.h"

typedef enum study_goal { GOAL_MAX = 0, GOAL_MIN = 1 } study_goal;

typedef struct study_dataset {
    char *name;
    int task; /* index into study.tasks */
} study_dataset;

/* Replicates of one value, kept as a running mean and sum of squares (Welford). n == 0: missing. */
typedef struct study_stat {
    double mean;
    double m2;
    uint32_t n;
} study_stat;

/* One (combination, dataset) pair that has been scored; its values are in study.values[m][i]. */
typedef struct study_obs {
    combo_t combo;
    int dataset;
} study_obs;

typedef struct study_search {
    char *predictor;   /* NULL: the default */
    char *acquisition; /* NULL: the default */
    int batch;         /* 0: the default */
    unsigned long seed;
} study_search;

typedef struct study {
    char *name;
    char *path; /* the study file, or the table when opened bare; NULL if built in memory */
    char *dir;  /* directory that relative paths in the study file are resolved against */

    int n_datasets;
    study_dataset datasets[COMBO_MAX_DATASETS];
    bool datasets_fixed; /* the study file lists the datasets: tables may not add any */
    int n_tasks;
    char *tasks[COMBO_MAX_DATASETS];

    int n_metrics;
    char **metrics;
    int metric;        /* the metric in use, index into metrics; -1 until known */
    char *metric_name; /* as named by the study file, or NULL */
    study_goal goal;
    bool goal_set;     /* goal given explicitly (study file or option) */

    int n_targets;
    int targets[COMBO_MAX_DATASETS];

    int n_tables;
    char **tables; /* as written in the study file (relative to dir) */

    size_t n_obs, cap_obs;
    study_obs *obs;
    study_stat **values; /* values[metric][obs] */
    size_t n_rows;       /* table rows read (replicates counted) */

    size_t hash_cap;     /* (combo, dataset) -> obs index + 1 */
    uint32_t *hash;
    size_t combo_cap, n_combos; /* set of distinct measured combinations */
    combo_t *combo_set;         /* 0 marks an empty slot (the empty combination never occurs) */

    study_search search;
    char *journal; /* paths as written in the study file, or NULL */
    char *queue;
    struct launch_config *launch; /* the `launch` object (launch.h), or NULL */

    void *json; /* the parsed study file (cJSON), kept so that saving keeps unknown keys */
} study;

/* A new empty study; free with study_free. */
study *study_new(void);
void study_free(study *s);

/* Index of the dataset called name, or -1. */
int study_find_dataset(const study *s, const char *name);

/* Index of task type name, adding it if new. */
int study_task(study *s, const char *name);

/* The longest dataset or task name, in bytes: a longer one is an error, never cut (two names
 * cut to one would merge two datasets). */
#define STUDY_NAME_MAX 255

/* Adds dataset name with task type task (NULL: inferred, the part of the name before '_',
 * else "all"). Returns its index, or -1 with err set (duplicate, control characters, more
 * than 64 datasets, empty name, longer than STUDY_NAME_MAX). */
int study_add_dataset(study *s, const char *name, const char *task, cs_error *err);

/* Index of metric column name, or -1. */
int study_find_metric(const study *s, const char *name);

/* Index of metric column name, adding it if new. */
int study_metric_add(study *s, const char *name);

/* Adds one replicate value of (combo, dataset, metric). */
void study_add_value(study *s, combo_t combo, int dataset, int metric, double value);

/* Index of the observation of (combo, dataset), adding it (with every metric missing) if new. */
long study_obs_add(study *s, combo_t combo, int dataset);

/* Adds one replicate value to observation i (from study_obs_add) under metric: one hash
 * lookup for all the metrics of a row. */
void study_add_value_at(study *s, long i, int metric, double value);

/* Index of the observation of (combo, dataset), or -1. */
long study_find_obs(const study *s, combo_t combo, int dataset);

/* The replicates of (combo, dataset) under metric, or NULL if not measured. */
const study_stat *study_stat_of(const study *s, combo_t combo, int dataset, int metric);

/* The mean score of dataset in combo under the metric in use; false if not measured. */
bool study_score(const study *s, combo_t combo, int dataset, double *out);

/* Standard deviation of a stat's replicates (0 for fewer than two). */
double study_stat_sd(const study_stat *st);

/* Gain of score over baseline, sign-adjusted so that higher is better for either goal. */
double study_gain(const study *s, double score, double baseline);

/* True when score a is better than score b for the study's goal. */
bool study_better(const study *s, double a, double b);

/* Picks the metric in use when none is set: the study's metric_name if given, else f1 if
 * present, else the first metric column; and the goal when not given explicitly (min for
 * names containing "loss" or "error"). False with err if the named metric is absent from
 * tables that have rows (with no rows yet, the named metric is added). */
bool study_choose_metric(study *s, cs_error *err);

/* Makes every dataset a target when the study names none. */
void study_default_targets(study *s);

/* Formats combo as member names joined by '+', in dataset order, into buf (size n). */
char *study_combo_format(const study *s, combo_t combo, char *buf, size_t n);

/* Parses "A+B+C" (any order, blanks around names ignored) into *out. On failure returns false
 * and writes the offending name (or reason) into bad (size nbad). */
bool study_combo_parse(const study *s, const char *text, combo_t *out, char *bad, size_t nbad);

/* What one target's measurements say: its baseline, its best measured combination, and how
 * much of its lattice has been measured. */
typedef struct study_target_summary {
    int target;
    bool has_baseline;
    double baseline;
    bool has_best;
    double best;
    combo_t best_combo;
    double gain;        /* best - baseline, sign-adjusted; 0 without both */
    size_t measured;    /* combinations containing the target with a score for it */
    uint64_t lattice;   /* combinations that contain it: 2^(n-1) */
} study_target_summary;

/* Fills *out for target (a dataset index) under the metric in use. */
void study_target_summarize(const study *s, int target, study_target_summary *out);

/* The measured (combination, score) pairs of target under the metric in use: allocates *combos
 * and *scores (caller frees); returns the count. */
size_t study_target_points(const study *s, int target, combo_t **combos, double **scores);

#endif
