/* Crash test: a child process takes the study's lock and journals decisions as fast as it can,
 * reporting each one through a pipe only after journal_append returned (what a screen would
 * show as "saved"); the parent SIGKILLs it after a random short delay. After every kill the
 * journal must open, hold every confirmed event in order, and at most one more (written but
 * not yet confirmed); the next child must get the lock at once (the dead one's is stale).
 * Every third kill also gets a torn tail written after it (what a power cut mid-write
 * leaves), which the next child must repair without losing anything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "comboscope/journal.h"
#include "comboscope/lock.h"
#include "comboscope/study.h"
#include "comboscope/text.h"

enum { ITERATIONS = 200, N_DATASETS = 10 };

/* The k-th event a child writes in its round: suggested, then a decision on it, then a note. */
static journal_kind pattern_kind(int k)
{
    static const journal_kind kinds[] = {JOURNAL_SUGGESTED, JOURNAL_ACCEPTED, JOURNAL_SUGGESTED,
                                         JOURNAL_REJECTED, JOURNAL_SUGGESTED, JOURNAL_OVERRIDDEN,
                                         JOURNAL_UNDO, JOURNAL_NOTE};
    return kinds[k % 8];
}

/* Suggestions at positions 0, 2 and 4 of each group of eight; the decision after each (and
 * the undo, which names the decision it reverts) shares its combination; the note has none. */
static combo_t pattern_combo(int k)
{
    static const int sugg_of[] = {0, 0, 1, 1, 2, 2, 2, -1};
    int g = k / 8, which = sugg_of[k % 8];
    if (which < 0)
        return 0;
    return (combo_t)((g * 3 + which) % ((1 << N_DATASETS) - 1)) + 1;
}

static combo_t replacement_of(combo_t c)
{
    return c == 1 ? 3 : c ^ 1;
}

static bool child_append(journal *j, int round, int k, cs_error *err)
{
    combo_t c = pattern_combo(k);
    switch (pattern_kind(k)) {
    case JOURNAL_SUGGESTED:
        return journal_append_suggested(j, round, 0, c, 0.5 + 0.001 * k, 0.01, "mlp", "ucb", err);
    case JOURNAL_ACCEPTED:
        return journal_append_accepted(j, round, 0, c, err);
    case JOURNAL_REJECTED:
        return journal_append_rejected(j, round, 0, c, "crash test", err);
    case JOURNAL_OVERRIDDEN:
        return journal_append_overridden(j, round, 0, c, replacement_of(c), err);
    case JOURNAL_UNDO:
        return journal_append_undo(j, round, err);
    default: {
        char text[32];
        snprintf(text, sizeof text, "note %d", k);
        return journal_append_note(j, round, 0, 0, text, err);
    }
    }
}

static void run_child(const char *path, const study *s, int round, int fd)
{
    study_lock *l;
    cs_error err;
    if (lock_acquire(path, &l, NULL, &err) != LOCK_ACQUIRED)
        _exit(3);
    journal *j = journal_open(path, s, true, &err);
    if (!j)
        _exit(4);
    for (int k = 0;; k++) {
        if (!child_append(j, round, k, &err))
            _exit(5);
        int32_t done = k + 1;
        if (write(fd, &done, sizeof done) != sizeof done)
            _exit(6);
        if (k > 5000)
            break;
    }
    _exit(0);
}

static void test_sigkill_while_appending(void **state)
{
    (void)state;
    study *s = study_new();
    for (int i = 0; i < N_DATASETS; i++) {
        char name[16];
        snprintf(name, sizeof name, "D%d", i);
        assert_int_equal(study_add_dataset(s, name, NULL, NULL), i);
    }
    char dir[64], path[128], lockp[160];
    snprintf(dir, sizeof dir, "/tmp/cs-crash-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/journal.jsonl", dir);
    snprintf(lockp, sizeof lockp, "%s.lock", path);
    unsigned seed = 12345;
    size_t total = 0, torn = 0, cut = 0, killed_early = 0;
    for (int it = 0; it < ITERATIONS; it++) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            run_child(path, s, it + 1, p[1]);
        }
        close(p[1]);
        /* Every other time, let the child get going first, so that kills land both during
         * start-up (lock, open, torn-tail repair) and in the middle of a stream of appends,
         * however loaded the machine is. */
        int32_t confirmed = 0, v;
        if (it % 2 == 1 && read(p[0], &v, sizeof v) == sizeof v)
            confirmed = v;
        struct timespec ts = {0, (long)(rand_r(&seed) % 4000) * 1000};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status))
            fail_msg("iteration %d: child exited with %d instead of being killed", it, WEXITSTATUS(status));
        ssize_t r;
        while ((r = read(p[0], &v, sizeof v)) == sizeof v)
            confirmed = v;
        close(p[0]);

        cs_error err;
        journal *j = journal_open(path, s, false, &err);
        if (!j)
            fail_msg("iteration %d: the journal does not open: %s", it, err.msg);
        torn += j->torn;
        const journal_round *rd = journal_round_find(j, it + 1);
        size_t in_round = 0;
        for (size_t e = total; e < j->n_events; e++) {
            const journal_event *ev = &j->events[e];
            assert_int_equal(ev->round, it + 1);
            int k = (int)in_round++;
            if (ev->kind != pattern_kind(k))
                fail_msg("iteration %d: event %d is %s, expected %s", it, k, journal_kind_name(ev->kind),
                         journal_kind_name(pattern_kind(k)));
            if (pattern_kind(k) != JOURNAL_NOTE && ev->combo != pattern_combo(k))
                fail_msg("iteration %d: event %d has the wrong combination", it, k);
        }
        if ((int32_t)in_round < confirmed || (int32_t)in_round > confirmed + 1)
            fail_msg("iteration %d: %d events confirmed, %zu in the journal", it, confirmed, in_round);
        if (in_round == 0)
            killed_early++;
        assert_true(in_round == 0 || rd != NULL);
        total = j->n_events;
        journal_free(j);

        /* Every third time, also leave what a power cut during the next write would: part of a
         * line. It must be reported as torn, lose nothing, and be repaired by the next writer. */
        if (it % 3 == 2) {
            static const char line[] =
                "{\"time\":\"2026-11-29T22:00:00Z\",\"round\":1,\"event\":\"note\",\"text\":\"never confirmed\"}\n";
            size_t n = 1 + (size_t)rand_r(&seed) % (sizeof line - 2);
            FILE *fp = fopen(path, "ab");
            assert_non_null(fp);
            assert_int_equal(fwrite(line, 1, n, fp), n);
            fclose(fp);
            j = journal_open(path, s, false, &err);
            if (!j)
                fail_msg("iteration %d: a torn tail of %zu bytes made the journal unreadable: %s", it, n, err.msg);
            assert_true(j->torn);
            assert_int_equal(j->n_events, total);
            journal_free(j);
            cut++;
        }
    }
    /* the runs must have written something: a test that never appends cannot fail */
    assert_true(total >= ITERATIONS / 2);
    fprintf(stderr, "crash: %d kills, %zu events kept, %zu torn tails written, %zu still torn after a kill, %zu kills before the first event\n",
            ITERATIONS, total, cut, torn, killed_early);
    unlink(path);
    unlink(lockp);
    snprintf(lockp, sizeof lockp, "%s.torn", path);
    unlink(lockp);
    rmdir(dir);
    study_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigkill_while_appending),
    };
    return cmocka_run_group_tests_name("journal_crash", tests, NULL, NULL);
}
