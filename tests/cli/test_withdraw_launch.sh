# withdraw and undo with the local launch engine: a run pending in the engine (waiting for a
# slot) is cancelled there and withdrawn; a running one is refused (cancel it instead); the
# commit of a launched round cannot be undone; a withdrawn run is never submitted again.
. "$ROOT/tests/cli/launch/lib.sh"
WL="$TMP/wl"
launch_study "$WL" local
# one slot: r0002 sleeps in it, the others wait (pending) behind it
sed -i 's/"max_parallel": 8/"max_parallel": 1/' "$WL/study.json"
printf 'r0002 sleep\n' >"$WL/modes"

case_begin "withdraw on a launched study: pending is cancelled and withdrawn, running is refused"
run_cs launch "$WL"
expect_status 0
for i in $(seq 50); do # r0002 running, r0003 pending
    "$CS" status --json "$WL" >"$TMP/st" 2>/dev/null
    [ "$(run_state r0002)" = running ] && [ "$(run_state r0003)" = pending ] && break
    sleep 0.1
done
[ "$(run_state r0002)" = running ] || _case_fail "r0002 is $(run_state r0002), not running"
[ "$(run_state r0003)" = pending ] || _case_fail "r0003 is $(run_state r0003), not pending"
lines=$(wc -l <"$WL/journal.jsonl")
run_cs withdraw "$WL" r0002
expect_status 1; expect_one_line_err; expect_err "run r0002 has started \(running\): cancel it instead"
run_cs withdraw "$WL" r0003
expect_status 0; expect_out "^withdrew r0003 "
tail -n +$((lines + 1)) "$WL/journal.jsonl" | grep -o '"event":"[a-z_]*"' | tr '\n' ' ' >"$TMP/ev"
grep -q '"event":"cancel" .*"event":"withdrawn"' "$TMP/ev" || _case_fail "expected cancel then withdrawn, got: $(cat "$TMP/ev")"
"$CS" status --json "$WL" >"$TMP/st" 2>/dev/null
[ "$(run_state r0003)" = withdrawn ] || _case_fail "r0003 is $(run_state r0003), not withdrawn"
grep -q '^r0003,' "$WL/queue.csv" && _case_fail "r0003 is still in the queue file"

case_begin "a withdrawn run is not submitted again, and stays withdrawn"
run_cs cancel "$WL" r0002
expect_status 0
wait_settled "$WL" 30 || _case_fail "the runs never settled"
[ "$(run_state r0003)" = withdrawn ] || _case_fail "r0003 is $(run_state r0003) after the others ran"
[ ! -e "$WL/runs/r0003/1/result.csv" ] || _case_fail "r0003 ran"
run_cs launch "$WL"
grep -q '"event":"submitting".*"r0003".*' <(tail -n 3 "$WL/journal.jsonl") && _case_fail "r0003 was submitted again"

case_begin "the commit of a launched round cannot be undone"
printf 'key 4\nkey u\ndump undo\n' >"$TMP/u.script"
cp "$WL/journal.jsonl" "$TMP/j.before"
env COMBOSCOPE_SCRIPT="$TMP/u.script" LC_ALL=C.UTF-8 TERM=xterm-256color COLUMNS=80 LINES=24 \
    "$CS" "$WL/study.json" >"$TMP/out" 2>"$TMP/err" </dev/null
grep -q "round 1's commit cannot be undone: run r0002 was handed to a launcher" "$TMP/out" ||
    _case_fail "undo was not refused: $(grep -E 'undo|cannot' "$TMP/out" | head -3)"
expect_file_eq "$TMP/j.before" "$WL/journal.jsonl"

case_begin "the runs list's keys: s resubmits a cancelled run, c cancels one (after y), journaled"
# r0002 was cancelled above; the list opens on the first run of round 1 (r0002)
printf 'r0002 sleep\n' >"$WL/modes"
printf 'key 4 R\nkey s\ndump resubmitted\nkey c\ndump asked\nkey n\ndump kept\nkey c y\ndump cancelled\n' >"$TMP/keys.script"
env COMBOSCOPE_SCRIPT="$TMP/keys.script" LC_ALL=C.UTF-8 TERM=xterm-256color COLUMNS=80 LINES=24 \
    "$CS" "$WL/study.json" >"$TMP/out" 2>"$TMP/err" </dev/null
expect_status 0
grep -A30 '^=== resubmitted' "$TMP/out" | grep -q "saved: r0002 resubmitted: submitted round 1: local job" ||
    _case_fail "no resubmit message: $(grep -A30 '^=== resubmitted' "$TMP/out" | grep -i 'r0002' | tail -2)"
grep -A30 '^=== asked' "$TMP/out" | grep -Eq "cancel r0002 \((submitting|pending|running)\)\? \(y/N\)" || _case_fail "cancel did not ask"
grep -A30 '^=== kept' "$TMP/out" | grep -q "not cancelled r0002: nothing changed" || _case_fail "n cancelled"
grep -A30 '^=== cancelled' "$TMP/out" | grep -q "saved: r0002 cancelled" || _case_fail "y did not cancel"
grep -q '"event":"resubmit".*"run":"r0002"' "$WL/journal.jsonl" || _case_fail "no resubmit event"
[ "$(grep -c '"event":"cancel".*"run":"r0002"' "$WL/journal.jsonl")" = 2 ] || _case_fail "expected a second cancel of r0002"
