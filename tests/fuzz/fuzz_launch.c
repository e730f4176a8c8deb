/* libFuzzer harness: what the launch engines read back (src/core/launch*.c). The first byte
 * picks the parser:
 *   0  a run's result file ({result}), checked and appended by launch_take_result to the
 *      study's table (reset to the same two rows before every input)
 *   1  a status file (launch_parse_status)       2  a start mark (launch_parse_start)
 *   3  squeue's answer (launch_parse_squeue)      4  sacct's answer (launch_parse_sacct)
 *   5  scontrol's config (launch_parse_max_array)
 *   6  a command template (launch_template_check, then launch_expand when it passes)
 * Result files are read against the sample study's datasets and a journal whose committed
 * round 1 queued run r0002 = NER_bc2gm+RE_DDI. */
#include "comboscope/journal.h"
#include "comboscope/launch.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char table_csv_[] =
    "run,combination,dataset,task,f1\n"
    "r0001,NER_bc2gm,NER_bc2gm,NER,0.8\n";

static const char journal_[] =
    "{\"time\":\"2026-11-29T22:00:00Z\",\"round\":1,\"event\":\"accepted\",\"target\":\"RE_BioRED\","
    "\"combination\":\"NER_bc2gm+RE_DDI\"}\n"
    "{\"time\":\"2026-11-29T22:00:01Z\",\"round\":1,\"event\":\"queued\",\"target\":\"RE_BioRED\","
    "\"run\":\"r0002\",\"combination\":\"NER_bc2gm+RE_DDI\",\"known\":0}\n"
    "{\"time\":\"2026-11-29T22:00:02Z\",\"round\":1,\"event\":\"committed\",\"target\":\"RE_BioRED\"}\n";

/* A NUL-terminated copy of the input (the text parsers take C strings). */
static char *text_of(const uint8_t *data, size_t size)
{
    char *t = malloc(size + 1);
    if (!t)
        abort();
    memcpy(t, data, size);
    t[size] = '\0';
    return t;
}

static void take_result(const uint8_t *data, size_t size)
{
    static study *s;
    static journal *j;
    cs_error err;
    fuzz_write("lt.csv", (const uint8_t *)table_csv_, sizeof table_csv_ - 1);
    if (!s) {
        static const char json[] =
            FUZZ_STUDY_HEAD "\"tables\":[\"lt.csv\"],\"journal\":\"lt.jsonl\"}\n";
        fuzz_write("lt.jsonl", (const uint8_t *)journal_, sizeof journal_ - 1);
        const char *p = fuzz_write("lt.json", (const uint8_t *)json, strlen(json));
        s = study_open(p, NULL, &err);
        char *jp = s ? journal_path_of(s) : NULL;
        j = jp ? journal_open(jp, s, false, &err) : NULL;
        free(jp);
        if (!j) {
            fprintf(stderr, "fuzz_launch: %s\n", err.msg);
            abort();
        }
    }
    const journal_run *run = journal_run_find(j, "r0002");
    if (!run)
        abort();
    const char *rp = fuzz_write("result.csv", data, size);
    char dropped[256];
    (void)launch_take_result(j, run, rp, dropped, sizeof dropped, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] % 7;
    data++, size--;
    if (mode == 0) {
        take_result(data, size);
        return 0;
    }
    char *text = text_of(data, size);
    cs_error err;
    launch_task *tasks = NULL;
    switch (mode) {
    case 1: {
        int code;
        bool cancelled;
        if (launch_parse_status(text, &code, &cancelled) && !cancelled && (code < 0 || code > 255))
            abort();
        break;
    }
    case 2: {
        long long epoch;
        long pgid;
        char job[JOURNAL_JOB_MAX];
        (void)launch_parse_start(text, &epoch, job, sizeof job, &pgid);
        break;
    }
    case 3:
    case 4: {
        int n = mode == 3 ? launch_parse_squeue(text, &tasks, &err) : launch_parse_sacct(text, &tasks, &err);
        for (int i = 0; i < n; i++)
            if (tasks[i].first > tasks[i].last || !memchr(tasks[i].job, 0, sizeof tasks[i].job))
                abort();
        free(tasks);
        break;
    }
    case 5:
        (void)launch_parse_max_array(text, 1001);
        break;
    case 6: {
        size_t at;
        char msg[256];
        if (launch_template_check(text, &at, msg, sizeof msg)) {
            static const char *const ds[] = {"NER_bc2gm", "RE_DDI", "it's; $(x)"};
            launch_vars v = {.run = "r0002", .combination = "NER_bc2gm+RE_DDI", .target = "RE_DDI",
                             .round = "1", .outdir = "/tmp/o u t", .result = "/tmp/r'.csv",
                             .datasets = ds, .n_datasets = 3};
            free(launch_expand(text, &v));
        } else if (at > size) {
            abort();
        }
        break;
    }
    }
    free(text);
    return 0;
}
