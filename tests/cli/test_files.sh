# Special files and paths outside the study (issue 11): one-line errors at once, never a hang,
# never a write outside the study's directory.

# run_cs with a time limit: a hang is a failure (status 124 from timeout).
run_cs_limited() {
    timeout 10 "$CS" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
}

case_begin "check /dev/zero: not a regular file, at once"
run_cs_limited check /dev/zero
expect_status 1; expect_one_line_err; expect_err '^/dev/zero: not a regular file \(a character device\)'

mkfifo "$TMP/fifo.csv"
case_begin "check a FIFO with no writer: not a regular file, no blocking"
run_cs_limited check "$TMP/fifo.csv"
expect_status 1; expect_one_line_err; expect_err 'fifo.csv: not a regular file \(a FIFO\)'

case_begin "check a directory of tables: not a regular file"
mkdir -p "$TMP/adir.csv"
run_cs_limited check "$TMP/adir.csv"
expect_status 1; expect_one_line_err; expect_err 'adir.csv: '

F="$TMP/f"
mkdir -p "$F"
printf 'combination,dataset,f1\nA,A,0.5\nA+B,B,0.6\n' >"$F/runs.csv"
fstudy() { # fstudy KEY VALUE: a study naming runs.csv and KEY: VALUE
    printf '{\n  "comboscope": 1,\n  "tables": ["runs.csv"],\n  "%s": "%s"\n}\n' "$1" "$2" >"$F/study.json"
}

case_begin "a study naming \"journal\": \"/dev/zero\" is refused where it says so"
fstudy journal /dev/zero
run_cs_limited check "$F/study.json"
expect_status 1; expect_one_line_err; expect_err 'study.json:4:14: "journal" is outside the study'"'"'s directory'

case_begin "a study naming \"queue\": \"../victim.txt\" is refused"
printf 'precious\n' >"$TMP/victim.txt"
fstudy queue ../victim.txt
run_cs_limited check "$F/study.json"
expect_status 1; expect_one_line_err; expect_err 'study.json:4:12: "queue" is outside the study'"'"'s directory'
expect_true grep -qx precious "$TMP/victim.txt"

case_begin "a study whose queue is a planted link is refused"
ln -s "$TMP/victim.txt" "$F/queue.csv"
fstudy queue queue.csv
run_cs_limited check "$F/study.json"
expect_status 1; expect_one_line_err; expect_err 'study.json:4:12: "queue" is a symbolic link'
rm -f "$F/queue.csv"

case_begin "a study naming a FIFO as a table: refused at once"
mkfifo "$F/pipe.csv"
printf '{\n  "comboscope": 1,\n  "tables": ["pipe.csv"]\n}\n' >"$F/study.json"
run_cs_limited check "$F/study.json"
expect_status 1; expect_one_line_err; expect_err 'pipe.csv: not a regular file \(a FIFO\)'
