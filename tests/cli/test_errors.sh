# Every bad input of issue #2: exit status 1, exactly one line on stderr, located as
# FILE:LINE:COL (FILE:LINE: where no column applies), nothing on stdout.

# bad_case NAME FILE_ARG EXPECTED_PREFIX_REGEX MESSAGE_REGEX
bad_case() {
    case_begin "bad input: $1"
    run_cs check "$2"
    expect_status 1; expect_one_line_err; expect_no_out
    expect_err "^$3 "; expect_err "$4"
}

S="$TMP/s"   # a study directory
mkdir -p "$S"
study() { # study FILE TABLES_JSON: a 3-dataset study naming the given tables
    printf '{\n  "comboscope": 1,\n  "name": "t",\n  "datasets": [\n    {"name": "A", "task": "X"},\n    {"name": "B", "task": "X"},\n    {"name": "C", "task": "Y"}\n  ],\n  "tables": %s\n}\n' "$2" >"$1"
}

: >"$TMP/empty.csv"
bad_case "empty file" "$TMP/empty.csv" "[^:]*empty.csv:1:1:" "empty file"

printf '\xef\xbb\xbf' >"$TMP/bom-only.csv"
bad_case "a BOM and nothing else" "$TMP/bom-only.csv" "[^:]*bom-only.csv:1:1:" "empty file"

printf 'combination,f1\nA,0.5\n' >"$TMP/nodataset.csv"
bad_case "missing required column dataset" "$TMP/nodataset.csv" "[^:]*nodataset.csv:1:1:" 'missing required column "dataset"'

printf 'dataset,f1\nA,0.5\n' >"$TMP/nocombo.csv"
bad_case "missing required column combination" "$TMP/nocombo.csv" "[^:]*nocombo.csv:1:1:" 'missing required column "combination"'

printf 'combination,dataset,f1,f1\nA,A,0.5,0.6\n' >"$TMP/dup.csv"
bad_case "duplicate column" "$TMP/dup.csv" "[^:]*dup.csv:1:24:" 'duplicate column "f1"'

printf 'combination,dataset,f1\nA,A,0.5\nA+B,B,0.5,7\n' >"$TMP/ragged.csv"
bad_case "ragged row (too many fields)" "$TMP/ragged.csv" "[^:]*ragged.csv:3:11:" "ragged row: 4 fields where the header has 3"

printf 'combination,dataset,f1\nA,A,0.5\nA+B,B\n' >"$TMP/ragged2.csv"
bad_case "ragged row (too few fields)" "$TMP/ragged2.csv" "[^:]*ragged2.csv:3:6:" "ragged row: 2 fields where the header has 3"

printf 'combination,dataset,f1\nA,A,0.5\nA,"A,0.5\nB,B,0.4\n' >"$TMP/quote.csv"
bad_case "unterminated quote" "$TMP/quote.csv" "[^:]*quote.csv:3:3:" "unterminated quoted field"

printf 'combination,dataset,f1\nA,A,0.5\nA,A"x,0.5\n' >"$TMP/strayquote.csv"
bad_case "quote inside an unquoted field" "$TMP/strayquote.csv" "[^:]*strayquote.csv:3:[0-9]+:" "malformed CSV"

printf 'combination,dataset,f1\nA,A,0.5\nA+D,A,0.5\n' >"$S/unknown.csv"
study "$S/unknown.json" '["unknown.csv"]'
bad_case "combination naming a dataset not in the study" "$S/unknown.json" "[^:]*unknown.csv:3:1:" 'dataset "D" is not in the study'

printf 'combination,dataset,f1\nA,A,0.5\nA+B,C,0.5\n' >"$TMP/notmember.csv"
bad_case "dataset not in its own combination" "$TMP/notmember.csv" "[^:]*notmember.csv:3:5:" 'dataset "C" is not in its own combination'

printf 'combination,dataset,f1\nA,A,0.5\nB,B,abc\n' >"$TMP/nan1.csv"
bad_case "non-numeric metric value" "$TMP/nan1.csv" "[^:]*nan1.csv:3:5:" 'f1: "abc" is not a number'

printf 'combination,dataset,f1\nA,A,0.5\nB,B,NaN\n' >"$TMP/nan2.csv"
bad_case "NaN metric value" "$TMP/nan2.csv" "[^:]*nan2.csv:3:5:" "not a finite number"

printf 'combination,dataset,f1\nA,A,0.5\nB,B,-inf\n' >"$TMP/inf.csv"
bad_case "infinite metric value" "$TMP/inf.csv" "[^:]*inf.csv:3:5:" "not a finite number"

printf 'combination,dataset,f1\nA,A,1e999\n' >"$TMP/inf2.csv"
bad_case "overflowing metric value" "$TMP/inf2.csv" "[^:]*inf2.csv:2:5:" "is out of range \(overflow or underflow of a double\)"

