# comboscope launch/status/cancel/resubmit against a real, private single-node Slurm
# (scripts/slurm-fixture, started once for this build under its build directory): one job
# array per committed round, a run exiting non-zero, a malformed result, a cancel, a
# resubmit, a SIGKILL right after sbatch, a job purged from squeue, the dry run.
. "$ROOT/tests/cli/launch/lib.sh"
case "$CS" in
*/build-san/*) FIXDIR="$ROOT/build-san/slurm-fixture" ;;
*) FIXDIR="$ROOT/build/slurm-fixture" ;;
esac

case_begin "the private Slurm starts (munged, slurmctld, slurmd under the build directory)"
# MaxArraySize 7: a round of 6 runs is one array, one of 9 is split in two
if fix_env="$(SLURM_FIXTURE_MAX_ARRAY=7 "$ROOT/scripts/slurm-fixture" start "$FIXDIR" 2>"$TMP/fix.err")"; then
    eval "$fix_env"
    [ "$(sinfo -h -n cstest -o %t)" = idle ] || _case_fail "the node is not idle"
else
    _case_fail "slurm-fixture start: $(cat "$TMP/fix.err")"
fi
S="$TMP/slurm"
launch_study "$S" slurm ', "partition": "debug", "gpus": 1, "time": "10:00"'

case_begin "slurm launch --dry-run prints the sbatch command, the script and the manifest"
run_cs launch --dry-run "$S"
expect_status 0
expect_out '^# round 1, submission s0001: 6 runs \(slurm engine\)$'
expect_out "^sbatch --parsable --array=0-5%8 --job-name=cs-[0-9a-f]{8}-s0001 --chdir=$S --output=$S/runs/s0001/slurm-%A_%a.out --partition=debug --time=10:00 --gres=gpu:1 $S/runs/s0001/job.sh$"
expect_out '^line=\$\(sed -n "\$\(\(i \+ 1\)\)p" "\$manifest"\)$'
expect_out "^r0004	$S/runs/r0004/1	sh "
[ ! -e "$S/runs" ] || _case_fail "the dry run wrote files"

case_begin "slurm: a committed round goes out as one job array"
run_cs launch "$S"
expect_status 0
expect_out '^submitted round 1: Slurm job [0-9]+, 6 runs$'
JOB=$(grep -o 'Slurm job [0-9]*' "$TMP/out" | grep -o '[0-9]*$')
[ "$(squeue -h -t all -j "$JOB" -o %F | sort -u)" = "$JOB" ] || _case_fail "job $JOB is not in squeue"
grep -q "\"event\":\"submitted\".*\"engine\":\"slurm\",\"job\":\"$JOB\"" "$S/journal.jsonl" || _case_fail "submitted not journaled"

case_begin "slurm: cancel one run of the array"
run_cs cancel "$S" r0005
expect_status 0
expect_out '^r0005: cancel journaled'

case_begin "slurm: every run settles with its result, exit status, reason or cancel"
wait_settled "$S" 90 || _case_fail "did not settle: $(cat "$TMP/st")"
[ "$(run_state r0002)" = done ] || _case_fail "r0002 is $(run_state r0002)"
[ "$(run_state r0003)" = failed ] && [ "$(run_field r0003 exit)" = 3 ] || _case_fail "r0003: $(run_state r0003) $(run_field r0003 exit)"
[ "$(run_state r0004)" = failed ] || _case_fail "r0004 is $(run_state r0004)"
grep -q "\"reason\":\"$S/runs/r0004/1/result.csv:2:[0-9]*: " "$TMP/st" || _case_fail "r0004's reason is not located"
[ "$(run_state r0005)" = cancelled ] || _case_fail "r0005 is $(run_state r0005)"
[ "$(run_state r0006)" = failed ] || _case_fail "r0006 is $(run_state r0006)"
[ "$(run_state r0007)" = failed ] || _case_fail "r0007 is $(run_state r0007)"
[ "$(run_field r0004 job)" = "\"$JOB\"" ] && [ "$(run_field r0004 index)" = 2 ] || _case_fail "r0004's job $(run_field r0004 job) index $(run_field r0004 index)"
grep -q '^r0002,A+B,A,0.7$' "$S/runs.csv" || _case_fail "r0002's rows"
[ "$(grep -c '"event":"result"' "$S/journal.jsonl")" = 1 ] || _case_fail "results"
grep -q '"event":"state".*"run":"r0005","state":"cancelled"' "$S/journal.jsonl" || _case_fail "no cancelled event"

case_begin "slurm: resubmit a failed run as a second attempt"
run_cs resubmit "$S" r0006
expect_status 0
expect_out '^r0006: resubmitted: submitted round 1: Slurm job [0-9]+, 1 run$'
wait_settled "$S" 60 || _case_fail "did not settle"
[ "$(run_state r0006)" = done ] && [ "$(run_field r0006 attempt)" = 2 ] || _case_fail "r0006: $(run_state r0006) attempt $(run_field r0006 attempt)"
grep -q '^r0006,A+B+D,A,0.71$' "$S/runs.csv" || _case_fail "r0006's rows"

case_begin "slurm: killed (SIGKILL) right after sbatch, then restarted: nothing twice, nothing lost"
K="$TMP/killed"
launch_study "$K" slurm ', "partition": "debug"'
: >"$K/modes"
mkdir -p "$TMP/wrap"
real_sbatch="$(command -v sbatch)"
printf '#!/bin/sh\n"%s" "$@"\nrc=$?\nkill -KILL $PPID\nexit $rc\n' "$real_sbatch" >"$TMP/wrap/sbatch"
chmod +x "$TMP/wrap/sbatch"
# (through sh, so that the shell running the tests does not report the kill)
PATH="$TMP/wrap:$PATH" sh -c '"$0" launch "$1"; echo $? >"$2"' "$CS" "$K" "$TMP/rc" >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$(cat "$TMP/rc")
expect_status 137
tail -1 "$K/journal.jsonl" | grep -q '"event":"submitting"' || _case_fail "the intent is not the last line"
wait_settled "$K" 90 || _case_fail "did not settle"
[ "$(grep -c '"event":"submitted"' "$K/journal.jsonl")" = 1 ] || _case_fail "submitted lines: $(grep -c '"event":"submitted"' "$K/journal.jsonl")"
grep -q '"event":"submitted".*"job":"[0-9]*"' "$K/journal.jsonl" || _case_fail "the job id was not found again"
[ "$(grep -c '"event":"submitting"' "$K/journal.jsonl")" = 1 ] || _case_fail "submitted twice"
[ "$(grep -o '"state":"done"' "$TMP/st" | wc -l)" = 6 ] || _case_fail "not all done: $(cat "$TMP/st")"
[ "$(grep -c '"event":"result"' "$K/journal.jsonl")" = 6 ] || _case_fail "results"

case_begin "slurm: sbatch answering after the timeout: the intent stays open, the job is found by its name"
L2="$TMP/late"
launch_study "$L2" slurm ', "partition": "debug"'
: >"$L2/modes"
mkdir -p "$TMP/late-wrap"
printf '#!/bin/sh\n"%s" "$@"\nrc=$?\nsleep 3\nexit $rc\n' "$real_sbatch" >"$TMP/late-wrap/sbatch"
chmod +x "$TMP/late-wrap/sbatch"
PATH="$TMP/late-wrap:$PATH" COMBOSCOPE_SLURM_TIMEOUT=1 "$CS" launch "$L2" >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 1
expect_one_line_err
expect_err 'sbatch did not answer in time'
tail -1 "$L2/journal.jsonl" | grep -q '"event":"submitting"' || _case_fail "the intent is not left open"
wait_settled "$L2" 60 || _case_fail "did not settle"
[ "$(grep -c '"event":"submitting"' "$L2/journal.jsonl")" = 1 ] || _case_fail "submitted twice"
grep -q '"event":"submitted".*"job":"[0-9]*"' "$L2/journal.jsonl" || _case_fail "the job was not found by its name"
[ "$(grep -o '"state":"done"' "$TMP/st" | wc -l)" = 6 ] || _case_fail "not all done: $(cat "$TMP/st")"

case_begin "slurm: a job purged from squeue (MinJobAge) is resolved from its status files; one without is lost"
P="$TMP/purged"
launch_study "$P" slurm ', "partition": "debug"'
: >"$P/modes"
run_cs launch "$P"
expect_status 0
PJ=$(grep -o 'Slurm job [0-9]*' "$TMP/out" | grep -o '[0-9]*$')
for i in $(seq 150); do   # wait, without following, until Slurm has forgotten the job
    squeue -h -t all -j "$PJ" -o %i >/dev/null 2>&1 || break
    [ -n "$(squeue -h -t all -j "$PJ" -o %i 2>/dev/null)" ] || break
    sleep 0.2
done
squeue -h -t all -j "$PJ" -o %i 2>/dev/null | grep -q . && _case_fail "job $PJ is still in squeue"
rm -f "$P/runs/r0007/1/status"
wait_settled "$P" 30 || _case_fail "did not settle"
[ "$(run_state r0002)" = done ] && [ "$(run_state r0006)" = done ] || _case_fail "not resolved: $(cat "$TMP/st")"
[ "$(run_state r0007)" = lost ] || _case_fail "r0007 is $(run_state r0007)"

case_begin "slurm: a round larger than MaxArraySize is split into several arrays"
M="$TMP/split"
launch_study "$M" slurm ', "partition": "debug"'
: >"$M/modes"
T='"time":"2026-11-29T23:00:0'
# three more runs in round 1 (the accepted lines before the queued ones, as a commit writes them)
{ grep '"accepted"' "$M/journal.jsonl"
  for c in A A+B+C+D A+B; do echo "{${T}0Z\",\"round\":1,\"event\":\"accepted\",\"target\":\"A\",\"combination\":\"$c\"}"; done
  grep '"queued"' "$M/journal.jsonl"
  i=7; for c in A A+B+C+D A+B; do i=$((i + 1)); printf '{%s1Z","round":1,"event":"queued","target":"A","run":"r%04d","combination":"%s","known":0}\n' "$T" "$i" "$c"; done
  echo "{${T}2Z\",\"round\":1,\"event\":\"committed\",\"target\":\"A\"}"; } >"$M/j"
mv "$M/j" "$M/journal.jsonl"
run_cs launch "$M"
expect_status 0
expect_out '^submitted round 1: Slurm jobs [0-9]+, [0-9]+, 9 runs$'
[ "$(grep -c '"event":"submitting"' "$M/journal.jsonl")" = 2 ] || _case_fail "not two submissions"
grep -q '"event":"submitting".*"submission":"s0002".*"runs":\["r0009","r0010"\]' "$M/journal.jsonl" ||
    _case_fail "the second array does not hold the last two runs"
wait_settled "$M" 60 || _case_fail "did not settle"
[ "$(grep -o '"state":"done"' "$TMP/st" | wc -l)" = 9 ] || _case_fail "not all done: $(cat "$TMP/st")"

case_begin "slurm: sbatch refusing a submission says why and leaves the runs queued"
R="$TMP/refused"
launch_study "$R" slurm ', "partition": "nosuchpartition"'
run_cs launch "$R"
expect_status 1
expect_one_line_err
expect_err 'sbatch failed \(exit 1\): sbatch: error: .*[Pp]artition'
grep -q '"event":"submitted".*"error":"sbatch failed' "$R/journal.jsonl" || _case_fail "no failed submission event"
run_cs status --json "$R"
[ "$(grep -o '"state":"queued"' "$TMP/out" | wc -l)" = 6 ] || _case_fail "runs not back in the queue"

if command -v tmux >/dev/null 2>&1; then
case_begin "slurm in the explorer: sbatch does not block the screen; its answer and the result come back unasked"
X="$TMP/xslurm"
mkdir -p "$X"
cat >"$X/study.json" <<JSON
{"comboscope": 1, "name": "xslurm", "metric": "f1", "goal": "max",
 "datasets": [{"name": "A", "task": "X"}, {"name": "B", "task": "X"}, {"name": "C", "task": "Y"}],
 "tables": ["runs.csv"], "targets": ["A"], "journal": "journal.jsonl", "queue": "queue.csv",
 "launch": {"engine": "slurm", "partition": "debug",
            "command": "sh $ROOT/tests/cli/launch/train.sh {run} {datasets_csv} {result}"}}
JSON
printf 'run,combination,dataset,f1\nr0001,A,A,0.5\n,B,B,0.4\n,C,C,0.3\n' >"$X/runs.csv"
XS="cs-xslurm-$$"
xt() { tmux -L "$XS" -f /dev/null "$@"; }
xwait() { # REGEX: the pane shows it within 10 s
    local i
    for i in $(seq 100); do xt capture-pane -p -t x | grep -Eq -- "$1" && return 0; sleep 0.1; done
    _case_fail "the screen never showed /$1/: $(xt capture-pane -p -t x | tail -2 | tr -s ' ')"
}
xt new-session -d -s x -x 100 -y 30 "env -i PATH='$PATH' HOME='$TMP' SLURM_CONF='$SLURM_CONF' TERM=screen-256color LC_ALL=C.UTF-8 sh"
xt send-keys -t x "cd '$X' && '$CS' study.json; echo EXIT=\$?" Enter
xwait "1 Study"
xt send-keys -t x 4; xwait "Round 1 +target"
xt send-keys -t x a; xwait "saved: #1 accepted"
xt send-keys -t x Enter; sleep 0.3
xt capture-pane -p -t x | grep -Eq '\(y/N\)' && xt send-keys -t x y
xwait "submitted round 1: Slurm job [0-9]+, 1 run|came back|round 1 complete"
for i in $(seq 150); do grep -q '"event":"result"' "$X/journal.jsonl" && break; sleep 0.1; done
grep -q '"event":"submitting"' "$X/journal.jsonl" || _case_fail "no intent"
grep -q '"event":"submitted".*"job":"[0-9]*"' "$X/journal.jsonl" || _case_fail "sbatch's answer not journaled"
grep -q '"event":"result".*"run":"r0002"' "$X/journal.jsonl" || _case_fail "no result"
xt send-keys -t x q; xwait "EXIT=0"

case_begin "slurm in the explorer: an sbatch answering too late is looked up by name while the screen stays live"
X2="$TMP/xlate"
mkdir -p "$X2"
sed 's/"xslurm"/"xlate"/' "$X/study.json" >"$X2/study.json"
printf 'run,combination,dataset,f1\nr0001,A,A,0.5\n,B,B,0.4\n,C,C,0.3\n' >"$X2/runs.csv"
xt send-keys -t x "clear; cd '$X2' && PATH='$TMP/late-wrap:$PATH' COMBOSCOPE_SLURM_TIMEOUT=1 '$CS' study.json; echo EXIT=\$?" Enter
xwait "1 Study"
xt send-keys -t x 4; xwait "Round 1 +target"
xt send-keys -t x a; xwait "saved: #1 accepted"
xt send-keys -t x Enter; sleep 0.3
xt capture-pane -p -t x | grep -Eq '\(y/N\)' && xt send-keys -t x y
xwait "submitting round 1 to Slurm: 1 run"
xwait "sbatch did not answer in time \(looked up by its name later\)"
xt send-keys -t x 1; xwait "1 Study"   # the screen answers keys meanwhile
for i in $(seq 200); do grep -q '"event":"result"' "$X2/journal.jsonl" && break; sleep 0.1; done
grep -q '"event":"submitted".*"job":"[0-9]*"' "$X2/journal.jsonl" || _case_fail "not found by its name"
[ "$(grep -c '"event":"submitting"' "$X2/journal.jsonl")" = 1 ] || _case_fail "submitted twice"
grep -q '"event":"result".*"run":"r0002"' "$X2/journal.jsonl" || _case_fail "no result"
xt send-keys -t x q; xwait "EXIT=0"

# The explorer never blocks on a Slurm command: slow wrappers around sbatch, squeue and scancel
# (each answering within the timeout), and the screen must answer a key within a second.
xwait_s() { # REGEX SECONDS: the pane shows it within SECONDS
    local i
    for i in $(seq $(( $2 * 10 ))); do xt capture-pane -p -t x | grep -Eq -- "$1" && return 0; sleep 0.1; done
    _case_fail "the screen did not show /$1/ within $2 s: $(xt capture-pane -p -t x | tail -2 | tr -s ' ')"
}
slow() { # DIR COMMAND BEFORE AFTER: DIR/COMMAND sleeps BEFORE s, runs the real one, sleeps AFTER s
    mkdir -p "$1"
    printf '#!/bin/sh\nsleep %s\n"%s" "$@"\nrc=$?\nsleep %s\nexit $rc\n' "$3" "$(command -v "$2")" "$4" >"$1/$2"
    chmod +x "$1/$2"
}
fresh_study() { # DIR NAME
    mkdir -p "$1"
    sed "s/\"xslurm\"/\"$2\"/" "$X/study.json" >"$1/study.json"
    printf 'run,combination,dataset,f1\nr0001,A,A,0.5\n,B,B,0.4\n,C,C,0.3\n' >"$1/runs.csv"
}
commit_round() { # in the open explorer: accept the first suggestion and commit round 1
    xt send-keys -t x 4; xwait "Round 1 +target"
    xt send-keys -t x a; xwait "saved: #1 accepted"
    xt send-keys -t x Enter; sleep 0.3
    xt capture-pane -p -t x | grep -Eq '\(y/N\)' && xt send-keys -t x y
}

case_begin "slurm in the explorer: q while sbatch is out waits for its answer, the screen live, then quits"
X3="$TMP/xquit"
fresh_study "$X3" xquit
slow "$TMP/slow-sbatch" sbatch 3 0
xt send-keys -t x "clear; cd '$X3' && PATH='$TMP/slow-sbatch:$PATH' '$CS' study.json; echo EXIT=\$?" Enter
xwait "1 Study"
commit_round
xwait "submitting round 1 to Slurm: 1 run"
xt send-keys -t x q; xwait_s "quitting once Slurm has answered \(sbatch or scancel is out\); q again quits now" 1
xt send-keys -t x 1; xwait_s "1 Study" 1   # the keys still work
xt capture-pane -p -t x | grep -q 'EXIT=' && _case_fail "quit before sbatch answered"
xwait "EXIT=0"
[ "$(grep -c '"event":"submitting"' "$X3/journal.jsonl")" = 1 ] || _case_fail "not one intent"
grep -q '"event":"submitted".*"job":"[0-9]*"' "$X3/journal.jsonl" || _case_fail "sbatch's answer not journaled before quitting"

case_begin "slurm in the explorer: q twice while sbatch is out quits at once; the job is found by its name"
X4="$TMP/xquit2"
fresh_study "$X4" xquit2
slow "$TMP/slow-after" sbatch 0 8   # submits at once, answers 8 s later
xt send-keys -t x "clear; cd '$X4' && PATH='$TMP/slow-after:$PATH' '$CS' study.json; echo EXIT=\$?" Enter
xwait "1 Study"
commit_round
xwait "submitting round 1 to Slurm: 1 run"
sleep 1   # sbatch has submitted by now; its answer is 7 s away
xt send-keys -t x q; xwait_s "q again quits now" 1
xt send-keys -t x q; xwait_s "EXIT=0" 2
tail -1 "$X4/journal.jsonl" | grep -q '"event":"submitting"' || _case_fail "the intent is not left open"

wait_settled "$X4" 60 || _case_fail "did not settle"
[ "$(grep -c '"event":"submitting"' "$X4/journal.jsonl")" = 1 ] || _case_fail "submitted twice"
grep -q '"event":"submitted".*"job":"[0-9]*"' "$X4/journal.jsonl" || _case_fail "the job was not found by its name"
[ "$(run_state r0002)" = done ] || _case_fail "r0002 is $(run_state r0002)"

case_begin "slurm in the explorer: opening with an open intent and a slow squeue shows the screen at once"
X6="$TMP/xopen"
launch_study "$X6" slurm ', "partition": "debug"'
: >"$X6/modes"
PATH="$TMP/wrap:$PATH" sh -c '"$0" launch "$1"' "$CS" "$X6" >/dev/null 2>&1 </dev/null  # killed after sbatch
tail -1 "$X6/journal.jsonl" | grep -q '"event":"submitting"' || _case_fail "no open intent to start from"
slow "$TMP/slow-squeue" squeue 3 0
xt send-keys -t x "clear; cd '$X6' && PATH='$TMP/slow-squeue:$PATH' '$CS' study.json; echo EXIT=\$?" Enter
xwait_s "1 Study" 2
for i in $(seq 150); do grep -q '"event":"submitted"' "$X6/journal.jsonl" && break; sleep 0.1; done
grep -q '"event":"submitted".*"job":"[0-9]*"' "$X6/journal.jsonl" || _case_fail "the job was not found by its name"
[ "$(grep -c '"event":"submitting"' "$X6/journal.jsonl")" = 1 ] || _case_fail "submitted twice"
xt send-keys -t x q; xwait "EXIT=0"
wait_settled "$X6" 60 || _case_fail "did not settle"
[ "$(grep -o '"state":"done"' "$TMP/st" | wc -l)" = 6 ] || _case_fail "not all done: $(cat "$TMP/st")"

case_begin "slurm in the explorer: the cancel key with a slow scancel leaves the screen live"
X5="$TMP/xcancel"
fresh_study "$X5" xcancel
echo 'r0002 sleep' >"$X5/modes"
xt send-keys -t x "clear; cd '$X5' && '$CS' study.json; echo EXIT=\$?" Enter
xwait "1 Study"
commit_round
xwait "submitted round 1: Slurm job [0-9]+, 1 run"
xt send-keys -t x q; xwait "EXIT=0"
for i in $(seq 100); do [ -e "$X5/runs/r0002/1/start" ] && break; sleep 0.1; done
slow "$TMP/slow-scancel" scancel 3 0
xt send-keys -t x "clear; cd '$X5' && PATH='$TMP/slow-scancel:$PATH' '$CS' study.json; echo EXIT=\$?" Enter
xwait "1 Study"
xt send-keys -t x 4; xwait "Round"
xt send-keys -t x R; xwait "r0002"
xt send-keys -t x c; xwait "cancel r0002 \((pending|running)\)\? \(y/N\)"   # the poll may not have seen it start on a loaded machine
xt send-keys -t x y; xwait_s "r0002 cancelled" 1
xt send-keys -t x Escape 1; xwait_s "dataset +baseline +best" 1   # scancel still sleeps: keys work
xt send-keys -t x q; xwait_s "quitting once Slurm has answered" 1
xwait "EXIT=0"
wait_settled "$X5" 60 || _case_fail "did not settle"
[ "$(run_state r0002)" = cancelled ] || _case_fail "r0002 is $(run_state r0002)"
xt kill-server 2>/dev/null
fi

case_begin "the private Slurm stops, leaving no daemon behind"
"$ROOT/scripts/slurm-fixture" stop "$FIXDIR" || _case_fail "stop failed"
for f in run/slurmctld.pid run/slurmd.pid munge/munged.pid; do
    [ ! -e "$FIXDIR/$f" ] || _case_fail "$f remains"
done
unset SLURM_CONF
