# A full disk (a 200 KiB tmpfs in a private mount namespace, `unshare -rm`; skipped where user
# namespaces are not allowed): every write fails in one line saying so, nothing is half written,
# and the explorer still opens the study, read-only, saying why.

if unshare -rm sh -c 'true' 2>/dev/null && command -v mount >/dev/null 2>&1; then
# in_full_disk SCRIPT: runs the shell SCRIPT in a namespace where $F is a full tmpfs holding a
# copy of the sample study ($F/s); the script's stdout and stderr are the case's
in_full_disk() {
    unshare -rm sh -c '
        F=$1
        mount -t tmpfs -o size=200k tmpfs "$F" || exit 99
        cp -R "$2" "$F/s"
        dd if=/dev/zero of="$F/fill" bs=1k count=1000 2>/dev/null
        eval "$3"' sh "$TMP/full" "$ROOT/sample-results/biomed12-study" "$1" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
}
mkdir -p "$TMP/full"

case_begin "full disk: the explorer opens the study read-only and says why (no lock file left behind)"
printf 'key 4\ndump round\n' >"$TMP/r.script"
in_full_disk "env -i PATH='$PATH' COLUMNS=120 LINES=30 TERM=xterm-256color LC_ALL=C.UTF-8 COMBOSCOPE_SCRIPT='$TMP/r.script' '$CS' \"\$F/s\"; echo status=\$?; ls \"\$F/s\""
expect_out "status=0"; expect_out "disk full \(No space left on device\): opened read-only"
grep -q "journal.jsonl.lock" "$TMP/out" && _case_fail "a lock file was left behind"

case_begin "full disk: report -o fails in one line with the reason, nothing written"
in_full_disk "'$CS' report \"\$F/s\" -o \"\$F/r.md\"; echo status=\$?; ls \"\$F\""
expect_out "status=1"; expect_err "r\.md: cannot write: No space left on device"
[ "$(wc -l <"$TMP/err")" = 1 ] || _case_fail "stderr is not one line"
grep -q "r\.md" "$TMP/out" && _case_fail "a partial report was left"

case_begin "full disk: synth -o and export -o fail in one line, nothing written"
in_full_disk "'$CS' synth --datasets 10 -o \"\$F/a.csv\"; echo status=\$?; '$CS' export table \"\$F/s\" --target RE_BioRED -o \"\$F/b.csv\"; echo status=\$?; ls -a \"\$F\""
[ "$(grep -c 'status=1' "$TMP/out")" = 2 ] || _case_fail "not both failed"
expect_err "a\.csv: cannot write: No space left on device"; expect_err "b\.csv: cannot write: No space left on device"
grep -Eq "a\.csv|b\.csv|\.tmp" "$TMP/out" && _case_fail "a partial or temporary file was left"

case_begin "full disk: withdraw says the disk is full in one line, nothing withdrawn"
in_full_disk "md5sum < \"\$F/s/journal.jsonl\"; '$CS' withdraw \"\$F/s\" r4107; echo status=\$?; md5sum < \"\$F/s/journal.jsonl\""
expect_out "status=1"; [ "$(wc -l <"$TMP/err")" = 1 ] || _case_fail "stderr is not one line"
expect_err "disk full \(No space left on device\).*\(nothing withdrawn\)"
[ "$(grep -c -- '-$' "$TMP/out" | head -1)" = 2 ] && [ "$(grep -- '-$' "$TMP/out" | sort -u | wc -l)" = 1 ] ||
    _case_fail "the journal changed"
fi
