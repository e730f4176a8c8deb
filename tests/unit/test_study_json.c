#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "comboscope/study_json.h"
#include "scratch.h"

static char *slurp(const char *name)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int count_files(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static int setup(void **state)
{
    (void)state;
    scratch_make("json");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    scratch_remove();
    return 0;
}

static const char study_text[] =
    "{\n"
    "  \"comboscope\": 1,\n"
    "  \"name\": \"demo\",\n"
    "  \"metric\": \"f1\",\n"
    "  \"goal\": \"max\",\n"
    "  \"datasets\": [ {\"name\": \"A\", \"task\": \"X\"}, {\"name\": \"B\", \"task\": \"X\"}, \"C_y\" ],\n"
    "  \"tables\": [ \"runs.csv\" ],\n"
    "  \"targets\": [ \"B\" ],\n"
    "  \"search\": { \"predictor\": \"ensemble\", \"acquisition\": \"ucb\", \"batch\": 4, \"seed\": 7,\n"
    "              \"x-tuning\": {\"lr\": 0.01} },\n"
    "  \"journal\": \"journal.jsonl\",\n"
    "  \"queue\": \"queue.csv\",\n"
    "  \"x-owner\": { \"team\": \"nlp\", \"tags\": [1, 2, 3] }\n"
    "}\n";

static void test_load(void **state)
{
    (void)state;
    put("study.json", study_text);
    put("runs.csv", "combination,dataset,f1\nA,A,0.5\nB,B,0.6\nA+B,B,0.65\nA+B,A,0.45\n");
    char p[128];
    snprintf(p, sizeof p, "%s/study.json", dir);
    cs_error e;
    study *s = study_open(p, NULL, &e);
    assert_non_null(s);
    assert_string_equal(s->name, "demo");
    assert_int_equal(s->n_datasets, 3);
    assert_true(s->datasets_fixed);
    assert_int_equal(s->n_tasks, 2);
    assert_string_equal(s->tasks[s->datasets[2].task], "C");
    assert_int_equal(s->n_targets, 1);
    assert_int_equal(s->targets[0], 1);
    assert_string_equal(s->search.predictor, "ensemble");
    assert_string_equal(s->search.acquisition, "ucb");
    assert_int_equal(s->search.batch, 4);
    assert_int_equal(s->search.seed, 7);
    assert_string_equal(s->journal, "journal.jsonl");
    assert_string_equal(s->queue, "queue.csv");
    assert_int_equal(s->n_obs, 4);
    study_target_summary t;
    study_target_summarize(s, 1, &t);
    assert_float_equal(t.gain, 0.05, 1e-12);
    study_free(s);
}

static void test_save_keeps_unknown_keys(void **state)
{
    (void)state;
    put("study.json", study_text);
    put("runs.csv", "combination,dataset,f1\nA,A,0.5\n");
    char p[128];
    snprintf(p, sizeof p, "%s/study.json", dir);
    cs_error e;
    study *s = study_open(p, NULL, &e);
    assert_non_null(s);
    struct stat before, after;
    assert_int_equal(stat(p, &before), 0);
    s->search.batch = 8;
    s->targets[s->n_targets++] = 0;
    assert_true(study_json_save(s, &e));
    assert_int_equal(stat(p, &after), 0);
    assert_true(before.st_ino != after.st_ino); /* replaced by rename, not rewritten in place */
    study_free(s);
    assert_int_equal(count_files(), 2);          /* no temporary file left behind */
    char *text = slurp("study.json");
    assert_non_null(strstr(text, "\"x-owner\""));
    assert_non_null(strstr(text, "\"team\":\t\"nlp\""));
    assert_non_null(strstr(text, "\"x-tuning\""));
    free(text);
    s = study_open(p, NULL, &e);
    assert_non_null(s);
    assert_int_equal(s->search.batch, 8);
    assert_int_equal(s->n_targets, 2);
    study_free(s);
}

/* A study file that leaves the targets and the goal to the defaults keeps them implicit when
 * saved; targets the user narrowed are written. */
static void test_save_keeps_defaults_implicit(void **state)
{
    (void)state;
    put("study.json", "{\"comboscope\": 1, \"tables\": [\"runs.csv\"]}\n");
    put("runs.csv", "combination,dataset,loss\nA,A,0.5\nA+B,B,0.4\nB,B,0.3\n");
    char p[128];
    snprintf(p, sizeof p, "%s/study.json", dir);
    cs_error e;
    study *s = study_open(p, NULL, &e);
    assert_non_null(s);
    assert_int_equal(s->n_targets, 2);
    assert_int_equal(s->goal, GOAL_MIN);
    assert_true(study_json_save(s, &e));
    char *text = slurp("study.json");
    assert_null(strstr(text, "\"targets\""));
    assert_null(strstr(text, "\"goal\""));
    free(text);
    s->n_targets = 1;
    s->targets[0] = 1;
    assert_true(study_json_save(s, &e));
    study_free(s);
    text = slurp("study.json");
    assert_non_null(strstr(text, "\"targets\""));
    free(text);
    s = study_open(p, NULL, &e);
    assert_non_null(s);
    assert_int_equal(s->n_targets, 1);
    assert_int_equal(s->targets[0], 1);
    study_free(s);
}

static void test_atomic_write(void **state)
{
    (void)state;
    char p[128];
    cs_error e;
    snprintf(p, sizeof p, "%s/out.txt", dir);
    assert_true(file_write_atomic(p, "hello\n", 6, &e));
    assert_int_equal(chmod(p, 0600), 0);
    assert_true(file_write_atomic(p, "hello\n", 6, &e));
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* the replacement keeps the permissions */
    char *t = slurp("out.txt");
    assert_string_equal(t, "hello\n");
    free(t);
    file_atomic a;
    assert_true(file_atomic_open(&a, p, &e));
    fputs("partial", a.fp);
    file_atomic_abort(&a);
    t = slurp("out.txt");
    assert_string_equal(t, "hello\n"); /* an aborted write leaves the old file */
    free(t);
    assert_int_equal(count_files(), 1);
    assert_true(file_atomic_open(&a, p, &e));
    fputs("new\n", a.fp);
    assert_true(file_atomic_commit(&a, &e));
    t = slurp("out.txt");
    assert_string_equal(t, "new\n");
    free(t);
    snprintf(p, sizeof p, "%s/no/such/dir/out.txt", dir);
    assert_false(file_write_atomic(p, "x", 1, &e));
    assert_non_null(strstr(e.msg, "out.txt: cannot write"));
    assert_false(file_atomic_open(&a, p, &e));
    unlink(strcat(strcpy(p, dir), "/out.txt"));
}

static void test_errors(void **state)
{
    (void)state;
    char p[128];
    cs_error e;
    snprintf(p, sizeof p, "%s/bad.json", dir);
    put("bad.json", "{\n  \"comboscope\": 1,\n  \"goal\": \"maximum\"\n}\n");
    assert_null(study_json_load(p, &e));
    assert_non_null(strstr(e.msg, "bad.json:3:11: \"goal\" must be \"max\" or \"min\""));
    put("bad.json", "{\n  \"comboscope\": 2\n}\n");
    assert_null(study_json_load(p, &e));
    assert_non_null(strstr(e.msg, "bad.json:2:17: \"comboscope\" must be 1"));
    put("bad.json", "{\n  \"name\": \"x\"\n}\n");
    assert_null(study_json_load(p, &e));
    assert_non_null(strstr(e.msg, "no \"comboscope\""));
    put("bad.json", "{\"comboscope\": 1, \"datasets\": [\"A\", \"A\"]}");
    assert_null(study_json_load(p, &e));
    assert_non_null(strstr(e.msg, "bad.json:1:37: "));
    assert_non_null(strstr(e.msg, "twice"));
    put("bad.json", "{\"comboscope\": 1, \"datasets\": [\"A\"], \"targets\": [\"Z\"]}");
    assert_null(study_json_load(p, &e));
    assert_non_null(strstr(e.msg, "bad.json:1:50: target \"Z\""));
    put("bad.json", "{\"comboscope\": 1}\n{}");
    assert_null(study_json_load(p, &e));
    assert_non_null(strstr(e.msg, "bad.json:2:1: JSON syntax error"));
    put("bad.json", "  \n");
    assert_null(study_json_load(p, &e));
    assert_non_null(strstr(e.msg, "empty file"));
    put("bad.json", "{\"comboscope\": 1, \"search\": {\"seed\": -3}}");
    assert_null(study_json_load(p, &e));
    assert_non_null(strstr(e.msg, "bad.json:1:38: \"seed\" must be a whole number"));
    unlink(p);
}

static void test_paths(void **state)
{
    (void)state;
    char *j = path_join("a/b", "c.csv");
    assert_string_equal(j, "a/b/c.csv");
    free(j);
    j = path_join("a", "/abs.csv");
    assert_string_equal(j, "/abs.csv");
    free(j);
    j = path_join(".", "c.csv");
    assert_string_equal(j, "c.csv");
    free(j);
    long line, col;
    text_line_col("ab\ncd\nef", 7, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_keeps_unknown_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_keeps_defaults_implicit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atomic_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test(test_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
