/* comboscope suggest: the next batch of runs for one target, with the predictor's accuracy;
 * with --joint, one batch for several targets, valued by each target it serves. */
#define _GNU_SOURCE
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "comboscope/predict.h"
#include "comboscope/round.h"
#include "comboscope/search.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"

static const char suggest_help[] =
    "usage: comboscope suggest PATH [--target NAME] [-k N] [--predictor NAME]\n"
    "                          [--acquisition NAME] [--seed S] [--json]\n"
    "       comboscope suggest PATH --joint [--target NAME]... [-k N] [...]\n\n"
    "Fit a predictor on the target's measured combinations and print the next k runs to make:\n"
    "combination, predicted score, spread and acquisition value, with the predictor's 5-fold\n"
    "cross-validated accuracy (Spearman, MAE). Defaults come from the study's \"search\" settings.\n"
    "With --joint, one batch for several targets at once (one run scores every member): each\n"
    "candidate is valued by the sum over the targets it contains of its improvement for that\n"
    "target, and each suggestion shows the targets it serves with its value for each.\n\n"
    "  --target NAME       the target dataset (default: the study's first target); with --joint,\n"
    "                      once per target (default: every target of the study)\n"
    "  --joint             one round for several targets (up to 20 datasets)\n"
    "  -k, --batch N       suggestions to print (default: the study's batch, else 4)\n"
    "  --predictor NAME    auto (default), gp, ensemble, mlp, additive, pairwise, random, multi\n"
    "  --acquisition NAME  ucb (default), mean, ei, thompson\n"
    "  --seed S            random seed (default: the study's, else 1)\n"
    "  --no-cv             skip the cross-validation (cv figures are then null)\n"
    "  --json              print one JSON object\n"
    "  --metric NAME       use this metric column\n"
    "  --goal max|min      whether higher or lower scores are better\n"
    "  -h, --help          show this help\n"
    "  -V, --version       show the version\n";

static int combo_cmp(const void *a, const void *b)
{
    combo_t x = *(const combo_t *)a, y = *(const combo_t *)b;
    return x < y ? -1 : x > y;
}

/* The index of target name in the study's targets (an error line when it is not one), or -1. */
static int target_of(const study *s, const char *path, const char *name)
{
    char safe[1024];
    int target = study_find_dataset(s, name);
    bool is_target = false;
    for (int i = 0; i < s->n_targets; i++)
        is_target |= s->targets[i] == target;
    if (target < 0 || !is_target) {
        fprintf(stderr, "%s: target '%s' is not %s\n", path, text_sanitize(name, safe, sizeof safe),
                target < 0 ? "a dataset of the study" : "one of the study's targets");
        return -1;
    }
    return target;
}

