/* round_propose: the batch of a round (see round.h): proposed by the search, or reopened from
 * the journal with the decisions that stand on it; the predictions the editor shows. */
#include "comboscope/round.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comboscope/text.h"
#include "round_impl.h"

/* ---- the batch ------------------------------------------------------------------------------ */

int round_serves_of(const study *s, combo_t c)
{
    int n = 0;
    for (int i = 0; i < s->n_targets; i++)
        n += combo_has(c, s->targets[i]);
    return n;
}

/* Copies the standing decisions of the journal's round onto the items. */
void round_items_settle(round_session *rs)
{
    const journal_round *r = rs->journal ? journal_round_find(rs->journal, rs->number) : NULL;
    for (size_t i = 0; i < rs->n_items; i++) {
        round_item *it = &rs->items[i];
        it->decision = DECISION_NONE;
        it->replacement = 0;
        it->reason = NULL;
        for (size_t k = 0; r && k < r->n_suggestions; k++) {
            const journal_suggestion *sg = &r->suggestions[k];
            if (sg->combo != it->combo || sg->decision == DECISION_NONE)
                continue;
            it->decision = sg->decision;
            it->replacement = sg->replacement;
            if (sg->decision == DECISION_REJECTED)
                it->reason = rs->journal->events[sg->decision_event].text;
        }
        it->repl_predicted = it->repl_sd = NAN;
        if (it->replacement)
            round_score(rs, it->replacement, &it->repl_predicted, &it->repl_sd);
    }
}

/* Combinations a new batch must not propose again: runs waiting in the queue, and suggestions
 * for this target that a committed round rejected or replaced by the user's own. Returns how
 * many there are (to ask the search for that many more) when c is 0. */
static size_t excluded(const journal *j, int target, combo_t c)
{
    size_t n = 0;
    for (size_t i = 0; j && i < j->n_runs; i++) {
        if (!journal_run_waiting(&j->runs[i]))
            continue;
        if (c == 0)
            n++;
        else if (j->runs[i].combo == c)
            return 1;
    }
    for (size_t r = 0; j && r < j->n_rounds; r++) {
        const journal_round *jr = &j->rounds[r];
        if (!jr->committed)
            continue;
        for (size_t k = 0; k < jr->n_suggestions; k++) {
            const journal_suggestion *sg = &jr->suggestions[k];
            if (sg->target != target || (sg->decision != DECISION_REJECTED && sg->decision != DECISION_OVERRIDDEN))
                continue;
            if (c == 0)
                n++;
            else if (sg->combo == c)
                return 1;
        }
    }
    return c ? 0 : n;
}

/* excluded() for a joint round: a waiting run, or rejected or overridden for any of the round's
 * targets that c contains (c 0: how many, at most, to ask the search for more). */
static size_t excluded_joint(const round_session *rs, combo_t c)
{
    size_t n = 0;
    for (int j = 0; j < rs->n_targets; j++) {
        if (c && !combo_has(c, rs->targets[j]))
            continue;
        size_t e = excluded(rs->journal, rs->targets[j], c);
        if (c && e)
            return 1;
        n += e;
    }
    return c ? 0 : n;
}

/* The round's targets: the chosen set (round_set_joint_targets), else every target of the study,
 * in study order. */
static void joint_targets(round_session *rs)
{
    const study *s = rs->study;
    rs->n_targets = 0;
    if (rs->joint_n > 0) {
        for (int j = 0; j < rs->joint_n; j++)
            rs->targets[rs->n_targets++] = rs->joint_set[j];
        return;
    }
    combo_t all = 0;
    for (int i = 0; i < s->n_targets; i++)
        all |= combo_single(s->targets[i]);
    for (int d = 0; d < s->n_datasets; d++)
        if (combo_has(all, d))
            rs->targets[rs->n_targets++] = d;
}

