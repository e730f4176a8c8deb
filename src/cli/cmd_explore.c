/* comboscope [OPTIONS] [STUDY.json | TABLE.csv]: open the explorer. */
#define _GNU_SOURCE
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "comboscope/explorer.h"
#include "comboscope/round.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "comboscope/theme.h"

int cmd_explore(int argc, char **argv, const char *usage_text)
{
    static const cli_option opts[] = {
        {"theme", 't', "NAME|FILE", 0}, {"color", 'c', "auto|always|never", 0},
        {"colour", 'c', "auto|always|never", 0}, {"ascii", 'a', NULL, 0}, {"mouse", 'M', NULL, 0},
        {"metric", 'm', "NAME", 0},     {"goal", 'g', "max|min", 0},   {"read-only", 'R', NULL, 0},
        {"oracle", 'O', "COMPLETE.csv", 0}, {NULL, 0, NULL, 0},
    };
    static const char *const colors[] = {"auto", "always", "never", NULL};
    static const enum explorer_color color_of[] = {EXPLORER_COLOR_AUTO, EXPLORER_COLOR_ALWAYS, EXPLORER_COLOR_NEVER};
    explorer_options eo = {0};
    study_open_options so = {0};
    const char *theme_arg = NULL;
    cli_args p;
    cli_args_init(&p, NULL, usage_text, opts, argc, argv);
    int c, k;
    while ((c = cli_next(&p)) > 0) {
        switch (c) {
        case 't': theme_arg = p.value; break;
        case 'c':
            if (!cli_choice(&p, colors, &k))
                return EXIT_USAGE;
            eo.color = color_of[k];
            break;
        case 'a': eo.ascii = true; break;
        case 'M': eo.mouse = true; break;
        case 'R': eo.read_only = true; break;
        case 'O': eo.oracle = p.value; break;
        default:
            if (cli_study_option(&p, c, &so) < 0)
                return EXIT_USAGE;
            break;
        }
    }
    if (c == CLI_EXIT)
        return p.status;
    if (p.n_operands > 1 && !cli_is_path(p.operands[0]))
        return cli_not_a_command(p.operands[0]);
    if (cli_want_operands(&p, 0, 1, "STUDY or TABLE"))
        return EXIT_USAGE;
    if (p.n_operands == 1 && !cli_is_path(p.operands[0]) && cli_closest_command(p.operands[0]))
        return cli_not_a_command(p.operands[0]);
    const char *path = p.n_operands ? p.operands[0] : cli_sample_study();

    cs_error err;
    theme th;
    theme_default(&th);
    if (theme_arg) {
        char file[4096];
        if (!theme_find(theme_arg, file, sizeof file, &err) || !theme_load(&th, file, &err)) {
            cli_error(&err);
            return EXIT_INVALID;
        }
    }
    eo.theme = &th;
    eo.open = &so;
    if (eo.oracle && eo.read_only)
        return cli_usage_error(NULL, "--oracle answers runs, which --read-only forbids: choose one");
    if (eo.oracle && access(eo.oracle, R_OK) != 0) {
        char safe[1024];
        fprintf(stderr, "%s: cannot read the oracle's complete table: %s\n",
                text_sanitize(eo.oracle, safe, sizeof safe), strerror(errno));
        return EXIT_INVALID;
    }
    const char *script = getenv("COMBOSCOPE_SCRIPT");
    eo.script = script && *script ? script : NULL;

    study *s = study_open(path, &so, &err);
    if (!s) {
        cli_error(&err);
        return EXIT_INVALID;
    }
    /* only the character set: numbers keep the C locale's decimal point, in files and on screen */
    setlocale(LC_CTYPE, "");
    err.msg[0] = '\0';
    int rc = explorer_run(s, &eo, &err);
    if (rc != 0 && err.msg[0])
        cli_error(&err);
    study_free(s);
    rc = rc ? EXIT_INVALID : EXIT_OK;
    if (round_fits_running()) {
        /* A fit cancelled with Esc still runs on its detached worker: exit without the
         * process's exit handlers, which would free the linear-algebra library's buffers
         * under it (a crash on quit). The journal is already on disk (each event fsync'd)
         * and the terminal restored; only the output streams need flushing. */
        fflush(stdout);
        fflush(stderr);
        _exit(rc);
    }
    return rc;
}
