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

#include "comboscope/journal.h"
#include "comboscope/study.h"
#include "comboscope/text.h"

/* A study of four datasets A, B, C, D (bits 0..3) and a fresh journal path per test. */
typedef struct fixture {
    study *s;
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);
    f->s = study_new();
    const char *names[] = {"A", "B", "C", "D"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(study_add_dataset(f->s, names[i], "T", NULL), i);
    snprintf(f->dir, sizeof f->dir, "/tmp/cs-journal-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/journal.jsonl", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char torn[160];
    snprintf(torn, sizeof torn, "%s.torn", f->path);
    unlink(f->path);
    unlink(torn);
    rmdir(f->dir);
    study_free(f->s);
    free(f);
    return 0;
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    fclose(fp);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = xmalloc(1 << 20);
    *len = fread(buf, 1, (1 << 20) - 1, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}

#define A ((combo_t)1)
#define B ((combo_t)2)
#define C ((combo_t)4)
#define D ((combo_t)8)

static const journal_suggestion *find_sg(const journal_round *r, combo_t c)
{
    for (size_t i = 0; i < r->n_suggestions; i++)
        if (r->suggestions[i].combo == c)
            return &r->suggestions[i];
    return NULL;
}

static void test_roundtrip_and_decisions(void **state)
{
    fixture *f = *state;
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    assert_non_null(j);
    assert_int_equal(j->n_events, 0);
    assert_true(journal_append_suggested(j, 1, 0, A | B, 0.81, 0.02, "mlp", "ucb", &err));
    assert_true(journal_append_suggested(j, 1, 0, A | C, 0.79, 0.03, "mlp", "ucb", &err));
    assert_true(journal_append_suggested(j, 1, 0, A | D, 0.78, 0.05, "mlp", "ucb", &err));
    assert_true(journal_append_accepted(j, 1, 0, A | B, &err));
    assert_true(journal_append_rejected(j, 1, 0, A | C, "too \"close\", to A+B", &err));
    assert_true(journal_append_overridden(j, 1, 0, A | D, A | B | D, &err));
    assert_true(journal_append_note(j, 1, 0, 0, "ünïcode and a, comma", &err));
    /* latest decision wins, undo reverts it */
    assert_true(journal_append_rejected(j, 1, 0, A | B, NULL, &err));
    assert_true(journal_append_undo(j, 1, &err));
    journal_free(j);

    j = journal_open(f->path, f->s, false, &err);
    assert_non_null(j);
    assert_string_equal(j->warning, "");
    assert_int_equal(j->n_events, 9);
    size_t n;
    const journal_round *r = journal_rounds(j, &n);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].number, 1);
    assert_int_equal(r[0].target, 0);
    assert_int_equal(r[0].n_suggestions, 3);
    assert_int_equal(find_sg(&r[0], A | B)->decision, DECISION_ACCEPTED);
    assert_int_equal(find_sg(&r[0], A | C)->decision, DECISION_REJECTED);
    const journal_suggestion *o = find_sg(&r[0], A | D);
    assert_int_equal(o->decision, DECISION_OVERRIDDEN);
    assert_int_equal(o->replacement, A | B | D);
    const journal_event *sev = &j->events[find_sg(&r[0], A | C)->event];
    assert_true(sev->has_prediction);
    assert_true(fabs(sev->mean - 0.79) < 1e-12);
    assert_string_equal(sev->predictor, "mlp");
    assert_string_equal(j->events[find_sg(&r[0], A | C)->decision_event].text, "too \"close\", to A+B");
    assert_int_equal(r[0].n_notes, 1);
    assert_string_equal(j->events[r[0].notes[0]].text, "ünïcode and a, comma");
    assert_int_equal(r[0].n_decisions, 3);
    assert_int_equal(journal_next_round(j), 2);
    assert_int_equal(journal_current_round(j), 1); /* not committed: still the one to work on */
    assert_int_equal(j->events[8].kind, JOURNAL_UNDO);
    assert_int_equal(j->events[8].combo, A | B); /* the undo names what it reverted */
    assert_int_equal(j->events[8].line, 9);
    journal_free(j);
}

static void test_suggestion_with_value_and_cv(void **state)
{
    fixture *f = *state;
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    journal_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = JOURNAL_SUGGESTED;
    ev.round = 3;
    ev.target = 1;
    ev.combo = B | C;
    ev.has_prediction = true;
    ev.mean = 0.7;
    ev.spread = 0.05;
    ev.predictor = "ensemble";
    ev.acquisition = "ucb";
    ev.has_value = true;
    ev.value = 0.725;
    ev.has_cv = true;
    ev.cv_spearman = 0.61;
    ev.cv_mae = 0.012;
    assert_true(journal_append(j, &ev, &err));
    ev.cv_mae = NAN;
    assert_false(journal_append(j, &ev, &err));
    assert_non_null(strstr(err.msg, "finite"));
    journal_free(j);
    j = journal_open(f->path, f->s, false, &err);
    assert_non_null(j);
    const journal_event *e = &j->events[0];
    assert_true(e->has_value && e->has_cv);
    assert_true(fabs(e->value - 0.725) < 1e-12);
    assert_true(fabs(e->cv_spearman - 0.61) < 1e-12);
    assert_true(fabs(e->cv_mae - 0.012) < 1e-12);
    assert_string_equal(e->acquisition, "ucb");
    assert_int_equal(journal_round_find(j, 3)->target, 1);
    journal_free(j);
}

