/* comboscope: entry point. Dispatches to a subcommand, or opens the explorer. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"check", cmd_check, "validate a study or table and summarize it"},
    {"synth", cmd_synth, "write a synthetic result table with a known structure"},
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: comboscope [OPTIONS] [STUDY.json | TABLE.csv]\n"
            "       comboscope COMMAND [ARGS...]\n\n"
            "Explore dataset-combination studies and step a predictor-driven search.\n\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\noptions:\n"
                 "  -h, --help     show this help\n"
                 "  -V, --version  show the version\n\n"
                 "'comboscope COMMAND --help' describes each command; man comboscope has it all.\n");
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
            if (strcmp(argv[1], commands[i].name) == 0)
                return commands[i].run(argc - 1, argv + 1);
        if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
            usage(stdout);
            return EXIT_OK;
        }
        if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
            return cli_version();
    }
    /* Until the explorer exists, opening a study prints its summary. */
    char *check_argv[3] = {"check", NULL, NULL};
    if (argc > 2)
        return cli_usage_error(NULL, "too many arguments");
    if (argc == 2 && argv[1][0] == '-')
        return cli_usage_error(NULL, "unknown option '%s'", argv[1]);
    check_argv[1] = argc == 2 ? argv[1] : (char *)cli_sample_study();
    return cmd_check(2, check_argv);
}
