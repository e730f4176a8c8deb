# comboscope suggest --joint: one batch for several targets, each suggestion with the targets it
# serves and its value for each; the JSON read back against the text; errors.

"$CS" synth --datasets 6 --runs 20 --seed 3 -o "$TMP/jpart.csv" >/dev/null 2>&1

case_begin "suggest --joint: each suggestion with the targets it serves and its value for each"
run_cs suggest "$TMP/jpart.csv" --joint --target T1_d01 --target T2_d04 -k 3 --predictor additive
expect_status 0
expect_out "^joint round  2 targets \(f1, max\); each suggestion is valued by the sum over the targets it$"
expect_out "^target +T1_d01 +[0-9]+ runs, best [0-9.]+; additive, cv spearman -?[0-9.]+, mae [0-9.]+$"
expect_out "^target +T2_d04 +[0-9]+ runs, best [0-9.]+; additive, cv spearman -?[0-9.]+, mae [0-9.]+$"
expect_true [ "$(grep -cE '^ +[1-3] +[0-9.]+  [A-Za-z0-9_+]+$' "$TMP/out")" = 3 ]
# under each suggestion, one line per target it contains, and only those
awk '/^ +[0-9]+ +[0-9.]+  /{combo=$3; next}
     /^ +T[12]_d0[14] /{name=$1; if (index("+" combo "+", "+" name "+") == 0) bad=1; n[combo]++}
     END{exit bad}' "$TMP/out" || _case_fail "a target line names a target the combination does not contain"
awk '/^ +[0-9]+ +[0-9.]+  /{c=$3; want=(c ~ /(^|\+)T1_d01(\+|$)/) + (c ~ /(^|\+)T2_d04(\+|$)/); got=0; nc++; next}
     /^ +T/{got++; if (got == want) ok++}
     END{exit !(ok == nc)}' "$TMP/out" || _case_fail "a suggestion does not list every target it serves"

case_begin "suggest --joint --json is the text's batch, read back"
run_cs suggest "$TMP/jpart.csv" --joint --target T1_d01 --target T2_d04 -k 3 --predictor additive --json
expect_status 0
expect_out '^\{"joint":true,"predictor":"additive","acquisition":"ucb","targets":\[\{"name":"T1_d01","measured":[0-9]+,"best":[0-9.]+,"cv":\{"spearman":[-0-9.e]+,"mae":[0-9.e-]+\}\},\{"name":"T2_d04",'
expect_out '"suggestions":\[\{"combination":"[^"]+","value":[0-9.e-]+,"serves":\["T[12]_d0[14]"'
cp "$TMP/out" "$TMP/joint.json"
run_cs suggest "$TMP/jpart.csv" --joint --target T1_d01 --target T2_d04 -k 3 --predictor additive
cp "$TMP/out" "$TMP/joint.txt"
# the JSON as "combination value" and "target predicted sd value" lines, rounded as the text
tr -d '\n' <"$TMP/joint.json" | sed 's/{"combination"/\n{"combination"/g' | tail -n +2 |
    awk '{ match($0, /"combination":"[^"]*"/); c = substr($0, RSTART + 15, RLENGTH - 16);
           match($0, /"value":[-0-9.e]+/); v = substr($0, RSTART + 8, RLENGTH - 8);
           printf "%s %.4f\n", c, v;
           rest = $0; sub(/.*"per_target":\{/, "", rest);
           while (match(rest, /"[A-Za-z0-9_]+":\{"predicted":[-0-9.e]+,"sd":[-0-9.e]+,"value":[-0-9.e]+\}/)) {
               one = substr(rest, RSTART, RLENGTH); rest = substr(rest, RSTART + RLENGTH);
               split(one, f, /[":{},]+/);
               printf "  %s %.4f %.4f %.4f\n", f[2], f[4], f[6], f[8] }
         }' >"$TMP/from_json"
awk '/^ +[0-9]+ +[0-9.]+  /{printf "%s %s\n", $3, $2; next}
     /^ +T/{printf "  %s %s %s %s\n", $1, $2, $3, $4}' "$TMP/joint.txt" >"$TMP/from_text"
expect_true [ -s "$TMP/from_json" ]
expect_file_eq "$TMP/from_json" "$TMP/from_text"
# the joint value is the sum of the values of the targets it serves
awk '/^[^ ]/{if (n) { if (s - v > 2e-4 || v - s > 2e-4) bad = 1 } v = $2; s = 0; n = 1; next}
     {s += $4} END{if (s - v > 2e-4 || v - s > 2e-4) bad = 1; exit bad}' "$TMP/from_json" \
    || _case_fail "a suggestion's value is not the sum of its targets' values"

case_begin "suggest --joint: every target of the study by default; the same seed, the same batch"
run_cs suggest "$TMP/jpart.csv" --joint -k 2 --predictor additive --json --seed 4
expect_status 0
expect_true [ "$(grep -o '"name":"T[0-9]_d0[0-9]"' "$TMP/out" | wc -l)" = 6 ]
cp "$TMP/out" "$TMP/a.json"
run_cs suggest "$TMP/jpart.csv" --predictor additive --seed 4 -k 2 --json --joint
expect_file_eq "$TMP/a.json" "$TMP/out"

case_begin "suggest --joint: bad targets, too few runs, too many datasets"
run_cs suggest "$TMP/jpart.csv" --joint --target T1_d01 --target nope
expect_status 1; expect_one_line_err; expect_err "target 'nope' is not a dataset of the study"
run_cs suggest "$TMP/jpart.csv" --target T1_d01 --target T2_d04
expect_status 1; expect_one_line_err; expect_err "--target names one target \(several need --joint\)"
mkdir -p "$TMP/few"
printf 'combination,dataset,f1\nA,A,0.5\nA+B,A,0.6\nA+B,B,0.4\nA+C,A,0.55\nA+C,C,0.3\nA+B+C,A,0.58\n' >"$TMP/few/runs.csv"
printf 'A+B+C,B,0.41\nA+B+C,C,0.31\nA+D,A,0.52\nA+D,D,0.2\nA+E,A,0.51\nA+E,E,0.3\nA+F,A,0.5\nA+F,F,0.3\n' >>"$TMP/few/runs.csv"
cat >"$TMP/few/study.json" <<'JSON'
{"comboscope":1,"name":"few","metric":"f1","goal":"max",
 "datasets":[{"name":"A","task":"T"},{"name":"B","task":"T"},{"name":"C","task":"T"},{"name":"D","task":"U"},
             {"name":"E","task":"U"},{"name":"F","task":"U"},{"name":"G","task":"U"}],
 "tables":["runs.csv"],"targets":["A","G"]}
JSON
run_cs suggest "$TMP/few/study.json" --joint --predictor additive
expect_status 1; expect_one_line_err; expect_err "a joint round needs [0-9]+ measured runs? of each target: G has 0 \(run its initial design first"
"$CS" synth --datasets 21 --runs 40 --seed 1 -o "$TMP/wide.csv" >/dev/null 2>&1
run_cs suggest "$TMP/wide.csv" --joint --target T1_d01 --target T1_d02
expect_status 1; expect_one_line_err; expect_err "up to 20 datasets \(this study has 21\)"
