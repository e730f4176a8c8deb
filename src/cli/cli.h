/* cli: the subcommands. Each cmd_* takes the arguments after its name (argv[0] is the
 * subcommand) and returns the exit status: 0 success, 1 invalid input or failure, 2 usage. */
#ifndef COMBOSCOPE_CLI_H
#define COMBOSCOPE_CLI_H

#include <cJSON.h>
#include <stdio.h>

#include "comboscope/error.h"
#include "comboscope/search.h"

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2 };

int cmd_check(int argc, char **argv);
int cmd_suggest(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_queue(int argc, char **argv);
int cmd_withdraw(int argc, char **argv);
/* Opens the explorer: argv holds the options and the path (argv[0] is the program). Returns
 * the exit status, or -1 when --help was asked (main prints the usage). */
int cmd_explore(int argc, char **argv);

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
 * name prints "PATH: unknown predictor 'NAME' (known: ...)" (likewise acquisition) and returns false. */
bool cli_search_names(const char *path, const char *pred_name, const char *acq_name, search_settings *st);

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

#endif
