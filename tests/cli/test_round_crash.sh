# The explorer killed with SIGKILL at many points while it writes decisions (accept, reject
# with a reason, undo, through the Round view in script mode): after each kill the study must
# open, and every decision a screen had confirmed ("saved: ... (journal line N)") must be line
# N of the journal, of the right kind. Each run starts from the journal the last kill left.
# The kill times spread over the length of one uninterrupted run, measured first.

C="$TMP/cr"
mkdir -p "$C"
cp sample-results/biomed12-study/study.json sample-results/biomed12-study/runs.csv \
   sample-results/biomed12-study/journal.jsonl "$C/"
{
    echo "key 4"
    for i in $(seq 150); do
        printf 'key a\ndump a\nkey u\ndump u\nkey x\ntype reason %d\nkey Enter\ndump x\nkey u\ndump u\n' "$i"
    done
} >"$TMP/crash.script"
crash_run() { # DELAY (seconds, or "" for no kill): one run; screens to $TMP/out
    env COMBOSCOPE_SCRIPT="$TMP/crash.script" LC_ALL=C.UTF-8 TERM=xterm-256color COLUMNS=80 LINES=24 \
        "$CS" "$C/study.json" >"$TMP/out" 2>"$TMP/err" </dev/null &
    local pid=$!
    if [ -n "$1" ]; then
        sleep "$1"
        kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    STATUS=$?
}
# every confirmed decision is in the journal, at the line the screen named, of the right kind
confirmed_ok() {
    grep -o 'saved: [^(]*(journal line [0-9]*)' "$TMP/out" | sort -u >"$TMP/saved"
    awk -v J="$C/journal.jsonl" '
        BEGIN { while ((getline l < J) > 0) { n++; line[n] = l } }
        { k = $NF; sub(/\)$/, "", k)
          kind = /undone/ ? "undo" : /rejected/ ? "rejected" : /accepted/ ? "accepted" : /overridden/ ? "overridden" : "note"
          if (!(k in line) || index(line[k], "\"event\":\"" kind "\"") == 0 || substr(line[k], length(line[k])) != "}") {
              print "journal line " k " is not the confirmed " kind ": " substr(line[k], 1, 120); bad = 1 } }
        END { exit bad }' "$TMP/saved" >"$TMP/bad" || { _case_fail "$(head -3 "$TMP/bad")"; return 1; }
    SAVED=$(wc -l <"$TMP/saved")
}

case_begin "crash: one uninterrupted run confirms 600 decisions"
t0=$(date +%s%N)
crash_run ""
t1=$(date +%s%N)
expect_status 0
confirmed_ok
[ "${SAVED:-0}" -ge 600 ] || _case_fail "only ${SAVED:-0} decisions confirmed"
ms=$(((t1 - t0) / 1000000))

case_begin "crash: SIGKILL at 12 points through a run; the study opens, nothing confirmed is lost"
killed=0
for k in 1 2 3 4 5 6 7 8 9 10 11 12; do
    crash_run "$(awk -v ms="$ms" -v k="$k" 'BEGIN { printf "%.3f", ms * k / 13 / 1000 }')"
    [ "$STATUS" = 137 ] && [ -s "$TMP/out" ] && killed=$((killed + 1))
    confirmed_ok || break
    run_cs queue "$C/study.json"
    [ "$STATUS" = 0 ] || { _case_fail "the study does not open after kill $k"; break; }
done
[ "$killed" -ge 3 ] || _case_fail "only $killed runs were killed mid-way (the test proved little)"
