# Hostile files found by hand (robust, session 3): each is refused in one located line, fast.

H='run,combination,dataset,f1'

case_begin "a table saved as UTF-16 says so (not 'NUL byte' at column 4)"
printf "$H\nr1,A,A,0.5\n" | iconv -t UTF-16 >"$TMP/u16.csv"
run_cs check "$TMP/u16.csv"
expect_status 1; expect_one_line_err
expect_err "u16\.csv:1:1: UTF-16 text \(byte-order mark FF FE\): save the file as UTF-8"

case_begin "an import input saved as UTF-16 (big-endian) says so"
printf 'run,A,B,A:f1,B:f1\n' | iconv -t UTF-16BE | { printf '\376\377'; cat; } >"$TMP/w16.csv"
run_cs import wide "$TMP/w16.csv" -o "$TMP/o.csv"
expect_status 1; expect_one_line_err; expect_err "w16\.csv:1:1: UTF-16 text \(byte-order mark FE FF\)"
[ -e "$TMP/o.csv" ] && _case_fail "an output file was written"

case_begin "a study file saved as UTF-16 says so"
printf '{"comboscope": 1}' | iconv -t UTF-16LE | { printf '\377\376'; cat; } >"$TMP/s16.json"
run_cs check "$TMP/s16.json"
expect_status 1; expect_one_line_err; expect_err "s16\.json:1:1: UTF-16 text"

# 120,000 columns fit in a line of 1 MiB; checking their names took a minute.
many_columns() { # N FILE: a header of N metric columns and one row
    awk -v n="$1" 'BEGIN { printf "run,combination,dataset"; for (i = 0; i < n; i++) printf ",c%d", i; print "";
                           printf "r1,A,A"; for (i = 0; i < n; i++) printf ",1"; print "" }' >"$2"
}
case_begin "120,000 columns: refused at once at the first column past 4,096"
many_columns 120000 "$TMP/wide.csv"
start=$(date +%s)
run_cs check "$TMP/wide.csv"
expect_status 1; expect_one_line_err
expect_err "wide\.csv:1:[0-9]+: 120003 columns: a table may have at most 4,096 columns"
[ $(( $(date +%s) - start )) -le 5 ] || _case_fail "took more than 5 s"

case_begin "4,096 columns are still a table"
many_columns 4093 "$TMP/w4k.csv"
run_cs check "$TMP/w4k.csv"
expect_status 0

case_begin "import wide: more than 4,096 columns refused, nothing written"
awk 'BEGIN { printf "run,A,B"; for (i = 0; i < 5000; i++) printf ",A:m%d", i; print "" }' >"$TMP/ww.csv"
run_cs import wide "$TMP/ww.csv" -o "$TMP/o.csv"
expect_status 1; expect_one_line_err; expect_err "ww\.csv:1:[0-9]+: 5003 columns: a table may have at most 4,096"
[ -e "$TMP/o.csv" ] && _case_fail "an output file was written"

case_begin "check: a study whose journal has a bad line in the middle is invalid (it passed)"
cp -R "$ROOT/sample-results/biomed12-study" "$TMP/bad"
awk 'NR == 11 { print substr($0, 1, 40); next } { print }' "$ROOT/sample-results/biomed12-study/journal.jsonl" \
    >"$TMP/bad/journal.jsonl"
run_cs check "$TMP/bad"
expect_status 1; expect_one_line_err; expect_err "journal\.jsonl:11:[0-9]+: "

case_begin "check: a torn last journal line is reported and skipped, exit 0, the file untouched"
cp -R "$ROOT/sample-results/biomed12-study" "$TMP/torn"
head -c -50 "$ROOT/sample-results/biomed12-study/journal.jsonl" >"$TMP/torn/journal.jsonl"
cp "$TMP/torn/journal.jsonl" "$TMP/torn.before"
run_cs check "$TMP/torn"
expect_status 0; expect_one_line_err; expect_err "journal\.jsonl:[0-9]+: torn last line skipped"
expect_file_eq "$TMP/torn.before" "$TMP/torn/journal.jsonl"

