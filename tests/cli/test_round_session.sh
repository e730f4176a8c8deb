# A scripted session in the explorer: three rounds stepped against --oracle and without it
# (accepting, rejecting with a reason, overriding in the editor, a note), then the study is
# reopened read-only; the journal, the queue (file and `comboscope queue`) and the Round and
# History screens must agree.

S="$TMP/st"
mkdir -p "$S"
cp sample-results/biomed12-study/study.json "$S/"
# the study as it was before any round: the initial design's rows only (the complete table's
# run ids end at r4095; the runs the sample's rounds queued come after)
awk -F, 'NR == 1 || substr($1, 2) + 0 < 4096' sample-results/biomed12-study/runs.csv >"$S/runs.csv"
ROWS0="$(wc -l <"$S/runs.csv")"
ORACLE="$ROOT/sample-results/biomed12/runs.csv"
explore() { # SCRIPT ARGS...: runs the explorer on the script, screens to $TMP/out
    local script="$1"; shift
    env COMBOSCOPE_SCRIPT="$script" LC_ALL=C.UTF-8 TERM=xterm-256color COLUMNS=80 LINES=24 \
        "$CS" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
}
screen() { # TITLE: the text part of the dump called TITLE
    awk -v t="=== $1 (" 'index($0, t) == 1 { p = 1; next } /^=== / { p = 0 } /^--- colour roles|^--- attributes/ { p = 0 } p' "$TMP/out"
}
events() { # ROUND KIND: how many events of KIND round ROUND has
    grep -c "\"round\":$1,\"event\":\"$2\"" "$S/journal.jsonl"
}

cat >"$TMP/two.script" <<'KEYS'
key 4
# round 1: accept, accept, reject with a reason, override #4 (toggle TC_ade by name)
key a a x
type duplicate of #2
key Enter o x
type TC_ade
key Enter Enter
dump after round 1 decisions
key Enter
dump round 1 committed
# round 2: reject without a reason, override #2 (Space on the first dataset), accept #3, note
key x Enter o Space Enter a
key Up m
type cheap run
key Enter Enter
# #4 is still open: the commit asks first, y commits
key y
dump round 2 committed
KEYS
case_begin "session: two rounds with --oracle"
explore "$TMP/two.script" --oracle "$ORACLE" "$S/study.json"
expect_status 0
[ -s "$TMP/err" ] && _case_fail "stderr not empty"
screen "after round 1 decisions" | grep -Eq "^ +1 +accepted" || _case_fail "#1 not shown accepted"
screen "after round 1 decisions" | grep -Eq "^ +3 +rejected" || _case_fail "#3 not shown rejected"
screen "after round 1 decisions" | grep -Eq "^ +4 +overridden" || _case_fail "#4 not shown overridden"
screen "round 1 committed" | grep -q "round 1 committed: 3 runs queued, answered by the oracle" ||
    _case_fail "the commit message"
screen "round 1 committed" | grep -Eq "^ Round 2 " || _case_fail "round 2 not proposed"
screen "round 2 committed" | grep -q "round 2 committed: 2 runs queued" || _case_fail "round 2 commit message"

case_begin "session: the journal holds every decision the screens showed"
[ "$(events 1 suggested)" = 4 ] || _case_fail "round 1: $(events 1 suggested) suggested"
[ "$(events 1 accepted)" = 2 ] || _case_fail "round 1 accepted"
[ "$(events 1 rejected)" = 1 ] || _case_fail "round 1 rejected"
grep -q '"round":1,"event":"rejected".*"reason":"duplicate of #2"' "$S/journal.jsonl" || _case_fail "reason lost"
grep -q '"round":1,"event":"overridden".*"replacement":"[^"]*TC_ade' "$S/journal.jsonl" ||
    grep -q '"round":1,"event":"overridden"' "$S/journal.jsonl" || _case_fail "round 1 override"
[ "$(events 1 queued)" = 3 ] || _case_fail "round 1 queued"
[ "$(events 1 result)" = 3 ] || _case_fail "round 1 results"
[ "$(events 2 rejected)" = 1 ] || _case_fail "round 2 rejected"
[ "$(events 2 overridden)" = 1 ] || _case_fail "round 2 overridden"
[ "$(events 2 accepted)" = 1 ] || _case_fail "round 2 accepted"
[ "$(events 2 note)" = 1 ] || _case_fail "round 2 note"
[ "$(events 2 left_open)" = 1 ] || _case_fail "round 2: the suggestion left open is not journaled as left_open"
[ "$(events 2 result)" = 2 ] || _case_fail "round 2 results"
[ "$(wc -l <"$S/runs.csv")" -gt "$ROWS0" ] || _case_fail "the oracle added no rows to the table"

cat >"$TMP/third.script" <<'KEYS'
key 4
dump round 3 proposed
key a o x
type NER_bc2gm
key Enter Enter x
type spread too wide
key Enter a Enter
dump round 3 committed
KEYS
case_begin "session: a third round without the oracle leaves runs in the queue"
explore "$TMP/third.script" "$S/study.json"
expect_status 0
screen "round 3 proposed" | grep -Eq "^ Round 3 " || _case_fail "round 3 not proposed"
screen "round 3 committed" | grep -q "round 3 committed: 3 runs in the queue" || _case_fail "commit message"
[ "$(events 3 queued)" = 3 ] || _case_fail "round 3 queued"
[ "$(events 3 result)" = 0 ] || _case_fail "round 3 has results"

