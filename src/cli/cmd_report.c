/* comboscope report: a study's journal as a Markdown report, round by round (core: review.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "comboscope/review.h"
#include "comboscope/round.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"

static const char report_help[] =
    "usage: comboscope report [-o FILE] STUDY\n\n"
    "Write a Markdown report of a study, readable as plain text too: every target with its\n"
    "baseline, best so far and gain; each round of the journal with its predictor, acquisition,\n"
    "batch, seed, when it was proposed and committed and the predictor's cross-validated accuracy,\n"
    "its suggestions with the decisions and their reasons, its notes, and its runs predicted\n"
    "(with spread) against measured, with the error and a mark where a run set a new best;\n"
    "then the predictor's accuracy over the rounds. Read-only: the journal is not changed.\n"
    "STUDY is a study file or its directory; options may come anywhere, -- ends them.\n\n"
    "  -o, --output FILE  write the report to FILE (replaced atomically) instead of stdout\n"
    "  -h, --help         show this help\n"
    "  -V, --version      show the version\n\n"
    "exit status: 0 written, 1 a bad study or journal or a write error, 2 usage.\n";

static bool write_report(void *ctx, FILE *fp, const char *display, cs_error *err)
{
    if (!review_write_report(fp, ctx))
        return error_set(err, display, 0, 0, "cannot write the report");
    return true;
}

int cmd_report(int argc, char **argv)
{
    static const cli_option opts[] = {{"output", 'o', "FILE", 'o'}, {NULL, 0, NULL, 0}};
    cli_args p;
    cli_args_init(&p, "report", report_help, opts, argc, argv);
    const char *output = "-";
    int c;
    while ((c = cli_next(&p)) > 0)
        if (c == 'o')
            output = p.value;
    if (c == CLI_EXIT)
        return p.status;
    if (cli_want_operands(&p, 1, 1, "STUDY"))
        return EXIT_USAGE;
    cs_error err;
    study *s = study_open(p.operands[0], NULL, &err);
    if (!s) {
        cli_error(&err);
        return EXIT_INVALID;
    }
    int rc = EXIT_INVALID;
    char what[256], safe[512];
    if (strcmp(output, "-") != 0 && study_names_file(s, output, what, sizeof what)) {
        fprintf(stderr, "%s: is %s: the report would replace it; nothing written\n",
                text_sanitize(output, safe, sizeof safe), what);
        study_free(s);
        return EXIT_INVALID;
    }
    round_session *rs = round_session_open(s, NULL, true, NULL, &err);
    if (!rs) {
        cli_error(&err);
        study_free(s);
        return rc;
    }
    if (rs->journal && rs->journal->warning[0])
        fprintf(stderr, "%s\n", rs->journal->warning);
    if (cli_write_output(output, write_report, rs, &err))
        rc = EXIT_OK;
    else
        cli_error(&err);
    round_session_free(rs);
    study_free(s);
    return rc;
}
