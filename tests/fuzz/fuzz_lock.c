/* libFuzzer harness: the lock file (lock_holder, lock_describe), which another user of a shared
 * study directory could have written. */
#include "comboscope/lock.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write("journal.jsonl.lock", data, size);
    char jp[512];
    snprintf(jp, sizeof jp, "%s/journal.jsonl", fuzz_dir());
    lock_info h;
    (void)lock_holder(jp, &h);
    char buf[400];
    lock_describe(&h, buf, sizeof buf);
    for (const char *c = buf; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            abort(); /* a control character would reach the terminal */
    return 0;
}
