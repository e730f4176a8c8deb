# The Round view of a study with a `launch` object: runs waiting for results come back by
# themselves from the engine (the line says which, and that R lists them), never "read when a
# table changes; e types one in", which is what a study without an engine says.

RH="$TMP/rh"
rh_run() { # ARGS...: the Round view (4), dumped to $TMP/out
    printf 'key 4\ndump round\n' >"$TMP/rh.script"
    env COMBOSCOPE_SCRIPT="$TMP/rh.script" LC_ALL=C.UTF-8 TERM=xterm-256color COLUMNS=100 LINES=30 \
        "$CS" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
}
rm -rf "$RH"; cp -R sample-results/biomed12-study "$RH"
# a committed round with one run waiting, from a study with no engine yet
printf 'key 4\nkey a\nkey Enter\nkey y\n' >"$TMP/rh-commit.script"
env COMBOSCOPE_SCRIPT="$TMP/rh-commit.script" LC_ALL=C.UTF-8 TERM=xterm-256color COLUMNS=100 LINES=30 \
    "$CS" "$RH/study.json" >/dev/null 2>&1 </dev/null

case_begin "round view, no engine: results are read when a table changes"
rh_run --read-only "$RH/study.json"
expect_status 0
grep -q "results are read when a table changes" "$TMP/out" || _case_fail "no hint: $(grep -i result "$TMP/out")"

# the same study with a launch object (read-only: nothing is submitted by looking)
sed -i 's/^{$/{ "launch": {"engine": "slurm", "command": "train {run}"},/' "$RH/study.json"
case_begin "round view, Slurm engine: results come back by themselves; R lists the runs"
rh_run --read-only "$RH/study.json"
expect_status 0
grep -q "results come back by themselves from the Slurm engine; R lists the runs" "$TMP/out" ||
    _case_fail "no engine hint: $(grep -i result "$TMP/out")"
grep -q "table changes\|types one in" "$TMP/out" && _case_fail "still says results are read from a table"

sed -i 's/"engine": "slurm"/"engine": "local"/' "$RH/study.json"
case_begin "round view, local engine: results come back by themselves from the local engine"
rh_run --read-only "$RH/study.json"
expect_status 0
grep -q "results come back by themselves from the local engine; R lists the runs" "$TMP/out" ||
    _case_fail "no engine hint: $(grep -i result "$TMP/out")"
