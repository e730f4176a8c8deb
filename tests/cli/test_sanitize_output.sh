# Issue 11: names read from files reach the terminal only through the sanitizer, in every
# command's text output (check, suggest, queue, replay) and in messages; --json stays valid
# UTF-8 and escapes what a terminal would act on. RLO = U+202E, ZWSP = U+200B.

RLO="$(printf '\342\200\256')"; ZWSP="$(printf '\342\200\213')"
Z="$TMP/z"
mkdir -p "$Z"
printf 'combination,dataset,f1\nA%sB,A%sB,0.5\nC%sD,C%sD,0.4\nA%sB+C%sD,A%sB,0.6\nA%sB+C%sD,C%sD,0.45\n' \
    "$RLO" "$RLO" "$ZWSP" "$ZWSP" "$RLO" "$ZWSP" "$RLO" "$RLO" "$ZWSP" "$ZWSP" >"$Z/runs.csv"
# a partial table of three datasets, for suggest and queue
printf 'combination,dataset,f1\nA%sB,A%sB,0.5\nC%sD,C%sD,0.4\nE,E,0.3\n' "$RLO" "$RLO" "$ZWSP" "$ZWSP" >"$Z/part.csv"
printf '{\n  "comboscope": 1,\n  "tables": ["part.csv"],\n  "journal": "journal.jsonl",\n  "queue": "queue.csv"\n}\n' >"$Z/study.json"

no_raw() { # stdout and stderr hold no invisible character and no C1 byte, and are UTF-8
    if LC_ALL=C grep -q "$RLO\|$ZWSP" "$TMP/out" "$TMP/err"; then _case_fail "a raw invisible character was printed"; fi
    if LC_ALL=C grep -qP '[\x80-\x9f]' "$TMP/out" "$TMP/err" 2>/dev/null &&
       ! iconv -f UTF-8 -t UTF-8 "$TMP/out" >/dev/null 2>&1; then _case_fail "output is not UTF-8"; fi
    iconv -f UTF-8 -t UTF-8 "$TMP/out" >/dev/null 2>&1 || _case_fail "stdout is not UTF-8"
}

case_begin "check: invisible characters in names are shown, not printed"
run_cs check "$Z/runs.csv"
expect_status 0; no_raw; expect_out 'A<U\+202E>B C<U\+200B>D'

case_begin "check --json: escaped as \\u202e, valid UTF-8"
run_cs check --json "$Z/runs.csv"
expect_status 0; no_raw; expect_out '"A\\u202eB"'

case_begin "suggest: combinations are sanitized"
run_cs suggest "$Z/part.csv" --target "A${RLO}B" -k 1
no_raw; expect_out 'A<U\+202E>B'

case_begin "replay: target names are sanitized"
run_cs replay "$Z/runs.csv" --all --seeds 1
expect_status 0; no_raw; expect_out 'A<U\+202E>B'

case_begin "queue: queued runs' combinations are sanitized"
printf 'key 4 a Enter y\n' >"$TMP/commit.script"
env COMBOSCOPE_SCRIPT="$TMP/commit.script" TERM=xterm "$CS" "$Z/study.json" >/dev/null 2>&1 </dev/null
run_cs queue "$Z/study.json"
expect_status 0; no_raw; expect_out '<U\+20(2E|0B)>'
run_cs queue --json "$Z/study.json"
no_raw; expect_out '\\u20(2e|0b)'

case_begin "messages: an 8-bit CSI byte in a path never reaches the terminal"
run_cs check "$TMP/x$(printf '\233')[31mred.csv"
expect_status 1; expect_one_line_err
LC_ALL=C grep -q "$(printf '\233')" "$TMP/err" && _case_fail "the raw 0x9B byte was printed"
expect_err 'x\?\[31mred.csv: cannot open'

case_begin "messages: a 0x9B byte inside a table is an error, not output"
printf 'combination,dataset,f1\nA\233B,A\233B,0.5\n' >"$TMP/csi.csv"
run_cs check "$TMP/csi.csv"
expect_status 1; expect_one_line_err; expect_err 'csi.csv:2:2: not UTF-8 \(byte 0x9B\)'
