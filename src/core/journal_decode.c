/* journal_decode: one line of the journal, JSON, into an event of the model, with the
 * line and column of whatever is wrong with it. */
#include "comboscope/journal.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/text.h"
#include "comboscope/fileio.h"
#include "journal_impl.h"


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
        if (!cJSON_IsString(v) || !journal_run_id_ok(v->valuestring))
            return line_fail(lc, "runs", "\"runs\" must hold run ids (letters, digits, '_', '-' or '.')%s", NULL);
        snprintf(ev->runs[ev->n_runs++], JOURNAL_RUN_MAX, "%s", v->valuestring);
    }
    return true;
}

/* suggested in a joint round: "targets" (the round's targets, dataset names) and "per_target"
 * ({target: {mean, spread, value}} for the targets the combination contains; allocated). */
static bool decode_joint(const line_ctx *lc, const cJSON *o, journal_event *ev)
{
    const study *s = lc->j->study;
    const cJSON *tg = cJSON_GetObjectItemCaseSensitive(o, "targets");
    const cJSON *v;
    if (tg) {
        if (!cJSON_IsArray(tg))
            return line_fail(lc, "targets", "\"targets\" must be an array of dataset names%s", NULL);
        cJSON_ArrayForEach(v, tg) {
            int d = cJSON_IsString(v) ? study_find_dataset(s, v->valuestring) : -1;
            if (d < 0)
                return line_fail(lc, "targets", "\"targets\" must hold dataset names of the study%s", NULL);
            ev->targets |= combo_single(d);
        }
    }
    const cJSON *pt = cJSON_GetObjectItemCaseSensitive(o, "per_target");
    if (!pt)
        return true;
    if (!cJSON_IsObject(pt))
        return line_fail(lc, "per_target", "\"per_target\" must be an object {target: {mean, spread, value}}%s", NULL);
    ev->per_target = xmalloc((size_t)(s->n_datasets ? s->n_datasets : 1) * 3 * sizeof *ev->per_target);
    for (int d = 0; d < s->n_datasets * 3; d++)
        ev->per_target[d] = NAN;
    cJSON_ArrayForEach(v, pt) {
        int d = study_find_dataset(s, v->string);
        if (d < 0 || !combo_has(ev->targets, d) || !combo_has(ev->combo, d))
            return line_fail(lc, "per_target", "per_target names \"%s\", which is not one of the round's targets in the "
                             "combination", v->string);
        bool has_m = false, has_s = false, has_v = false;
        double m = NAN, sd = NAN, val = NAN;
        if (!cJSON_IsObject(v) || !get_num(lc, v, "mean", &has_m, &m) || !get_num(lc, v, "spread", &has_s, &sd) ||
            !get_num(lc, v, "value", &has_v, &val) || !has_m || !has_s || !has_v)
            return line_fail(lc, "per_target", "per_target \"%s\" must be an object of numbers {mean, spread, value}",
                             v->string);
        ev->per_target[(size_t)d * 3] = m;
        ev->per_target[(size_t)d * 3 + 1] = sd;
        ev->per_target[(size_t)d * 3 + 2] = val;
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
    int k = journal_kind_from_name(name);
    if (k < 0)
        return line_fail(lc, "event", "unknown event \"%s\"", name);
    ev->kind = (journal_kind)k;
    if (!get_str(lc, o, "time", true, &t))
        return false;
    if (!journal_time_ok(t))
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
        const cJSON *sr = cJSON_GetObjectItemCaseSensitive(o, "search");
        if (sr) { /* what else decided the round (absent from older journals) */
            if (!cJSON_IsObject(sr))
                return line_fail(lc, "search", "\"search\" must be an object {\"seed\", \"batch\", ...}%s", NULL);
            const cJSON *seed = cJSON_GetObjectItemCaseSensitive(sr, "seed");
            if (!cJSON_IsNumber(seed) || seed->valuedouble < 0 || seed->valuedouble > 4294967295.0 ||
                seed->valuedouble != floor(seed->valuedouble))
                return line_fail(lc, "search", "\"search\" needs a \"seed\", a whole number from 0 to 4294967295%s", NULL);
            ev->seed = (unsigned long)seed->valuedouble;
            ev->batch = 0;
            if (!get_int(lc, sr, "batch", true, 1, &ev->batch) || !get_int(lc, sr, "runs", false, 0, &ev->fit_runs))
                return false;
            if (!get_str(lc, sr, "chosen", false, &t))
                return false;
            ev->chosen = (char *)t;
            if (!get_str(lc, sr, "init", false, &t))
                return false;
            ev->init = (char *)t;
            ev->has_search = true;
        }
        if (!decode_joint(lc, o, ev))
            return false;
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
        if (!journal_run_id_ok(t))
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
        if (!journal_run_id_ok(t))
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

bool journal_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return false;
    return true;
}

journal_line_status journal_parse_line(journal *j, const char *text, size_t len, long line, cs_error *err)
{
    line_ctx lc = {.j = j, .text = text, .len = len, .line = line, .err = err};
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!o) {
        const char *at = cJSON_GetErrorPtr();
        long col = at && at >= text && at <= text + len ? (long)(at - text) + 1 : 1;
        error_set(err, j->path, line, col, "JSON syntax error");
        return JOURNAL_LINE_SYNTAX;
    }
    if (end && !journal_blank(end, len - (size_t)(end - text))) {
        cJSON_Delete(o);
        error_set(err, j->path, line, (long)(end - text) + 1, "text after the event object");
        return JOURNAL_LINE_SYNTAX;
    }
    journal_event ev;
    bool ok = decode(&lc, o, &ev);
    if (ok) {
        char msg[ERROR_MSG_MAX];
        const char *key;
        if (!journal_check(j, &ev, msg, sizeof msg, &key))
            ok = line_fail(&lc, key, "%s", msg);
        else
            journal_apply(j, journal_store(j, &ev));
    }
    free(ev.scores);
    free(ev.per_target);
    free(ev.runs);
    cJSON_Delete(o);
    return ok ? JOURNAL_LINE_OK : JOURNAL_LINE_INVALID;
}
