#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "comboscope/lock.h"
#include "comboscope/text.h"

static void nap_us(long us)
{
    struct timespec ts = {0, us * 1000};
    nanosleep(&ts, NULL);
}

static char dir[64], journal_path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/cs-lock-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(journal_path, sizeof journal_path, "%s/journal.jsonl", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char *lp = lock_path_of(journal_path);
    unlink(lp);
    free(lp);
    rmdir(dir);
    return 0;
}

/* A second process takes the lock and keeps it until killed. Returns its pid once it holds it. */
static pid_t holder_process(void)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        study_lock *l;
        cs_error err;
        char ok = lock_acquire(journal_path, &l, NULL, &err) == LOCK_ACQUIRED ? 'y' : 'n';
        if (write(p[1], &ok, 1) != 1)
            _exit(2);
        for (;;)
            pause();
    }
    close(p[1]);
    char c = 0;
    assert_int_equal(read(p[0], &c, 1), 1);
    close(p[0]);
    assert_int_equal(c, 'y');
    return pid;
}

static void test_second_process_is_told_who_holds_it(void **state)
{
    (void)state;
    pid_t child = holder_process();
    study_lock *l = NULL;
    lock_info h;
    cs_error err;
    assert_int_equal(lock_acquire(journal_path, &l, &h, &err), LOCK_BUSY);
    assert_null(l);
    assert_int_equal(h.pid, child);
    assert_true(h.this_host);
    assert_true(h.alive);
    assert_true(h.user[0] != '\0');
    assert_int_equal(strlen(h.time), 20);
    lock_info h2;
    assert_true(lock_holder(journal_path, &h2));
    assert_int_equal(h2.pid, child);
    char buf[400];
    assert_non_null(strstr(lock_describe(&h, buf, sizeof buf), "pid"));

    /* the holder dies without releasing anything: the lock is free at once */
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    assert_true(lock_holder(journal_path, &h2)); /* the file is still there, naming a dead pid */
    assert_false(h2.alive);
    assert_non_null(strstr(lock_describe(&h2, buf, sizeof buf), "not running"));
    assert_int_equal(lock_acquire(journal_path, &l, &h, &err), LOCK_ACQUIRED);
    assert_non_null(l);
    assert_true(lock_holder(journal_path, &h2));
    assert_int_equal(h2.pid, getpid());
    lock_release(l);
    assert_false(lock_holder(journal_path, &h2)); /* released: no file left */
}

