/* The round model (core/round.c) without a terminal: proposing, deciding (journaled at once),
 * re-proposing, committing to the queue, the oracle, results typed in or noticed by
 * modification time, reopening an uncommitted round, read-only sessions and History. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "comboscope/queue.h"
#include "comboscope/review.h"
#include "comboscope/round.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "scratch.h"

#define A ((combo_t)1)
#define B ((combo_t)2)
#define C ((combo_t)4)
#define D ((combo_t)8)
#define E ((combo_t)16)

static const char *names[5] = {"A", "B", "C", "D", "E"};

/* A made-up score of dataset d in combination c: B and C help A, D hurts, E does little. */
static double score_of(combo_t c, int d)
{
    double v = 0.5 + 0.01 * d;
    if (d == 0)
        v += 0.03 * ((c & B) != 0) + 0.02 * ((c & C) != 0) - 0.04 * ((c & D) != 0) + 0.005 * ((c & E) != 0);
    return v - 0.002 * __builtin_popcountll(c);
}

static void write_rows(FILE *f, combo_t c)
{
    char combo[64] = "";
    for (int d = 0; d < 5; d++)
        if (c >> d & 1)
            snprintf(combo + strlen(combo), sizeof combo - strlen(combo), "%s%s", combo[0] ? "+" : "", names[d]);
    for (int d = 0; d < 5; d++)
        if (c >> d & 1)
            fprintf(f, ",%s,%s,T,%.4f\n", combo, names[d], score_of(c, d));
}

static int setup(void **state)
{
    (void)state;
    scratch_make("round");
    FILE *f = fopen(at("study.json"), "w");
    assert_non_null(f);
    fputs("{\"comboscope\":1,\"name\":\"t\",\"metric\":\"f1\",\"goal\":\"max\",\n"
          " \"datasets\":[{\"name\":\"A\",\"task\":\"T\"},{\"name\":\"B\",\"task\":\"T\"},{\"name\":\"C\",\"task\":\"T\"},"
          "{\"name\":\"D\",\"task\":\"T\"},{\"name\":\"E\",\"task\":\"T\"}],\n"
          " \"tables\":[\"runs.csv\"],\"targets\":[\"A\",\"B\"],\n"
          " \"search\":{\"predictor\":\"additive\",\"acquisition\":\"ucb\",\"batch\":3,\"seed\":1},\n"
          " \"journal\":\"journal.jsonl\",\"queue\":\"queue.csv\"}\n",
          f);
    fclose(f);
    f = fopen(at("runs.csv"), "w");
    fputs("run,combination,dataset,task,f1\n", f);
    combo_t seed[] = {A, A | B, A | C, A | D, A | E, B, A | B | C};
    for (size_t i = 0; i < sizeof seed / sizeof *seed; i++)
        write_rows(f, seed[i]);
    fclose(f);
    f = fopen(at("complete.csv"), "w");
    fputs("run,combination,dataset,task,f1\n", f);
    for (combo_t c = 1; c < 32; c++)
        write_rows(f, c);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    scratch_remove();
    return 0;
}

static round_session *open_session(study *s, bool ro, const char *oracle)
{
    cs_error err;
    round_session *rs = round_session_open(s, NULL, ro, oracle, &err);
    if (!rs)
        fail_msg("%s", err.msg);
    return rs;
}

