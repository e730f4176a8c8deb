/* cli: the subcommands. Each cmd_* takes the arguments after its name (argv[0] is the
 * subcommand) and returns the exit status: 0 success, 1 invalid input or failure, 2 usage
 * (a bad option, a missing or extra operand, an option value that no file could make valid:
 * an unknown predictor, a number out of range). Out of memory exits 70 (text.h).
 *
 * Adding a command: write cmd_NAME(argc, argv) in src/cli/cmd_NAME.c, parse its arguments
 * with cli_args below (never getopt: one parser gives every command the same conventions
 * and messages), open studies with study_open (it accepts a study's directory), and add a
 * line to the commands table in main.c (that gives it `comboscope help NAME`, the
 * did-you-mean and a line in `comboscope --help`). Its --help text starts with
 * "usage: comboscope NAME" (tests/cli/test_help.sh checks every command). */
#ifndef COMBOSCOPE_CLI_H
#define COMBOSCOPE_CLI_H

#include <cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "comboscope/error.h"
#include "comboscope/search.h"
#include "comboscope/study_json.h"

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_NO_MEMORY = 70 };

/* ---- the option parser every command uses -----------------------------------------------------
 * GNU conventions: options anywhere among the operands (`check FILE --json`), "--" ends the
 * options, a lone "-" is an operand, `--name=value` and `--name value`, `-kVALUE` and `-k VALUE`,
 * grouped short flags (`-jq`), a long name may be cut to a unique prefix (`--pred`).
 * `-h`/`--help` (prints the help text, status 0) and `-V`/`--version` are built in. An unknown
 * option, a missing value, a value given to a flag, an ambiguous prefix: one line on stderr,
 * "comboscope CMD: what (try 'comboscope CMD --help')", status 2.
 *
 *     static const cli_option opts[] = {
 *         {"json", 'j', NULL, 0}, {"batch", 'k', "N", 'k'}, {"target", 't', "NAME", 0}, {NULL, 0, NULL, 0},
 *     };
 *     cli_args p;
 *     cli_args_init(&p, "suggest", suggest_help, opts, argc, argv);
 *     int c;
 *     while ((c = cli_next(&p)) > 0)
 *         switch (c) {
 *         case 'j': json = true; break;
 *         case 't': target = p.value; break;           (p.value: the option's value)
 *         case 'k': if (!cli_parse_long(p.value, ...)) return cli_usage_error(...); break;
 *         }
 *     if (c == CLI_EXIT)
 *         return p.status;                             (help or version shown, or a usage error)
 *     if (cli_want_operands(&p, 1, 1, "PATH"))
 *         return EXIT_USAGE;
 *     ... p.operands[0] ...
 */
typedef struct cli_option {
    const char *name;  /* the long name, without "--" */
    int key;           /* what cli_next returns for it (> 0): its letter, or any code */
    const char *value; /* the name of its value in messages ("NAME"); NULL: a flag */
    char short_name;   /* its one-letter form, or 0 */
} cli_option;

enum { CLI_DONE = 0, CLI_EXIT = -1 };

typedef struct cli_args {
    const char *cmd;  /* the command, for messages ("check"); NULL: the explorer */
    const char *help; /* printed by --help */
    const cli_option *opts;
    int argc;
    char **argv;
    int next;            /* the next argument to read */
    bool dashdash;       /* "--" was seen */
    const char *group;   /* the rest of a group of short options */
    const char *value;   /* the value of the option cli_next returned, or NULL */
    const char *option;  /* the long name of that option (for messages) */
    char **operands;     /* the operands in order: argv itself, compacted */
    int n_operands;
    int status;          /* after CLI_EXIT: the exit status (0 help/version, 2 usage) */
    bool helped;         /* --help was shown */
} cli_args;

/* Starts parsing argv[1..argc-1] (argv[0] is the command). opts ends with a NULL name. The
 * operands are moved to the front of argv as they are met (argv is modified). */
void cli_args_init(cli_args *p, const char *cmd, const char *help, const cli_option *opts, int argc, char **argv);

/* Returns the key of the next option (its value in p->value), CLI_DONE when every argument
 * is read (operands in p->operands), or CLI_EXIT when the command must return p->status:
 * after --help or --version (printed) or a usage error (printed). */
int cli_next(cli_args *p);

/* Checks that there are min to max operands (max < 0: no limit); what names one ("PATH").
 * Prints "a PATH is required" / "only one PATH (got 'X' too)" and returns EXIT_USAGE, else 0. */
int cli_want_operands(cli_args *p, int min, int max, const char *what);

/* The whole parse of a command whose options are at most one switch (flag, set when it is
 * given; NULL when opts has none) and whose operands are min to max (what names them): returns
 * -1 when the command goes on with p->operands, else the exit status to return (help shown,
 * usage error printed). what may be NULL: "RUN" once there is an operand, "STUDY" before. */
int cli_parse_switch(cli_args *p, const char *cmd, const char *help, const cli_option *opts, int argc, char **argv,
                     bool *flag, int min, int max, const char *what);

