/* libFuzzer harness: the combination parser (study_combo_parse) against the sample study's
 * datasets. The input is made a C string (it stops at its first NUL byte, as a C caller's would). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    study *s = fuzz_study();
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    combo_t c;
    char bad[64];
    (void)study_combo_parse(s, text, &c, bad, sizeof bad);
    /* A small buffer too: the reason must be cut, never overrun. */
    char tiny[3];
    (void)study_combo_parse(s, text, &c, tiny, sizeof tiny);
    free(text);
    return 0;
}
