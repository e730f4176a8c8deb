/* app_impl: what the app loop's files share (app.c, app_terminal.c, app_frame.c, app_keys.c),
 * not the views' business (they see ui.h). */
#ifndef COMBOSCOPE_APP_IMPL_H
#define COMBOSCOPE_APP_IMPL_H

#include <stdbool.h>

#include "ui.h"

/* ---- the terminal (app_terminal.c) ---------------------------------------------------------- */

/* Opens the terminal (or, for a script, an in-memory screen). False with err set. */
bool app_terminal_open(const explorer_options *opt, cs_error *err);

/* Restores the terminal; safe to call twice. Used on quit, errors and out-of-memory. */
void app_terminal_restore(void);

/* Catches SIGINT, SIGTERM and SIGHUP (on) or restores their defaults (off). */
void app_signals_install(bool on);

/* Whether the terminal we read keys from has hung up; if so, SIGHUP is what app_signal says. */
bool app_terminal_hung_up(void);

/* The signal that asks the explorer to leave, 0 if none. */
int app_signal(void);

/* The capability tiers (UTF-8, colours, mouse), decided once after the terminal is known. */
ui_caps app_caps_decide(const explorer_options *opt);

/* ---- the app (app.c) ------------------------------------------------------------------------ */

/* The state of view id, made on first use. */
void *app_view_state(app *a, enum view_id id);

/* Makes view id the current one. Returns UI_* flags. */
int app_show_view(app *a, enum view_id id);

/* The next (dir 1) or previous (dir -1) view. Returns UI_* flags. */
int app_cycle_view(app *a, int dir);

/* Writes the export the prompt asked for to file name in the study's directory. */
void app_export_write(app *a, const char *name);

/* ---- a frame, keys (app_frame.c, app_keys.c) ------------------------------------------------- */

/* Draws the whole frame: erase(), tabs, view, status line, one doupdate(). */
void app_draw_frame(app *a);

/* Handles one key (the view first, then the app). Returns UI_* flags. */
int app_handle_key(app *a, int c);

/* Handles a mouse click at line y, column x. Returns UI_* flags. */
int app_handle_click(app *a, int y, int x);

#endif
