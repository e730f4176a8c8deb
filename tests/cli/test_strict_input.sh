# Silent misreads of issue 11 become located errors: decimal numbers only, underflow and
# overflow, NUL bytes, bytes that are not UTF-8, names over the limit, lines and fields over
# 1 MiB, JSON nested too deep. Each case read as 0x1p3 = 8, 1e-400 = 0, "A\0x" = "A", ... before.

strict_case() { # strict_case NAME FILE LOCATION_REGEX MESSAGE_REGEX
    case_begin "strict input: $1"
    timeout 20 "$CS" check "$2" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
    expect_status 1; expect_one_line_err; expect_no_out
    expect_err "^[^:]*$3 "; expect_err "$4"
}

H='combination,dataset,f1'
printf '%s\nA,A,0.5\nA+B,B,0x1p3\n' "$H" >"$TMP/hex.csv"
strict_case "a hexadecimal float" "$TMP/hex.csv" "hex.csv:3:7:" 'f1: "0x1p3" is not a number'

printf '%s\nA,A,0.5\nA+B,B,1e-400\n' "$H" >"$TMP/under.csv"
strict_case "underflow" "$TMP/under.csv" "under.csv:3:7:" 'f1: "1e-400" is out of range'

printf '%s\nA,A,1e400\n' "$H" >"$TMP/over.csv"
strict_case "overflow" "$TMP/over.csv" "over.csv:2:5:" 'f1: "1e400" is out of range'

printf '%s\nA,A,infinity\n' "$H" >"$TMP/inf.csv"
strict_case "an infinity spelled out" "$TMP/inf.csv" "inf.csv:2:5:" 'not a finite number'

printf '%s\nA,A,0.5\nA\0x+B,B,0.6\n' "$H" >"$TMP/nul.csv"
strict_case "a NUL byte inside a field" "$TMP/nul.csv" "nul.csv:3:2:" 'NUL byte'

printf '%s\nA,A,0.5\nA+B\xff\xfe,B,0.6\n' "$H" >"$TMP/utf8.csv"
strict_case "bytes that are not UTF-8" "$TMP/utf8.csv" "utf8.csv:3:4:" 'not UTF-8 \(byte 0xFF\)'

long="$(head -c 300 /dev/zero | tr '\0' N)"
printf '%s\n%s,%s,0.5\n' "$H" "$long" "$long" >"$TMP/longname.csv"
strict_case "a dataset name over 255 bytes" "$TMP/longname.csv" "longname.csv:2:1:" 'a dataset name of 300 bytes is longer than the limit of 255'

p255="$(head -c 255 /dev/zero | tr '\0' P)"
printf '%s\n%sX,%sX,0.5\n%sY,%sY,0.6\n' "$H" "$p255" "$p255" "$p255" "$p255" >"$TMP/merge.csv"
strict_case "two names equal in their first 255 bytes are not merged" "$TMP/merge.csv" "merge.csv:2:1:" 'longer than the limit of 255'

mkdir -p "$TMP/ls"
printf '{\n  "comboscope": 1,\n  "datasets": [\n    {"name": "%s"}\n  ]\n}\n' "$long" >"$TMP/ls/study.json"
strict_case "a 300-byte dataset name in a study file" "$TMP/ls/study.json" "study.json:4:14:" 'dataset name of 300 bytes is longer than the limit of 255'

printf '{\n  "comboscope": 1,\n  "name": "a\xc3"\n}\n' >"$TMP/ls/bad8.json"
strict_case "a study file that is not UTF-8" "$TMP/ls/bad8.json" "bad8.json:3:13:" 'not UTF-8 \(byte 0xC3\)'

{ printf '{"comboscope": 1, "x": '; head -c 1200 /dev/zero | tr '\0' '['; head -c 1200 /dev/zero | tr '\0' ']'; printf '}\n'; } >"$TMP/ls/deep.json"
strict_case "JSON nested too deep is named as such" "$TMP/ls/deep.json" "deep.json:1:[0-9]+:" 'nested deeper than the limit of 1000 levels'

{ printf '%s\nA,A,0.5\nA+B,B,"' "$H"; head -c 1100000 /dev/zero | tr '\0' x; printf '"\n'; } >"$TMP/longline.csv"
strict_case "a line over 1 MiB" "$TMP/longline.csv" "longline.csv:3:" 'line longer than the limit of 1 MiB'

{ printf 'combination,dataset,f1,note\nA,A,0.5,"'; for i in $(seq 12); do head -c 100000 /dev/zero | tr '\0' x; echo; done; printf '"\n'; } >"$TMP/longfield.csv"
strict_case "a quoted field over 1 MiB across lines" "$TMP/longfield.csv" "longfield.csv:2:9:" 'a field longer than the limit of 1 MiB'

case_begin "a 900 KB field is read in linear time (in the sanitizer build too)"
{ printf 'combination,dataset,f1,note\nA,A,0.5,"'; head -c 900000 /dev/zero | tr '\0' y; printf '"\n'; } >"$TMP/bigfield.csv"
start=$(date +%s)
timeout 20 "$CS" check "$TMP/bigfield.csv" >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 0
[ $(( $(date +%s) - start )) -le 5 ] || _case_fail "took $(( $(date +%s) - start )) s"
