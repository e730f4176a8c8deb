# comboscope queue: the approved runs not yet measured, from a journal written here.

mkdir -p "$TMP/q"
cat >"$TMP/q/study.json" <<'JSON'
{"comboscope": 1, "name": "small", "metric": "f1", "goal": "max",
 "datasets": [{"name": "A", "task": "X"}, {"name": "B", "task": "X"}, {"name": "C", "task": "Y"}],
 "tables": ["runs.csv"], "targets": ["A"], "journal": "journal.jsonl", "queue": "queue.csv"}
JSON
printf 'run,combination,dataset,f1\nr0001,A,A,0.5\n,B,B,0.4\n,C,C,0.3\n' >"$TMP/q/runs.csv"
T='"time":"2026-11-29T22:00:0'
cat >"$TMP/q/journal.good" <<LINES
{${T}0Z","round":1,"event":"suggested","target":"A","combination":"A+B","mean":0.55,"spread":0.02,"predictor":"mlp","acquisition":"ucb"}
{${T}1Z","round":1,"event":"suggested","target":"A","combination":"A+C","mean":0.52,"spread":0.04}
{${T}2Z","round":1,"event":"accepted","target":"A","combination":"A+B"}
{${T}3Z","round":1,"event":"overridden","target":"A","combination":"A+C","replacement":"A+B+C"}
{${T}4Z","round":1,"event":"note","target":"A","text":"C looks weak"}
{${T}5Z","round":1,"event":"queued","target":"A","run":"r0002","combination":"A+B","known":0}
{${T}6Z","round":1,"event":"queued","target":"A","run":"r0003","combination":"A+B+C","known":0}
{${T}7Z","round":1,"event":"committed","target":"A"}
LINES
cp "$TMP/q/journal.good" "$TMP/q/journal.jsonl"

case_begin "queue --help and --version"
run_cs queue --help
expect_status 0; expect_out "usage: comboscope queue"
run_cs queue --version
expect_status 0; expect_out "^comboscope [0-9]"

case_begin "queue without STUDY is a usage error"
run_cs queue
expect_status 2; expect_one_line_err; expect_err "queue --help"

case_begin "queue with an unknown option is a usage error"
run_cs queue --frobnicate "$TMP/q/study.json"
expect_status 2; expect_one_line_err

case_begin "queue lists queued runs without results"
run_cs queue "$TMP/q/study.json"
expect_status 0
expect_out "^run +round +approved +target +combination"
expect_out "^r0002 +1 +2026-11-29T22:00:05Z +A +A\+B$"
expect_out "^r0003 +1 +2026-11-29T22:00:06Z +A +A\+B\+C$"
[ ! -s "$TMP/err" ] || _case_fail "stderr should be empty"

case_begin "queue --json"
run_cs queue --json "$TMP/q/study.json"
expect_status 0
expect_out '^\{"study":"small","runs":\[\{"run":"r0002","combination":"A\+B","round":1,"target":"A","approved":"2026-11-29T22:00:05Z"\},\{"run":"r0003"'

case_begin "queue leaves out a run whose result is journaled"
cp "$TMP/q/journal.good" "$TMP/q/journal.jsonl"
echo "{${T}8Z\",\"round\":1,\"event\":\"result\",\"target\":\"A\",\"run\":\"r0002\",\"combination\":\"A+B\",\"scores\":{\"A\":0.56,\"B\":0.41}}" >>"$TMP/q/journal.jsonl"
run_cs queue --json "$TMP/q/study.json"
expect_status 0; expect_out '"runs":\[\{"run":"r0003"'
grep -q r0002 "$TMP/out" && _case_fail "r0002 has a result and should not be listed"

case_begin "queue leaves out a run whose rows are in the table, and writes nothing"
cp "$TMP/q/journal.good" "$TMP/q/journal.jsonl"
cp "$TMP/q/runs.csv" "$TMP/q/runs.bak"
printf 'r0003,A+B+C,A,0.6\nr0003,A+B+C,B,0.42\nr0003,A+B+C,C,0.33\n' >>"$TMP/q/runs.csv"
run_cs queue "$TMP/q/study.json"
expect_status 0; expect_out "^r0002 "
grep -q r0003 "$TMP/out" && _case_fail "r0003 is answered by the table and should not be listed"
cp "$TMP/q/runs.bak" "$TMP/q/runs.csv"
expect_file_eq "$TMP/q/journal.good" "$TMP/q/journal.jsonl"
[ ! -e "$TMP/q/queue.csv" ] || _case_fail "queue must not write the queue file"

case_begin "queue warns about a row naming a queued run with another combination"
cp "$TMP/q/journal.good" "$TMP/q/journal.jsonl"
printf 'r0002,A+C,A,0.6\nr0002,A+C,C,0.3\n' >>"$TMP/q/runs.csv"
run_cs queue "$TMP/q/study.json"
expect_status 0; expect_one_line_err
expect_err "runs.csv:5: run r0002 was queued as A\+B; this row names another combination \(ignored\)$"
expect_out "^r0002 "
cp "$TMP/q/runs.bak" "$TMP/q/runs.csv"

case_begin "queue with a torn last line warns, skips it and keeps the rest"
cp "$TMP/q/journal.good" "$TMP/q/journal.jsonl"
printf '{"time":"2026-11-29T22:00:09Z","round":1,"event":"res' >>"$TMP/q/journal.jsonl"
cp "$TMP/q/journal.jsonl" "$TMP/q/journal.torn"
run_cs queue "$TMP/q/study.json"
expect_status 0; expect_one_line_err
expect_err "journal.jsonl:9: torn last line skipped$"
expect_out "^r0002 "; expect_out "^r0003 "
expect_file_eq "$TMP/q/journal.torn" "$TMP/q/journal.jsonl"

case_begin "queue with a corrupted middle line is an error with line and column"
sed '3s/"accepted"/"accepted/' "$TMP/q/journal.good" >"$TMP/q/journal.jsonl"
run_cs queue "$TMP/q/study.json"
expect_status 1; expect_one_line_err; expect_no_out
expect_err "journal.jsonl:3:[0-9]+: JSON syntax error$"

case_begin "queue with an unknown dataset in the journal points at the value"
sed '2s/"A+C"/"A+Z"/' "$TMP/q/journal.good" >"$TMP/q/journal.jsonl"
run_cs queue "$TMP/q/study.json"
expect_status 1; expect_one_line_err
expect_err 'journal.jsonl:2:89: dataset "Z" is not in the study$'

case_begin "queue with a result for a run never queued"
cp "$TMP/q/journal.good" "$TMP/q/journal.jsonl"
echo "{${T}8Z\",\"round\":1,\"event\":\"result\",\"run\":\"r0009\",\"combination\":\"A\",\"scores\":{\"A\":0.5}}" >>"$TMP/q/journal.jsonl"
echo "{${T}9Z\",\"round\":2,\"event\":\"note\",\"text\":\"x\"}" >>"$TMP/q/journal.jsonl"
run_cs queue "$TMP/q/study.json"
expect_status 1; expect_one_line_err; expect_err "journal.jsonl:9:[0-9]+: result for run r0009, which was never queued"

case_begin "queue with no journal yet is empty"
rm -f "$TMP/q/journal.jsonl"
run_cs queue "$TMP/q/study.json"
expect_status 0; expect_out "^no approved runs waiting for results$"
run_cs queue --json "$TMP/q/study.json"
expect_status 0; expect_out '^\{"study":"small","runs":\[\]\}$'

case_begin "queue on a bare table (no journal) is an error"
run_cs queue "$TMP/q/runs.csv"
expect_status 1; expect_one_line_err; expect_err "names no journal"

case_begin "queue on a missing study"
run_cs queue "$TMP/q/nope.json"
expect_status 1; expect_one_line_err; expect_err "nope.json: cannot open"
