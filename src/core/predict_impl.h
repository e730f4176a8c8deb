/* predict_impl: what the predictor families share behind comboscope/predict.h (private to
 * src/core). predict.c holds the dispatch and cross-validation, predict_ridge.c the Bayesian
 * linear models (additive, pairwise), predict_net.c the networks (mlp, ensemble, multi),
 * predict_gp.c the Gaussian process (gp); auto is a choice among them, in predict.c. */
#ifndef COMBOSCOPE_PREDICT_IMPL_H
#define COMBOSCOPE_PREDICT_IMPL_H

#include "comboscope/predict.h"
#include "comboscope/rng.h"

/* z[i] = tanh(h[i]) for i < n, through glibc's vector tanh where there is one (predict_net.c). */
void predict_tanh(const double *h, double *z, int n);

/* z[i] = tanh(h[i]) (or max(h[i], 0) for relu) for i < n: the hidden units' activation. */
static inline void predict_activate(const double *restrict h, double *restrict z, int n, bool relu)
{
    if (relu)
        for (int i = 0; i < n; i++)
            z[i] = h[i] > 0 ? h[i] : 0;
    else
        predict_tanh(h, z, n);
}

struct predict_model {
    predict_kind kind;
    int n, target, d;
    int local[COMBO_MAX_DATASETS]; /* dataset -> input index, -1 for the target */
    int global[COMBO_MAX_DATASETS]; /* input index -> dataset */
    double ymean, yscale;           /* scores are standardized for fitting */
    int members;
    uint64_t seed;
    /* ridge */
    int p;
    double *w; /* members x p, after the mean weights (row 0 .. members-1); wmean separately */
    double *wmean;
    /* networks */
    int hidden;
    bool skip, relu;
    double *net; /* members x net_size */
    size_t net_size;
    bool multi;  /* net with n outputs on all n bits (PREDICT_MULTI) */
    struct gp_model *gp; /* PREDICT_GP (predict_gp.c) */
    bool automatic;      /* fitted for PREDICT_AUTO: choice says why */
    predict_choice choice;
};


/* The input indices a[0..r) of c's members other than the target (datasets >= n ignored);
 * returns r. */
int predict_active_inputs(const predict_model *md, combo_t c, int *a);

/* Bayesian ridge (predict_ridge.c): fits md->p, md->w (members x p) and md->wmean on the
 * standardized scores ys; eval gives one draw w's standardized prediction. */
void predict_ridge_fit(predict_model *md, const combo_t *x, const double *ys, size_t m, cs_rng *rng);
double predict_ridge_eval(const predict_model *md, const double *w, const int *a, int r);

/* Networks (predict_net.c): mlp and ensemble on the target's standardized scores ys; multi on
 * every member's score of runs. eval gives one member P's standardized prediction. */
void predict_net_fit(predict_model *md, const combo_t *x, const double *ys, size_t m, cs_rng *rng,
                     predict_effort effort);
double predict_net_eval(const predict_model *md, const double *P, const int *a, int r);
void predict_multi_fit(predict_model *md, const predict_runs *runs, cs_rng *rng, predict_effort effort);
double predict_multi_eval(const predict_model *md, const double *P, combo_t c, int out);

/* An incremental scorer (predict_cursor.c). Every array is member-minor ([...][S]) so that one
 * step updates all members with contiguous, vectorisable loops. A member's standardized
 * prediction is out0[s] + sum_u w2[u][s] act(h[u][s]) + lin[s], where h = b1 + the rows W1[i] of
 * the active inputs i and lin = the active inputs' main[i] (+ pair[i][j] for pairs of them). */
struct predict_cursor {
    const predict_model *md;
    int S, H, inputs;               /* members, hidden units (0: linear model), inputs */
    int input[COMBO_MAX_DATASETS];  /* dataset -> input index, -1 if not an input (always in) */
    bool relu, generic;             /* generic: no incremental form, predict_eval_members */
    const int *pair;                /* inputs x inputs -> row of pw, -1 (NULL: no pairs) */
    double *W1;                     /* inputs x H x S */
    double *b1, *w2;                /* H x S */
    double *out0;                   /* S: output bias (networks) or intercept (ridge) */
    double *main;                   /* inputs x S: linear effects (skip path, ridge mains) */
    double *pw;                     /* (pair rows) x S: pair effects (pairwise ridge) */
    double *h, *z, *lin, *o;        /* state: H x S, H x S, S, S */
    int *pairmap;                   /* storage behind pair */
    int active[COMBO_MAX_DATASETS], nactive; /* active inputs, in no particular order */
    struct gp_cursor *gp;           /* PREDICT_GP: the GP's own cursor (predict_gp.c) */
    combo_t c;                      /* the combination the state is for, 0: none */
};

/* Fill a new cursor's weights (the arrays are allocated by the caller from S, H, inputs;
 * pw and pairmap by the ridge family itself). */
void predict_net_cursor_init(const predict_model *md, predict_cursor *cur);
void predict_multi_cursor_init(const predict_model *md, predict_cursor *cur);
void predict_ridge_cursor_init(const predict_model *md, predict_cursor *cur);

#endif
