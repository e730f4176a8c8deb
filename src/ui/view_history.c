/* view_history: every round of the study's journal, for review. A table of the rounds (what
 * was suggested, decided and came back, the predictor's cross-validated accuracy when it
 * proposed and its error on what came back, the best so far), the details of the round under
 * the cursor (suggestions, decisions, reasons, notes, results), and two plots: the best-so-far
 * curve of the round's target (with its baseline, and the values on its axis) and the predictor's
 * accuracy over the rounds, in braille dots (UTF-8) or characters (ASCII). The details say what
 * the round's search used (predictor, acquisition, batch, cross-validated accuracy, when it was
 * proposed and committed), each suggestion's decision with its reason in full, the notes in
 * full, and each run's prediction against what came back, with the error and a star where it
 * set a new best; every combination whole, wrapped under itself. h/l pick a run, suggestion or
 * note of the round: it is marked, the details (laid out on virtual lines, vcanvas) scroll to show
 * it whole, on a narrow screen over the plots' width, and L shows it in the Lattice. The figures
 * come from round_history /
 * round_best_curve / review_rounds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/find.h"
#include "comboscope/review.h"
#include "comboscope/round.h"
#include "comboscope/text.h"
#include "ui.h"

typedef struct history_view {
    size_t cursor;
    size_t top;
    bool picked;  /* h/l picked an entry: it is marked and the details scroll to show it whole */
    size_t entry; /* the picked entry of the round: its runs, its suggestions, then its notes */
} history_view;

static void *history_init(app *a)
{
    history_view *v = xcalloc(1, sizeof *v);
    size_t n = 0;
    if (a->session && a->session->journal)
        journal_rounds(a->session->journal, &n);
    v->cursor = n ? n - 1 : 0; /* the latest round first */
    return v;
}

static void history_done(void *state)
{
    free(state);
}

static void history_reload(app *a, void *state)
{
    (void)a;
    (void)state;
}

/* ---- plots -------------------------------------------------------------------------------------- */

/* A step plot of y[0..n-1] (NAN: no point) in a box of w columns and h rows at (y0, x0):
 * braille dots in UTF-8 (2x4 dots a cell), '*' and '-' in ASCII. */
static void plot_steps_range(app *a, int y0, int x0, int w, int h, const double *yv, size_t n, double lo,
                             double hi, theme_role role)
{
    if (!isfinite(lo) || !isfinite(hi) || w < 2 || h < 1)
        return;
    if (hi - lo < 1e-9) {
        lo -= 0.001;
        hi += 0.001;
    }
    attr_t attr = ui_role_attr(role);
    bool braille = a->caps.utf8;
    int dw = braille ? w * 2 : w, dh = braille ? h * 4 : h;
    unsigned char *dots = xcalloc((size_t)dw * (size_t)dh, 1);
    int px = -1, py = -1;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(yv[i]))
            continue;
        int x = n > 1 ? (int)((double)i * (dw - 1) / (double)(n - 1) + 0.5) : 0;
        int y = dh - 1 - (int)((yv[i] - lo) / (hi - lo) * (dh - 1) + 0.5);
        if (px >= 0) {
            for (int xx = px; xx <= x; xx++) /* along at the previous level */
                dots[py * dw + xx] |= 1;
            for (int yy = (py < y ? py : y); yy <= (py < y ? y : py); yy++) /* then up or down */
                dots[yy * dw + x] |= 2;
        }
        dots[y * dw + x] |= 4;
        px = x;
        py = y;
    }
    for (int cy = 0; cy < h; cy++) {
        for (int cx = 0; cx < w; cx++) {
            if (braille) {
                static const unsigned bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
                unsigned mask = 0;
                for (int r = 0; r < 4; r++)
                    for (int c = 0; c < 2; c++)
                        if (dots[(cy * 4 + r) * dw + cx * 2 + c])
                            mask |= bit[r][c];
                if (!mask)
                    continue;
                unsigned cp = 0x2800 + mask;
                char g[4] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)), (char)(0x80 | (cp & 0x3F)), 0};
                ui_glyph(y0 + cy, x0 + cx, attr, g);
            } else {
                unsigned char d = dots[cy * dw + cx];
                if (d)
                    ui_glyph(y0 + cy, x0 + cx, attr, d & 4 ? "*" : d & 2 ? "|" : "-");
            }
        }
    }
    free(dots);
}

