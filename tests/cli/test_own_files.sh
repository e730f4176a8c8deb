# An export or a report written over one of the study's own files (its table, journal, study
# file, queue, lock file) replaced it: `E` then "journal.jsonl" in the explorer lost every
# decision. Now refused in one line, nothing written (robust, session 3).
S="$ROOT/sample-results/biomed12-study"

for f in runs.csv journal.jsonl study.json queue.csv journal.jsonl.lock ./runs.csv; do
    case_begin "explorer: E to '$f' is refused, the study untouched"
    rm -rf "$TMP/s"; cp -R "$S" "$TMP/s"
    (cd "$TMP/s" && md5sum ./* >"$TMP/before")
    printf 'key 6 E\nkey ^U\ntype %s\nkey Enter\ndump after\n' "$f" >"$TMP/e.script"
    env -i PATH="$PATH" COLUMNS=120 LINES=30 TERM=xterm-256color LC_ALL=C.UTF-8 COMBOSCOPE_SCRIPT="$TMP/e.script" \
        "$CS" "$TMP/s" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
    expect_status 0
    expect_out "is the (study's (table \"runs\.csv\"|journal|queue|lock file)|study file): the export would replace it; nothing written"
    (cd "$TMP/s" && md5sum -c "$TMP/before" >/dev/null 2>&1) || _case_fail "a study file changed"
done

case_begin "explorer: E to a new name still writes the export"
rm -rf "$TMP/s"; cp -R "$S" "$TMP/s"
printf 'key 6 E\nkey ^U\ntype mine.csv\nkey Enter\ndump after\n' >"$TMP/e.script"
env -i PATH="$PATH" COLUMNS=120 LINES=30 TERM=xterm-256color LC_ALL=C.UTF-8 COMBOSCOPE_SCRIPT="$TMP/e.script" \
    "$CS" "$TMP/s" >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 0; expect_out "wrote mine\.csv: [0-9]+ rows"; expect_true test -s "$TMP/s/mine.csv"

case_begin "export -o the study's table: refused, the table untouched"
rm -rf "$TMP/s"; cp -R "$S" "$TMP/s"
run_cs export table "$TMP/s" --target RE_BioRED -o "$TMP/s/runs.csv"
expect_status 1; expect_one_line_err; expect_err "runs\.csv: is the study's table \"runs\.csv\": the export would replace it"
expect_file_eq "$S/runs.csv" "$TMP/s/runs.csv"

case_begin "report -o the study's journal (through a link to its directory): refused"
ln -s "$TMP/s" "$TMP/link"
run_cs report "$TMP/s" -o "$TMP/link/journal.jsonl"
expect_status 1; expect_one_line_err; expect_err "is the study's journal: the report would replace it"
expect_file_eq "$S/journal.jsonl" "$TMP/s/journal.jsonl"

case_begin "export -o the table opened bare: refused"
cp "$S/runs.csv" "$TMP/bare.csv"
run_cs export table "$TMP/bare.csv" -o "$TMP/bare.csv"
expect_status 1; expect_one_line_err; expect_err "is the table opened: the export would replace it"
expect_file_eq "$S/runs.csv" "$TMP/bare.csv"
