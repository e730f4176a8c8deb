# comboscope import: standley fixture, wide and mtgnet tables written here, errors.

FIX="$ROOT/tests/fixtures/standley/results.txt"

case_begin "import --help / --version"
run_cs import --help
expect_status 0; expect_out "usage: comboscope import"
run_cs import --version
expect_status 0; expect_out "^comboscope [0-9]"

case_begin "import standley: 31 combinations, 80 observations, goal min"
run_cs import standley "$FIX" -o "$TMP/s.csv"
expect_status 0
# import says what it wrote (issue 9), as read back
expect_out "^wrote .*/s\.csv: 31 combinations, 80 rows \(5 datasets, metric loss\)$"
run_cs check --json "$TMP/s.csv"
expect_status 0
expect_out '"datasets":5,'; expect_out '"combinations":31,"observations":80'
expect_out '"metric":"loss","goal":"min"'
# row 1 (the half-size baseline, s = 0.08021) is skipped; row 2 is the single s = 0.08039
expect_true grep -q '^r0001,s,s,0.08039$' "$TMP/s.csv"
expect_true eval '! grep -q 0.08021 "$TMP/s.csv"'
expect_true grep -q '^r0031,s+d+n+k+e,e,0.04453$' "$TMP/s.csv"

case_begin "import standley --names"
run_cs import standley --names seg,depth,normal,key,edge "$FIX" -o -
expect_status 0; expect_out '^r0006,seg\+depth,depth,0.1833$'

case_begin "import standley: wrong number of --names"
run_cs import standley --names a,b,c "$FIX" -o "$TMP/x.csv"
expect_status 1; expect_one_line_err; expect_err "results.txt:1:[0-9]+: 5 cells where there are 3 task names"
expect_true eval '[ ! -e "$TMP/x.csv" ]'

case_begin "import standley: a non-number cell"
printf '1\t2\n0.1\t\n\tx\n' >"$TMP/bad.txt"
run_cs import standley --names a,b "$TMP/bad.txt" -o "$TMP/x.csv"
expect_status 1; expect_one_line_err; expect_err "bad.txt:3:2: b: \"x\" is not a number"

case_begin "import wide"
printf 'run,A,B,C,A:f1,B:f1,C:f1,A:loss,note\nx1,1,0,0,0.5,,,1.2,single\nx2,1,1,0,0.55,0.61,,,\nx3,0,1,1,,0.6,,,"half, done"\n' >"$TMP/w.csv"
run_cs import wide "$TMP/w.csv" -o "$TMP/wl.csv"
expect_status 0
expect_true grep -qx 'run,combination,dataset,note,f1,loss' "$TMP/wl.csv"
expect_true grep -qx 'x1,A,A,single,0.5,1.2' "$TMP/wl.csv"
expect_true grep -qx 'x2,A+B,B,,0.61,' "$TMP/wl.csv"
expect_true grep -qx 'x3,B+C,B,"half, done",0.6,' "$TMP/wl.csv"
expect_true eval '! grep -q "^x3,B+C,C" "$TMP/wl.csv"'
run_cs check --json "$TMP/wl.csv"
expect_status 0; expect_out '"combinations":3,"observations":4'

case_begin "import wide: a score for a dataset outside the combination"
printf 'A,B,A:f1,B:f1\n1,0,0.5,0.7\n' >"$TMP/w2.csv"
run_cs import wide "$TMP/w2.csv" -o "$TMP/x.csv"
expect_status 1; expect_one_line_err; expect_err 'w2.csv:2:9: a score for "B"'

case_begin "import wide: bad membership, orphan score column"
printf 'A,B,A:f1,B:f1\n1,2,0.5,0.7\n' >"$TMP/w3.csv"
run_cs import wide "$TMP/w3.csv" -o -
expect_status 1; expect_one_line_err; expect_err 'w3.csv:2:3: membership of "B" must be 0 or 1'
printf 'A,A:f1,Z:f1\n1,0.5,\n' >"$TMP/w4.csv"
run_cs import wide "$TMP/w4.csv" -o -
expect_status 1; expect_one_line_err; expect_err 'w4.csv:1:8: score column "Z:f1" names no dataset column'

