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

case_begin "a new study with no results yet"
mkdir -p "$TMP/new"
printf '{"comboscope": 1, "name": "fresh", "metric": "f1", "datasets": ["x_A", "x_B", "y_C"], "tables": []}\n' >"$TMP/new/study.json"
run_cs check --json "$TMP/new/study.json"
expect_status 0; expect_out '"datasets":3,"tasks":2'; expect_out '"observations":0'; expect_out '"metric":"f1"'

case_begin "a study whose tables lack its metric"
printf 'combination,dataset,acc\nA_x,A_x,0.5\n' >"$TMP/new/runs.csv"
printf '{"comboscope": 1, "metric": "f1", "datasets": ["A_x"], "tables": ["runs.csv"]}\n' >"$TMP/new/s2.json"
run_cs check "$TMP/new/s2.json"
expect_status 1; expect_one_line_err; expect_err 'metric "f1" is not a column'
