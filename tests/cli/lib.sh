# Helpers for CLI tests. Each tests/cli/test_*.sh is sourced by run.sh with $CS set to the
# binary under test, $ROOT to the repository and $TMP to a fresh scratch directory.
# A case:  run_cs ARGS...   then   expect_status N; expect_out REGEX; expect_err REGEX ...

run_cs() {
    "$CS" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
}

_case_fail() {
    echo "FAIL [$CASE]: $*" >&2
    echo "  stdout: $(head -c 600 "$TMP/out" 2>/dev/null)" >&2
    echo "  stderr: $(head -c 600 "$TMP/err" 2>/dev/null)" >&2
    CASE_OK=0
}

# Starts a named case; ends the previous one.
case_begin() {
    case_end
    CASE="$1"
    CASE_OK=1
    IN_CASE=1
}

case_end() {
    [ "${IN_CASE:-0}" = 1 ] || return 0
    if [ "$CASE_OK" = 1 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
    IN_CASE=0
}

expect_status() { [ "$STATUS" = "$1" ] || _case_fail "exit status $STATUS, expected $1"; }
expect_out()    { grep -Eq -- "$1" "$TMP/out" || _case_fail "stdout does not match /$1/"; }
expect_no_out() { [ ! -s "$TMP/out" ] || _case_fail "stdout should be empty"; }
expect_err()    { grep -Eq -- "$1" "$TMP/err" || _case_fail "stderr does not match /$1/"; }
# The whole of stderr is exactly one line.
expect_one_line_err() {
    [ "$(wc -l <"$TMP/err")" = 1 ] || _case_fail "stderr is not exactly one line"
}
expect_file_eq() { cmp -s "$1" "$2" || _case_fail "$1 and $2 differ"; }
expect_true()   { "$@" || _case_fail "failed: $*"; }

# The explorer under a real terminal: a private tmux server (socket $SOCK, set by each test
# file) and the session $PANE in it. tm runs tmux on that server, screen_text prints the pane,
# wait_for REGEX [SECONDS] polls it (default $PANE_WAIT, else 5 s) and fails the case with the
# pane's last lines when it never shows.
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
screen_text() { tm capture-pane -p -t "$PANE"; }
wait_for() {
    local i
    for i in $(seq $(( ${2:-${PANE_WAIT:-5}} * 10 ))); do
        screen_text | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    screen_text >"$TMP/out"
    _case_fail "the screen never showed /$1/: $(tail -3 "$TMP/out" | tr -s " ")"
    return 1
}
