# The explorer says what it is doing before a fit that takes a while: "fitting KIND on N
# runs..." is on the screen (the status line, sent at once) before the Round model fits on
# APP_FIT_NOTICE_RUNS (200) runs or more, and the fit after a target change waits until the
# Round view is shown. The script command `notices` dumps the screen at each notice; a tmux
# case checks the notice on a real terminal while a fit of about a second runs.

N="$TMP/notice"
mkdir -p "$N"
cp sample-results/biomed12/study.json "$N/"
# every fifth combination of the complete sample: 410 runs for the first target (NER_bc2gm)
awk -F, 'NR == 1 { print; next } $2 != last { last = $2; k++ } k % 5 == 1' \
    sample-results/biomed12/runs.csv >"$N/runs.csv"
notice_run() { # SCRIPT-TEXT ARGS...
    printf '%s\n' "$1" >"$TMP/notice.script"; shift
    env COMBOSCOPE_SCRIPT="$TMP/notice.script" LC_ALL=C.UTF-8 TERM=xterm-256color COLUMNS=80 LINES=24 \
        "$CS" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
}
notices() { grep -c '^=== notice (' "$TMP/out"; }

case_begin "fit notice: opening the Round view on 410 runs says so first, over the old frame"
notice_run "$(printf 'notices\nkey 4\ndump proposed')" "$N/study.json"
expect_status 0
[ "$(notices)" = 1 ] || _case_fail "expected one notice, got $(notices)"
# the notice screen: the Study view still drawn, the notice in the status line
awk '/^=== notice/ { p = 1; next } /^--- colour roles/ { p = 0 } p' "$TMP/out" >"$TMP/notice.txt"
grep -q "fitting ensemble on 410 runs…" "$TMP/notice.txt" || _case_fail "no notice in the status line"
grep -q "dataset *baseline" "$TMP/notice.txt" || _case_fail "the Study view was not on screen under the notice"
grep -q "Round [0-9]* *target NER_bc2gm" "$TMP/out" || _case_fail "the round was not proposed"

case_begin "fit notice: a target changed elsewhere is fitted when the Round view is shown again"
notice_run "$(printf 'notices\nkey 4 1 ]\ndump next target\nkey ] 4\ndump proposed')" "$N/study.json"
expect_status 0
# one notice for the first target; none while the Study view changes targets; one on return
[ "$(notices)" = 2 ] || _case_fail "expected two notices, got $(notices)"
awk '/^=== /{ t = $0 } /fitting ensemble/ { print t }' "$TMP/out" >"$TMP/when"
[ "$(sed -n 2p "$TMP/when")" = "=== notice (80x24)" ] || _case_fail "the second notice was not its own dump"
grep -q "fitting ensemble on 409 runs…" "$TMP/out" || _case_fail "no notice for the third target (NER_bc5cdr)"
awk '/^=== next target/ { p = 1 } /^=== notice/ { p = 0 } p' "$TMP/out" | grep -q "fitting" &&
    _case_fail "a notice was drawn before the Round view was shown again"

case_begin "fit notice: a small fit (21 runs) draws none"
notice_run "$(printf 'notices\nkey 4\ndump proposed')" --read-only sample-results/biomed12-study/study.json
expect_status 0
[ "$(notices)" = 0 ] || _case_fail "a notice for a quick fit"
grep -q "Round 5 *target RE_BioRED" "$TMP/out" || _case_fail "the round was not proposed"
case_end

# Under a real terminal (tmux): the notice reaches the screen while the fit runs (about a
# second on 1,500 runs), and the Round view replaces it when the fit is done.
if command -v tmux >/dev/null 2>&1; then
case_begin "fit notice: on a real terminal the notice is on screen during the fit"
"$CS" synth --preset biomed12 --runs 3000 --seed 4 -o "$N/r3000.csv" 2>"$TMP/err"
SOCK="cs-notice-$$"
tmn() { tmux -L "$SOCK" -f /dev/null "$@"; }
tmn new-session -d -s nt -x 80 -y 24 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
tmn send-keys -t nt "'$CS' --read-only '$N/r3000.csv'" Enter
seen_for() { # REGEX SECONDS: polls the pane every 0.05 s
    local i
    for i in $(seq "$(($2 * 20))"); do
        tmn capture-pane -p -t nt | grep -Eq -- "$1" && return 0
        sleep 0.05
    done
    return 1
}
if seen_for "1 Study .* 6 Table" 10; then
    tmn send-keys -t nt 4
    seen_for "fitting auto on [0-9]+ runs" 10 || _case_fail "no notice on screen while fitting"
    seen_for "Round 1 +target" 60 || _case_fail "the Round view never came"
    tmn capture-pane -p -t nt | grep -q "fitting auto" && _case_fail "the notice stayed after the fit"
else
    _case_fail "the explorer did not start"
fi
tmn send-keys -t nt q
tmn kill-server 2>/dev/null
case_end
fi