static void test_holder_blocks_a_child(void **state)
{
    (void)state;
    study_lock *l;
    cs_error err;
    assert_int_equal(lock_acquire(journal_path, &l, NULL, &err), LOCK_ACQUIRED);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        study_lock *l2;
        lock_info h;
        lock_status st = lock_acquire(journal_path, &l2, &h, &err);
        _exit(st == LOCK_BUSY && h.pid == getppid() ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    lock_release(l);
    /* after release a child gets it */
    pid = fork();
    if (pid == 0) {
        study_lock *l2;
        lock_status st = lock_acquire(journal_path, &l2, NULL, &err);
        lock_release(l2);
        _exit(st == LOCK_ACQUIRED ? 0 : 1);
    }
    waitpid(pid, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_stale_file_does_not_block(void **state)
{
    (void)state;
    /* a lock file left behind by a process that no longer exists */
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    char host[256];
    gethostname(host, sizeof host);
    char *lp = lock_path_of(journal_path);
    FILE *f = fopen(lp, "w");
    assert_non_null(f);
    fprintf(f, "pid %ld\nuser ghost\nhost %s\ntime 2026-01-01T00:00:00Z\n", (long)dead, host);
    fclose(f);
    free(lp);
    lock_info h;
    assert_true(lock_holder(journal_path, &h));
    assert_false(h.alive);
    study_lock *l;
    cs_error err;
    assert_int_equal(lock_acquire(journal_path, &l, &h, &err), LOCK_ACQUIRED);
    lock_release(l);
}

static void test_race_many_processes_one_winner(void **state)
{
    (void)state;
    /* Eight processes grab and release repeatedly; a shared counter file checks that no two
     * ever hold the lock together. */
    char flag[160];
    snprintf(flag, sizeof flag, "%s/inside", dir);
    enum { N = 8, ROUNDS = 40 };
    pid_t kids[N];
    for (int i = 0; i < N; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            /* a budget of time, not of tries: on a loaded machine (make -j, other builds) the
             * others may hold the lock for many tries in a row */
            int got = 0;
            time_t until = time(NULL) + 20;
            while (got < ROUNDS && time(NULL) < until) {
                study_lock *l;
                cs_error err;
                if (lock_acquire(journal_path, &l, NULL, &err) != LOCK_ACQUIRED) {
                    nap_us(100);
                    continue;
                }
                /* creating the flag must succeed: nobody else is inside */
                FILE *f = fopen(flag, "wx");
                if (!f)
                    _exit(3);
                fclose(f);
                nap_us(50);
                unlink(flag);
                lock_release(l);
                got++;
            }
            _exit(got > 0 ? 0 : 4);
        }
    }
    for (int i = 0; i < N; i++) {
        int status;
        waitpid(kids[i], &status, 0);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
}

/* Another user's lock file (only readable to us) still tells us it is held, and a stale one
 * is replaced. Needs root to play the other user; skipped otherwise. */
static void test_other_users_lock_file(void **state)
{
    (void)state;
    if (getuid() != 0)
        skip();
    assert_int_equal(chmod(dir, 0777), 0);
    study_lock *l;
    cs_error err;
    assert_int_equal(lock_acquire(journal_path, &l, NULL, &err), LOCK_ACQUIRED);
    char *lp = lock_path_of(journal_path);
    assert_int_equal(chmod(lp, 0644), 0);
    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(9);
        study_lock *l2;
        lock_info h;
        lock_status st = lock_acquire(journal_path, &l2, &h, &err);
        _exit(st == LOCK_BUSY && h.pid == getppid() ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 0);
    /* the holder dies, leaving its file (owned by root, 0644) behind */
    close(l->fd);
    free(l->path);
    free(l);
    pid = fork();
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(9);
        study_lock *l2;
        lock_info h;
        lock_status st = lock_acquire(journal_path, &l2, &h, &err);
        bool ok = st == LOCK_ACQUIRED && lock_holder(journal_path, &h) && h.pid == getpid();
        lock_release(l2);
        _exit(ok ? 0 : 1);
    }
    waitpid(pid, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 0);
    free(lp);
}

/* Found by the lock fuzzer (tests/fuzz/fuzz_lock.c): a crafted lock file's time went to the
 * terminal unsanitized, and a pid beyond pid_t wrapped to another process (-1: every one). */
static void test_crafted_lock_file(void **state)
{
    (void)state;
    char host[256];
    gethostname(host, sizeof host);
    char *lp = lock_path_of(journal_path);
    FILE *f = fopen(lp, "w");
    assert_non_null(f);
    fprintf(f, "pid 7\nuser \033[31mmallory\nhost %s\ntime \033[2J\033]0;pwned\007\n", host);
    fclose(f);
    lock_info h;
    assert_true(lock_holder(journal_path, &h));
    char buf[400];
    lock_describe(&h, buf, sizeof buf);
    for (const char *c = buf; *c; c++)
        assert_true((unsigned char)*c >= 0x20 && *c != 0x7f);
    assert_non_null(strstr(buf, "?[2J?]0;pwned?"));

    f = fopen(lp, "w");
    assert_non_null(f);
    fprintf(f, "pid 4294967295\nuser x\nhost %s\ntime 2026-01-01T00:00:00Z\n", host);
    fclose(f);
    assert_false(lock_holder(journal_path, &h)); /* no pid a process can have: names nobody */
    assert_true(h.pid == 0);
    free(lp);
}

/* Issue 11: a read-only instance must notice that the holder is gone, and who holds it now. */
static void test_probe_sees_the_holder_go_and_change(void **state)
{
    (void)state;
    lock_info h;
    assert_false(lock_probe(journal_path, &h)); /* no lock file */
    pid_t first = holder_process();
    assert_true(lock_probe(journal_path, &h));
    assert_int_equal(h.pid, first);
    kill(first, SIGKILL);
    waitpid(first, NULL, 0);
    assert_false(lock_probe(journal_path, &h)); /* the file names a dead pid; the lock is free */
    pid_t second = holder_process();
    assert_true(lock_probe(journal_path, &h));
    assert_int_equal(h.pid, second);
    /* probing took nothing: the holder still holds it, and after it the lock can be taken */
    study_lock *l = NULL;
    cs_error err;
    assert_int_equal(lock_acquire(journal_path, &l, &h, &err), LOCK_BUSY);
    kill(second, SIGKILL);
    waitpid(second, NULL, 0);
    assert_false(lock_probe(journal_path, &h));
    assert_int_equal(lock_acquire(journal_path, &l, &h, &err), LOCK_ACQUIRED);
    assert_true(lock_probe(journal_path, &h) == false || h.pid == getpid());
    lock_release(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_probe_sees_the_holder_go_and_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_process_is_told_who_holds_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_holder_blocks_a_child, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_file_does_not_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_race_many_processes_one_winner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_users_lock_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crafted_lock_file, setup, teardown),
    };
    return cmocka_run_group_tests_name("lock", tests, NULL, NULL);
}
