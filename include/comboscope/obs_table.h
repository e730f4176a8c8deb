/* obs_table: the study's observations as table rows, for the Table view and anything that lists
 * them. Columns: combination, dataset, task, size, n (replicates of the metric in use), gain
 * (over the dataset's baseline, metric in use), then one column per metric (the mean).
 * Rows can be sorted by any column, filtered by words, and searched. No curses here. */
#ifndef COMBOSCOPE_OBS_TABLE_H
#define COMBOSCOPE_OBS_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "comboscope/study.h"

enum obs_column {
    OBS_COL_COMBINATION,
    OBS_COL_DATASET,
    OBS_COL_TASK,
    OBS_COL_SIZE,
    OBS_COL_N,
    OBS_COL_GAIN,
    OBS_COL_METRIC0, /* OBS_COL_METRIC0 + m: metric m */
};

/* Number of columns of s's table: the fixed ones plus one per metric. */
int obs_table_columns(const study *s);

/* The header of column col ("combination", "gain", a metric's name). */
const char *obs_table_column_name(const study *s, int col);

/* True for columns that hold text (combination, dataset, task). */
bool obs_table_column_is_text(int col);

/* The number in column col of observation i; false when it has none (missing metric, no
 * baseline for the gain, or a text column). */
bool obs_table_number(const study *s, size_t i, int col, double *out);

/* True when every blank-separated word of filter occurs (ignoring ASCII case) in the
 * observation's combination members, dataset or task name. An empty filter matches all. */
bool obs_table_match(const study *s, size_t i, const char *filter);

typedef struct obs_table_query {
    int sort_col;     /* a column; ties are broken by observation order */
    bool descending;  /* missing values stay last either way */
    const char *filter; /* words as for obs_table_match; NULL or "": every row */
    int only_dataset; /* >= 0: only this dataset's rows */
} obs_table_query;

/* The observation indices that pass q, in q's order: allocates *rows (caller frees; NULL when
 * there are none) and returns the count. */
size_t obs_table_rows(const study *s, const obs_table_query *q, size_t **rows);

/* The position in rows of the first row at or after `from` (before, with dir < 0), wrapping,
 * whose combination, dataset or task holds text (ignoring ASCII case); -1 if none or text
 * is empty. */
long obs_table_find(const study *s, const size_t *rows, size_t n, size_t from, int dir, const char *text);

#endif
