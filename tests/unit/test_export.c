#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/export.h"
#include "comboscope/study.h"

/* Writes kind's CSV of s into a new string (caller frees); *rows gets export_csv's result. */
static char *export_string(const study *s, export_kind kind, int target, long *rows)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    *rows = export_csv(f, s, kind, s->metric, target);
    fclose(f);
    return buf;
}

/* Names with a comma and a quote: RFC 4180 quoting, so the file reads back. */
static study *odd_names(void)
{
    study *s = study_new();
    assert_int_equal(study_add_dataset(s, "NER_a,b", NULL, NULL), 0);
    assert_int_equal(study_add_dataset(s, "RE_\"q\"", NULL, NULL), 1);
    int m = study_metric_add(s, "f1");
    study_add_value(s, 0x1, 0, m, 0.5);
    study_add_value(s, 0x3, 0, m, 0.625);
    study_add_value(s, 0x3, 1, m, 0.25);
    assert_true(study_choose_metric(s, NULL));
    return s;
}

static void test_kind_names(void **state)
{
    (void)state;
    export_kind k;
    assert_true(export_kind_parse("heatmap", &k));
    assert_int_equal(k, EXPORT_HEATMAP);
    assert_true(export_kind_parse("lattice", &k));
    assert_int_equal(k, EXPORT_LATTICE);
    assert_true(export_kind_parse("table", &k));
    assert_int_equal(k, EXPORT_TABLE);
    assert_false(export_kind_parse("Table", &k));
    assert_false(export_kind_parse("", &k));
}

static void test_table_quotes_names(void **state)
{
    (void)state;
    study *s = odd_names();
    long rows;
    char *csv = export_string(s, EXPORT_TABLE, -1, &rows);
    assert_int_equal(rows, 3);
    assert_non_null(strstr(csv, "combination,dataset,task,size,n,gain,f1\n"));
    /* the pair's row for the first dataset: both names quoted, the quote doubled */
    assert_non_null(strstr(csv, "\"NER_a,b+RE_\"\"q\"\"\",\"NER_a,b\",NER,2,1,0.125,0.625\n"));
    free(csv);
    csv = export_string(s, EXPORT_TABLE, 1, &rows); /* one dataset's rows */
    assert_int_equal(rows, 1);
    free(csv);
    study_free(s);
}

static void test_lattice_and_heatmap(void **state)
{
    (void)state;
    study *s = odd_names();
    long rows;
    char *csv = export_string(s, EXPORT_LATTICE, 0, &rows);
    assert_int_equal(rows, 2); /* {0} and {0, 1} */
    assert_non_null(strstr(csv, "\"NER_a,b\",1,0,0,yes,0.5,0,1,0\n"));
    assert_non_null(strstr(csv, ",2,1,0,yes,0.625,0.125,1,0\n"));
    free(csv);
    csv = export_string(s, EXPORT_LATTICE, -1, &rows); /* the lattice needs a target */
    assert_int_equal(rows, -1);
    free(csv);
    csv = export_string(s, EXPORT_HEATMAP, -1, &rows);
    assert_int_equal(rows, 2);
    /* target 0 with aux 1: pair gain 0.125 over one measured pair, which helped */
    assert_non_null(strstr(csv, "\"NER_a,b\",NER,\"RE_\"\"q\"\"\",RE,0.125,0.125,1,1\n"));
    /* target 1 has no baseline: no pair gain, no pair */
    assert_non_null(strstr(csv, "\"RE_\"\"q\"\"\",RE,\"NER_a,b\",NER,,,0,0\n"));
    free(csv);
    study_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_table_quotes_names),
        cmocka_unit_test(test_lattice_and_heatmap),
    };
    return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
