# comboscope report and export: the output parsed back and checked against `check --json`.

STUDY="$ROOT/sample-results/biomed12-study"
"$CS" check --json "$STUDY" >"$TMP/check.json" 2>/dev/null
# "target":"X","baseline":B,"best":C,...,"gain":G,"measured":M  ->  X B C G M, one line each
sed 's/{"target"/\n{"target"/g' "$TMP/check.json" | grep '^{"target"' |
    sed -E 's/^\{"target":"([^"]*)","baseline":([^,]*),"best":([^,]*),.*"gain":([^,]*),"measured":([0-9]*).*/\1 \2 \3 \4 \5/' \
    >"$TMP/targets.txt"

case_begin "report --help, and usage errors"
run_cs report --help
expect_status 0; expect_out "usage: comboscope report"
run_cs report
expect_status 2; expect_one_line_err
run_cs report --nope "$STUDY"
expect_status 2; expect_one_line_err

case_begin "report: the targets table agrees with check --json"
run_cs report "$STUDY"
expect_status 0
expect_out "^# biomed12-study: report"
expect_out "^## Targets"
expect_out "^## Predictor accuracy over rounds"
expect_out "^Search settings in the study file: predictor ensemble, acquisition ucb, batch 4, seed 1 "
expect_true test -s "$TMP/targets.txt"
while read -r name base best gain measured; do
    want="$(awk -v b="$base" -v c="$best" -v g="$gain" 'BEGIN { printf "%.4f | %.4f | %+.4f", b, c, g }')"
    grep -Fq "| $name | $want | $measured of 2048 |" "$TMP/out" || _case_fail "no row '| $name | $want | $measured of 2048 |'"
done <"$TMP/targets.txt"

case_begin "report: every round with its settings, decisions and runs"
run_cs report "$STUDY"
rounds="$(grep -c '^### Round ' "$TMP/out")"
expect_true test "$rounds" -ge 1
expect_true test "$(grep -c '^- predictor .*, acquisition .*, batch [0-9]' "$TMP/out")" = "$rounds"
expect_true test "$(grep -c '^- proposed ' "$TMP/out")" = "$rounds"
expect_out "\| rejected \| .+ \|$"
expect_out "^\| r[0-9]+ \| .* \| [0-9.]+ ± [0-9.]+ \| [0-9.]+ \| [-+][0-9.]+ \| (yes)? \|$"
# the error column is measured minus predicted
awk -F' [|] ' '/^\| r[0-9]+ \|/ && $3 ~ /±/ && $4 ~ /^[0-9.]+$/ {
    split($3, p, " ± "); e = $4 - p[1]; if (sprintf("%+.4f", e) != $5 && sprintf("%+.4f", e + 0.00005) != $5 && sprintf("%+.4f", e - 0.00005) != $5) bad++ }
    END { exit bad > 0 }' "$TMP/out" || _case_fail "an error is not measured - predicted"

case_begin "report: predicted against measured, the error, new bests, reasons escaped"
mkdir -p "$TMP/nb"
cat >"$TMP/nb/study.json" <<'JSON'
{"comboscope": 1, "name": "nb", "metric": "f1", "goal": "max",
 "datasets": [{"name": "A", "task": "X"}, {"name": "B", "task": "X"}, {"name": "C", "task": "Y"}],
 "tables": ["runs.csv"], "targets": ["A"], "journal": "journal.jsonl", "queue": "queue.csv"}
