/* libFuzzer harness: the journal reader (journal_open) against the sample study's datasets,
 * then what the explorer derives from it (rounds, the queue). The first byte chooses a
 * read-only or a writable open (which truncates a torn last line). */
#include "comboscope/journal.h"
#include "comboscope/queue.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool writable = data[0] & 1;
    study *s = fuzz_study();
    const char *path = fuzz_write("journal.jsonl", data + 1, size - 1);
    cs_error err;
    journal *j = journal_open(path, s, writable, &err);
    if (j) {
        size_t n;
        (void)journal_rounds(j, &n);
        (void)journal_current_round(j);
        queue *q = queue_from_journal(j, NULL, NULL);
        size_t len;
        free(queue_format_csv(q, s, &len));
        queue_free(q);
        char id[JOURNAL_RUN_MAX];
        queue_next_run_id(j, NULL, id);
        journal_free(j);
    }
    return 0;
}