/* Runs a joint job for rs->targets (fits, cv, and the search when search is set) and keeps its
 * models and figures; *jjo gets the job (caller frees) for its picks. */
static bool joint_fit(round_session *rs, const search_settings *st, bool search, round_joint_job **jjo, cs_error *err)
{
    round_joint_job *jj = round_joint_job_new(rs->study, st, rs->targets, rs->n_targets, true, search);
    bool ok = false;
    if (!round_fit_joint(rs, jj, &ok, err))
        return false; /* cancelled: the worker owns jj */
    if (!ok) {
        round_joint_job_free(jj);
        return false;
    }
    for (int j = 0; j < rs->n_targets; j++) {
        rs->models[j] = jj->models[j];
        jj->models[j] = NULL;
        rs->fits[j] = jj->fits[j];
        study_target_summarize(rs->study, rs->targets[j], &rs->fits[j].summary);
        rs->fits[j].measured = rs->fits[j].summary.measured;
        if (rs->targets[j] == rs->target) {
            rs->has_cv = rs->fits[j].has_cv;
            rs->cv_spearman = rs->fits[j].cv_spearman;
            rs->cv_mae = rs->fits[j].cv_mae;
            rs->measured = rs->fits[j].measured;
        }
    }
    rs->prospect_known = false;
    *jjo = jj;
    return true;
}

/* Fills item it's per-target figures from the round's models (a reopened round whose journal
 * did not keep them). */
static void item_score_targets(round_session *rs, round_item *it)
{
    for (int j = 0; j < rs->n_targets; j++) {
        it->t_predicted[j] = it->t_sd[j] = it->t_value[j] = NAN;
        round_score_target(rs, j, it->combo, &it->t_predicted[j], &it->t_sd[j]);
    }
}

/* A new joint round: the best candidates by their summed improvement over rs->targets. */
static bool propose_joint(round_session *rs, cs_error *err)
{
    rs->is_joint = true;
    joint_targets(rs);
    if (!round_joint_ready(rs->study, rs->targets, rs->n_targets, rs->settings.seed, err))
        return false;
    size_t skip = excluded_joint(rs, 0);
    search_settings st = rs->settings;
    st.batch = rs->settings.batch + (int)(skip < 4096 ? skip : 4096);
    round_joint_job *jj = NULL;
    if (!joint_fit(rs, &st, true, &jj, err))
        return false;
    rs->items = xcalloc((size_t)rs->settings.batch, sizeof *rs->items);
    for (int i = 0; i < jj->got && rs->n_items < (size_t)rs->settings.batch; i++) {
        const search_joint_pick *p = &jj->picks[i];
        if (excluded_joint(rs, p->combo))
            continue;
        round_item *it = &rs->items[rs->n_items++];
        it->combo = p->combo;
        it->predicted = it->sd = NAN;
        it->acquisition = p->value;
        for (int j = 0; j < rs->n_targets; j++) {
            it->t_predicted[j] = p->predicted[j];
            it->t_sd[j] = p->sd[j];
            it->t_value[j] = p->z[j];
            if (rs->targets[j] == rs->target) {
                it->predicted = p->predicted[j];
                it->sd = p->sd[j];
            }
        }
        it->serves = round_serves_of(rs->study, it->combo);
        it->repl_predicted = it->repl_sd = NAN;
    }
    round_joint_job_free(jj);
    return true;
}

/* Reopens round rs->number from the journal: the latest block of consecutive `suggested`
 * events for the target, and any other suggestion a decision stands on. */