{ echo 'combination,dataset,f1'; for i in $(seq 1 65); do echo "D$i,D$i,0.5"; done; } >"$TMP/many.csv"
bad_case "more than 64 datasets in a table" "$TMP/many.csv" "[^:]*many.csv:66:1:" "more than 64 datasets"

{ printf '{"comboscope": 1,\n "datasets": [\n'; for i in $(seq 1 65); do printf '  "D%d"%s\n' "$i" "$([ "$i" = 65 ] || echo ,)"; done; printf ' ]\n}\n'; } >"$S/many.json"
bad_case "more than 64 datasets in a study" "$S/many.json" "[^:]*many.json:67:3:" "more than 64 datasets"

printf '{\n  "comboscope": 1,\n  "name": "x",\n  "metric" "f1"\n}\n' >"$S/syntax.json"
bad_case "JSON syntax error" "$S/syntax.json" "[^:]*syntax.json:4:12:" "JSON syntax error"

printf '{\n  "comboscope": 1,\n  "name": "x",\n' >"$S/truncated.json"
bad_case "JSON cut short" "$S/truncated.json" "[^:]*truncated.json:4:1:" "JSON syntax error"

printf '{\n  "comboscope": 1,\n  "name": 12\n}\n' >"$S/type1.json"
bad_case "JSON wrong type: name" "$S/type1.json" "[^:]*type1.json:3:11:" '"name" must be a string'

printf '{\n  "comboscope": 1,\n  "datasets": {"A": "X"}\n}\n' >"$S/type2.json"
bad_case "JSON wrong type: datasets" "$S/type2.json" "[^:]*type2.json:3:15:" '"datasets" must be an array'

printf '{\n  "comboscope": 1,\n  "tables": ["a.csv", 7]\n}\n' >"$S/type3.json"
bad_case "JSON wrong type: a table" "$S/type3.json" "[^:]*type3.json:3:23:" 'every entry of "tables" must be a string'

printf '{\n  "comboscope": 1,\n  "search": {"batch": "four"}\n}\n' >"$S/type4.json"
bad_case "JSON wrong type: search.batch" "$S/type4.json" "[^:]*type4.json:3:23:" '"batch" must be a whole number'

printf '[1, 2]\n' >"$S/type5.json"
bad_case "JSON wrong type: not an object" "$S/type5.json" "[^:]*type5.json:1:1:" "object"

study "$S/missing.json" '["runs.csv", "nope.csv"]'
printf 'combination,dataset,f1\nA,A,0.5\n' >"$S/runs.csv"
bad_case "a table named by the study that does not exist" "$S/missing.json" "[^:]*missing.json:9:26:" 'table "nope.csv" does not exist'

printf 'combination,dataset,f1\n"A\033[31m",A,0.5\n' >"$TMP/ctl1.csv"
bad_case "control characters in a combination name" "$TMP/ctl1.csv" "[^:]*ctl1.csv:2:1:" "control characters"
expect_true eval '! grep -q "$(printf "\033")" "$TMP/err"'

printf 'combination,dataset,"f\0331"\nA,A,0.5\n' >"$TMP/ctl2.csv"
bad_case "control characters in a column name" "$TMP/ctl2.csv" "[^:]*ctl2.csv:1:21:" "control characters"
expect_true eval '! grep -q "$(printf "\033")" "$TMP/err"'

printf '{\n  "comboscope": 1,\n  "datasets": ["A", "B\\u001b[2J"]\n}\n' >"$S/ctl3.json"
bad_case "control characters in a study's dataset name" "$S/ctl3.json" "[^:]*ctl3.json:3:21:" "control characters"
expect_true eval '! grep -q "$(printf "\033")" "$TMP/err"'

printf 'combination,dataset,task,f1\nA,A,"X\033]0;t\007",0.5\n' >"$TMP/ctl4.csv"
bad_case "control characters in a task type" "$TMP/ctl4.csv" "[^:]*ctl4.csv:2:5:" "control characters"

case_begin "a missing path"
run_cs check "$TMP/does-not-exist.csv"
expect_status 1; expect_one_line_err; expect_err "does-not-exist.csv: cannot open"

printf 'combination,dataset,Dataset,f1\nA,A,A,0.5\n' >"$TMP/dupcase.csv"
bad_case "duplicate column differing in case" "$TMP/dupcase.csv" "[^:]*dupcase.csv:1:21:" 'duplicate column "Dataset"'

printf '{\n  "comboscope": 1,\n  "tables": ["runs.csv"],\n  "targets": ["A", "Q"]\n}\n' >"$S/target.json"
bad_case "a target that no table names" "$S/target.json" "[^:]*target.json:4:20:" 'target "Q" is not a dataset'

case_begin "a study file with a byte-order mark"
printf '\xef\xbb\xbf{"comboscope": 1, "tables": ["runs.csv"]}\n' >"$S/bom.json"
run_cs check --json "$S/bom.json"
expect_status 0; expect_out '"combinations":1'