case_begin "import mtgnet"
printf '1 0 1\n0 1  1\n1 1 1\n' >"$TMP/m.txt"
printf '0.1 0 0.2\n0 0.3 -0.1\n0.05 0.02 0.01\n' >"$TMP/g.txt"
run_cs import mtgnet "$TMP/m.txt" "$TMP/g.txt" --names x,y,z -o "$TMP/ml.csv"
expect_status 0
expect_true grep -qx 'run,combination,dataset,gain' "$TMP/ml.csv"
expect_true grep -qx 'r0002,y+z,z,-0.1' "$TMP/ml.csv"
run_cs check --json "$TMP/ml.csv"
expect_status 0; expect_out '"combinations":3,"observations":7'; expect_out '"metric":"gain","goal":"max"'

case_begin "import mtgnet: default names t1..tN"
run_cs import mtgnet "$TMP/m.txt" "$TMP/g.txt" -o -
expect_status 0; expect_out '^r0001,t1\+t3,t1,0.1$'

case_begin "import mtgnet: a gain outside the subset, row count mismatch"
printf '0.1 0.3 0.2\n' >"$TMP/g2.txt"
run_cs import mtgnet "$TMP/m.txt" "$TMP/g2.txt" -o -
expect_status 1; expect_one_line_err; expect_err 'g2.txt:1:5: task "t2" is not in this row'
printf '0.1 0 0.2\n' >"$TMP/g3.txt"
run_cs import mtgnet "$TMP/m.txt" "$TMP/g3.txt" -o "$TMP/x.csv"
expect_status 1; expect_one_line_err; expect_err 'g3.txt:1: 1 rows where the mask file'
expect_true eval '[ ! -e "$TMP/x.csv" ]'

case_begin "import usage errors"
run_cs import
expect_status 2; expect_one_line_err
run_cs import excel "$FIX" -o -
expect_status 2; expect_one_line_err
run_cs import mtgnet "$TMP/m.txt" -o -
expect_status 2; expect_one_line_err
run_cs import standley "$FIX"
expect_status 2; expect_one_line_err
run_cs import standley --names a,a,b,c,d "$FIX" -o -
expect_status 2; expect_one_line_err; expect_err "named twice"
run_cs import standley --names 'a+b,c' "$FIX" -o -
expect_status 2; expect_one_line_err

case_begin "import: missing input file"
run_cs import standley "$TMP/nope.txt" -o -
expect_status 1; expect_one_line_err; expect_err "nope.txt: cannot open"

case_begin "import wide: unterminated quote, empty file"
printf 'A,B,A:f1,B:f1\n1,0,"0.5,\n' >"$TMP/w5.csv"
run_cs import wide "$TMP/w5.csv" -o -
expect_status 1; expect_one_line_err; expect_err 'w5.csv:2:5: unterminated quoted field'
: >"$TMP/w6.csv"
run_cs import wide "$TMP/w6.csv" -o -
expect_status 1; expect_one_line_err; expect_err 'w6.csv:1:1: empty file'

case_begin "import: control characters in names are rejected and never printed raw"
run_cs import standley --names "$(printf 'a\033[2J'),b,c,d,e" "$FIX" -o -
expect_status 2; expect_one_line_err; expect_err "control characters"
expect_true eval '! grep -q "$(printf "\033")" "$TMP/err"'
printf 'A,"B\033]0;x\007",A:f1\n1,0,0.5\n' >"$TMP/wc.csv"
run_cs import wide "$TMP/wc.csv" -o -
expect_status 1; expect_one_line_err; expect_err "wc.csv:1:3: column name .* contains control characters"
expect_true eval '! grep -q "$(printf "\033")" "$TMP/err"'

case_begin "import to standard output prints only the table"
run_cs import standley "$FIX" -o -
expect_status 0; expect_true eval '! grep -q "^wrote" "$TMP/out"'; expect_out "^run,combination,dataset,loss$"