JSON
printf 'run,combination,dataset,f1\nr0001,A,A,0.5\n,B,B,0.4\n,C,C,0.3\n' >"$TMP/nb/runs.csv"
T='"time":"2026-11-29T22:00:0'
cat >"$TMP/nb/journal.jsonl" <<LINES
{${T}0Z","round":1,"event":"suggested","target":"A","combination":"A+B","mean":0.55,"spread":0.02,"predictor":"mlp","acquisition":"ucb","cv":{"spearman":0.5,"mae":0.01}}
{${T}1Z","round":1,"event":"suggested","target":"A","combination":"A+C","mean":0.52,"spread":0.04}
{${T}2Z","round":1,"event":"accepted","target":"A","combination":"A+B"}
{${T}3Z","round":1,"event":"rejected","target":"A","combination":"A+C","reason":"C | weak"}
{${T}4Z","round":1,"event":"note","target":"A","text":"first round"}
{${T}5Z","round":1,"event":"queued","target":"A","run":"r0002","combination":"A+B","known":0}
{${T}6Z","round":1,"event":"committed","target":"A"}
{${T}7Z","round":1,"event":"result","target":"A","combination":"A+B","run":"r0002","scores":{"A":0.6,"B":0.41}}
{${T}8Z","round":2,"event":"suggested","target":"A","combination":"A+B+C","mean":0.58,"spread":0.01,"predictor":"mlp","acquisition":"ucb","search":{"seed":9,"batch":1,"runs":2}}
{${T}8Z","round":2,"event":"accepted","target":"A","combination":"A+B+C"}
{${T}8Z","round":2,"event":"queued","target":"A","run":"r0003","combination":"A+B+C","known":0}
{${T}9Z","round":2,"event":"committed","target":"A"}
{${T}9Z","round":2,"event":"result","target":"A","combination":"A+B+C","run":"r0003","scores":{"A":0.55,"B":0.4,"C":0.3}}
LINES
run_cs report "$TMP/nb"
expect_status 0
expect_out "^\| r0002 \| A \+ B \| 0\.5500 ± 0\.0200 \| 0\.6000 \| \+0\.0500 \| yes \|$"
expect_out "^\| r0003 \| A \+ B \+ C \| 0\.5800 ± 0\.0100 \| 0\.5500 \| -0\.0300 \|  \|$"
expect_out "^\| 2 \| A \+ C \| 0\.5200 ± 0\.0400 \| rejected \| C \\\\\| weak \|$"
expect_out "^- first round$"
# round 1 was journaled without its seed (an older journal), round 2 with it
expect_out "^- predictor mlp, acquisition ucb, batch 2, seed not journaled$"
expect_out "^- predictor mlp \\(on 2 runs\\), acquisition ucb, batch 1, seed 9$"
expect_out "^- cross-validated accuracy when proposed: rho 0\.50, mae 0\.0100$"
expect_out "^- proposed 2026-11-29T22:00:00Z, committed 2026-11-29T22:00:06Z$"
expect_out "^\| 1 \| A \| mlp \| 0\.50 \| 0\.0100 \| 0\.0500 \|$"

case_begin "report -o writes the file atomically, and a bare table has no rounds"
run_cs report -o "$TMP/r.md" "$STUDY"
expect_status 0; expect_no_out
expect_true grep -q "^## Rounds" "$TMP/r.md"
run_cs report "$ROOT/tests/golden/data/small.csv"
expect_status 0; expect_out "names no journal"

case_begin "report -o refuses a symbolic link"
ln -s "$TMP/r.md" "$TMP/link.md"
run_cs report -o "$TMP/link.md" "$STUDY"
expect_status 1; expect_one_line_err; expect_err "link"

case_begin "export: usage errors"
run_cs export --help
expect_status 0; expect_out "usage: comboscope export"
run_cs export pie "$STUDY"
expect_status 2; expect_one_line_err; expect_err "not heatmap, lattice or table"
run_cs export lattice
expect_status 2; expect_one_line_err
run_cs export lattice "$STUDY" --target NOPE
expect_status 1; expect_one_line_err; expect_err "no dataset named 'NOPE'"

case_begin "export lattice: every combination, measured ones as check --json counts them, best as its best"
while read -r name base best gain measured; do
    run_cs export lattice "$STUDY" --target "$name" -o "$TMP/l.csv"
    expect_status 0
    expect_true test "$(head -1 "$TMP/l.csv")" = "combination,size,column,row,measured,score,gain,replicates,sd"
    expect_true test "$(($(wc -l <"$TMP/l.csv") - 1))" = 2048
    expect_true test "$(grep -c ',yes,' "$TMP/l.csv")" = "$measured"
    got="$(awk -F, 'NR > 1 && $5 == "yes" && (m == "" || $6 > m) { m = $6 } END { printf "%.4f", m }' "$TMP/l.csv")"
    expect_true test "$got" = "$(awk -v c="$best" 'BEGIN { printf "%.4f", c }')"
    # every cell of the 64 x 32 grid once
    expect_true test "$(awk -F, 'NR > 1 { print $3 "," $4 }' "$TMP/l.csv" | sort -u | wc -l)" = 2048
done <"$TMP/targets.txt"

case_begin "export table: every observation; --target: that dataset's rows"
obs="$(sed -E 's/.*"observations":([0-9]+).*/\1/' "$TMP/check.json")"
run_cs export table "$STUDY"
expect_status 0
expect_true test "$(($(wc -l <"$TMP/out") - 1))" = "$obs"
expect_out "^combination,dataset,task,size,n,gain,"
read -r name base best gain measured <"$TMP/targets.txt"
run_cs export table "$STUDY" --target "$name"
expect_true test "$(($(wc -l <"$TMP/out") - 1))" = "$measured"
got="$(awk -F, -v n="$name" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "f1") c = i } NR > 1 && $2 == n && $1 == n { printf "%.4f", $c }' "$TMP/out")"
expect_true test "$got" = "$(awk -v b="$base" 'BEGIN { printf "%.4f", b }')"

case_begin "export heatmap: n(n-1) pairs; the target's pair gains against its baseline"
run_cs export heatmap "$STUDY"
expect_status 0
expect_true test "$(($(wc -l <"$TMP/out") - 1))" = 132
run_cs export heatmap "$STUDY" --target "$name"
expect_true test "$(($(wc -l <"$TMP/out") - 1))" = 11
# a pair gain is the score of {target, aux} minus the baseline
"$CS" export table "$STUDY" --target "$name" >"$TMP/t.csv"
awk -F, -v n="$name" -v b="$base" 'NR == FNR { if (FNR == 1) { for (i = 1; i <= NF; i++) if ($i == "f1") c = i } else if ($4 == 2) pair[$1] = $c; next }
    FNR > 1 && $5 != "" { k = ($1 < $3) ? $1 "+" $3 : $3 "+" $1; found = 0
        for (p in pair) { split(p, m, "+"); if ((m[1] == n && m[2] == $3) || (m[2] == n && m[1] == $3)) { found = 1; d = pair[p] - b } }
        if (!found || sprintf("%.6f", d) != sprintf("%.6f", $5)) bad++ }
    END { exit bad > 0 }' "$TMP/t.csv" "$TMP/out" || _case_fail "a pair gain is not the pair's score minus the baseline"
case_end

# The export key (E) in the explorer writes the same CSV as `comboscope export`.
explore_script() { # STUDY SCRIPT-LINES...: runs the explorer on STUDY with those keys, screen in $TMP/screen
    local study="$1"
    shift
    printf '%s\n' "$@" >"$TMP/ex.script"
    env COLUMNS=80 LINES=24 TERM=xterm-256color LC_ALL=C.UTF-8 COMBOSCOPE_SCRIPT="$TMP/ex.script" \
        "$CS" --read-only "$study" >"$TMP/screen" 2>"$TMP/screen.err"
}

case_begin "E in the Lattice, Heatmaps and Table writes what export writes"
cp -R "$STUDY" "$TMP/ex"
explore_script "$TMP/ex" "key 2 E Enter" "dump lattice" "key 3 E Enter" "dump heatmap" "key 6 E Enter" "dump table"
expect_true test ! -s "$TMP/screen.err"
expect_true grep -q "wrote lattice-RE_BioRED.csv: 2048 rows" "$TMP/screen"
expect_true grep -q "wrote heatmap-f1.csv: 132 rows" "$TMP/screen"
expect_true grep -q "wrote table.csv: 134 rows" "$TMP/screen"
"$CS" export lattice "$TMP/ex" --target RE_BioRED -o "$TMP/l.csv"
expect_file_eq "$TMP/ex/lattice-RE_BioRED.csv" "$TMP/l.csv"
"$CS" export heatmap "$TMP/ex" -o "$TMP/h.csv"
expect_file_eq "$TMP/ex/heatmap-f1.csv" "$TMP/h.csv"
"$CS" export table "$TMP/ex" -o "$TMP/t.csv"
expect_file_eq "$TMP/ex/table.csv" "$TMP/t.csv"

case_begin "E refuses a link, a path outside the study, and Esc writes nothing"
cp -R "$STUDY" "$TMP/ex2"
echo keep >"$TMP/outside.csv"
ln -s "$TMP/outside.csv" "$TMP/ex2/table.csv"
explore_script "$TMP/ex2" "key 6 E Enter" "dump link" "key E ^U" "type ../escape.csv" "key Enter" "dump outside" \
    "key E" "type x" "key Esc" "dump cancelled"
expect_true test "$(cat "$TMP/outside.csv")" = keep
expect_true test ! -e "$TMP/escape.csv"
expect_true test ! -e "$TMP/ex2/table.csvx"
expect_true grep -q "link" "$TMP/screen"
expect_true grep -q "outside the study" "$TMP/screen"
expect_true grep -q "cancelled: nothing written" "$TMP/screen"
case_end