/* A plot with its title, the top and bottom values on the left and round numbers below; with a
 * reference (has_ref), the range takes it in and a dotted line marks it, labelled ref_name. */
static int draw_plot(app *a, int y, int x, int w, int h, const char *title, const double *yv, size_t n,
                     size_t first_round, bool has_ref, double ref, const char *ref_name)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(yv[i])) {
            lo = yv[i] < lo ? yv[i] : lo;
            hi = yv[i] > hi ? yv[i] : hi;
        }
    ui_text(y++, x, w, ROLE_HEADER, title);
    if (!isfinite(lo)) {
        ui_text(y, x + 1, w - 1, ROLE_DIM, "nothing measured yet");
        return y + h + 1;
    }
    if (has_ref && isfinite(ref)) {
        lo = ref < lo ? ref : lo;
        hi = ref > hi ? ref : hi;
    }
    if (hi - lo < 1e-9) { /* one value: an axis around it, so the labels differ */
        lo -= 0.001;
        hi += 0.001;
    }
    char buf[32];
    ui_text_right(y, x, 6, ROLE_NUMBER, ui_fmt_score(buf, sizeof buf, true, hi));
    ui_text_right(y + h - 1, x, 6, ROLE_NUMBER, ui_fmt_score(buf, sizeof buf, true, lo));
    for (int k = 0; k < h; k++)
        ui_glyph(y + k, x + 7, ui_role_attr(ROLE_BORDER), a->g->vline);
    int pw = w - 9;
    if (has_ref && isfinite(ref) && h > 1) {
        int ry = y + h - 1 - (int)((ref - lo) / (hi - lo) * (h - 1) + 0.5);
        ui_glyph_row(ry, x + 8, pw, ui_role_attr(ROLE_DIM), a->caps.utf8 ? "┄" : ".");
        snprintf(buf, sizeof buf, "%s %.4f", ref_name, ref);
        ui_text_right(ry, x + 8, pw, ROLE_DIM, buf);
    }
    size_t shown = n, skip = 0;
    if ((int)shown > pw * (a->caps.utf8 ? 2 : 1)) { /* the latest rounds that fit */
        skip = shown - (size_t)(pw * (a->caps.utf8 ? 2 : 1));
        shown -= skip;
    }
    plot_steps_range(a, y, x + 8, pw, h, yv + skip, shown, lo, hi, ROLE_GOOD);
    ui_glyph_row(y + h, x + 8, pw, ui_role_attr(ROLE_BORDER), a->g->hline);
    ui_textf(y + h + 1, x + 8, pw / 2, ROLE_DIM, "round %zu", first_round + skip);
    char last[32];
    snprintf(last, sizeof last, "%zu", first_round + skip + shown - 1);
    ui_text_right(y + h + 1, x + 8 + pw / 2, pw - pw / 2, ROLE_DIM, last);
    return y + h + 2;
}

/* The members of c other than the round's target, "+A+B" ("alone" for the target alone): the
 * target is in every combination of its round, so naming it again only costs width. */
static const char *others(const study *s, combo_t c, int target, char *buf, size_t n)
{
    if (target < 0)
        return study_combo_format(s, c, buf, n);
    size_t k = 0;
    buf[0] = '\0';
    for (int d = 0; d < s->n_datasets && k + 1 < n; d++)
        if (d != target && combo_has(c, d)) {
            int w = snprintf(buf + k, n - k, "%s+%s", k ? " " : "", s->datasets[d].name);
            if (w < 0 || (size_t)w >= n - k)
                break;
            k += (size_t)w;
        }
    if (!k)
        snprintf(buf, n, "alone");
    return buf;
}

/* The combination of entry k of round o (its runs, then its suggestions; an overridden one: yours)
 * and, in text (may be NULL), a line naming the entry with the whole combination, " + " between
 * the datasets so that it wraps. False when the round has no entry k. */
