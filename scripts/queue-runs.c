/* queue-runs: commits one round of given runs into a study's journal through the library, as
 * the Round view's commit does (a `queued` event per run, then `committed`), so that
 * `comboscope launch` submits them to the study's engine. Used by
 * sample-results/fashion8/measure-launch to measure every combination with the local engine.
 * Reads "RUN COMBINATION" lines (members joined by '+') from standard input.
 * usage: queue-runs STUDY.json < runs.txt      Prints the round number it committed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/journal.h"
#include "comboscope/lock.h"
#include "comboscope/study_json.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: queue-runs STUDY.json < RUN-COMBINATION-LINES\n");
        return 2;
    }
    cs_error err;
    study *s = study_open(argv[1], NULL, &err);
    if (!s) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    study_lock *lock = NULL;
    lock_info holder;
    journal *j = journal_open_study(s, false, &lock, &holder, &err);
    if (!j || !lock) {
        fprintf(stderr, "%s\n", j ? "queue-runs: the study is open elsewhere" : err.msg);
        return 1;
    }
    int round = journal_next_round(j);
    char line[4096], run[JOURNAL_RUN_MAX], combo_text[4000], bad[256];
    long lineno = 0, n = 0;
    while (fgets(line, sizeof line, stdin)) {
        lineno++;
        if (sscanf(line, "%31s %3999s", run, combo_text) != 2) {
            fprintf(stderr, "<stdin>:%ld:1: expected RUN COMBINATION\n", lineno);
            return 1;
        }
        combo_t c;
        if (!study_combo_parse(s, combo_text, &c, bad, sizeof bad)) {
            fprintf(stderr, "<stdin>:%ld:1: no dataset '%s' in the study\n", lineno, bad);
            return 1;
        }
        if (!journal_append_queued(j, round, -1, run, c, 0, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        n++;
    }
    if (n == 0 || !journal_append_committed(j, round, &err)) {
        fprintf(stderr, "%s\n", n ? err.msg : "queue-runs: no runs on standard input");
        return 1;
    }
    printf("%d\n", round);
    journal_free(j);
    lock_release(lock);
    study_free(s);
    return 0;
}
