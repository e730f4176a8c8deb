/* libFuzzer harness: the queue file reader (queue_read) against the sample study's datasets. */
#include "comboscope/queue.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    study *s = fuzz_study();
    const char *path = fuzz_write("queue.csv", data, size);
    cs_error err;
    queue *q = queue_read(path, s, &err);
    if (q) {
        size_t len;
        free(queue_format_csv(q, s, &len));
        queue_free(q);
    }
    return 0;
}
