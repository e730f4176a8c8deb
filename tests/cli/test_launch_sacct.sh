# The sacct path of the Slurm engine, against a private single-node Slurm with accounting
# (scripts/slurm-fixture with SLURM_FIXTURE_ACCOUNTING=1: a private MariaDB and slurmdbd under
# the build directory): runs whose job squeue has forgotten and whose status file is gone are
# settled by what sacct says (a failure with its exit code; an end without a status file),
# where without accounting they are lost (test_launch_slurm.sh).
. "$ROOT/tests/cli/launch/lib.sh"
case "$CS" in
*/build-san/*) AFIXDIR="$ROOT/build-san/slurm-fixture-acct" ;;
*) AFIXDIR="$ROOT/build/slurm-fixture-acct" ;;
esac

case_begin "the private Slurm with accounting starts (MariaDB, slurmdbd, munged, slurmctld, slurmd)"
if fix_env="$(SLURM_FIXTURE_ACCOUNTING=1 "$ROOT/scripts/slurm-fixture" start "$AFIXDIR" 2>"$TMP/fix.err")"; then
    eval "$fix_env"
    [ "$(sinfo -h -n cstest -o %t)" = idle ] || _case_fail "the node is not idle"
    scontrol show config | grep -q 'AccountingStorageType *= accounting_storage/slurmdbd' ||
        _case_fail "no accounting"
else
    _case_fail "slurm-fixture start: $(cat "$TMP/fix.err")"
fi

case_begin "sacct: runs squeue has forgotten, without status files, are settled by sacct"
A="$TMP/acct"
launch_study "$A" slurm ', "partition": "debug"'
printf 'r0003 fail\nr0007 noresult\n' >"$A/modes"   # the others write their result
run_cs launch "$A"
expect_status 0
AJ=$(grep -o 'Slurm job [0-9]*' "$TMP/out" | grep -o '[0-9]*$')
for i in $(seq 150); do   # wait, without following, until squeue has forgotten the job
    [ -n "$(squeue -h -t all -j "$AJ" -o %i 2>/dev/null)" ] || break
    sleep 0.2
done
squeue -h -t all -j "$AJ" -o %i 2>/dev/null | grep -q . && _case_fail "job $AJ is still in squeue"
sacct -X -n -P -j "$AJ" -o JobID,State,ExitCode >"$TMP/sacct"
grep -q "^${AJ}_1|FAILED|3:0$" "$TMP/sacct" || _case_fail "sacct does not know task 1: $(cat "$TMP/sacct")"
rm -f "$A/runs/r0003/1/status" "$A/runs/r0007/1/status"
wait_settled "$A" 30 || _case_fail "did not settle"
[ "$(run_state r0002)" = done ] || _case_fail "r0002 is $(run_state r0002)"
[ "$(run_state r0003)" = failed ] && [ "$(run_field r0003 exit)" = 3 ] ||
    _case_fail "r0003: $(run_state r0003) exit $(run_field r0003 exit)"
grep -q '"run":"r0003",[^}]*"reason":"Slurm: FAILED"' "$TMP/st" || _case_fail "r0003's reason: $(cat "$TMP/st")"
[ "$(run_state r0007)" = failed ] || _case_fail "r0007 is $(run_state r0007), not failed"
grep -q '"run":"r0007",[^}]*"reason":"ended without writing its status file"' "$TMP/st" ||
    _case_fail "r0007's reason: $(cat "$TMP/st")"

case_begin "the private Slurm with accounting stops, leaving no daemon behind"
"$ROOT/scripts/slurm-fixture" stop "$AFIXDIR" || _case_fail "stop failed"
for f in run/slurmctld.pid run/slurmd.pid run/slurmdbd.pid run/mariadbd.pid munge/munged.pid; do
    [ ! -e "$AFIXDIR/$f" ] || _case_fail "$f remains"
done
unset SLURM_CONF
