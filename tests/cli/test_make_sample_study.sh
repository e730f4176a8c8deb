# scripts/make-sample-study (the synthetic in-progress study sample-results/biomed12-study)
# still runs to the end with the program under test, into a scratch directory, and its key
# script still makes the same decisions: the same journal events, round by round, as the
# committed sample (the suggestions themselves may differ, see that sample's README.md).
S12="$ROOT/sample-results/biomed12-study"

case_begin "make-sample-study: runs to the end (plain build for its helper, this binary for the rounds)"
# the helper links the plain build's library, which a SANITIZE=1-only run has not made yet
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u SANITIZE -u BUILD make -s -C "$ROOT" all >"$TMP/out" 2>"$TMP/err" ||
    _case_fail "make all failed"
(cd "$ROOT" && COMBOSCOPE="$CS" scripts/make-sample-study "$TMP/bs") >"$TMP/out" 2>"$TMP/err"
STATUS=$?
expect_status 0
expect_out "^initial design: 16 combinations, 66 rows$"
expect_out "^journal: [0-9]+ events$"

case_begin "make-sample-study: the same initial design rows as the committed sample"
head -67 "$S12/runs.csv" >"$TMP/want.csv"
head -67 "$TMP/bs/runs.csv" >"$TMP/got.csv"
expect_file_eq "$TMP/got.csv" "$TMP/want.csv"
cmp -s "$TMP/bs/study.json" "$S12/study.json" || _case_fail "study.json differs from the committed one"

case_begin "make-sample-study: the key script's decisions, round by round, as in the committed journal"
# (round, event) of every line, left_open events aside (a commit that leaves one open writes them)
seq_of() { grep -v '"event":"left_open"' "$1" | grep -o '"round":[0-9]*,"event":"[a-z_]*"'; }
seq_of "$S12/journal.jsonl" >"$TMP/want.seq"
seq_of "$TMP/bs/journal.jsonl" >"$TMP/got.seq"
expect_file_eq "$TMP/got.seq" "$TMP/want.seq"
[ "$(grep -c '"event":"committed"' "$TMP/bs/journal.jsonl")" = 4 ] || _case_fail "not 4 committed rounds"
[ "$(grep -c '"event":"note"' "$TMP/bs/journal.jsonl")" = 2 ] || _case_fail "not 2 notes"
[ "$(wc -l <"$TMP/bs/queue.csv")" = 1 ] || _case_fail "runs left in the queue"

case_begin "make-sample-study: the regenerated study checks clean"
run_cs check "$TMP/bs/study.json"
expect_status 0
expect_out "^study +biomed12-study"
