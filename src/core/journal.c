#include "comboscope/journal.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "comboscope/fileio.h"

static const char *const kind_names[] = {
#define JOURNAL_NAME_(e, s) s,
    JOURNAL_EVENTS(JOURNAL_NAME_)
#undef JOURNAL_NAME_
};

const char *journal_kind_name(journal_kind k)
{
    return (unsigned)k < JOURNAL_N_KINDS ? kind_names[k] : "?";
}

static const char *const state_names[] = {
#define RUN_STATE_NAME_(e, n) n,
    RUN_STATES(RUN_STATE_NAME_)
#undef RUN_STATE_NAME_
};

const char *run_state_name(run_state st)
{
    return (unsigned)st < RUN_N_STATES ? state_names[st] : "?";
}

int run_state_from_name(const char *name)
{
    for (int k = 0; k < RUN_N_STATES; k++)
        if (strcmp(state_names[k], name) == 0)
            return k;
    return -1;
}

static int kind_from_name(const char *name)
{
    for (int k = 0; k < JOURNAL_N_KINDS; k++)
        if (strcmp(kind_names[k], name) == 0)
            return k;
    return -1;
}

void journal_now(char out[JOURNAL_TIME_MAX])
{
    time_t t = time(NULL);
    /* SOURCE_DATE_EPOCH (the reproducible-builds convention): a fixed clock, so that screens
     * and reports that show when a round was proposed can be compared in tests */
    const char *fixed = getenv("SOURCE_DATE_EPOCH");
    if (fixed && *fixed) {
        char *end;
        long long v = strtoll(fixed, &end, 10);
        if (!*end && v >= 0 && v < 253402300800LL)
            t = (time_t)v;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, JOURNAL_TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *journal_path_of(const study *s)
{
    if (!s->journal || !s->journal[0])
        return NULL;
    return path_join(s->dir, s->journal);
}

/* --- events ---------------------------------------------------------------------------- */

static void event_done(journal_event *ev)
{
    free(ev->predictor);
    free(ev->acquisition);
    free(ev->text);
    free(ev->scores);
    free(ev->submission);
    free(ev->engine);
    free(ev->name);
    free(ev->runs);
}

static void event_copy(journal_event *dst, const journal_event *src, int n_datasets)
{
    *dst = *src;
    dst->predictor = src->predictor ? text_dup(src->predictor) : NULL;
    dst->acquisition = src->acquisition ? text_dup(src->acquisition) : NULL;
    dst->text = src->text ? text_dup(src->text) : NULL;
    dst->submission = src->submission ? text_dup(src->submission) : NULL;
    dst->engine = src->engine ? text_dup(src->engine) : NULL;
    dst->name = src->name ? text_dup(src->name) : NULL;
    dst->runs = NULL;
    if (src->n_runs) {
        dst->runs = xmalloc(src->n_runs * sizeof *dst->runs);
        memcpy(dst->runs, src->runs, src->n_runs * sizeof *dst->runs);
    }
    dst->scores = NULL;
    if (src->scores) {
        dst->scores = xmalloc((size_t)n_datasets * sizeof *dst->scores);
        memcpy(dst->scores, src->scores, (size_t)n_datasets * sizeof *dst->scores);
    }
}

/* Run ids go into a CSV file and onto a launcher's command line: keep them plain. */
static bool run_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n >= JOURNAL_RUN_MAX)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == '.'))
            return false;
    return true;
}

