/* predict_spread: what the "± spread" of each predictor means, for the screens that show it
 * (contract in predict.h). */
#include "comboscope/predict.h"

const char *predict_spread_meaning(predict_kind kind)
{
    switch (kind) {
    case PREDICT_ENSEMBLE:
    case PREDICT_MULTI: return "sd over the ensemble's networks (bootstrap samples)";
    case PREDICT_ADDITIVE:
    case PREDICT_PAIRWISE: return "sd of the Bayesian ridge posterior (its draws)";
    case PREDICT_GP: return "sd of the Gaussian process posterior";
    case PREDICT_MLP: /* one network: nothing to spread over */
    case PREDICT_RANDOM:
    case PREDICT_AUTO:
    default: return NULL;
    }
}