/* A batch's first suggestion records what else decided the round (seed, batch, auto's choice,
 * the initial design, the runs fitted); a journal written before that (no "search") still
 * loads, without it; a bad "search" is a located error. */
static void test_suggestion_records_search(void **state)
{
    fixture *f = *state;
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    journal_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = JOURNAL_SUGGESTED;
    ev.round = 1;
    ev.target = 0;
    ev.combo = A | B;
    ev.predictor = "auto";
    ev.acquisition = "ucb";
    ev.has_search = true;
    ev.seed = 4294967295UL;
    ev.batch = 4;
    ev.chosen = "gp";
    ev.fit_runs = 30;
    assert_true(journal_append(j, &ev, &err));
    memset(&ev, 0, sizeof ev);
    ev.kind = JOURNAL_SUGGESTED;
    ev.round = 2;
    ev.target = 0;
    ev.combo = A | C;
    ev.has_search = true;
    ev.seed = 7;
    ev.batch = 2;
    ev.init = "paper";
    assert_true(journal_append(j, &ev, &err));
    ev.round = 3;
    ev.batch = 0; /* a batch of none is refused, nothing written */
    assert_false(journal_append(j, &ev, &err));
    journal_free(j);
    size_t len;
    char *text = slurp(f->path, &len);
    assert_non_null(strstr(text, "\"search\":{\"seed\":4294967295,\"batch\":4,\"chosen\":\"gp\",\"runs\":30}"));
    assert_non_null(strstr(text, "\"search\":{\"seed\":7,\"batch\":2,\"init\":\"paper\"}"));
    free(text);
    j = journal_open(f->path, f->s, false, &err);
    assert_non_null(j);
    assert_int_equal(j->n_events, 2);
    const journal_event *e = &j->events[0];
    assert_true(e->has_search);
    assert_true(e->seed == 4294967295UL);
    assert_int_equal(e->batch, 4);
    assert_string_equal(e->chosen, "gp");
    assert_null(e->init);
    assert_int_equal(e->fit_runs, 30);
    e = &j->events[1];
    assert_true(e->has_search && e->seed == 7 && e->batch == 2 && e->fit_runs == 0);
    assert_null(e->chosen);
    assert_string_equal(e->init, "paper");
    journal_free(j);
    /* an older journal: no "search", loads, has none */
    const char *old = "{\"time\":\"2026-11-29T22:00:00Z\",\"round\":1,\"event\":\"suggested\",\"target\":\"A\","
                      "\"combination\":\"A+B\",\"mean\":0.5,\"spread\":0.1,\"predictor\":\"mlp\",\"acquisition\":\"ucb\"}\n";
    write_file(f->path, old, strlen(old));
    j = journal_open(f->path, f->s, false, &err);
    assert_non_null(j);
    assert_false(j->events[0].has_search);
    assert_string_equal(j->events[0].predictor, "mlp");
    journal_free(j);
}

static void test_undo_stack(void **state)
{
    fixture *f = *state;
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    assert_non_null(j);
    assert_false(journal_append_undo(j, 1, &err));
    assert_non_null(strstr(err.msg, "nothing to undo in round 1"));
    assert_true(journal_append_suggested(j, 1, 0, A | B, NAN, NAN, NULL, NULL, &err));
    assert_true(journal_append_accepted(j, 1, 0, A | B, &err));
    assert_true(journal_append_rejected(j, 1, 0, A | B, "no", &err));
    assert_true(journal_append_undo(j, 1, &err));
    assert_int_equal(journal_round_find(j, 1)->suggestions[0].decision, DECISION_ACCEPTED);
    assert_true(journal_append_undo(j, 1, &err));
    assert_int_equal(journal_round_find(j, 1)->suggestions[0].decision, DECISION_NONE);
    assert_false(journal_append_undo(j, 1, &err));
    size_t events = j->n_events;
    journal_free(j);
    j = journal_open(f->path, f->s, false, &err);
    assert_non_null(j);
    assert_int_equal(j->n_events, events);
    assert_int_equal(journal_round_find(j, 1)->suggestions[0].decision, DECISION_NONE);
    assert_false(j->events[0].has_prediction);
    journal_free(j);
}

