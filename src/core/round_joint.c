/* round_joint: rounds for several targets at once (see round.h): one run scores every member,
 * so a suggestion is valued by the sum over the round's targets it contains of that target's
 * improvement (search_round_joint). The fits, their cross-validation and the search run as one
 * job, on the Round view's worker thread (round_fit.c) or at once for suggest --joint. */
#include "comboscope/round.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/text.h"
#include "round_impl.h"

static int combo_cmp(const void *a, const void *b)
{
    combo_t x = *(const combo_t *)a, y = *(const combo_t *)b;
    return x < y ? -1 : x > y;
}

round_joint_job *round_joint_job_new(const study *s, const search_settings *st, const int *targets, int nt,
                                     bool cv, bool search)
{
    round_joint_job *jj = xcalloc(1, sizeof *jj);
    jj->st = *st;
    jj->nt = nt;
    for (int j = 0; j < nt; j++)
        jj->targets[j] = targets[j];
    jj->cv = cv;
    jj->search = search;
    /* every measured combination with each member's score, in mask order (hash order is none) */
    int n = s->n_datasets;
    jj->n = n;
    jj->combo = xmalloc((s->n_combos ? s->n_combos : 1) * sizeof *jj->combo);
    for (size_t i = 0; i < s->combo_cap; i++)
        if (s->combo_set[i])
            jj->combo[jj->m++] = s->combo_set[i];
    qsort(jj->combo, jj->m, sizeof *jj->combo, combo_cmp);
    jj->score = xmalloc((jj->m ? jj->m : 1) * (size_t)n * sizeof *jj->score);
    for (size_t i = 0; i < jj->m; i++)
        for (int d = 0; d < n; d++) {
            double v;
            jj->score[i * (size_t)n + (size_t)d] = combo_has(jj->combo[i], d) && study_score(s, jj->combo[i], d, &v) ? v : NAN;
        }
    return jj;
}

void round_joint_job_free(round_joint_job *jj)
{
    if (!jj)
        return;
    for (int j = 0; j < jj->nt; j++)
        predict_free(jj->models[j]);
    free(jj->combo);
    free(jj->score);
    free(jj->picks);
    free(jj);
}

bool round_joint_work(round_joint_job *jj, bool (*abandoned)(void *ctx), void *ctx, cs_error *err)
{
    predict_runs runs = {jj->n, jj->m, jj->combo, jj->score};
    for (int j = 0; j < jj->nt; j++) {
        round_target_fit *f = &jj->fits[j];
        f->target = jj->targets[j];
        f->cv_spearman = f->cv_mae = NAN;
        jj->models[j] = predict_fit_runs(jj->st.predictor, jj->targets[j], &runs, jj->st.seed + (uint64_t)j,
                                         PREDICT_FULL, err);
        if (!jj->models[j] || (abandoned && abandoned(ctx)))
            return false;
        if (predict_auto_choice(jj->models[j], &f->choice)) { /* auto cross-validated already */
            f->automatic = true;
            f->cv_spearman = f->choice.rho;
            f->cv_mae = f->choice.mae;
            f->has_cv = isfinite(f->choice.rho);
        } else if (jj->cv) {
            f->has_cv = predict_cv_runs(jj->st.predictor, jj->targets[j], &runs, ROUND_CV_FOLDS, jj->st.seed,
                                        &f->cv_spearman, &f->cv_mae) &&
                        isfinite(f->cv_spearman);
        }
        if (abandoned && abandoned(ctx))
            return false;
    }
    if (!jj->search)
        return true;
    jj->picks = xmalloc((size_t)(jj->st.batch > 0 ? jj->st.batch : 1) * sizeof *jj->picks);
    jj->got = search_round_joint_models(&jj->st, jj->targets, jj->nt, (const predict_model *const *)jj->models,
                                        &runs, jj->picks, err);
    return jj->got >= 0;
}

bool round_joint_ready(const study *s, const int *targets, int nt, uint64_t seed, cs_error *err)
{
    if (nt < 1)
        return error_set(err, NULL, 0, 0, "a joint round needs targets: the study names none");
    if (s->n_datasets > SEARCH_ENUMERATE_MAX)
        return error_set(err, NULL, 0, 0, "a joint round scores every combination: up to %d datasets (this study has %d)",
                         SEARCH_ENUMERATE_MAX, s->n_datasets);
    for (int j = 0; j < nt; j++) {
        combo_t *x;
        double *y;
        size_t m = study_target_points(s, targets[j], &x, &y);
        free(x);
        free(y);
        size_t need = round_fit_threshold(s, targets[j], seed);
        if (m < need) {
            char safe[256];
            return error_set(err, NULL, 0, 0, "a joint round needs %zu measured run%s of each target: %s has %zu "
                             "(run its initial design first, in a round for it alone)", need, need == 1 ? "" : "s",
                             text_sanitize(s->datasets[targets[j]].name, safe, sizeof safe), m);
        }
    }
    return true;
}

int round_joint_propose(const study *s, const search_settings *st, const int *targets, int nt, bool cv,
                        search_joint_pick *out, round_target_fit *fits, cs_error *err)
{
    if (!round_joint_ready(s, targets, nt, st->seed, err))
        return -1;
    round_joint_job *jj = round_joint_job_new(s, st, targets, nt, cv, true);
    int got = -1;
    if (round_joint_work(jj, NULL, NULL, err)) {
        got = jj->got;
        memcpy(out, jj->picks, (size_t)got * sizeof *out);
        for (int j = 0; j < nt; j++) {
            fits[j] = jj->fits[j];
            study_target_summarize(s, targets[j], &fits[j].summary);
            fits[j].measured = fits[j].summary.measured;
        }
    }
    round_joint_job_free(jj);
    return got;
}