static bool time_ok(const char *t)
{
    /* YYYY-MM-DDTHH:MM:SS, optional fraction, then Z */
    static const char pat[] = "dddd-dd-ddTdd:dd:dd";
    size_t i;
    for (i = 0; pat[i]; i++) {
        if (pat[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != pat[i])
            return false;
    }
    if (t[i] == '.') {
        i++;
        if (t[i] < '0' || t[i] > '9')
            return false;
        while (t[i] >= '0' && t[i] <= '9')
            i++;
    }
    return t[i] == 'Z' && t[i + 1] == '\0' && i + 1 < JOURNAL_TIME_MAX;
}

/* --- the rounds model ------------------------------------------------------------------- */

static journal_round *round_get(journal *j, int number, bool create)
{
    size_t lo = 0, hi = j->n_rounds;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (j->rounds[mid].number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < j->n_rounds && j->rounds[lo].number == number)
        return &j->rounds[lo];
    if (!create)
        return NULL;
    j->rounds = xrealloc(j->rounds, (j->n_rounds + 1) * sizeof *j->rounds);
    memmove(&j->rounds[lo + 1], &j->rounds[lo], (j->n_rounds - lo) * sizeof *j->rounds);
    j->n_rounds++;
    journal_round *r = &j->rounds[lo];
    memset(r, 0, sizeof *r);
    r->number = number;
    r->target = -1;
    return r;
}

static journal_suggestion *suggestion_find(const journal_round *r, combo_t c)
{
    for (size_t i = 0; i < r->n_suggestions; i++)
        if (r->suggestions[i].combo == c)
            return &r->suggestions[i];
    return NULL;
}

static void push_index(size_t **arr, size_t *n, size_t v)
{
    *arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
    (*arr)[(*n)++] = v;
}

static bool is_decision(journal_kind k)
{
    return k == JOURNAL_ACCEPTED || k == JOURNAL_REJECTED || k == JOURNAL_OVERRIDDEN;
}

static size_t id_hash(const char *id)
{
    size_t h = 14695981039346656037u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h;
}

/* Results look runs up by id for every table row: keep that O(1). */
static void run_hash_put(journal *j, size_t idx)
{
    if ((j->n_runs + 1) * 2 > j->run_hash_cap) {
        size_t cap = j->run_hash_cap ? j->run_hash_cap * 2 : 64;
        free(j->run_hash);
        j->run_hash = xcalloc(cap, sizeof *j->run_hash);
        j->run_hash_cap = cap;
        for (size_t i = 0; i < j->n_runs; i++)
            if (i != idx)
                run_hash_put(j, i);
    }
    size_t mask = j->run_hash_cap - 1;
    size_t h = id_hash(j->runs[idx].id) & mask;
    while (j->run_hash[h])
        h = (h + 1) & mask;
    j->run_hash[h] = idx + 1;
}

static const journal_run *run_find(const journal *j, const char *id)
{
    if (!j->run_hash_cap)
        return NULL;
    size_t mask = j->run_hash_cap - 1;
    for (size_t h = id_hash(id) & mask; j->run_hash[h]; h = (h + 1) & mask)
        if (strcmp(j->runs[j->run_hash[h] - 1].id, id) == 0)
            return &j->runs[j->run_hash[h] - 1];
    return NULL;
}

const journal_run *journal_run_find(const journal *j, const char *id)
{
    return run_find(j, id);
}

static journal_submission *submission_find(const journal *j, const char *id)
{
    for (size_t i = j->n_submissions; i-- > 0;)
        if (strcmp(j->submissions[i].id, id) == 0)
            return &j->submissions[i];
    return NULL;
}

const journal_submission *journal_submission_find(const journal *j, const char *id)
{
    return submission_find(j, id);
}

/* A run is in flight from its intent until a final state (done, failed, cancelled, lost). */
static bool run_in_flight(const journal_run *run)
{
    return run->state == RUN_SUBMITTING || run->state == RUN_PENDING || run->state == RUN_RUNNING;
}

static bool plain_name(const char *t, size_t max)
{
    return t && run_id_ok(t) && strlen(t) < max;
}

/* The launch events' own checks (see journal.h). */
static bool check_launch(const journal *j, const journal_event *ev, char *msg, size_t n, const char **key)
{
    const journal_run *run = NULL;
    const journal_submission *sub = NULL;
    switch (ev->kind) {
    case JOURNAL_SUBMITTING:
        *key = "submission";
        if (!plain_name(ev->submission, JOURNAL_RUN_MAX))
            return snprintf(msg, n, "submitting needs a \"submission\" id of letters, digits, '_', '-' or '.'"), false;
        if (submission_find(j, ev->submission))
            return snprintf(msg, n, "submission %s is made twice", ev->submission), false;
        *key = "engine";
        if (!plain_name(ev->engine, 16))
            return snprintf(msg, n, "submitting needs an \"engine\" (local or slurm)"), false;
        *key = "runs";
        if (ev->n_runs == 0)
            return snprintf(msg, n, "submitting needs \"runs\""), false;
        for (size_t i = 0; i < ev->n_runs; i++) {
            run = run_find(j, ev->runs[i]);
            if (!run)
                return snprintf(msg, n, "submitting run %s, which was never queued", ev->runs[i]), false;
            if (run->has_result)
                return snprintf(msg, n, "submitting run %s, which has a result", ev->runs[i]), false;
            if (run_in_flight(run))
                return snprintf(msg, n, "submitting run %s, which is already %s", ev->runs[i],
                                run_state_name(run->state)), false;
            if (run->state != RUN_QUEUED)
                return snprintf(msg, n, "submitting run %s, which is %s (resubmit it first)", ev->runs[i],
                                run_state_name(run->state)), false;
            for (size_t k = 0; k < i; k++)
                if (strcmp(ev->runs[k], ev->runs[i]) == 0)
                    return snprintf(msg, n, "run %s is submitted twice", ev->runs[i]), false;
        }
        return true;
    case JOURNAL_SUBMITTED:
        *key = "submission";
        sub = ev->submission ? submission_find(j, ev->submission) : NULL;
        if (!sub)
            return snprintf(msg, n, "submitted without its \"submitting\" intent"), false;
        if (sub->submitted)
            return snprintf(msg, n, "submission %s is reported submitted twice", sub->id), false;
        *key = "job";
        if (ev->job[0] && !plain_name(ev->job, JOURNAL_JOB_MAX))
            return snprintf(msg, n, "a job id must be letters, digits, '_', '-' or '.'"), false;
        return true;
    case JOURNAL_STATE:
    case JOURNAL_CANCEL:
    case JOURNAL_RESUBMIT:
        *key = "run";
        run = run_id_ok(ev->run) ? run_find(j, ev->run) : NULL;
        if (!run)
            return snprintf(msg, n, "%s for run %s, which was never queued", journal_kind_name(ev->kind), ev->run), false;
        if (ev->kind == JOURNAL_STATE) {
            *key = "state";
            if (ev->state != RUN_PENDING && ev->state != RUN_RUNNING && ev->state != RUN_FAILED &&
                ev->state != RUN_CANCELLED && ev->state != RUN_LOST)
                return snprintf(msg, n, "state must be pending, running, failed, cancelled or lost"), false;
            if (run->submission < 0)
                return snprintf(msg, n, "state of run %s, which was never submitted", ev->run), false;
            if (ev->text && text_has_control(ev->text))
                return snprintf(msg, n, "a reason may not hold control characters"), false;
        } else if (ev->kind == JOURNAL_RESUBMIT) {
            if (run->has_result || (run->state != RUN_FAILED && run->state != RUN_CANCELLED && run->state != RUN_LOST))
                return snprintf(msg, n, "run %s is %s: only a failed, cancelled or lost run is resubmitted",
                                ev->run, run->has_result ? "done" : run_state_name(run->state)), false;
        } else if (run->has_result || run->state == RUN_FAILED || run->state == RUN_CANCELLED ||
                   run->state == RUN_LOST || run->state == RUN_WITHDRAWN) {
            return snprintf(msg, n, "run %s is already %s", ev->run,
                            run->has_result ? "done" : run_state_name(run->state)), false;
        }
        return true;
    default:
        return true;
    }
}

bool journal_run_waiting(const journal_run *run)
{
    return !run->has_result && !run->withdrawn;
}

size_t journal_round_live_runs(const journal *j, const journal_round *r)
{
    size_t n = 0;
    for (size_t k = 0; r && k < r->n_runs; k++)
        n += !j->runs[r->runs[k]].withdrawn;
    return n;
}

/* Whether ev may follow the events so far. On failure writes why into msg and the key the
 * problem is about into *key (for the column of the error). */
static bool check(const journal *j, const journal_event *ev, char *msg, size_t n, const char **key)
{
    const study *s = j->study;
    char cbuf[200], safe[200];
    *key = "event";
    if ((unsigned)ev->kind >= JOURNAL_N_KINDS)
        return snprintf(msg, n, "unknown event"), false;
    if (ev->round < 1) {
        *key = "round";
        return snprintf(msg, n, "round must be a whole number from 1"), false;
    }
    if (ev->target < -1 || ev->target >= s->n_datasets) {
        *key = "target";
        return snprintf(msg, n, "target is not a dataset of the study"), false;
    }
    const journal_round *r = journal_round_find(j, ev->round);
    bool committed = r && r->committed;
    switch (ev->kind) {
    case JOURNAL_SUGGESTED:
    case JOURNAL_ACCEPTED:
    case JOURNAL_REJECTED:
    case JOURNAL_OVERRIDDEN:
    case JOURNAL_UNDO:
    case JOURNAL_QUEUED:
    case JOURNAL_COMMITTED:
    case JOURNAL_LEFT_OPEN:
        if (committed)
            return snprintf(msg, n, "%s in round %d, which is already committed",
                            journal_kind_name(ev->kind), ev->round), false;
        /* Once a commit has begun (runs queued), only the rest of the commit may follow:
         * a decision now could not take back a run already in the queue. */
        if (journal_round_live_runs(j, r) && ev->kind != JOURNAL_QUEUED && ev->kind != JOURNAL_COMMITTED &&
            ev->kind != JOURNAL_LEFT_OPEN)
            return snprintf(msg, n, "%s in round %d, whose commit has begun (runs are queued); commit it first",
                            journal_kind_name(ev->kind), ev->round), false;
        break;
    default:
        break;
    }
    if (ev->kind >= JOURNAL_SUBMITTING)
        return check_launch(j, ev, msg, n, key);
    bool needs_combo = ev->kind != JOURNAL_NOTE && ev->kind != JOURNAL_COMMITTED &&
                       ev->kind != JOURNAL_UNDO && ev->kind != JOURNAL_UNCOMMITTED;
    if (needs_combo && ev->combo == 0) {
        *key = "combination";
        return snprintf(msg, n, "%s needs a \"combination\"", journal_kind_name(ev->kind)), false;
    }
    if (ev->combo & ~combo_all(s->n_datasets)) {
        *key = "combination";
        return snprintf(msg, n, "combination has datasets the study does not have"), false;
    }
    switch (ev->kind) {
    case JOURNAL_SUGGESTED:
        if ((ev->has_prediction && (!isfinite(ev->mean) || !isfinite(ev->spread))) ||
            (ev->has_value && !isfinite(ev->value)) ||
            (ev->has_cv && (!isfinite(ev->cv_spearman) || !isfinite(ev->cv_mae)))) {
            *key = "mean";
            return snprintf(msg, n, "a suggestion's numbers must be finite"), false;
        }
        if ((ev->predictor && text_has_control(ev->predictor)) ||
            (ev->acquisition && text_has_control(ev->acquisition))) {
            *key = "predictor";
            return snprintf(msg, n, "predictor and acquisition names may not hold control characters"), false;
        }
        break;
    case JOURNAL_OVERRIDDEN:
        if (ev->replacement == 0 || (ev->replacement & ~combo_all(s->n_datasets))) {
            *key = "replacement";
            return snprintf(msg, n, "overridden needs a \"replacement\" combination of the study's datasets"), false;
        }
        if (ev->replacement == ev->combo) {
            *key = "replacement";
            return snprintf(msg, n, "the replacement is the suggestion itself"), false;
        }
        break;
    case JOURNAL_UNDO: {
        if (!r || r->n_decisions == 0)
            return snprintf(msg, n, "nothing to undo in round %d", ev->round), false;
        const journal_event *top = &j->events[r->decisions[r->n_decisions - 1]];
        if (ev->combo && ev->combo != top->combo) {
            *key = "combination";
            study_combo_format(s, ev->combo, cbuf, sizeof cbuf);
            study_combo_format(s, top->combo, safe, sizeof safe);
            return snprintf(msg, n, "undo names %s but the latest decision of round %d is on %s",
                            cbuf, ev->round, safe), false;
        }
        break;
    }
    case JOURNAL_NOTE:
        if (!ev->text) {
            *key = "text";
            return snprintf(msg, n, "note needs a \"text\""), false;
        }
        break;
    case JOURNAL_QUEUED:
        if (!run_id_ok(ev->run)) {
            *key = "run";
            return snprintf(msg, n, "run id must be 1 to %d letters, digits, '_', '-' or '.'",
                            JOURNAL_RUN_MAX - 1), false;
        }
        if (run_find(j, ev->run)) {
            *key = "run";
            return snprintf(msg, n, "run %s is queued twice", ev->run), false;
        }
        if (ev->known < 0) {
            *key = "known";
            return snprintf(msg, n, "known must be a whole number from 0"), false;
        }
        break;
    case JOURNAL_RESULT: {
        *key = "run";
        if (!run_id_ok(ev->run))
            return snprintf(msg, n, "run id must be 1 to %d letters, digits, '_', '-' or '.'",
                            JOURNAL_RUN_MAX - 1), false;
        const journal_run *run = run_find(j, ev->run);
        if (!run)
            return snprintf(msg, n, "result for run %s, which was never queued", ev->run), false;
        if (run->has_result)
            return snprintf(msg, n, "a second result for run %s", ev->run), false;
        if (run->withdrawn)
            return snprintf(msg, n, "result for run %s, which was withdrawn", ev->run), false;
        if (run->combo != ev->combo) {
            *key = "combination";
            return snprintf(msg, n, "run %s was queued as %s", ev->run,
                            study_combo_format(s, run->combo, cbuf, sizeof cbuf)), false;
        }
        if (run->round != ev->round) {
            *key = "round";
            return snprintf(msg, n, "run %s was queued in round %d", ev->run, run->round), false;
        }
        if (!ev->scores) {
            *key = "scores";
            return snprintf(msg, n, "result needs \"scores\""), false;
        }
        for (int d = 0; d < s->n_datasets; d++)
            if (combo_has(ev->combo, d) && !isnan(ev->scores[d]) && !isfinite(ev->scores[d])) {
                *key = "scores";
                return snprintf(msg, n, "scores must be finite numbers"), false;
            }
        break;
    }
    case JOURNAL_LEFT_OPEN: {
        const journal_suggestion *sg = r ? suggestion_find(r, ev->combo) : NULL;
        if (!sg || sg->decision != DECISION_NONE) {
            *key = "combination";
            return snprintf(msg, n, "left_open names %s, which is not an open suggestion of round %d",
                            study_combo_format(s, ev->combo, cbuf, sizeof cbuf), ev->round), false;
        }
        break;
    }
    case JOURNAL_WITHDRAWN: {
        *key = "run";
        if (!run_id_ok(ev->run))
            return snprintf(msg, n, "run id must be 1 to %d letters, digits, '_', '-' or '.'",
                            JOURNAL_RUN_MAX - 1), false;
        const journal_run *run = run_find(j, ev->run);
        if (!run)
            return snprintf(msg, n, "withdrawn names run %s, which was never queued", ev->run), false;
        if (run->has_result)
            return snprintf(msg, n, "run %s has its result: it cannot be withdrawn", ev->run), false;
        if (run->withdrawn)
            return snprintf(msg, n, "run %s is already withdrawn", ev->run), false;
        /* only before it starts: a run handed to an engine is cancelled there first */
        if (run->state == RUN_SUBMITTING || run->state == RUN_RUNNING ||
            (run->state == RUN_PENDING && !run->cancel_asked))
            return snprintf(msg, n, "run %s is %s%s", ev->run, run_state_name(run->state),
                            run->state == RUN_PENDING ? " and its cancel was not asked for" : ": it cannot be withdrawn"),
                   false;
        if (run->combo != ev->combo) {
            *key = "combination";
            return snprintf(msg, n, "run %s was queued as %s", ev->run,
                            study_combo_format(s, run->combo, cbuf, sizeof cbuf)), false;
        }
        if (run->round != ev->round) {
            *key = "round";
            return snprintf(msg, n, "run %s was queued in round %d", ev->run, run->round), false;
        }
        break;
    }
    case JOURNAL_UNCOMMITTED:
        if (!committed)
            return snprintf(msg, n, "uncommitted in round %d, which is not committed", ev->round), false;
        if (j->rounds[j->n_rounds - 1].number != ev->round)
            return snprintf(msg, n, "round %d has begun since round %d was committed: its commit cannot be undone",
                            j->rounds[j->n_rounds - 1].number, ev->round), false;
        for (size_t k = 0; k < r->n_runs; k++) {
            const journal_run *run = &j->runs[r->runs[k]];
            if (run->has_result)
                return snprintf(msg, n, "run %s of round %d has its result: the commit cannot be undone",
                                run->id, ev->round), false;
            if (run->attempts > 0)
                return snprintf(msg, n, "run %s of round %d was handed to an engine: the commit cannot be undone",
                                run->id, ev->round), false;
        }
        break;
    default:
        break;
    }
    return true;
}

/* Sets a suggestion's standing decision from the decision stack of its round. */
static void suggestion_settle(journal *j, journal_round *r, journal_suggestion *sg)
{
    sg->decision = DECISION_NONE;
    sg->replacement = 0;
    for (size_t i = r->n_decisions; i-- > 0;) {
        const journal_event *d = &j->events[r->decisions[i]];
        if (d->combo != sg->combo)
            continue;
        sg->decision = d->kind == JOURNAL_ACCEPTED   ? DECISION_ACCEPTED
                       : d->kind == JOURNAL_REJECTED ? DECISION_REJECTED
                                                     : DECISION_OVERRIDDEN;
        sg->replacement = d->kind == JOURNAL_OVERRIDDEN ? d->replacement : 0;
        sg->decision_event = r->decisions[i];
        return;
    }
}

/* Adds the checked event at index idx of j->events to the model. */
static void apply(journal *j, size_t idx)
{
    const journal_event *ev = &j->events[idx];
    journal_round *r = round_get(j, ev->round, true);
    if (r->target < 0 && ev->target >= 0)
        r->target = ev->target;
    journal_suggestion *sg = NULL;
    if (ev->kind == JOURNAL_SUGGESTED || is_decision(ev->kind)) {
        sg = suggestion_find(r, ev->combo);
        if (!sg) {
            r->suggestions = xrealloc(r->suggestions, (r->n_suggestions + 1) * sizeof *r->suggestions);
            sg = &r->suggestions[r->n_suggestions++];
            memset(sg, 0, sizeof *sg);
            sg->combo = ev->combo;
            sg->target = ev->target;
            sg->event = idx;
        }
    }
    switch (ev->kind) {
    case JOURNAL_SUGGESTED:
        /* A re-proposal of the same combination updates its prediction. */
        sg->suggested = true;
        sg->event = idx;
        if (ev->target >= 0)
            sg->target = ev->target;
        break;
    case JOURNAL_ACCEPTED:
    case JOURNAL_REJECTED:
    case JOURNAL_OVERRIDDEN:
        push_index(&r->decisions, &r->n_decisions, idx);
        suggestion_settle(j, r, sg);
        break;
    case JOURNAL_UNDO: {
        combo_t c = j->events[r->decisions[--r->n_decisions]].combo;
        suggestion_settle(j, r, suggestion_find(r, c));
        break;
    }
    case JOURNAL_NOTE:
        push_index(&r->notes, &r->n_notes, idx);
        break;
    case JOURNAL_QUEUED: {
        j->runs = xrealloc(j->runs, (j->n_runs + 1) * sizeof *j->runs);
        journal_run *run = &j->runs[j->n_runs];
        memset(run, 0, sizeof *run);
        snprintf(run->id, sizeof run->id, "%s", ev->run);
        run->combo = ev->combo;
        run->round = ev->round;
        run->target = ev->target;
        run->known = ev->known;
        run->queued_event = idx;
        run->submission = -1;
        run->state_event = -1;
        run->state = RUN_QUEUED;
        push_index(&r->runs, &r->n_runs, j->n_runs);
        j->n_runs++;
        run_hash_put(j, j->n_runs - 1);
        break;
    }
    case JOURNAL_RESULT: {
        journal_run *run = (journal_run *)run_find(j, ev->run);
        run->has_result = true;
        run->result_event = idx;
        run->state = RUN_DONE;
        push_index(&r->results, &r->n_results, idx);
        break;
    }
    case JOURNAL_SUBMITTING: {
        j->submissions = xrealloc(j->submissions, (j->n_submissions + 1) * sizeof *j->submissions);
        journal_submission *sub = &j->submissions[j->n_submissions];
        memset(sub, 0, sizeof *sub);
        snprintf(sub->id, sizeof sub->id, "%s", ev->submission);
        snprintf(sub->engine, sizeof sub->engine, "%s", ev->engine);
        sub->round = ev->round;
        sub->intent_event = idx;
        sub->runs = xmalloc(ev->n_runs * sizeof *sub->runs);
        for (size_t i = 0; i < ev->n_runs; i++) {
            journal_run *run = (journal_run *)run_find(j, ev->runs[i]);
            sub->runs[sub->n_runs++] = (size_t)(run - j->runs);
            run->attempts++;
            run->submission = (long)j->n_submissions;
            run->array_index = (int)i;
            run->state = RUN_SUBMITTING;
            run->state_event = -1;
            run->cancel_asked = false;
        }
        j->n_submissions++;
        break;
    }
    case JOURNAL_SUBMITTED: {
        journal_submission *sub = submission_find(j, ev->submission);
        sub->submitted = true;
        sub->submitted_event = idx;
        snprintf(sub->job, sizeof sub->job, "%s", ev->job);
        for (size_t i = 0; i < sub->n_runs; i++) {
            journal_run *run = &j->runs[sub->runs[i]];
            if (run->submission != (long)(sub - j->submissions) || run->state != RUN_SUBMITTING)
                continue;
            /* nothing submitted: the runs may be submitted again */
            run->state = ev->job[0] ? RUN_PENDING : RUN_QUEUED;
            if (!ev->job[0])
                run->submission = -1;
        }
        break;
    }
    case JOURNAL_STATE: {
        journal_run *run = (journal_run *)run_find(j, ev->run);
        if (!run->has_result && !run->withdrawn) /* a withdrawn run cancelled by its engine stays withdrawn */
            run->state = ev->state;
        run->state_event = (long)idx;
        break;
    }
    case JOURNAL_CANCEL: {
        journal_run *run = (journal_run *)run_find(j, ev->run);
        run->cancel_asked = true;
        if (run->state == RUN_QUEUED)
            run->state = RUN_CANCELLED; /* nothing to tell an engine */
        break;
    }
    case JOURNAL_RESUBMIT: {
        journal_run *run = (journal_run *)run_find(j, ev->run);
        run->state = RUN_QUEUED;
        run->cancel_asked = false;
        run->state_event = -1;
        break;
    }
    case JOURNAL_COMMITTED:
        r->committed = true;
        r->committed_event = idx;
        break;
    case JOURNAL_LEFT_OPEN:
        push_index(&r->left_open, &r->n_left_open, idx);
        break;
    case JOURNAL_WITHDRAWN: {
        journal_run *run = (journal_run *)run_find(j, ev->run);
        run->withdrawn = true;
        run->withdrawn_event = idx;
        run->state = RUN_WITHDRAWN;
        break;
    }
    case JOURNAL_UNCOMMITTED:
        r->committed = false;
        r->n_left_open = 0;
        r->n_uncommits++;
        for (size_t k = 0; k < r->n_runs; k++) {
            journal_run *run = &j->runs[r->runs[k]];
            if (!run->withdrawn) {
                run->withdrawn = true;
                run->withdrawn_event = idx;
                run->state = RUN_WITHDRAWN;
            }
        }
        break;
    default:
        break;
    }
}

static size_t store(journal *j, const journal_event *ev)
{
    if (j->n_events == j->cap_events) {
        j->cap_events = j->cap_events ? j->cap_events * 2 : 64;
        j->events = xrealloc(j->events, j->cap_events * sizeof *j->events);
    }
    event_copy(&j->events[j->n_events], ev, j->study->n_datasets);
    return j->n_events++;
}

const journal_round *journal_rounds(const journal *j, size_t *n)
{
    *n = j->n_rounds;
    return j->rounds;
}

const journal_round *journal_round_find(const journal *j, int number)
{
    return round_get((journal *)j, number, false);
}

int journal_next_round(const journal *j)
{
    return j->n_rounds ? j->rounds[j->n_rounds - 1].number + 1 : 1;
}

int journal_current_round(const journal *j)
{
    if (j->n_rounds && !j->rounds[j->n_rounds - 1].committed)
        return j->rounds[j->n_rounds - 1].number;
    return journal_next_round(j);
}

/* --- reading ----------------------------------------------------------------------------- */

/* 1-based column of the value of top-level key in a one-line JSON object, 0 if not found. */
static long key_column(const char *line, size_t len, const char *key)
{
    size_t klen = strlen(key);
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        char c = line[i];
        if (c == '"') {
            size_t start = i + 1;
            for (i++; i < len && line[i] != '"'; i++)
                if (line[i] == '\\')
                    i++;
            if (depth != 1)
                continue;
            size_t end = i;
            size_t k = i + 1;
            while (k < len && (line[k] == ' ' || line[k] == '\t'))
                k++;
            if (k < len && line[k] == ':' && end - start == klen && memcmp(line + start, key, klen) == 0) {
                k++;
                while (k < len && (line[k] == ' ' || line[k] == '\t'))
                    k++;
                return (long)k + 1;
            }
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 0;
}

typedef struct line_ctx {
    const journal *j;
    const char *text;
    size_t len;
    long line;
    cs_error *err;
} line_ctx;

static bool line_fail(const line_ctx *lc, const char *key, const char *fmt, const char *a)
{
    long col = key ? key_column(lc->text, lc->len, key) : 0;
    if (col == 0)
        col = 1;
    char safe[256];
    return error_set(lc->err, lc->j->path, lc->line, col, fmt, a ? text_sanitize(a, safe, sizeof safe) : "");
}

static bool get_str(const line_ctx *lc, const cJSON *o, const char *key, bool required, const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return line_fail(lc, NULL, "missing \"%s\"", key);
        return true;
    }
    if (!cJSON_IsString(v))
        return line_fail(lc, key, "\"%s\" must be a string", key);
    *out = v->valuestring;
    return true;
}

static bool get_int(const line_ctx *lc, const cJSON *o, const char *key, bool required, int lo, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) {
        if (required)
            return line_fail(lc, NULL, "missing \"%s\"", key);
        return true;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > 1e9 ||
        v->valuedouble != floor(v->valuedouble))
        return line_fail(lc, key, "\"%s\" must be a whole number", key);
    *out = (int)v->valuedouble;
    return true;
}