static void test_commit_rules(void **state)
{
    fixture *f = *state;
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    assert_true(journal_append_suggested(j, 1, 0, A | B, 0.5, 0.1, NULL, NULL, &err));
    assert_true(journal_append_accepted(j, 1, 0, A | B, &err));
    assert_true(journal_append_queued(j, 1, 0, "r0001", A | B, 0, &err));
    assert_false(journal_append_queued(j, 1, 0, "r0001", A | C, 0, &err));
    assert_non_null(strstr(err.msg, "queued twice"));
    assert_false(journal_append_queued(j, 1, 0, "bad id", A | C, 0, &err));
    assert_false(journal_append_rejected(j, 1, 0, A | B, NULL, &err));
    assert_non_null(strstr(err.msg, "commit has begun"));
    assert_false(journal_append_suggested(j, 1, 5, A, 0.5, 0.1, NULL, NULL, &err));
    assert_non_null(strstr(err.msg, "target"));
    assert_true(journal_append_committed(j, 1, &err));
    assert_false(journal_append_accepted(j, 1, 0, A | B, &err));
    assert_non_null(strstr(err.msg, "already committed"));
    assert_false(journal_append_undo(j, 1, &err));
    /* notes and results still come to a committed round */
    assert_true(journal_append_note(j, 1, 0, A | B, "late note", &err));
    double scores[4] = {0.9, 0.8, NAN, NAN};
    assert_false(journal_append_result(j, 1, 0, "r0002", A | B, scores, -1, &err));
    assert_non_null(strstr(err.msg, "never queued"));
    assert_false(journal_append_result(j, 1, 0, "r0001", A | C, scores, -1, &err));
    assert_true(journal_append_result(j, 1, 0, "r0001", A | B, scores, -1, &err));
    assert_false(journal_append_result(j, 1, 0, "r0001", A | B, scores, -1, &err));
    assert_false(journal_append_note(j, 1, 0, 0, "bell\a", &err));
    journal_free(j);

    j = journal_open(f->path, f->s, false, &err);
    assert_non_null(j);
    assert_int_equal(journal_current_round(j), 2);
    const journal_round *r = journal_round_find(j, 1);
    assert_true(r->committed);
    assert_int_equal(r->n_runs, 1);
    assert_int_equal(r->n_results, 1);
    const journal_run *run = journal_run_find(j, "r0001");
    assert_non_null(run);
    assert_true(run->has_result);
    const journal_event *res = &j->events[run->result_event];
    assert_true(fabs(res->scores[0] - 0.9) < 1e-12);
    assert_true(fabs(res->scores[1] - 0.8) < 1e-12);
    assert_true(isnan(res->scores[2]));
    /* read-only: no appends */
    assert_false(journal_append_note(j, 1, -1, 0, "x", &err));
    assert_non_null(strstr(err.msg, "read-only"));
    journal_free(j);
}

static const char good2[] =
    "{\"time\":\"2026-11-29T22:00:00Z\",\"round\":1,\"event\":\"suggested\",\"target\":\"A\",\"combination\":\"A+B\",\"mean\":0.5,\"spread\":0.1}\n"
    "{\"time\":\"2026-11-29T22:00:01Z\",\"round\":1,\"event\":\"accepted\",\"target\":\"A\",\"combination\":\"B+A\"}\n";

static void test_torn_last_line(void **state)
{
    fixture *f = *state;
    cs_error err;
    char text[1024];
    /* no trailing newline, even though the bytes parse */
    snprintf(text, sizeof text, "%s%s", good2,
             "{\"time\":\"2026-11-29T22:00:02Z\",\"round\":1,\"event\":\"note\",\"text\":\"x\"}");
    write_file(f->path, text, strlen(text));
    journal *j = journal_open(f->path, f->s, false, &err);
    assert_non_null(j);
    assert_true(j->torn);
    char want[256];
    snprintf(want, sizeof want, "%s:3: torn last line skipped", f->path);
    assert_string_equal(j->warning, want);
    assert_int_equal(j->n_events, 2);
    journal_free(j);
    /* read-only left the file alone */
    size_t len;
    free(slurp(f->path, &len));
    assert_int_equal(len, strlen(text));

    /* writable: the torn bytes are cut, the next line starts on its own line */
    j = journal_open(f->path, f->s, true, &err);
    assert_non_null(j);
    assert_true(j->torn);
    assert_true(journal_append_note(j, 1, 0, 0, "after the crash", &err));
    journal_free(j);
    /* the cut bytes are kept beside the journal */
    char torn[160];
    snprintf(torn, sizeof torn, "%s.torn", f->path);
    char *kept = slurp(torn, &len);
    assert_string_equal(kept, "{\"time\":\"2026-11-29T22:00:02Z\",\"round\":1,\"event\":\"note\",\"text\":\"x\"}\n");
    free(kept);
    j = journal_open(f->path, f->s, false, &err);
    assert_non_null(j);
    assert_false(j->torn);
    assert_int_equal(j->n_events, 3);
    assert_string_equal(j->events[2].text, "after the crash");
    assert_int_equal(j->events[2].line, 3);
    journal_free(j);
}

