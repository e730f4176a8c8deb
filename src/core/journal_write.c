/* journal_write: one event as a line of JSON, written whole and flushed before the model takes it. */
#include "comboscope/journal.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "comboscope/fileio.h"
#include "journal_impl.h"

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
        if (ev->has_search) {
            cJSON *sr = cJSON_AddObjectToObject(o, "search");
            cJSON_AddNumberToObject(sr, "seed", (double)ev->seed);
            cJSON_AddNumberToObject(sr, "batch", ev->batch);
            if (ev->chosen)
                cJSON_AddStringToObject(sr, "chosen", ev->chosen);
            if (ev->init)
                cJSON_AddStringToObject(sr, "init", ev->init);
            if (ev->fit_runs > 0)
                cJSON_AddNumberToObject(sr, "runs", ev->fit_runs);
        }
        if (ev->targets) { /* a joint round: its targets, and this suggestion's value for each */
            cJSON *tg = cJSON_AddArrayToObject(o, "targets");
            for (int d = 0; d < s->n_datasets; d++)
                if (combo_has(ev->targets, d))
                    cJSON_AddItemToArray(tg, cJSON_CreateString(s->datasets[d].name));
        }
        if (ev->per_target) {
            cJSON *pt = cJSON_AddObjectToObject(o, "per_target");
            for (int d = 0; d < s->n_datasets; d++) {
                const double *v = &ev->per_target[(size_t)d * 3];
                if (!isfinite(v[0]))
                    continue;
                cJSON *e = cJSON_AddObjectToObject(pt, s->datasets[d].name);
                cJSON_AddNumberToObject(e, "mean", v[0]);
                cJSON_AddNumberToObject(e, "spread", v[1]);
                cJSON_AddNumberToObject(e, "value", v[2]);
            }
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
    if (!journal_time_ok(ev.time))
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
    if (!journal_check(j, &ev, msg, sizeof msg, &key))
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
    journal_apply(j, journal_store(j, &ev));
    return true;
}

bool journal_append(journal *j, const journal_event *in, cs_error *err)
{
    const journal_submission *sub = in->submission ? journal_submission_find(j, in->submission) : NULL;
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
