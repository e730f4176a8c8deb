/* actions: every key of the explorer in one table. It drives dispatch (keys.c), the `?` help
 * screen (view_help.c) and the KEYS section of the man page (checked by tests/unit/test_keys.c).
 * No curses here, so that a unit test can include it.
 *
 * X(ACTION, SCOPE, "key", "other key or NULL", "help text")
 *   SCOPE is GLOBAL (every view) or the view the key belongs to (STUDY, LATTICE, HEATMAPS,
 *   TABLE, HELP), or PROMPT (editing a search or filter, and the target list). A view's own
 *   keys are looked up before the global ones, so a view may give a global key another
 *   meaning; PROMPT keys are looked up alone (other keys type text). Key names: one printable character, or Up Down Left Right
 *   PgUp PgDn Home End Tab S-Tab Enter Esc Backspace Space, or ^X for control-X.
 * The man page lists, per scope and in this order, `.TP`, `.B "keys"`, help text (see
 * test_keys.c for the exact form). Add a row here, then the same entry to man/comboscope.1. */
#ifndef COMBOSCOPE_UI_ACTIONS_H
#define COMBOSCOPE_UI_ACTIONS_H

#define ACTION_TABLE(X)                                                                     \
    X(QUIT,          GLOBAL,   "q",     NULL,   "quit (over help, editor, list or detail: close it)") \
    X(HELP,          GLOBAL,   "?",     NULL,   "show the keys of the current view")        \
    X(VIEW_STUDY,    GLOBAL,   "1",     NULL,   "Study view")                               \
    X(VIEW_LATTICE,  GLOBAL,   "2",     NULL,   "Lattice view")                             \
    X(VIEW_HEATMAPS, GLOBAL,   "3",     NULL,   "Heatmaps view")                            \
    X(VIEW_ROUND,    GLOBAL,   "4",     NULL,   "Round view: step the search")              \
    X(VIEW_HISTORY,  GLOBAL,   "5",     NULL,   "History view: every round")                \
    X(VIEW_TABLE,    GLOBAL,   "6",     NULL,   "Table view")                               \
    X(VIEW_NEXT,     GLOBAL,   "Tab",   NULL,   "next view")                                \
    X(VIEW_PREV,     GLOBAL,   "S-Tab", NULL,   "previous view")                            \
    X(TARGET_CHOOSE, GLOBAL,   "t",     NULL,   "choose the target dataset")                \
    X(TARGET_NEXT,   GLOBAL,   "]",     NULL,   "next target")                              \
    X(TARGET_PREV,   GLOBAL,   "[",     NULL,   "previous target")                          \
    X(REDRAW,        GLOBAL,   "^L",    NULL,   "redraw the screen")                        \
    X(TAKE_OVER,     GLOBAL,   "^T",    NULL,   "take over the lock once its holder is gone (read-only)") \
    X(MOVE_UP,       GLOBAL,   "Up",    "k",    "move up")                                  \
    X(MOVE_DOWN,     GLOBAL,   "Down",  "j",    "move down")                                \
    X(MOVE_LEFT,     GLOBAL,   "Left",  "h",    "move left")                                \
    X(MOVE_RIGHT,    GLOBAL,   "Right", "l",    "move right")                               \
    X(PAGE_UP,       GLOBAL,   "PgUp",  "^B",   "page up")                                  \
    X(PAGE_DOWN,     GLOBAL,   "PgDn",  "^F",   "page down")                                \
    X(MOVE_FIRST,    GLOBAL,   "Home",  "g",    "first line")                               \
    X(MOVE_LAST,     GLOBAL,   "End",   "G",    "last line")                                \
    X(SEARCH,        GLOBAL,   "/",     NULL,   "search the view (incremental; Enter keeps, Esc cancels)") \
    X(SEARCH_NEXT,   GLOBAL,   "n",     NULL,   "next match")                               \
    X(SEARCH_PREV,   GLOBAL,   "N",     NULL,   "previous match")                           \
    X(SHOW_LATTICE,  GLOBAL,   "L",     NULL,   "show the selected combination in the Lattice") \
    X(STUDY_SELECT,  STUDY,    "Enter", NULL,   "make the dataset under the cursor the target") \
    X(LATTICE_LAYOUT, LATTICE, "s",     NULL,   "switch layout: Gray-code grid or by size (Hasse)") \
    X(LATTICE_TOGGLE, LATTICE, "x",     NULL,   "toggle a dataset by name (type part of it, Enter toggles)") \
    X(LATTICE_ADD_BEST, LATTICE, "+",   NULL,   "add the dataset that helps most (best measured neighbour)") \
    X(LATTICE_DROP_BEST, LATTICE, "-",  NULL,   "remove the dataset whose removal helps most") \
    X(LATTICE_BEST,  LATTICE,  "b",     NULL,   "go to the best measured combination") \
    X(LATTICE_BASELINE, LATTICE, "Home", "g",   "go to the target alone (its baseline)") \
    X(LATTICE_ALL,   LATTICE,  "End",   "G",    "go to the combination of every dataset")   \
    X(LATTICE_METRIC, LATTICE, "m",     NULL,   "colour by the next metric")                \
    X(LATTICE_ZOOM,  LATTICE,  "z",     NULL,   "zoom: one cell per character (a paged ramp) or two") \
    X(LATTICE_CUT,   LATTICE,  "c",     NULL,   "good in ASCII/no-colour glyphs: gain > 0, top 10%, top 1%") \
    X(LATTICE_EXPORT, LATTICE, "E",     NULL,   "export the whole lattice as CSV (asks for a file name)") \
    X(LATTICE_ROWS,  LATTICE,  "R",     NULL,   "show the combination's rows in the Table") \
    X(LATTICE_ORDER, LATTICE,  "o",     NULL,   "grid axes by effect (labelled blocks) or in the fixed study order") \
    X(LATTICE_FILTER, LATTICE, "f",     NULL,   "filter: names to contain, -names to leave out (the rest is blanked)") \
    X(HEATMAP_KIND,  HEATMAPS, "p",     NULL,   "pair gain or mean marginal gain")          \
    X(HEATMAP_VALUES, HEATMAPS, "v",    NULL,   "show or hide the numbers")                 \
    X(HEATMAP_METRIC, HEATMAPS, "m",    NULL,   "next metric")                              \
    X(HEATMAP_EXPORT, HEATMAPS, "E",    NULL,   "export every pair as CSV (asks for a file name)") \
    X(HEATMAP_SORT,  HEATMAPS, "o",     NULL,   "sort rows and columns by mean gain, or study order") \
    X(HEATMAP_TARGET, HEATMAPS, "Enter", NULL,  "make the row's dataset the target")        \
    X(ROUND_ACCEPT,  ROUND,    "a",     NULL,   "accept the suggestion (saved to the journal at once)") \
    X(ROUND_REJECT,  ROUND,    "x",     NULL,   "reject the suggestion, with an optional reason") \
    X(ROUND_OVERRIDE, ROUND,   "o",     NULL,   "override: edit the combination, run yours instead") \
    X(ROUND_NOTE,    ROUND,    "m",     NULL,   "add a note (memo) to the suggestion")       \
    X(ROUND_UNDO,    ROUND,    "u",     NULL,   "undo the last decision of the round; with none, undo the last commit (while none of its runs has a result or was launched)") \
    X(ROUND_COMMIT,  ROUND,    "Enter", NULL,   "commit the round: approved runs go to the queue (asks y/N first when suggestions would be left open or runs launched)") \
    X(ROUND_WITHDRAW, ROUND,   "w",     NULL,   "withdraw a queued run that has not started (asks which; the last one queued is offered)") \
    X(ROUND_PREDICTOR, ROUND,  "p",     NULL,   "next predictor (proposes again)")           \
    X(ROUND_ACQUISITION, ROUND, "A",    NULL,   "next acquisition rule (proposes again)")    \
    X(ROUND_BATCH_MORE, ROUND, "+",     NULL,   "one more suggestion per round (proposes again)") \
    X(ROUND_BATCH_LESS, ROUND, "-",     NULL,   "one fewer suggestion per round (proposes again)") \
    X(ROUND_RESULT,  ROUND,    "e",     NULL,   "type in the result of the first run waiting") \
    X(ROUND_RELOAD,  ROUND,    "r",     NULL,   "read the tables again for results now, and a replaced journal") \
    X(ROUND_RUNS,    ROUND,    "R",     NULL,   "the runs list: every run's state; cancel, resubmit, withdraw, its log") \
    X(ROUND_JOINT,   ROUND,    "J",     NULL,   "joint round: one round for several targets (asks which; Enter: all), or back to the current target") \
    X(RUNS_CANCEL,   RUNS,     "c",     NULL,   "cancel the run (asks y/N first): its engine stops it") \
    X(RUNS_RESUBMIT, RUNS,     "s",     NULL,   "submit a failed, cancelled or lost run again") \
    X(RUNS_WITHDRAW, RUNS,     "w",     NULL,   "withdraw a run that has not started (asks y/N first; a pending one is cancelled in its engine)") \
    X(RUNS_LOG,      RUNS,     "Enter", NULL,   "show or hide the last lines of the run's log") \
    X(RUNS_CLOSE,    RUNS,     "Esc",   "q",    "back to the round (closes the list)") \
    X(EDIT_TOGGLE,   EDITOR,   "Space", NULL,   "add or remove the dataset under the cursor") \
    X(EDIT_NAME,     EDITOR,   "x",     "/",    "toggle a dataset by name (type part of it, Enter toggles)") \
    X(EDIT_DONE,     EDITOR,   "Enter", NULL,   "override the suggestion with this combination") \
    X(EDIT_CANCEL,   EDITOR,   "Esc",   "q",    "leave the editor without deciding")         \
    X(HISTORY_TARGET, HISTORY, "Enter", NULL,   "plot the best-so-far curve of the round's target") \
    X(HISTORY_ENTRY_NEXT, HISTORY, "Right", "l", "select the round's next run, suggestion or note (L: it in the Lattice)") \
    X(HISTORY_ENTRY_PREV, HISTORY, "Left", "h", "select the round's previous run, suggestion or note") \
    X(TABLE_SORT,    TABLE,    "s",     NULL,   "sort by the next column")                  \
    X(TABLE_SORT_PREV, TABLE,  "S",     NULL,   "sort by the previous column")              \
    X(TABLE_REVERSE, TABLE,    "r",     NULL,   "reverse the sort order")                   \
    X(TABLE_FILTER,  TABLE,    "f",     NULL,   "filter rows (words that must all appear; empty: all rows)") \
    X(TABLE_TARGET,  TABLE,    "T",     NULL,   "show only the target's rows, or all rows") \
    X(TABLE_EXPORT,  TABLE,    "E",     NULL,   "export the rows as CSV (asks for a file name)") \
    X(TABLE_DETAIL,  TABLE,    "Enter", NULL,   "open the detail of the row (every value)") \
    X(DETAIL_HIDE,   DETAIL,   "Enter", NULL,   "close the detail") \
    X(DETAIL_CLOSE,  DETAIL,   "Esc",   "q",    "close the detail (back to the rows)") \
    X(HELP_CLOSE,    HELP,     "Esc",   "q",    "close the help (so does ?)")              \
    X(PROMPT_ACCEPT, PROMPT,   "Enter", NULL,   "keep the text (search, filter) or the chosen target") \
    X(PROMPT_CANCEL, PROMPT,   "Esc",   "^G",   "cancel")                                   \
    X(PROMPT_ERASE,  PROMPT,   "Backspace", NULL, "erase the last character")               \
    X(PROMPT_CLEAR,  PROMPT,   "^U",    NULL,   "erase all the text")