static bool get_num(const line_ctx *lc, const cJSON *o, const char *key, bool *has, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return line_fail(lc, key, "\"%s\" must be a number", key);
    *out = v->valuedouble;
    if (has)
        *has = true;
    return true;
}

static bool get_combo(const line_ctx *lc, const cJSON *o, const char *key, combo_t *out)
{
    const char *t;
    *out = 0;
    if (!get_str(lc, o, key, false, &t))
        return false;
    if (!t)
        return true;
    char bad[256];
    if (!study_combo_parse(lc->j->study, t, out, bad, sizeof bad))
        return line_fail(lc, key, "%s", bad);
    return true;
}

static bool get_dataset(const line_ctx *lc, const cJSON *o, const char *key, int *out)
{
    const char *t;
    *out = -1;
    if (!get_str(lc, o, key, false, &t))
        return false;
    if (!t)
        return true;
    *out = study_find_dataset(lc->j->study, t);
    if (*out < 0)
        return line_fail(lc, key, "dataset \"%s\" is not in the study", t);
    return true;
}

/* submitting / submitted: submission, engine, name, job, error, runs[] (allocated). */
static bool decode_launch(const line_ctx *lc, const cJSON *o, journal_event *ev)
{
    const char *t;
    if (!get_str(lc, o, "submission", true, &t))
        return false;
    ev->submission = (char *)t;
    if (!get_str(lc, o, "engine", ev->kind == JOURNAL_SUBMITTING, &t))
        return false;
    ev->engine = (char *)t;
    if (!get_str(lc, o, "name", false, &t))
        return false;
    ev->name = (char *)t;
    if (!get_str(lc, o, "job", false, &t))
        return false;
    if (t && strlen(t) >= sizeof ev->job)
        return line_fail(lc, "job", "job id too long%s", NULL);
    snprintf(ev->job, sizeof ev->job, "%s", t ? t : "");
    if (!get_str(lc, o, "error", false, &t))
        return false;
    ev->text = (char *)t;
    const cJSON *runs = cJSON_GetObjectItemCaseSensitive(o, "runs");
    if (!runs && ev->kind == JOURNAL_SUBMITTED)
        return true;
    if (!cJSON_IsArray(runs))
        return line_fail(lc, runs ? "runs" : NULL, "\"runs\" must be an array of run ids%s", NULL);
    size_t n = (size_t)cJSON_GetArraySize(runs);
    ev->runs = xmalloc((n ? n : 1) * sizeof *ev->runs);
    const cJSON *v;
    cJSON_ArrayForEach(v, runs) {
        if (!cJSON_IsString(v) || !run_id_ok(v->valuestring))
            return line_fail(lc, "runs", "\"runs\" must hold run ids (letters, digits, '_', '-' or '.')%s", NULL);
        snprintf(ev->runs[ev->n_runs++], JOURNAL_RUN_MAX, "%s", v->valuestring);
    }
    return true;
}

