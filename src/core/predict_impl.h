/* predict_impl: what the predictor families share behind comboscope/predict.h (private to
 * src/core). predict.c holds the dispatch and cross-validation, predict_ridge.c the Bayesian
 * linear models (additive, pairwise), predict_net.c the networks (mlp, ensemble, multi),
 * predict_gp.c the Gaussian process (gp); auto is a choice among them, in predict.c. */
#ifndef COMBOSCOPE_PREDICT_IMPL_H
#define COMBOSCOPE_PREDICT_IMPL_H

#include "comboscope/predict.h"
#include "comboscope/rng.h"

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

#endif
