#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comboscope/table_csv.h"

static char path[64];

/* Writes text (len bytes) to a fresh temporary file. */
static const char *put(const char *text, size_t len)
{
    snprintf(path, sizeof path, "/tmp/cs-test-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

/* Reads text as a bare table into a new study; NULL with e set on error. */
static study *read_text(const char *text, size_t len, cs_error *e)
{
    study *s = study_new();
    bool ok = table_read(s, put(text, len), "t.csv", e);
    unlink(path);
    if (!ok) {
        study_free(s);
        return NULL;
    }
    return s;
}
#define READ(lit, e) read_text(lit, sizeof(lit) - 1, e)

static double mean_of(study *s, const char *combo, const char *ds, const char *metric)
{
    combo_t c;
    char bad[128];
    assert_true(study_combo_parse(s, combo, &c, bad, sizeof bad));
    const study_stat *st = study_stat_of(s, c, study_find_dataset(s, ds), study_find_metric(s, metric));
    return st ? st->mean : -1.0;
}

static void test_crlf_bom_quotes(void **state)
{
    (void)state;
    cs_error e;
    study *s = READ("\xEF\xBB\xBF" "run,combination,dataset,f1,note\r\n"
                    "r1,A,A,0.5,\"plain, with comma\"\r\n"
                    "r2,\"A + B\",\"B\",0.25,\"say \"\"hi\"\"\"\r\n"
                    "r3,B,B,0.125,\"two\r\nlines\"\r\n"
                    "r4,A+B,A,0.75,\r\n", &e);
    assert_non_null(s);
    assert_int_equal(s->n_datasets, 2);
    assert_int_equal(s->n_rows, 4);
    assert_int_equal(s->n_obs, 4);
    assert_int_equal(s->n_metrics, 1); /* run and note are text */
    assert_string_equal(s->metrics[0], "f1");
    assert_float_equal(mean_of(s, "A+B", "B", "f1"), 0.25, 0);
    assert_float_equal(mean_of(s, "B", "B", "f1"), 0.125, 0);
    assert_float_equal(mean_of(s, "B+A", "A", "f1"), 0.75, 0);
    study_free(s);
}

static void test_quoted_newline_keeps_line_numbers(void **state)
{
    (void)state;
    cs_error e;
    study *s = READ("combination,dataset,note,f1\n"
                    "A,A,\"a note\nover\nthree lines\",0.5\n"
                    "A,A,x,oops\n", &e);
    assert_null(s);
    assert_string_equal(e.msg, "t.csv:5:7: f1: \"oops\" is not a number");
}

static void test_empty_cells_are_missing(void **state)
{
    (void)state;
    cs_error e;
    study *s = READ("combination,dataset,precision,recall,f1\n"
                    "A,A,0.5,,0.6\n"
                    "A+B,B,,,\n"
                    "A+B,A,0,0,0\n", &e);
    assert_non_null(s);
    int f1 = study_find_metric(s, "f1"), rec = study_find_metric(s, "recall");
    assert_non_null(study_stat_of(s, 0x1, 0, f1));
    assert_null(study_stat_of(s, 0x1, 0, rec)); /* empty, not zero */
    assert_null(study_stat_of(s, 0x3, 1, f1));
    const study_stat *z = study_stat_of(s, 0x3, 0, rec);
    assert_non_null(z); /* an explicit 0 is a value */
    assert_float_equal(z->mean, 0.0, 0);
    study_free(s);
}

static void test_replicates(void **state)
{
    (void)state;
    cs_error e;
    study *s = READ("combination,dataset,f1\nA+B,A,0.5\nB+A,A,0.7\n A + B ,A ,0.6\nA,A,0.4\n", &e);
    assert_non_null(s);
    assert_int_equal(s->n_rows, 4);
    assert_int_equal(s->n_obs, 2);
    assert_int_equal(s->n_combos, 2);
    const study_stat *st = study_stat_of(s, 0x3, 0, 0);
    assert_int_equal(st->n, 3);
    assert_float_equal(st->mean, 0.6, 1e-12);
    assert_float_equal(study_stat_sd(st), 0.1, 1e-12);
    study_free(s);
}

static void test_column_kinds(void **state)
{
    (void)state;
    cs_error e;
    /* unknown columns: the first non-empty cell decides (number: metric, text: text) */
    study *s = READ("combination,dataset,tag,bleu,task\nA,A,,,X\nA+B,A,hello,31.5,X\nB,B,7,30,Y\n", &e);
    assert_non_null(s);
    assert_int_equal(study_find_metric(s, "tag"), -1);
    assert_true(study_find_metric(s, "bleu") >= 0);
    assert_string_equal(s->tasks[s->datasets[1].task], "Y");
    study_free(s);
    s = READ("combination,dataset,bleu\nA,A,31.5\nB,B,n/a\n", &e);
    assert_null(s);
    assert_string_equal(e.msg, "t.csv:3:5: bleu: \"n/a\" is not a number");
}

static void test_no_final_newline_and_blank_lines(void **state)
{
    (void)state;
    cs_error e;
    study *s = READ("combination,dataset,f1\n\nA,A,0.5\n\nB,B,0.25", &e);
    assert_non_null(s);
    assert_int_equal(s->n_rows, 2);
    study_free(s);
}

static void test_errors(void **state)
{
    (void)state;
    cs_error e;
    assert_null(READ("", &e));
    assert_string_equal(e.msg, "t.csv:1:1: empty file (expected a header row)");
    assert_null(READ("combination,dataset,f1\nA,A,0.5\nA+B,\"B,0.5\n", &e));
    assert_string_equal(e.msg, "t.csv:3:5: unterminated quoted field (it opens here)");
    assert_null(READ("combination,dataset,f1\r\nA,A,0.5\r\nB,B\r\n", &e));
    assert_string_equal(e.msg, "t.csv:3:4: ragged row: 2 fields where the header has 3");
    assert_null(READ("combination,dataset,f1\nA,A,inf\n", &e));
    assert_non_null(strstr(e.msg, "t.csv:2:5: f1: \"inf\" is not a finite number"));
    assert_null(READ("combination,dataset,,f1\nA,A,1,2\n", &e));
    assert_string_equal(e.msg, "t.csv:1:21: column 3 has no name");
    assert_null(READ("combination,dataset,f1\n,A,0.5\n", &e));
    assert_string_equal(e.msg, "t.csv:2:1: empty combination");
}

static void test_fixed_datasets(void **state)
{
    (void)state;
    cs_error e;
    study *s = study_new();
    study_add_dataset(s, "A", NULL, &e);
    study_add_dataset(s, "B", NULL, &e);
    s->datasets_fixed = true;
    static const char text[] = "combination,dataset,f1\nA,A,0.5\nA+C,A,0.5\n";
    assert_false(table_read(s, put(text, sizeof text - 1), "t.csv", &e));
    unlink(path);
    assert_string_equal(e.msg, "t.csv:3:1: combination: dataset \"C\" is not in the study");
    study_free(s);
}

static void test_chunk_boundaries(void **state)
{
    (void)state;
    /* Many rows, so that lines straddle the reader's 64 KiB chunks. */
    size_t cap = 1 << 21, n = 0;
    char *text = malloc(cap);
    n += (size_t)snprintf(text + n, cap - n, "combination,dataset,f1,note\n");
    for (int i = 0; i < 20000; i++)
        n += (size_t)snprintf(text + n, cap - n, "A+B,%s,0.%04d,\"row %d\"\n", i % 2 ? "A" : "B", i % 10000, i);
    n += (size_t)snprintf(text + n, cap - n, "A+B,A,x,\n");
    cs_error e;
    study *s = read_text(text, n, &e);
    free(text);
    assert_null(s);
    assert_string_equal(e.msg, "t.csv:20002:7: f1: \"x\" is not a number");
}

static void test_field_column(void **state)
{
    (void)state;
    const char *l = "ab,\"c,d\",e\n";
    assert_int_equal(table_field_column(l, strlen(l), 0), 1);
    assert_int_equal(table_field_column(l, strlen(l), 1), 4);
    assert_int_equal(table_field_column(l, strlen(l), 2), 10);
    assert_int_equal(table_field_column(l, strlen(l), 3), 11);
    assert_int_equal(table_field_column_delim("a\t\tb", 4, 2, '\t'), 4);
}

/* Collects the lines table_read_lines hands over, joined by '|'; stops after `stop` lines. */
typedef struct lines_seen {
    char text[256];
    int n, stop;
} lines_seen;

static bool collect_line(void *ctx, const char *line, size_t len)
{
    lines_seen *ls = ctx;
    size_t k = strlen(ls->text);
    snprintf(ls->text + k, sizeof ls->text - k, "%s%.*s", ls->n ? "|" : "", (int)len, line);
    return ++ls->n != ls->stop;
}

static void read_lines(const char *text, size_t len, lines_seen *ls, bool *ok, bool *any)
{
    cs_error e;
    FILE *f = fopen(put(text, len), "rb");
    assert_non_null(f);
    *ok = table_read_lines(f, "t.csv", collect_line, NULL, ls, any, &e);
    fclose(f);
    unlink(path);
}

static void test_read_lines(void **state)
{
    (void)state;
    bool ok, any;
    lines_seen ls = {"", 0, 0};
    /* The mark is skipped, each line keeps its '\n', the last may have none. */
    read_lines("\xEF\xBB\xBF" "a,b\r\n\nc", 10, &ls, &ok, &any);
    assert_true(ok);
    assert_true(any);
    assert_int_equal(ls.n, 3);
    assert_string_equal(ls.text, "a,b\r\n|\n|c");
    /* A callback that returns false stops the reading. */
    ls = (lines_seen){"", 0, 2};
    read_lines("x\ny\nz\n", 6, &ls, &ok, &any);
    assert_false(ok);
    assert_int_equal(ls.n, 2);
    assert_string_equal(ls.text, "x\n|y\n");
    /* A file with the mark alone holds nothing. */
    ls = (lines_seen){"", 0, 0};
    read_lines("\xEF\xBB\xBF", 3, &ls, &ok, &any);
    assert_true(ok);
    assert_false(any);
    assert_int_equal(ls.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crlf_bom_quotes),
        cmocka_unit_test(test_quoted_newline_keeps_line_numbers),
        cmocka_unit_test(test_empty_cells_are_missing),
        cmocka_unit_test(test_replicates),
        cmocka_unit_test(test_column_kinds),
        cmocka_unit_test(test_no_final_newline_and_blank_lines),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_fixed_datasets),
        cmocka_unit_test(test_chunk_boundaries),
        cmocka_unit_test(test_field_column),
        cmocka_unit_test(test_read_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