/* Decodes one parsed line into ev (strings borrowed from the cJSON tree, scores allocated). */
static bool decode(const line_ctx *lc, const cJSON *o, journal_event *ev)
{
    const study *s = lc->j->study;
    memset(ev, 0, sizeof *ev);
    ev->target = -1;
    ev->replicate = -1;
    ev->line = lc->line;
    if (!cJSON_IsObject(o))
        return line_fail(lc, NULL, "an event must be a JSON object%s", NULL);
    const char *name, *t;
    if (!get_str(lc, o, "event", true, &name))
        return false;
    int k = kind_from_name(name);
    if (k < 0)
        return line_fail(lc, "event", "unknown event \"%s\"", name);
    ev->kind = (journal_kind)k;
    if (!get_str(lc, o, "time", true, &t))
        return false;
    if (!time_ok(t))
        return line_fail(lc, "time", "\"time\" must be ISO 8601 UTC like 2026-11-29T22:01:02Z, not \"%s\"", t);
    snprintf(ev->time, sizeof ev->time, "%s", t);
    if (!get_int(lc, o, "round", true, 1, &ev->round))
        return false;
    if (!get_dataset(lc, o, "target", &ev->target) || !get_combo(lc, o, "combination", &ev->combo))
        return false;
    switch (ev->kind) {
    case JOURNAL_SUGGESTED:
        if (!get_num(lc, o, "mean", &ev->has_prediction, &ev->mean) || !get_num(lc, o, "spread", NULL, &ev->spread) ||
            !get_num(lc, o, "value", &ev->has_value, &ev->value))
            return false;
        const cJSON *cv = cJSON_GetObjectItemCaseSensitive(o, "cv");
        if (cv) {
            if (!cJSON_IsObject(cv))
                return line_fail(lc, "cv", "\"cv\" must be an object {\"spearman\", \"mae\"}%s", NULL);
            bool has_s = false, has_m = false;
            if (!get_num(lc, cv, "spearman", &has_s, &ev->cv_spearman) || !get_num(lc, cv, "mae", &has_m, &ev->cv_mae))
                return false;
            if (!has_s || !has_m)
                return line_fail(lc, "cv", "\"cv\" needs \"spearman\" and \"mae\"%s", NULL);
            ev->has_cv = true;
        }
        if (!get_str(lc, o, "predictor", false, &t))
            return false;
        ev->predictor = (char *)t;
        if (!get_str(lc, o, "acquisition", false, &t))
            return false;
        ev->acquisition = (char *)t;
        break;
    case JOURNAL_REJECTED:
        if (!get_str(lc, o, "reason", false, &t))
            return false;
        ev->text = (char *)t;
        break;
    case JOURNAL_OVERRIDDEN:
        if (!get_combo(lc, o, "replacement", &ev->replacement))
            return false;
        break;
    case JOURNAL_NOTE:
        if (!get_str(lc, o, "text", true, &t))
            return false;
        ev->text = (char *)t;
        break;
    case JOURNAL_SUBMITTING:
    case JOURNAL_SUBMITTED:
        if (!decode_launch(lc, o, ev))
            return false;
        break;
    case JOURNAL_STATE:
    case JOURNAL_CANCEL:
    case JOURNAL_RESUBMIT:
        if (!get_str(lc, o, "run", true, &t))
            return false;
        if (!run_id_ok(t))
            return line_fail(lc, "run", "run id \"%s\" must be letters, digits, '_', '-' or '.'", t);
        snprintf(ev->run, sizeof ev->run, "%s", t);
        if (ev->kind != JOURNAL_STATE)
            break;
        if (!get_str(lc, o, "state", true, &t))
            return false;
        int st = run_state_from_name(t);
        if (st < 0)
            return line_fail(lc, "state", "unknown state \"%s\"", t);
        ev->state = (run_state)st;
        if (!get_str(lc, o, "job", false, &t))
            return false;
        if (t && strlen(t) >= sizeof ev->job)
            return line_fail(lc, "job", "job id too long%s", NULL);
        snprintf(ev->job, sizeof ev->job, "%s", t ? t : "");
        if (!get_str(lc, o, "reason", false, &t))
            return false;
        ev->text = (char *)t;
        if (cJSON_GetObjectItemCaseSensitive(o, "exit")) {
            if (!get_int(lc, o, "exit", true, 0, &ev->exit_status))
                return false;
            ev->has_exit = true;
        }
        break;
    case JOURNAL_QUEUED:
    case JOURNAL_RESULT:
    case JOURNAL_WITHDRAWN:
        if (!get_str(lc, o, "run", true, &t))
            return false;
        if (!run_id_ok(t))
            return line_fail(lc, "run", "run id \"%s\" must be letters, digits, '_', '-' or '.'", t);
        snprintf(ev->run, sizeof ev->run, "%s", t);
        if (ev->kind == JOURNAL_WITHDRAWN)
            break;
        if (ev->kind == JOURNAL_QUEUED) {
            if (!get_int(lc, o, "known", false, 0, &ev->known))
                return false;
            break;
        }
        if (!get_int(lc, o, "replicate", false, -1, &ev->replicate))
            return false;
        const cJSON *sc = cJSON_GetObjectItemCaseSensitive(o, "scores");
        if (!sc)
            return line_fail(lc, NULL, "missing \"scores\"%s", NULL);
        if (!cJSON_IsObject(sc))
            return line_fail(lc, "scores", "\"scores\" must be an object {dataset: score}%s", NULL);
        ev->scores = xmalloc((size_t)(s->n_datasets ? s->n_datasets : 1) * sizeof *ev->scores);
        for (int d = 0; d < s->n_datasets; d++)
            ev->scores[d] = NAN;
        const cJSON *v;
        cJSON_ArrayForEach(v, sc) {
            int d = study_find_dataset(s, v->string);
            if (d < 0 || !combo_has(ev->combo, d))
                return line_fail(lc, "scores", "score for \"%s\", which is not a member of the combination", v->string);
            if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
                return line_fail(lc, "scores", "the score of \"%s\" must be a number", v->string);
            ev->scores[d] = v->valuedouble;
        }
        break;
    default:
        break;
    }
    return true;
}

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return false;
    return true;
}