static bool entry_combo(const study *s, const review_round *o, size_t k, combo_t *c, char *text, size_t n)
{
    char what[96], names[64 * 64];
    if (k < o->n_runs) {
        *c = o->runs[k].combo;
        snprintf(what, sizeof what, "run %s%s", o->runs[k].id,
                 o->runs[k].withdrawn && !o->runs[k].has_result ? " (withdrawn)" : "");
    } else if (k - o->n_runs < o->n_choices) {
        const review_choice *ch = &o->choices[k - o->n_runs];
        bool ovr = ch->decision == DECISION_OVERRIDDEN;
        *c = ovr ? ch->replacement : ch->combo;
        snprintf(what, sizeof what, "suggestion %zu%s", k - o->n_runs + 1, ovr ? ", yours instead" : "");
    } else {
        return false;
    }
    if (!text)
        return true;
    size_t j = (size_t)snprintf(text, n, "%s, %d datasets: ", what, combo_rank(*c));
    study_combo_format(s, *c, names, sizeof names);
    for (const char *p = names; *p && j + 4 < n; p++) {
        if (*p == '+')
            j += (size_t)snprintf(text + j, n - j, " + ");
        else
            text[j++] = *p;
    }
    text[j < n ? j : n - 1] = '\0';
    return true;
}

/* ---- the table and the details ----------------------------------------------------------------- */

/* An event time "2026-11-29T22:30:29Z" as "2026-11-29 22:30:29", or only "22:30:29" when on
 * the same day as same_day (may be NULL); "-" when empty. */
static void fmt_time(const char *t, const char *same_day, char *out, size_t n)
{
    if (!t || !t[0]) {
        snprintf(out, n, "-");
        return;
    }
    if (strlen(t) >= 19 && t[10] == 'T') {
        if (same_day && strncmp(t, same_day, 10) == 0)
            snprintf(out, n, "%.8s", t + 11);
        else
            snprintf(out, n, "%.10s %.8s", t, t + 11);
        return;
    }
    snprintf(out, n, "%s", t);
}

/* The details scroll: they are laid out on virtual lines, of which rows are shown from skip on
 * (a measuring pass with rows 0 draws nothing and finds where each entry lies). */
typedef struct vcanvas {
    int top, rows; /* the screen rows shown */
    int skip;      /* virtual lines scrolled past */
    int vy;        /* the next virtual line */
} vcanvas;

/* The screen row of the next virtual line, -1 when it is not shown. */
static int vc_row(const vcanvas *c)
{
    int v = c->vy - c->skip;
    return v >= 0 && v < c->rows ? c->top + v : -1;
}

/* s wrapped at x in w columns from the next virtual line, the lines shown drawn; returns how many. */
static int vc_wrap(vcanvas *c, int x, int w, theme_role role, const char *s)
{
    int first = c->skip > c->vy ? c->skip - c->vy : 0; /* lines of s scrolled past */
    int at = c->vy + first - c->skip;                   /* where its first shown line goes */
    int n = ui_text_wrap_part(c->top + at, x, w, first, c->rows - at > 0 ? c->rows - at : 0, role, s);
    if (n < 1)
        n = 1;
    c->vy += n;
    return n;
}

/* The round under the cursor in full: its settings; each run predicted against measured with its
 * whole combination; each suggestion, its decision and whole combination (wrapped under itself),
 * yours for an override, the reason in full; the notes in full. Entry k (runs, suggestions, notes)
 * takes virtual lines starts[k] .. starts[k + 1] - 1 (starts has room for entries + 1). */
