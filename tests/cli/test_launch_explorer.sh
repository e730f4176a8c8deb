# The explorer on a study with a local launch engine (tmux, private socket): committing a round
# submits it (the status line says so), and the result comes back with no key pressed (the
# idle poll follows the run, appends the result to the table and journals it).

if ! command -v tmux >/dev/null 2>&1; then
    case_begin "launch in the explorer"
    _case_fail "tmux is not installed (scripts/ensure-deps installs it)"
else

SOCK="cs-launch-$$"
E="$TMP/explore"
mkdir -p "$E"
cat >"$E/study.json" <<JSON
{"comboscope": 1, "name": "explore", "metric": "f1", "goal": "max",
 "datasets": [{"name": "A", "task": "X"}, {"name": "B", "task": "X"}, {"name": "C", "task": "Y"}],
 "tables": ["runs.csv"], "targets": ["A"], "journal": "journal.jsonl", "queue": "queue.csv",
 "launch": {"engine": "local", "command": "sh $ROOT/tests/cli/launch/train.sh {run} {datasets_csv} {result}"}}
JSON
printf 'run,combination,dataset,f1\nr0001,A,A,0.5\n,B,B,0.4\n,C,C,0.3\n' >"$E/runs.csv"
PANE=launch PANE_WAIT=5  # tm, screen_text, wait_for: tests/cli/lib.sh
tm new-session -d -s launch -x 100 -y 30 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
tm send-keys -t launch "cd '$E' && '$CS' study.json; echo EXIT=\$?" Enter

case_begin "explorer: committing a round submits it and says so"
wait_for "1 Study"
tm send-keys -t launch 4; wait_for "Round 1 +target"
tm send-keys -t launch a; wait_for "saved: #1 accepted"
tm send-keys -t launch Enter; sleep 0.3
screen_text | grep -Eq '\(y/N\)' && tm send-keys -t launch y
wait_for "round 1 committed: submitted round 1: local job [0-9]+, 1 run"
grep -q '"event":"submitting"' "$E/journal.jsonl" || _case_fail "no intent in the journal"

case_begin "explorer: the result comes back with no key pressed"
for i in $(seq 100); do
    grep -q '"event":"result"' "$E/journal.jsonl" && break
    sleep 0.1
done
grep -q '"event":"result".*"run":"r0002"' "$E/journal.jsonl" || _case_fail "no result journaled"
grep -q '^r0002,' "$E/runs.csv" || _case_fail "no result rows in the table"
wait_for "came back|round 1 complete" 5

case_begin "explorer: q quits"
tm send-keys -t launch q; wait_for "EXIT=0"
tm kill-server 2>/dev/null
fi