static bool load_from_journal(round_session *rs, const journal_round *r, cs_error *err)
{
    const journal *j = rs->journal;
    size_t last = 0;
    bool any = false;
    /* a joint round (its suggestions name several targets): its suggestions name each the first
     * of its targets that they contain, so the block is every consecutive suggestion */
    bool joint = combo_rank(r->targets) > 1;
    for (size_t k = 0; k < r->n_suggestions; k++)
        if (r->suggestions[k].suggested && (joint || r->suggestions[k].target == rs->target) &&
            (!any || r->suggestions[k].event > last))
            last = r->suggestions[k].event, any = true;
    /* the block ends at `last`; walk back over consecutive suggested events of the round */
    size_t first = last;
    while (any && first > 0 && j->events[first - 1].kind == JOURNAL_SUGGESTED &&
           j->events[first - 1].round == rs->number && (joint || j->events[first - 1].target == rs->target))
        first--;
    /* the predictor that proposed it */
    if (any) {
        const journal_event *e = &j->events[last];
        rs->design = !e->predictor && !e->has_prediction;
        if (e->predictor)
            predict_kind_parse(e->predictor, &rs->settings.predictor);
        if (e->acquisition)
            search_acquisition_parse(e->acquisition, &rs->settings.acquisition);
    }
    if (joint) {
        rs->is_joint = rs->joint = true; /* and the rounds after it, until J */
        rs->n_targets = 0;
        for (int d = 0; d < rs->study->n_datasets; d++)
            if (combo_has(r->targets, d))
                rs->targets[rs->n_targets++] = d;
        rs->joint_n = rs->n_targets; /* the same set for the rounds after it */
        memcpy(rs->joint_set, rs->targets, (size_t)rs->n_targets * sizeof *rs->targets);
        if (!combo_has(r->targets, rs->target))
            rs->target = rs->targets[0];
        study_target_summarize(rs->study, rs->target, &rs->summary);
        round_joint_job *jj = NULL;
        if (!joint_fit(rs, &rs->settings, false, &jj, err))
            return false;
        round_joint_job_free(jj);
    } else {
        combo_t *x;
        double *y;
        size_t m;
        if (!round_fit(rs, &x, &y, &m, err))
            return false;
        free(x);
        free(y);
    }
    rs->items = xcalloc(r->n_suggestions ? r->n_suggestions : 1, sizeof *rs->items);
    for (size_t k = 0; k < r->n_suggestions; k++) {
        const journal_suggestion *sg = &r->suggestions[k];
        bool in_block = any && sg->suggested && sg->event >= first && sg->event <= last;
        if (!in_block && sg->decision == DECISION_NONE)
            continue;
        round_item *it = &rs->items[rs->n_items++];
        memset(it, 0, sizeof *it);
        it->combo = sg->combo;
        it->predicted = it->sd = it->acquisition = NAN;
        const journal_event *e = &j->events[sg->event];
        if (e->kind == JOURNAL_SUGGESTED && e->has_prediction) {
            it->predicted = e->mean;
            it->sd = e->spread;
        } else {
            round_score(rs, it->combo, &it->predicted, &it->sd);
        }
        if (e->kind == JOURNAL_SUGGESTED && e->has_value)
            it->acquisition = e->value;
        it->serves = round_serves_of(rs->study, it->combo);
        if (joint) {
            item_score_targets(rs, it);
            for (int q = 0; q < rs->n_targets && e->kind == JOURNAL_SUGGESTED && e->per_target; q++) {
                const double *pt = &e->per_target[(size_t)rs->targets[q] * 3];
                if (isfinite(pt[0])) { /* as journaled when it was proposed */
                    it->t_predicted[q] = pt[0];
                    it->t_sd[q] = pt[1];
                    it->t_value[q] = pt[2];
                }
            }
            /* the list shows the current target's prediction (the journaled one names the first) */
            for (int q = 0; q < rs->n_targets; q++)
                if (rs->targets[q] == rs->target) {
                    it->predicted = it->t_predicted[q];
                    it->sd = it->t_sd[q];
                }
        }
    }
    if (any && j->events[first].has_cv) { /* the accuracy it had when it proposed the batch */
        rs->has_cv = true;
        rs->cv_spearman = j->events[first].cv_spearman;
        rs->cv_mae = j->events[first].cv_mae;
    }
    rs->settings.batch = rs->n_items > 0 ? (int)rs->n_items : rs->settings.batch;
    rs->journaled = true;
    round_items_settle(rs);
    return true;
}