static void draw_details(app *a, const journal_round *jr, const review_round *o, size_t entry, vcanvas *c, int x,
                         int w, int *starts)
{
    const study *s = a->study;
    char buf[1024], sc[32], sp[32], line[1400];
    int y;
    /* what the search used, and when */
    char pr[256], sd[64];
    int n = snprintf(line, sizeof line, "%s, %s, batch %zu, %s", review_round_predictor(o, pr, sizeof pr),
                     o->acquisition ? o->acquisition : "-", o->batch, review_round_seed(o, sd, sizeof sd));
    if (o->has_cv)
        n += snprintf(line + n, sizeof line - (size_t)n, ", rho %.2f mae %.4f", o->cv_spearman, o->cv_mae);
    vc_wrap(c, x, w, ROLE_DIM, line);
    char p1[40], c1[40];
    fmt_time(o->proposed, NULL, p1, sizeof p1);
    fmt_time(o->committed, o->proposed, c1, sizeof c1);
    snprintf(line, sizeof line, "proposed %s, %s%s", p1, o->committed[0] ? "committed " : "not committed",
             o->committed[0] ? c1 : "");
    vc_wrap(c, x, w, ROLE_DIM, line);
    const char *mark = a->caps.utf8 ? "▸" : ">";
    size_t k = 0;
    /* the runs: predicted (spread) against measured, the error, a star for a new best */
    for (size_t i = 0; i < o->n_runs; i++, k++) {
        const review_run *u = &o->runs[i];
        starts[k] = c->vy;
        if ((y = vc_row(c)) >= 0 && k == entry)
            ui_glyph(y, x - 1, ui_role_attr(ROLE_ACCENT), mark);
        if (u->withdrawn && !u->has_result) {
            if (y >= 0)
                ui_textf(y, x, w, ROLE_BAD, "withdrawn %s", u->id);
        } else if (y >= 0) {
            int uu = ui_textf(y, x, w, ROLE_NORMAL, "%s ", u->id);
            if (u->has_prediction) {
                ui_fmt_score(sc, sizeof sc, true, u->mean);
                ui_fmt_score(sp, sizeof sp, true, u->spread);
                uu += ui_textf(y, x + uu, w - uu, ROLE_PREDICTED, "~%s%s%s ", sc, a->g->plus_minus, sp);
            } else {
                uu += ui_text(y, x + uu, w - uu, ROLE_DIM, "yours ");
            }
            if (u->has_result) {
                uu += ui_textf(y, x + uu, w - uu, ROLE_NUMBER, "%s%s ", a->g->arrow_right,
                               ui_fmt_score(sc, sizeof sc, true, u->measured));
                if (u->has_prediction)
                    uu += ui_textf(y, x + uu, w - uu, u->error >= 0 ? ROLE_GOOD : ROLE_BAD, "%s ",
                                   ui_fmt_gain(sc, sizeof sc, true, u->error));
                if (u->new_best)
                    uu += ui_text(y, x + uu, w - uu, ROLE_ACCENT, a->caps.utf8 ? "★best" : "*best");
            } else {
                ui_text(y, x + uu, w - uu, ROLE_DIM, "waiting");
            }
        }
        c->vy++;
        vc_wrap(c, x + 2, w - 2, ROLE_NORMAL, others(s, u->combo, jr->target, buf, sizeof buf));
        const journal_run *run = journal_run_find(a->session->journal, u->id);
        if (run && run->attempts > 0) { /* a launched run: its story */
            size_t idx = (size_t)(run - a->session->journal->runs);
            vc_wrap(c, x + 2, w - 2, ROLE_DIM, round_run_story(a->session->journal, idx, buf, sizeof buf));
        }
    }
    for (size_t i = 0; i < o->n_choices; i++, k++) {
        const review_choice *ch = &o->choices[i];
        const char *what = ch->decision == DECISION_ACCEPTED     ? "accepted"
                           : ch->decision == DECISION_REJECTED   ? "rejected"
                           : ch->decision == DECISION_OVERRIDDEN ? "overridden"
                           : ch->left_open                       ? "left open"
                           : jr->suggestions[i].suggested        ? "undecided"
                                                                 : "";
        theme_role role = ch->decision == DECISION_ACCEPTED     ? ROLE_GOOD
                          : ch->decision == DECISION_REJECTED   ? ROLE_BAD
                          : ch->decision == DECISION_OVERRIDDEN ? ROLE_ACCENT
                                                                : ROLE_DIM;
        starts[k] = c->vy;
        int used = 11;
        if (ch->has_prediction)
            used += snprintf(sc, sizeof sc, "%s ", ui_fmt_score(sp, sizeof sp, true, ch->mean));
        if ((y = vc_row(c)) >= 0) {
            if (k == entry)
                ui_glyph(y, x - 1, ui_role_attr(ROLE_ACCENT), mark);
            ui_text(y, x, 11, role, what);
            if (ch->has_prediction)
                ui_text(y, x + 11, w - 11, ROLE_PREDICTED, sc);
        }
        /* the whole combination, wrapped under itself */
        vc_wrap(c, x + used, w - used, ROLE_NORMAL, others(s, ch->combo, jr->target, buf, sizeof buf));
        if (ch->decision == DECISION_OVERRIDDEN) {
            snprintf(line, sizeof line, "%s yours %s", a->g->arrow_right, others(s, ch->replacement, jr->target, buf, sizeof buf));
            vc_wrap(c, x + 2, w - 2, ROLE_ACCENT, line);
        }
        if (ch->reason) {
            snprintf(line, sizeof line, "reason: %s", ch->reason);
            vc_wrap(c, x + 2, w - 2, ROLE_DIM, line);
        }
    }
    for (size_t i = 0; i < o->n_notes; i++, k++) {
        starts[k] = c->vy;
        if ((y = vc_row(c)) >= 0 && k == entry)
            ui_glyph(y, x - 1, ui_role_attr(ROLE_ACCENT), mark);
        snprintf(line, sizeof line, "note: %s", o->notes[i]);
        vc_wrap(c, x, w, ROLE_ACCENT, line);
    }
    starts[k] = c->vy;
    if (jr->n_uncommits) {
        snprintf(line, sizeof line, jr->n_uncommits == 1 ? "commit undone once" : "commit undone %zu times",
                 jr->n_uncommits);
        vc_wrap(c, x, w, ROLE_DIM, line);
    }
    if (!jr->committed)
        vc_wrap(c, x, w, ROLE_DIM, "not committed yet (the Round view)");
}

