/* comboscope replay: the search against a complete table, against random search. */
#define _GNU_SOURCE
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "comboscope/replay.h"
#include "comboscope/study_json.h"
#include "comboscope/text.h"

static const char replay_help[] =
    "usage: comboscope replay TABLE [--target NAME | --all] [--predictor NAME]\n"
    "                         [--acquisition NAME] [--batch B] [--init DESIGN] [--budget N]\n"
    "                         [--patience R] [--seeds N] [--seed S] [--pool | --joint]\n"
    "                         [--json]\n\n"
    "Treat a complete table as the oracle and run the search from scratch against it, once\n"
    "per seed. Per target: median and 90th percentile over the seeds of the runs (initial\n"
    "design included, whole rounds counted) until the best combination is measured and until\n"
    "one in the best 1% is, next to random search's exact mean and median.\n\n"
    "  --target NAME       replay this target only\n"
    "  --all               every dataset as a target (default: the study's targets)\n"
    "  --predictor NAME    auto (default), gp, ensemble, mlp, additive, pairwise, random, multi\n"
    "  --acquisition NAME  ucb (default), mean, ei, thompson\n"
    "  --batch B           suggestions per round (default 1)\n"
    "  --init DESIGN       auto (default), paper, singles, alone, random:N\n"
    "  --budget N          stop each search after N runs\n"
    "  --patience R        stop after R rounds without improvement (1: the paper's rule)\n"
    "  --seeds N           searches per target (default 10)\n"
    "  --seed S            first seed (default 1)\n"
    "  --pool              pool-based: the candidates are the table's measured combinations\n"
    "  --joint             total runs until every target's best is measured: one search serving\n"
    "                      all the targets at once against per-target searches one after another\n"
    "                      (the table need not be complete)\n"
    "  --json              print one JSON object\n"
    "  --metric NAME       use this metric column\n"
    "  --goal max|min      whether higher or lower scores are better\n"
    "  -h, --help          show this help\n"
    "  -V, --version       show the version\n";

static const char *fmt_runs(double v, char *buf, size_t n)
{
    if (isfinite(v))
        snprintf(buf, n, "%.1f", v);
    else
        snprintf(buf, n, "-");
    return buf;
}

/* replay --joint: one search for every target against per-target searches one after another. */
static int print_joint(const study *s, const char *path, const int *targets, int nt, const replay_options *ro,
                       bool json)
{
    cs_error err;
    replay_joint_result r;
    if (!replay_joint(s, targets, nt, ro, &r, &err)) {
        cli_error(&err);
        return EXIT_INVALID;
    }
    char init_buf[32], safe[1024], a[32], b[32], c[32], d[32];
    search_design_format(&ro->init, init_buf, sizeof init_buf);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "table", path);
        cJSON_AddStringToObject(o, "predictor", predict_kind_name(ro->search.predictor));
        cJSON_AddStringToObject(o, "acquisition", search_acquisition_name(ro->search.acquisition));
        cJSON_AddNumberToObject(o, "batch", ro->search.batch);
        cJSON_AddStringToObject(o, "init", init_buf);
        cJSON_AddNumberToObject(o, "seeds", ro->seeds);
        cJSON *t = cJSON_AddArrayToObject(o, "targets");
        for (int i = 0; i < nt; i++)
            cJSON_AddItemToArray(t, cJSON_CreateString(s->datasets[targets[i]].name));
        cJSON *j = cJSON_AddObjectToObject(o, "joint");
        cli_json_num(j, "median", r.joint_median);
        cli_json_num(j, "p90", r.joint_p90);
        cJSON_AddNumberToObject(j, "found", r.joint_found);
        cJSON *q = cJSON_AddObjectToObject(o, "one_after_another");
        cli_json_num(q, "median", r.sequential_median);
        cli_json_num(q, "p90", r.sequential_p90);
        cJSON_AddNumberToObject(q, "found", r.sequential_found);
        cli_json_print(o);
        return EXIT_OK;
    }
    printf("replay --joint %s: predictor %s, acquisition %s, batch %d, init %s, %d seed%s, %d target%s\n",
           text_sanitize(path, safe, sizeof safe), predict_kind_name(ro->search.predictor),
           search_acquisition_name(ro->search.acquisition), ro->search.batch, init_buf, ro->seeds,
           ro->seeds == 1 ? "" : "s", nt, nt == 1 ? "" : "s");
    printf("total runs until every target's best is measured (median / p90 over seeds; initial designs included)\n");
    printf("  one search serving every target   %7s %7s   found %d/%d\n", fmt_runs(r.joint_median, a, sizeof a),
           fmt_runs(r.joint_p90, b, sizeof b), r.joint_found, ro->seeds);
    printf("  per-target searches in turn       %7s %7s   found %d/%d\n", fmt_runs(r.sequential_median, c, sizeof c),
           fmt_runs(r.sequential_p90, d, sizeof d), r.sequential_found, ro->seeds);
    return EXIT_OK;
}