static void test_torn_garbage_with_newline(void **state)
{
    fixture *f = *state;
    cs_error err;
    char text[1024];
    size_t n = strlen(good2);
    memcpy(text, good2, n);
    /* what a file system can leave after a power cut: zeros where the last line was */
    memset(text + n, 0, 40);
    text[n + 40] = '\n';
    write_file(f->path, text, n + 41);
    journal *j = journal_open(f->path, f->s, true, &err);
    assert_non_null(j);
    assert_true(j->torn);
    assert_int_equal(j->n_events, 2);
    assert_true(journal_append_accepted(j, 1, 0, A | B, &err));
    journal_free(j);
    size_t len;
    char *back = slurp(f->path, &len);
    assert_int_equal(memcmp(back, good2, n), 0);
    assert_int_equal(back[n], '{');
    assert_int_equal(back[len - 1], '\n');
    free(back);
}

static void test_bad_middle_line_is_an_error(void **state)
{
    fixture *f = *state;
    cs_error err;
    char text[1024];
    snprintf(text, sizeof text, "%s%s%s",
             "{\"time\":\"2026-11-29T22:00:00Z\",\"round\":1,\"event\":\"suggested\",\"combination\":\"A+B\"}\n",
             "{\"time\":\"2026-11-29T22:00:00Z\",\"round\":1,\"event\":\"acc",
             "\n{\"time\":\"2026-11-29T22:00:01Z\",\"round\":1,\"event\":\"note\",\"text\":\"x\"}\n");
    write_file(f->path, text, strlen(text));
    assert_null(journal_open(f->path, f->s, false, &err));
    char want[256];
    snprintf(want, sizeof want, "%s:2:", f->path);
    assert_int_equal(strncmp(err.msg, want, strlen(want)), 0);
    assert_non_null(strstr(err.msg, "JSON syntax error"));
    /* a writable open must not touch a file it refuses */
    assert_null(journal_open(f->path, f->s, true, &err));
    size_t len;
    free(slurp(f->path, &len));
    assert_int_equal(len, strlen(text));
}

static void expect_error(fixture *f, const char *lines, const char *where, const char *what)
{
    cs_error err;
    write_file(f->path, lines, strlen(lines));
    journal *j = journal_open(f->path, f->s, false, &err);
    if (j)
        fail_msg("expected an error for %s", lines);
    char want[256];
    snprintf(want, sizeof want, "%s:%s", f->path, where);
    if (strncmp(err.msg, want, strlen(want)) != 0 || !strstr(err.msg, what))
        fail_msg("got \"%s\", want \"%s ... %s\"", err.msg, want, what);
}

#define T0 "{\"time\":\"2026-11-29T22:00:00Z\",\"round\":1,"
#define NOTE T0 "\"event\":\"note\",\"text\":\"x\"}\n"
#define SUGGESTED T0 "\"event\":\"suggested\",\"target\":\"A\",\"combination\":\"A+B\","

static void test_semantic_errors(void **state)
{
    fixture *f = *state;
    expect_error(f, T0 "\"event\":\"accepted\",\"combination\":\"A+Z\"}\n" NOTE, "1:75:",
                 "dataset \"Z\" is not in the study");
    expect_error(f, NOTE T0 "\"event\":\"undo\"}\n" NOTE, "2:", "nothing to undo in round 1");
    expect_error(f, T0 "\"event\":\"launched\"}\n" NOTE, "1:50:", "unknown event \"launched\"");
    expect_error(f, "{\"time\":\"yesterday\",\"round\":1,\"event\":\"note\",\"text\":\"x\"}\n" NOTE, "1:9:",
                 "ISO 8601");
    expect_error(f, T0 "\"event\":\"committed\"}\n" T0 "\"event\":\"accepted\",\"combination\":\"A\"}\n" NOTE,
                 "2:", "already committed");
    expect_error(f, "{\"time\":\"2026-11-29T22:00:00Z\",\"round\":0,\"event\":\"note\",\"text\":\"x\"}\n" NOTE,
                 "1:40:", "\"round\" must be a whole number");
    expect_error(f, T0 "\"event\":\"result\",\"run\":\"r1\",\"combination\":\"A\",\"scores\":{\"A\":1}}\n" NOTE,
                 "1:65:", "never queued");
    expect_error(f, T0 "\"event\":\"note\"}\n" NOTE, "1:", "missing \"text\"");
    expect_error(f, "[1,2]\n" NOTE, "1:", "must be a JSON object");
    expect_error(f, T0 "\"event\":\"suggested\",\"combination\":\"A\",\"cv\":{\"spearman\":0.5}}\n" NOTE,
                 "1:", "\"cv\" needs \"spearman\" and \"mae\"");
    expect_error(f, SUGGESTED "\"search\":{\"batch\":4}}\n" NOTE, "1:", "needs a \"seed\"");
    expect_error(f, SUGGESTED "\"search\":{\"seed\":-1,\"batch\":4}}\n" NOTE, "1:", "needs a \"seed\"");
    expect_error(f, SUGGESTED "\"search\":{\"seed\":1.5,\"batch\":4}}\n" NOTE, "1:", "needs a \"seed\"");
    expect_error(f, SUGGESTED "\"search\":{\"seed\":1}}\n" NOTE, "1:", "missing \"batch\"");
    expect_error(f, SUGGESTED "\"search\":{\"seed\":1,\"batch\":0}}\n" NOTE, "1:", "\"batch\" must be a whole number");
    expect_error(f, SUGGESTED "\"search\":{\"seed\":1,\"batch\":2,\"chosen\":3}}\n" NOTE, "1:",
                 "\"chosen\" must be a string");
    expect_error(f, SUGGESTED "\"search\":[1]}\n" NOTE, "1:", "\"search\" must be an object");
}