static void history_draw(app *a, void *state, ui_rect r)
{
    history_view *v = state;
    const round_session *rs = a->session;
    const study *s = a->study;
    int y = r.y;
    if (!rs || !rs->journal) {
        ui_text(y + 1, r.x + 2, r.w - 4, ROLE_DIM, "no journal: this study names none (a bare table)");
        return;
    }
    size_t n;
    round_history_row *rows = round_history(rs, &n);
    if (n == 0) {
        ui_text(y, r.x + 1, r.w - 2, ROLE_HEADER, "History");
        ui_text(y + 2, r.x + 2, r.w - 4, ROLE_DIM, "no rounds yet: step one in the Round view (4)");
        free(rows);
        return;
    }
    if (v->cursor >= n)
        v->cursor = n - 1;
    int x = ui_textf(y, r.x + 1, r.w - 2, ROLE_HEADER, "History  %zu round%s", n, n == 1 ? "" : "s");
    if (rs->read_only)
        ui_text(y, r.x + 3 + x, r.w - 4 - x, ROLE_BAD, rs->read_only_why);
    y++;
    ui_text(y++, r.x + 1, r.w - 2, ROLE_HEADER,
            "  # target          sug acc rej ovr note run back  cv rho  |err|  best so far");
    int table_h = (int)n < 6 ? (int)n : 6;
    if (v->cursor < v->top)
        v->top = v->cursor;
    if (v->cursor >= v->top + (size_t)table_h)
        v->top = v->cursor - (size_t)table_h + 1;
    char cv[16], err[16], best[16];
    for (size_t i = v->top; i < n && i < v->top + (size_t)table_h; i++, y++) {
        const round_history_row *h = &rows[i];
        bool cur = i == v->cursor;
        theme_role role = cur ? ROLE_CURSOR : ROLE_NORMAL;
        if (cur)
            ui_fill(y, r.x, r.w, ROLE_CURSOR);
        snprintf(cv, sizeof cv, h->has_cv ? "%6.2f" : "     -", h->cv_spearman);
        snprintf(err, sizeof err, h->has_error ? "%6.4f" : "     -", h->error);
        ui_fmt_score(best, sizeof best, h->has_best, h->best);
        ui_textf(y, r.x + 1, 4, role, "%3d", h->number);
        size_t nr;
        const journal_round *hr = &journal_rounds(rs->journal, &nr)[i];
        char joint[32];
        snprintf(joint, sizeof joint, "joint (%d)", combo_rank(hr->targets));
        ui_text(y, r.x + 5, 15, cur ? role : ROLE_ACCENT,
                combo_rank(hr->targets) > 1 ? joint : h->target >= 0 ? s->datasets[h->target].name : "-");
        ui_textf(y, r.x + 21, r.w - 22, role, "%3zu %3zu %3zu %3zu %4zu %3zu %4zu  %s %s  %s%s", h->suggested,
                 h->accepted, h->rejected, h->overridden, h->notes, h->queued, h->results, cv, err, best,
                 h->committed ? "" : "  open");
    }
    ui_glyph_row(y++, r.x, r.w, ui_role_attr(ROLE_BORDER), a->g->hline);
    /* details of the round on the left, the plots on the right */
    const journal_round *jr = &journal_rounds(rs->journal, &n)[v->cursor];
    int pw = r.w >= 120 ? r.w * 2 / 5 : r.w >= 76 ? 34 : r.w / 2; /* the plots grow on wide screens */
    /* an entry picked on a narrow screen: the details take the width, the plots come back with
     * the next round */
    bool full = v->picked && r.w < 120;
    int dw = full ? r.w - 2 : r.w - pw - 3;
    int y_end = r.y + r.h;
    size_t nrev;
    review_round *rev = review_rounds(rs, &nrev);
    char tn[1024];
    int tw = ui_textf(y, r.x + 1, dw, ROLE_HEADER, "round %d: %s", jr->number,
             v->cursor < nrev ? review_round_targets(s, &rev[v->cursor], tn, sizeof tn)
                              : jr->target >= 0 ? s->datasets[jr->target].name : "-");
    if (v->cursor < nrev) {
        /* the details, scrolled so that the picked entry is whole on screen */
        const review_round *o = &rev[v->cursor];
        size_t ne = o->n_runs + o->n_choices + o->n_notes;
        if (v->entry >= ne)
            v->entry = ne ? ne - 1 : 0;
        size_t entry = v->picked && ne ? v->entry : (size_t)-1;
        int *starts = xcalloc(ne + 1, sizeof *starts);
        vcanvas c = {y + 1, 0, 0, 0}; /* measure: where each entry lies */
        draw_details(a, jr, o, entry, &c, r.x + 1, dw, starts);
        int total = c.vy, shown = y_end - (y + 1);
        c = (vcanvas){y + 1, shown, 0, 0};
        if (entry < ne) {
            int e0 = starts[entry], e1 = starts[entry + 1];
            if (e1 > shown)
                c.skip = e1 - shown;
            if (e0 < c.skip)
                c.skip = e0;
        }
        draw_details(a, jr, o, entry, &c, r.x + 1, dw, starts);
        free(starts);
        /* what is above and below, and the keys that reach it */
        char more[64];
        snprintf(more, sizeof more, "%s%s%s", c.skip > 0 ? a->g->arrow_up : "",
                 total - c.skip > shown ? a->g->arrow_down : "", ne ? " h/l" : "");
        if (dw - tw > ui_text_width(more) + 2)
            ui_text_right(y, r.x + 1, dw, ROLE_DIM, more);
    }
    review_free(rev, nrev);
    if (full) {
        free(rows);
        return;
    }
    int px = r.x + dw + 2;
    for (int k = y; k < y_end; k++)
        ui_glyph(k, px - 1, ui_role_attr(ROLE_BORDER), a->g->vline);
    int target = jr->target >= 0 ? jr->target : a->target;
    if (target < 0) { /* a study without targets: nothing to plot */
        free(rows);
        return;
    }
    double *curve;
    size_t np = round_best_curve(rs, target, &curve);
    char title[128];
    snprintf(title, sizeof title, "best so far: %s", s->datasets[target].name);
    int left = y_end - y;
    int h1 = left >= 24 ? left / 2 - 3 : left >= 13 ? 4 : left >= 9 ? 3 : 2;
    study_target_summary ts;
    study_target_summarize(s, target, &ts);
    int yy = draw_plot(a, y, px + 1, pw, h1, title, curve, np, 0, ts.has_baseline, ts.baseline, "baseline");
    free(curve);
    /* accuracy: cv spearman per round (the rounds with one) */
    double *acc = xmalloc(n * sizeof *acc);
    for (size_t i = 0; i < n; i++)
        acc[i] = rows[i].has_cv ? rows[i].cv_spearman : NAN;
    if (y_end - yy >= 5)
        draw_plot(a, yy, px + 1, pw, y_end - yy - 3 > (left >= 24 ? 10 : 3) ? (left >= 24 ? 10 : 3) : y_end - yy - 3,
                  "predictor accuracy (cv rho)", acc, n,
                  (size_t)rows[0].number, false, 0, NULL);
    free(acc);
    free(rows);
}