/* suggest --joint: one batch for targets (names; none: every target of the study). */
static int suggest_joint(const study *s, const char *path, const search_settings *st, const char *const *names,
                         int n_names, bool cv, bool json)
{
    int targets[COMBO_MAX_DATASETS], nt = 0;
    for (int i = 0; i < n_names; i++) {
        int t = target_of(s, path, names[i]);
        if (t < 0)
            return EXIT_INVALID;
        bool dup = false;
        for (int j = 0; j < nt; j++)
            dup |= targets[j] == t;
        if (!dup)
            targets[nt++] = t;
    }
    for (int i = 0; n_names == 0 && i < s->n_targets && nt < COMBO_MAX_DATASETS; i++)
        targets[nt++] = s->targets[i];
    /* in the study's dataset order, as the Round view's joint round (each target's seed S + j) */
    for (int i = 1; i < nt; i++)
        for (int j = i; j > 0 && targets[j - 1] > targets[j]; j--) {
            int t = targets[j];
            targets[j] = targets[j - 1];
            targets[j - 1] = t;
        }
    if (nt == 0) {
        fprintf(stderr, "%s: the study has no target\n", path);
        return EXIT_INVALID;
    }
    cs_error err;
    search_joint_pick *picks = xmalloc((size_t)st->batch * sizeof *picks);
    round_target_fit fits[COMBO_MAX_DATASETS];
    int got = round_joint_propose(s, st, targets, nt, cv, picks, fits, &err);
    if (got < 0) {
        fprintf(stderr, "%s: %s\n", path, err.msg);
        free(picks);
        return EXIT_INVALID;
    }
    char safe[1024], buf[4096], why[256];
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddBoolToObject(o, "joint", true);
        cJSON_AddStringToObject(o, "predictor", predict_kind_name(st->predictor));
        cJSON_AddStringToObject(o, "acquisition", search_acquisition_name(st->acquisition));
        cJSON *ta = cJSON_AddArrayToObject(o, "targets");
        for (int j = 0; j < nt; j++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "name", s->datasets[targets[j]].name);
            cJSON_AddNumberToObject(e, "measured", (double)fits[j].measured);
            cli_json_num(e, "best", fits[j].summary.has_best ? fits[j].summary.best : NAN);
            cJSON *cvo = cJSON_AddObjectToObject(e, "cv");
            cli_json_num(cvo, "spearman", fits[j].has_cv ? fits[j].cv_spearman : NAN);
            cli_json_num(cvo, "mae", fits[j].has_cv ? fits[j].cv_mae : NAN);
            if (fits[j].automatic)
                cJSON_AddStringToObject(e, "chosen", predict_kind_name(fits[j].choice.chosen));
            cJSON_AddItemToArray(ta, e);
        }
        cJSON *arr = cJSON_AddArrayToObject(o, "suggestions");
        for (int i = 0; i < got; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "combination", study_combo_format(s, picks[i].combo, buf, sizeof buf));
            cli_json_num(e, "value", picks[i].value);
            cJSON *serves = cJSON_AddArrayToObject(e, "serves");
            cJSON *per = cJSON_AddObjectToObject(e, "per_target");
            for (int j = 0; j < nt; j++) {
                if (!combo_has(picks[i].combo, targets[j]))
                    continue;
                cJSON_AddItemToArray(serves, cJSON_CreateString(s->datasets[targets[j]].name));
                cJSON *v = cJSON_AddObjectToObject(per, s->datasets[targets[j]].name);
                cli_json_num(v, "predicted", picks[i].predicted[j]);
                cli_json_num(v, "sd", picks[i].sd[j]);
                cli_json_num(v, "value", picks[i].z[j]);
            }
            cJSON_AddItemToArray(arr, e);
        }
        cli_json_print(o);
        free(picks);
        return EXIT_OK;
    }
    int w = 6; /* the target names' column */
    for (int j = 0; j < nt; j++) {
        int l = (int)strlen(text_sanitize(s->datasets[targets[j]].name, safe, sizeof safe));
        w = l > w ? l : w;
    }
    w = w > 40 ? 40 : w;
    printf("joint round  %d target%s (%s, %s); each suggestion is valued by the sum over the targets it\n"
           "             contains of its improvement for that target (value: (acquisition - best) / sd of\n"
           "             the target's measured scores, at least 0)\n",
           nt, nt == 1 ? "" : "s", text_sanitize(s->metrics[s->metric], buf, 64), s->goal == GOAL_MIN ? "min" : "max");
    for (int j = 0; j < nt; j++) {
        const round_target_fit *f = &fits[j];
        char best[48] = "nothing measured";
        if (f->summary.has_best)
            snprintf(best, sizeof best, "best %.4f", f->summary.best);
        printf("target       %-*s  %zu run%s, %s; ", w, text_sanitize(s->datasets[targets[j]].name, safe, sizeof safe),
               f->measured, f->measured == 1 ? "" : "s", best);
        if (f->automatic)
            printf("%s\n", predict_choice_format(&f->choice, why, sizeof why));
        else if (f->has_cv)
            printf("%s, cv spearman %.3f, mae %.4f\n", predict_kind_name(st->predictor), f->cv_spearman, f->cv_mae);
        else
            printf("%s%s\n", predict_kind_name(st->predictor), cv ? " (cross-validation needs at least 4 runs)" : " (--no-cv)");
    }
    printf("acquisition  %s\n", search_acquisition_name(st->acquisition));
    printf("%3s %8s  %s\n", "#", "value", "combination (then each target it serves: predicted, sd, value)");
    for (int i = 0; i < got; i++) {
        printf("%3d %8.4f  %s\n", i + 1, picks[i].value,
               text_sanitize(study_combo_format(s, picks[i].combo, buf, sizeof buf), safe, sizeof safe));
        for (int j = 0; j < nt; j++)
            if (combo_has(picks[i].combo, targets[j]))
                printf("%13s %-*s  %10.4f %9.4f %8.4f\n", "", w,
                       text_sanitize(s->datasets[targets[j]].name, safe, sizeof safe), picks[i].predicted[j],
                       picks[i].sd[j], picks[i].z[j]);
    }
    free(picks);
    return EXIT_OK;
}

