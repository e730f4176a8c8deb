/* comboscope: entry point. Dispatches to a subcommand, or opens the explorer. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "comboscope/text.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static int cmd_help(int argc, char **argv);

/* Every command: a new one adds its line here (cli.h says what else it needs). */
static const command commands[] = {
    {"check", cmd_check, "validate a study or table and summarize it"},
    {"import", cmd_import, "convert wide, MTG-Net or Standley tables to the long format"},
    {"suggest", cmd_suggest, "propose the next runs for a target"},
    {"replay", cmd_replay, "replay the search against a complete table"},
    {"synth", cmd_synth, "write a synthetic result table with a known structure"},
    {"queue", cmd_queue, "the approved runs not yet measured"},
    {"launch", cmd_launch, "submit committed runs through the study's launch engine"},
    {"status", cmd_status, "every launched run: engine, job id, state, exit status"},
    {"cancel", cmd_cancel, "stop launched runs"},
    {"resubmit", cmd_resubmit, "submit failed, cancelled or lost runs again"},
    {"withdraw", cmd_withdraw, "take queued runs back before they start"},
    {"report", cmd_report, "a study's rounds as a Markdown report"},
    {"export", cmd_export, "what the heatmap, lattice or table view shows, as CSV"},
    {"help", cmd_help, "the help of the program or of a command (help COMMAND)"},
};
enum { N_COMMANDS = sizeof commands / sizeof *commands };

static char usage_text[4096];

static const char *usage(void)
{
    if (usage_text[0])
        return usage_text;
    size_t n = 0;
    n += (size_t)snprintf(usage_text + n, sizeof usage_text - n,
                          "usage: comboscope [OPTIONS] [STUDY | TABLE.csv]\n"
                          "       comboscope COMMAND [ARGS...]\n\n"
                          "Explore dataset-combination studies and step a predictor-driven search.\n"
                          "STUDY is a study file (study.json) or the directory that holds it.\n\n"
                          "commands:\n");
    for (size_t i = 0; i < N_COMMANDS && n < sizeof usage_text; i++)
        n += (size_t)snprintf(usage_text + n, sizeof usage_text - n, "  %-9s %s\n", commands[i].name,
                              commands[i].summary);
    if (n < sizeof usage_text)
        snprintf(usage_text + n, sizeof usage_text - n,
                 "\noptions (explorer):\n"
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
                 "Options may come before or after operands; '--' ends the options.\n"
                 "'comboscope help COMMAND' (or 'comboscope COMMAND --help') describes each command;\n"
                 "man comboscope has it all. Exit status: 0 success, 1 invalid input or failure,\n"
                 "2 usage error, 70 out of memory.\n");
    return usage_text;
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return &commands[i];
    return NULL;
}

/* Damerau-Levenshtein distance (adjacent swaps cost 1) between short words, capped at 9. */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 30 || lb > 30)
        return 9;
    int d[32][32];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb] < 9 ? d[la][lb] : 9;
}

const char *cli_closest_command(const char *word)
{
    const char *best = NULL;
    int best_d = 3;
    size_t wl = strlen(word);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        int d = edit_distance(word, commands[i].name);
        if (wl >= 2 && strncmp(word, commands[i].name, wl) == 0)
            d = 1; /* a prefix: "rep" */
        /* a short word is close to everything: allow one edit below 4 letters */
        if (d < best_d && (d <= 1 || wl >= 4)) {
            best = commands[i].name;
            best_d = d;
        }
    }
    return best;
}

int cli_not_a_command(const char *word)
{
    char safe[128];
    text_sanitize(word, safe, sizeof safe);
    const char *near = cli_closest_command(word);
    if (near)
        fprintf(stderr, "comboscope: '%s' is not a command or a file; did you mean '%s'? (try 'comboscope --help')\n",
                safe, near);
    else
        fprintf(stderr, "comboscope: '%s' is not a command or a file (try 'comboscope --help')\n", safe);
    return EXIT_USAGE;
}

bool cli_is_path(const char *s)
{
    struct stat st;
    return stat(s, &st) == 0 || strchr(s, '/') || strchr(s, '.');
}

/* comboscope help [COMMAND]: the same text as --help. */
static int cmd_help(int argc, char **argv)
{
    static const char help_help[] = "usage: comboscope help [COMMAND]\n\n"
                                    "Print the help of the program, or of COMMAND (the same text as\n"
                                    "'comboscope COMMAND --help').\n\n"
                                    "  -h, --help       show this help\n"
                                    "  -V, --version    show the version\n";
    static const cli_option opts[] = {{NULL, 0, NULL, 0}};
    cli_args p;
    int rc0 = cli_parse_switch(&p, "help", help_help, opts, argc, argv, NULL, 0, 1, "COMMAND");
    if (rc0 >= 0)
        return rc0;
    if (p.n_operands == 0) {
        fputs(usage(), stdout);
        return EXIT_OK;
    }
    const command *cmd = find_command(p.operands[0]);
    if (!cmd) {
        char safe[128];
        const char *near = cli_closest_command(p.operands[0]);
        text_sanitize(p.operands[0], safe, sizeof safe);
        if (near)
            return cli_usage_error("help", "no command '%s'; did you mean '%s'?", safe, near);
        return cli_usage_error("help", "no command '%s'", safe);
    }
    char name[32], flag[] = "--help";
    snprintf(name, sizeof name, "%s", cmd->name);
    char *args[] = {name, flag, NULL};
    return cmd->run(2, args);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        const command *cmd = find_command(argv[1]);
        if (cmd) {
            cli_sanitize_output(true);
            return cli_output_finish(cmd->run(argc - 1, argv + 1));
        }
    }
    /* No command: open the explorer. */
    cli_sanitize_output(false);
    return cli_output_finish(cmd_explore(argc, argv, usage()));
}
