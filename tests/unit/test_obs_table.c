/* obs_table: sorting by every kind of column, filtering, searching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comboscope/obs_table.h"
#include "comboscope/study_json.h"

static study *open_table(const char *text)
{
    char path[] = "/tmp/cs-obs-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char csv[64];
    snprintf(csv, sizeof csv, "%s.csv", path);
    assert_int_equal(rename(path, csv), 0);
    cs_error err;
    study *s = study_open(csv, NULL, &err);
    if (!s)
        fail_msg("%s", err.msg);
    unlink(csv);
    return s;
}

/* A: baseline 0.5; B: baseline 0.3; C unmeasured alone. recall missing for one row. */
static const char table[] =
    "combination,dataset,f1,recall\n"
    "A,A,0.5,0.4\n"
    "B,B,0.3,0.2\n"
    "A+B,A,0.6,\n"
    "A+B,B,0.25,0.3\n"
    "A+C,A,0.25,0.5\n"
    "A+C,A,0.75,0.5\n"
    "B+C,C,0.9,0.8\n";

static void names_of(const study *s, const size_t *rows, size_t n, char *out, size_t nout)
{
    out[0] = '\0';
    char buf[256];
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%s%s/%s", i ? " " : "", study_combo_format(s, s->obs[rows[i]].combo, buf + 128, 128),
                 s->datasets[s->obs[rows[i]].dataset].name);
        strncat(out, buf, nout - strlen(out) - 1);
    }
}

static void expect_rows(const study *s, obs_table_query q, const char *want)
{
    size_t *rows;
    size_t n = obs_table_rows(s, &q, &rows);
    char got[1024];
    names_of(s, rows, n, got, sizeof got);
    free(rows);
    if (strcmp(got, want) != 0)
        fail_msg("sort %d desc %d filter '%s': got '%s', want '%s'", q.sort_col, q.descending,
                 q.filter ? q.filter : "", got, want);
}

static void test_columns(void **unused)
{
    (void)unused;
    study *s = open_table(table);
    assert_int_equal(obs_table_columns(s), OBS_COL_METRIC0 + 2);
    assert_string_equal(obs_table_column_name(s, OBS_COL_GAIN), "gain");
    assert_string_equal(obs_table_column_name(s, OBS_COL_METRIC0 + 1), "recall");
    double v;
    long i = study_find_obs(s, combo_single(0) | combo_single(2), 0); /* A+C, A: two replicates */
    assert_true(i >= 0);
    assert_true(obs_table_number(s, (size_t)i, OBS_COL_N, &v));
    assert_true(v == 2);
    assert_true(obs_table_number(s, (size_t)i, OBS_COL_GAIN, &v));
    assert_true(v > -1e-9 && v < 1e-9); /* mean 0.5 - baseline 0.5 */
    i = study_find_obs(s, combo_single(1) | combo_single(2), 2); /* C has no baseline */
    assert_false(obs_table_number(s, (size_t)i, OBS_COL_GAIN, &v));
    assert_false(obs_table_number(s, (size_t)i, OBS_COL_DATASET, &v));
    study_free(s);
}

static void test_sorting(void **unused)
{
    (void)unused;
    study *s = open_table(table);
    expect_rows(s, (obs_table_query){OBS_COL_COMBINATION, false, NULL, -1},
                "A/A A+B/A A+B/B A+C/A B/B B+C/C");
    expect_rows(s, (obs_table_query){OBS_COL_METRIC0, true, NULL, -1},
                "B+C/C A+B/A A/A A+C/A B/B A+B/B");
    expect_rows(s, (obs_table_query){OBS_COL_METRIC0, false, NULL, -1},
                "A+B/B B/B A/A A+C/A A+B/A B+C/C");
    /* missing values (the gain of C, the recall of A+B/A) stay last both ways */
    expect_rows(s, (obs_table_query){OBS_COL_GAIN, true, NULL, -1}, "A+B/A A/A B/B A+C/A A+B/B B+C/C");
    expect_rows(s, (obs_table_query){OBS_COL_GAIN, false, NULL, -1}, "A+B/B A/A B/B A+C/A A+B/A B+C/C");
    expect_rows(s, (obs_table_query){OBS_COL_METRIC0 + 1, false, NULL, -1},
                "B/B A+B/B A/A A+C/A B+C/C A+B/A");
    expect_rows(s, (obs_table_query){OBS_COL_SIZE, true, NULL, -1}, "A+B/A A+B/B A+C/A B+C/C A/A B/B");
    expect_rows(s, (obs_table_query){OBS_COL_DATASET, true, NULL, -1}, "B+C/C B/B A+B/B A/A A+B/A A+C/A");
    study_free(s);
}

static void test_filter_and_target(void **unused)
{
    (void)unused;
    study *s = open_table(table);
    expect_rows(s, (obs_table_query){OBS_COL_COMBINATION, false, "c", -1}, "A+C/A B+C/C");
    expect_rows(s, (obs_table_query){OBS_COL_COMBINATION, false, "  b   c ", -1}, "B+C/C");
    expect_rows(s, (obs_table_query){OBS_COL_COMBINATION, false, "zzz", -1}, "");
    expect_rows(s, (obs_table_query){OBS_COL_COMBINATION, false, "", 1}, "A+B/B B/B");
    expect_rows(s, (obs_table_query){OBS_COL_COMBINATION, false, "all", -1}, /* the task name */
                "A/A A+B/A A+B/B A+C/A B/B B+C/C");
    study_free(s);
}

static void test_find(void **unused)
{
    (void)unused;
    study *s = open_table(table);
    size_t *rows;
    size_t n = obs_table_rows(s, &(obs_table_query){OBS_COL_COMBINATION, false, NULL, -1}, &rows);
    /* A/A A+B/A A+B/B A+C/A B/B B+C/C */
    assert_int_equal(obs_table_find(s, rows, n, 0, 1, "c"), 3);
    assert_int_equal(obs_table_find(s, rows, n, 4, 1, "c"), 5);
    assert_int_equal(obs_table_find(s, rows, n, 0, -1, "c"), 5); /* wraps backwards */
    assert_int_equal(obs_table_find(s, rows, n, 2, -1, "c"), 5);
    assert_int_equal(obs_table_find(s, rows, n, 0, 1, "nothing"), -1);
    assert_int_equal(obs_table_find(s, rows, n, 0, 1, ""), -1);
    free(rows);
    study_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_sorting),
        cmocka_unit_test(test_filter_and_target),
        cmocka_unit_test(test_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
