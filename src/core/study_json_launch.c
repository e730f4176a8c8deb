/* study_json_launch: the study file's `launch` object (launch.h): engine, command with
 * placeholders, engine options, each checked where it is written. */
#include "comboscope/study_json.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/launch.h"
#include "comboscope/text.h"
#include "study_json_impl.h"

static bool slurm_time_ok(const char *t)
{
    /* minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS */
    if (!t[0] || strlen(t) > 16)
        return false;
    bool digit = false;
    for (const char *p = t; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digit = true;
        else if ((*p == ':' || *p == '-') && digit)
            digit = false;
        else
            return false;
    }
    return digit;
}

static bool slurm_mem_ok(const char *m)
{
    const char *p = m;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == m)
        return false;
    if (*p == 'K' || *p == 'M' || *p == 'G' || *p == 'T' || *p == 'k' || *p == 'm' || *p == 'g' || *p == 't')
        p++;
    return *p == '\0';
}

bool study_json_load_launch(study_loader *l, study *s, const cJSON *obj)
{
    static const char *const known[] = {"engine", "command", "partition", "time", "gpus", "cpus",
                                        "mem", "account", "extra", "max_parallel"};
    const char *path[3] = {"launch", NULL, NULL};
    if (!cJSON_IsObject(obj))
        return study_json_fail(l, path, 1, "\"launch\" must be an object {\"engine\", \"command\", ...}%s", NULL);
    launch_config *c = xcalloc(1, sizeof *c);
    s->launch = c;
    const cJSON *v;
    cJSON_ArrayForEach(v, obj) {
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof *known; i++)
            ok |= strcmp(v->string, known[i]) == 0;
        if (!ok) {
            path[1] = v->string;
            return study_json_fail(l, path, 2, "unknown launch option \"%s\" (known: engine, command, partition, time, "
                             "gpus, cpus, mem, account, extra, max_parallel)", v->string);
        }
    }
    char *engine = NULL;
    path[1] = "engine";
    if (!study_json_get_string(l, obj, "engine", path, 2, &engine))
        return false;
    if (engine && strcmp(engine, "slurm") == 0)
        c->engine = LAUNCH_SLURM;
    else if (engine && strcmp(engine, "local") != 0) {
        bool r = study_json_fail(l, path, 2, "\"engine\" must be \"local\" or \"slurm\", not \"%s\"", engine);
        free(engine);
        return r;
    }
    free(engine);
    path[1] = "command";
    if (!cJSON_GetObjectItemCaseSensitive(obj, "command"))
        return study_json_fail(l, path, 1, "\"launch\" needs a \"command\" (the training command, with placeholders "
                         "such as {datasets_csv} and {result})%s", NULL);
    if (!study_json_get_string(l, obj, "command", path, 2, &c->command))
        return false;
    if (!c->command[strspn(c->command, " ")])
        return study_json_fail(l, path, 2, "\"command\" is empty%s", NULL);
    size_t at;
    char msg[200];
    if (!launch_template_check(c->command, &at, msg, sizeof msg)) {
        long line, col;
        study_json_string_pos(l, path, 2, at, &line, &col);
        return error_set(l->err, l->file, line, col, "%s", msg);
    }
    const char *strs[] = {"partition", "time", "mem", "account"};
    char **dst[] = {&c->partition, &c->time, &c->mem, &c->account};
    for (int i = 0; i < 4; i++) {
        path[1] = strs[i];
        if (!study_json_get_string(l, obj, strs[i], path, 2, dst[i]))
            return false;
        if (*dst[i] && (!(*dst[i])[0] || strchr(*dst[i], ' ')))
            return study_json_fail(l, path, 2, "\"%s\" must be one word", strs[i]);
    }
    path[1] = "time";
    if (c->time && !slurm_time_ok(c->time))
        return study_json_fail(l, path, 2, "\"time\" must be a Slurm time limit (minutes, HH:MM:SS or D-HH:MM:SS), "
                         "not \"%s\"", c->time);
    path[1] = "mem";
    if (c->mem && !slurm_mem_ok(c->mem))
        return study_json_fail(l, path, 2, "\"mem\" must be a size such as 16G or 4000M, not \"%s\"", c->mem);
    const char *nums[] = {"gpus", "cpus", "max_parallel"};
    int *ndst[] = {&c->gpus, &c->cpus, &c->max_parallel};
    int lo[] = {0, 1, 1};
    for (int i = 0; i < 3; i++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, nums[i]);
        if (!x)
            continue;
        path[1] = nums[i];
        if (!cJSON_IsNumber(x) || x->valuedouble < lo[i] || x->valuedouble > 100000 ||
            x->valuedouble != (double)(int)x->valuedouble)
            return study_json_fail(l, path, 2, lo[i] ? "\"%s\" must be a whole number from 1 to 100000"
                                                : "\"%s\" must be a whole number from 0 to 100000", nums[i]);
        *ndst[i] = x->valueint;
    }
    const cJSON *extra = cJSON_GetObjectItemCaseSensitive(obj, "extra");
    if (extra) {
        path[1] = "extra";
        if (!cJSON_IsArray(extra))
            return study_json_fail(l, path, 2, "\"extra\" must be an array of sbatch options (strings)%s", NULL);
        c->extra = xcalloc((size_t)cJSON_GetArraySize(extra) + 1, sizeof *c->extra);
        char idx[24];
        cJSON_ArrayForEach(v, extra) {
            snprintf(idx, sizeof idx, "#%d", c->n_extra);
            path[2] = idx;
            if (!cJSON_IsString(v) || !v->valuestring[0] || text_has_control(v->valuestring))
                return study_json_fail(l, path, 3, "every entry of \"extra\" must be a non-empty string without control characters%s", NULL);
            if (v->valuestring[0] != '-')
                return study_json_fail(l, path, 3, "an entry of \"extra\" must be an sbatch option (starting with '-'), not \"%s\"",
                                 v->valuestring);
            c->extra[c->n_extra++] = text_dup(v->valuestring);
        }
    }
    return true;
}
