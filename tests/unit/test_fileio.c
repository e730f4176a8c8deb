/* fileio: writes never follow links nor leave the study; reads take regular files only and
 * never block (issue 11). Each case here reproduces a finding of the outside probe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "comboscope/fileio.h"
#include "comboscope/lock.h"
#include "comboscope/study_json.h"
#include "scratch.h"


static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *buf = calloc(1, 4096);
    size_t n = fread(buf, 1, 4095, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static int setup(void **state)
{
    (void)state;
    scratch_make("fileio");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    scratch_remove();
    return 0;
}

/* A link planted at the destination is refused, and its target is left alone. */
static void test_atomic_write_refuses_a_link_at_the_destination(void **state)
{
    (void)state;
    put("victim.txt", "precious\n");
    chmod(at("victim.txt"), 0600);
    assert_int_equal(symlink(at("victim.txt"), at("queue.csv")), 0);
    cs_error err;
    assert_false(file_write_atomic(at("queue.csv"), "x\n", 2, &err));
    assert_non_null(strstr(err.msg, "symbolic link"));
    char *v = slurp(at("victim.txt"));
    assert_string_equal(v, "precious\n");
    free(v);
    assert_int_equal(mode_of(at("victim.txt")), 0600);
    file_atomic a;
    assert_false(file_atomic_open(&a, at("queue.csv"), &err));
    assert_non_null(strstr(err.msg, "symbolic link"));
}

/* The probe planted queue.csv.tmp.<pid> as a link: the old code truncated and fchmod'ed the
 * victim. Temporary names are now unique (mkstemp, O_EXCL), so the plant is never touched. */
static void test_planted_temporary_names_are_never_followed(void **state)
{
    (void)state;
    put("victim.txt", "precious\n");
    chmod(at("victim.txt"), 0600);
    put("queue.csv", "old\n");
    chmod(at("queue.csv"), 0644);
    char plant[300];
    snprintf(plant, sizeof plant, "%s.tmp.%ld", at("queue.csv"), (long)getpid());
    assert_int_equal(symlink(at("victim.txt"), plant), 0);
    cs_error err;
    assert_true(file_write_atomic(at("queue.csv"), "new\n", 4, &err));
    char *q = slurp(at("queue.csv"));
    assert_string_equal(q, "new\n");
    free(q);
    assert_int_equal(mode_of(at("queue.csv")), 0644); /* the replaced file's mode is kept */
    char *v = slurp(at("victim.txt"));
    assert_string_equal(v, "precious\n");
    free(v);
    assert_int_equal(mode_of(at("victim.txt")), 0600);

    file_atomic a;
    assert_true(file_atomic_open(&a, at("queue.csv"), &err));
    assert_non_null(strstr(a.tmp, ".tmp."));
    assert_string_not_equal(a.tmp, plant);
    fputs("streamed\n", a.fp);
    assert_true(file_atomic_commit(&a, &err));
    v = slurp(at("victim.txt"));
    assert_string_equal(v, "precious\n");
    free(v);
    q = slurp(at("queue.csv"));
    assert_string_equal(q, "streamed\n");
    free(q);
}

/* A new file gets the usual mode (0666 & ~umask), not mkstemp's 0600. */
static void test_new_file_mode_follows_umask(void **state)
{
    (void)state;
    mode_t old = umask(022);
    cs_error err;
    assert_true(file_write_atomic(at("new.csv"), "a\n", 2, &err));
    umask(old);
    assert_int_equal(mode_of(at("new.csv")), 0644);
}

/* The lock file: a planted link is refused and its target not overwritten with "pid ...". */
static void test_lock_refuses_a_planted_link(void **state)
{
    (void)state;
    put("victim.txt", "precious\n");
    assert_int_equal(symlink(at("victim.txt"), at("journal.jsonl.lock")), 0);
    study_lock *l = NULL;
    lock_info h;
    cs_error err;
    assert_int_equal(lock_acquire(at("journal.jsonl"), &l, &h, &err), LOCK_ERROR);
    assert_null(l);
    assert_non_null(strstr(err.msg, "symbolic link"));
    char *v = slurp(at("victim.txt"));
    assert_string_equal(v, "precious\n");
    free(v);
}