/* A joint round's suggestion: its targets and its value for each round-trip; a journal without
 * them (an older one) reads as before; bad ones are located errors. */
static void test_joint_suggestion(void **state)
{
    fixture *f = *state;
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    journal_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = JOURNAL_SUGGESTED;
    ev.round = 1;
    ev.target = 0;
    ev.combo = A | B | C;
    ev.has_prediction = true;
    ev.mean = 0.7;
    ev.spread = 0.05;
    ev.has_value = true;
    ev.value = 1.5;
    ev.targets = A | B | D;
    double pt[4 * 3];
    for (int i = 0; i < 12; i++)
        pt[i] = NAN;
    pt[0] = 0.7, pt[1] = 0.05, pt[2] = 1.25; /* A */
    pt[3] = 0.6, pt[4] = 0.01, pt[5] = 0.25; /* B */
    ev.per_target = pt;
    assert_true(journal_append(j, &ev, &err));
    /* a value for a target the combination does not contain is refused, nothing written */
    pt[9] = 0.5, pt[10] = 0.1, pt[11] = 0.0; /* D */
    ev.combo = A | B;
    assert_false(journal_append(j, &ev, &err));
    assert_non_null(strstr(err.msg, "per_target names D"));
    journal_free(j);
    j = journal_open(f->path, f->s, false, &err);
    assert_non_null(j);
    assert_int_equal(j->n_events, 1);
    const journal_event *e = &j->events[0];
    assert_true(e->targets == (A | B | D));
    assert_non_null(e->per_target);
    assert_true(fabs(e->per_target[0] - 0.7) < 1e-12 && fabs(e->per_target[2] - 1.25) < 1e-12);
    assert_true(fabs(e->per_target[3] - 0.6) < 1e-12 && fabs(e->per_target[4] - 0.01) < 1e-12);
    assert_true(isnan(e->per_target[6]) && isnan(e->per_target[9]));
    assert_true(journal_round_find(j, 1)->targets == (A | B | D));
    journal_free(j);
    size_t len;
    char *text = slurp(f->path, &len);
    assert_non_null(strstr(text, "\"targets\":[\"A\",\"B\",\"D\"]"));
    assert_non_null(strstr(text, "\"per_target\":{\"A\":{\"mean\":0.7,\"spread\":0.05,\"value\":1.25},\"B\":"));
    free(text);

    /* a journal of before joint rounds: no targets, the round is not joint */
    const char *old = T0 "\"event\":\"suggested\",\"target\":\"A\",\"combination\":\"A+B\",\"mean\":0.5,\"spread\":0.1}\n";
    write_file(f->path, old, strlen(old));
    j = journal_open(f->path, f->s, false, &err);
    assert_non_null(j);
    assert_true(j->events[0].targets == 0 && j->events[0].per_target == NULL);
    assert_true(journal_round_find(j, 1)->targets == 0);
    journal_free(j);

    expect_error(f, T0 "\"event\":\"suggested\",\"combination\":\"A\",\"targets\":\"A\"}\n" NOTE, "1:",
                 "\"targets\" must be an array");
    expect_error(f, T0 "\"event\":\"suggested\",\"combination\":\"A\",\"targets\":[\"A\",\"Z\"]}\n" NOTE, "1:",
                 "dataset names of the study");
    expect_error(f, T0 "\"event\":\"suggested\",\"combination\":\"A\",\"targets\":[\"A\",\"B\"],"
                 "\"per_target\":{\"B\":{\"mean\":1,\"spread\":0,\"value\":0}}}\n" NOTE, "1:",
                 "per_target names \"B\"");
    expect_error(f, T0 "\"event\":\"suggested\",\"combination\":\"A\",\"targets\":[\"A\",\"B\"],"
                 "\"per_target\":{\"A\":{\"mean\":1}}}\n" NOTE, "1:", "{mean, spread, value}");
}