/* Progress on stderr while it is a terminal: "replay: 37 of 120 searches (12 targets x 10
 * seeds), 12 s elapsed, about 27 s left", rewritten in place, erased at the end. */
typedef struct progress {
    long done, total;
    int targets;
    long seeds;
    struct timespec start, last;
} progress;

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_step(void *ctx)
{
    progress *p = ctx;
    p->done++;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (p->done > 1 && p->done < p->total && seconds_between(&p->last, &now) < 0.2)
        return;
    p->last = now;
    double el = seconds_between(&p->start, &now);
    double left = p->done ? el / (double)p->done * (double)(p->total - p->done) : 0;
    fprintf(stderr, "\rreplay: %ld of %ld searches done (%d target%s x %ld seed%s), %.0f s elapsed, about %.0f s left\033[K",
            p->done, p->total, p->targets, p->targets == 1 ? "" : "s", p->seeds, p->seeds == 1 ? "" : "s", el, left);
    fflush(stderr);
}

static void progress_end(const progress *p)
{
    if (p->done)
        fputs("\r\033[K", stderr);
}

static const char *fmt_random(double v, char *buf, size_t n)
{
    snprintf(buf, n, v < 10000 ? "%.1f" : "%.0f", v);
    return buf;
}

/* The text table, within 80 columns: per target, the runs until the best combination and until
 * one in the best 1% were measured (median and p90 over the seeds), random search's exact mean
 * and how many seeds found it. Names longer than the column are cut with a '~'. */
static void print_table(const study *s, const replay_result *res, int nt, long seeds)
{
    int w = 6;
    char name[1024], a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32];
    for (int i = 0; i < nt; i++) {
        int l = (int)strlen(text_sanitize(s->datasets[res[i].target].name, name, sizeof name));
        w = l > w ? l : w;
    }
    w = w > 17 ? 17 : w;
    printf("%-*s %7s  %s  %s\n", w, "", "", "------ best combination -----", "--- one in the best 1% ------");
    printf("%-*s %7s  %6s %6s %8s %6s  %6s %6s %8s %6s\n", w, "target", "lattice", "median", "p90", "random", "found",
           "median", "p90", "random", "found");
    for (int i = 0; i < nt; i++) {
        text_sanitize(s->datasets[res[i].target].name, name, sizeof name);
        if ((int)strlen(name) > w) {
            name[w - 1] = '~';
            name[w] = '\0';
        }
        snprintf(c, sizeof c, "%d/%ld", res[i].found_best, seeds);
        snprintf(g, sizeof g, "%d/%ld", res[i].found_top, seeds);
        printf("%-*s %7llu  %6s %6s %8s %6s  %6s %6s %8s %6s\n", w, name, (unsigned long long)res[i].lattice,
               fmt_runs(res[i].best_median, a, sizeof a), fmt_runs(res[i].best_p90, b, sizeof b),
               fmt_random(res[i].random_best, d, sizeof d), c, fmt_runs(res[i].top_median, e, sizeof e),
               fmt_runs(res[i].top_p90, f, sizeof f), fmt_random(res[i].random_top, h, sizeof h), g);
    }
}