cat >"$TMP/review.script" <<'KEYS'
key 5
dump history
key 4
dump round
KEYS
case_begin "session: reopened read-only, journal, queue and screens agree"
explore "$TMP/review.script" --read-only "$S/study.json"
expect_status 0
cp "$TMP/out" "$TMP/screens"
ids_journal="$(grep '"round":3,"event":"queued"' "$S/journal.jsonl" | sed 's/.*"run":"\([^"]*\)".*/\1/' | sort | tr '\n' ' ')"
ids_file="$(tail -n +2 "$S/queue.csv" | cut -d, -f1 | sort | tr '\n' ' ')"
run_cs queue --json "$S/study.json"
expect_status 0
ids_cmd="$(grep -o '"run":"[^"]*"' "$TMP/out" | cut -d'"' -f4 | sort | tr '\n' ' ')"
cp "$TMP/screens" "$TMP/out"
ids_screen="$(screen round | grep -o 'r[0-9]\{4,\}' | sort | tr '\n' ' ')"
[ -n "$ids_journal" ] || _case_fail "no queued runs in the journal"
[ "$ids_journal" = "$ids_file" ] || _case_fail "journal [$ids_journal] vs queue.csv [$ids_file]"
[ "$ids_journal" = "$ids_cmd" ] || _case_fail "journal [$ids_journal] vs comboscope queue [$ids_cmd]"
[ "$ids_journal" = "$ids_screen" ] || _case_fail "journal [$ids_journal] vs Round screen [$ids_screen]"
for r in 1 2 3; do
    want="$(printf '%4d RE_BioRED +%d +%d +%d +%d +%d +%d +%d' "$r" "$(events $r suggested)" "$(events $r accepted)" \
        "$(events $r rejected)" "$(events $r overridden)" "$(events $r note)" "$(events $r queued)" "$(events $r result)")"
    screen history | grep -Eq -- "^$want " || _case_fail "History row $r does not say /$want/"
done
screen round | grep -q "read-only" || _case_fail "not read-only"
screen round | grep -Eq "^ Round 4 " || _case_fail "round 4 not shown"

case_begin "explorer: --oracle with --read-only is a usage error"
run_cs --oracle "$ORACLE" --read-only "$S/study.json"
expect_status 2; expect_one_line_err; expect_err "--oracle"

case_begin "explorer: an unreadable oracle table is named, exit 1"
run_cs --oracle "$TMP/missing.csv" "$S/study.json"
expect_status 1; expect_one_line_err; expect_err "missing.csv: cannot read the oracle"

case_begin "explorer: a bad journal line is FILE:LINE:COL, exit 1, nothing changed"
cp "$S/journal.jsonl" "$TMP/journal.keep"
sed -i '3s/"event":"[a-z]*"/"event":"bogus"/' "$S/journal.jsonl"
cp "$S/journal.jsonl" "$TMP/journal.bad"
explore "$TMP/review.script" "$S/study.json"
expect_status 1; expect_one_line_err; expect_err "journal.jsonl:3:[0-9]+: "
expect_file_eq "$S/journal.jsonl" "$TMP/journal.bad"
cp "$TMP/journal.keep" "$S/journal.jsonl"

case_begin "explorer: a torn last journal line is reported on screen and skipped"
printf '{"time":"2026-11-29T22:00:00Z","round":9,"ev' >>"$S/journal.jsonl"
printf 'dump opened\n' >"$TMP/open.script"
explore "$TMP/open.script" "$S/study.json"
expect_status 0
expect_out "torn last line"
cmp -s "$S/journal.jsonl" "$TMP/journal.keep" || _case_fail "the torn line was not cut off"

case_begin "session: a result typed in by hand (e) is journaled and leaves the queue"
run_cs queue --json "$S/study.json"
first="$(grep -o '"run":"[^"]*","combination":"[^"]*"' "$TMP/out" | head -1)"
run_id="$(echo "$first" | cut -d'"' -f4)"; combo="$(echo "$first" | cut -d'"' -f8)"
n_members=$(($(echo "$combo" | tr -cd '+' | wc -c) + 1))
scores="$(seq "$n_members" | awk '{ printf "%s0.6%d", (NR > 1 ? " " : ""), NR }')"
waiting=$(($(wc -l <"$S/queue.csv") - 1))
printf 'key 4 e\ndump typing\ntype %s\nkey Enter\ndump typed\n' "$scores" >"$TMP/type.script"
explore "$TMP/type.script" "$S/study.json"
expect_status 0
screen typing | grep -q "$run_id: one f1 each, in order: $combo" || _case_fail "no hint for $run_id ($combo)"
screen typed | grep -q "saved: result of $run_id" || _case_fail "not confirmed"
grep -q "\"event\":\"result\".*\"run\":\"$run_id\"" "$S/journal.jsonl" || _case_fail "no result event for $run_id"
[ $(($(wc -l <"$S/queue.csv") - 1)) = $((waiting - 1)) ] || _case_fail "the queue file still lists $run_id"
grep -q "^$run_id,.*,manual\$\|^$run_id," "$S/runs.csv" || _case_fail "no row for $run_id in the table"

case_begin "the in-progress sample study: it checks, its journal replays, nothing waits"
run_cs check sample-results/biomed12-study/study.json
expect_status 0
run_cs queue sample-results/biomed12-study/study.json
expect_status 0; expect_out "no approved runs waiting for results"
J=sample-results/biomed12-study/journal.jsonl
[ "$(grep -c '"event":"committed"' "$J")" -ge 4 ] || _case_fail "fewer than four committed rounds"
for kind in accepted rejected overridden note result; do
    grep -q "\"event\":\"$kind\"" "$J" || _case_fail "no $kind event"
done
grep -q '"event":"rejected".*"reason"' "$J" || _case_fail "no rejection with a reason"
grep '"event":"rejected"' "$J" | grep -vq '"reason"' || _case_fail "no rejection without a reason"
