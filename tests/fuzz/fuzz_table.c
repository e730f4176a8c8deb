/* libFuzzer harness: the result-table reader (table_read). The first byte chooses between a
 * fresh study (datasets come from the table) and the sample study's fixed datasets. */
#include "comboscope/table_csv.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool fixed = data[0] & 1;
    const char *path = fuzz_write("runs.csv", data + 1, size - 1);
    study *s;
    cs_error err;
    if (fixed) {
        /* A fresh copy of the study file each time: table_read changes the study. */
        const char *sp = fuzz_write("fixed.json", (const uint8_t *)fuzz_study_json_,
                                    sizeof fuzz_study_json_ - 1);
        s = study_json_load(sp, &err);
        if (!s)
            abort();
    } else {
        s = study_new();
    }
    if (table_read(s, path, NULL, &err))
        (void)study_choose_metric(s, &err);
    study_free(s);
    return 0;
}
