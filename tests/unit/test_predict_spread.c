#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "comboscope/predict.h"

/* Every predictor with more than one member says what its spread is; one-member ones say none. */
static void test_meaning_per_kind(void **state)
{
    (void)state;
    assert_non_null(predict_spread_meaning(PREDICT_ENSEMBLE));
    assert_non_null(predict_spread_meaning(PREDICT_MULTI));
    assert_non_null(predict_spread_meaning(PREDICT_ADDITIVE));
    assert_non_null(predict_spread_meaning(PREDICT_PAIRWISE));
    assert_non_null(predict_spread_meaning(PREDICT_GP));
    assert_null(predict_spread_meaning(PREDICT_MLP));
    assert_null(predict_spread_meaning(PREDICT_RANDOM));
}

/* The kinds said to have none really have one member, so their sd is always 0. */
static void test_none_means_one_member(void **state)
{
    (void)state;
    combo_t x[6] = {0x1, 0x3, 0x5, 0x7, 0x9, 0xB};
    double y[6] = {0.5, 0.52, 0.49, 0.55, 0.51, 0.53};
    for (int k = 0; k < PREDICT_N_KINDS; k++) {
        if (k == PREDICT_AUTO)
            continue;
        cs_error err;
        predict_model *m = predict_fit((predict_kind)k, 4, 0, x, y, 6, 1, PREDICT_CHEAP, &err);
        if (!m)
            continue;
        bool one = predict_members(m) == 1;
        assert_true(one == (predict_spread_meaning((predict_kind)k) == NULL));
        predict_free(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meaning_per_kind),
        cmocka_unit_test(test_none_means_one_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
