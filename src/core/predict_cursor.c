/* predict_cursor: incremental scoring of many combinations in a row (Gray-code order: one
 * dataset changes per step). The families fill member-minor copies of their weights
 * (predict_*_cursor_init); the steps and the output are the same code for all of them. */
#include "comboscope/predict.h"

#include <stdlib.h>
#include <string.h>

#include "comboscope/predict_gp.h"
#include "comboscope/text.h"
#include "predict_impl.h"

/* A move that changes more datasets than this is computed from scratch. */
#define CURSOR_MAX_STEPS 4

predict_cursor *predict_cursor_new(const predict_model *md)
{
    predict_cursor *cur = xcalloc(1, sizeof *cur);
    cur->md = md;
    cur->S = md->members;
    for (int b = 0; b < COMBO_MAX_DATASETS; b++)
        cur->input[b] = -1;
    switch (md->kind) {
    case PREDICT_ENSEMBLE:
    case PREDICT_MLP:
        cur->H = md->hidden;
        cur->inputs = md->d;
        cur->relu = md->relu;
        for (int b = 0; b < md->n; b++)
            cur->input[b] = md->local[b];
        break;
    case PREDICT_MULTI:
        cur->H = md->hidden;
        cur->inputs = md->n; /* every dataset, the target's (always in) included */
        for (int b = 0; b < md->n; b++)
            cur->input[b] = b;
        break;
    case PREDICT_GP:
        cur->gp = gp_cursor_new(md->gp);
        for (int b = 0; b < md->n; b++)
            cur->input[b] = md->local[b];
        return cur;
    case PREDICT_ADDITIVE:
    case PREDICT_PAIRWISE:
        cur->H = 0;
        cur->inputs = md->d;
        for (int b = 0; b < md->n; b++)
            cur->input[b] = md->local[b];
        break;
    default:
        cur->generic = true;
        return cur;
    }
    size_t S = (size_t)cur->S, H = (size_t)cur->H, I = (size_t)(cur->inputs > 0 ? cur->inputs : 1);
    cur->W1 = xcalloc(I * H * S + 1, sizeof *cur->W1);
    cur->b1 = xcalloc(H * S + 1, sizeof *cur->b1);
    cur->w2 = xcalloc(H * S + 1, sizeof *cur->w2);
    cur->out0 = xcalloc(S, sizeof *cur->out0);
    cur->main = xcalloc(I * S, sizeof *cur->main);
    cur->h = xcalloc(H * S + 1, sizeof *cur->h);
    cur->z = xcalloc(H * S + 1, sizeof *cur->z);
    cur->lin = xcalloc(S, sizeof *cur->lin);
    cur->o = xcalloc(S, sizeof *cur->o);
    if (md->kind == PREDICT_MULTI)
        predict_multi_cursor_init(md, cur);
    else if (cur->H > 0)
        predict_net_cursor_init(md, cur);
    else
        predict_ridge_cursor_init(md, cur);
    return cur;
}

void predict_cursor_free(predict_cursor *cur)
{
    if (!cur)
        return;
    gp_cursor_free(cur->gp);
    free(cur->W1);
    free(cur->b1);
    free(cur->w2);
    free(cur->out0);
    free(cur->main);
    free(cur->pw);
    free(cur->pairmap);
    free(cur->h);
    free(cur->z);
    free(cur->lin);
    free(cur->o);
    free(cur);
}

void predict_cursor_reset(predict_cursor *cur)
{
    cur->c = 0;
    if (cur->gp)
        gp_cursor_reset(cur->gp);
}

static void add_input(predict_cursor *cur, int i)
{
    int S = cur->S, HS = cur->H * S;
    const double *row = cur->W1 + (size_t)i * HS;
    double *restrict h = cur->h;
    for (int k = 0; k < HS; k++)
        h[k] += row[k];
    const double *mi = cur->main + (size_t)i * S;
    double *restrict lin = cur->lin;
    for (int s = 0; s < S; s++)
        lin[s] += mi[s];
    if (cur->pair)
        for (int a = 0; a < cur->nactive; a++) {
            const double *pr = cur->pw + (size_t)cur->pair[i * cur->inputs + cur->active[a]] * S;
            for (int s = 0; s < S; s++)
                lin[s] += pr[s];
        }
    cur->active[cur->nactive++] = i;
}

static void remove_input(predict_cursor *cur, int i)
{
    int S = cur->S, HS = cur->H * S;
    const double *row = cur->W1 + (size_t)i * HS;
    double *restrict h = cur->h;
    for (int k = 0; k < HS; k++)
        h[k] -= row[k];
    const double *mi = cur->main + (size_t)i * S;
    double *restrict lin = cur->lin;
    for (int s = 0; s < S; s++)
        lin[s] -= mi[s];
    for (int a = 0; a < cur->nactive; a++)
        if (cur->active[a] == i) {
            cur->active[a] = cur->active[--cur->nactive];
            break;
        }
    if (cur->pair)
        for (int a = 0; a < cur->nactive; a++) {
            const double *pr = cur->pw + (size_t)cur->pair[i * cur->inputs + cur->active[a]] * S;
            for (int s = 0; s < S; s++)
                lin[s] -= pr[s];
        }
}

static void set_from_scratch(predict_cursor *cur, combo_t c)
{
    memcpy(cur->h, cur->b1, (size_t)cur->H * cur->S * sizeof *cur->h);
    memset(cur->lin, 0, (size_t)cur->S * sizeof *cur->lin);
    cur->nactive = 0;
    while (c) {
        int b = __builtin_ctzll(c);
        c &= c - 1;
        if (cur->input[b] >= 0)
            add_input(cur, cur->input[b]);
    }
}

void predict_cursor_eval(predict_cursor *cur, combo_t c, double *out)
{
    const predict_model *md = cur->md;
    if (cur->generic) {
        predict_eval_members(md, c, out);
        return;
    }
    if (cur->gp) { /* the GP's inputs: the other datasets' bits, by input index */
        uint64_t bits = 0;
        for (combo_t r = c; r; r &= r - 1) {
            int i = cur->input[__builtin_ctzll(r)];
            if (i >= 0)
                bits |= (uint64_t)1 << i;
        }
        gp_cursor_eval(cur->gp, bits, out);
        for (int s = 0; s < cur->S; s++)
            out[s] = md->ymean + md->yscale * out[s];
        return;
    }
    combo_t diff = c ^ cur->c;
    if (cur->c == 0 || __builtin_popcountll(diff) > CURSOR_MAX_STEPS) {
        set_from_scratch(cur, c);
    } else {
        while (diff) {
            int b = __builtin_ctzll(diff);
            diff &= diff - 1;
            int i = cur->input[b];
            if (i < 0)
                continue;
            if (combo_has(c, b))
                add_input(cur, i);
            else
                remove_input(cur, i);
        }
    }
    cur->c = c;
    int S = cur->S, H = cur->H;
    double *restrict o = cur->o;
    memcpy(o, cur->out0, (size_t)S * sizeof *o);
    if (H > 0) {
        predict_activate(cur->h, cur->z, H * S, cur->relu);
        const double *z = cur->z, *w2 = cur->w2;
        for (int u = 0; u < H; u++)
            for (int s = 0; s < S; s++)
                o[s] += w2[u * S + s] * z[u * S + s];
    }
    for (int s = 0; s < S; s++)
        out[s] = md->ymean + md->yscale * (o[s] + cur->lin[s]);
}
