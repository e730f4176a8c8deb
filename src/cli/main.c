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
    {"import", cmd_import, "convert wide, MTG-Net or Standley tables to the long format"},
    {"suggest", cmd_suggest, "propose the next runs for a target"},
    {"replay", cmd_replay, "replay the search against a complete table"},
    {"synth", cmd_synth, "write a synthetic result table with a known structure"},
    {"queue", cmd_queue, "the approved runs not yet measured"},
    {"withdraw", cmd_withdraw, "take queued runs back before they start"},
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
    fprintf(out, "\noptions (explorer):\n"
                 "  --theme NAME|FILE       colour theme: dark (default), light, mono, or a file\n"
                 "  --color=auto|always|never  use colours (auto: unless NO_COLOR or no colour terminal)\n"
                 "  --ascii                 plain ASCII glyphs (also in a non-UTF-8 locale)\n"
                 "  --mouse                 clicks and the wheel (off by default)\n"
                 "  --metric NAME           the metric column to show\n"
                 "  --goal max|min          whether higher or lower scores are better\n"
                 "  --read-only             review: take no lock, write nothing\n"
                 "  --oracle COMPLETE.csv   answer queued runs at once from a complete table (practice)\n"
                 "  -h, --help              show this help\n"
                 "  -V, --version           show the version\n\n"
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
    /* No command: open the explorer (cmd_explore returns -1 for --help after options). */
    int rc = cmd_explore(argc, argv);
    if (rc < 0) {
        usage(stdout);
        return EXIT_OK;
    }
    return rc;
}
