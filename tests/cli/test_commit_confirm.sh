# A commit that would leave suggestions open always asks first (y/N in the status line), and
# any answer but y leaves the journal and the queue file exactly as they were. Then y commits,
# and the open suggestions are journaled as left open (never dropped silently).

CC="$TMP/cc"
confirm_run() { # KEYS...: accept #1, Enter, then the keys; screens to $TMP/out
    rm -rf "$CC"; cp -R sample-results/biomed12-study "$CC"
    { printf 'key 4 a\ndump decided\nkey Enter\ndump asked\n'; for k in "$@"; do printf 'key %s\n' "$k"; done
      printf 'dump answered\n'; } >"$TMP/cc.script"
    env COMBOSCOPE_SCRIPT="$TMP/cc.script" LC_ALL=C.UTF-8 TERM=xterm-256color COLUMNS=80 LINES=24 \
        "$CS" "$CC/study.json" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
}

# the journal after the accept alone: 4 suggested + 1 accepted
confirm_run
expect_status 0
notime() { sed 's/"time":"[^"]*"//' "$1"; } # each run journals at its own time
notime "$CC/journal.jsonl" >"$TMP/after-accept.jsonl"
cp "$CC/queue.csv" "$TMP/after-accept.queue" 2>/dev/null || : >"$TMP/after-accept.queue"

for answer in n N Y Esc q Space Enter x a u w 4 / ^L; do
    case_begin "commit with open suggestions asks; answering '$answer' changes nothing"
    confirm_run "$answer"
    expect_status 0
    grep -A30 '^=== asked' "$TMP/out" | grep -q "commit 1 run, leave #2, #3, #4 open? (y/N)" ||
        _case_fail "the commit did not ask"
    notime "$CC/journal.jsonl" >"$TMP/journal.now"
    expect_file_eq "$TMP/after-accept.jsonl" "$TMP/journal.now"
    [ -e "$CC/queue.csv" ] || : >"$CC/queue.csv"
    expect_file_eq "$TMP/after-accept.queue" "$CC/queue.csv"
done

case_begin "answering y commits: the run is queued, the open suggestions journaled as left open"
confirm_run y
expect_status 0
grep -A30 '^=== answered' "$TMP/out" | grep -q "round 5 committed: 1 run in the queue" || _case_fail "not committed"
n=$(wc -l <"$TMP/after-accept.jsonl")
tail -n +$((n + 1)) "$CC/journal.jsonl" | sed 's/.*"event":"\([a-z_]*\)".*/\1/' | tr '\n' ' ' >"$TMP/events"
[ "$(cat "$TMP/events")" = "queued left_open left_open left_open committed " ] ||
    _case_fail "events after the accept: $(cat "$TMP/events")"
grep -c '^r[0-9]' "$CC/queue.csv" | grep -qx 1 || _case_fail "queue file: $(cat "$CC/queue.csv")"

# On a real terminal (tmux, a private socket): the question shows in the status line, Esc
# answers no (the escape delay does not turn it into a key for the view), y commits.
if ! command -v tmux >/dev/null 2>&1; then
    case_begin "commit confirmation on a terminal"
    _case_fail "tmux is not installed (scripts/ensure-deps installs it)"
else
    CT="$TMP/ct"
    rm -rf "$CT"; cp -R sample-results/biomed12-study "$CT"
    SOCK="cs-confirm-$$"
    tmc() { tmux -L "$SOCK" -f /dev/null "$@"; }
    pane_has() { # REGEX: waits up to 5 s for the pane to show it
        local i
        for i in $(seq 50); do
            tmc capture-pane -p -t ct | grep -Eq -- "$1" && return 0
            sleep 0.1
        done
        _case_fail "the pane never showed /$1/: $(tmc capture-pane -p -t ct | grep -v '^$' | tail -2)"
        return 1
    }
    case_begin "commit confirmation on a terminal: Esc changes nothing, y commits"
    tmc new-session -d -s ct -x 80 -y 24 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
    tmc send-keys -t ct "'$CS' '$CT/study.json'; echo EXIT=\$?" Enter
    if pane_has "1 Study"; then
        tmc send-keys -t ct 4; pane_has "Round 5"
        tmc send-keys -t ct a; pane_has "saved: #1 accepted"
        lines=$(wc -l <"$CT/journal.jsonl")
        tmc send-keys -t ct Enter; pane_has "commit 1 run, leave #2, #3, #4 open\? \(y/N\)"
        tmc send-keys -t ct Escape; pane_has "not committed: nothing changed"
        [ "$(wc -l <"$CT/journal.jsonl")" = "$lines" ] || _case_fail "Esc changed the journal"
        tmc send-keys -t ct Enter; pane_has "\(y/N\)"
        tmc send-keys -t ct y; pane_has "round 5 committed: 1 run in the queue"
        [ "$(wc -l <"$CT/journal.jsonl")" -gt "$lines" ] || _case_fail "y did not commit"
        tmc send-keys -t ct q; pane_has "EXIT=0"
    fi
    tmc kill-server 2>/dev/null
fi
