# A joint round committed in the explorer through the local engine (tmux, private socket): J
# proposes one round for both targets, the commit asks and submits, every run's result comes
# back scored on each member (so for each target it serves), and the next round is joint too.

if ! command -v tmux >/dev/null 2>&1; then
    case_begin "joint round through the local engine"
    _case_fail "tmux is not installed (scripts/ensure-deps installs it)"
else

SOCK="cs-joint-$$"
E="$TMP/joint"
mkdir -p "$E"
cat >"$E/study.json" <<JSON
{"comboscope": 1, "name": "joint", "metric": "f1", "goal": "max",
 "datasets": [{"name": "A", "task": "X"}, {"name": "B", "task": "X"}, {"name": "C", "task": "Y"},
              {"name": "D", "task": "Y"}],
 "tables": ["runs.csv"], "targets": ["A", "B"], "journal": "journal.jsonl", "queue": "queue.csv",
 "search": {"predictor": "additive", "acquisition": "ucb", "batch": 2, "seed": 1},
 "launch": {"engine": "local", "command": "sh $ROOT/tests/cli/launch/train.sh {run} {datasets_csv} {result}"}}
JSON
printf 'run,combination,dataset,f1\nr0001,A,A,0.5\nr0002,B,B,0.4\nr0003,C,C,0.3\nr0004,D,D,0.2\n' >"$E/runs.csv"
printf 'r0005,A+C,A,0.55\nr0005,A+C,C,0.31\nr0006,B+D,B,0.42\nr0006,B+D,D,0.22\n' >>"$E/runs.csv"
PANE=joint PANE_WAIT=5  # tm, screen_text, wait_for: tests/cli/lib.sh
tm new-session -d -s joint -x 100 -y 30 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
tm send-keys -t joint "cd '$E' && '$CS' study.json; echo EXIT=\$?" Enter

case_begin "explorer: J proposes one round for both targets, each suggestion valued for each"
wait_for "1 Study"
tm send-keys -t joint 4; wait_for "Round 1 +target A"
tm send-keys -t joint J; wait_for "joint round for \(Enter: all 2 targets; or parts of names\):"
tm send-keys -t joint Enter; wait_for "Round 1  joint, 2 targets: A B"
wait_for "proposed again: one round for 2 targets \(J: for A alone\)"
wait_for "serves [12] of 2 targets; (joint )?value [0-9.(]"

case_begin "explorer: committing a joint round asks, submits and journals its targets"
tm send-keys -t joint a; wait_for "saved: #1 accepted"
tm send-keys -t joint a; wait_for "saved: #2 accepted"
tm send-keys -t joint Enter; wait_for "commit 2 runs and run them on this machine \(local engine\)\? \(y/N\)"
tm send-keys -t joint y
wait_for "round 1 committed: submitted round 1: local job [0-9]+, 2 runs"
expect_true [ "$(grep -c '"event":"suggested".*"targets":\["A","B"\],"per_target":{' "$E/journal.jsonl")" = 2 ]
grep -q '"event":"submitting"' "$E/journal.jsonl" || _case_fail "no intent in the journal"

case_begin "explorer: each joint run's result comes back scored on every member"
for i in $(seq 100); do
    [ "$(grep -c '"event":"result"' "$E/journal.jsonl")" = 2 ] && break
    sleep 0.1
done
expect_true [ "$(grep -c '"event":"result"' "$E/journal.jsonl")" = 2 ]
# each queued run names a target it contains, and its result scores each member (train.sh: 0.7)
grep '"event":"queued"' "$E/journal.jsonl" | while read -r line; do
    t=$(echo "$line" | sed 's/.*"target":"\([A-D]\)".*/\1/')
    c=$(echo "$line" | sed 's/.*"combination":"\([A-D+]*\)".*/\1/')
    case "+$c+" in *"+$t+"*) ;; *) echo "run of $c names $t" >>"$TMP/bad" ;; esac
    n=$(echo "$c" | tr + '\n' | wc -l)
    r=$(echo "$line" | sed 's/.*"run":"\([a-z0-9]*\)".*/\1/')
    [ "$(grep -c "^$r,$c," "$E/runs.csv")" = "$n" ] || echo "run $r: not every member in the table" >>"$TMP/bad"
done
expect_true [ ! -s "$TMP/bad" ]
wait_for "round 1 complete: 2 of 2 runs done" 5
wait_for "Round 2  joint, 2 targets: A B"

case_begin "explorer: History names the joint round; q quits"
tm send-keys -t joint 5; wait_for "1 joint \(2\)"
wait_for "round 1: joint: A \+ B"
tm send-keys -t joint q; wait_for "EXIT=0"
tm kill-server 2>/dev/null
fi
