# comboscope launch/status/cancel/resubmit on the local engine: a committed round of six runs
# (done, exit 3, malformed result, cancelled, failed then resubmitted, exit 0 without a
# result), the dry run, and a crash between the engine call and the journal line.
. "$ROOT/tests/cli/launch/lib.sh"
L="$TMP/local"
launch_study "$L" local

case_begin "launch --dry-run prints the driver, the batch script and the manifest, and writes nothing"
cp "$L/journal.jsonl" "$TMP/j.before"
run_cs launch --dry-run "$L/study.json"
expect_status 0
expect_out '^# round 1, submission s0001: 6 runs \(local engine\)$'
expect_out "^setsid /bin/sh $L/runs/s0001/local.sh "
expect_out 'xargs -P 8 '
expect_out '^i=\$\{COMBOSCOPE_TASK:-\$\{SLURM_ARRAY_TASK_ID:\?'
expect_out "^r0002	$L/runs/r0002/1	sh $ROOT/tests/cli/launch/train.sh r0002 A,B $L/runs/r0002/1/result.csv$"
expect_out "^r0007	$L/runs/r0007/1	"
[ ! -e "$L/runs" ] || _case_fail "the dry run wrote $L/runs"
expect_file_eq "$L/journal.jsonl" "$TMP/j.before"

case_begin "launch submits the committed round, journaling the intent before the engine call"
run_cs launch "$L"
expect_status 0
expect_out '^submitted round 1: local job [0-9]+, 6 runs$'
tail -2 "$L/journal.jsonl" | head -1 | grep -q '"event":"submitting".*"engine":"local","name":"cs-[0-9a-f]*-s0001","runs":\["r0002","r0003","r0004","r0005","r0006","r0007"\]' \
    || _case_fail "no intent line before submitted"
tail -1 "$L/journal.jsonl" | grep -q '"event":"submitted".*"job":"[0-9]*"' || _case_fail "no submitted line"

case_begin "launch again submits nothing twice"
run_cs launch "$L"
expect_status 0
expect_out '^nothing to submit'
[ "$(grep -c '"event":"submitting"' "$L/journal.jsonl")" = 1 ] || _case_fail "submitted twice"

case_begin "cancel a run while it runs or waits"
run_cs cancel "$L" r0005
expect_status 0
expect_out '^r0005: cancel journaled'
grep -q '"event":"cancel".*"run":"r0005"' "$L/journal.jsonl" || _case_fail "no cancel event"

case_begin "cancel of an unknown run names it"
run_cs cancel "$L" r0099
expect_status 1
expect_one_line_err
expect_err 'r0099'

case_begin "every run settles: done, failed (exit, malformed, no result), cancelled"
wait_settled "$L" 60 || _case_fail "runs did not settle: $(cat "$TMP/st")"
[ "$(run_state r0002)" = done ] || _case_fail "r0002 is $(run_state r0002)"
[ "$(run_state r0003)" = failed ] || _case_fail "r0003 is $(run_state r0003)"
[ "$(run_field r0003 exit)" = 3 ] || _case_fail "r0003 exit $(run_field r0003 exit)"
[ "$(run_state r0004)" = failed ] || _case_fail "r0004 is $(run_state r0004)"
grep -q "\"reason\":\"$L/runs/r0004/1/result.csv:2:[0-9]*: " "$TMP/st" || _case_fail "r0004's reason is not located"
[ "$(run_state r0005)" = cancelled ] || _case_fail "r0005 is $(run_state r0005)"
[ "$(run_state r0006)" = failed ] || _case_fail "r0006 is $(run_state r0006)"
[ "$(run_state r0007)" = failed ] || _case_fail "r0007 is $(run_state r0007)"
grep -q '"reason":"[^"]*exited 0 but wrote no result file' "$TMP/st" || _case_fail "r0007's reason"
grep -q '^r0002,A+B,A,0.7$' "$L/runs.csv" || _case_fail "r0002's rows are not in the table"
grep -q '"event":"result".*"run":"r0002"' "$L/journal.jsonl" || _case_fail "r0002's result is not journaled"
grep -q '"event":"state".*"run":"r0003","state":"failed".*"exit":3' "$L/journal.jsonl" || _case_fail "no failed event"
[ "$(grep -c '"event":"result"' "$L/journal.jsonl")" = 1 ] || _case_fail "results other than r0002's"
grep -q 'out of memory' "$L/runs/r0003/1/log" || _case_fail "r0003's log"

case_begin "status prints every run with engine, job, state, exit and detail"
run_cs status "$L/study.json"
expect_status 0
expect_out '^run +round +engine +job +state +exit +detail +combination$'
expect_out '^r0002 +1 +local +[0-9]+_0 +done +- +0\.7000 +A\+B$'
expect_out '^r0003 +1 +local +[0-9]+_1 +failed +3 +exit status 3 +A\+D$|^r0003 +1 +local +[0-9]+_1 +failed +3 +exit status 3 +A\+C$'
expect_out '^r0005 +1 +local +[0-9]+_3 +cancelled '

