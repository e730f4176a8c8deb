# Issue 11: a study whose directory is not writable (a study sent for review, a read-only
# mount). It used to fail with "journal.jsonl.lock: cannot open the lock file: No such file or
# directory"; now the explorer opens it read-only and says why, with the real errno.

# As root, permissions do not stop writes: run the program as nobody (setpriv) then.
as_user() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
    else
        "$@"
    fi
}

if [ "$(id -u)" = 0 ] && ! command -v setpriv >/dev/null 2>&1; then
    case_begin "read-only study directory"
    _case_fail "running as root without setpriv (util-linux): cannot drop privileges for this test"
else

O="$TMP/ro"
mkdir -p "$O"
cp sample-results/biomed12-study/study.json sample-results/biomed12-study/runs.csv \
   sample-results/biomed12-study/journal.jsonl "$O/"
chmod 755 "$TMP"
chmod 555 "$O"
lines="$(wc -l <"$O/journal.jsonl")"

case_begin "read-only directory: the explorer opens the study read-only and says why"
printf 'dump opened\nkey 4 a\ndump tried to accept\n' >"$TMP/ro.script"
chmod 644 "$TMP/ro.script"
as_user env COMBOSCOPE_SCRIPT="$TMP/ro.script" LC_ALL=C.UTF-8 TERM=xterm COLUMNS=200 LINES=24 \
    "$CS" "$O/study.json" >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 0
expect_out "ro: directory not writable \(Permission denied\): opened read-only; use --read-only to review"
grep -q "No such file or directory" "$TMP/out" "$TMP/err" && _case_fail "the wrong errno is still reported"
[ "$(wc -l <"$O/journal.jsonl")" = "$lines" ] || _case_fail "the journal changed"
[ -e "$O/journal.jsonl.lock" ] && _case_fail "a lock file appeared"

case_begin "read-only journal in a writable directory: opened read-only, said so"
if [ "$(id -u)" = 0 ]; then chmod 777 "$O"; else chmod 755 "$O"; fi  # writable for the user who runs it
chmod 444 "$O/journal.jsonl"
as_user env COMBOSCOPE_SCRIPT="$TMP/ro.script" LC_ALL=C.UTF-8 TERM=xterm COLUMNS=200 LINES=24 \
    "$CS" "$O/study.json" >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 0
expect_out "journal.jsonl: journal not writable \(Permission denied\): opened read-only; use --read-only to review"
[ "$(wc -l <"$O/journal.jsonl")" = "$lines" ] || _case_fail "the journal changed"
[ -e "$O/journal.jsonl.lock" ] && _case_fail "a lock file was left behind"
fi
