/* export: what the Heatmaps, Lattice and Table views show, all of it (not only what fits on a
 * screen), as CSV with one header row (RFC 4180 quoting), for `comboscope export` and the views'
 * export key. Numbers are written to twelve significant digits ("%.12g"), empty where not measured. No
 * curses here.
 *   heatmap  target,task,aux,aux_task,pair_gain,marginal_gain,pairs,helped: one row per
 *            (target, auxiliary) pair, targets in task order (only_target >= 0: that one);
 *   lattice  combination,size,column,row,measured,score,gain,replicates,sd: every combination
 *            that contains the target (up to 13 datasets; beyond, the measured ones), with its
 *            place in the effect-ordered grid the Lattice view draws (lattice_axes.h);
 *   table    combination,dataset,task,size,n,gain,METRIC...: every observation (only_target >= 0:
 *            that dataset's), in the Table view's default order (by combination). */
#ifndef COMBOSCOPE_EXPORT_H
#define COMBOSCOPE_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "comboscope/study.h"

typedef enum export_kind { EXPORT_HEATMAP, EXPORT_LATTICE, EXPORT_TABLE } export_kind;

/* "heatmap", "lattice", "table" -> kind; false for anything else. */
bool export_kind_parse(const char *name, export_kind *out);

/* Writes the CSV of kind for s under metric m to out. target (a dataset index) is required
 * for the lattice, a filter for the others (-1: every row). Returns the data rows written,
 * or -1 on a write error. */
long export_csv(FILE *out, const study *s, export_kind kind, int m, int target);

#endif