case_begin "resubmit a failed run: a second attempt that comes back"
run_cs resubmit "$L" r0006
expect_status 0
expect_out '^r0006: resubmitted: submitted round 1: local job [0-9]+, 1 run$'
wait_settled "$L" 30 || _case_fail "did not settle"
[ "$(run_state r0006)" = done ] || _case_fail "r0006 is $(run_state r0006)"
[ "$(run_field r0006 attempt)" = 2 ] || _case_fail "attempt $(run_field r0006 attempt)"
[ -s "$L/runs/r0006/2/result.csv" ] || _case_fail "no second attempt directory"
grep -q '^r0006,A+B+D,A,0.71$' "$L/runs.csv" || _case_fail "r0006's rows"

case_begin "resubmit of a run that is done is refused"
run_cs resubmit "$L" r0002
expect_status 1
expect_one_line_err
expect_err 'only a failed, cancelled or lost run'

case_begin "a crash between the engine call and its journal line: reconciled, nothing twice, nothing lost"
C="$TMP/crash"
launch_study "$C" local
printf 'r0003 seeded\n' >"$C/modes"   # every run trains and writes its result; r0003 with a seed and a gpu
printf 'run,combination,dataset,seed,f1\nr0001,A,A,1,0.5\n,B,B,1,0.4\n,C,C,1,0.3\n,D,D,1,0.2\n' >"$C/runs.csv"
run_cs launch "$C"
expect_status 0
job=$(tail -1 "$C/journal.jsonl" | grep -o '"job":"[0-9]*"')
sed -i '$d' "$C/journal.jsonl"   # as if killed before `submitted` was written
wait_settled "$C" 60 || _case_fail "did not settle"
grep -q "\"event\":\"submitted\".*$job" "$C/journal.jsonl" || _case_fail "the job was not found again"
[ "$(grep -c '"event":"submitting"' "$C/journal.jsonl")" = 1 ] || _case_fail "submitted twice"
[ ! -e "$C/runs/s0002" ] || _case_fail "a second submission"
for r in r0002 r0003 r0004 r0005 r0006 r0007; do
    [ "$(run_state $r)" = done ] || _case_fail "$r is $(run_state $r)"
    [ "$(grep -c "^$r," "$C/runs.csv")" -ge 2 ] || _case_fail "$r's rows"
done
[ "$(grep -c '"event":"result"' "$C/journal.jsonl")" = 6 ] || _case_fail "results: $(grep -c '"event":"result"' "$C/journal.jsonl")"
grep -Eq '^r0003,[A-D+]+,A,7,0.7$' "$C/runs.csv" || _case_fail "r0003's seed is not in the table: $(grep ^r0003 "$C/runs.csv")"
grep -Eq '^r0002,[A-D+]+,A,,0.7$' "$C/runs.csv" || _case_fail "r0002's row: $(grep ^r0002 "$C/runs.csv")"
grep -q '"event":"note".*"text":"r0003: result columns gpu not kept (runs.csv has no such column)"' "$C/journal.jsonl" \
    || _case_fail "no note naming r0003's dropped column"
[ "$(grep -c '"event":"note"' "$C/journal.jsonl")" = 1 ] || _case_fail "notes for runs that dropped nothing"

case_begin "an intent whose engine never started: the runs go back to the queue, then submit"
N="$TMP/never"
launch_study "$N" local
: >"$N/modes"
printf '{"time":"2026-11-29T22:00:03Z","round":1,"event":"submitting","target":"A","submission":"s0001","engine":"local","name":"cs-0-s0001","runs":["r0002"]}\n' >>"$N/journal.jsonl"
run_cs launch "$N"
expect_status 0
expect_out '^submitted round 1: local job [0-9]+, 6 runs$'
grep -q '"event":"submitted".*"submission":"s0001".*"error":"not submitted' "$N/journal.jsonl" || _case_fail "the intent was not closed"
wait_settled "$N" 60 || _case_fail "did not settle"
[ "$(run_field r0002 attempt)" = 2 ] || _case_fail "r0002 attempt $(run_field r0002 attempt)"
[ "$(run_state r0002)" = done ] || _case_fail "r0002 is $(run_state r0002)"

case_begin "launch on a study without a launch object"
run_cs launch "$ROOT/tests/cli/../../sample-results/biomed12/study.json"
expect_status 1
expect_one_line_err
expect_err 'has no "launch" object'

case_begin "a bad placeholder is located at load time"
B="$TMP/bad"
launch_study "$B" local
sed -i 's/{datasets_csv}/{dataset_csv}/' "$B/study.json"
run_cs check "$B/study.json"
expect_status 1
expect_one_line_err
# The command holds $ROOT, so the column depends on where the tree is checked out.
col=$(awk 'NR == 5 { print index($0, "{dataset_csv}") }' "$B/study.json")
expect_err "^$B/study.json:5:$col: unknown placeholder \{dataset_csv\}"
