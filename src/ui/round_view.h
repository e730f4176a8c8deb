/* round_view: the Round view's private interface, shared by its three files:
 *   view_round.c    the entry point: state, proposing, keys, prompts, search, the ops table
 *   round_panel.c   one frame of the round: the header (predictor, accuracy, best measured), the
 *                   batch, the detail of the suggestion under the cursor, the queue
 *   round_editor.c  the combination editor that serves overrides
 * (the runs list, R, is round_runs.c, declared in ui.h). Nothing is computed here beyond
 * layout: predictions, gains and decisions come from the round model (core, round.h). */
#ifndef COMBOSCOPE_UI_ROUND_VIEW_H
#define COMBOSCOPE_UI_ROUND_VIEW_H

#include "comboscope/round.h"
#include "ui.h"

enum ask { ASK_NONE, ASK_REASON, ASK_NOTE, ASK_RESULT, ASK_NAME, ASK_COMMIT, ASK_WITHDRAW, ASK_JOINT };

typedef struct round_view {
    size_t cursor;
    size_t top;          /* first suggestion shown */
    bool proposed;       /* round_propose ran for the current target (lazily: fitting takes a
                          * moment, so a target change while another view is shown waits
                          * until this one is shown again) */
    char problem[ERROR_MSG_MAX]; /* why there is no batch, or "" */
    /* the combination editor (override) */
    bool editing;
    size_t edit_item;
    combo_t edit;
    int edit_pos;        /* dataset index under the editor's cursor */
    int name_match;      /* dataset the name prompt names, -1 for none */
    enum ask ask;
    round_runs_view runs; /* the runs list (R), over the batch while open */
    size_t ask_item;
    char ask_run[JOURNAL_RUN_MAX];
} round_view;

/* round_panel.c */
/* Draws the round (header, batch, detail, the key line) into r. */
void round_panel_draw(app *a, round_view *v, ui_rect r);
/* The study's targets among the members of c: one run scores each of them. */
int round_serves_count(const study *s, combo_t c);
/* "+A +B -C" (what c adds to and removes from the best measured), "= best measured" or "the
 * target alone", into buf (size n). */
void round_diff_text(app *a, combo_t c, char *buf, size_t n);
/* "0.6169 ± 0.0043", "0.6169 ± n/a" (no spread) or "-" (no mean), into buf (size n). */
void round_fmt_pm(app *a, char *buf, size_t n, double mean, double sd);
/* The prediction shown for c, the same in the list and in the editor (see round_panel.c). */
void round_shown_prediction(const round_session *rs, combo_t c, double mean, double sd, double *out_mean,
                            double *out_sd);
/* The gain of predicted over the best measured, formatted into buf (size n). */
void round_expected_gain(app *a, double predicted, char *buf, size_t n);

/* round_editor.c */
void round_editor_draw(app *a, round_view *v, ui_rect r);
int round_editor_action(app *a, round_view *v, enum action act);
/* The index of the only dataset whose name contains text (ignoring case), or -1. */
int round_name_match(const study *s, const char *text);

/* view_round.c */
/* Says "saved: what (journal line N)" when ok, else the error; returns UI_HANDLED | UI_REDRAW. */
int round_saved(app *a, bool ok, const cs_error *err, const char *what);

#endif
