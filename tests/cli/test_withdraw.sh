# comboscope withdraw: queued runs taken back before they start; all or nothing, one-line
# errors, the journal event flushed, the queue file rewritten, the combination proposable again.

W="$TMP/w"
mkdir -p "$W"
cat >"$W/study.json" <<'JSON'
{"comboscope": 1, "name": "small", "metric": "f1", "goal": "max",
 "datasets": [{"name": "A", "task": "X"}, {"name": "B", "task": "X"}, {"name": "C", "task": "Y"}],
 "tables": ["runs.csv"], "targets": ["A"], "journal": "journal.jsonl", "queue": "queue.csv"}
JSON
printf 'run,combination,dataset,f1\nr0001,A,A,0.5\n,B,B,0.4\n,C,C,0.3\n' >"$W/runs.csv"
T='"time":"2026-11-29T22:00:0'
cat >"$W/journal.good" <<LINES
{${T}0Z","round":1,"event":"suggested","target":"A","combination":"A+B","mean":0.55,"spread":0.02,"predictor":"mlp","acquisition":"ucb"}
{${T}1Z","round":1,"event":"suggested","target":"A","combination":"A+C","mean":0.52,"spread":0.04}
{${T}2Z","round":1,"event":"accepted","target":"A","combination":"A+B"}
{${T}3Z","round":1,"event":"accepted","target":"A","combination":"A+C"}
{${T}5Z","round":1,"event":"queued","target":"A","run":"r0002","combination":"A+B","known":0}
{${T}6Z","round":1,"event":"queued","target":"A","run":"r0003","combination":"A+C","known":0}
{${T}7Z","round":1,"event":"committed","target":"A"}
{${T}8Z","round":1,"event":"result","target":"A","run":"r0003","combination":"A+C","scores":{"A":0.52,"C":0.31}}
LINES
fresh() { cp "$W/journal.good" "$W/journal.jsonl"; rm -f "$W/queue.csv"; }

case_begin "withdraw --help and --version"
run_cs withdraw --help
expect_status 0; expect_out "usage: comboscope withdraw STUDY RUN"; expect_out "exit status"
run_cs withdraw --version
expect_status 0; expect_out "^comboscope [0-9]"

case_begin "withdraw without a RUN is a usage error"
fresh
run_cs withdraw "$W/study.json"
expect_status 2; expect_one_line_err; expect_err "withdraw --help"
run_cs withdraw
expect_status 2; expect_one_line_err
run_cs withdraw --frobnicate "$W/study.json" r0002
expect_status 2; expect_one_line_err
expect_file_eq "$W/journal.good" "$W/journal.jsonl"

case_begin "withdraw takes a queued run back: journal event, queue file rewritten"
fresh
run_cs withdraw "$W/study.json" r0002
expect_status 0
expect_out "^withdrew r0002 \(A\+B, round 1\)$"
[ ! -s "$TMP/err" ] || _case_fail "stderr should be empty"
tail -1 "$W/journal.jsonl" | grep -Eq '"round":1,"event":"withdrawn","target":"A","combination":"A\+B","run":"r0002"' ||
    _case_fail "no withdrawn event: $(tail -1 "$W/journal.jsonl")"
[ "$(wc -l <"$W/journal.jsonl")" = 9 ] || _case_fail "one line should have been added"
[ "$(cat "$W/queue.csv")" = "run,combination,round,target,approved" ] || _case_fail "queue file: $(cat "$W/queue.csv")"
run_cs queue "$W/study.json"
expect_status 0; expect_out "no approved runs waiting"
run_cs check "$W/study.json"
expect_status 0

case_begin "withdraw the same run twice: the second fails, one line, nothing written"
run_cs withdraw "$W/study.json" r0002
expect_status 1; expect_one_line_err
expect_err "journal.jsonl: run r0002 is already withdrawn"
[ "$(wc -l <"$W/journal.jsonl")" = 9 ] || _case_fail "nothing should have been added"

case_begin "withdraw an unknown run: one line, nothing written"
fresh
run_cs withdraw "$W/study.json" r0099
expect_status 1; expect_one_line_err
expect_err "journal.jsonl: no run 'r0099' in the journal"
expect_file_eq "$W/journal.good" "$W/journal.jsonl"
[ ! -e "$W/queue.csv" ] || _case_fail "the queue file was written"

case_begin "withdraw a run that has its result: refused"
fresh
run_cs withdraw "$W/study.json" r0003
expect_status 1; expect_one_line_err
expect_err "run r0003 has its result"
expect_file_eq "$W/journal.good" "$W/journal.jsonl"

case_begin "withdraw is all or nothing: a bad RUN among good ones withdraws none"
fresh
run_cs withdraw "$W/study.json" r0002 r0099
expect_status 1; expect_one_line_err; expect_no_out
expect_file_eq "$W/journal.good" "$W/journal.jsonl"

case_begin "withdraw accepts options after the operands"
fresh
run_cs withdraw "$W/study.json" r0002 --version
expect_status 0; expect_out "^comboscope [0-9]"
expect_file_eq "$W/journal.good" "$W/journal.jsonl"

case_begin "withdraw a name with control characters: sanitized in the error"
fresh
run_cs withdraw "$W/study.json" "$(printf 'r\033[31m9')"
expect_status 1; expect_one_line_err
grep -q "$(printf '\033')" "$TMP/err" && _case_fail "an escape reached stderr"
expect_file_eq "$W/journal.good" "$W/journal.jsonl"

case_begin "withdraw on a study without a journal"
printf '{"comboscope": 1, "name": "nj", "datasets": [{"name": "A"}, {"name": "B"}, {"name": "C"}], "tables": ["runs.csv"]}\n' >"$W/nojournal.json"
run_cs withdraw "$W/nojournal.json" r0002
expect_status 1; expect_one_line_err; expect_err "names no journal"

case_begin "withdraw while another process holds the study: refused, nothing written"
fresh
if command -v flock >/dev/null 2>&1; then
    flock -o "$W/journal.jsonl.lock" sleep 3 & # -o: the lock dies with flock, not with sleep
    holder=$!
    sleep 0.3
    run_cs withdraw "$W/study.json" r0002
    expect_status 1; expect_one_line_err; expect_err "read-only: held by"
    expect_file_eq "$W/journal.good" "$W/journal.jsonl"
    kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
else
    _case_fail "flock(1) is not installed (util-linux)"
fi

case_begin "a withdrawn combination may be suggested again"
fresh
run_cs withdraw "$W/study.json" r0002
expect_status 0
# A+B is the only unmeasured combination with A besides A+B+C: with r0002 still queued it
# would be left out; withdrawn, the next round may propose it
printf '%s\n' '{"comboscope": 1, "name": "small", "metric": "f1", "goal": "max",' \
  '"datasets": [{"name": "A", "task": "X"}, {"name": "B", "task": "X"}, {"name": "C", "task": "Y"}],' \
  '"tables": ["runs.csv"], "targets": ["A"], "journal": "journal.jsonl", "queue": "queue.csv",' \
  '"search": {"batch": 4}}' >"$W/study.json"
printf 'dump r\nkey 4\ndump round 2\n' >"$TMP/w.script"
env COMBOSCOPE_SCRIPT="$TMP/w.script" LC_ALL=C.UTF-8 TERM=xterm-256color COLUMNS=80 LINES=24 \
    "$CS" "$W/study.json" >"$TMP/out" 2>"$TMP/err" </dev/null
grep -A12 "^=== round 2" "$TMP/out" | grep -Eq "^ +[0-9]+ +open .* 1 +\+B$" || _case_fail "A+B was not proposed again"

case_begin "withdraw takes a study's directory, and -- before a run id that looks like an option"
fresh
run_cs withdraw -- "$W" r0002
expect_status 0; expect_out "^withdrew r0002 "
