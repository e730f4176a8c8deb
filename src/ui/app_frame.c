/* app_frame: drawing a frame: the tabs, the view's body, the status line, the target chooser
 * and the "terminal too small" screen; erase() then one doupdate(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/lattice.h"
#include "comboscope/round.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"
#include "app_impl.h"

/* ---- drawing a frame -------------------------------------------------------------------------------- */

static ui_rect body_rect(void)
{
    return (ui_rect){1, 0, LINES - 2, COLS};
}

static void draw_tabs(app *a)
{
    ui_fill(0, 0, COLS, ROLE_TAB);
    int x = ui_text(0, 0, COLS, ROLE_TITLE, " comboscope ");
    for (int v = 1; v < VIEW_MAX && x < COLS; v++) {
        const struct view_ops *ops = app_view_ops((enum view_id)v);
        if (!ops)
            continue;
        char label[48];
        snprintf(label, sizeof label, " %d %s ", v, ops->name);
        a->tab_x0[v] = x + 1;
        x += ui_text(0, x + 1, COLS - x - 1, v == (int)a->view && !a->help ? ROLE_TAB_ACTIVE : ROLE_TAB,
                     label) + 1;
        a->tab_x1[v] = x;
    }
    if (a->help && x + 9 < COLS)
        x += ui_text(0, x + 1, COLS - x - 1, ROLE_TAB_ACTIVE, " ? Help ") + 1;
    const char *name = a->study->name ? a->study->name : "";
    int nw = ui_text_width(name);
    int room = COLS - x - 2;
    if (room > 8)
        ui_text_right(0, COLS - (nw + 1 < room ? nw + 1 : room), nw + 1 < room ? nw : room - 1,
                      ROLE_TAB, name);
}

static void draw_status(app *a)
{
    int y = LINES - 1;
    if (a->prompt) {
        ui_fill(y, 0, COLS, ROLE_PROMPT);
        int x = ui_text(y, 0, COLS, ROLE_PROMPT, a->prompt_label);
        int tw = ui_text_width(a->prompt_text);
        /* keep the end of a long text in sight */
        const char *t = a->prompt_text;
        while (tw > COLS - x - 2 && *t) {
            t++;
            tw = ui_text_width(t);
        }
        x += ui_text(y, x, COLS - x - 1, ROLE_PROMPT, t);
        ui_glyph(y, x, ui_role_attr(ROLE_CURSOR), " ");
        if (a->message[0] && a->message_error && LINES > UI_MIN_LINES) { /* e.g. the text is full */
            ui_fill(y - 1, 0, COLS, ROLE_ERROR);
            ui_text(y - 1, 1, COLS - 2, ROLE_ERROR, a->message);
        }
        return;
    }
    if (a->message[0]) {
        theme_role r = a->message_error ? ROLE_ERROR : ROLE_MESSAGE;
        if (ui_text_width(a->message) > COLS - 2 && LINES > UI_MIN_LINES) {
            /* a long message wraps onto the line above, over the view, until the next key */
            ui_fill(y - 1, 0, COLS, r);
            ui_fill(y, 0, COLS, r);
            ui_text_wrap(y - 1, 1, COLS - 2, 2, r, a->message);
            return;
        }
        ui_fill(y, 0, COLS, r);
        ui_text(y, 1, COLS - 2, r, a->message);
        return;
    }
    ui_fill(y, 0, COLS, ROLE_STATUS);
    const study *s = a->study;
    char left[256];
    snprintf(left, sizeof left, " target %s%s %s %s %s", a->target >= 0 ? s->datasets[a->target].name : "-",
             a->target >= 0 && !app_is_study_target(a, a->target) ? " (not a study target)" : "",
             a->g->bullet, s->metric >= 0 ? s->metrics[s->metric] : "-",
             s->goal == GOAL_MIN ? "(lower is better)" : "(higher is better)");
    /* over a view's overlay (the Table's detail, the Round's editor or runs list), q closes it */
    const struct view_ops *ops = app_view_ops(a->view);
    bool overlay = ops && ops->scope_now && ops->scope_now(a, app_view_state(a, a->view)) != ops->scope;
    const char *right = overlay ? "Esc close  ? help " : "t target  ? help  q quit ";
    int rw = ui_text_width(right);
    ui_text(y, 0, COLS - rw - 1, ROLE_STATUS, left);
    if (COLS > rw + 20)
        ui_text(y, COLS - rw, rw, ROLE_STATUS, right);
}