/* Too few runs to fit anything: the first round proposes the `auto` initial design, as replay
 * and suggest do (the combinations of it not measured yet), without predictions. */
static bool propose_design(round_session *rs, cs_error *err)
{
    (void)err;
    const study *s = rs->study;
    size_t n;
    combo_t *c = round_auto_design(s, rs->target, rs->settings.seed, &n);
    rs->design_alone = n == 1;
    rs->items = xcalloc(n ? n : 1, sizeof *rs->items);
    for (size_t i = 0; i < n; i++) {
        double v;
        if (study_score(s, c[i], rs->target, &v) || excluded(rs->journal, rs->target, c[i]))
            continue;
        round_item *it = &rs->items[rs->n_items++];
        it->combo = c[i];
        it->predicted = it->sd = it->acquisition = NAN;
        it->repl_predicted = it->repl_sd = NAN;
        it->serves = round_serves_of(s, c[i]);
    }
    free(c);
    rs->design = true;
    return true;
}

static bool propose_new(round_session *rs, cs_error *err)
{
    if (rs->joint)
        return propose_joint(rs, err);
    combo_t *x;
    double *y;
    size_t m = study_target_points(rs->study, rs->target, &x, &y);
    rs->measured = m; /* the initial design's header says it too; a fit sets it again */
    bool none_left = rs->study->n_datasets <= 63 && search_remaining(rs->study->n_datasets, rs->target, x, m) == 0;
    free(x);
    free(y);
    if (none_left) /* a complete lattice: nothing to propose, no model worth fitting */
        return true;
    if (m < round_fit_threshold(rs->study, rs->target, rs->settings.seed))
        return propose_design(rs, err);
    /* ask for more than the batch, so that the excluded combinations can be dropped */
    size_t skip = excluded(rs->journal, rs->target, 0);
    search_settings st = rs->settings;
    st.batch = rs->settings.batch + (int)(skip < 4096 ? skip : 4096);
    search_suggestion *sug = NULL;
    int got = -1;
    if (!round_fit_and_search(rs, &st, &x, &y, &m, &sug, &got, err))
        return false;
    free(x);
    free(y);
    if (got < 0) {
        free(sug);
        return false;
    }
    rs->items = xcalloc((size_t)rs->settings.batch, sizeof *rs->items);
    for (int i = 0; i < got && rs->n_items < (size_t)rs->settings.batch; i++) {
        if (excluded(rs->journal, rs->target, sug[i].combo))
            continue;
        round_item *it = &rs->items[rs->n_items++];
        it->combo = sug[i].combo;
        it->predicted = sug[i].predicted;
        it->sd = sug[i].sd;
        it->acquisition = sug[i].acquisition;
        it->serves = round_serves_of(rs->study, it->combo);
        it->repl_predicted = it->repl_sd = NAN;
    }
    free(sug);
    return true;
}

bool round_propose(round_session *rs, int target, cs_error *err)
{
    round_clear(rs);
    rs->target = target;
    rs->number = rs->journal ? journal_current_round(rs->journal) : 1;
    const journal_round *r = rs->journal ? journal_round_find(rs->journal, rs->number) : NULL;
    /* an open round keeps its target (a joint one: the asked one when it serves it) */
    if (r && !r->committed && r->target >= 0 && !(combo_rank(r->targets) > 1 && target >= 0 && combo_has(r->targets, target)))
        rs->target = r->target;
    study_target_summarize(rs->study, rs->target, &rs->summary);
    if (r && !r->committed && r->n_suggestions > 0)
        return load_from_journal(rs, r, err);
    return propose_new(rs, err);
}