static void test_result_line_errors(void **state)
{
    fixture *f = *state;
    const char *q = T0 "\"event\":\"queued\",\"run\":\"r1\",\"combination\":\"A+B\"}\n";
    char text[1024];
    snprintf(text, sizeof text, "%s%s%s", q,
             T0 "\"event\":\"result\",\"run\":\"r1\",\"combination\":\"A+B\",\"scores\":{\"C\":1}}\n", NOTE);
    expect_error(f, text, "2:", "not a member of the combination");
    snprintf(text, sizeof text, "%s%s%s", q,
             T0 "\"event\":\"result\",\"run\":\"r1\",\"combination\":\"A+B\",\"scores\":{\"A\":\"high\"}}\n", NOTE);
    expect_error(f, text, "2:", "must be a number");
}

/* Every prefix of a journal (a crash can cut the file anywhere) opens, loses nothing whole
 * before the cut, and reports a torn line exactly when the cut is mid-line. */
static void test_every_prefix_opens(void **state)
{
    fixture *f = *state;
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    assert_true(journal_append_suggested(j, 1, 0, A | B, 0.5, 0.1, "mlp", "ucb", &err));
    assert_true(journal_append_rejected(j, 1, 0, A | B, "why not", &err));
    assert_true(journal_append_note(j, 1, -1, 0, "n", &err));
    journal_free(j);
    size_t len;
    char *full = slurp(f->path, &len);
    for (size_t cut = 0; cut <= len; cut++) {
        write_file(f->path, full, cut);
        size_t whole = 0;
        for (size_t i = 0; i < cut; i++)
            whole += full[i] == '\n';
        bool mid = cut > 0 && full[cut - 1] != '\n';
        j = journal_open(f->path, f->s, true, &err);
        if (!j)
            fail_msg("cut at %zu: %s", cut, err.msg);
        assert_int_equal(j->n_events, whole);
        assert_int_equal(j->torn, mid);
        assert_true(journal_append_note(j, 2, -1, 0, "next", &err));
        journal_free(j);
        j = journal_open(f->path, f->s, false, &err);
        assert_non_null(j);
        assert_false(j->torn);
        assert_int_equal(j->n_events, whole + 1);
        journal_free(j);
    }
    free(full);
}

static void test_changed_on_disk(void **state)
{
    fixture *f = *state;
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    assert_true(journal_append_note(j, 1, -1, 0, "one", &err));
    /* another program appends behind our back */
    int fd = open(f->path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, NOTE, strlen(NOTE)), (ssize_t)strlen(NOTE));
    close(fd);
    assert_false(journal_append_note(j, 1, -1, 0, "two", &err));
    assert_non_null(strstr(err.msg, "changed on disk"));
    journal_free(j);
}

static long count_lines(const char *path)
{
    size_t len;
    char *t = slurp(path, &len);
    long n = 0;
    for (size_t i = 0; i < len; i++)
        n += t[i] == '\n';
    free(t);
    return n;
}

/* Issue 11: `mv x journal.jsonl` under an open writer. The old code appended to the unlinked
 * inode and said "saved"; now nothing is written and the append fails, until reopened. */
static void test_replaced_on_disk(void **state)
{
    fixture *f = *state;
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    assert_true(journal_append_note(j, 1, -1, 0, "one", &err));
    assert_true(journal_append_note(j, 1, -1, 0, "two", &err));
    char other[160];
    snprintf(other, sizeof other, "%s/x", f->dir);
    write_file(other, NOTE, strlen(NOTE));
    assert_int_equal(rename(other, f->path), 0);
    assert_false(journal_append_note(j, 1, -1, 0, "three", &err));
    assert_non_null(strstr(err.msg, "the journal was replaced on disk by another file: not saved"));
    assert_int_equal(j->lost, JOURNAL_REPLACED);
    assert_int_equal(count_lines(f->path), 1); /* the file at the path is untouched */
    /* sticky: even if the old file came back, nothing more is written through this handle */
    assert_false(journal_append_note(j, 1, -1, 0, "four", &err));
    assert_int_equal(j->n_events, 2);
    journal_free(j);
    /* reopening reads the file at the path */
    j = journal_open(f->path, f->s, true, &err);
    assert_non_null(j);
    assert_int_equal(j->n_events, 1);
    assert_true(journal_append_note(j, 1, -1, 0, "five", &err));
    assert_int_equal(count_lines(f->path), 2);
    journal_free(j);
}

static void test_removed_on_disk(void **state)
{
    fixture *f = *state;
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    assert_true(journal_append_note(j, 1, -1, 0, "one", &err));
    assert_int_equal(unlink(f->path), 0);
    assert_false(journal_append_note(j, 1, -1, 0, "two", &err));
    assert_non_null(strstr(err.msg, "the journal was removed from disk: not saved"));
    assert_int_equal(j->lost, JOURNAL_REMOVED);
    assert_int_equal(access(f->path, F_OK), -1); /* nothing recreated behind the user's back */
    journal_free(j);
}

