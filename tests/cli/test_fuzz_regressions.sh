# Inputs found by the fuzzers (tests/fuzz/README.md), each once a crash or undefined behaviour
# in the SANITIZE=1 build: now exit status 1 with one located line on stderr.

case_begin "fuzz: a bad cell on a last line without a newline (table)"
printf 'combination,dataset,f1\nA,A,0.5\nB,B,x' >"$TMP/lastline.csv"
run_cs check "$TMP/lastline.csv"
expect_status 1; expect_one_line_err; expect_no_out
expect_err 'lastline.csv:3:5: f1: "x" is not a number'

case_begin "fuzz: a bad last line without a newline (import standley, mtgnet)"
printf '1\t2\n0.1\t\n\tx' >"$TMP/lastline.txt"
run_cs import standley --names a,b "$TMP/lastline.txt" -o "$TMP/x.csv"
expect_status 1; expect_one_line_err
expect_err 'lastline.txt:3:2: b: "x" is not a number'
printf '1 0 1\n0 1' >"$TMP/lastline-mask.txt"
printf '0.1 0 0.2\n0 0.3 -0.1\n' >"$TMP/gain.txt"
run_cs import mtgnet "$TMP/lastline-mask.txt" "$TMP/gain.txt" -o -
expect_status 1; expect_one_line_err
expect_err 'lastline-mask.txt:2:4: 2 cells where there are 3 tasks'

# Found by the explorer mutation run (tests/fuzz/explore-mutate.sh): a theme file's words were
# echoed raw in its errors, so a file could send escape sequences to the terminal.
case_begin "fuzz: escape sequences in a theme file are not echoed"
printf 'normal = \033[2Jred\n' >"$TMP/esc-colour.theme"
run_cs --theme "$TMP/esc-colour.theme" "$ROOT/sample-results/biomed12/study.json"
expect_status 1; expect_one_line_err; expect_err "esc-colour.theme:1: unknown colour or attribute '\\?\\[2Jred'"
expect_true eval '! grep -q "$(printf "\033")" "$TMP/err"'
printf '\033]0;title\007 = red\n' >"$TMP/esc-role.theme"
run_cs --theme "$TMP/esc-role.theme" "$ROOT/sample-results/biomed12/study.json"
expect_status 1; expect_one_line_err; expect_err "esc-role.theme:1: unknown role '\\?\\]0;title\\?'"
expect_true eval '! grep -q "$(printf "\033")" "$TMP/err"'
printf 'normal = red \033[31m\n' >"$TMP/esc-extra.theme"
run_cs --theme "$TMP/esc-extra.theme" "$ROOT/sample-results/biomed12/study.json"
expect_status 1; expect_one_line_err; expect_true eval '! grep -q "$(printf "\033")" "$TMP/err"'