# A name a spreadsheet takes for a formula would reach one through every CSV export.
for name in '=cmd|'"'"' /C calc'"'"'!A0' '@SUM(1)' '-x'; do
    case_begin "a dataset named $name is refused in one located line"
    printf 'run,combination,dataset,f1\nr1,A,A,0.5\nr2,"%s",A,0.4\n' "A+$name" >"$TMP/inj.csv"
    run_cs check "$TMP/inj.csv"
    expect_status 1; expect_one_line_err
    expect_err "inj\.csv:3:[0-9]+: dataset name \".*\" starts with '.' \(names may not start with =, @ or -"
done
case_begin "a study file listing a dataset named =cmd is refused at its place"
printf '{"comboscope": 1, "datasets": [{"name": "A"}, {"name": "=1*1"}]}\n' >"$TMP/inj.json"
run_cs check "$TMP/inj.json"
expect_status 1; expect_one_line_err; expect_err "inj\.json:1:[0-9]+: .*starts with '='"

case_begin "a task type named =cmd in a table's task column is refused at its cell"
printf 'run,combination,dataset,task,f1\nr1,A,A,=cmd,0.5\n' >"$TMP/task.csv"
run_cs check "$TMP/task.csv"
expect_status 1; expect_one_line_err; expect_err "task\.csv:2:8: task type \"=cmd\" starts with =, @ or -"

case_begin "a task type of 300 bytes in a table's task column is refused"
awk 'BEGIN { print "run,combination,dataset,task,f1"; t = ""; for (i = 0; i < 300; i++) t = t "T"; print "r1,A,A," t ",0.5" }' >"$TMP/task.csv"
run_cs check "$TMP/task.csv"
expect_status 1; expect_one_line_err; expect_err "task\.csv:2:8: task type longer than the limit of 255 bytes"

case_begin "a bare table whose task column renames a dataset's task lists no empty task type"
printf 'run,combination,dataset,task,f1\nr1,A,A,X,0.5\nr2,A+B,A,X,0.6\nr2,A+B,B,Y,0.6\n' >"$TMP/t3.csv"
run_cs check "$TMP/t3.csv"
expect_status 0; expect_out "^datasets +2 in 2 task types"
grep -q "^  all" "$TMP/out" && _case_fail "an empty task type 'all' is listed"

# A run's log holds what its program printed for a terminal: progress bars redrawn with carriage
# returns, colour codes, even NUL bytes. The runs list shows its tail as a terminal would have.
case_begin "runs list: a log with a progress bar, colours and a NUL byte is shown as a terminal would"
. "$ROOT/tests/cli/launch/lib.sh"
launch_study "$TMP/ls" local
T='"time":"2026-11-29T22:00:03Z","round":1,"target":"A"'
R='"runs":["r0002","r0003","r0004","r0005","r0006","r0007"]'
echo "{$T,\"event\":\"submitting\",\"submission\":\"s0001\",\"engine\":\"local\",\"name\":\"cs-x-s0001\",$R}" >>"$TMP/ls/journal.jsonl"
echo "{$T,\"event\":\"submitted\",\"submission\":\"s0001\",\"engine\":\"local\",\"job\":\"99999\",$R}" >>"$TMP/ls/journal.jsonl"
mkdir -p "$TMP/ls/runs/r0002/1"
echo "1796100226 99999 99999 host" >"$TMP/ls/runs/r0002/1/start"
printf 'training\n\033[1;31mred\033[0m epoch\n 10%%|#  |\r 50%%|## |\r100%%|###|\nnul\000after\r\n' >"$TMP/ls/runs/r0002/1/log"
printf 'key 4 R Enter\ndump runs\n' >"$TMP/runs.script"
env -i PATH="$PATH" COLUMNS=100 LINES=30 TERM=xterm-256color LC_ALL=C.UTF-8 COMBOSCOPE_SCRIPT="$TMP/runs.script" \
    "$CS" --read-only "$TMP/ls" >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 0
expect_out '^ \| red epoch$'; expect_out '^ \| 100%\|###\|$'; expect_out '^ \| nulafter$'
grep -q '10%|#' "$TMP/out" && _case_fail "the progress bar's earlier states are shown"