static void test_missing_and_unreadable(void **state)
{
    fixture *f = *state;
    cs_error err;
    journal *j = journal_open(f->path, f->s, false, &err);
    assert_non_null(j); /* nothing journaled yet */
    assert_int_equal(j->n_events, 0);
    assert_int_equal(journal_next_round(j), 1);
    journal_free(j);
    assert_int_equal(access(f->path, F_OK), -1); /* read-only does not create */
    char bad[200];
    snprintf(bad, sizeof bad, "%s/no/such/dir/j.jsonl", f->dir);
    assert_null(journal_open(bad, f->s, true, &err));
    assert_non_null(strstr(err.msg, "cannot open the journal"));
}

static void test_rebind(void **state)
{
    fixture *f = *state;
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    assert_true(journal_append_suggested(j, 1, 0, A | B, 0.5, 0.1, NULL, NULL, &err));
    study *same = study_new(), *other = study_new();
    const char *names[] = {"A", "B", "C", "D"};
    for (int i = 0; i < 4; i++) {
        study_add_dataset(same, names[i], NULL, NULL);
        study_add_dataset(other, names[3 - i], NULL, NULL);
    }
    assert_false(journal_rebind(j, other, &err));
    assert_non_null(strstr(err.msg, "datasets changed"));
    assert_ptr_equal(j->study, f->s);
    assert_true(journal_rebind(j, same, &err));
    assert_true(journal_append_accepted(j, 1, 0, A | B, &err));
    journal_free(j);
    study_free(same);
    study_free(other);
}

/* The events of taking decisions back: left_open, withdrawn, uncommitted, and their rules. */
static void test_withdraw_and_uncommit_lines(void **state)
{
    fixture *f = *state;
    const char *round1 = T0 "\"event\":\"suggested\",\"combination\":\"A+B\"}\n"
                         T0 "\"event\":\"suggested\",\"combination\":\"A+C\"}\n"
                         T0 "\"event\":\"accepted\",\"combination\":\"A+B\"}\n"
                         T0 "\"event\":\"queued\",\"run\":\"r1\",\"combination\":\"A+B\"}\n"
                         T0 "\"event\":\"left_open\",\"combination\":\"A+C\"}\n"
                         T0 "\"event\":\"committed\"}\n";
    char text[4096];
    /* good: read back into the model */
    snprintf(text, sizeof text, "%s%s%s", round1, T0 "\"event\":\"withdrawn\",\"run\":\"r1\",\"combination\":\"A+B\"}\n",
             T0 "\"event\":\"uncommitted\"}\n");
    write_file(f->path, text, strlen(text));
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    if (!j)
        fail_msg("%s", err.msg);
    const journal_round *r = journal_round_find(j, 1);
    assert_false(r->committed);
    assert_int_equal(r->n_uncommits, 1);
    assert_int_equal(r->n_left_open, 0); /* cleared with the commit */
    assert_true(j->runs[0].withdrawn);
    assert_int_equal(j->events[j->runs[0].withdrawn_event].kind, JOURNAL_WITHDRAWN);
    assert_int_equal(journal_round_live_runs(j, r), 0);
    /* decisions may follow again, and a new commit with a new run */
    assert_true(journal_append_accepted(j, 1, -1, A | C, &err));
    assert_true(journal_append_queued(j, 1, -1, "r2", A | B, 0, &err));
    assert_false(journal_append_accepted(j, 1, -1, A | B, &err)); /* the commit has begun */
    assert_true(journal_append_committed(j, 1, &err));
    assert_false(journal_append_withdrawn(j, "r1", &err));
    assert_non_null(strstr(err.msg, "already withdrawn"));
    assert_true(journal_append_uncommitted(j, 1, &err));
    assert_true(j->runs[1].withdrawn); /* withdrawn with the commit */
    assert_int_equal(j->events[j->runs[1].withdrawn_event].kind, JOURNAL_UNCOMMITTED);
    assert_false(journal_append_uncommitted(j, 1, &err));
    assert_non_null(strstr(err.msg, "not committed"));
    journal_free(j);

    /* bad lines are located errors */
    snprintf(text, sizeof text, "%s%s%s", round1, T0 "\"event\":\"withdrawn\",\"run\":\"r9\",\"combination\":\"A+B\"}\n", NOTE);
    expect_error(f, text, "7:", "never queued");
    snprintf(text, sizeof text, "%s%s%s", round1, T0 "\"event\":\"withdrawn\",\"run\":\"r1\",\"combination\":\"A+C\"}\n", NOTE);
    expect_error(f, text, "7:", "run r1 was queued as A+B");
    snprintf(text, sizeof text, "%s%s%s%s", round1, T0 "\"event\":\"withdrawn\",\"run\":\"r1\",\"combination\":\"A+B\"}\n",
             T0 "\"event\":\"result\",\"run\":\"r1\",\"combination\":\"A+B\",\"scores\":{\"A\":1,\"B\":1}}\n", NOTE);
    expect_error(f, text, "8:", "which was withdrawn");
    snprintf(text, sizeof text, "%s%s", T0 "\"event\":\"suggested\",\"combination\":\"A+B\"}\n"
                                         T0 "\"event\":\"accepted\",\"combination\":\"A+B\"}\n"
                                         T0 "\"event\":\"left_open\",\"combination\":\"A+B\"}\n", NOTE);
    expect_error(f, text, "3:", "not an open suggestion");
    snprintf(text, sizeof text, "%s%s%s", round1,
             "{\"time\":\"2026-11-29T22:00:00Z\",\"round\":2,\"event\":\"note\",\"text\":\"x\"}\n",
             T0 "\"event\":\"uncommitted\"}\n");
    expect_error(f, text, "8:", "round 2 has begun");
    snprintf(text, sizeof text, "%s%s%s", round1,
             T0 "\"event\":\"result\",\"run\":\"r1\",\"combination\":\"A+B\",\"scores\":{\"A\":1,\"B\":1}}\n",
             T0 "\"event\":\"uncommitted\"}\n");
    expect_error(f, text, "8:", "has its result");
    expect_error(f, T0 "\"event\":\"withdrawn\",\"combination\":\"A\"}\n" NOTE, "1:", "missing \"run\"");
}

