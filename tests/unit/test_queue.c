#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comboscope/journal.h"
#include "comboscope/queue.h"
#include "comboscope/results.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "scratch.h"

#define A ((combo_t)1)
#define B ((combo_t)2)
#define C ((combo_t)4)
#define D ((combo_t)8)


static int setup(void **state)
{
    (void)state;
    scratch_make("queue");
    put("study.json",
        "{\"comboscope\":1,\"name\":\"t\",\"metric\":\"f1\",\"goal\":\"max\",\n"
        " \"datasets\":[{\"name\":\"A\",\"task\":\"X\"},{\"name\":\"B\",\"task\":\"X\"},"
        "{\"name\":\"C\",\"task\":\"Y\"},{\"name\":\"D\",\"task\":\"Y\"}],\n"
        " \"tables\":[\"runs.csv\"],\"targets\":[\"A\"],\n"
        " \"journal\":\"journal.jsonl\",\"queue\":\"queue.csv\"}\n");
    /* r0001 is already taken by a seed run: new run ids must avoid it */
    put("runs.csv",
        "run,combination,dataset,task,f1,origin\n"
        "r0001,A,A,X,0.5,seed\n"
        ",B,B,X,0.4,seed\n"
        ",A+B,A,X,0.55,seed\n"
        ",A+B,B,X,0.45,seed\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    scratch_remove();
    return 0;
}

static void decide_round_one(journal *j)
{
    cs_error err;
    assert_true(journal_append_suggested(j, 1, 0, A | C, 0.6, 0.05, "mlp", "ucb", &err));
    assert_true(journal_append_suggested(j, 1, 0, A | D, 0.58, 0.05, "mlp", "ucb", &err));
    assert_true(journal_append_suggested(j, 1, 0, A | B | C, 0.57, 0.05, "mlp", "ucb", &err));
    assert_true(journal_append_suggested(j, 1, 0, A | B, 0.56, 0.01, "mlp", "ucb", &err));
    assert_true(journal_append_accepted(j, 1, 0, A | C, &err));
    assert_true(journal_append_rejected(j, 1, 0, A | D, "D is noisy", &err));
    assert_true(journal_append_overridden(j, 1, 0, A | B | C, A | C | D, &err));
    assert_true(journal_append_accepted(j, 1, 0, A | B, &err));
}

static void test_commit_queue_results_oracle(void **state)
{
    (void)state;
    cs_error err;
    study *s = open_study();
    char *jp = journal_path_of(s);
    journal *j = journal_open(jp, s, true, &err);
    assert_non_null(j);
    decide_round_one(j);
    results_rows *rows = results_scan(s, &err);
    assert_non_null(rows);
    assert_int_equal(rows->n, 4);
    assert_int_equal(results_known(rows, j, A | B), 1);
    assert_int_equal(results_known(rows, j, A | C), 0);
    assert_true(queue_commit_round(j, 1, rows, &err));
    results_rows_free(rows);
    assert_true(journal_round_find(j, 1)->committed);
    assert_int_equal(j->n_runs, 3);
    assert_string_equal(j->runs[0].id, "r0002");
    assert_int_equal(j->runs[0].combo, A | C);
    assert_string_equal(j->runs[1].id, "r0003");
    assert_int_equal(j->runs[1].combo, A | C | D);
    assert_string_equal(j->runs[2].id, "r0004");
    assert_int_equal(j->runs[2].known, 1);

    /* the queue file, read back with libcsv */
    queue *q = queue_read(at("queue.csv"), s, &err);
    assert_non_null(q);
    assert_int_equal(q->n, 3);
    assert_string_equal(q->entries[1].run, "r0003");
    assert_int_equal(q->entries[1].combo, A | C | D);
    assert_int_equal(q->entries[1].round, 1);
    assert_int_equal(q->entries[1].target, 0);
    assert_string_equal(q->entries[1].approved, j->events[j->runs[1].queued_event].time);
    queue_free(q);

    /* results by run id */
    append("runs.csv", "r0002,A+C,A,X,0.61,\nr0002,C+A,C,Y,0.31,\n");
    size_t rec;
    cs_error warn;
    assert_true(queue_collect_results(j, &rec, &warn, &err));
    assert_int_equal(rec, 1);
    const journal_run *r2 = journal_run_find(j, "r0002");
    assert_true(r2->has_result);
    assert_true(fabs(j->events[r2->result_event].scores[0] - 0.61) < 1e-12);
    assert_true(fabs(j->events[r2->result_event].scores[2] - 0.31) < 1e-12);
    assert_int_equal(j->events[r2->result_event].replicate, -1);

    assert_string_equal(warn.msg, "");
    /* a row that names a queued run with another combination is ignored, with a warning */
    append("runs.csv", "r0003,A+B,A,X,0.7,\n");
    assert_true(queue_collect_results(j, &rec, &warn, &err));
    assert_int_equal(rec, 0);
    assert_non_null(strstr(warn.msg, "runs.csv:8: run r0003 was queued as A+C+D"));

    /* results by combination: A+B was measured before it was queued; half a result waits */
    append("runs.csv", ",A+B,A,X,0.56,\n");
    assert_true(queue_collect_results(j, &rec, &warn, &err));
    assert_int_equal(rec, 0);
    append("runs.csv", ",A+B,B,X,0.46,\n");
    assert_true(queue_collect_results(j, &rec, &warn, &err));
    assert_int_equal(rec, 1);
    const journal_run *r4 = journal_run_find(j, "r0004");
    assert_true(r4->has_result);
    assert_int_equal(j->events[r4->result_event].replicate, 1);
    assert_true(fabs(j->events[r4->result_event].scores[0] - 0.56) < 1e-12);
    q = queue_read(at("queue.csv"), s, &err);
    assert_int_equal(q->n, 1);
    assert_string_equal(q->entries[0].run, "r0003");
    queue_free(q);

    /* the oracle answers the rest from a complete table */
    FILE *f = fopen(at("complete.csv"), "w");
    fprintf(f, "combination,dataset,f1,precision\n");
    for (combo_t c = 1; c < 16; c++)
        for (int d = 0; d < 4; d++)
            if (c & ((combo_t)1 << d)) {
                char name[32] = "";
                for (int e = 0; e < 4; e++)
                    if (c & ((combo_t)1 << e))
                        snprintf(name + strlen(name), sizeof name - strlen(name), "%s%c",
                                 name[0] ? "+" : "", 'A' + e);
                fprintf(f, "%s,%c,%.3f,%.3f\n", name, 'A' + d, 0.1 * (d + 1) + 0.01 * (double)c, 0.5);
            }
    fclose(f);
    size_t answered;
    assert_true(oracle_answer(s, j, at("complete.csv"), &answered, &err));
    assert_int_equal(answered, 1);
    assert_true(queue_collect_results(j, &rec, &warn, &err));
    assert_int_equal(rec, 1);
    const journal_run *r3 = journal_run_find(j, "r0003");
    assert_true(r3->has_result);
    assert_true(fabs(j->events[r3->result_event].scores[3] - (0.4 + 0.13)) < 1e-9);
    /* nothing left to answer: the table is not touched again */
    assert_true(oracle_answer(s, j, at("complete.csv"), &answered, &err));
    assert_int_equal(answered, 0);
    q = queue_read(at("queue.csv"), s, &err);
    assert_int_equal(q->n, 0);
    queue_free(q);
    journal_free(j);

    size_t tlen;
    FILE *tf = fopen(at("runs.csv"), "r");
    char tbuf[4096];
    tlen = fread(tbuf, 1, sizeof tbuf - 1, tf);
    tbuf[tlen] = '\0';
    fclose(tf);
    assert_non_null(strstr(tbuf, "\nr0003,A+C+D,D,Y,0.53,oracle\n"));
    /* the table the oracle wrote is still a valid table holding the new rows */
    study *s2 = open_study();
    double v;
    assert_true(study_score(s2, A | C | D, 3, &v));
    assert_true(fabs(v - 0.53) < 1e-9);
    study_free(s2);

    /* the journal replays to the same state */
    j = journal_open(jp, s, false, &err);
    assert_non_null(j);
    for (size_t i = 0; i < j->n_runs; i++)
        assert_true(j->runs[i].has_result);
    journal_free(j);
    free(jp);
    study_free(s);
}

static void test_interrupted_commit_is_not_queued_twice(void **state)
{
    (void)state;
    cs_error err;
    study *s = open_study();
    char *jp = journal_path_of(s);
    journal *j = journal_open(jp, s, true, &err);
    decide_round_one(j);
    /* a crash after the first `queued` line of a commit */
    assert_true(journal_append_queued(j, 1, 0, "r0002", A | C, 0, &err));
    journal_free(j);
    j = journal_open(jp, s, true, &err);
    assert_non_null(j);
    assert_true(queue_commit_round(j, 1, NULL, &err));
    assert_int_equal(j->n_runs, 3); /* A+C once, A+C+D, A+B */
    assert_false(queue_commit_round(j, 1, NULL, &err));
    assert_non_null(strstr(err.msg, "already committed"));
    assert_false(queue_commit_round(j, 7, NULL, &err));
    /* without the tables' ids, r0001 is free */
    assert_string_equal(j->runs[1].id, "r0003");
    queue *q = queue_from_journal(j, NULL, NULL);
    assert_int_equal(q->n, 3);
    size_t len;
    char *text = queue_format_csv(q, s, &len);
    assert_non_null(strstr(text, "run,combination,round,target,approved\nr0002,A+C,1,A,"));
    free(text);
    queue_free(q);
    journal_free(j);
    free(jp);
    study_free(s);
}

static void test_result_typed_in_by_hand(void **state)
{
    (void)state;
    cs_error err, warn;
    study *s = open_study();
    char *jp = journal_path_of(s);
    journal *j = journal_open(jp, s, true, &err);
    decide_round_one(j);
    assert_true(queue_commit_round(j, 1, NULL, &err));
    double scores[4] = {0.7, NAN, 0.2, NAN};
    assert_false(results_enter(s, j, "r0099", scores, &err));
    assert_non_null(strstr(err.msg, "no run r0099"));
    assert_false(results_enter(s, j, "r0003", scores, &err)); /* r0003 is A+C+D: D missing */
    assert_non_null(strstr(err.msg, "needs a score for D"));
    scores[3] = 0.125;
    assert_true(results_enter(s, j, "r0003", scores, &err));
    size_t rec;
    assert_true(queue_collect_results(j, &rec, &warn, &err));
    assert_int_equal(rec, 1); /* and not A+B: its old replicate was counted as known */
    const journal_run *r = journal_run_find(j, "r0003");
    assert_true(r->has_result);
    assert_true(fabs(j->events[r->result_event].scores[3] - 0.125) < 1e-12);
    assert_false(results_enter(s, j, "r0003", scores, &err));
    assert_non_null(strstr(err.msg, "already has a result"));
    journal_free(j);
    free(jp);
    study_free(s);
    /* the table still opens, with the typed rows */
    s = open_study();
    assert_int_equal(s->n_rows, 7);
    study_free(s);
}

static void test_queue_read_errors(void **state)
{
    (void)state;
    cs_error err;
    study *s = open_study();
    put("bad.csv", "id,combination\n");
    assert_null(queue_read(at("bad.csv"), s, &err));
    assert_non_null(strstr(err.msg, "bad.csv:1: not a queue file"));
    put("bad.csv", "run,combination,round,target,approved\nr1,A+Q,1,A,2026-11-29T22:00:00Z\n");
    assert_null(queue_read(at("bad.csv"), s, &err));
    assert_non_null(strstr(err.msg, "bad.csv:2: combination: dataset \"Q\""));
    put("bad.csv", "run,combination,round,target,approved\nr1,A,zero,A,x\n");
    assert_null(queue_read(at("bad.csv"), s, &err));
    assert_non_null(strstr(err.msg, "bad.csv:2: round"));
    study_free(s);
}

static void test_oracle_incomplete_table(void **state)
{
    (void)state;
    cs_error err;
    study *s = open_study();
    char *jp = journal_path_of(s);
    journal *j = journal_open(jp, s, true, &err);
    decide_round_one(j);
    assert_true(queue_commit_round(j, 1, NULL, &err));
    put("complete.csv", "combination,dataset,f1\nA+C,A,0.6\nA+C,C,0.3\nB,B,0.2\nD,D,0.1\n");
    size_t answered;
    assert_false(oracle_answer(s, j, at("complete.csv"), &answered, &err));
    assert_non_null(strstr(err.msg, "not complete"));
    assert_int_equal(answered, 0);
    /* nothing was written: the table still has its five lines */
    study *s2 = open_study();
    assert_int_equal(s2->n_rows, 4);
    study_free(s2);
    journal_free(j);
    free(jp);
    study_free(s);
}

static void test_second_instance_opens_read_only(void **state)
{
    (void)state;
    cs_error err;
    study *s = open_study();
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0) {
        study_lock *l;
        lock_info h;
        journal *j = journal_open_study(s, false, &l, &h, &err);
        char c = j && l && j->fd >= 0 && journal_append_note(j, 1, -1, 0, "first", &err) ? 'y' : 'n';
        if (write(p[1], &c, 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(p[1]);
    char c;
    assert_int_equal(read(p[0], &c, 1), 1);
    assert_int_equal(c, 'y');
    close(p[0]);
    study_lock *l;
    lock_info h;
    journal *j = journal_open_study(s, false, &l, &h, &err);
    assert_non_null(j);
    assert_null(l);
    assert_int_equal(j->fd, -1);
    assert_int_equal(h.pid, pid);
    assert_int_equal(j->n_events, 1); /* it sees the holder's decisions */
    assert_false(journal_append_note(j, 1, -1, 0, "second", &err));
    journal_free(j);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    /* the holder died: the next instance writes */
    j = journal_open_study(s, false, &l, &h, &err);
    assert_non_null(j);
    assert_non_null(l);
    assert_int_equal(h.pid, 0);
    assert_true(journal_append_note(j, 1, -1, 0, "second", &err));
    journal_free(j);
    /* --read-only takes no lock even when it is free */
    study_lock *l2;
    j = journal_open_study(s, true, &l2, &h, &err);
    assert_non_null(j);
    assert_null(l2);
    assert_int_equal(j->n_events, 2);
    journal_free(j);
    lock_release(l);
    study_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_queue_results_oracle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupted_commit_is_not_queued_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_result_typed_in_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_read_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oracle_incomplete_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_instance_opens_read_only, setup, teardown),
    };
    return cmocka_run_group_tests_name("queue", tests, NULL, NULL);
}
