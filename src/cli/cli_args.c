/* cli_args: the one option parser every command uses (contract in cli.h). GNU conventions,
 * without getopt's global state: options anywhere among the operands, "--" ends options,
 * --name=value and --name value, -kVALUE and -k VALUE, grouped short flags, unique prefixes
 * of long names, -h/--help and -V/--version built in. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "comboscope/text.h"

void cli_args_init(cli_args *p, const char *cmd, const char *help, const cli_option *opts, int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->help = help;
    p->opts = opts;
    p->argc = argc;
    p->argv = argv;
    p->next = 1;
    p->operands = argv + 1;
}

/* Ends parsing with a usage error (printed) or with help / version (printed, status 0). */
static int finish(cli_args *p, int status)
{
    p->status = status;
    return CLI_EXIT;
}

static int usage(cli_args *p, const char *fmt, const char *a, const char *b)
{
    char sa[256], sb[256];
    cli_usage_error(p->cmd, fmt, a ? text_sanitize(a, sa, sizeof sa) : "", b ? text_sanitize(b, sb, sizeof sb) : "");
    return finish(p, EXIT_USAGE);
}

static int builtin(cli_args *p, int key)
{
    if (key == 'h') {
        if (p->help)
            fputs(p->help, stdout);
        p->helped = true;
        return finish(p, EXIT_OK);
    }
    return finish(p, cli_version());
}

/* An option found: takes its value (from inline, else the next argument) and returns its key. */
static int take(cli_args *p, const cli_option *o, const char *shown, const char *inline_value)
{
    p->value = NULL;
    p->option = o->name;
    if (!o->value) {
        if (inline_value)
            return usage(p, "option '%s' takes no value (got '%s')", shown, inline_value);
        return o->key;
    }
    if (inline_value) {
        p->value = inline_value;
        return o->key;
    }
    if (p->next >= p->argc)
        return usage(p, "option '%s' needs a value (%s)", shown, o->value);
    p->value = p->argv[p->next++];
    return o->key;
}

static int long_option(cli_args *p, const char *arg)
{
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    char shown[128];
    snprintf(shown, sizeof shown, "--%.*s", (int)(len < 100 ? len : 100), name);
    static const cli_option help = {"help", 'h', NULL, 'h'}, version = {"version", 'V', NULL, 'V'};
    const cli_option *cand[128];
    int nc = 0;
    for (const cli_option *o = p->opts; o && o->name && nc < 126; o++)
        cand[nc++] = o;
    cand[nc++] = &help;
    cand[nc++] = &version;
    const cli_option *found = NULL, *exact = NULL;
    int n_found = 0;
    char names[256] = "";
    for (int i = 0; i < nc; i++) {
        if (strncmp(cand[i]->name, name, len) != 0)
            continue;
        if (strlen(cand[i]->name) == len)
            exact = cand[i];
        found = cand[i];
        n_found++;
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s--%s", used ? ", " : "", cand[i]->name);
    }
    if (len == 0 || (!exact && n_found == 0))
        return usage(p, "unknown option '%s'%s", shown, "");
    if (!exact && n_found > 1)
        return usage(p, "option '%s' is ambiguous (%s)", shown, names);
    const cli_option *o = exact ? exact : found;
    if (o == &help || o == &version) {
        if (eq)
            return usage(p, "option '%s' takes no value (got '%s')", shown, eq + 1);
        return builtin(p, o->key);
    }
    snprintf(shown, sizeof shown, "--%s", o->name);
    return take(p, o, shown, eq ? eq + 1 : NULL);
}

/* The next short option of a group ("-jk4"): p->group points into the argument. */
static int short_option(cli_args *p)
{
    char ch = *p->group++;
    char shown[4] = {'-', ch, '\0', '\0'};
    if (ch == 'h' || ch == 'V') {
        bool taken = false;
        for (const cli_option *o = p->opts; o && o->name; o++)
            taken |= o->short_name == ch;
        if (!taken)
            return builtin(p, ch);
    }
    for (const cli_option *o = p->opts; o && o->name; o++) {
        if (!o->short_name || o->short_name != ch)
            continue;
        if (o->value && *p->group) { /* -k4: the rest of the group is the value */
            const char *v = p->group;
            p->group = NULL;
            return take(p, o, shown, v);
        }
        if (!*p->group)
            p->group = NULL;
        return take(p, o, shown, NULL);
    }
    return usage(p, "unknown option '%s'%s", shown, "");
}

int cli_next(cli_args *p)
{
    if (p->group && *p->group)
        return short_option(p);
    p->group = NULL;
    while (p->next < p->argc) {
        char *arg = p->argv[p->next++];
        if (p->dashdash || arg[0] != '-' || arg[1] == '\0') {
            p->operands[p->n_operands++] = arg; /* compacts in place: never ahead of next */
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            p->dashdash = true;
            continue;
        }
        if (arg[1] == '-')
            return long_option(p, arg);
        p->group = arg + 1;
        return short_option(p);
    }
    return CLI_DONE;
}

int cli_want_operands(cli_args *p, int min, int max, const char *what)
{
    char safe[256];
    if (p->n_operands < min) {
        cli_usage_error(p->cmd, "%s %s %s required", strchr("AEIOU", what[0]) ? "an" : "a", what,
                        strstr(what, " and ") ? "are" : "is");
        return EXIT_USAGE;
    }
    if (max >= 0 && p->n_operands > max) {
        text_sanitize(p->operands[max], safe, sizeof safe);
        if (max == 1)
            cli_usage_error(p->cmd, "only one %s (got '%s' too)", what, safe);
        else
            cli_usage_error(p->cmd, "unexpected argument '%s'", safe);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cli_parse_switch(cli_args *p, const char *cmd, const char *help, const cli_option *opts, int argc, char **argv,
                     bool *flag, int min, int max, const char *what)
{
    cli_args_init(p, cmd, help, opts, argc, argv);
    int c;
    while ((c = cli_next(p)) > 0)
        if (flag)
            *flag = true;
    if (c == CLI_EXIT)
        return p->status;
    if (cli_want_operands(p, min, max, what ? what : p->n_operands ? "RUN" : "STUDY"))
        return EXIT_USAGE;
    return -1;
}

bool cli_choice(cli_args *p, const char *const *choices, int *out)
{
    char list[256] = "";
    for (int i = 0; choices[i]; i++) {
        if (strcmp(p->value, choices[i]) == 0) {
            *out = i;
            return true;
        }
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i == 0 ? "" : choices[i + 1] ? ", " : " or ", choices[i]);
    }
    char safe[128];
    cli_usage_error(p->cmd, "--%s must be %s (got '%s')", p->option, list, text_sanitize(p->value, safe, sizeof safe));
    p->status = EXIT_USAGE;
    return false;
}

int cli_study_option(cli_args *p, int c, study_open_options *so)
{
    static const char *const goals[] = {"max", "min", NULL};
    int g;
    if (c == 'm') {
        so->metric = p->value;
        return 1;
    }
    if (c != 'g')
        return 0;
    if (!cli_choice(p, goals, &g))
        return -1;
    so->goal = goals[g];
    return 1;
}
