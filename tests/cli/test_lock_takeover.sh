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
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
wait_pane() {
    local i
    for i in $(seq 80); do
        tm capture-pane -p -t "$PANE" | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    tm capture-pane -p -t "$PANE" >"$TMP/pane"; _case_fail "pane $PANE never showed /$1/: $(grep -v "^$" "$TMP/pane" | tail -3)"
    return 1
}
start() { # start SESSION: an explorer on the study, its pid in $TMP/SESSION.pid
    tm new-session -d -s "$1" -x 120 -y 30 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
    tm send-keys -t "$1" "cd '$TMP' && sh -c 'echo \$\$ >$1.pid; exec \"\$0\" \"\$1\"' '$CS' '$K/study.json'; echo EXIT=\$?" Enter
}

case_begin "takeover: the read-only instance notices the holder is gone and names a new one"
start holder; PANE=holder
if wait_pane "1 Study"; then
    start second; PANE=second
    wait_pane "held by pid $(cat "$TMP/holder.pid")"
    kill -KILL "$(cat "$TMP/holder.pid")"
    wait_pane "the holder of the lock is gone: \^T takes over"
    start third; PANE=third; wait_pane "1 Study"
    PANE=second; wait_pane "held by pid $(cat "$TMP/third.pid")"
    tm send-keys -t third q; PANE=third; wait_pane "EXIT=0"
    PANE=second; wait_pane "the holder of the lock is gone: \^T takes over"

    case_begin "takeover: ^T takes the lock, and decisions are saved"
    before="$(wc -l <"$K/journal.jsonl")"
    tm send-keys -t second C-t; wait_pane "took over the lock: this instance writes the journal now"
    tm send-keys -t second 4; wait_pane "Round [0-9]+"
    tm send-keys -t second a; wait_pane "saved: #[0-9]+ accepted"
    [ "$(wc -l <"$K/journal.jsonl")" -gt "$before" ] || _case_fail "the decision is not in the journal"
    tm send-keys -t second q; wait_pane "EXIT=0"
fi
tm kill-server 2>/dev/null
fi