static void test_open_write_refuses_links_and_special_files(void **state)
{
    (void)state;
    put("victim.txt", "precious\n");
    assert_int_equal(symlink(at("victim.txt"), at("link")), 0);
    cs_error err;
    assert_int_equal(file_open_write(at("link"), O_WRONLY | O_APPEND, 0, &err), -1);
    assert_non_null(strstr(err.msg, "symbolic link"));
    assert_int_equal(file_open_write("/dev/null", O_WRONLY, 0, &err), -1);
    assert_non_null(strstr(err.msg, "not a regular file (a character device)"));
    int fd = file_open_write(at("plain"), O_WRONLY | O_CREAT | O_EXCL, 0666, &err);
    assert_true(fd >= 0);
    close(fd);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* `check /dev/zero` grew without end, a FIFO with no writer blocked forever. */
static void test_reads_take_regular_files_only_and_never_block(void **state)
{
    (void)state;
    cs_error err;
    double t0 = now_s();
    assert_int_equal(file_open_read("/dev/zero", NULL, &err), -1);
    assert_non_null(strstr(err.msg, "/dev/zero: not a regular file (a character device)"));
    assert_null(file_fopen_read(dir, NULL, &err));
    assert_non_null(strstr(err.msg, "not a regular file (a directory)"));
    assert_int_equal(mkfifo(at("fifo"), 0600), 0);
    assert_null(file_fopen_read(at("fifo"), NULL, &err));
    assert_non_null(strstr(err.msg, "not a regular file (a FIFO)"));
    size_t len;
    assert_null(file_read_all(at("fifo"), NULL, 1 << 20, &len, &err));
    assert_true(now_s() - t0 < 2.0);
    /* missing: errno says so, for callers that treat it as empty */
    assert_int_equal(file_open_read(at("missing"), NULL, &err), -1);
    assert_int_equal(errno, ENOENT);
    /* a link to a regular file is fine to read */
    put("t.csv", "abc");
    assert_int_equal(symlink(at("t.csv"), at("t-link.csv")), 0);
    char *text = file_read_all(at("t-link.csv"), NULL, 1 << 20, &len, &err);
    assert_non_null(text);
    assert_int_equal(len, 3);
    free(text);
    /* over the limit */
    assert_null(file_read_all(at("t.csv"), NULL, 2, &len, &err));
    assert_non_null(strstr(err.msg, "larger than the limit"));
}

static void test_path_confined(void **state)
{
    (void)state;
    char why[160];
    assert_true(file_path_confined(dir, "journal.jsonl", why, sizeof why));
    assert_true(file_path_confined(dir, "./sub/queue.csv", why, sizeof why));
    assert_false(file_path_confined(dir, "../victim.txt", why, sizeof why));
    assert_non_null(strstr(why, "outside the study's directory"));
    assert_false(file_path_confined(dir, "a/../../x", why, sizeof why));
    assert_false(file_path_confined(dir, "/dev/zero", why, sizeof why));
    assert_non_null(strstr(why, "absolute"));
    assert_false(file_path_confined(dir, "", why, sizeof why));
    assert_int_equal(symlink("/tmp", at("out")), 0);
    assert_false(file_path_confined(dir, "out/queue.csv", why, sizeof why));
    assert_non_null(strstr(why, "goes through a symbolic link"));
    put("victim.txt", "v");
    assert_int_equal(symlink(at("victim.txt"), at("q.csv")), 0);
    assert_false(file_path_confined(dir, "q.csv", why, sizeof why));
    assert_non_null(strstr(why, "is a symbolic link"));
    assert_int_equal(mkfifo(at("j.jsonl"), 0600), 0);
    assert_false(file_path_confined(dir, "j.jsonl", why, sizeof why));
    assert_non_null(strstr(why, "not a regular file (a FIFO)"));
}

static void study_with(const char *key, const char *value)
{
    char text[512];
    snprintf(text, sizeof text,
             "{\n  \"comboscope\": 1,\n  \"datasets\": [\"A\", \"B\"],\n  \"%s\": \"%s\"\n}\n", key, value);
    put("study.json", text);
}

/* A study file naming a written path outside its directory, or a link, is refused where it
 * names it. */
static void test_study_refuses_written_paths_outside(void **state)
{
    (void)state;
    cs_error err;
    char want[256];
    study_with("queue", "../victim.txt");
    assert_null(study_json_load(at("study.json"), &err));
    snprintf(want, sizeof want, "%s:4:12: \"queue\" is outside the study's directory", at("study.json"));
    assert_non_null(strstr(err.msg, want));
    study_with("journal", "/dev/zero");
    assert_null(study_json_load(at("study.json"), &err));
    snprintf(want, sizeof want, "%s:4:14: \"journal\" is outside", at("study.json"));
    assert_non_null(strstr(err.msg, want));
    put("victim.txt", "v");
    assert_int_equal(symlink(at("victim.txt"), at("journal.jsonl")), 0);
    study_with("journal", "journal.jsonl");
    assert_null(study_json_load(at("study.json"), &err));
    assert_non_null(strstr(err.msg, "\"journal\" is a symbolic link"));
    study_with("journal", "j/journal.jsonl");
    study *s = study_json_load(at("study.json"), &err);
    assert_non_null(s);
    study_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_atomic_write_refuses_a_link_at_the_destination, setup, teardown),
        cmocka_unit_test_setup_teardown(test_planted_temporary_names_are_never_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_file_mode_follows_umask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_refuses_a_planted_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_write_refuses_links_and_special_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reads_take_regular_files_only_and_never_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_confined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_study_refuses_written_paths_outside, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
