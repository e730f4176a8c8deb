/* keys: the action table as data, key names to curses codes, and dispatch lookup. */
#include <string.h>

#include "ui.h"

const struct action_info ui_actions[] = ACTION_INFO_ROWS;

const char *const ui_scope_titles[SCOPE_COUNT] = {
#define SCOPE_TITLE(id, title) title,
    ACTION_SCOPES(SCOPE_TITLE)
#undef SCOPE_TITLE
};

int ui_key_code(const char *name)
{
    static const struct { const char *name; int code; } named[] = {
        {"Up", KEY_UP},       {"Down", KEY_DOWN},   {"Left", KEY_LEFT},  {"Right", KEY_RIGHT},
        {"PgUp", KEY_PPAGE},  {"PgDn", KEY_NPAGE},  {"Home", KEY_HOME},  {"End", KEY_END},
        {"Tab", '\t'},        {"S-Tab", KEY_BTAB},  {"Enter", '\n'},     {"Esc", 27},
        {"Backspace", KEY_BACKSPACE}, {"Space", ' '},
    };
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (strcmp(name, named[i].name) == 0)
            return named[i].code;
    if (name[0] == '^' && name[1] >= '@' && name[1] <= '_' && !name[2])
        return name[1] - '@';
    if (name[0] > ' ' && name[0] < 0x7f && !name[1])
        return (unsigned char)name[0];
    return -1;
}

static bool key_matches(int c, const char *name)
{
    if (!name)
        return false;
    int k = ui_key_code(name);
    if (k == c)
        return true;
    /* Enter arrives as '\n' or '\r' or KEY_ENTER depending on the terminal and on nl(). */
    return k == '\n' && (c == '\r' || c == KEY_ENTER);
}

enum action ui_key_action(int c, enum action_scope scope)
{
    if (c == KEY_BACKSPACE || c == 127 || c == 8)
        c = KEY_BACKSPACE;
    for (int pass = 0; pass < 2; pass++) {
        enum action_scope want = pass == 0 ? scope : SCOPE_GLOBAL;
        if (pass == 1 && (scope == SCOPE_GLOBAL || scope == SCOPE_PROMPT))
            break;
        for (int i = 0; i < ACTION_COUNT - 1; i++)
            if (ui_actions[i].scope == want &&
                (key_matches(c, ui_actions[i].key) || key_matches(c, ui_actions[i].key2)))
                return ui_actions[i].action;
    }
    return ACTION_NONE;
}
