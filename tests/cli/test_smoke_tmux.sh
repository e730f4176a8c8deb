# Smoke test under a real terminal (tmux, on a private server socket): open the explorer,
# switch through every view, resize below the minimum and back, quit, and check that the
# terminal came back (main screen, cursor visible, cursor keys in normal mode); then the same
# after SIGTERM. The server is killed at the end.

if ! command -v tmux >/dev/null 2>&1; then
    case_begin "tmux smoke test"
    _case_fail "tmux is not installed (scripts/ensure-deps installs it)"
else

SOCK="cs-smoke-$$"
SMALL="$ROOT/tests/golden/data/small.csv"
PANE=smoke PANE_WAIT=5  # tm, screen_text, wait_for: tests/cli/lib.sh
flag() { tm display-message -p -t smoke "#{$1}"; }

tm new-session -d -s smoke -x 80 -y 24 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
tm send-keys -t smoke "cd '$TMP' && '$CS' '$SMALL'; echo EXIT=\$?" Enter

case_begin "smoke: the explorer opens on the Study view in the alternate screen"
wait_for "1 Study .* 6 Table" && wait_for "NER_alpha +0\.7971"
[ "$(flag alternate_on)" = 1 ] || _case_fail "not in the alternate screen"

case_begin "smoke: every view, by number and by Tab"
tm send-keys -t smoke 6; wait_for "sorted by combination"
tm send-keys -t smoke 2; wait_for "(Lattice view: not available yet|Lattice)"
tm send-keys -t smoke 3; wait_for "(Heatmaps view: not available yet|Heatmaps)"
tm send-keys -t smoke 4; wait_for "Round 1 +target"
tm send-keys -t smoke 5; wait_for "no journal: this study names none"
tm send-keys -t smoke 1; wait_for "dataset +baseline"
tm send-keys -t smoke Tab; sleep 0.2
tm send-keys -t smoke '?'; wait_for "Global keys"
tm send-keys -t smoke Escape; sleep 0.3
tm send-keys -t smoke 1 j j; wait_for "1 Study"

case_begin "smoke: resize below the minimum and back"
tm resize-window -t smoke -x 40 -y 10; wait_for "terminal too small: 40x10"
tm resize-window -t smoke -x 100 -y 30; wait_for "dataset +baseline"
screen_text | grep -q "terminal too small" && _case_fail "the notice stayed after growing"
tm resize-window -t smoke -x 80 -y 24; wait_for "1 Study"

case_begin "smoke: q quits and the terminal comes back"
tm send-keys -t smoke q; wait_for "EXIT=0"
[ "$(flag alternate_on)" = 0 ] || _case_fail "still in the alternate screen"
[ "$(flag cursor_flag)" = 1 ] || _case_fail "the cursor is still hidden"
[ "$(flag keypad_cursor_flag)" = 0 ] || _case_fail "cursor keys left in application mode"

case_begin "smoke: SIGTERM restores the terminal too"
tm send-keys -t smoke "clear; sh -c 'echo \$\$ >pid; exec \"\$0\" \"\$1\"' '$CS' '$SMALL'; echo EXIT=\$?" Enter
wait_for "1 Study" && kill -TERM "$(cat "$TMP/pid")"
wait_for "EXIT=143"
[ "$(flag alternate_on)" = 0 ] || _case_fail "still in the alternate screen after SIGTERM"
[ "$(flag cursor_flag)" = 1 ] || _case_fail "the cursor is still hidden after SIGTERM"

case_begin "smoke: Ctrl-C (SIGINT) restores the terminal too"
# the shell around it ignores SIGINT so that it lives to print the status; the explorer sets
# its own handler, so it still gets the signal
tm send-keys -t smoke "clear; sh -c 'trap \"\" INT; \"\$0\" \"\$1\"; echo EXIT=\$?' '$CS' '$SMALL'" Enter
wait_for "1 Study" && tm send-keys -t smoke C-c
wait_for "EXIT=130"
[ "$(flag alternate_on)" = 0 ] || _case_fail "still in the alternate screen after Ctrl-C"
[ "$(flag cursor_flag)" = 1 ] || _case_fail "the cursor is still hidden after Ctrl-C"

tm kill-server 2>/dev/null
fi
