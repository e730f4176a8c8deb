/* review: a study's journal read back for review, round by round: what each round's search used
 * (predictor, acquisition, batch, when it was proposed and committed, the predictor's
 * cross-validated accuracy), what was decided and why, and each run's prediction against what
 * came back, with a mark where a run set a new best for its target. The History view and
 * `comboscope report` (a Markdown report, review_write_report) both read it. No curses here. */
#ifndef COMBOSCOPE_REVIEW_H
#define COMBOSCOPE_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "comboscope/journal.h"
#include "comboscope/round.h"

/* One run of a round: queued at commit, perhaps measured since. */
typedef struct review_run {
    const char *id;        /* borrowed from the journal */
    combo_t combo;
    int target;            /* the round's target (-1 none) */
    bool has_prediction;   /* the suggestion it came from had a predicted score */
    double mean, spread;   /* predicted score of the target, and the predictor's spread */
    bool has_result;       /* its result came back with a score for the target */
    double measured;
    double error;          /* measured - mean (when both) */
    bool new_best;         /* the result beat every score of the target measured before it */
    bool withdrawn;
} review_run;

/* One suggestion of a round and what was decided on it. */
typedef struct review_choice {
    combo_t combo;
    journal_decision decision;
    combo_t replacement;   /* DECISION_OVERRIDDEN */
    bool left_open;        /* committed without a decision */
    bool has_prediction;
    double mean, spread;
    const char *reason;    /* a rejection's reason, or NULL (borrowed) */
} review_choice;

typedef struct review_round {
    int number;
    int target;
    combo_t targets;                     /* a joint round's targets (several), else 0 */
    const char *predictor, *acquisition; /* from its first `suggested` event, or NULL */
    size_t batch;                        /* suggestions */
    bool has_search;                     /* the journal recorded what else decided the round: */
    unsigned long seed;                  /*   the search seed, */
    int batch_asked;                     /*   the suggestions asked for, */
    const char *chosen, *init;           /*   auto's choice and the initial design (or NULL), */
    int fit_runs;                        /*   the runs fitted (0: none); borrowed strings */
    bool has_cv;
    double cv_spearman, cv_mae;          /* as journaled when proposed */
    const char *proposed, *committed;    /* times ("" when not), borrowed */
    review_choice *choices;
    size_t n_choices;
    const char **notes;                  /* borrowed */
    size_t n_notes;
    review_run *runs;
    size_t n_runs;
    bool has_error;
    double mean_abs_error;               /* over the runs with both a prediction and a result */
} review_round;

/* Every round of rs's journal (none without one), in order. Free with review_free. Borrowed
 * strings point into rs->journal, which must outlive the result. */
review_round *review_rounds(const round_session *rs, size_t *n);
void review_free(review_round *r, size_t n);

/* The round's predictor in words, into buf (size n), which it returns: "auto (chose gp on 30
 * runs)", "ensemble (on 30 runs)", "none (initial design: paper)"; the bare name for a journal
 * that did not record more. */
char *review_round_predictor(const review_round *o, char *buf, size_t n);

/* "seed 1", or "seed not journaled" for a round journaled before seeds were. */
char *review_round_seed(const review_round *o, char *buf, size_t n);

/* What a round serves, into buf (size n), which it returns: its target's name, or for a joint
 * round "joint: A + B" (every target it serves). */
char *review_round_targets(const study *s, const review_round *o, char *buf, size_t n);

/* Writes the study's report as Markdown (readable as plain text) to out: the targets with
 * baseline, best so far and gain; each round's settings, suggestions with their decisions and
 * reasons, notes, and runs predicted against measured; the predictor's accuracy over the rounds.
 * Returns false on a write error. */
bool review_write_report(FILE *out, const round_session *rs);

#endif