/* The study options of the commands that read a table, --metric ('m') and --goal ('g'), into
 * *so. Returns 1 when key c was one of them, 0 when it is another option, -1 on a bad --goal
 * (printed; return EXIT_USAGE). */
int cli_study_option(cli_args *p, int c, study_open_options *so);

/* The value of the current option as one of choices (NULL-terminated): its index in *out.
 * Otherwise prints "--NAME must be a, b or c (got 'x')", sets p->status = EXIT_USAGE and
 * returns false. */
bool cli_choice(cli_args *p, const char *const *choices, int *out);

int cmd_check(int argc, char **argv);
int cmd_suggest(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_queue(int argc, char **argv);
int cmd_launch(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_cancel(int argc, char **argv);
int cmd_resubmit(int argc, char **argv);
int cmd_withdraw(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
/* Opens the explorer: argv holds the options and the path (argv[0] is the program); --help
 * prints usage_text. Returns the exit status. */
int cmd_explore(int argc, char **argv, const char *usage_text);

/* The command nearest to word (a typo: edit distance 2 at most, or a prefix of one), or NULL. */
const char *cli_closest_command(const char *word);

/* Says that word is not a command ("did you mean 'check'?" when one is near) and returns
 * EXIT_USAGE. */
int cli_not_a_command(const char *word);

/* True when s names something that exists (a file or a directory) or looks like a path (has
 * a '/' or a '.'): what the explorer opens, not a mistyped command. */
bool cli_is_path(const char *s);

/* Opens the study at path and the path of its journal (*journal_path, new string). When the
 * study names no journal, prints "PATH: the study names no journal<why>" and returns NULL;
 * other errors are printed as cli_error does. */
study *cli_study_with_journal(const char *path, const char *why, char **journal_path);

/* Prints "comboscope: MESSAGE" style errors: the message alone (it carries its location). */
void cli_error(const cs_error *err);

/* Prints a usage error for command cmd to stderr and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "comboscope VERSION" to stdout and returns EXIT_OK. */
int cli_version(void);

/* Parses a whole decimal number within [lo, hi]; false if not. */
int cli_parse_long(const char *s, long lo, long hi, long *out);

/* The bundled sample study: next to the binary's source tree when run from it, else the
 * installed copy. Returns a static path. */
const char *cli_sample_study(void);

/* Sets st's predictor and acquisition from their names (NULL: left as they are). An unknown
 * name prints "PATH: unknown predictor 'NAME' (known: ...)" (likewise acquisition) and returns
 * false: a usage error when the name came from an option, invalid input when from the study. */
bool cli_search_names(const char *path, const char *pred_name, const char *acq_name, search_settings *st);

/* Checks predictor and acquisition names given as options (NULL: none): an unknown one prints
 * a usage error for cmd ("unknown predictor 'X' (known: ...)") and returns false (exit 2). */
bool cli_option_names(const char *cmd, const char *pred_name, const char *acq_name);

/* Writes a command's output with write(ctx, fp, display, err): to stdout when output is "-"
 * (display "<stdout>", then flushed), else through file_atomic to the file output, which is
 * replaced only when write succeeds. Returns false with err set. */
bool cli_write_output(const char *output, bool (*write)(void *ctx, FILE *fp, const char *display, cs_error *err),
                      void *ctx, cs_error *err);

/* Adds v to o under key, or null when v is not finite (JSON has no NaN or infinity). */
void cli_json_num(cJSON *o, const char *key, double v);

/* Prints o unformatted on one line of stdout and deletes it. Returns EXIT_OK, or EXIT_INVALID
 * (nothing printed) when cJSON could not print it. */
int cli_json_print(cJSON *o);

/* ---- output (cli_out.c) ---------------------------------------------------------------------
 * Every command's stdout and stderr pass through text_sanitize's rules (controls as '?',
 * bidi and zero-width characters as "<U+202E>", bytes not UTF-8 as '?'); main() installs the
 * filter before running a command; the explorer, whose stdout is the terminal curses owns
 * (and draws sanitized), filters its stderr only (with_stdout false). */
void cli_sanitize_output(bool with_stdout);

/* At the end of a command whose status is rc: flushes stdout and, when anything written to it
 * was lost (a full disk, a closed stdout), says so in one line ("comboscope: <stdout>: cannot
 * write: No space left on device") and returns EXIT_INVALID if rc was EXIT_OK; else rc. */
int cli_output_finish(int rc);

/* Why the last write to stdout failed (an errno value; EIO when nothing says). */
int cli_output_errno(void);

/* Raw mode on stdout (true) for data written on purpose, such as a CSV to "-"; then off. */
void cli_output_raw(bool raw);

/* JSON text (from cJSON) made terminal-safe without changing what it means: C1 controls, DEL,
 * invisible characters as \uXXXX escapes, bytes not UTF-8 as \ufffd. Returns a new string. */
char *cli_json_escape(const char *text);

#endif
