/* comboscope withdraw: take queued runs back before they start (the `w` key of the Round view,
 * for scripts). All or nothing: every RUN is checked before any is withdrawn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "comboscope/journal.h"
#include "comboscope/launch.h"
#include "comboscope/round.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"

static const char withdraw_help[] =
    "usage: comboscope withdraw STUDY RUN...\n\n"
    "Take queued runs back before they start: each RUN (a run id, as `comboscope queue` lists\n"
    "them) gets a `withdrawn` event in the study's journal, flushed to disk, and leaves the queue\n"
    "file; its combination may be proposed again. Every RUN is checked first: when one is\n"
    "unknown, has its result, or is withdrawn already, nothing is written. Takes the study's\n"
    "lock: it fails while an explorer holds the study (withdraw there with w). STUDY is a\n"
    "study file or its directory; options may come anywhere, -- ends them.\n\n"
    "  -h, --help       show this help\n"
    "  -V, --version    show the version\n\n"
    "exit status: 0 every RUN withdrawn, 1 nothing withdrawn (a bad RUN, a study held by another\n"
    "process, a bad study or journal), 2 usage.\n";

int cmd_withdraw(int argc, char **argv)
{
    static const cli_option opts[] = {{NULL, 0, NULL, 0}};
    cli_args p;
    int rc0 = cli_parse_switch(&p, "withdraw", withdraw_help, opts, argc, argv, NULL, 2, -1, NULL);
    if (rc0 >= 0)
        return rc0;
    argc = p.n_operands;
    argv = p.operands;
    int optind = 0;
    const char *path = argv[optind];
    cs_error err;
    char *jpath;
    study *s = cli_study_with_journal(path, ", so it has no queued runs", &jpath);
    if (!s)
        return EXIT_INVALID;
    int rc = EXIT_INVALID;
    round_session *rs = round_session_open(s, NULL, false, NULL, &err);
    if (!rs) {
        cli_error(&err);
        goto out;
    }
    if (rs->journal->warning[0])
        fprintf(stderr, "%s\n", rs->journal->warning);
    if (rs->read_only && rs->lock_elsewhere) { /* another process holds the lock */
        fprintf(stderr, "%s: %s: withdraw there (w in the Round view), or quit it first\n", jpath,
                rs->read_only_why);
        goto out;
    }
    if (rs->read_only) { /* nothing can be written there (a full disk, a read-only directory) */
        fprintf(stderr, "%s (nothing withdrawn)\n", rs->read_only_why);
        goto out;
    }
    if (rs->launch && launch_reconcile(rs->launch, &err) < 0) { /* what a crash left open, first */
        cli_error(&err);
        goto out;
    }
    bool ok = true;
    for (int i = optind + 1; i < argc; i++) {
        if (!round_withdraw_check(rs, argv[i], &err)) {
            fprintf(stderr, "%s: %s\n", jpath, err.msg);
            ok = false;
        }
    }
    if (!ok) /* nothing written */
        goto out;
    for (int i = optind + 1; i < argc; i++) {
        const journal_run *run = journal_run_find(rs->journal, argv[i]);
        if (run && run->withdrawn)
            continue; /* named twice */
        char id[JOURNAL_RUN_MAX];
        snprintf(id, sizeof id, "%s", run ? run->id : argv[i]);
        /* a pending run is cancelled in its engine first: wait for scancel's answer */
        if (!round_withdraw(rs, id, &err) || (rs->launch && !launch_wait_calls(rs->launch, launch_timeout() + 1, &err))) {
            cli_error(&err);
            goto out;
        }
        run = journal_run_find(rs->journal, id);
        size_t cap = (size_t)s->n_datasets * 258 + 1;
        char *combo = xmalloc(cap), safe[2048];
        printf("withdrew %s (%s, round %d)\n", id,
               text_sanitize(study_combo_format(rs->study, run->combo, combo, cap), safe, sizeof safe), run->round);
        free(combo);
    }
    rc = EXIT_OK;
out:
    round_session_free(rs);
    free(jpath);
    study_free(s);
    return rc;
}