/* The scopes in the order the help screen and the man page list them. */
#define ACTION_SCOPES(X) \
    X(GLOBAL, "Global")  \
    X(STUDY, "Study")    \
    X(LATTICE, "Lattice") \
    X(HEATMAPS, "Heatmaps") \
    X(ROUND, "Round")    \
    X(EDITOR, "Round: combination editor") \
    X(RUNS, "Round: runs list") \
    X(HISTORY, "History") \
    X(TABLE, "Table")    \
    X(DETAIL, "Table: detail") \
    X(HELP, "Help")      \
    X(PROMPT, "Prompt")

enum action_scope {
#define ACTION_SCOPE_ENUM(id, title) SCOPE_##id,
    ACTION_SCOPES(ACTION_SCOPE_ENUM)
#undef ACTION_SCOPE_ENUM
    SCOPE_COUNT
};

enum action {
    ACTION_NONE,
#define ACTION_ENUM(id, scope, key, key2, help) ACTION_##id,
    ACTION_TABLE(ACTION_ENUM)
#undef ACTION_ENUM
    ACTION_COUNT
};

struct action_info {
    enum action action;
    enum action_scope scope;
    const char *key, *key2, *help, *name;
};

/* The table as data, ACTION_COUNT - 1 rows in table order (defined in keys.c; the unit test
 * defines its own copy from the same macro). */
#define ACTION_INFO_ROWS                                                                  \
    {                                                                                     \
        ACTION_TABLE(ACTION_INFO_ROW)                                                     \
    }
#define ACTION_INFO_ROW(id, scope, key, key2, help) \
    {ACTION_##id, SCOPE_##scope, key, key2, help, #id},

#endif