typedef enum line_status { LINE_OK, LINE_SYNTAX, LINE_INVALID } line_status;

/* Parses one line into the model. LINE_SYNTAX: not JSON (what a torn write leaves);
 * LINE_INVALID: JSON but not a valid event here. err set unless LINE_OK. */
static line_status parse_line(journal *j, const char *text, size_t len, long line, cs_error *err)
{
    line_ctx lc = {.j = j, .text = text, .len = len, .line = line, .err = err};
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!o) {
        const char *at = cJSON_GetErrorPtr();
        long col = at && at >= text && at <= text + len ? (long)(at - text) + 1 : 1;
        error_set(err, j->path, line, col, "JSON syntax error");
        return LINE_SYNTAX;
    }
    if (end && !blank(end, len - (size_t)(end - text))) {
        cJSON_Delete(o);
        error_set(err, j->path, line, (long)(end - text) + 1, "text after the event object");
        return LINE_SYNTAX;
    }
    journal_event ev;
    bool ok = decode(&lc, o, &ev);
    if (ok) {
        char msg[ERROR_MSG_MAX];
        const char *key;
        if (!check(j, &ev, msg, sizeof msg, &key))
            ok = line_fail(&lc, key, "%s", msg);
        else
            apply(j, store(j, &ev));
    }
    free(ev.scores);
    free(ev.runs);
    cJSON_Delete(o);
    return ok ? LINE_OK : LINE_INVALID;
}

static char *read_fd(int fd, size_t *len, cs_error *err, const char *path)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n == cap)
            buf = xrealloc(buf, cap *= 2);
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return error_set(err, path, 0, 0, "cannot read: %s", strerror(errno)), NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *len = n;
    return buf;
}

