/* text: strict decimal numbers, UTF-8 validation (issue 11), a program's output as a terminal shows it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "comboscope/text.h"

static void test_numbers_are_decimal_only(void **state)
{
    (void)state;
    double x = -1;
    assert_int_equal(text_parse_double(" 0.5 ", &x), TEXT_NUMBER_OK);
    assert_true(x == 0.5);
    assert_int_equal(text_parse_double("-1.25e-3", &x), TEXT_NUMBER_OK);
    assert_true(x == -1.25e-3);
    assert_int_equal(text_parse_double("+7", &x), TEXT_NUMBER_OK);
    assert_int_equal(text_parse_double(".5", &x), TEXT_NUMBER_OK);
    assert_int_equal(text_parse_double("5.", &x), TEXT_NUMBER_OK);
    assert_int_equal(text_parse_double("0e-400", &x), TEXT_NUMBER_OK); /* zero is exact */
    x = -1;
    assert_int_equal(text_parse_double("0x1p3", &x), TEXT_NOT_A_NUMBER);
    assert_true(x == -1);
    assert_int_equal(text_parse_double("0X10", &x), TEXT_NOT_A_NUMBER);
    assert_int_equal(text_parse_double("1e", &x), TEXT_NOT_A_NUMBER);
    assert_int_equal(text_parse_double(".", &x), TEXT_NOT_A_NUMBER);
    assert_int_equal(text_parse_double("1,5", &x), TEXT_NOT_A_NUMBER);
    assert_int_equal(text_parse_double("", &x), TEXT_NOT_A_NUMBER);
    assert_int_equal(text_parse_double("inf", &x), TEXT_NOT_FINITE);
    assert_int_equal(text_parse_double("-Infinity", &x), TEXT_NOT_FINITE);
    assert_int_equal(text_parse_double("nan", &x), TEXT_NOT_FINITE);
    assert_int_equal(text_parse_double("NaN(123)", &x), TEXT_NOT_FINITE);
    assert_int_equal(text_parse_double("index", &x), TEXT_NOT_A_NUMBER);
    assert_int_equal(text_parse_double("1e-400", &x), TEXT_OUT_OF_RANGE);
    assert_int_equal(text_parse_double("1e-310", &x), TEXT_OUT_OF_RANGE); /* subnormal */
    assert_int_equal(text_parse_double("1e400", &x), TEXT_OUT_OF_RANGE);
    assert_true(x == -1);
    assert_non_null(strstr(text_number_problem(TEXT_OUT_OF_RANGE), "out of range"));
}

static void test_utf8(void **state)
{
    (void)state;
    const char ok[] = "A\xc3\xa9\xe2\x80\xae\xf0\x9f\x98\x80";
    assert_int_equal(text_utf8_invalid(ok, strlen(ok)), strlen(ok));
    assert_int_equal(text_utf8_invalid("ab\xff\xfe", 4), 2);
    assert_int_equal(text_utf8_invalid("a\xc3", 2), 1);          /* cut short */
    assert_int_equal(text_utf8_invalid("\xc0\xaf", 2), 0);       /* overlong */
    assert_int_equal(text_utf8_invalid("\xed\xa0\x80", 3), 0);   /* surrogate */
    assert_int_equal(text_utf8_invalid("\xf4\x90\x80\x80", 4), 0); /* past U+10FFFF */
    assert_int_equal(text_utf8_invalid("x\x80", 2), 1);          /* lone continuation */
}

static void test_sanitize(void **state)
{
    (void)state;
    char out[64];
    assert_string_equal(text_sanitize("a\x1b[31mb", out, sizeof out), "a?[31mb");
    assert_string_equal(text_sanitize("a\xc2\x9b" "b", out, sizeof out), "a?b");     /* U+009B CSI */
    assert_string_equal(text_sanitize("a\x9b" "b", out, sizeof out), "a?b");         /* raw 8-bit CSI */
    assert_string_equal(text_sanitize("A\xe2\x80\xae" "B", out, sizeof out), "A<U+202E>B");
    assert_string_equal(text_sanitize("C\xe2\x80\x8b" "D", out, sizeof out), "C<U+200B>D");
    assert_string_equal(text_sanitize("\xef\xbb\xbfx", out, sizeof out), "<U+FEFF>x");
    assert_string_equal(text_sanitize("caf\xc3\xa9", out, sizeof out), "caf\xc3\xa9");
    /* cut at a whole character, never inside one */
    assert_string_equal(text_sanitize("ab\xe2\x80\xae", out, 6), "ab");
    assert_string_equal(text_sanitize("a\xc3\xa9", out, 3), "a");
}

/* A run's log as a terminal would have shown it (the Round view's runs list shows its tail). */
static void check_output(const char *in, size_t n, const char *want)
{
    char buf[256];
    memcpy(buf, in, n);
    buf[n] = '\0';
    size_t k = text_terminal_output(buf, n);
    assert_int_equal(k, strlen(want));
    assert_memory_equal(buf, want, k);
}

static void test_terminal_output(void **state)
{
    (void)state;
#define CHECK(in, want) check_output(in, sizeof in - 1, want)
    CHECK(" 10%|#  |\r 50%|## |\r100%|###|\nnext\n", "100%|###|\nnext\n");   /* a progress bar */
    CHECK("a\r\nb\r\n", "a\nb\n");                                              /* CRLF lines */
    CHECK("last\r", "last");                                                      /* a CR at the end */
    CHECK("\x1b[1;31mred\x1b[0m text\n", "red text\n");                          /* colours */
    CHECK("\x1b]0;title\a" "after\n", "after\n");                                 /* a window title */
    CHECK("\x1b]2;t\x1b\\x\n", "x\n");                                           /* OSC ended by ST */
    CHECK("nul\0after\nmore\n", "nulafter\nmore\n");                              /* NUL bytes */
    CHECK("\x1b[", "");                                                             /* cut sequence */
    CHECK("plain\x1bX", "plain\x1bX");                       /* other escapes: the sanitizer's */
#undef CHECK
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_are_decimal_only),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_terminal_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
