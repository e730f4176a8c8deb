# A failure between appending a run's result to the table and journaling it, in a table with no
# `run` column (rows are matched to runs by combination and replicate): recovery takes the rows
# already there instead of appending them twice. The failure is made real and exactly there: the
# explorer follows a local run while its journal is replaced on disk, so the journal line after
# the table's rows cannot be written (the state a kill at that point leaves); the explorer then
# quits and `comboscope status` recovers.

if ! command -v tmux >/dev/null 2>&1; then
    case_begin "launch recovery in the explorer"
    _case_fail "tmux is not installed (scripts/ensure-deps installs it)"
else

SOCK="cs-recover-$$"
E="$TMP/recover"
mkdir -p "$E"
cat >"$TMP/gated.sh" <<'SH'
#!/bin/sh
# gated.sh DATASETS_CSV RESULT: waits for ./go, then writes one row per member
while [ ! -e go ]; do sleep 0.1; done
combo=$(echo "$1" | tr , +)
{ echo "combination,dataset,f1"; for d in $(echo "$1" | tr , ' '); do echo "$combo,$d,0.7"; done; } >"$2.part"
mv "$2.part" "$2"
SH
cat >"$E/study.json" <<JSON
{"comboscope": 1, "name": "recover", "metric": "f1", "goal": "max",
 "datasets": [{"name": "A", "task": "X"}, {"name": "B", "task": "X"}, {"name": "C", "task": "Y"}],
 "tables": ["runs.csv"], "targets": ["A"], "journal": "journal.jsonl", "queue": "queue.csv",
 "launch": {"engine": "local", "command": "sh $TMP/gated.sh {datasets_csv} {result}"}}
JSON
printf 'combination,dataset,f1\nA,A,0.5\nB,B,0.4\nC,C,0.3\n' >"$E/runs.csv"
T='"time":"2026-11-29T22:00:0'
cat >"$E/journal.jsonl" <<JL
{${T}0Z","round":1,"event":"accepted","target":"A","combination":"A+B"}
{${T}1Z","round":1,"event":"queued","target":"A","run":"r0002","combination":"A+B","known":0}
{${T}2Z","round":1,"event":"committed","target":"A"}
JL
wait_file() { # REGEX FILE [SECONDS]
    local i
    for i in $(seq $(( ${3:-10} * 10 ))); do grep -Eq -- "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done
    _case_fail "$2 never held /$1/"
    return 1
}

case_begin "recovery: the run starts and the explorer follows it"
run_cs launch "$E"
expect_status 0
expect_out '^submitted round 1: local job [0-9]+, 1 run$'
tm new-session -d -s r -x 100 -y 30 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
tm send-keys -t r "cd '$E' && '$CS' study.json; echo EXIT=\$?" Enter
wait_file '"event":"state".*"run":"r0002","state":"running"' "$E/journal.jsonl"

case_begin "recovery: the journal line after the table's rows fails; the rows are appended once"
cp "$E/journal.jsonl" "$E/j.tmp" && mv "$E/j.tmp" "$E/journal.jsonl"   # replaced under the explorer
: >"$E/go"
wait_file '^A\+B,A,0.7' "$E/runs.csv"
sleep 2   # several more polls of the explorer
[ "$(grep -c '^A+B,' "$E/runs.csv")" = 2 ] || _case_fail "the table has $(grep -c '^A+B,' "$E/runs.csv") rows for A+B (2 expected)"
grep -q '"event":"result"' "$E/journal.jsonl" && _case_fail "the result was journaled into the replaced file"
tm send-keys -t r q
for i in $(seq 50); do tm capture-pane -p -t r | grep -q 'EXIT=' && break; sleep 0.1; done
tm kill-server 2>/dev/null

case_begin "recovery: status takes the rows already in the table, without appending them again"
run_cs status --json "$E"
expect_status 0
grep -q '"run":"r0002","round":1,"combination":"A+B","target":"A","state":"done"' "$TMP/out" || _case_fail "r0002 is not done: $(cat "$TMP/out")"
[ "$(grep -c '^A+B,' "$E/runs.csv")" = 2 ] || _case_fail "the table has $(grep -c '^A+B,' "$E/runs.csv") rows for A+B (2 expected)"
[ "$(grep -c '"event":"result".*"run":"r0002"' "$E/journal.jsonl")" = 1 ] || _case_fail "not one result for r0002"
grep -q '"event":"result".*"run":"r0002".*"scores":{"A":0.7,"B":0.7}' "$E/journal.jsonl" || _case_fail "the result's scores"
run_cs status --json "$E"
[ "$(grep -c '^A+B,' "$E/runs.csv")" = 2 ] || _case_fail "a second status appended rows"
fi
