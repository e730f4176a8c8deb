/* journal: the model a journal describes: event names, the rounds, runs and submissions
 * the events build up (journal_apply), and the lookups on them. Reading is
 * journal_open.c and journal_decode.c, the rules of what may follow what journal_check.c,
 * writing journal_write.c and journal_append.c. */
#include "comboscope/journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "comboscope/fileio.h"
#include "journal_impl.h"

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

int journal_kind_from_name(const char *name)
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
    free(ev->chosen);
    free(ev->init);
    free(ev->text);
    free(ev->scores);
    free(ev->per_target);
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
    dst->chosen = src->chosen ? text_dup(src->chosen) : NULL;
    dst->init = src->init ? text_dup(src->init) : NULL;
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
    dst->per_target = NULL;
    if (src->per_target) {
        dst->per_target = xmalloc((size_t)n_datasets * 3 * sizeof *dst->per_target);
        memcpy(dst->per_target, src->per_target, (size_t)n_datasets * 3 * sizeof *dst->per_target);
    }
}

/* Run ids go into a CSV file and onto a launcher's command line: keep them plain. */
bool journal_run_id_ok(const char *id)
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

bool journal_time_ok(const char *t)
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

journal_suggestion *journal_suggestion_find(const journal_round *r, combo_t c)
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
void journal_apply(journal *j, size_t idx)
{
    const journal_event *ev = &j->events[idx];
    journal_round *r = round_get(j, ev->round, true);
    if (r->target < 0 && ev->target >= 0)
        r->target = ev->target;
    journal_suggestion *sg = NULL;
    if (ev->kind == JOURNAL_SUGGESTED || is_decision(ev->kind)) {
        sg = journal_suggestion_find(r, ev->combo);
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
        r->targets |= ev->targets; /* a joint round */
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
        suggestion_settle(j, r, journal_suggestion_find(r, c));
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

size_t journal_store(journal *j, const journal_event *ev)
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
