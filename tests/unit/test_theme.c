/* Theme files: parsing, errors with FILE:LINE, the bundled themes, colour reduction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comboscope/theme.h"

static char tmp_path[64];

static const char *write_tmp(const char *text)
{
    snprintf(tmp_path, sizeof tmp_path, "/tmp/cs-theme-XXXXXX");
    int fd = mkstemp(tmp_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return tmp_path;
}

static void test_parse_roles(void **unused)
{
    (void)unused;
    theme t;
    theme_default(&t);
    cs_error err;
    const char *p = write_tmp("# a comment\nname = mine\n\ncursor = 16 on bright-cyan bold  # trailing\n"
                              "good = green\nbad = none\nheat_p3 = default on 22 reverse underline\n");
    assert_true(theme_load(&t, p, &err));
    unlink(p);
    assert_string_equal(t.name, "mine");
    assert_int_equal(t.role[ROLE_CURSOR].fg, 16);
    assert_int_equal(t.role[ROLE_CURSOR].bg, 14);
    assert_int_equal(t.role[ROLE_CURSOR].attrs, THEME_BOLD);
    assert_int_equal(t.role[ROLE_GOOD].fg, 2);
    assert_int_equal(t.role[ROLE_GOOD].bg, -1);
    assert_int_equal(t.role[ROLE_BAD].fg, -1);
    assert_int_equal(t.role[ROLE_BAD].attrs, 0);
    assert_int_equal(t.role[ROLE_HEAT_P3].fg, -1);
    assert_int_equal(t.role[ROLE_HEAT_P3].bg, 22);
    assert_int_equal(t.role[ROLE_HEAT_P3].attrs, THEME_REVERSE | THEME_UNDERLINE);
    /* roles the file leaves out keep the default */
    theme d;
    theme_default(&d);
    assert_memory_equal(&t.role[ROLE_TITLE], &d.role[ROLE_TITLE], sizeof d.role[0]);
}

static void expect_error(const char *text, const char *want)
{
    theme t;
    theme_default(&t);
    cs_error err;
    const char *p = write_tmp(text);
    assert_false(theme_load(&t, p, &err));
    unlink(p);
    char full[600];
    snprintf(full, sizeof full, "%s:%s", p, want);
    if (strcmp(err.msg, full) != 0)
        fail_msg("got '%s', want '%s'", err.msg, full);
}

static void test_errors_name_file_and_line(void **unused)
{
    (void)unused;
    expect_error("cursor = red\ncursr = blue\n", "2: unknown role 'cursr'");
    expect_error("\n\ncursor = reed\n", "3: unknown colour or attribute 'reed'");
    expect_error("cursor = 256\n", "1: unknown colour or attribute '256'");
    expect_error("cursor red\n", "1: expected 'role = style'");
    expect_error("cursor =\n", "1: missing a style after '='");
    expect_error("cursor = red on\n", "1: missing a colour after 'on'");
    expect_error("cursor = red blue\n", "1: unexpected colour 'blue' (write FG on BG)");
}

static void test_bundled_themes(void **unused)
{
    (void)unused;
    cs_error err;
    char path[256];
    /* themes/dark says exactly what the built-in default says */
    theme file, builtin;
    theme_default(&builtin);
    memset(&file, 0x55, sizeof file);
    theme_mono(&file); /* start from something else, so every role must come from the file */
    assert_true(theme_find("dark", path, sizeof path, &err));
    assert_string_equal(path, "themes/dark");
    assert_true(theme_load(&file, path, &err));
    assert_memory_equal(file.role, builtin.role, sizeof builtin.role);
    /* themes/mono is the built-in mono theme */
    theme_default(&file);
    theme_mono(&builtin);
    assert_true(theme_find("mono", path, sizeof path, &err));
    assert_true(theme_load(&file, path, &err));
    assert_memory_equal(file.role, builtin.role, sizeof builtin.role);
    /* light loads, and unknown names and odd characters are refused */
    theme_default(&file);
    assert_true(theme_find("light", path, sizeof path, &err));
    assert_true(theme_load(&file, path, &err));
    assert_string_equal(file.name, "light");
    /* redgreen: the dark theme with the red-to-green gain scale the default no longer has */
    theme_default(&file);
    theme_default(&builtin);
    assert_true(theme_find("redgreen", path, sizeof path, &err));
    assert_true(theme_load(&file, path, &err));
    assert_string_equal(file.name, "redgreen");
    assert_int_equal(file.role[ROLE_HEAT_N3].fg, 160);
    assert_int_equal(file.role[ROLE_HEAT_P3].fg, 28);
    assert_memory_equal(&file.role[ROLE_NORMAL], &builtin.role[ROLE_NORMAL], (size_t)ROLE_HEAT_N3 * sizeof builtin.role[0]);
    /* the default scale runs from orange to blue: no red-green pair for colour-blind readers */
    for (int r = ROLE_HEAT_N3; r <= ROLE_HEAT_P3; r++) {
        int c8 = theme_color_reduce(builtin.role[r].fg, 8);
        assert_true(r < ROLE_HEAT_ZERO ? c8 == 1 || c8 == 3 : r > ROLE_HEAT_ZERO ? c8 == 4 || c8 == 6 : c8 == 7);
    }
    /* lightness decides the text colour on a heat cell */
    assert_int_equal(theme_color_lightness(16), 0);
    assert_int_equal(theme_color_lightness(231), 255);
    assert_int_equal(theme_color_lightness(-1), -1);
    assert_true(theme_color_lightness(223) > 160 && theme_color_lightness(33) < 160);
    assert_false(theme_find("no-such-theme", path, sizeof path, &err));
    assert_non_null(strstr(err.msg, "no such theme"));
    assert_false(theme_find("../x y", path, sizeof path, &err));
}

