# Messages of issue 11 made exact: a tab-separated table, --theme given a directory.

case_begin "a tab-separated table is recognised and pointed to import tsv"
printf 'combination\tdataset\tf1\nA\tA\t0.5\nA+B\tB\t0.6\n' >"$TMP/t.tsv"
run_cs check "$TMP/t.tsv"
expect_status 1; expect_one_line_err; expect_no_out
expect_err "t.tsv:1:1: tab-separated file: tables are comma-separated; convert it with 'comboscope import tsv "
grep -q "control characters" "$TMP/err" && _case_fail "still says control characters"

case_begin "import tsv converts it, and the result checks"
run_cs import tsv "$TMP/t.tsv" -o "$TMP/t.csv"
expect_status 0
printf 'combination,dataset,f1\nA,A,0.5\nA+B,B,0.6\n' >"$TMP/want.csv"
expect_file_eq "$TMP/t.csv" "$TMP/want.csv"
run_cs check "$TMP/t.csv"
expect_status 0

case_begin "import tsv: a ragged row is located"
printf 'combination\tdataset\tf1\nA\tA\n' >"$TMP/r.tsv"
run_cs import tsv "$TMP/r.tsv" -o "$TMP/r.csv"
expect_status 1; expect_one_line_err; expect_err 'r.tsv:2:[0-9]+: ragged row: 2 fields where the header has 3'

case_begin "--theme given a directory says why"
run_cs --theme "$TMP" "$TMP/t.csv"
expect_status 1; expect_one_line_err
expect_err "not a regular file \(a directory\)"
grep -q "read error" "$TMP/err" && _case_fail "still says only 'read error'"
