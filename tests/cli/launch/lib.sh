# Shared by tests/cli/test_launch_*.sh: a study whose committed round 1 queues six runs that
# train.sh treats differently (see modes below), and a wait for the runs to settle.

# launch_study DIR ENGINE [EXTRA-LAUNCH-KEYS]: writes the study, its table, journal and modes.
launch_study() {
    local d="$1" engine="$2" extra="${3:-}"
    mkdir -p "$d"
    cat >"$d/study.json" <<JSON
{"comboscope": 1, "name": "launchtest", "metric": "f1", "goal": "max",
 "datasets": [{"name": "A", "task": "X"}, {"name": "B", "task": "X"}, {"name": "C", "task": "Y"},
              {"name": "D", "task": "Y"}],
 "tables": ["runs.csv"], "targets": ["A"], "journal": "journal.jsonl", "queue": "queue.csv",
 "launch": {"engine": "$engine", "command": "sh $ROOT/tests/cli/launch/train.sh {run} {datasets_csv} {result}",
            "max_parallel": 8$extra}}
JSON
    printf 'run,combination,dataset,f1\nr0001,A,A,0.5\n,B,B,0.4\n,C,C,0.3\n,D,D,0.2\n' >"$d/runs.csv"
    local T='"time":"2026-11-29T22:00:0' c combos=(A+B A+C A+D A+B+C A+B+D A+C+D) i=0
    : >"$d/journal.jsonl"
    for c in "${combos[@]}"; do
        echo "{${T}0Z\",\"round\":1,\"event\":\"accepted\",\"target\":\"A\",\"combination\":\"$c\"}" >>"$d/journal.jsonl"
    done
    for c in "${combos[@]}"; do
        i=$((i + 1))
        echo "{${T}1Z\",\"round\":1,\"event\":\"queued\",\"target\":\"A\",\"run\":\"r000$((i + 1))\",\"combination\":\"$c\",\"known\":0}" >>"$d/journal.jsonl"
    done
    echo "{${T}2Z\",\"round\":1,\"event\":\"committed\",\"target\":\"A\"}" >>"$d/journal.jsonl"
    printf 'r0002 ok\nr0003 fail\nr0004 malformed\nr0005 sleep\nr0006 flaky\nr0007 noresult\n' >"$d/modes"
}

# wait_settled STUDY [SECONDS]: runs `status --json` until no run is submitting, pending or
# running; the last answer is in $TMP/st. False on timeout.
wait_settled() {
    local i limit=$(( ${2:-60} * 5 ))
    for ((i = 0; i < limit; i++)); do
        "$CS" status --json "$1" >"$TMP/st" 2>"$TMP/st.err" || return 1
        grep -Eq '"state":"(submitting|pending|running)"' "$TMP/st" || return 0
        sleep 0.2
    done
    return 1
}

# run_state RUN: the state of RUN in $TMP/st ("done", "failed", ...).
run_state() {
    grep -o "\"run\":\"$1\",[^}]*" "$TMP/st" | grep -o '"state":"[a-z]*"' | cut -d'"' -f4
}
run_field() { # RUN KEY: a field of RUN in $TMP/st, raw
    grep -o "\"run\":\"$1\",[^}]*" "$TMP/st" | grep -o "\"$2\":[^,}]*" | cut -d: -f2-
}