/* Withdrawing and undoing a commit meet the launch states: a run handed to an engine is
 * withdrawn only once its cancel is asked for, stays withdrawn whatever the engine says next,
 * is never submitted again, and its round's commit stays. */
static void test_withdraw_meets_launch(void **state)
{
    fixture *f = *state;
    const char *text = T0 "\"event\":\"accepted\",\"combination\":\"A+B\"}\n"
                       T0 "\"event\":\"accepted\",\"combination\":\"A+C\"}\n"
                       T0 "\"event\":\"queued\",\"run\":\"r1\",\"combination\":\"A+B\"}\n"
                       T0 "\"event\":\"queued\",\"run\":\"r2\",\"combination\":\"A+C\"}\n"
                       T0 "\"event\":\"committed\"}\n";
    write_file(f->path, text, strlen(text));
    cs_error err;
    journal *j = journal_open(f->path, f->s, true, &err);
    if (!j)
        fail_msg("%s", err.msg);
    const char runs[2][JOURNAL_RUN_MAX] = {"r1", "r2"};
    assert_true(journal_append_submitting(j, 1, "s0001", "local", "cs-x-s0001", runs, 2, &err));
    assert_false(journal_append_uncommitted(j, 1, &err)); /* handed to a launcher */
    assert_non_null(strstr(err.msg, "handed to an engine"));
    assert_false(journal_append_withdrawn(j, "r1", &err)); /* being submitted */
    assert_true(journal_append_submitted(j, "s0001", "4242", NULL, &err));
    assert_int_equal(j->runs[0].state, RUN_PENDING);
    assert_false(journal_append_withdrawn(j, "r1", &err)); /* pending: cancel first */
    assert_non_null(strstr(err.msg, "cancel was not asked for"));
    assert_true(journal_append_state(j, "r2", RUN_RUNNING, "4242", NULL, false, 0, &err));
    assert_false(journal_append_withdrawn(j, "r2", &err)); /* started */
    assert_non_null(strstr(err.msg, "running"));
    assert_true(journal_append_cancel(j, "r1", &err));
    assert_true(journal_append_withdrawn(j, "r1", &err));
    assert_int_equal(j->runs[0].state, RUN_WITHDRAWN);
    assert_true(journal_append_state(j, "r1", RUN_CANCELLED, "4242", NULL, false, 0, &err));
    assert_int_equal(j->runs[0].state, RUN_WITHDRAWN); /* stays withdrawn */
    assert_false(journal_append_resubmit(j, "r1", &err));
    const char again[1][JOURNAL_RUN_MAX] = {"r1"};
    assert_false(journal_append_submitting(j, 1, "s0002", "local", "cs-x-s0002", again, 1, &err));
    assert_string_equal(run_state_name(RUN_WITHDRAWN), "withdrawn");
    journal_free(j);
    /* and all of it reads back */
    j = journal_open(f->path, f->s, false, &err);
    if (!j)
        fail_msg("%s", err.msg);
    assert_int_equal(j->runs[0].state, RUN_WITHDRAWN);
    assert_true(j->runs[0].withdrawn);
    assert_int_equal(j->runs[1].state, RUN_RUNNING);
    journal_free(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip_and_decisions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undo_stack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggestion_with_value_and_cv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggestion_records_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_joint_suggestion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_last_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_garbage_with_newline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_middle_line_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_semantic_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_result_line_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_prefix_opens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_on_disk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaced_on_disk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_removed_on_disk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_and_unreadable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_withdraw_and_uncommit_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_withdraw_meets_launch, setup, teardown),
    };
    return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}
