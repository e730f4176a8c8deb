/* The key table (src/ui/actions.h) against itself and against the man page: the KEYS section
 * of man/comboscope.1 must be exactly what the table says, scope by scope, in table order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/ui/actions.h"

static const struct action_info actions[] = ACTION_INFO_ROWS;
static const char *const scope_titles[] = {
#define TITLE(id, title) title,
    ACTION_SCOPES(TITLE)
#undef TITLE
};
#define N_ACTIONS ((int)(sizeof actions / sizeof *actions))

/* Appends s to buf with the roff escapes a man page needs ('-' and '\'). */
static void roff_append(char *buf, size_t n, const char *s)
{
    size_t k = strlen(buf);
    for (; *s && k + 3 < n; s++) {
        if (*s == '-' || *s == '\\') {
            buf[k++] = '\\';
            buf[k++] = *s == '-' ? '-' : 'e';
        } else {
            buf[k++] = *s;
        }
    }
    buf[k] = '\0';
}

/* What the KEYS section must hold from its first .SS line to the next .SH. */
static void expected_keys(char *buf, size_t n)
{
    buf[0] = '\0';
    for (int sc = 0; sc < SCOPE_COUNT; sc++) {
        bool any = false;
        for (int i = 0; i < N_ACTIONS; i++)
            any |= (int)actions[i].scope == sc;
        if (!any)
            continue;
        strncat(buf, ".SS ", n - strlen(buf) - 1);
        strncat(buf, scope_titles[sc], n - strlen(buf) - 1);
        strncat(buf, "\n", n - strlen(buf) - 1);
        for (int i = 0; i < N_ACTIONS; i++) {
            if ((int)actions[i].scope != sc)
                continue;
            strncat(buf, ".TP\n.B \"", n - strlen(buf) - 1);
            roff_append(buf, n, actions[i].key);
            if (actions[i].key2) {
                strncat(buf, ", ", n - strlen(buf) - 1);
                roff_append(buf, n, actions[i].key2);
            }
            strncat(buf, "\"\n", n - strlen(buf) - 1);
            roff_append(buf, n, actions[i].help);
            strncat(buf, "\n", n - strlen(buf) - 1);
        }
    }
}

/* The man page's KEYS section from its first .SS to the next .SH; NULL if there is none. */
static char *man_keys(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char out[65536];
    out[0] = '\0';
    char line[1024];
    int state = 0; /* 0 before .SH KEYS, 1 in it before .SS, 2 in its subsections, 3 after */
    while (fgets(line, sizeof line, f)) {
        if (state == 0 && strcmp(line, ".SH KEYS\n") == 0)
            state = 1;
        else if (state >= 1 && state < 3 && strncmp(line, ".SH", 3) == 0)
            state = 3;
        else if (state == 1 && strncmp(line, ".SS", 3) == 0)
            state = 2;
        if (state == 2)
            strncat(out, line, sizeof out - strlen(out) - 1);
    }
    fclose(f);
    return state >= 2 ? out : NULL;
}

static void test_man_page_lists_every_key(void **unused)
{
    (void)unused;
    static char want[65536];
    expected_keys(want, sizeof want);
    char *have = man_keys("man/comboscope.1");
    assert_non_null(have);
    if (strcmp(want, have) != 0) {
        fprintf(stderr, "man/comboscope.1: the KEYS section (from its first .SS) must read:\n%s", want);
        fail_msg("the man page's KEYS section differs from src/ui/actions.h");
    }
}

static void test_no_key_bound_twice_in_a_scope(void **unused)
{
    (void)unused;
    for (int i = 0; i < N_ACTIONS; i++) {
        assert_non_null(actions[i].key);
        assert_true(actions[i].help && actions[i].help[0]);
        for (int j = i + 1; j < N_ACTIONS; j++) {
            if (actions[i].scope != actions[j].scope)
                continue;
            const char *a[2] = {actions[i].key, actions[i].key2};
            const char *b[2] = {actions[j].key, actions[j].key2};
            for (int x = 0; x < 2; x++)
                for (int y = 0; y < 2; y++)
                    if (a[x] && b[y] && strcmp(a[x], b[y]) == 0)
                        fail_msg("key %s bound to %s and %s", a[x], actions[i].name, actions[j].name);
        }
    }
}

static void test_the_required_keys_exist(void **unused)
{
    (void)unused;
    /* the promises: q quits, ? helps, 1-6 switch, Tab cycles, t target, / search,
     * arrows and hjkl both move */
    static const struct { const char *key; enum action a; } must[] = {
        {"q", ACTION_QUIT}, {"?", ACTION_HELP}, {"1", ACTION_VIEW_STUDY}, {"2", ACTION_VIEW_LATTICE},
        {"3", ACTION_VIEW_HEATMAPS}, {"6", ACTION_VIEW_TABLE}, {"Tab", ACTION_VIEW_NEXT},
        {"t", ACTION_TARGET_CHOOSE}, {"/", ACTION_SEARCH}, {"Up", ACTION_MOVE_UP}, {"k", ACTION_MOVE_UP},
        {"j", ACTION_MOVE_DOWN}, {"Down", ACTION_MOVE_DOWN}, {"h", ACTION_MOVE_LEFT}, {"l", ACTION_MOVE_RIGHT},
    };
    for (size_t m = 0; m < sizeof must / sizeof *must; m++) {
        bool found = false;
        for (int i = 0; i < N_ACTIONS; i++)
            if (actions[i].action == must[m].a && actions[i].scope == SCOPE_GLOBAL &&
                (strcmp(actions[i].key, must[m].key) == 0 ||
                 (actions[i].key2 && strcmp(actions[i].key2, must[m].key) == 0)))
                found = true;
        if (!found)
            fail_msg("global key %s is not bound as promised", must[m].key);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_man_page_lists_every_key),
        cmocka_unit_test(test_no_key_bound_twice_in_a_scope),
        cmocka_unit_test(test_the_required_keys_exist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