static int history_action(app *a, void *state, enum action act)
{
    history_view *v = state;
    size_t n = 0, was = v->cursor;
    if (a->session && a->session->journal)
        journal_rounds(a->session->journal, &n);
    switch (act) {
    case ACTION_MOVE_UP:
        if (v->cursor > 0)
            v->cursor--;
        break;
    case ACTION_MOVE_DOWN:
        if (v->cursor + 1 < n)
            v->cursor++;
        break;
    case ACTION_MOVE_FIRST: v->cursor = 0; break;
    case ACTION_MOVE_LAST: v->cursor = n ? n - 1 : 0; break;
    case ACTION_PAGE_UP: v->cursor = v->cursor > 5 ? v->cursor - 5 : 0; break;
    case ACTION_PAGE_DOWN: v->cursor = v->cursor + 5 < n ? v->cursor + 5 : (n ? n - 1 : 0); break;
    case ACTION_HISTORY_ENTRY_NEXT: /* the first pick is the round's first entry */
        v->entry += v->picked; /* the draw keeps it on the round's last entry */
        v->picked = true;
        break;
    case ACTION_HISTORY_ENTRY_PREV:
        if (v->picked && v->entry > 0)
            v->entry--;
        v->picked = true;
        break;
    case ACTION_SHOW_LATTICE: { /* the selected run or suggestion (yours when overridden) */
        size_t nrev;
        combo_t c = 0;
        review_round *rev = a->session && a->session->journal ? review_rounds(a->session, &nrev) : NULL;
        bool ok = v->picked && rev && v->cursor < nrev;
        size_t ne = ok ? rev[v->cursor].n_runs + rev[v->cursor].n_choices + rev[v->cursor].n_notes : 0;
        if (ne && v->entry >= ne)
            v->entry = ne - 1; /* l past the last entry */
        bool note = ok && ne && v->entry >= rev[v->cursor].n_runs + rev[v->cursor].n_choices;
        ok = ok && entry_combo(a->study, &rev[v->cursor], v->entry, &c, NULL, 0);
        if (note) {
            review_free(rev, nrev);
            app_message(a, false, "a note has no combination: h picks a run or suggestion");
            return UI_HANDLED | UI_REDRAW;
        }
        int target = ok ? rev[v->cursor].target : -1;
        if (rev)
            review_free(rev, nrev);
        if (!ok)
            return UI_UNHANDLED;
        return app_show_combo(a, VIEW_LATTICE, c, target >= 0 ? target : a->target);
    }
    case ACTION_HISTORY_TARGET: {
        if (v->cursor >= n)
            return UI_HANDLED;
        int t = journal_rounds(a->session->journal, &n)[v->cursor].target;
        if (t >= 0)
            app_set_target(a, t);
        break;
    }
    default: return UI_UNHANDLED;
    }
    if (v->cursor != was) { /* another round: nothing picked, its plots back */
        v->entry = 0;
        v->picked = false;
    }
    return UI_HANDLED | UI_REDRAW;
}

