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
