/* lattice_view: the Lattice view's private interface, shared by its three files:
 *   view_lattice.c     the entry point: state, keys, prompts, the ops table, one frame
 *   lattice_layouts.c  geometry, cells, the Gray-code grid with its axis labels, the by-size layout
 *   lattice_panel.c    the title, the side panel, the legend and the neighbour list
 * Nothing is computed here beyond layout: scores, gains, effects, orders and bands come from
 * the core (lattice.h, lattice_axes.h). */
#ifndef COMBOSCOPE_UI_LATTICE_VIEW_H
#define COMBOSCOPE_UI_LATTICE_VIEW_H

#include "comboscope/lattice.h"
#include "comboscope/lattice_axes.h"
#include "ui.h"

typedef struct lattice_view {
    int target; /* the target the layouts were built for */
    int metric; /* the metric shown (index into study.metrics) */
    bool by_size;
    bool study_order;  /* the fixed Gray-code order (datasets in study order), not by effect */
    int page_cb, page_rb; /* the page bits the grid's axes were dealt for (lattice_grid_init_paged) */
    combo_t cursor;
    lattice_grid grid;
    lattice_scale scale;
    lattice_hasse hasse;
    bool hasse_ready;
    lattice_effect effects[COMBO_MAX_DATASETS]; /* each dataset's effect on the target */
    const lattice_predictions *effects_pr;      /* the predictions the effects were taken with */
    lattice_filter filter; /* "contains X, without Y": the rest is blanked out */
    int toggle_match; /* the dataset the toggle prompt's text names, -1 for none */
    bool toggling;    /* the toggle prompt is open */
    bool zoom;        /* one cell per character (the ramp) rather than two, paged */
    lattice_cut cut;  /* what is called good (pair glyphs, predictions): cycled with a key */
    lattice_cutoff cutoff;
    /* cells drawn in the last frame with a prediction, and those predicted good: the legend
     * names the predicted glyphs only when some are on screen */
    size_t shown_predicted, shown_predicted_good;
} lattice_view;

/* Where things go for one frame. Rows of r: title, column labels, the layout, the legend, the
 * neighbours; columns: the layout, the row labels, the side panel. */
typedef struct lattice_geom {
    int cell_h;          /* cells per character row: 2 (half blocks, pair glyphs) or 1 */
    int cell_w;          /* characters per cell: 1, or 2 when the screen is wide */
    int top, rows;       /* the layout's character rows */
    int left, width;     /* the layout's columns */
    int clab_y, clab_rows;   /* column labels: one row per labelled column dataset */
    int rlab_x, rlab_bars, rlab_w; /* row labels right of the grid: bars, then names */
    int panel_x, panel_w;    /* 0: no panel, the cursor's combination goes in the legend row */
    int legend_y, list_y, list_rows;
    uint64_t x0, y0, pc, pr; /* grid: the page shown (x0, y0: 0, the page's own coordinates) */
    lattice_grid page;       /* the page's own grid: what varies on it (lattice_grid_page) */
    combo_t fixed;           /* the datasets fixed on the page (0: the whole grid is shown) */
    combo_t base;            /* those of them that are in: OR'ed into the page's combinations */
    int page_ds[64], n_page; /* the fixed datasets in paging order (lattice_grid_page_datasets) */
} lattice_geom;

/* The combination at (x, y) of the page shown. */
static inline combo_t lattice_page_combo(const lattice_geom *g, uint64_t x, uint64_t y)
{
    return lattice_grid_combo(&g->page, x, y) | g->base;
}

/* Heat level (0..6) of a cell, -1 when it is not measured, PREDICTED + level when not measured
 * but predicted, FILTERED when the filter leaves it out. */
enum { LATTICE_PREDICTED = 100, LATTICE_FILTERED = -2 };

/* ---- shared helpers (view_lattice.c) ---- */
/* The frame's geometry, with the grid's axes dealt for its pages first (effect order). */
lattice_geom lattice_frame(app *a, lattice_view *v, ui_rect r);
bool lattice_heat_colors(void);
bool lattice_half_blocks(const app *a);
int lattice_cells_per_char(const app *a, const lattice_view *v);
bool lattice_pair_mode(const app *a, const lattice_view *v);
const char *lattice_ramp_glyph(const app *a, int level);
const lattice_predictions *lattice_pred(const app *a, const lattice_view *v);
int lattice_cell_level(const app *a, lattice_view *v, combo_t c, bool *good);
theme_role lattice_gain_role(bool has, double g);
/* "+.015" / "-.003": an effect in four columns or five; "?" when unknown */
char *lattice_fmt_effect(char *buf, size_t n, const lattice_effect *e);

/* ---- layouts (lattice_layouts.c) ---- */
lattice_geom lattice_geometry(const app *a, const lattice_view *v, ui_rect r);
void lattice_draw_grid(app *a, lattice_view *v, const lattice_geom *g);
void lattice_draw_axis_labels(app *a, lattice_view *v, const lattice_geom *g);
void lattice_draw_hasse(app *a, lattice_view *v, const lattice_geom *g);
extern const char *const lattice_pair_glyphs[3][3];
extern const char lattice_pair_predicted_good[], lattice_pair_predicted[];
extern const char *const lattice_ramp_ascii[THEME_HEAT_LEVELS];
enum { HALF_GOOD, HALF_MEASURED, HALF_NONE };

/* ---- text (lattice_panel.c) ---- */
/* "page 2/4: +bc4chemd -phee": the page shown and its fixed datasets, in at most w columns
 * (the ones in only, when not all fit). */
void lattice_page_label(const app *a, const lattice_view *v, const lattice_geom *g, int w, char *buf, size_t n);
void lattice_draw_title(app *a, lattice_view *v, const lattice_geom *g, ui_rect r);
void lattice_draw_panel(app *a, lattice_view *v, const lattice_geom *g);
void lattice_draw_legend(app *a, lattice_view *v, const lattice_geom *g, ui_rect r);
void lattice_draw_neighbours(app *a, lattice_view *v, const lattice_geom *g, ui_rect r);

#endif
