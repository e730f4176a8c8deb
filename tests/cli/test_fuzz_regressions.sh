# Inputs found by the fuzzers (tests/fuzz/README.md), each once a crash or undefined behaviour
# in the SANITIZE=1 build: now exit status 1 with one located line on stderr.

case_begin "fuzz: a bad cell on a last line without a newline (table)"
printf 'combination,dataset,f1\nA,A,0.5\nB,B,x' >"$TMP/lastline.csv"
run_cs check "$TMP/lastline.csv"
expect_status 1; expect_one_line_err; expect_no_out
expect_err 'lastline.csv:3:5: f1: "x" is not a number'

case_begin "fuzz: a bad cell on a last line without a newline (import standley)"
printf '1\t2\n0.1\t\n\tx' >"$TMP/lastline.txt"
run_cs import standley --names a,b "$TMP/lastline.txt" -o "$TMP/x.csv"
expect_status 1; expect_one_line_err
expect_err 'lastline.txt:3:2: b: "x" is not a number'