static long journal_lines(void)
{
    FILE *f = fopen(at("journal.jsonl"), "r");
    if (!f)
        return 0;
    long n = 0;
    int c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static void test_propose_decide_and_journal(void **state)
{
    (void)state;
    study *s = open_study();
    round_session *rs = open_session(s, false, NULL);
    cs_error err;
    assert_false(rs->read_only);
    assert_true(round_propose(rs, 0, &err));
    assert_int_equal(rs->number, 1);
    assert_int_equal(rs->n_items, 3);
    assert_int_equal(rs->settings.predictor, PREDICT_ADDITIVE);
    for (size_t i = 0; i < rs->n_items; i++) {
        assert_true(rs->items[i].combo & A);
        assert_false(study_score(s, rs->items[i].combo, 0, &(double){0})); /* never a measured one */
        assert_true(isfinite(rs->items[i].predicted));
        assert_int_equal(rs->items[i].serves, 1 + ((rs->items[i].combo & B) != 0));
    }
    /* re-proposing before any decision leaves nothing in the journal */
    assert_true(round_set_batch(rs, 4, &err));
    assert_int_equal(rs->n_items, 4);
    assert_true(round_set_batch(rs, 3, &err));
    assert_int_equal(journal_lines(), 0);

    /* each decision is on disk when the call returns */
    assert_true(round_accept(rs, 0, &err));
    assert_int_equal(journal_lines(), 4); /* 3 suggested + accepted */
    assert_int_equal(rs->items[0].decision, DECISION_ACCEPTED);
    assert_true(round_reject(rs, 1, "too big", &err));
    assert_int_equal(rs->items[1].decision, DECISION_REJECTED);
    assert_string_equal(rs->items[1].reason, "too big");
    combo_t mine = A | B | E;
    if (mine == rs->items[2].combo)
        mine = A | B | C | E;
    assert_false(round_override(rs, 2, B | C, &err)); /* must contain the target */
    assert_true(round_override(rs, 2, mine, &err));
    assert_int_equal(rs->items[2].decision, DECISION_OVERRIDDEN);
    assert_true(rs->items[2].replacement == mine);
    assert_true(isfinite(rs->items[2].repl_predicted));
    assert_int_equal(round_approved(rs), 2);
    /* a batch with decisions is fixed */
    assert_false(round_set_batch(rs, 2, &err));
    assert_non_null(strstr(err.msg, "undo"));
    /* undo reverts the latest, then it can be decided again */
    round_undone undone;
    assert_true(round_undo(rs, &undone, &err));
    assert_false(undone.commit);
    assert_int_equal(undone.item, 2);
    assert_int_equal(rs->items[2].decision, DECISION_NONE);
    assert_true(round_override(rs, 2, mine, &err));
    assert_true(round_note(rs, 2, "my own guess", &err));
    assert_false(round_note(rs, 2, "", &err));
    assert_int_equal(journal_lines(), 9);

    /* reopening finds the uncommitted round with its batch and decisions */
    combo_t first = rs->items[0].combo, rejected = rs->items[1].combo, replaced = rs->items[2].combo;
    round_session_free(rs);
    rs = open_session(s, false, NULL);
    assert_true(round_propose(rs, 1 /* asks for B: the open round's target wins */, &err));
    assert_int_equal(rs->target, 0);
    assert_int_equal(rs->number, 1);
    assert_int_equal(rs->n_items, 3);
    assert_true(rs->items[0].combo == first);
    assert_int_equal(rs->items[0].decision, DECISION_ACCEPTED);
    assert_int_equal(rs->items[1].decision, DECISION_REJECTED);
    assert_int_equal(rs->items[2].decision, DECISION_OVERRIDDEN);
    assert_true(rs->has_cv);

    /* commit with the oracle: the runs are queued, answered, journaled; the next round opens */
    round_session_free(rs);
    rs = open_session(s, false, at("complete.csv"));
    assert_true(round_propose(rs, 0, &err));
    size_t queued = 0;
    if (!round_commit(rs, &queued, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(queued, 2);
    assert_int_equal(rs->number, 2);
    assert_ptr_not_equal(rs->study, s); /* reloaded with the oracle's rows */
    assert_int_equal(rs->journal->n_runs, 2);
    assert_true(rs->journal->runs[0].has_result && rs->journal->runs[1].has_result);
    double got;
    assert_true(study_score(rs->study, first, 0, &got));
    assert_float_equal(got, score_of(first, 0), 1e-4);
    assert_true(study_score(rs->study, mine, 0, &got));
    assert_int_equal(rs->n_items, 3); /* round 2 proposed */
    for (size_t i = 0; i < rs->n_items; i++) /* neither measured, nor rejected or replaced before */
        assert_false(rs->items[i].combo == first || rs->items[i].combo == mine ||
                     rs->items[i].combo == rejected || rs->items[i].combo == replaced);

    size_t n;
    round_history_row *h = round_history(rs, &n);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].number, 1);
    assert_true(h[0].committed);
    assert_int_equal(h[0].suggested, 3);
    assert_int_equal(h[0].accepted, 1);
    assert_int_equal(h[0].rejected, 1);
    assert_int_equal(h[0].overridden, 1);
    assert_int_equal(h[0].notes, 1);
    assert_int_equal(h[0].queued, 2);
    assert_int_equal(h[0].results, 2);
    assert_true(h[0].has_cv && h[0].has_error && h[0].has_best);
    free(h);
    double *curve;
    assert_int_equal(round_best_curve(rs, 0, &curve), 2);
    assert_float_equal(curve[0], score_of(A | B | C, 0), 1e-4); /* the best seed run */
    assert_true(curve[1] >= curve[0]);
    free(curve);
    round_session_free(rs);
    study_free(s);
}

static void test_read_only_and_lock(void **state)
{
    (void)state;
    study *s = open_study();
    cs_error err;
    round_session *ro = open_session(s, true, NULL);
    assert_true(ro->read_only);
    assert_non_null(strstr(ro->read_only_why, "--read-only"));
    assert_true(round_propose(ro, 0, &err));
    assert_false(round_accept(ro, 0, &err));
    assert_non_null(strstr(err.msg, "read-only"));
    assert_int_equal(journal_lines(), 0);
    round_session_free(ro);

    round_session *w = open_session(s, false, NULL);
    assert_false(w->read_only);
    round_session *second = open_session(s, false, NULL);
    assert_true(second->read_only);
    assert_non_null(strstr(second->read_only_why, "read-only: held by pid"));
    char pid[32];
    snprintf(pid, sizeof pid, "pid %ld", (long)getpid());
    assert_non_null(strstr(second->read_only_why, pid));
    round_session_free(second);
    round_session_free(w);
    /* released: the next one writes */
    w = open_session(s, false, NULL);
    assert_false(w->read_only);
    round_session_free(w);
    study_free(s);
}

static void test_results_by_hand_and_by_mtime(void **state)
{
    (void)state;
    study *s = open_study();
    cs_error err;
    round_session *rs = open_session(s, false, NULL);
    assert_true(round_propose(rs, 0, &err));
    assert_true(round_accept(rs, 0, &err));
    assert_true(round_accept(rs, 1, &err));
    assert_true(round_reject(rs, 2, NULL, &err));
    assert_null(rs->items[2].reason);
    size_t queued;
    assert_true(round_commit(rs, &queued, &err));
    assert_int_equal(queued, 2);
    queue *q = queue_read(at("queue.csv"), rs->study, &err);
    assert_non_null(q);
    assert_int_equal(q->n, 2);
    queue_free(q);
    const journal_run r0 = rs->journal->runs[0], r1 = rs->journal->runs[1];

    /* typed in: one score per member, in dataset order */
    int members = __builtin_popcountll(r0.combo);
    assert_false(round_enter_result(rs, r0.id, "0.5", &err) && members != 1);
    assert_false(round_enter_result(rs, r0.id, "abc", &err));
    assert_false(round_enter_result(rs, "r9999", "0.5", &err));
    char text[128] = "";
    for (int i = 0; i < members; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s0.%d", i ? " " : "", 60 + i);
    if (!round_enter_result(rs, r0.id, text, &err))
        fail_msg("%s", err.msg);
    assert_true(journal_run_find(rs->journal, r0.id)->has_result);
    double v;
    assert_true(study_score(rs->study, r0.combo, 0, &v));
    assert_float_equal(v, 0.60, 1e-9);

    /* nothing changed: polling does nothing */
    assert_int_equal(round_poll(rs, false, &err), 0);
    /* rows appended by someone else: noticed by the table's modification time */
    FILE *f = fopen(at("runs.csv"), "a");
    char combo[64];
    study_combo_format(rs->study, r1.combo, combo, sizeof combo);
    for (int d = 0; d < 5; d++)
        if (r1.combo >> d & 1)
            fprintf(f, ",%s,%s,T,0.7%d\n", combo, names[d], d);
    fclose(f);
    struct timespec t[2] = {{0, UTIME_OMIT}, {time(NULL) + 5, 0}};
    assert_int_equal(utimensat(AT_FDCWD, at("runs.csv"), t, 0), 0);
    assert_int_equal(round_poll(rs, false, &err), 1);
    assert_true(journal_run_find(rs->journal, r1.id)->has_result);
    q = queue_read(at("queue.csv"), rs->study, &err);
    assert_non_null(q);
    assert_int_equal(q->n, 0);
    queue_free(q);
    round_session_free(rs);
    study_free(s);
}

/* Runs left waiting (no oracle then) are answered when a session opens with the oracle. */
static void test_oracle_answers_runs_left_waiting(void **state)
{
    (void)state;
    study *s = open_study();
    cs_error err;
    round_session *rs = open_session(s, false, NULL);
    assert_true(round_propose(rs, 0, &err));
    assert_true(round_accept(rs, 0, &err));
    size_t queued;
    assert_true(round_commit(rs, &queued, &err));
    assert_int_equal(queued, 1);
    assert_false(rs->journal->runs[0].has_result);
    round_session_free(rs);
    rs = open_session(s, false, at("complete.csv"));
    assert_true(rs->journal->runs[0].has_result);
    assert_ptr_not_equal(rs->study, s);
    round_session_free(rs);
    study_free(s);
}

/* A table caught half-written: one error, not one per key; the next change is read again. */
static void test_bad_table_reported_once(void **state)
{
    (void)state;
    study *s = open_study();
    cs_error err;
    round_session *rs = open_session(s, false, NULL);
    FILE *f = fopen(at("runs.csv"), "a");
    fputs(",A+B,C,T,0.5\n", f); /* C is not in A+B */
    fclose(f);
    struct timespec t[2] = {{0, UTIME_OMIT}, {time(NULL) + 5, 0}};
    assert_int_equal(utimensat(AT_FDCWD, at("runs.csv"), t, 0), 0);
    assert_int_equal(round_poll(rs, false, &err), -1);
    assert_non_null(strstr(err.msg, "runs.csv:"));
    assert_ptr_equal(rs->study, s); /* the old study stays */
    assert_int_equal(round_poll(rs, false, &err), 0);
    /* the launcher finishes its write: read again */
    f = fopen(at("runs.csv"), "a");
    fputs(",A+B+C+D+E,A,T,0.9\n", f);
    fclose(f);
    t[1].tv_sec += 5;
    assert_int_equal(utimensat(AT_FDCWD, at("runs.csv"), t, 0), 0);
    assert_int_equal(round_poll(rs, false, &err), -1); /* the bad row is still there */
    round_session_free(rs);
    study_free(s);
}

/* A study with no runs yet: round 1 is the `auto` initial design, as replay and suggest start,
 * without predictions; on this 16-combination lattice that is the target alone. */
static void test_first_round_is_the_initial_design(void **state)
{
    (void)state;
    FILE *f = fopen(at("runs.csv"), "w");
    fputs("run,combination,dataset,task,f1\n", f);
    fclose(f);
    study *s = open_study();
    cs_error err;
    round_session *rs = open_session(s, false, NULL);
    assert_true(round_propose(rs, 0, &err));
    assert_true(rs->design);
    assert_null(rs->model);
    int task[5] = {0};
    search_design d = {DESIGN_AUTO, 0};
    size_t n;
    combo_t *c = search_initial_design(&d, 5, 0, task, 1, &n);
    assert_int_equal(n, 1);
    assert_true(rs->design_alone);
    assert_int_equal(rs->n_items, n);
    for (size_t i = 0; i < n; i++) {
        assert_true(rs->items[i].combo == c[i]);
        assert_true(isnan(rs->items[i].predicted));
    }
    free(c);
    double mean, sd;
    assert_false(round_score(rs, A | B, &mean, &sd));
    assert_true(round_accept(rs, 0, &err));
    /* the journal says what decided the round: the design, the seed, the batch asked for */
    const journal_event *e = &rs->journal->events[0];
    assert_int_equal(e->kind, JOURNAL_SUGGESTED);
    assert_true(e->has_search);
    assert_true(e->seed == (unsigned long)rs->settings.seed);
    assert_int_equal(e->batch, rs->settings.batch);
    assert_string_equal(e->init, "alone");
    assert_null(e->chosen);
    assert_int_equal(e->fit_runs, 0);
    round_session_free(rs);
    /* reopened: still the design batch, with its decision */
    rs = open_session(s, false, NULL);
    assert_true(round_propose(rs, 0, &err));
    assert_true(rs->design);
    assert_int_equal(rs->n_items, n);
    assert_int_equal(rs->items[0].decision, DECISION_ACCEPTED);
    round_session_free(rs);
    study_free(s);
}

/* The initial design's header counts the target's measured runs: a design proposed on a
 * lattice where the target already has runs (too few to fit) says how many. */
static void test_design_counts_measured_runs(void **state)
{
    (void)state;
    FILE *f = fopen(at("study.json"), "w");
    fputs("{\"comboscope\":1,\"name\":\"t\",\"metric\":\"f1\",\"goal\":\"max\",\n \"datasets\":[", f);
    static const char *const big[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"};
    for (int d = 0; d < 12; d++)
        fprintf(f, "%s{\"name\":\"%s\",\"task\":\"%s\"}", d ? "," : "", big[d], d < 6 ? "T" : "U");
    fputs("],\n \"tables\":[\"runs.csv\"],\"targets\":[\"A\"],\"search\":{\"batch\":3,\"seed\":1},\n"
          " \"journal\":\"journal.jsonl\",\"queue\":\"queue.csv\"}\n",
          f);
    fclose(f);
    f = fopen(at("runs.csv"), "w");
    fputs("run,combination,dataset,task,f1\n,A,A,T,0.5\n,A+B,A,T,0.52\n,A+B,B,T,0.4\n", f);
    fclose(f);
    study *s = open_study();
    cs_error err;
    round_session *rs = open_session(s, false, NULL);
    assert_true(round_propose(rs, 0, &err));
    assert_true(rs->design);
    assert_false(rs->design_alone);
    assert_int_equal(rs->measured, 2); /* A and A+B */
    round_session_free(rs);
    study_free(s);
}

/* --predictor auto in a round: the choice and its reason come with the model, the cv figures
 * shown are the ones auto chose on, the view knows whether it has skill and whether the batch's
 * later picks came from gp (auto chose mlp). */
static void test_auto_predictor_round(void **state)
{
    (void)state;
    cs_error err;
    study *s = open_study();
    round_session *rs = open_session(s, false, NULL);
    assert_true(round_propose(rs, 0, &err));
    assert_true(round_set_predictor(rs, PREDICT_AUTO, &err));
    predict_choice c;
    assert_true(predict_auto_choice(rs->model, &c));
    assert_int_equal(c.points, 6);
    assert_true(rs->cv_spearman == c.rho || (isnan(rs->cv_spearman) && isnan(c.rho)));
    assert_true(rs->no_skill == !c.skill);
    assert_true(rs->later_by_gp == (c.chosen == PREDICT_MLP && rs->settings.batch > 1 && rs->n_items > 1));
    assert_true(rs->n_items > 0);
    /* decided on, the batch is journaled with auto's choice, the runs fitted and the seed; only
     * its first suggestion carries them */
    size_t before = rs->journal->n_events;
    assert_true(round_accept(rs, 0, &err));
    const journal_event *e = &rs->journal->events[before];
    assert_int_equal(e->kind, JOURNAL_SUGGESTED);
    assert_true(e->has_search);
    assert_string_equal(e->predictor, "auto");
    assert_string_equal(e->chosen, predict_kind_name(c.chosen));
    assert_int_equal(e->fit_runs, 6);
    assert_true(e->seed == (unsigned long)rs->settings.seed);
    assert_null(e->init);
    if (rs->n_items > 1)
        assert_false(rs->journal->events[before + 1].has_search);
    round_session_free(rs);
    study_free(s);
}

static void test_bare_table_is_read_only(void **state)
{
    (void)state;
    cs_error err;
    study *s = study_open(at("complete.csv"), NULL, &err);
    assert_non_null(s);
    round_session *rs = open_session(s, false, NULL);
    assert_true(rs->read_only);
    assert_null(rs->journal);
    assert_true(round_propose(rs, 0, &err));
    assert_int_equal(rs->n_items, 0); /* every combination is measured */
    size_t n;
    free(round_history(rs, &n));
    assert_int_equal(n, 0);
    round_session_free(rs);
    study_free(s);
}

/* What a fit is about to cost: the target's measured runs, 0 when nothing would be fitted. */
static void test_fit_runs(void **state)
{
    (void)state;
    cs_error err;
    study *s = open_study();
    round_session *rs = open_session(s, false, NULL);
    assert_int_equal(round_fit_runs(rs, 0), 6);  /* A, A+B, A+C, A+D, A+E, A+B+C */
    assert_int_equal(round_fit_runs(rs, 1), 3);  /* B: 3 runs; its auto design is B alone, measured */
    assert_int_equal(round_fit_runs(rs, -1), 0);
    assert_true(round_propose(rs, 0, &err));
    assert_int_equal(rs->measured, round_fit_runs(rs, 0));
    /* an open round for A (a decision stands) is what a proposal for B reopens */
    assert_true(round_accept(rs, 0, &err));
    assert_int_equal(round_fit_runs(rs, 1), 6);
    round_session_free(rs);
    study_free(s);
    s = study_open(at("complete.csv"), NULL, &err);
    assert_non_null(s);
    rs = open_session(s, false, NULL);
    assert_int_equal(round_fit_runs(rs, 0), 0); /* every combination measured */
    round_session_free(rs);
    study_free(s);
}

/* What the model expects is still to be gained: the best predicted unmeasured combination. */
static void test_prospect(void **state)
{
    (void)state;
    cs_error err;
    study *s = open_study();
    round_session *rs = open_session(s, false, NULL);
    combo_t pc;
    double pmean, pgain;
    assert_false(round_prospect(rs, &pc, &pmean, &pgain)); /* no model yet */
    assert_true(round_propose(rs, 0, &err));
    assert_false(rs->prospect_known); /* not part of the fit: scored on demand */
    assert_true(round_prospect(rs, &pc, &pmean, &pgain));
    assert_true(rs->prospect_known);
    assert_true(pc & A);
    double v;
    assert_false(study_score(s, pc, 0, &v)); /* unmeasured */
    double mean, sd, best = -1;
    combo_t arg = 0;
    for (combo_t c = A; c < 32; c++) {
        if (!(c & A) || study_score(s, c, 0, &v))
            continue;
        assert_true(round_score(rs, c, &mean, &sd));
        if (mean > best)
            best = mean, arg = c;
    }
    assert_true(arg == pc);
    assert_true(fabs(pmean - best) < 1e-12);
    assert_true(fabs(pgain - (best - rs->summary.best)) < 1e-12);
    /* a re-proposal refits: scored again on demand */
    assert_true(round_set_batch(rs, 2, &err));
    assert_false(rs->prospect_known);
    assert_true(round_prospect(rs, &pc, &pmean, &pgain));
    round_session_free(rs);
    /* B has 3 runs: below 4, but its auto design (B alone) is measured, so the model speaks */
    rs = open_session(s, false, NULL);
    assert_true(round_propose(rs, 1, &err));
    assert_non_null(rs->model);
    assert_false(rs->design);
    assert_true(round_prospect(rs, &pc, &pmean, &pgain));
    round_session_free(rs);
    study_free(s);
}

/* Events of the journal file in order, as "kind kind ..." (the file, not the model). */
static void journal_kinds(char *out, size_t n)
{
    FILE *f = fopen(at("journal.jsonl"), "r");
    char line[4096];
    size_t k = 0;
    out[0] = '\0';
    while (f && fgets(line, sizeof line, f)) {
        char *e = strstr(line, "\"event\":\"");
        if (!e)
            continue;
        e += 9;
        size_t len = strcspn(e, "\"");
        k += (size_t)snprintf(out + k, n - k, "%s%.*s", k ? " " : "", (int)len, e);
    }
    if (f)
        fclose(f);
}

/* A commit that leaves suggestions open says so first (the question), and journals them as
 * left open; a commit with every suggestion decided and no launch engine need not ask. */
static void test_commit_question_and_left_open(void **state)
{
    (void)state;
    study *s = open_study();
    cs_error err;
    round_session *rs = open_session(s, false, NULL);
    assert_true(round_propose(rs, 0, &err));
    assert_int_equal(rs->n_items, 3);
    char q[200];
    assert_true(round_accept(rs, 0, &err));
    assert_true(round_commit_question(rs, q, sizeof q));
    assert_string_equal(q, "commit 1 run, leave #2, #3 open? (y/N)");
    assert_true(round_reject(rs, 1, NULL, &err));
    assert_true(round_commit_question(rs, q, sizeof q));
    assert_string_equal(q, "commit 1 run, leave #3 open? (y/N)");
    assert_true(round_undo(rs, &(round_undone){0}, &err));
    assert_true(round_accept(rs, 1, &err));
    assert_true(round_accept(rs, 2, &err));
    assert_false(round_commit_question(rs, q, sizeof q)); /* all decided, nothing launched */
    assert_string_equal(q, "commit 3 runs");
    assert_true(round_undo(rs, &(round_undone){0}, &err));
    assert_true(round_undo(rs, &(round_undone){0}, &err));
    combo_t open1 = rs->items[1].combo, open2 = rs->items[2].combo;
    size_t queued;
    assert_true(round_commit(rs, &queued, &err));
    assert_int_equal(queued, 1);
    char kinds[1024];
    journal_kinds(kinds, sizeof kinds);
    assert_string_equal(kinds, "suggested suggested suggested accepted rejected undo accepted accepted undo undo "
                               "queued left_open left_open committed");
    const journal_round *r = journal_round_find(rs->journal, 1);
    assert_int_equal(r->n_left_open, 2);
    assert_true(rs->journal->events[r->left_open[0]].combo == open1);
    assert_true(rs->journal->events[r->left_open[1]].combo == open2);
    round_session_free(rs);
    /* read back from the file: the same */
    rs = open_session(s, true, NULL);
    r = journal_round_find(rs->journal, 1);
    assert_int_equal(r->n_left_open, 2);
    assert_true(r->committed);
    round_session_free(rs);

    /* a study with a launch object: even a fully decided commit asks, naming the engine */
    FILE *f = fopen(at("study.json"), "r+");
    fseek(f, -2, SEEK_END); /* before "}\n" */
    fputs(", \"launch\": {\"engine\": \"slurm\", \"command\": \"train {run}\"}}\n", f);
    fclose(f);
    study *ls = open_study();
    rs = open_session(ls, false, NULL);
    assert_true(round_propose(rs, 0, &err));
    for (size_t i = 0; i < rs->n_items; i++)
        assert_true(round_accept(rs, i, &err));
    assert_true(round_commit_question(rs, q, sizeof q));
    assert_string_equal(q, "commit 3 runs and submit them to Slurm (GPU time)? (y/N)");
    assert_true(round_reject(rs, 2, NULL, &err));
    assert_true(round_reject(rs, 1, NULL, &err));
    assert_true(round_reject(rs, 0, NULL, &err));
    assert_false(round_commit_question(rs, q, sizeof q)); /* nothing to submit, nothing left open */
    round_session_free(rs);
    study_free(ls);

    /* the local engine runs them here: nothing is submitted anywhere, no GPU time */
    f = fopen(at("study.json"), "r+");
    fseek(f, -(long)strlen("slurm\", \"command\": \"train {run}\"}}\n"), SEEK_END);
    fputs("local", f);
    fclose(f);
    ls = open_study();
    unlink(at("journal.jsonl")); /* a fresh start: round 1 with three suggestions */
    unlink(at("queue.csv"));
    rs = open_session(ls, false, NULL);
    assert_true(round_propose(rs, 0, &err));
    assert_true(round_reject(rs, 2, NULL, &err));
    assert_true(round_accept(rs, 1, &err));
    assert_true(round_commit_question(rs, q, sizeof q));
    assert_string_equal(q, "commit 1 run, leave #1 open, and run it on this machine (local engine)? (y/N)");
    assert_true(round_accept(rs, 0, &err));
    assert_true(round_commit_question(rs, q, sizeof q));
    assert_string_equal(q, "commit 2 runs and run them on this machine (local engine)? (y/N)");
    round_session_free(rs);

    /* with an oracle the runs are answered from its table and nothing is launched: the question
     * (and the commit) never mention submitting */
    rs = open_session(ls, false, at("complete.csv"));
    assert_null(rs->launch);
    assert_true(round_propose(rs, 0, &err)); /* round 1 again: #1 and #2 accepted, #3 rejected */
    assert_false(round_commit_question(rs, q, sizeof q));
    assert_string_equal(q, "commit 2 runs");
    assert_true(round_undo(rs, &(round_undone){0}, &err));
    assert_true(round_commit_question(rs, q, sizeof q));
    assert_string_equal(q, "commit 1 run, leave #1 open? (y/N)");
    assert_true(round_accept(rs, 0, &err));
    assert_true(round_commit(rs, &queued, &err));
    assert_int_equal(queued, 2);
    assert_string_equal(rs->launched, ""); /* nothing submitted */
    for (size_t i = 0; i < rs->journal->n_runs; i++)
        assert_false(journal_run_waiting(&rs->journal->runs[i])); /* every run answered */
    round_session_free(rs);
    study_free(ls);
    study_free(s);
}

/* A queued run is withdrawn: journaled, out of the queue file, no result taken for it. */
static void test_withdraw(void **state)
{
    (void)state;
    study *s = open_study();
    cs_error err;
    round_session *rs = open_session(s, false, NULL);
    assert_true(round_propose(rs, 0, &err));
    assert_true(round_accept(rs, 0, &err));
    assert_true(round_accept(rs, 1, &err));
    assert_true(round_reject(rs, 2, NULL, &err));
    size_t queued;
    assert_true(round_commit(rs, &queued, &err));
    assert_int_equal(queued, 2);
    journal_run r0 = rs->journal->runs[0], r1 = rs->journal->runs[1];
    assert_ptr_equal(round_last_waiting(rs), &rs->journal->runs[1]);
    long before = journal_lines();
    assert_false(round_withdraw(rs, "r9999", &err));
    assert_non_null(strstr(err.msg, "no run 'r9999'"));
    assert_int_equal(journal_lines(), before);
    assert_true(round_withdraw(rs, r0.id, &err));
    assert_int_equal(journal_lines(), before + 1); /* on disk when the call returns */
    assert_true(rs->journal->runs[0].withdrawn);
    assert_false(journal_run_waiting(&rs->journal->runs[0]));
    assert_false(round_withdraw(rs, r0.id, &err));
    assert_non_null(strstr(err.msg, "already withdrawn"));
    queue *q = queue_read(at("queue.csv"), rs->study, &err);
    assert_non_null(q);
    assert_int_equal(q->n, 1);
    assert_string_equal(q->entries[0].run, r1.id);
    queue_free(q);
    /* no result is taken for it, typed in or from the table */
    assert_false(round_enter_result(rs, r0.id, "0.1 0.2 0.3", &err));
    assert_non_null(strstr(err.msg, "withdrawn"));
    /* a run with its result cannot be withdrawn */
    int members = __builtin_popcountll(r1.combo);
    char text[128] = "";
    for (int i = 0; i < members; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s0.5%d", i ? " " : "", i);
    assert_true(round_enter_result(rs, r1.id, text, &err));
    assert_false(round_withdraw(rs, r1.id, &err));
    assert_non_null(strstr(err.msg, "has its result"));
    assert_null(round_last_waiting(rs));
    round_session_free(rs);
    /* the journal reads back with the withdrawal; a read-only session refuses to withdraw */
    rs = open_session(s, true, NULL);
    assert_true(journal_run_find(rs->journal, r0.id)->withdrawn);
    assert_false(round_withdraw_check(rs, r0.id, &err));
    assert_non_null(strstr(err.msg, "read-only"));
    round_session_free(rs);
    study_free(s);
}

/* The search may propose a withdrawn combination again (the initial design leaves out runs
 * still queued, not withdrawn ones). */
static void test_withdrawn_combination_proposed_again(void **state)
{
    (void)state;
    FILE *f = fopen(at("runs.csv"), "w");
    fputs("run,combination,dataset,task,f1\n", f);
    fclose(f);
    study *s = open_study();
    cs_error err;
    round_session *rs = open_session(s, false, NULL);
    assert_true(round_propose(rs, 0, &err));
    assert_true(rs->design);
    size_t n = rs->n_items;
    combo_t first = rs->items[0].combo;
    assert_true(round_accept(rs, 0, &err));
    for (size_t i = 1; i < n; i++)
        assert_true(round_reject(rs, i, NULL, &err));
    size_t queued;
    assert_true(round_commit(rs, &queued, &err));
    for (size_t i = 0; i < rs->n_items; i++) /* queued: not proposed */
        assert_false(rs->items[i].combo == first);
    assert_true(round_withdraw(rs, rs->journal->runs[0].id, &err));
    assert_true(round_propose(rs, 0, &err));
    assert_true(rs->n_items > 0);
    assert_true(rs->items[0].combo == first);
    round_session_free(rs);
    study_free(s);
}

/* u with nothing decided in the current round undoes the last commit: an `uncommitted` event,
 * the runs out of the queue, the round open again with its decisions; a commit with a result
 * in stays, and so does one after which the next round has begun. */
static void test_undo_commit(void **state)
{
    (void)state;
    study *s = open_study();
    cs_error err;
    round_session *rs = open_session(s, false, NULL);
    round_undone u;
    assert_true(round_propose(rs, 0, &err));
    assert_false(round_undo(rs, &u, &err)); /* nothing yet */
    assert_true(round_accept(rs, 0, &err));
    assert_true(round_override(rs, 1, A | B | C | D | E, &err));
    assert_true(round_reject(rs, 2, "no", &err));
    size_t queued;
    assert_true(round_commit(rs, &queued, &err));
    assert_int_equal(queued, 2);
    assert_int_equal(rs->number, 2);
    char ids[2][JOURNAL_RUN_MAX];
    snprintf(ids[0], sizeof ids[0], "%s", rs->journal->runs[0].id);
    snprintf(ids[1], sizeof ids[1], "%s", rs->journal->runs[1].id);
    long before = journal_lines();
    assert_true(round_undo(rs, &u, &err));
    assert_true(u.commit);
    assert_int_equal(u.round, 1);
    assert_int_equal(u.runs, 2);
    assert_int_equal(journal_lines(), before + 1);
    assert_int_equal(rs->number, 1); /* round 1 is current again */
    assert_int_equal(rs->items[0].decision, DECISION_ACCEPTED);
    assert_int_equal(rs->items[1].decision, DECISION_OVERRIDDEN);
    assert_int_equal(rs->items[2].decision, DECISION_REJECTED);
    assert_false(journal_round_find(rs->journal, 1)->committed);
    assert_true(rs->journal->runs[0].withdrawn && rs->journal->runs[1].withdrawn);
    queue *q = queue_read(at("queue.csv"), rs->study, &err);
    assert_int_equal(q->n, 0);
    queue_free(q);
    /* decisions can change again, and the next commit queues new runs */
    assert_true(round_undo(rs, &u, &err));
    assert_false(u.commit);
    assert_int_equal(u.item, 2);
    assert_true(round_accept(rs, 2, &err));
    round_session_free(rs);
    rs = open_session(s, false, NULL); /* and all of it reads back */
    assert_true(round_propose(rs, 0, &err));
    assert_int_equal(rs->number, 1);
    assert_int_equal(rs->items[2].decision, DECISION_ACCEPTED);
    assert_true(round_commit(rs, &queued, &err));
    assert_int_equal(queued, 3);
    assert_int_equal(rs->journal->n_runs, 5);
    for (size_t i = 2; i < 5; i++) {
        assert_string_not_equal(rs->journal->runs[i].id, ids[0]);
        assert_string_not_equal(rs->journal->runs[i].id, ids[1]);
    }
    q = queue_read(at("queue.csv"), rs->study, &err);
    assert_int_equal(q->n, 3);
    queue_free(q);
    /* a result came back: that commit stays */
    const journal_run *r2 = &rs->journal->runs[2];
    char text[128] = "";
    for (int i = 0; i < __builtin_popcountll(r2->combo); i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s0.5", i ? " " : "");
    assert_true(round_enter_result(rs, rs->journal->runs[2].id, text, &err));
    before = journal_lines();
    assert_false(round_undo(rs, &u, &err));
    assert_non_null(strstr(err.msg, "has its result"));
    assert_int_equal(journal_lines(), before);
    round_session_free(rs);
    study_free(s);
}

/* Once the next round has begun (its batch journaled), the last commit stays. */
static void test_undo_commit_refused_once_next_round_begun(void **state)
{
    (void)state;
    study *s = open_study();
    cs_error err;
    round_session *rs = open_session(s, false, NULL);
    round_undone u;
    assert_true(round_propose(rs, 0, &err));
    assert_true(round_accept(rs, 0, &err));
    size_t queued;
    assert_true(round_commit(rs, &queued, &err));
    assert_true(round_note(rs, (size_t)-1, "round 2 begins", &err));
    long before = journal_lines();
    assert_false(round_undo(rs, &u, &err));
    assert_non_null(strstr(err.msg, "round 2 has begun"));
    assert_int_equal(journal_lines(), before);
    assert_true(journal_run_waiting(&rs->journal->runs[0]));
    round_session_free(rs);
    study_free(s);
}

/* How the last committed round is coming along: complete once every run not withdrawn is done. */
static void test_round_progress(void **state)
{
    (void)state;
    study *s = open_study();
    cs_error err;
    round_session *rs = open_session(s, false, NULL);
    round_progress p;
    assert_false(round_progress_of(rs, &p));
    assert_int_equal(p.round, 0);
    assert_true(round_propose(rs, 0, &err));
    for (size_t i = 0; i < 3; i++)
        assert_true(round_accept(rs, i, &err));
    size_t queued;
    assert_true(round_commit(rs, &queued, &err));
    assert_true(round_progress_of(rs, &p));
    assert_int_equal(p.round, 1);
    assert_int_equal(p.runs, 3);
    assert_int_equal(p.done, 0);
    assert_false(p.complete);
    const journal_run *r0 = &rs->journal->runs[0];
    char text[128] = "", id[JOURNAL_RUN_MAX];
    snprintf(id, sizeof id, "%s", r0->id);
    for (int i = 0; i < __builtin_popcountll(r0->combo); i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s0.5", i ? " " : "");
    assert_true(round_enter_result(rs, id, text, &err));
    assert_true(round_withdraw(rs, rs->journal->runs[1].id, &err));
    assert_true(round_progress_of(rs, &p));
    assert_int_equal(p.runs, 2);
    assert_int_equal(p.done, 1);
    assert_false(p.complete);
    assert_true(round_withdraw(rs, rs->journal->runs[2].id, &err));
    assert_true(round_progress_of(rs, &p));
    assert_true(p.complete); /* the last run not withdrawn is done */
    assert_int_equal(p.round, 1);
    round_session_free(rs);
    study_free(s);
}

/* A launched run's story for History, and the tail of a log. */
static void test_run_story_and_log_tail(void **state)
{
    (void)state;
    study *s = open_study();
    cs_error err;
    round_session *rs = open_session(s, false, NULL);
    assert_true(round_propose(rs, 0, &err));
    assert_true(round_accept(rs, 0, &err));
    size_t queued;
    assert_true(round_commit(rs, &queued, &err));
    journal *j = rs->journal;
    char buf[512], id[JOURNAL_RUN_MAX];
    snprintf(id, sizeof id, "%s", j->runs[0].id);
    assert_string_equal(round_run_story(j, 0, buf, sizeof buf), "queued");
    char runs[1][JOURNAL_RUN_MAX];
    snprintf(runs[0], JOURNAL_RUN_MAX, "%s", id);
    assert_true(journal_append_submitting(j, 1, "s0001", "slurm", "cs-x-s0001", (const char (*)[JOURNAL_RUN_MAX])runs, 1,
                                          &err));
    assert_true(journal_append_submitted(j, "s0001", "4242", NULL, &err));
    assert_true(journal_append_state(j, id, RUN_PENDING, "4242", "Resources", false, 0, &err));
    assert_ptr_equal(round_last_waiting(rs), &j->runs[0]); /* w offers a pending run */
    assert_true(journal_append_state(j, id, RUN_RUNNING, "4242", NULL, false, 0, &err));
    assert_null(round_last_waiting(rs)); /* but not a running one */
    assert_true(journal_append_state(j, id, RUN_FAILED, "4242", NULL, true, 3, &err));
    assert_true(journal_append_resubmit(j, id, &err));
    assert_string_equal(round_run_story(j, 0, buf, sizeof buf),
                        "slurm 4242, pending, running, failed (exit 3), resubmit");
    /* a cancel check says why not; a withdraw of a failed run is allowed */
    assert_false(round_cancel_check(rs, id, &err)); /* queued again, but no engine in this session */
    assert_true(round_withdraw(rs, id, &err));
    assert_string_equal(round_run_story(j, 0, buf, sizeof buf), "slurm 4242, pending, running, failed (exit 3), resubmit, withdrawn");

    FILE *f = fopen(at("log"), "w");
    for (int i = 1; i <= 10; i++)
        fprintf(f, "line %d\n", i);
    fclose(f);
    char *tail = round_log_tail(at("log"), 3);
    assert_string_equal(tail, "line 8\nline 9\nline 10");
    free(tail);
    tail = round_log_tail(at("log"), 30);
    assert_non_null(strstr(tail, "line 1\n"));
    free(tail);
    assert_null(round_log_tail(at("no-such-log"), 3));
    /* a FIFO planted as the log: nothing, at once (it used to block on open) */
    unlink(at("log"));
    assert_int_equal(mkfifo(at("log"), 0600), 0);
    assert_null(round_log_tail(at("log"), 3));
    unlink(at("log"));
    round_session_free(rs);
    study_free(s);
}

/* The joint valuation by hand (acquisition mean): the fixture's measured scores, as written
 * with 4 decimals, are for A (dataset 0): A 0.4980, A+B 0.5260, A+C 0.5160, A+D 0.4560,
 * A+E 0.5010, A+B+C 0.5440 (best 0.5440); for B (dataset 1): A+B 0.5060, B 0.5080,
 * A+B+C 0.5040 (best 0.5080, sample sd exactly 0.0020). Each candidate's value must be the sum
 * over the targets it contains of max(0, (predicted - best) / sd). */
static void test_joint_valuation_by_hand(void **state)
{
    (void)state;
    study *s = open_study();
    const double a_scores[] = {0.4980, 0.5260, 0.5160, 0.4560, 0.5010, 0.5440};
    double mu = 0, v = 0;
    for (int i = 0; i < 6; i++)
        mu += a_scores[i] / 6;
    for (int i = 0; i < 6; i++)
        v += (a_scores[i] - mu) * (a_scores[i] - mu) / 5;
    const double best[2] = {0.5440, 0.5080}, sd[2] = {sqrt(v), 0.0020};
    search_settings st = {.predictor = PREDICT_ADDITIVE, .acquisition = ACQ_MEAN, .batch = 64, .seed = 1};
    int targets[2] = {0, 1};
    search_joint_pick picks[64];
    round_target_fit fits[2];
    cs_error err;
    int got = round_joint_propose(s, &st, targets, 2, true, picks, fits, &err);
    /* every unmeasured combination with A or B: 24 contain one of them, 7 are measured */
    assert_int_equal(got, 17);
    assert_true(fits[0].summary.has_best && fabs(fits[0].summary.best - best[0]) < 1e-12);
    assert_true(fits[1].summary.has_best && fabs(fits[1].summary.best - best[1]) < 1e-12);
    assert_int_equal(fits[0].measured, 6);
    assert_int_equal(fits[1].measured, 3);
    assert_true(fits[0].has_cv);
    int both = 0;
    for (int i = 0; i < got; i++) {
        const search_joint_pick *p = &picks[i];
        assert_true(p->combo & (A | B));
        assert_false(study_score(s, p->combo, combo_has(p->combo, 0) ? 0 : 1, &(double){0}));
        double sum = 0;
        for (int j = 0; j < 2; j++) {
            if (!combo_has(p->combo, targets[j])) {
                assert_true(isnan(p->z[j]) && isnan(p->predicted[j]) && isnan(p->sd[j]));
                continue;
            }
            double z = (p->predicted[j] - best[j]) / sd[j];
            z = z > 0 ? z : 0;
            if (fabs(p->z[j] - z) > 1e-9)
                fail_msg("%s: z %g, by hand %g", "pick", p->z[j], z);
            assert_true(isfinite(p->sd[j]) && p->sd[j] >= 0);
            sum += z;
        }
        both += combo_has(p->combo, 0) && combo_has(p->combo, 1);
        assert_true(fabs(p->value - sum) < 1e-9);
        if (i > 0)
            assert_true(picks[i - 1].value >= p->value);
    }
    assert_true(both > 0 && both < got); /* some serve both targets, some one */
    study_free(s);
}

/* A joint round in a session: J's proposal carries each target's value, decisions are journaled
 * with the round's targets, the commit queues runs that name the target they serve, the round
 * after it stays joint, and a joint round left open is reopened as one. */
static void test_joint_round_session(void **state)
{
    (void)state;
    study *s = open_study();
    round_session *rs = open_session(s, false, at("complete.csv"));
    cs_error err;
    assert_true(round_propose(rs, 0, &err));
    assert_false(rs->is_joint);
    assert_true(round_set_joint(rs, true, &err));
    assert_true(rs->is_joint && rs->joint);
    assert_int_equal(rs->n_targets, 2);
    assert_int_equal(rs->targets[0], 0);
    assert_int_equal(rs->targets[1], 1);
    assert_int_equal(rs->n_items, 3);
    int serve_b_only = -1;
    for (size_t i = 0; i < rs->n_items; i++) {
        const round_item *it = &rs->items[i];
        double sum = 0;
        for (int j = 0; j < 2; j++) {
            bool in = combo_has(it->combo, rs->targets[j]);
            assert_true(in == isfinite(it->t_predicted[j]));
            if (!in)
                continue;
            sum += it->t_value[j];
            double m, sd; /* the round's model gives the same prediction */
            assert_true(round_score_target(rs, j, it->combo, &m, &sd));
            assert_true(fabs(m - it->t_predicted[j]) < 1e-9);
        }
        assert_true(fabs(sum - it->acquisition) < 1e-9);
        if (!combo_has(it->combo, 0))
            serve_b_only = (int)i;
    }
    assert_int_equal(journal_lines(), 0);
    /* suggest --joint proposes the same (round_joint_propose: the same fits and seeds) */
    search_joint_pick same[8];
    round_target_fit same_fits[2];
    search_settings st = rs->settings;
    assert_int_equal(round_joint_propose(s, &st, rs->targets, rs->n_targets, true, same, same_fits, &err), 3);
    for (size_t i = 0; i < rs->n_items; i++) {
        assert_true(same[i].combo == rs->items[i].combo);
        assert_true(fabs(same[i].value - rs->items[i].acquisition) < 1e-12);
        for (int j = 0; j < 2; j++)
            assert_true(isnan(same[i].predicted[j]) ? isnan(rs->items[i].t_predicted[j])
                                                    : fabs(same[i].predicted[j] - rs->items[i].t_predicted[j]) < 1e-12);
    }
    for (int j = 0; j < 2; j++)
        assert_true(same_fits[j].has_cv == rs->fits[j].has_cv &&
                    (!same_fits[j].has_cv || same_fits[j].cv_spearman == rs->fits[j].cv_spearman));
    /* the editor's rule: a combination must serve one of the round's targets */
    assert_false(round_override(rs, 0, C | D, &err));
    assert_non_null(strstr(err.msg, "one of the round's targets"));
    /* the last suggestion with A (it names A) is overridden by a combination that serves B
     * alone: its run names B; the others are accepted */
    size_t ov = rs->n_items;
    for (size_t i = rs->n_items; i-- > 0 && ov == rs->n_items;)
        if (rs->items[i].combo & A)
            ov = i;
    assert_true(ov < rs->n_items);
    combo_t mine = B | C | D | E;
    assert_false(study_score(s, mine, 1, &(double){0}));
    for (size_t i = 0; i < rs->n_items; i++) {
        assert_true(rs->items[i].combo != mine);
        if (i != ov)
            assert_true(round_accept(rs, i, &err));
    }
    assert_true(round_override(rs, ov, mine, &err));
    assert_false(round_set_joint(rs, false, &err)); /* decisions stand */
    combo_t first = rs->items[0].combo;
    double first_a = rs->items[0].t_predicted[0], first_v = rs->items[0].acquisition;
    /* the journal has the round's targets and each suggestion's value for each */
    const journal_event *e = &rs->journal->events[0];
    assert_int_equal(e->kind, JOURNAL_SUGGESTED);
    assert_true(e->targets == (A | B));
    assert_non_null(e->per_target);
    assert_true(journal_round_find(rs->journal, rs->number)->targets == (A | B));
    if (serve_b_only >= 0) /* it names the target it serves */
        assert_int_equal(rs->journal->events[serve_b_only].target, 1);

    /* reopened: the same joint round, its figures as journaled */
    round_session_free(rs);
    rs = open_session(s, false, at("complete.csv"));
    assert_true(round_propose(rs, 1, &err));
    assert_true(rs->is_joint && rs->joint);
    assert_int_equal(rs->target, 1); /* the asked target: the round serves it */
    assert_int_equal(rs->n_items, 3);
    assert_true(rs->items[0].combo == first);
    assert_int_equal(rs->items[0].decision, ov == 0 ? DECISION_OVERRIDDEN : DECISION_ACCEPTED);
    assert_true(isnan(first_a) ? isnan(rs->items[0].t_predicted[0]) : fabs(rs->items[0].t_predicted[0] - first_a) < 1e-12);
    assert_true(fabs(rs->items[0].acquisition - first_v) < 1e-12);

    /* committed (the oracle answers): every run scores each of its members, so each target's
     * summary counts it; the next round is joint too */
    size_t queued;
    assert_true(round_commit(rs, &queued, &err));
    assert_int_equal(queued, 3);
    for (size_t k = 0; k < rs->journal->n_runs; k++) {
        const journal_run *run = &rs->journal->runs[k];
        assert_true(run->has_result);
        assert_true(combo_has(run->combo, run->target));
        const journal_event *res = &rs->journal->events[run->result_event];
        for (int d = 0; d < 2; d++)
            if (combo_has(run->combo, d))
                assert_true(isfinite(res->scores[d]));
    }
    assert_true(rs->is_joint);
    assert_int_equal(rs->number, 2);
    study_target_summary sa;
    study_target_summarize(rs->study, 0, &sa);
    size_t with_a = 6;
    for (size_t k = 0; k < rs->journal->n_runs; k++)
        with_a += combo_has(rs->journal->runs[k].combo, 0);
    assert_int_equal(sa.measured, with_a);
    const journal_run *my_run = NULL;
    for (size_t k = 0; k < rs->journal->n_runs; k++)
        if (rs->journal->runs[k].combo == mine)
            my_run = &rs->journal->runs[k];
    assert_non_null(my_run);
    assert_int_equal(my_run->target, 1);
    /* History and the report name the round joint */
    size_t nrev;
    review_round *rev = review_rounds(rs, &nrev);
    assert_int_equal(nrev, 1);
    char tn[256];
    assert_string_equal(review_round_targets(rs->study, &rev[0], tn, sizeof tn), "joint: A + B");
    assert_int_equal(rev[0].n_runs, 3);
    for (size_t k = 0; k < rev[0].n_runs; k++) { /* each run judged on the target it names */
        const review_run *u = &rev[0].runs[k];
        assert_true(combo_has(u->combo, u->target));
        assert_true(u->has_result);
        assert_true(u->has_prediction || u->combo == mine); /* the override: the user's own */
    }
    review_free(rev, nrev);
    /* a chosen set: two targets or more, the study's only, kept in study order */
    assert_false(round_set_joint_targets(rs, (int[]){1}, 1, &err));
    assert_non_null(strstr(err.msg, "two targets or more"));
    assert_false(round_set_joint_targets(rs, (int[]){0, 2}, 2, &err));
    assert_non_null(strstr(err.msg, "the study's targets only"));
    assert_true(rs->is_joint);
    assert_true(round_set_joint_targets(rs, (int[]){1, 0, 1}, 3, &err));
    assert_int_equal(rs->n_targets, 2);
    assert_int_equal(rs->targets[0], 0);
    assert_int_equal(rs->targets[1], 1);
    /* and back to one target; not once a note has put the batch in the journal */
    assert_true(round_set_joint(rs, false, &err));
    assert_false(rs->is_joint);
    assert_true(round_note(rs, 0, "a hunch", &err));
    assert_false(round_set_joint(rs, true, &err));
    assert_non_null(strstr(err.msg, "in the journal already"));
    assert_false(rs->is_joint);
    round_session_free(rs);
    study_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_propose_decide_and_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_and_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_results_by_hand_and_by_mtime, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oracle_answers_runs_left_waiting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_table_reported_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_round_is_the_initial_design, setup, teardown),
        cmocka_unit_test_setup_teardown(test_design_counts_measured_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_predictor_round, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bare_table_is_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fit_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prospect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_question_and_left_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_withdraw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_withdrawn_combination_proposed_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undo_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undo_commit_refused_once_next_round_begun, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_progress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_story_and_log_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_joint_valuation_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_joint_round_session, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
