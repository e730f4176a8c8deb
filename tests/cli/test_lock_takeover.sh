# Issue 11: after the holder of a study's lock is killed, the read-only instance used to keep
# naming the dead pid forever, even after a third instance took the lock and quit. Now it
# notices (while idle) that the lock is free, offers ^T to take over, and names a new holder.

if ! command -v tmux >/dev/null 2>&1; then
    case_begin "lock takeover"
    _case_fail "tmux is not installed (scripts/ensure-deps installs it)"
else

K="$TMP/tk"
mkdir -p "$K"
cp sample-results/biomed12-study/study.json sample-results/biomed12-study/runs.csv \
   sample-results/biomed12-study/journal.jsonl "$K/"
SOCK="cs-takeover-$$"
PANE_WAIT=8  # tm, wait_for: tests/cli/lib.sh
start() { # start SESSION: an explorer on the study, its pid in $TMP/SESSION.pid
    tm new-session -d -s "$1" -x 120 -y 30 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
    tm send-keys -t "$1" "cd '$TMP' && sh -c 'echo \$\$ >$1.pid; exec \"\$0\" \"\$1\"' '$CS' '$K/study.json'; echo EXIT=\$?" Enter
}

case_begin "takeover: the read-only instance notices the holder is gone and names a new one"
start holder; PANE=holder
if wait_for "1 Study"; then
    start second; PANE=second
    wait_for "held by pid $(cat "$TMP/holder.pid")"
    kill -KILL "$(cat "$TMP/holder.pid")"
    wait_for "the holder of the lock is gone: \^T takes over"
    start third; PANE=third; wait_for "1 Study"
    PANE=second; wait_for "held by pid $(cat "$TMP/third.pid")"
    tm send-keys -t third q; PANE=third; wait_for "EXIT=0"
    PANE=second; wait_for "the holder of the lock is gone: \^T takes over"

    case_begin "takeover: ^T takes the lock, and decisions are saved"
    before="$(wc -l <"$K/journal.jsonl")"
    tm send-keys -t second C-t; wait_for "took over the lock: this instance writes the journal now"
    tm send-keys -t second 4; wait_for "Round [0-9]+"
    tm send-keys -t second a; wait_for "saved: #[0-9]+ accepted"
    [ "$(wc -l <"$K/journal.jsonl")" -gt "$before" ] || _case_fail "the decision is not in the journal"
    tm send-keys -t second q; wait_for "EXIT=0"
fi
tm kill-server 2>/dev/null
fi
