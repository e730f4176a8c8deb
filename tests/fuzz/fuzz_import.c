/* libFuzzer harness: the importers (table_import). The first byte picks the format (wide,
 * mtgnet, standley, tsv); for mtgnet the rest is split at the first NUL byte into the mask file
 * and the gain file. */
#include "comboscope/table_import.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    import_format f = (import_format)(data[0] % 4);
    data++, size--;
    const char *files[2];
    int n = 1;
    if (f == IMPORT_MTGNET) {
        const uint8_t *nul = memchr(data, 0, size);
        size_t a = nul ? (size_t)(nul - data) : size;
        files[0] = fuzz_write("mask.txt", data, a);
        files[1] = fuzz_write("gain.txt", nul ? nul + 1 : data + size, nul ? size - a - 1 : 0);
        n = 2;
    } else {
        const char *name = f == IMPORT_WIDE ? "wide.csv" : f == IMPORT_TSV ? "long.tsv" : "standley.txt";
        files[0] = fuzz_write(name, data, size);
    }
    FILE *out = fopen("/dev/null", "w");
    if (!out)
        abort();
    import_options opt = {0};
    cs_error err;
    (void)table_import(f, files, n, &opt, out, "out.csv", &err);
    fclose(out);
    return 0;
}