# What a study file names must be distinct files: a table listed twice counted every row twice
# (as replicates, silently), and a journal or queue naming a table or the study file would have
# been written over (the journal opened writable even cut the study file's last line as torn).
study_with() { # JSON-MEMBERS: a study in $TMP/st with a small table
    mkdir -p "$TMP/st"
    printf 'run,combination,dataset,f1\nr1,A,A,0.5\nr2,A+B,A,0.6\nr2,A+B,B,0.4\n' >"$TMP/st/runs.csv"
    printf '{"comboscope": 1, "datasets": [{"name": "A"}, {"name": "B"}], %s}\n' "$1" >"$TMP/st/study.json"
}
for c in 'tables: ["runs.csv", "./runs.csv"]|table "./runs.csv" is listed twice \(as "runs.csv" too\)' \
         'tables: ["runs.csv"], "queue": "runs.csv"|"queue" is the same file as table "runs.csv"' \
         'tables: ["runs.csv"], "journal": "runs.csv"|"journal" is the same file as table "runs.csv"' \
         'tables: ["runs.csv"], "journal": "study.json"|"journal" is the same file as the study file' \
         'tables: ["runs.csv"], "journal": "j.jsonl", "queue": "./j.jsonl"|"queue" is the same file as "journal"'; do
    json="\"${c%%|*}"; json="${json/tables:/tables\":}"; want="${c#*|}"
    case_begin "study file: $want"
    study_with "$json"
    cp "$TMP/st/study.json" "$TMP/study.before"
    run_cs check "$TMP/st"
    expect_status 1; expect_one_line_err; expect_err "study\.json:1:[0-9]+: $want"
    expect_file_eq "$TMP/study.before" "$TMP/st/study.json"
done

case_begin "study file: a key given twice is an error at its place, not a guess"
study_with '"tables": ["runs.csv"], "goal": "max", "goal": "min"'
run_cs check "$TMP/st"
expect_status 1; expect_one_line_err; expect_err "study\.json:1:[0-9]+: \"goal\" is given twice in the same object"

case_begin "study file: a key given twice inside a dataset"
study_with '"tables": ["runs.csv"], "search": {"batch": 2, "batch": 3}'
run_cs check "$TMP/st"
expect_status 1; expect_one_line_err; expect_err "\"batch\" is given twice"

case_begin "study file: \\u0000 in a string is an error (cJSON cut the name there: \"a\\u0000b\" was \"a\")"
study_with '"tables": ["runs.csv"], "name": "a\u0000b"'
run_cs check "$TMP/st"
expect_status 1; expect_one_line_err; expect_err "study\.json:1:[0-9]+: \\\\u0000 \(a NUL character\) in a string"

case_begin "study file: an object of 200,000 keys is checked at once"
awk 'BEGIN { printf "{\"comboscope\": 1, \"datasets\": [{\"name\": \"A\"}], \"x\": {"; for (i = 0; i < 200000; i++) printf "%s\"k%d\": 1", i ? "," : "", i; print "}}" }' >"$TMP/big.json"
start=$(date +%s)
run_cs check "$TMP/big.json"
expect_status 1   # no table, no metric: but the key check itself must be quick
[ $(( $(date +%s) - start )) -le 5 ] || _case_fail "took more than 5 s"

case_begin "import: a --names entry starting with = is refused before anything is written"
printf '1 0\n1 1\n' >"$TMP/m.txt"; printf '0.1 0\n0.2 0.3\n' >"$TMP/g.txt"
run_cs import mtgnet "$TMP/m.txt" "$TMP/g.txt" --names '=a,b' -o "$TMP/mt.csv"
expect_status 2; expect_one_line_err; expect_err "dataset name \"=a\" starts with '='"
[ -e "$TMP/mt.csv" ] && _case_fail "an output file was written"

case_begin "import wide: a membership column named =x is refused at its place, nothing written"
printf 'run,=x,B,=x:f1,B:f1\nr1,1,0,0.5,\n' >"$TMP/w.csv"
run_cs import wide "$TMP/w.csv" -o "$TMP/wo.csv"
expect_status 1; expect_one_line_err; expect_err "w\.csv:1:[0-9]+: dataset name \"=x\" starts with '='"
[ -e "$TMP/wo.csv" ] && _case_fail "an output file was written"
