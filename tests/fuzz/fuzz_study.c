/* libFuzzer harness: the study file (study_json_load, then study_open with its tables). The
 * scratch directory holds a small valid runs.csv that a fuzzed study file may name. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char runs_csv_[] =
    "run,combination,dataset,task,f1\n"
    "r1,NER_bc2gm,NER_bc2gm,NER,0.8\n"
    "r2,NER_bc2gm+RE_DDI,NER_bc2gm,NER,0.81\n"
    "r2,NER_bc2gm+RE_DDI,RE_DDI,RE,0.7\n"
    "r3,RE_DDI,RE_DDI,RE,0.69\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool init;
    if (!init) {
        fuzz_write("runs.csv", (const uint8_t *)runs_csv_, sizeof runs_csv_ - 1);
        init = true;
    }
    const char *path = fuzz_write("s.json", data, size);
    cs_error err;
    study *s = study_json_load(path, &err);
    study_free(s);
    s = study_open(path, NULL, &err);
    study_free(s);
    return 0;
}
