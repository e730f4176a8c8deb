# The bundled sample study: it checks, and runs.csv regenerates byte for byte.

case_begin "sample study checks: 12 datasets, 4 task types, 4095 combinations"
run_cs check sample-results/biomed12/study.json
expect_status 0
expect_out "^datasets +12 in 4 task types"
expect_out "^combinations +4095 measured"
expect_out "^targets +12"

case_begin "sample study --json"
run_cs check --json sample-results/biomed12/study.json
expect_status 0
expect_out '"datasets":12,"tasks":4'
expect_out '"combinations":4095,"observations":24576'
expect_out '"metric":"f1","goal":"max"'

case_begin "sample runs.csv regenerates byte for byte"
run_cs synth --preset biomed12 --seed 1 -o "$TMP/runs.csv"
expect_status 0
expect_file_eq "$TMP/runs.csv" sample-results/biomed12/runs.csv

case_begin "biomed12-study: the README says what make run does (--oracle only with ORACLE=1)"
R="$ROOT/sample-results/biomed12-study/README.md"
expect_true grep -q "make run SAMPLE=biomed12-study ORACLE=1" "$R"
# no sentence says plain make run opens it with --oracle
expect_true sh -c "! tr '\n' ' ' <'$R' | grep -Eq 'make run. (copies|opens)[^.]*with .--oracle'"
grep -q 'filter 1,$(ORACLE)' "$ROOT/Makefile" || _case_fail "the Makefile no longer gates --oracle on ORACLE=1: update the README"

case_begin "biomed12-study: the round-1 note agrees with the override it explains (TC_ade added)"
J="$ROOT/sample-results/biomed12-study/journal.jsonl"
note=$(grep '"round":1,"event":"note"' "$J")
over=$(grep '"round":1,"event":"overridden"' "$J")
case "$over" in *'"replacement":"'*TC_ade*) ;; *) _case_fail "the round-1 override no longer adds TC_ade" ;; esac
case "$note" in *swapped*|*removed*|*hurts*) _case_fail "the note says TC_ade was taken out: $note" ;; esac
case "$note" in *"added TC_ade"*) ;; *) _case_fail "the note does not say TC_ade was added: $note" ;; esac