size_t round_fit_runs(const round_session *rs, int target)
{
    const journal_round *r = rs->journal ? journal_round_find(rs->journal, journal_current_round(rs->journal)) : NULL;
    if (r && !r->committed && r->target >= 0)
        target = r->target;
    if (target < 0 || target >= rs->study->n_datasets)
        return 0;
    combo_t *x;
    double *y;
    size_t m = study_target_points(rs->study, target, &x, &y);
    /* as propose_new decides (a reopened round fits even a complete lattice: it is rare) */
    bool none_left = rs->study->n_datasets <= 63 && search_remaining(rs->study->n_datasets, target, x, m) == 0;
    free(x);
    free(y);
    return m < round_fit_threshold(rs->study, target, rs->settings.seed) || (none_left && !(r && !r->committed && r->n_suggestions > 0)) ? 0 : m;
}

bool round_decided_any(const round_session *rs)
{
    for (size_t i = 0; i < rs->n_items; i++)
        if (rs->items[i].decision != DECISION_NONE)
            return true;
    return false;
}

static bool repropose(round_session *rs, search_settings next, cs_error *err)
{
    if (round_decided_any(rs))
        return error_set(err, NULL, 0, 0, "decisions stand on this batch: undo them (u) before re-proposing");
    search_settings keep = rs->settings;
    int target = rs->target;
    round_clear(rs);
    rs->settings = next;
    study_target_summarize(rs->study, target, &rs->summary);
    rs->target = target;
    if (!propose_new(rs, err)) {
        rs->settings = keep;
        return false;
    }
    return true;
}

bool round_set_predictor(round_session *rs, predict_kind k, cs_error *err)
{
    search_settings st = rs->settings;
    st.predictor = k;
    return repropose(rs, st, err);
}

bool round_set_acquisition(round_session *rs, search_acquisition a, cs_error *err)
{
    search_settings st = rs->settings;
    st.acquisition = a;
    return repropose(rs, st, err);
}

bool round_set_batch(round_session *rs, int batch, cs_error *err)
{
    if (batch < 1 || batch > 64)
        return error_set(err, NULL, 0, 0, "the batch size must be from 1 to 64");
    search_settings st = rs->settings;
    st.batch = batch;
    return repropose(rs, st, err);
}

/* ---- predictions for the editor --------------------------------------------------------------- */

bool round_score(const round_session *rs, combo_t c, double *mean, double *sd)
{
    *mean = *sd = NAN;
    if (rs->is_joint) /* the current target's model among the round's */
        for (int j = 0; j < rs->n_targets; j++)
            if (rs->targets[j] == rs->target)
                return round_score_target(rs, j, c, mean, sd);
    if (!rs->model || rs->target < 0 || !combo_has(c, rs->target))
        return false;
    predict_eval(rs->model, c, mean, sd);
    return true;
}

bool round_is_target(const round_session *rs, int d)
{
    for (int j = 0; rs->is_joint && j < rs->n_targets; j++)
        if (rs->targets[j] == d)
            return true;
    return d == rs->target;
}

bool round_score_target(const round_session *rs, int j, combo_t c, double *mean, double *sd)
{
    *mean = *sd = NAN;
    if (!rs->is_joint || j < 0 || j >= rs->n_targets || !rs->models[j] || !combo_has(c, rs->targets[j]))
        return false;
    predict_eval(rs->models[j], c, mean, sd);
    return true;
}

bool round_set_joint(round_session *rs, bool joint, cs_error *err)
{
    int t[COMBO_MAX_DATASETS], nt = 0;
    for (int i = 0; joint && i < rs->study->n_targets && nt < COMBO_MAX_DATASETS; i++)
        t[nt++] = rs->study->targets[i];
    if (joint && nt < 2)
        return error_set(err, NULL, 0, 0, "a joint round serves several targets: the study has %d", nt);
    return round_set_joint_targets(rs, t, nt, err);
}

