/* view_help: the `?` screen. Every key of the current view, then the global ones, straight
 * from the action table, so that the help cannot drift from what the keys do. */
#include <stdio.h>

#include "ui.h"

/* One help line: a scope title, a blank, or an action row. */
typedef struct help_line {
    int scope;
    int row; /* index into ui_actions, or -1 for a title, -2 for a blank */
} help_line;

static int help_collect(enum action_scope scope, help_line *out, int max)
{
    int n = 0;
    /* the view's keys, the global ones, then those of the prompts (search, filter, target) */
    enum action_scope order[3] = {scope, SCOPE_GLOBAL, SCOPE_PROMPT};
    int parts = 3;
    if (scope == SCOPE_GLOBAL) {
        order[1] = SCOPE_PROMPT;
        parts = 2;
    }
    for (int p = 0; p < parts; p++) {
        if (p > 0 && n < max)
            out[n++] = (help_line){order[p], -2};
        if (n < max)
            out[n++] = (help_line){order[p], -1};
        for (int i = 0; i < ACTION_COUNT - 1 && n < max; i++)
            if (ui_actions[i].scope == order[p])
                out[n++] = (help_line){order[p], i};
    }
    return n;
}

int view_help_lines(enum action_scope scope)
{
    help_line lines[2 * ACTION_COUNT + 4];
    return help_collect(scope, lines, (int)(sizeof lines / sizeof *lines));
}

void view_help_draw(app *a, enum action_scope scope, ui_rect r, int *top)
{
    (void)a;
    help_line lines[2 * ACTION_COUNT + 4];
    int n = help_collect(scope, lines, (int)(sizeof lines / sizeof *lines));
    if (*top > n - r.h)
        *top = n - r.h > 0 ? n - r.h : 0;
    int keyw = 16;
    for (int i = 0; i < r.h && *top + i < n; i++) {
        help_line *l = &lines[*top + i];
        int y = r.y + i;
        if (l->row == -2)
            continue;
        if (l->row == -1) {
            ui_textf(y, r.x + 1, r.w - 2, ROLE_HEADER, "%s keys%s", ui_scope_titles[l->scope],
                     l->scope == SCOPE_PROMPT ? " (search, filter, target list)" : "");
            continue;
        }
        const struct action_info *ai = &ui_actions[l->row];
        char keys[48];
        if (ai->key2)
            snprintf(keys, sizeof keys, "%s, %s", ai->key, ai->key2);
        else
            snprintf(keys, sizeof keys, "%s", ai->key);
        ui_text(y, r.x + 3, keyw, ROLE_ACCENT, keys);
        ui_text(y, r.x + 3 + keyw + 1, r.w - keyw - 5, ROLE_NORMAL, ai->help);
    }
    if (n > r.h) {
        char more[32];
        snprintf(more, sizeof more, " %d-%d of %d ", *top + 1, *top + r.h < n ? *top + r.h : n, n);
        ui_text_right(r.y + r.h - 1, r.x, r.w - 1, ROLE_DIM, more);
    }
}
