/* round_editor: the Round view's combination editor (see round_view.h): a suggestion's
 * combination with each dataset toggled by Space or by name, the prediction following every
 * toggle; Enter overrides the suggestion with it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "comboscope/round.h"
#include "round_view.h"

/* Lines a list of differences may wrap onto from y: what is left of the panel above the other
 * list's heading and the two lines of hints, at least one. */
static int diff_lines(ui_rect r, int y)
{
    int n = r.y + r.h - y - 5;
    return n > 1 ? n : 1;
}

void round_editor_draw(app *a, round_view *v, ui_rect r)
{
    const round_session *rs = a->session;
    const study *s = a->study;
    char buf[1024], pm[128], gain[32], sc[32];
    int y = r.y;
    if (rs->is_joint)
        ui_textf(y++, r.x + 1, r.w - 2, ROLE_HEADER, "Override #%zu: your combination for the joint round (%d targets)",
                 v->edit_item + 1, rs->n_targets);
    else
        ui_textf(y++, r.x + 1, r.w - 2, ROLE_HEADER, "Override #%zu: your combination for %s", v->edit_item + 1,
                 s->datasets[rs->target].name);
    ui_glyph_row(y++, r.x, r.w, ui_role_attr(ROLE_BORDER), a->g->hline);
    int list_w = 26;
    int y0 = y;
    int rows = r.h - 3;
    int top = v->edit_pos >= rows ? v->edit_pos - rows + 1 : 0;
    for (int d = top; d < s->n_datasets && y < r.y + r.h; d++, y++) {
        bool cur = d == v->edit_pos;
        theme_role role = cur ? ROLE_CURSOR : d == v->name_match ? ROLE_MATCH : ROLE_NORMAL;
        if (cur)
            ui_fill(y, r.x, list_w, ROLE_CURSOR);
        const char *mark = !rs->is_joint && d == rs->target ? "[T]"
                           : round_is_target(rs, d) ? (combo_has(v->edit, d) ? "[T]" : "[t]")
                           : combo_has(v->edit, d) ? "[x]" : "[ ]";
        ui_text(y, r.x + 1, 4, cur ? role : combo_has(v->edit, d) ? ROLE_GOOD : ROLE_DIM, mark);
        ui_text(y, r.x + 5, list_w - 6, role, s->datasets[d].name);
    }
    /* the prediction for the edited combination, updated on every toggle */
    int x = r.x + list_w + 2, w = r.w - list_w - 3;
    y = y0;
    double mean, sd;
    if (rs->is_joint) { /* the prediction for each target it serves */
        for (int j = 0; j < rs->n_targets && y < r.y + r.h - 12; j++) {
            int d = rs->targets[j];
            if (!combo_has(v->edit, d)) {
                ui_textf(y++, x, w, ROLE_DIM, "%-14.14s not served", s->datasets[d].name);
                continue;
            }
            round_score_target(rs, j, v->edit, &mean, &sd);
            round_fmt_pm(a, pm, sizeof pm, mean, sd);
            const round_target_fit *f = &rs->fits[j];
            bool hg = f->summary.has_best && isfinite(mean);
            ui_fmt_gain(gain, sizeof gain, hg, hg ? study_gain(s, mean, f->summary.best) : 0);
            int u = ui_textf(y, x, w, ROLE_NORMAL, "%-14.14s ", s->datasets[d].name);
            u += ui_text(y, x + u, w - u, ROLE_PREDICTED, pm);
            ui_textf(y++, x + u, w - u, ROLE_NUMBER, "  %s", gain);
        }
        int sv = round_serves_count(s, v->edit);
        ui_textf(y++, x, w, ROLE_NORMAL, "datasets    %d (serves %d target%s)", combo_rank(v->edit), sv,
                 sv == 1 ? "" : "s");
        y++;
        goto differences;
    }
    round_shown_prediction(rs, v->edit, NAN, NAN, &mean, &sd);
    round_fmt_pm(a, pm, sizeof pm, mean, sd);
    ui_text(y, x, w, ROLE_NORMAL, "predicted   ");
    ui_text(y++, x + 12, w - 12, ROLE_PREDICTED, pm);
    round_expected_gain(a, mean, gain, sizeof gain);
    ui_textf(y++, x, w, ROLE_NORMAL, "exp. gain   %s over the best measured", gain);
    double meas;
    bool has = study_score(s, v->edit, rs->target, &meas);
    ui_fmt_score(sc, sizeof sc, has, meas);
    ui_textf(y++, x, w, has ? ROLE_ACCENT : ROLE_DIM, "measured    %s", has ? sc : "not yet");
    int sv = round_serves_count(s, v->edit);
    ui_textf(y++, x, w, ROLE_NORMAL, "datasets    %d (serves %d target%s)", combo_rank(v->edit), sv,
             sv == 1 ? "" : "s");
    y++;
    round_diff_text(a, v->edit, buf, sizeof buf);
    ui_text(y++, x, w, ROLE_NORMAL, "vs best measured:");
    y += ui_text_wrap(y, x + 2, w - 2, diff_lines(r, y), ROLE_DIM, buf); /* whole, wrapped (issue 10) */
differences:;
    combo_t sug = rs->items[v->edit_item].combo, add = v->edit & ~sug, rem = sug & ~v->edit;
    ui_text(y++, x, w, ROLE_NORMAL, "vs the suggestion:");
    size_t k = 0;
    buf[0] = '\0';
    for (int d = 0; d < s->n_datasets; d++)
        if (combo_has(add | rem, d) && k < sizeof buf - 80)
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s%s", k ? " " : "", combo_has(add, d) ? "+" : "-",
                                  s->datasets[d].name);
    y += ui_text_wrap(y, x + 2, w - 2, diff_lines(r, y), ROLE_DIM, k ? buf : "(the same: change something)");
    y++;
    ui_text(y++, x, w, ROLE_DIM, "Space toggles, x by name,");
    ui_text(y++, x, w, ROLE_DIM, "Enter overrides, Esc leaves");
}
int round_editor_action(app *a, round_view *v, enum action act)
{
    const study *s = a->study;
    int n = s->n_datasets;
    cs_error err;
    switch (act) {
    case ACTION_MOVE_UP: v->edit_pos = v->edit_pos > 0 ? v->edit_pos - 1 : 0; break;
    case ACTION_MOVE_DOWN: v->edit_pos = v->edit_pos + 1 < n ? v->edit_pos + 1 : n - 1; break;
    case ACTION_MOVE_FIRST: v->edit_pos = 0; break;
    case ACTION_MOVE_LAST: v->edit_pos = n - 1; break;
    case ACTION_EDIT_TOGGLE:
        if (v->edit_pos == a->session->target && !a->session->is_joint)
            app_message(a, false, "the target is in every combination");
        else
            v->edit ^= combo_single(v->edit_pos);
        break;
    case ACTION_EDIT_NAME:
        v->ask = ASK_NAME;
        v->name_match = -1;
        app_prompt_open(a, PROMPT_TEXT, "toggle: ", "");
        break;
    case ACTION_EDIT_CANCEL:
        v->editing = false;
        app_message(a, false, "no decision made");
        break;
    case ACTION_EDIT_DONE: {
        bool ok = round_override(a->session, v->edit_item, v->edit, &err);
        if (ok) {
            v->editing = false;
            if (v->cursor + 1 < a->session->n_items)
                v->cursor++;
        }
        char what[64];
        snprintf(what, sizeof what, "#%zu overridden", v->edit_item + 1);
        return round_saved(a, ok, &err, what);
    }
    default: return UI_UNHANDLED;
    }
    return UI_HANDLED | UI_REDRAW;
}

int round_name_match(const study *s, const char *text)
{
    int found = -1;
    if (!*text)
        return -1;
    for (int d = 0; d < s->n_datasets; d++) {
        const char *nm = s->datasets[d].name;
        size_t tl = strlen(text);
        for (const char *p = nm; *p; p++) {
            size_t k = 0;
            while (k < tl && p[k] && ((p[k] | 0x20) == (text[k] | 0x20)))
                k++;
            if (k == tl) {
                if (strcmp(nm, text) == 0)
                    return d;
                found = found < 0 ? d : -2;
                break;
            }
        }
    }
    return found < 0 ? -1 : found;
}