typedef struct history_match {
    const app *a;
    const char *text;
} history_match;

static bool history_round_matches(void *ctx, size_t k)
{
    const history_match *m = ctx;
    return find_round(m->a->session->journal, m->a->study, k, m->text);
}

/* `/`: the next round whose combinations, reasons, notes or runs hold every word of text. */
static bool history_search(app *a, void *state, const char *text, enum search_step step)
{
    history_view *v = state;
    size_t n = 0;
    if (!a->session || !a->session->journal)
        return false;
    journal_rounds(a->session->journal, &n);
    history_match m = {a, text};
    long k = find_next(n, v->cursor, step == SEARCH_PREV ? -1 : 1, step == SEARCH_TYPED, history_round_matches, &m);
    if (k < 0)
        return false;
    if (v->cursor != (size_t)k)
        v->entry = 0;
    v->cursor = (size_t)k;
    /* the first entry of the round that matches is picked, so that the details show it whole */
    size_t nrev;
    review_round *rev = review_rounds(a->session, &nrev);
    v->picked = false;
    if (v->cursor < nrev) {
        const review_round *o = &rev[v->cursor];
        const study *s = a->study;
        size_t e = 0;
        for (size_t i = 0; i < o->n_runs && !v->picked; i++, e++)
            v->picked = find_combo(s, o->runs[i].combo, text) || find_words(o->runs[i].id, text);
        for (size_t i = 0; i < o->n_choices && !v->picked; i++, e++) {
            const review_choice *ch = &o->choices[i];
            v->picked = find_combo(s, ch->combo, text) ||
                        (ch->decision == DECISION_OVERRIDDEN && find_combo(s, ch->replacement, text)) ||
                        (ch->reason && find_words(ch->reason, text));
        }
        for (size_t i = 0; i < o->n_notes && !v->picked; i++, e++)
            v->picked = find_words(o->notes[i], text);
        if (v->picked)
            v->entry = e - 1;
    }
    review_free(rev, nrev);
    return true;
}

const struct view_ops view_history_ops = {
    .name = "History",
    .id = VIEW_HISTORY,
    .scope = SCOPE_HISTORY,
    .init = history_init,
    .draw = history_draw,
    .action = history_action,
    .reload = history_reload,
    .search = history_search,
    .done = history_done,
};