static void draw_chooser(app *a, ui_rect r)
{
    const study *s = a->study;
    int wmax = 12;
    for (int i = 0; i < s->n_targets; i++) {
        int w = ui_text_width(s->datasets[s->targets[i]].name);
        if (w > wmax)
            wmax = w;
    }
    int w = wmax + 6 < r.w - 2 ? wmax + 6 : r.w - 2;
    int h = s->n_targets + 2 < r.h - 1 ? s->n_targets + 2 : r.h - 1;
    int y0 = r.y + (r.h - h) / 2, x0 = r.x + (r.w - w) / 2;
    int rows = h - 2;
    int top = a->chooser_pos >= rows ? a->chooser_pos - rows + 1 : 0;
    attr_t border = ui_role_attr(ROLE_BORDER);
    for (int y = y0; y < y0 + h; y++)
        ui_fill(y, x0, w, ROLE_NORMAL);
    ui_glyph(y0, x0, border, a->g->corner_tl);
    ui_glyph_row(y0, x0 + 1, w - 2, border, a->g->hline);
    ui_glyph(y0, x0 + w - 1, border, a->g->corner_tr);
    ui_text(y0, x0 + 2, w - 4, ROLE_HEADER, " target ");
    for (int i = 0; i < rows; i++) {
        int y = y0 + 1 + i, k = top + i;
        ui_glyph(y, x0, border, a->g->vline);
        ui_glyph(y, x0 + w - 1, border, a->g->vline);
        if (k >= s->n_targets)
            continue;
        theme_role role = k == a->chooser_pos ? ROLE_CURSOR : ROLE_NORMAL;
        ui_fill(y, x0 + 1, w - 2, role);
        ui_text(y, x0 + 1, 2, role, s->targets[k] == a->target ? a->g->bullet : " ");
        ui_text(y, x0 + 3, w - 4, role, s->datasets[s->targets[k]].name);
    }
    ui_glyph(y0 + h - 1, x0, border, a->g->corner_bl);
    ui_glyph_row(y0 + h - 1, x0 + 1, w - 2, border, a->g->hline);
    ui_glyph(y0 + h - 1, x0 + w - 1, border, a->g->corner_br);
}

static void draw_too_small(void)
{
    char msg[96];
    snprintf(msg, sizeof msg, "terminal too small: %dx%d, needs %dx%d", COLS, LINES, UI_MIN_COLS,
             UI_MIN_LINES);
    int w = ui_text_width(msg);
    int y = LINES / 2, x = COLS > w ? (COLS - w) / 2 : 0;
    ui_text(y, x, COLS - x, ROLE_NORMAL, msg);
    if (y + 1 < LINES)
        ui_text(y + 1, COLS > 6 ? (COLS - 6) / 2 : 0, COLS, ROLE_DIM, "q quit");
}

void app_draw_frame(app *a)
{
    erase();
    if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES) {
        draw_too_small();
    } else {
        ui_rect r = body_rect();
        a->body = r;
        const struct view_ops *ops = app_view_ops(a->view);
        if (a->help)
            view_help_draw(a, ops && ops->scope_now ? ops->scope_now(a, app_view_state(a, a->view))
                              : ops ? ops->scope : SCOPE_GLOBAL, r, &a->help_top);
        else if (ops)
            ops->draw(a, app_view_state(a, a->view), r);
        if (a->chooser)
            draw_chooser(a, r);
        draw_tabs(a);
        draw_status(a);
    }
    wnoutrefresh(stdscr);
    doupdate();
}
