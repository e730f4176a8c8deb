# Two explorers on one study: the first (under tmux, a real terminal) holds the journal's lock;
# a second opens read-only, says who holds the lock (the first one's pid), refuses decisions and
# writes nothing. After the first is killed with SIGKILL its lock is gone and the next one
# writes; meanwhile a read-only one follows the holder's journal. Then results coming back while
# an explorer sits idle. The tmux server (a private
# socket) is killed at the end.

if ! command -v tmux >/dev/null 2>&1; then
    case_begin "explorer lock test"
    _case_fail "tmux is not installed (scripts/ensure-deps installs it)"
else

L="$TMP/lk"
mkdir -p "$L"
cp sample-results/biomed12-study/study.json sample-results/biomed12-study/runs.csv \
   sample-results/biomed12-study/journal.jsonl "$L/"
SOCK="cs-lock-$$"
PANE_WAIT=5  # tm, wait_for: tests/cli/lib.sh
second() { # runs a scripted second explorer on the study; screens to $TMP/out
    printf 'dump opened\nkey 4 a\ndump tried to accept\n' >"$TMP/second.script"
    env COMBOSCOPE_SCRIPT="$TMP/second.script" LC_ALL=C.UTF-8 TERM=xterm-256color COLUMNS=80 LINES=24 \
        "$CS" "$L/study.json" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
}

PANE=lock
tm new-session -d -s lock -x 80 -y 24 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
tm send-keys -t lock "cd '$TMP' && sh -c 'echo \$\$ >pid; exec \"\$0\" \"\$1\"' '$CS' '$L/study.json'; echo EXIT=\$?" Enter

case_begin "lock: a second explorer opens read-only and names the holder"
if wait_for "1 Study"; then
    pid="$(cat "$TMP/pid")"
    before="$(wc -l <"$L/journal.jsonl")"
    second
    expect_status 0
    expect_out "read-only: held by pid $pid on "
    grep -A30 '^=== tried to accept' "$TMP/out" | grep -q "read-only: held by pid" ||
        _case_fail "the accept was not refused"
    [ "$(wc -l <"$L/journal.jsonl")" = "$before" ] || _case_fail "the read-only explorer wrote to the journal"

    case_begin "lock: the holder decides while another, read-only, follows its journal"
    tm new-session -d -s follow -x 80 -y 24 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
    tm send-keys -t follow "'$CS' '$L/study.json'; echo EXIT=\$?" Enter
    PANE=follow; wait_for "read-only: held by pid"
    tm send-keys -t follow 4; wait_for "Round 5 .*read-only"
    PANE=lock
    tm send-keys -t lock 4; wait_for "Round 5"
    tm send-keys -t lock a; wait_for "saved: #1 accepted"
    [ "$(wc -l <"$L/journal.jsonl")" -gt "$before" ] || _case_fail "the holder's decision is not in the journal"
    PANE=follow; wait_for "^ +1 +accepted" # no key pressed: noticed while idle
    tm send-keys -t follow q; wait_for "EXIT=0"
    PANE=lock

    case_begin "lock: a holder killed with SIGKILL leaves no lock behind"
    kill -KILL "$pid"
    wait_for "EXIT=137"
    second
    expect_status 0
    grep -q "held by pid" "$TMP/out" && _case_fail "still locked after the holder died"
    grep -A30 '^=== tried to accept' "$TMP/out" | grep -q "saved: #2 accepted" ||
        _case_fail "the next explorer could not decide (the round reopened with #1 accepted, #2 next)"
fi

case_begin "results: rows added to a table while the explorer is idle are noticed, matched and journaled"
W="$TMP/idle"
mkdir -p "$W"
cp sample-results/biomed12-study/study.json sample-results/biomed12-study/runs.csv \
   sample-results/biomed12-study/journal.jsonl "$W/"
printf 'key 4 a Enter y\n' >"$TMP/queue-one.script"
env COMBOSCOPE_SCRIPT="$TMP/queue-one.script" TERM=xterm "$CS" "$W/study.json" >/dev/null 2>&1 </dev/null
run_cs queue --json "$W/study.json"
first="$(grep -o '"run":"[^"]*","combination":"[^"]*"' "$TMP/out" | head -1)"
run_id="$(echo "$first" | cut -d'"' -f4)"; combo="$(echo "$first" | cut -d'"' -f8)"
[ -n "$run_id" ] || _case_fail "no run waiting to start from"
# a new session: the killed explorer above left its terminal in raw mode
PANE=idle
tm new-session -d -s idle -x 80 -y 24 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
tm send-keys -t idle "'$CS' '$W/study.json'; echo EXIT=\$?" Enter
if wait_for "1 Study"; then
    tm send-keys -t idle 4; wait_for "queue: 1 run waiting for results: $run_id"
    sleep 0.3
    # the training job's launcher writes its rows; no key is pressed afterwards
    awk -F, -v c="$combo" -v id="$run_id" 'BEGIN { OFS = "," } $2 == c { $1 = id; print }' \
        sample-results/biomed12/runs.csv >>"$W/runs.csv"
    wait_for "1 result journaled: round 5 complete, round 6 can be proposed \\(4\\)"
    wait_for "round 5 complete: 1 of 1 run done; round 6 is proposed with their results"
    grep -q "\"event\":\"result\".*\"run\":\"$run_id\"" "$W/journal.jsonl" || _case_fail "no result journaled"
    tm send-keys -t idle q; wait_for "EXIT=0"
fi
tm kill-server 2>/dev/null
fi
