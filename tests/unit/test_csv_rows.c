/* csv_rows (core/csv_rows.c): rows with the line each starts on, a byte-order mark skipped,
 * CRLF, quoted fields over several lines, empty fields as NULL, a last line without '\n',
 * syntax errors with their line, an unterminated quote, and a callback that stops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comboscope/csv_rows.h"

static char path[64];

static void write_file(const char *text, size_t n)
{
    snprintf(path, sizeof path, "/tmp/cs-csvrows-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
}

/* Each row as "LINE:f1|f2|..." (NULL fields as "~") appended to a buffer. */
typedef struct seen {
    char text[1024];
    int rows, stop_at;
} seen;

static bool collect(const char *const *fields, int n, long line, void *ctx, cs_error *err)
{
    seen *s = ctx;
    size_t k = strlen(s->text);
    k += (size_t)snprintf(s->text + k, sizeof s->text - k, "%ld:", line);
    for (int i = 0; i < n; i++)
        k += (size_t)snprintf(s->text + k, sizeof s->text - k, "%s%s", i ? "|" : "", fields[i] ? fields[i] : "~");
    snprintf(s->text + k, sizeof s->text - k, ";");
    if (++s->rows == s->stop_at) {
        error_set(err, "cb", line, 0, "stopped");
        return false;
    }
    return true;
}

static bool run(const char *text, seen *s, cs_error *err)
{
    write_file(text, strlen(text));
    bool ok = csv_each_row(path, "t.csv", collect, s, err);
    unlink(path);
    return ok;
}

static void test_rows_and_lines(void **state)
{
    (void)state;
    seen s = {0};
    cs_error err;
    assert_true(run("\xEF\xBB\xBFrun,combination\r\nr1,\"A\nB\"\r\n\nr2,,x\nr3,\"q\"\"q\"", &s, &err));
    /* the mark is gone; the quoted field spans lines 2-3; the blank line yields no row; the
     * empty field is NULL; the last line has no newline */
    assert_string_equal(s.text, "1:run|combination;2:r1|A\nB;5:r2|~|x;6:r3|q\"q;");
}

/* csv_fields keeps an empty unquoted field (NULL) apart from a quoted empty one (""), grows past
 * its first arena, and is reused row after row. */
static void test_fields(void **state)
{
    (void)state;
    csv_fields f = {0};
    for (int row = 0; row < 3; row++) {
        csv_fields_add(&f, "run", 3);
        csv_fields_add(&f, NULL, 0);
        csv_fields_add(&f, "", 0);
        char big[1000];
        memset(big, 'x', sizeof big);
        for (int i = 0; i < 40; i++)
            csv_fields_add(&f, big, (size_t)i * 20);
        assert_int_equal(f.n, 43);
        assert_string_equal(csv_fields_get(&f, 0), "run");
        assert_null(csv_fields_get(&f, 1));
        assert_non_null(csv_fields_get(&f, 2));
        assert_string_equal(csv_fields_get(&f, 2), "");
        assert_int_equal(strlen(csv_fields_get(&f, 42)), 39 * 20);
        csv_fields_reset(&f);
        assert_int_equal(f.n, 0);
    }
    csv_fields_free(&f);
    assert_null(f.arena);
}

static void test_errors(void **state)
{
    (void)state;
    seen s = {0};
    cs_error err;
    assert_false(run("a,b\nc,d\"e\n", &s, &err));
    assert_string_equal(err.msg, "t.csv:2: malformed CSV: error parsing data while strict checking enabled");
    seen u = {0};
    assert_false(run("a,b\nc,\"d\ne\n", &u, &err));
    assert_string_equal(err.msg, "t.csv:2: unterminated quoted field (started on this line)");
    assert_string_equal(u.text, "1:a|b;");
    seen st = {.stop_at = 2};
    assert_false(run("a\nb\nc\n", &st, &err));
    assert_string_equal(err.msg, "cb:2: stopped");
    assert_int_equal(st.rows, 2);
    assert_false(csv_each_row("/nonexistent/x.csv", NULL, collect, &s, &err));
    assert_non_null(strstr(err.msg, "/nonexistent/x.csv: cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_and_lines),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
