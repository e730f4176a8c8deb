# Usage errors in plain words (robust, session 3): "only so many STUDY" and "a STUDY and a RUN
# is required" were what a missing or extra operand printed.
S="$ROOT/sample-results/biomed12-study"

case_begin "export with an operand too many: unexpected argument, exit 2"
run_cs export table "$S" "$S"
expect_status 2; expect_one_line_err; expect_err "comboscope export: unexpected argument '.*biomed12-study'"
grep -q "so many" "$TMP/err" && _case_fail "'only so many'"

case_begin "export without operands names what it wants"
run_cs export
expect_status 2; expect_one_line_err; expect_err "a WHAT to export \(heatmap, lattice or table\) is required"

case_begin "cancel without operands: a STUDY and a RUN are required"
run_cs cancel
expect_status 2; expect_one_line_err; expect_err "comboscope cancel: a STUDY and a RUN are required"

case_begin "-- ends the options: a file named --json is an operand"
run_cs check -- --json
expect_status 1; expect_one_line_err; expect_err "^--json: cannot open: No such file or directory"