bool round_set_joint_targets(round_session *rs, const int *targets, int nt, cs_error *err)
{
    const study *s = rs->study;
    /* the set, checked, without duplicates, in study order */
    combo_t want = 0;
    for (int i = 0; i < nt; i++) {
        bool is_target = false;
        for (int k = 0; k < s->n_targets; k++)
            is_target |= s->targets[k] == targets[i];
        if (targets[i] < 0 || targets[i] >= s->n_datasets || !is_target)
            return error_set(err, NULL, 0, 0, "a joint round serves the study's targets only");
        want |= combo_single(targets[i]);
    }
    int set[COMBO_MAX_DATASETS], n = 0;
    for (int d = 0; d < s->n_datasets; d++)
        if (combo_has(want, d))
            set[n++] = d;
    if (n == 1)
        return error_set(err, NULL, 0, 0, "a joint round serves two targets or more (t chooses the one target)");
    combo_t now = 0;
    for (int j = 0; rs->is_joint && j < rs->n_targets; j++)
        now |= combo_single(rs->targets[j]);
    if (want == now && (n > 0) == rs->joint)
        return true; /* nothing changes */
    if (round_decided_any(rs))
        return error_set(err, NULL, 0, 0, "decisions stand on this batch: undo them (u) before re-proposing");
    if (rs->journaled) /* its suggestions would name other targets */
        return error_set(err, NULL, 0, 0, "round %d's batch is in the journal already (a note): commit it, then J",
                         rs->number);
    if (n > 0 && !round_joint_ready(s, set, n, rs->settings.seed, err))
        return false;
    bool keep = rs->joint;
    int keep_n = rs->joint_n, keep_set[COMBO_MAX_DATASETS];
    memcpy(keep_set, rs->joint_set, sizeof keep_set);
    rs->joint = n > 0;
    rs->joint_n = n;
    memcpy(rs->joint_set, set, (size_t)n * sizeof *set);
    if (!repropose(rs, rs->settings, err)) {
        rs->joint = keep;
        rs->joint_n = keep_n;
        memcpy(rs->joint_set, keep_set, sizeof keep_set);
        return false;
    }
    return true;
}

bool round_prospect(round_session *rs, combo_t *out, double *out_mean, double *out_gain)
{
    const study *s = rs->study;
    if (!rs->prospect_known) {
        rs->prospect_known = true;
        rs->has_prospect = false;
        if ((rs->model || rs->is_joint) && rs->target >= 0 && rs->summary.has_best && s->n_datasets <= ROUND_PROSPECT_MAX) {
            bool min = s->goal == GOAL_MIN;
            combo_t t = combo_single(rs->target), others = combo_all(s->n_datasets) & ~t;
            /* every subset of the other datasets, the empty one included (the target alone) */
            combo_t sub = 0;
            do {
                combo_t c = sub | t;
                double v, mean, sd;
                if (!study_score(s, c, rs->target, &v) && round_score(rs, c, &mean, &sd) && isfinite(mean) &&
                    (!rs->has_prospect || (min ? mean < rs->prospect_mean : mean > rs->prospect_mean))) {
                    rs->has_prospect = true;
                    rs->prospect = c;
                    rs->prospect_mean = mean;
                    rs->prospect_sd = sd;
                }
                sub = (sub - others) & others;
            } while (sub);
            if (rs->has_prospect)
                rs->prospect_gain = min ? rs->summary.best - rs->prospect_mean : rs->prospect_mean - rs->summary.best;
        }
    }
    if (rs->has_prospect) {
        *out = rs->prospect;
        *out_mean = rs->prospect_mean;
        *out_gain = rs->prospect_gain;
    }
    return rs->has_prospect;
}

void round_diff_best(const round_session *rs, combo_t c, combo_t *added, combo_t *removed)
{
    combo_t best = rs->summary.has_best ? rs->summary.best_combo : combo_single(rs->target);
    *added = c & ~best;
    *removed = best & ~c;
}