int cmd_replay(int argc, char **argv)
{
    static const cli_option opts[] = {
        {"target", 't', "NAME", 0},  {"all", 'A', NULL, 0},      {"predictor", 'p', "NAME", 0},
        {"acquisition", 'a', "NAME", 0}, {"batch", 'b', "B", 0}, {"init", 'i', "DESIGN", 0},
        {"budget", 'B', "N", 0},     {"patience", 'P', "R", 0},  {"seeds", 'n', "N", 0},
        {"seed", 's', "S", 0},       {"json", 'j', NULL, 0},     {"metric", 'm', "NAME", 0},
        {"goal", 'g', "max|min", 0}, {"pool", 'o', NULL, 0},        {"joint", 'J', NULL, 0},
        {NULL, 0, NULL, 0},
    };
    const char *target_name = NULL, *pred_name = NULL, *acq_name = NULL, *init_name = "auto";
    bool all = false, json = false, pool = false, joint = false;
    long batch = 1, budget = 0, patience = 0, seeds = 10, seed = 1;
    study_open_options opt = {0};
    cli_args p;
    cli_args_init(&p, "replay", replay_help, opts, argc, argv);
    int c;
    while ((c = cli_next(&p)) > 0) {
        switch (c) {
        case 't': target_name = p.value; break;
        case 'A': all = true; break;
        case 'p': pred_name = p.value; break;
        case 'a': acq_name = p.value; break;
        case 'i': init_name = p.value; break;
        case 'b':
            if (!cli_parse_long(p.value, 1, 100000, &batch))
                return cli_usage_error("replay", "--batch must be a whole number from 1 to 100000");
            break;
        case 'B':
            if (!cli_parse_long(p.value, 1, 100000000, &budget))
                return cli_usage_error("replay", "--budget must be a whole number from 1");
            break;
        case 'P':
            if (!cli_parse_long(p.value, 1, 100000, &patience))
                return cli_usage_error("replay", "--patience must be a whole number from 1");
            break;
        case 'n':
            if (!cli_parse_long(p.value, 1, 10000, &seeds))
                return cli_usage_error("replay", "--seeds must be a whole number from 1 to 10000");
            break;
        case 's':
            if (!cli_parse_long(p.value, 0, 0x7fffffffL, &seed))
                return cli_usage_error("replay", "--seed must be a whole number from 0 to 2147483647");
            break;
        case 'j': json = true; break;
        case 'o': pool = true; break;
        case 'J': joint = true; break;
        default:
            if (cli_study_option(&p, c, &opt) < 0)
                return EXIT_USAGE;
            break;
        }
    }
    if (c == CLI_EXIT)
        return p.status;
    if (cli_want_operands(&p, 1, 1, "TABLE"))
        return EXIT_USAGE;
    if (pool && joint)
        return cli_usage_error("replay", "--pool and --joint exclude each other");
    if (all && target_name)
        return cli_usage_error("replay", "--target and --all exclude each other");
    const char *path = p.operands[0];
    char safe[1024];
    replay_options ro = {.search = {.predictor = PREDICT_DEFAULT, .acquisition = SEARCH_DEFAULT_ACQUISITION,
                                    .batch = (int)batch, .seed = (uint64_t)seed},
                         .init = {DESIGN_AUTO, 0}, .budget = (size_t)budget, .patience = (int)patience,
                         .seeds = (int)seeds, .pool = pool};
    if (!cli_option_names("replay", pred_name, acq_name) || !cli_search_names(path, pred_name, acq_name, &ro.search))
        return EXIT_USAGE;
    if (!search_design_parse(init_name, &ro.init))
        return cli_usage_error("replay", "--init must be auto, paper, singles, alone or random:N");
    cs_error err;
    study *s = study_open(path, &opt, &err);
    if (!s) {
        cli_error(&err);
        return EXIT_INVALID;
    }
    int targets[COMBO_MAX_DATASETS], nt = 0, rc = EXIT_INVALID;
    if (target_name) {
        int t = study_find_dataset(s, target_name);
        if (t < 0) {
            fprintf(stderr, "%s: target '%s' is not a dataset of the table\n", path,
                    text_sanitize(target_name, safe, sizeof safe));
            goto done;
        }
        targets[nt++] = t;
    } else if (all) {
        for (int i = 0; i < s->n_datasets; i++)
            targets[nt++] = i;
    } else {
        for (int i = 0; i < s->n_targets; i++)
            targets[nt++] = s->targets[i];
    }
    for (int i = 0; i < nt && !pool; i++)
        if (!replay_check_complete(s, targets[i], &err)) {
            cli_error(&err);
            goto done;
        }
    if (joint) {
        rc = print_joint(s, path, targets, nt, &ro, json);
        goto done;
    }
    replay_result *res = xcalloc((size_t)nt, sizeof *res);
    progress pg = {0, (long)nt * seeds, nt, seeds, {0, 0}, {0, 0}};
    if (isatty(STDERR_FILENO)) {
        clock_gettime(CLOCK_MONOTONIC, &pg.start);
        pg.last = pg.start;
        ro.progress = progress_step;
        ro.progress_ctx = &pg;
    }
    for (int i = 0; i < nt; i++)
        if (!replay_target(s, targets[i], &ro, &res[i], &err)) {
            progress_end(&pg);
            cli_error(&err);
            free(res);
            goto done;
        }
    progress_end(&pg);
    double *rb = xmalloc((size_t)nt * sizeof *rb), *mb = xmalloc((size_t)nt * sizeof *mb);
    double *rt = xmalloc((size_t)nt * sizeof *rt), *mt = xmalloc((size_t)nt * sizeof *mt);
    double *rbm = xmalloc((size_t)nt * sizeof *rbm), *rtm = xmalloc((size_t)nt * sizeof *rtm);
    for (int i = 0; i < nt; i++) {
        rb[i] = res[i].random_best;
        mb[i] = res[i].best_median;
        rt[i] = res[i].random_top;
        mt[i] = res[i].top_median;
        rbm[i] = res[i].random_best_median;
        rtm[i] = res[i].random_top_median;
    }
    double sp_best = replay_speedup(rb, mb, (size_t)nt), sp_top = replay_speedup(rt, mt, (size_t)nt);
    /* Finding (c): random's mean over our median flatters a skewed search; median over median
     * is the like-for-like figure. Both are printed, each named. */
    double spm_best = replay_speedup(rbm, mb, (size_t)nt), spm_top = replay_speedup(rtm, mt, (size_t)nt);
    char init_buf[32];
    search_design_format(&ro.init, init_buf, sizeof init_buf);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "table", path);
        cJSON_AddStringToObject(o, "predictor", predict_kind_name(ro.search.predictor));
        cJSON_AddStringToObject(o, "acquisition", search_acquisition_name(ro.search.acquisition));
        cJSON_AddNumberToObject(o, "batch", (double)batch);
        cJSON_AddStringToObject(o, "init", init_buf);
        cJSON_AddNumberToObject(o, "seeds", (double)seeds);
        cJSON_AddBoolToObject(o, "pool", pool);
        cJSON *arr = cJSON_AddArrayToObject(o, "targets");
        for (int i = 0; i < nt; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "target", s->datasets[res[i].target].name);
            cJSON_AddNumberToObject(e, "lattice", (double)res[i].lattice);
            cJSON *b = cJSON_AddObjectToObject(e, "runs_to_best");
            cli_json_num(b, "median", res[i].best_median);
            cli_json_num(b, "p90", res[i].best_p90);
            cJSON *t = cJSON_AddObjectToObject(e, "runs_to_top1pct");
            cli_json_num(t, "median", res[i].top_median);
            cli_json_num(t, "p90", res[i].top_p90);
            cli_json_num(e, "random_runs_to_best", res[i].random_best);
            cli_json_num(e, "random_runs_to_top1pct", res[i].random_top);
            cli_json_num(e, "random_median_runs_to_best", res[i].random_best_median);
            cli_json_num(e, "random_median_runs_to_top1pct", res[i].random_top_median);
            cJSON_AddItemToArray(arr, e);
        }
        cJSON *sum = cJSON_AddObjectToObject(o, "summary");
        cli_json_num(sum, "speedup_best", sp_best);
        cli_json_num(sum, "speedup_top1pct", sp_top);
        cli_json_num(sum, "speedup_best_vs_random_median", spm_best);
        cli_json_num(sum, "speedup_top1pct_vs_random_median", spm_top);
        cli_json_print(o);
    } else {
        printf("replay %s\n", text_sanitize(path, safe, sizeof safe));
        printf("predictor %s, acquisition %s, batch %ld, init %s, %ld seed%s%s\n", predict_kind_name(ro.search.predictor),
               search_acquisition_name(ro.search.acquisition), batch, init_buf, seeds, seeds == 1 ? "" : "s",
               pool ? ", pool: the measured combinations" : "");
        printf("runs until measured: median and p90 over the seeds (initial design included),\n"
               "random search's exact mean, the seeds that found it ('-': too few found it)\n");
        print_table(s, res, nt, seeds);
        char a[32], b[32];
        printf("speedup over random search (geometric mean over targets of random / our median):\n");
        printf("  vs its mean:    best %s, top 1%% %s\n",
               isfinite(sp_best) ? (snprintf(a, sizeof a, "%.2fx", sp_best), a) : "- (not found by half the seeds)",
               isfinite(sp_top) ? (snprintf(b, sizeof b, "%.2fx", sp_top), b) : "- (not found by half the seeds)");
        printf("  vs its median:  best %s, top 1%% %s\n",
               isfinite(spm_best) ? (snprintf(a, sizeof a, "%.2fx", spm_best), a) : "- (not found by half the seeds)",
               isfinite(spm_top) ? (snprintf(b, sizeof b, "%.2fx", spm_top), b) : "- (not found by half the seeds)");
    }
    rc = EXIT_OK;
    free(rb);
    free(mb);
    free(rt);
    free(mt);
    free(rbm);
    free(rtm);
    free(res);
done:
    study_free(s);
    return rc;
}
