# comboscope check: summaries, JSON, usage.

case_begin "check --help"
run_cs check --help
expect_status 0; expect_out "usage: comboscope check"

case_begin "check without PATH is a usage error"
run_cs check
expect_status 2; expect_one_line_err

case_begin "check on a small table"
printf 'combination,dataset,f1\nA+B,A,0.5\nA,A,0.4\nB,B,0.3\n"A + B",B,0.35\nA+B,A,0.6\n' >"$TMP/t.csv"
run_cs check "$TMP/t.csv"
expect_status 0; expect_out "observations +4 \(5 rows\)"; expect_out "A +0.4000 +0.5500 +\+0.1500 +2 +A\+B"

case_begin "check --json on a small table"
run_cs check --json "$TMP/t.csv"
expect_status 0; expect_out '"combinations":3'; expect_out '"best_combination":"A\+B"'

case_begin "empty file"
: >"$TMP/empty.csv"
run_cs check "$TMP/empty.csv"
expect_status 1; expect_one_line_err; expect_err "empty.csv:1:1: empty file"