static void fsync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? text_dup(path) : text_dup(".");
    if (slash)
        dir[slash - path == 0 ? 1 : slash - path] = '\0';
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Appends the torn bytes (and a newline) to PATH.torn, flushed to disk. */
static bool save_torn(const char *path, const char *bytes, size_t n, cs_error *err)
{
    size_t plen = strlen(path) + 6;
    char *tp = xmalloc(plen);
    snprintf(tp, plen, "%s.torn", path);
    cs_error e;
    int fd = file_open_write(tp, O_WRONLY | O_APPEND | O_CREAT, 0666, &e);
    bool ok = fd >= 0;
    if (ok) {
        ok = write(fd, bytes, n) == (ssize_t)n && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
        if (!ok)
            error_set(&e, tp, 0, 0, "%s", strerror(errno));
        close(fd);
    }
    if (!ok)
        error_set(err, NULL, 0, 0, "cannot keep the torn last line before repairing the journal: %s", e.msg);
    else
        fsync_dir_of(tp);
    free(tp);
    return ok;
}

journal *journal_open(const char *path, const study *s, bool writable, cs_error *err)
{
    journal *j = xcalloc(1, sizeof *j);
    j->path = text_dup(path);
    j->study = s;
    j->fd = -1;
    bool created = false;
    int fd;
    cs_error oe;
    if (writable) {
        fd = file_open_write(path, O_RDWR | O_APPEND, 0, &oe);
        if (fd < 0 && errno == ENOENT) {
            fd = file_open_write(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL, 0666, &oe);
            created = fd >= 0;
        }
    } else {
        fd = file_open_read(path, NULL, &oe);
        if (fd < 0 && errno == ENOENT)
            return j; /* nothing journaled yet */
    }
    if (fd < 0) {
        if (errno == ELOOP || errno == EINVAL) { /* a link or not a regular file: oe says so */
            if (err)
                *err = oe;
        } else {
            error_set(err, path, 0, 0, "cannot open the journal: %s", strerror(errno));
        }
        journal_free(j);
        return NULL;
    }
    if (created)
        fsync_dir_of(path); /* the new file's name must survive a crash too */
    size_t len;
    char *text = read_fd(fd, &len, err, path);
    if (!text) {
        close(fd);
        journal_free(j);
        return NULL;
    }
    /* The last non-blank line may be torn: find where it starts. */
    size_t end = len;
    while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' ' ||
                       text[end - 1] == '\t'))
        end--;
    size_t last_start = end;
    while (last_start > 0 && text[last_start - 1] != '\n')
        last_start--;
    bool last_has_newline = memchr(text + end, '\n', len - end) != NULL;

    bool ok = true;
    long line = 0;
    size_t pos = 0;
    while (ok && pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t llen = nl ? (size_t)(nl - (text + pos)) : len - pos;
        line++;
        if (!nl && blank(text + pos, llen))
            break; /* trailing blanks without a newline: nothing to keep */
        if (blank(text + pos, llen)) {
            pos += llen + 1;
            j->size = (off_t)pos;
            continue;
        }
        bool is_last = pos == last_start;
        if (is_last && !last_has_newline) {
            /* No newline: the write never completed, whatever its bytes look like. */
            j->torn = true;
            break;
        }
        /* A NUL byte or bytes that are not UTF-8: an error where they are, except on the
         * last line, which a crash may have left filled with zeros: torn. */
        const char *nul = memchr(text + pos, '\0', llen);
        size_t bad = nul ? (size_t)(nul - (text + pos)) : text_utf8_invalid(text + pos, llen);
        if (bad < llen) {
            if (is_last) {
                j->torn = true;
                break;
            }
            if (nul)
                error_set(err, path, line, (long)bad + 1, "NUL byte in the journal");
            else
                error_set(err, path, line, (long)bad + 1, "not UTF-8 (byte 0x%02X)",
                          (unsigned)(unsigned char)text[pos + bad]);
            ok = false;
            break;
        }
        cs_error e;
        line_status st = parse_line(j, text + pos, llen, line, &e);
        if (st == LINE_SYNTAX && is_last) {
            j->torn = true;
            break;
        }
        if (st != LINE_OK) {
            if (err)
                *err = e;
            ok = false;
            break;
        }
        pos += llen + 1;
        j->size = (off_t)pos;
    }
    for (off_t i = 0; i < j->size; i++)
        j->lines += text[i] == '\n';
    if (!ok) {
        free(text);
        close(fd);
        journal_free(j);
        return NULL;
    }
    if (j->torn) {
        char safe[256];
        snprintf(j->warning, sizeof j->warning, "%s:%ld: torn last line skipped",
                 text_sanitize(path, safe, sizeof safe), line);
    }
    if (writable && (size_t)j->size < len) {
        /* Cut the torn bytes so that the next line does not glue onto them; keep a copy in
         * JOURNAL.torn first, so that nothing the file held is lost even by the repair. */
        if (j->torn && !save_torn(path, text + j->size, len - (size_t)j->size, err)) {
            free(text);
            close(fd);
            journal_free(j);
            return NULL;
        }
        if (ftruncate(fd, j->size) != 0 || fsync(fd) != 0) {
            free(text);
            error_set(err, path, line, 0, "cannot truncate the torn last line: %s", strerror(errno));
            close(fd);
            journal_free(j);
            return NULL;
        }
    }
    free(text);
    if (writable) {
        struct stat st;
        if (fstat(fd, &st) != 0) {
            error_set(err, path, 0, 0, "cannot open the journal: %s", strerror(errno));
            close(fd);
            journal_free(j);
            return NULL;
        }
        j->fd = fd;
        j->dev = st.st_dev;
        j->ino = st.st_ino;
    } else {
        close(fd);
    }
    return j;
}

journal *journal_open_study(const study *s, bool read_only, study_lock **lock, lock_info *holder,
                            cs_error *err)
{
    *lock = NULL;
    memset(holder, 0, sizeof *holder);
    char *path = journal_path_of(s);
    if (!path) {
        error_set(err, s->path, 0, 0, "the study names no journal");
        return NULL;
    }
    bool writable = false;
    cs_error why = {""};
    if (!read_only) {
        lock_status st = lock_acquire(path, lock, holder, &why);
        if (st == LOCK_ERROR) {
            if (err)
                *err = why;
            free(path);
            return NULL;
        }
        if (st != LOCK_UNWRITABLE)
            why.msg[0] = '\0';
        writable = st == LOCK_ACQUIRED;
        if (st == LOCK_BUSY && holder->pid <= 0)
            holder->pid = -1; /* held, by someone not yet identified */
    }
    if (writable && access(path, W_OK) != 0 && (errno == EACCES || errno == EROFS)) {
        /* the journal itself cannot be written (a file sent read-only): review it */
        char safe[256];
        error_set(&why, text_sanitize(path, safe, sizeof safe), 0, 0,
                  "journal not writable (%s): opened read-only; use --read-only to review", strerror(errno));
        lock_release(*lock);
        *lock = NULL;
        writable = false;
    }
    journal *j = journal_open(path, s, writable, err);
    free(path);
    if (j)
        snprintf(j->read_only_why, sizeof j->read_only_why, "%s", why.msg);
    if (!j) {
        lock_release(*lock);
        *lock = NULL;
    }
    return j;
}

bool journal_rebind(journal *j, const study *s, cs_error *err)
{
    bool same = s->n_datasets == j->study->n_datasets;
    for (int d = 0; same && d < s->n_datasets; d++)
        same = strcmp(s->datasets[d].name, j->study->datasets[d].name) == 0;
    if (!same)
        return error_set(err, j->path, 0, 0, "the study's datasets changed since the journal was opened; reopen it");
    j->study = s;
    return true;
}

void journal_free(journal *j)
{
    if (!j)
        return;
    if (j->fd >= 0)
        close(j->fd);
    for (size_t i = 0; i < j->n_events; i++)
        event_done(&j->events[i]);
    free(j->events);
    for (size_t i = 0; i < j->n_rounds; i++) {
        journal_round *r = &j->rounds[i];
        free(r->suggestions);
        free(r->decisions);
        free(r->notes);
        free(r->runs);
        free(r->results);
        free(r->left_open);
    }
    free(j->rounds);
    free(j->runs);
    free(j->run_hash);
    for (size_t i = 0; i < j->n_submissions; i++)
        free(j->submissions[i].runs);
    free(j->submissions);
    free(j->path);
    free(j);
}