static void test_color_reduce(void **unused)
{
    (void)unused;
    assert_int_equal(theme_color_reduce(-1, 8), -1);
    assert_int_equal(theme_color_reduce(200, 256), 200);
    assert_int_equal(theme_color_reduce(9, 16), 9);
    assert_int_equal(theme_color_reduce(9, 8), 1);     /* bright red -> red */
    assert_int_equal(theme_color_reduce(196, 16), 1);  /* cube red (255,0,0): lightness 127 */
    assert_int_equal(theme_color_reduce(196, 8), 1);
    assert_int_equal(theme_color_reduce(16, 8), 0);    /* cube black */
    assert_int_equal(theme_color_reduce(231, 16), 15); /* cube white */
    assert_int_equal(theme_color_reduce(231, 8), 7);
    assert_int_equal(theme_color_reduce(21, 16), 4);   /* pure blue */
    assert_int_equal(theme_color_reduce(236, 16), 0);  /* dark grey */
    assert_int_equal(theme_color_reduce(244, 16), 8);  /* mid grey */
    assert_int_equal(theme_color_reduce(250, 16), 7);  /* light grey */
    assert_int_equal(theme_color_reduce(244, 8), 7);   /* no grey with 8: readable, not black */
    /* pastel colours keep their hue, so that meanings stay apart */
    assert_int_equal(theme_color_reduce(114, 16), 10); /* (135,215,135): light green */
    assert_int_equal(theme_color_reduce(210, 16), 9);  /* (255,135,135): light red */
    assert_int_equal(theme_color_reduce(114, 8), 2);
    assert_int_equal(theme_color_reduce(210, 8), 1);
    assert_int_equal(theme_color_reduce(222, 16), 11); /* (255,215,135): yellow */
    assert_int_equal(theme_color_reduce(24, 16), 6);   /* (0,95,135): dark cyan */
    assert_int_equal(theme_color_reduce(28, 16), 2);   /* (0,135,0): dark green */
    assert_int_equal(theme_color_reduce(90, 16), 5);   /* (135,0,135): magenta */
}

static void test_themes_keep_meanings_apart(void **unused)
{
    (void)unused;
    /* on 16 and 8 colours: good and bad differ, the gain scale keeps its sign, the cursor
     * differs from normal text */
    theme themes[2];
    theme_default(&themes[0]);
    cs_error err;
    theme_default(&themes[1]);
    assert_true(theme_load(&themes[1], "themes/light", &err));
    for (int i = 0; i < 2; i++) {
        for (int n = 8; n <= 16; n += 8) {
            const theme t = themes[i];
            int good = theme_color_reduce(t.role[ROLE_GOOD].fg, n), bad = theme_color_reduce(t.role[ROLE_BAD].fg, n);
            assert_int_not_equal(good, bad);
            for (int neg = ROLE_HEAT_N3; neg < ROLE_HEAT_ZERO; neg++)
                for (int pos = ROLE_HEAT_P1; pos <= ROLE_HEAT_P3; pos++)
                    assert_int_not_equal(theme_color_reduce(t.role[neg].fg, n), theme_color_reduce(t.role[pos].fg, n));
            /* the cursor row has a background of its own, and its text contrasts with it */
            int cbg = theme_color_reduce(t.role[ROLE_CURSOR].bg, n), cfg = theme_color_reduce(t.role[ROLE_CURSOR].fg, n);
            assert_int_not_equal(cbg, -1);
            assert_true((cfg == 0) != (cbg == 0 || cbg == 4 || cbg == 1 || cbg == 5 || cbg == 8));
        }
    }
}

static void test_role_table(void **unused)
{
    (void)unused;
    for (int r = 0; r < ROLE_COUNT; r++) {
        assert_int_equal(theme_role_find(theme_role_key((theme_role)r)), r);
        for (int q = r + 1; q < ROLE_COUNT; q++)
            assert_true(theme_role_code((theme_role)r) != theme_role_code((theme_role)q));
    }
    assert_int_equal(theme_role_find("nope"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_roles),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_bundled_themes),
        cmocka_unit_test(test_color_reduce),
        cmocka_unit_test(test_themes_keep_meanings_apart),
        cmocka_unit_test(test_role_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
