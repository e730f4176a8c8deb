# Output that cannot be written (a full disk, a closed stdout) is an error, never a silent
# success: one line naming <stdout> and why, exit status 1, and no output file left behind.

S="$ROOT/sample-results/biomed12-study"
# run_lost HOW ARGS...: runs the command with stdout on /dev/full (HOW=full) or closed (closed)
run_lost() {
    local how="$1"; shift
    if [ "$how" = full ]; then
        "$CS" "$@" >/dev/full 2>"$TMP/err" </dev/null
    else
        "$CS" "$@" >&- 2>"$TMP/err" </dev/null
    fi
    STATUS=$?
    : >"$TMP/out"
}

for how in full closed; do
    [ "$how" = full ] && why="No space left on device" || why="Bad file descriptor"
    for cmd in "check $S" "check --json $S" "queue $S" "status --json $S" "suggest $S -k 1 --no-cv" \
               "report $S" "export table $S --target RE_BioRED" "synth --datasets 3 -o -" \
               "import standley $ROOT/tests/fixtures/standley/results.txt -o -" "--version" "help check"; do
        case_begin "stdout $how: $cmd: exit 1, one line saying why"
        # shellcheck disable=SC2086
        run_lost "$how" $cmd
        expect_status 1; expect_one_line_err; expect_err "<stdout>: cannot write: $why"
    done
done

case_begin "an -o file on a full disk: nothing left behind (report)"
if [ -w /dev/full ] && ln -s /dev/full "$TMP/full.md" 2>/dev/null; then
    # a symbolic link is never written through: refused before any write
    run_cs report "$S" -o "$TMP/full.md"
    expect_status 1; expect_one_line_err
fi
