/* libFuzzer harness: the theme file parser (theme_load). */
#include "comboscope/theme.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("theme", data, size);
    theme t;
    theme_default(&t);
    cs_error err;
    (void)theme_load(&t, path, &err);
    return 0;
}