/* --- writing ----------------------------------------------------------------------------- */

static void add_combo(cJSON *o, const study *s, const char *key, combo_t c)
{
    size_t n = (size_t)s->n_datasets * 258 + 1;
    char *buf = xmalloc(n);
    cJSON_AddStringToObject(o, key, study_combo_format(s, c, buf, n));
    free(buf);
}

static char *format_line(const journal *j, const journal_event *ev, size_t *len)
{
    const study *s = j->study;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "time", ev->time);
    cJSON_AddNumberToObject(o, "round", ev->round);
    cJSON_AddStringToObject(o, "event", journal_kind_name(ev->kind));
    if (ev->target >= 0)
        cJSON_AddStringToObject(o, "target", s->datasets[ev->target].name);
    if (ev->combo)
        add_combo(o, s, "combination", ev->combo);
    switch (ev->kind) {
    case JOURNAL_SUGGESTED:
        if (ev->has_prediction) {
            cJSON_AddNumberToObject(o, "mean", ev->mean);
            cJSON_AddNumberToObject(o, "spread", ev->spread);
        }
        if (ev->predictor)
            cJSON_AddStringToObject(o, "predictor", ev->predictor);
        if (ev->acquisition)
            cJSON_AddStringToObject(o, "acquisition", ev->acquisition);
        if (ev->has_value)
            cJSON_AddNumberToObject(o, "value", ev->value);
        if (ev->has_cv) {
            cJSON *cv = cJSON_AddObjectToObject(o, "cv");
            cJSON_AddNumberToObject(cv, "spearman", ev->cv_spearman);
            cJSON_AddNumberToObject(cv, "mae", ev->cv_mae);
        }
        break;
    case JOURNAL_REJECTED:
        if (ev->text)
            cJSON_AddStringToObject(o, "reason", ev->text);
        break;
    case JOURNAL_OVERRIDDEN:
        add_combo(o, s, "replacement", ev->replacement);
        break;
    case JOURNAL_NOTE:
        cJSON_AddStringToObject(o, "text", ev->text);
        break;
    case JOURNAL_QUEUED:
        cJSON_AddStringToObject(o, "run", ev->run);
        cJSON_AddNumberToObject(o, "known", ev->known);
        break;
    case JOURNAL_WITHDRAWN:
        cJSON_AddStringToObject(o, "run", ev->run);
        break;
    case JOURNAL_RESULT: {
        cJSON_AddStringToObject(o, "run", ev->run);
        if (ev->replicate >= 0)
            cJSON_AddNumberToObject(o, "replicate", ev->replicate);
        cJSON *sc = cJSON_AddObjectToObject(o, "scores");
        for (int d = 0; d < s->n_datasets; d++)
            if (combo_has(ev->combo, d) && !isnan(ev->scores[d]))
                cJSON_AddNumberToObject(sc, s->datasets[d].name, ev->scores[d]);
        break;
    }
    case JOURNAL_SUBMITTING:
    case JOURNAL_SUBMITTED: {
        cJSON_AddStringToObject(o, "submission", ev->submission);
        if (ev->engine)
            cJSON_AddStringToObject(o, "engine", ev->engine);
        if (ev->name)
            cJSON_AddStringToObject(o, "name", ev->name);
        if (ev->kind == JOURNAL_SUBMITTED) {
            if (ev->job[0])
                cJSON_AddStringToObject(o, "job", ev->job);
            else
                cJSON_AddStringToObject(o, "error", ev->text ? ev->text : "not submitted");
        }
        cJSON *runs = cJSON_AddArrayToObject(o, "runs");
        for (size_t i = 0; i < ev->n_runs; i++)
            cJSON_AddItemToArray(runs, cJSON_CreateString(ev->runs[i]));
        break;
    }
    case JOURNAL_STATE:
        cJSON_AddStringToObject(o, "run", ev->run);
        cJSON_AddStringToObject(o, "state", run_state_name(ev->state));
        if (ev->job[0])
            cJSON_AddStringToObject(o, "job", ev->job);
        if (ev->has_exit)
            cJSON_AddNumberToObject(o, "exit", ev->exit_status);
        if (ev->text)
            cJSON_AddStringToObject(o, "reason", ev->text);
        break;
    case JOURNAL_CANCEL:
    case JOURNAL_RESUBMIT:
        cJSON_AddStringToObject(o, "run", ev->run);
        break;
    default:
        break;
    }
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        return NULL;
    size_t n = strlen(text);
    char *line = xmalloc(n + 2);
    memcpy(line, text, n);
    line[n] = '\n';
    line[n + 1] = '\0';
    cJSON_free(text);
    *len = n + 1;
    return line;
}

static bool append_one(journal *j, const journal_event *in, cs_error *err)
{
    if (j->fd < 0)
        return error_set(err, j->path, 0, 0, "the journal is open read-only");
    journal_event ev = *in;
    if (!ev.time[0])
        journal_now(ev.time);
    if (!time_ok(ev.time))
        return error_set(err, j->path, 0, 0, "event time \"%s\" is not ISO 8601 UTC", ev.time);
    if (ev.kind == JOURNAL_UNDO) {
        /* Name the decision being reverted, so that the line reads on its own. */
        const journal_round *r = journal_round_find(j, ev.round);
        if (r && r->n_decisions && !ev.combo)
            ev.combo = j->events[r->decisions[r->n_decisions - 1]].combo;
    }
    if (ev.text && text_has_control(ev.text) && ev.kind >= JOURNAL_SUBMITTED)
        return error_set(err, j->path, 0, 0, "text with control characters cannot be journaled");
    if ((ev.kind == JOURNAL_NOTE || ev.kind == JOURNAL_REJECTED) && ev.text && text_has_control(ev.text))
        return error_set(err, j->path, 0, 0, "text with control characters cannot be journaled");
    char msg[ERROR_MSG_MAX];
    const char *key;
    if (!check(j, &ev, msg, sizeof msg, &key))
        return error_set(err, j->path, 0, 0, "%s", msg);
    size_t len;
    char *line = format_line(j, &ev, &len);
    if (!line)
        return error_set(err, j->path, 0, 0, "cannot format the event");
    if (!journal_check_place(j, err)) {
        free(line);
        return false;
    }
    ssize_t w;
    do
        w = write(j->fd, line, len);
    while (w < 0 && errno == EINTR);
    const char *why = NULL;
    if (w < 0)
        why = strerror(errno);
    else if (w != (ssize_t)len)
        why = "short write (disk full?)";
    else if (fsync(j->fd) != 0)
        why = strerror(errno);
    free(line);
    if (why) {
        /* Leave no partial line behind: the file ends with whole lines again. If even that
         * fails, the size check above refuses every later append until the study is reopened. */
        if (ftruncate(j->fd, j->size) == 0)
            fsync(j->fd);
        return error_set(err, j->path, 0, 0, "cannot save the event: %s", why);
    }
    j->size += (off_t)len;
    j->lines++;
    /* Replaced while we wrote: the line is in the old file, not in the one at the path. */
    if (!journal_check_place(j, err))
        return false;
    ev.line = j->lines;
    apply(j, store(j, &ev));
    return true;
}

bool journal_append(journal *j, const journal_event *in, cs_error *err)
{
    const journal_submission *sub = in->submission ? submission_find(j, in->submission) : NULL;
    if (in->kind != JOURNAL_SUBMITTED || in->n_runs || !sub)
        return append_one(j, in, err);
    /* `submitted` repeats its runs and engine, so that the line reads on its own */
    journal_event ev = *in;
    ev.runs = xmalloc((sub->n_runs + 1) * sizeof *ev.runs);
    for (size_t i = 0; i < sub->n_runs; i++)
        snprintf(ev.runs[i], JOURNAL_RUN_MAX, "%s", j->runs[sub->runs[i]].id);
    ev.n_runs = sub->n_runs;
    char engine[16];
    snprintf(engine, sizeof engine, "%s", sub->engine);
    if (!ev.engine)
        ev.engine = engine;
    bool ok = append_one(j, &ev, err);
    free(ev.runs);
    return ok;
}

