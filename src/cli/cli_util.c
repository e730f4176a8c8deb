#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "comboscope/journal.h"
#include "comboscope/predict.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"

void cli_error(const cs_error *err)
{
    fprintf(stderr, "%s\n", err->msg);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "comboscope%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try 'comboscope%s%s --help')\n", cmd ? " " : "", cmd ? cmd : "");
    return EXIT_USAGE;
}

int cli_version(void)
{
    printf("comboscope %s\n", COMBOSCOPE_VERSION);
    return EXIT_OK;
}

int cli_parse_long(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s)
        return 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

const char *cli_sample_study(void)
{
    static const char *const candidates[] = {
        "sample-results/biomed12/study.json",
        COMBOSCOPE_DATADIR "/sample-results/biomed12/study.json",
    };
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++)
        if (access(candidates[i], R_OK) == 0)
            return candidates[i];
    return candidates[0];
}

bool cli_search_names(const char *path, const char *pred_name, const char *acq_name, search_settings *st)
{
    char safe[1024];
    if (pred_name && !predict_kind_parse(pred_name, &st->predictor)) {
        fprintf(stderr, "%s: unknown predictor '%s' (known: %s)\n", path,
                text_sanitize(pred_name, safe, sizeof safe), predict_kind_list());
        return false;
    }
    if (acq_name && !search_acquisition_parse(acq_name, &st->acquisition)) {
        fprintf(stderr, "%s: unknown acquisition '%s' (known: %s)\n", path,
                text_sanitize(acq_name, safe, sizeof safe), search_acquisition_list());
        return false;
    }
    return true;
}

bool cli_option_names(const char *cmd, const char *pred_name, const char *acq_name)
{
    char safe[256];
    predict_kind k;
    search_acquisition q;
    if (pred_name && !predict_kind_parse(pred_name, &k)) {
        cli_usage_error(cmd, "unknown predictor '%s' (known: %s)", text_sanitize(pred_name, safe, sizeof safe),
                        predict_kind_list());
        return false;
    }
    if (acq_name && !search_acquisition_parse(acq_name, &q)) {
        cli_usage_error(cmd, "unknown acquisition '%s' (known: %s)", text_sanitize(acq_name, safe, sizeof safe),
                        search_acquisition_list());
        return false;
    }
    return true;
}

bool cli_write_output(const char *output, bool (*write)(void *ctx, FILE *fp, const char *display, cs_error *err),
                      void *ctx, cs_error *err)
{
    if (strcmp(output, "-") == 0) {
        cli_output_raw(true); /* data, not messages: written as it is */
        bool ok = write(ctx, stdout, "<stdout>", err);
        if (fflush(stdout) != 0 || ferror(stdout)) /* say why: "No space left on device" */
            ok = error_set(err, "<stdout>", 0, 0, "cannot write: %s", strerror(cli_output_errno()));
        cli_output_raw(false);
        return ok;
    }
    file_atomic a;
    if (!file_atomic_open(&a, output, err))
        return false;
    errno = 0;
    if (!write(ctx, a.fp, output, err)) {
        int e = errno;
        if (ferror(a.fp) && e)
            error_set(err, output, 0, 0, "cannot write: %s", strerror(e));
        file_atomic_abort(&a);
        return false;
    }
    return file_atomic_commit(&a, err);
}

void cli_json_num(cJSON *o, const char *key, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

int cli_json_print(cJSON *o)
{
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        return EXIT_INVALID;
    char *safe = cli_json_escape(text);
    cJSON_free(text);
    printf("%s\n", safe);
    free(safe);
    return EXIT_OK;
}

study *cli_study_with_journal(const char *path, const char *why, char **journal_path)
{
    cs_error err;
    *journal_path = NULL;
    study *s = study_open(path, NULL, &err);
    if (!s) {
        cli_error(&err);
        return NULL;
    }
    *journal_path = journal_path_of(s);
    if (!*journal_path) {
        char safe[512];
        fprintf(stderr, "%s: the study names no journal%s\n", text_sanitize(path, safe, sizeof safe), why);
        study_free(s);
        return NULL;
    }
    return s;
}