int cmd_suggest(int argc, char **argv)
{
    static const cli_option opts[] = {
        {"target", 't', "NAME", 0},       {"batch", 'k', "N", 'k'},  {"predictor", 'p', "NAME", 0},
        {"acquisition", 'a', "NAME", 0},  {"seed", 's', "S", 0},     {"json", 'j', NULL, 0},
        {"metric", 'm', "NAME", 0},       {"goal", 'g', "max|min", 0}, {"no-cv", 'C', NULL, 0},
        {"joint", 'J', NULL, 0},          {NULL, 0, NULL, 0},
    };
    const char *target_name = NULL, *pred_name = NULL, *acq_name = NULL;
    long k = 0, seed = -1;
    bool json = false, cv = true, joint = false;
    const char *target_names[COMBO_MAX_DATASETS];
    int n_target_names = 0;
    study_open_options opt = {0};
    cli_args p;
    cli_args_init(&p, "suggest", suggest_help, opts, argc, argv);
    int c;
    while ((c = cli_next(&p)) > 0) {
        switch (c) {
        case 't':
            target_name = p.value;
            if (n_target_names == COMBO_MAX_DATASETS)
                return cli_usage_error("suggest", "--target may be given at most 64 times");
            target_names[n_target_names++] = p.value;
            break;
        case 'J': joint = true; break;
        case 'k':
            if (!cli_parse_long(p.value, 1, 100000, &k))
                return cli_usage_error("suggest", "-k must be a whole number from 1 to 100000");
            break;
        case 'p': pred_name = p.value; break;
        case 'a': acq_name = p.value; break;
        case 's':
            if (!cli_parse_long(p.value, 0, 0x7fffffffL, &seed))
                return cli_usage_error("suggest", "--seed must be a whole number from 0 to 2147483647");
            break;
        case 'j': json = true; break;
        case 'C': cv = false; break;
        default:
            if (cli_study_option(&p, c, &opt) < 0)
                return EXIT_USAGE;
            break;
        }
    }
    if (c == CLI_EXIT)
        return p.status;
    if (cli_want_operands(&p, 1, 1, "PATH"))
        return EXIT_USAGE;
    if (!cli_option_names("suggest", pred_name, acq_name))
        return EXIT_USAGE;
    const char *path = p.operands[0];
    cs_error err;
    study *s = study_open(path, &opt, &err);
    if (!s) {
        cli_error(&err);
        return EXIT_INVALID;
    }
    char safe[1024], buf[4096];
    int rc = EXIT_INVALID;
    search_settings st = {.predictor = PREDICT_DEFAULT, .acquisition = SEARCH_DEFAULT_ACQUISITION, .batch = SEARCH_DEFAULT_BATCH, .seed = 1, .minimize = false};
    if (!pred_name)
        pred_name = s->search.predictor;
    if (!acq_name)
        acq_name = s->search.acquisition;
    if (!cli_search_names(path, pred_name, acq_name, &st))
        goto done;
    st.batch = k ? (int)k : s->search.batch > 0 ? s->search.batch : SEARCH_DEFAULT_BATCH;
    st.seed = seed >= 0 ? (uint64_t)seed : s->search.seed ? s->search.seed : 1;
    st.minimize = s->goal == GOAL_MIN;
    if (joint) {
        rc = suggest_joint(s, path, &st, target_names, n_target_names, cv, json);
        goto done;
    }
    if (n_target_names > 1) {
        fprintf(stderr, "%s: --target names one target (several need --joint)\n", path);
        goto done;
    }
    int target = -1;
    if (target_name) {
        target = study_find_dataset(s, target_name);
        bool is_target = false;
        for (int i = 0; i < s->n_targets; i++)
            is_target |= s->targets[i] == target;
        if (target < 0 || !is_target) {
            fprintf(stderr, "%s: target '%s' is not %s\n", path, text_sanitize(target_name, safe, sizeof safe),
                    target < 0 ? "a dataset of the study" : "one of the study's targets");
            goto done;
        }
    } else if (s->n_targets > 0) {
        target = s->targets[0];
    } else {
        fprintf(stderr, "%s: the study has no target\n", path);
        goto done;
    }
    combo_t *x;
    double *y;
    size_t m = study_target_points(s, target, &x, &y);
    uint64_t left = search_remaining(s->n_datasets, target, x, m);
    if (s->n_datasets <= 63 && (uint64_t)st.batch > left) {
        fprintf(stderr, "%s: -k %d is more than the %llu unmeasured combinations left for %s\n", path,
                st.batch, (unsigned long long)left, text_sanitize(s->datasets[target].name, safe, sizeof safe));
        free(x);
        free(y);
        goto done;
    }
    /* Every measured run with every member's score: the multi predictor learns from all. */
    int n = s->n_datasets;
    combo_t *rc_combo = xmalloc((s->n_combos ? s->n_combos : 1) * sizeof *rc_combo);
    size_t nr = 0;
    for (size_t i = 0; i < s->combo_cap; i++)
        if (s->combo_set[i])
            rc_combo[nr++] = s->combo_set[i];
    qsort(rc_combo, nr, sizeof *rc_combo, combo_cmp); /* hash order is no order: sort */
    double *rc_score = xmalloc((nr ? nr : 1) * (size_t)n * sizeof *rc_score);
    for (size_t i = 0; i < nr; i++)
        for (int d = 0; d < n; d++) {
            double v;
            rc_score[i * n + d] = combo_has(rc_combo[i], d) && study_score(s, rc_combo[i], d, &v) ? v : NAN;
        }
    predict_runs runs = {n, nr, rc_combo, rc_score};
    double rho = NAN, mae = NAN;
    /* auto cross-validates its candidates to choose one: its cv is the chosen one's figures
     * from that choice (as the Round view shows), not a second, nested cross-validation */
    if (cv && st.predictor != PREDICT_AUTO)
        predict_cv_runs(st.predictor, target, &runs, 5, st.seed, &rho, &mae);
    search_suggestion *sug = xmalloc((size_t)st.batch * sizeof *sug);
    search_info info;
    int got = search_round_runs(&st, target, &runs, sug, &info, &err);
    if (got >= 0 && cv && info.automatic) {
        rho = info.choice.rho;
        mae = info.choice.mae;
    }
    free(rc_combo);
    free(rc_score);
    if (got < 0) {
        fprintf(stderr, "%s: %s\n", path, err.msg);
        free(sug);
        free(x);
        free(y);
        goto done;
    }
    /* Nothing measured for the target: a model knows nothing yet, so the first runs are the
     * initial design, unscored: `auto`, the paper's (DESIGN.md section 1) unless the lattice is
     * so small that it would take more than a quarter of it, then the target alone. */
    size_t design_size = 0;
    if (m == 0) {
        int task[COMBO_MAX_DATASETS];
        for (int d = 0; d < n; d++)
            task[d] = s->datasets[d].task;
        search_design pd = {DESIGN_AUTO, 0};
        combo_t *dz = search_initial_design(&pd, n, target, task, st.seed, &design_size);
        got = design_size < (size_t)st.batch ? (int)design_size : st.batch;
        for (int i = 0; i < got; i++)
            sug[i] = (search_suggestion){dz[i], NAN, NAN, NAN};
        free(dz);
    }
    const char *tname = s->datasets[target].name;
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "target", tname);
        cJSON_AddStringToObject(o, "predictor", predict_kind_name(st.predictor));
        cJSON_AddStringToObject(o, "acquisition", search_acquisition_name(st.acquisition));
        cJSON *cvo = cJSON_AddObjectToObject(o, "cv");
        cli_json_num(cvo, "spearman", rho);
        cli_json_num(cvo, "mae", mae);
        if (info.automatic && !design_size) {
            cJSON *ao = cJSON_AddObjectToObject(o, "auto");
            cJSON_AddStringToObject(ao, "chosen", predict_kind_name(info.choice.chosen));
            cli_json_num(ao, "cv_spearman", info.choice.rho);
            if (info.choice.runner != PREDICT_AUTO) {
                cJSON_AddStringToObject(ao, "runner_up", predict_kind_name(info.choice.runner));
                cli_json_num(ao, "runner_up_cv_spearman", info.choice.runner_rho);
            }
            cJSON_AddBoolToObject(ao, "skill", info.choice.skill);
        }
        cJSON_AddBoolToObject(o, "later_picks_by_gp", info.later_by_gp && !design_size);
        cJSON *arr = cJSON_AddArrayToObject(o, "suggestions");
        for (int i = 0; i < got; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "combination", study_combo_format(s, sug[i].combo, buf, sizeof buf));
            cli_json_num(e, "predicted", sug[i].predicted);
            cli_json_num(e, "sd", sug[i].sd);
            cli_json_num(e, "acquisition", sug[i].acquisition);
            cJSON_AddItemToArray(arr, e);
        }
        cli_json_print(o);
    } else {
        study_target_summary sum;
        study_target_summarize(s, target, &sum);
        printf("target       %s  (%s, %s; %zu of %llu combinations measured", text_sanitize(tname, safe, sizeof safe),
               text_sanitize(s->metrics[s->metric], buf, 64), s->goal == GOAL_MIN ? "min" : "max", m,
               (unsigned long long)sum.lattice);
        if (sum.has_best)
            printf(", best %.4f", sum.best);
        printf(")\n");
        if (isfinite(rho) || isfinite(mae))
            printf("predictor    %s  (5-fold cross-validation on %zu runs: spearman %.3f, mae %.4f)\n",
                   predict_kind_name(st.predictor), m, rho, mae);
        else if (!cv)
            printf("predictor    %s  (not cross-validated: --no-cv)\n", predict_kind_name(st.predictor));
        else
            printf("predictor    %s  (cross-validation needs at least 4 runs; %zu measured)\n",
                   predict_kind_name(st.predictor), m);
        if (info.automatic && !design_size)
            printf("chosen       %s\n", predict_choice_format(&info.choice, buf, sizeof buf));
        if (!design_size && ((info.automatic && !info.choice.skill) ||
                             (!info.automatic && cv && m >= 4 && !predict_has_skill(rho, m))))
            printf("skill        the predictor cannot rank these runs yet (cv rho not clearly above 0): "
                   "read its predictions as guesses\n");
        if (design_size)
            printf("acquisition  none yet  (no runs of the target: the first %d of the %zu runs of the initial design, %s)\n",
                   got, design_size, design_size == 1 ? "the target alone on this small lattice" : "the paper's");
        else if (info.later_by_gp)
            printf("acquisition  %s, then gp  (%llu candidates %s; the first pick by mlp, the later ones by %s "
                   "on gp's posterior conditioned on the earlier picks)\n",
                   search_acquisition_name(st.acquisition), (unsigned long long)info.candidates,
                   info.enumerated ? "scored: all of them" : "scored by local search around the best measured",
                   search_acquisition_name(st.acquisition));
        else
            printf("acquisition  %s  (%llu candidates %s)\n", search_acquisition_name(st.acquisition),
                   (unsigned long long)info.candidates,
                   info.enumerated ? "scored: all of them" : "scored by local search around the best measured");
        printf("%3s %10s %9s %12s  %s\n", "#", "predicted", "sd", "acquisition", "combination");
        for (int i = 0; i < got; i++)
            if (isnan(sug[i].predicted))
                printf("%3d %10s %9s %12s  %s\n", i + 1, "-", "-", "-",
                       text_sanitize(study_combo_format(s, sug[i].combo, buf, sizeof buf), safe, sizeof safe));
            else
                printf("%3d %10.4f %9.4f %12.4f  %s\n", i + 1, sug[i].predicted, sug[i].sd, sug[i].acquisition,
                       text_sanitize(study_combo_format(s, sug[i].combo, buf, sizeof buf), safe, sizeof safe));
    }
    rc = EXIT_OK;
    free(sug);
    free(x);
    free(y);
done:
    study_free(s);
    return rc;
}