bool journal_check_place(journal *j, cs_error *err)
{
    char safe[256];
    const char *p = text_sanitize(j->path, safe, sizeof safe);
    if (j->fd < 0)
        return error_set(err, p, 0, 0, "the journal is open read-only");
    if (!j->lost) {
        struct stat at;
        if (stat(j->path, &at) != 0)
            j->lost = errno == ENOENT || errno == ENOTDIR ? JOURNAL_REMOVED : JOURNAL_IN_PLACE;
        else if (at.st_dev != j->dev || at.st_ino != j->ino)
            j->lost = JOURNAL_REPLACED;
    }
    if (j->lost == JOURNAL_REPLACED)
        return error_set(err, p, 0, 0,
                         "the journal was replaced on disk by another file: not saved; reload it to continue");
    if (j->lost == JOURNAL_REMOVED)
        return error_set(err, p, 0, 0, "the journal was removed from disk: not saved; reload to start it again");
    /* Someone else writing to the file (without the lock) would make our model wrong. */
    struct stat st;
    if (fstat(j->fd, &st) != 0 || st.st_size != j->size)
        return error_set(err, p, 0, 0, "the journal changed on disk since it was opened: not saved; reload it to continue");
    return true;
}

static journal_event event_base(journal_kind k, int round, int target, combo_t c)
{
    journal_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = k;
    ev.round = round;
    ev.target = target;
    ev.combo = c;
    ev.replicate = -1;
    return ev;
}

bool journal_append_suggested(journal *j, int round, int target, combo_t c, double mean,
                              double spread, const char *predictor, const char *acquisition,
                              cs_error *err)
{
    journal_event ev = event_base(JOURNAL_SUGGESTED, round, target, c);
    ev.has_prediction = isfinite(mean) && isfinite(spread);
    ev.mean = mean;
    ev.spread = spread;
    ev.predictor = (char *)predictor;
    ev.acquisition = (char *)acquisition;
    return journal_append(j, &ev, err);
}

bool journal_append_accepted(journal *j, int round, int target, combo_t c, cs_error *err)
{
    journal_event ev = event_base(JOURNAL_ACCEPTED, round, target, c);
    return journal_append(j, &ev, err);
}

bool journal_append_rejected(journal *j, int round, int target, combo_t c, const char *reason,
                             cs_error *err)
{
    journal_event ev = event_base(JOURNAL_REJECTED, round, target, c);
    ev.text = (char *)reason;
    return journal_append(j, &ev, err);
}

bool journal_append_overridden(journal *j, int round, int target, combo_t c, combo_t replacement,
                               cs_error *err)
{
    journal_event ev = event_base(JOURNAL_OVERRIDDEN, round, target, c);
    ev.replacement = replacement;
    return journal_append(j, &ev, err);
}

bool journal_append_undo(journal *j, int round, cs_error *err)
{
    const journal_round *r = journal_round_find(j, round);
    journal_event ev = event_base(JOURNAL_UNDO, round, r ? r->target : -1, 0);
    return journal_append(j, &ev, err);
}

bool journal_append_note(journal *j, int round, int target, combo_t c, const char *text,
                         cs_error *err)
{
    journal_event ev = event_base(JOURNAL_NOTE, round, target, c);
    ev.text = (char *)(text ? text : "");
    return journal_append(j, &ev, err);
}

bool journal_append_queued(journal *j, int round, int target, const char *run, combo_t c,
                           int known, cs_error *err)
{
    journal_event ev = event_base(JOURNAL_QUEUED, round, target, c);
    if (strlen(run) >= sizeof ev.run)
        return error_set(err, j->path, 0, 0, "run id too long");
    snprintf(ev.run, sizeof ev.run, "%s", run);
    ev.known = known;
    return journal_append(j, &ev, err);
}

bool journal_append_result(journal *j, int round, int target, const char *run, combo_t c,
                           const double *scores, int replicate, cs_error *err)
{
    journal_event ev = event_base(JOURNAL_RESULT, round, target, c);
    if (strlen(run) >= sizeof ev.run)
        return error_set(err, j->path, 0, 0, "run id too long");
    snprintf(ev.run, sizeof ev.run, "%s", run);
    ev.scores = (double *)scores;
    ev.replicate = replicate;
    return journal_append(j, &ev, err);
}

bool journal_append_committed(journal *j, int round, cs_error *err)
{
    const journal_round *r = journal_round_find(j, round);
    journal_event ev = event_base(JOURNAL_COMMITTED, round, r ? r->target : -1, 0);
    return journal_append(j, &ev, err);
}

bool journal_append_submitting(journal *j, int round, const char *submission, const char *engine,
                               const char *name, const char (*runs)[JOURNAL_RUN_MAX], size_t n,
                               cs_error *err)
{
    journal_event ev = event_base(JOURNAL_SUBMITTING, round, -1, 0);
    const journal_run *first = n ? journal_run_find(j, runs[0]) : NULL;
    if (first)
        ev.target = first->target;
    ev.submission = (char *)submission;
    ev.engine = (char *)engine;
    ev.name = (char *)name;
    ev.runs = (char(*)[JOURNAL_RUN_MAX])runs;
    ev.n_runs = n;
    return journal_append(j, &ev, err);
}

bool journal_append_submitted(journal *j, const char *submission, const char *job, const char *why,
                              cs_error *err)
{
    const journal_submission *sub = submission_find(j, submission);
    journal_event ev = event_base(JOURNAL_SUBMITTED, sub ? sub->round : 1, -1, 0);
    if (sub)
        ev.target = j->events[sub->intent_event].target;
    ev.submission = (char *)submission;
    if (job && strlen(job) >= sizeof ev.job)
        return error_set(err, j->path, 0, 0, "job id too long");
    snprintf(ev.job, sizeof ev.job, "%s", job ? job : "");
    ev.text = (char *)why;
    return journal_append(j, &ev, err);
}

/* The round and target of run id (1 and -1 when unknown: check() then refuses the event). */
static journal_event run_event(const journal *j, journal_kind k, const char *run, cs_error *err, bool *ok)
{
    const journal_run *r = journal_run_find(j, run);
    journal_event ev = event_base(k, r ? r->round : 1, r ? r->target : -1, 0);
    *ok = strlen(run) < sizeof ev.run;
    if (!*ok)
        error_set(err, j->path, 0, 0, "run id too long");
    else
        snprintf(ev.run, sizeof ev.run, "%s", run);
    return ev;
}

bool journal_append_state(journal *j, const char *run, run_state st, const char *job,
                          const char *text, bool has_exit, int exit_status, cs_error *err)
{
    bool ok;
    journal_event ev = run_event(j, JOURNAL_STATE, run, err, &ok);
    if (!ok)
        return false;
    ev.state = st;
    if (job && strlen(job) >= sizeof ev.job)
        return error_set(err, j->path, 0, 0, "job id too long");
    snprintf(ev.job, sizeof ev.job, "%s", job ? job : "");
    ev.text = (char *)text;
    ev.has_exit = has_exit;
    ev.exit_status = exit_status;
    return journal_append(j, &ev, err);
}

bool journal_append_cancel(journal *j, const char *run, cs_error *err)
{
    bool ok;
    journal_event ev = run_event(j, JOURNAL_CANCEL, run, err, &ok);
    return ok && journal_append(j, &ev, err);
}

bool journal_append_resubmit(journal *j, const char *run, cs_error *err)
{
    bool ok;
    journal_event ev = run_event(j, JOURNAL_RESUBMIT, run, err, &ok);
    return ok && journal_append(j, &ev, err);
}

bool journal_append_left_open(journal *j, int round, int target, combo_t c, cs_error *err)
{
    journal_event ev = event_base(JOURNAL_LEFT_OPEN, round, target, c);
    return journal_append(j, &ev, err);
}

bool journal_append_withdrawn(journal *j, const char *run, cs_error *err)
{
    const journal_run *r = journal_run_find(j, run);
    if (!r)
        return error_set(err, j->path, 0, 0, "no run %s in the journal", run);
    journal_event ev = event_base(JOURNAL_WITHDRAWN, r->round, r->target, r->combo);
    snprintf(ev.run, sizeof ev.run, "%s", r->id);
    return journal_append(j, &ev, err);
}

bool journal_append_uncommitted(journal *j, int round, cs_error *err)
{
    const journal_round *r = journal_round_find(j, round);
    journal_event ev = event_base(JOURNAL_UNCOMMITTED, round, r ? r->target : -1, 0);
    return journal_append(j, &ev, err);
}
