/* comboscope [OPTIONS] [STUDY.json | TABLE.csv]: open the explorer. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "comboscope/explorer.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "comboscope/theme.h"

int cmd_explore(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"theme", required_argument, NULL, 't'}, {"color", required_argument, NULL, 'c'},
        {"colour", required_argument, NULL, 'c'}, {"ascii", no_argument, NULL, 'a'},
        {"mouse", no_argument, NULL, 'M'},       {"metric", required_argument, NULL, 'm'},
        {"goal", required_argument, NULL, 'g'},  {"help", no_argument, NULL, 'h'},
        {"read-only", no_argument, NULL, 'R'},   {"oracle", required_argument, NULL, 'O'},
        {"version", no_argument, NULL, 'V'},     {NULL, 0, NULL, 0},
    };
    explorer_options eo = {0};
    study_open_options so = {0};
    const char *theme_arg = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
        switch (c) {
        case 't': theme_arg = optarg; break;
        case 'c':
            if (strcmp(optarg, "auto") == 0)
                eo.color = EXPLORER_COLOR_AUTO;
            else if (strcmp(optarg, "always") == 0)
                eo.color = EXPLORER_COLOR_ALWAYS;
            else if (strcmp(optarg, "never") == 0)
                eo.color = EXPLORER_COLOR_NEVER;
            else
                return cli_usage_error(NULL, "--color must be auto, always or never");
            break;
        case 'a': eo.ascii = true; break;
        case 'M': eo.mouse = true; break;
        case 'R': eo.read_only = true; break;
        case 'O': eo.oracle = optarg; break;
        case 'm': so.metric = optarg; break;
        case 'g':
            if (strcmp(optarg, "max") != 0 && strcmp(optarg, "min") != 0)
                return cli_usage_error(NULL, "--goal must be max or min");
            so.goal = optarg;
            break;
        case 'h': return -1; /* main prints the usage */
        case 'V': return cli_version();
        default:
            return cli_usage_error(NULL, "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind > 1)
        return cli_usage_error(NULL, "too many arguments");
    const char *path = optind < argc ? argv[optind] : cli_sample_study();

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
    return rc ? EXIT_INVALID : EXIT_OK;
}
