# The real sample study (sample-results/fashion8): the data the package installed is the data
# it was measured on, the study checks clean, and the training program regenerates rows of the
# complete table exactly.
TRAIN="$ROOT/build/fashion-train"
F8="$ROOT/sample-results/fashion8"

case_begin "fashion8: the installed Fashion-MNIST files have the recorded checksums"
expect_true sha256sum --quiet -c "$F8/data.sha256"

case_begin "fashion8 study checks: 8 datasets, 2 task types, 255 combinations, accuracy"
run_cs check "$F8/study.json"
expect_status 0
expect_out "^datasets +8 in 2 task types"
expect_out "^combinations +255 measured of 255"
expect_out "^observations +1024 \(1120 rows\)"
expect_out "^metric +accuracy \(goal: max\)"

# Regenerates run RUN of runs.csv (its combination and seed) and compares its rows.
f8_regenerate() {
    local run="$1" combo seed
    combo=$(awk -F, -v r="$run" '$1 == r { print $2; exit }' "$F8/runs.csv")
    seed=$(awk -F, -v r="$run" '$1 == r { print $4; exit }' "$F8/runs.csv")
    [ -n "$combo" ] || { _case_fail "no run $run in runs.csv"; return; }
    if ! "$TRAIN" --datasets "${combo//+/,}" --seed "$seed" --result "$TMP/$run.csv" 2>"$TMP/err"; then
        _case_fail "fashion-train failed on $combo"
        return
    fi
    awk -F, -v r="$run" '$1 == r { sub(/^[^,]*,/, ""); print }' "$F8/runs.csv" >"$TMP/$run.want"
    tail -n +2 "$TMP/$run.csv" >"$TMP/$run.got"
    expect_file_eq "$TMP/$run.got" "$TMP/$run.want"
    head -1 "$TMP/$run.csv" | grep -qx 'combination,dataset,seed,accuracy,logloss' ||
        _case_fail "result header: $(head -1 "$TMP/$run.csv")"
}

case_begin "fashion8: a single dataset's row regenerates exactly (r0001, upright)"
f8_regenerate r0001
case_begin "fashion8: a pair regenerates exactly (r0072, rot270+transposed)"
f8_regenerate r0072
case_begin "fashion8: all eight together regenerate exactly (r0255)"
f8_regenerate r0255
case_begin "fashion8: a replicate at another seed regenerates exactly (r0300)"
f8_regenerate r0300

case_begin "fashion-train: an unknown dataset is a one-line usage error, exit 2"
"$TRAIN" --datasets upright,sideways --result "$TMP/x.csv" >"$TMP/out" 2>"$TMP/err"
STATUS=$?
expect_status 2
expect_err "unknown dataset.*: sideways"
[ ! -e "$TMP/x.csv" ] || _case_fail "a result file was written"

case_begin "fashion-train: a missing data directory is an error naming the package, exit 1"
"$TRAIN" --datasets upright --data "$TMP/nowhere" --result "$TMP/x.csv" >"$TMP/out" 2>"$TMP/err"
STATUS=$?
expect_status 1
expect_one_line_err
expect_err "nowhere/train-images-idx3-ubyte.gz.*dataset-fashion-mnist"

case_begin "fashion-train: a truncated image file is a located error, exit 1"
mkdir -p "$TMP/short"
cp /usr/share/datasets/fashion-mnist/*labels* "$TMP/short/"
head -c 3000 /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz >"$TMP/short/train-images-idx3-ubyte.gz"
"$TRAIN" --datasets upright --data "$TMP/short" --result "$TMP/x.csv" >"$TMP/out" 2>"$TMP/err"
STATUS=$?
expect_status 1
expect_one_line_err
expect_err "train-images-idx3-ubyte.gz: byte [0-9]+: "

# The in-progress study `make run` opens: it checks clean, and a round committed in the
# explorer trains real models through the local engine, whose results are the complete table's.
S8="$ROOT/sample-results/fashion8-study"

case_begin "fashion8-study checks: 2 targets, 23 combinations measured, a local launch object"
run_cs check "$S8/study.json"
expect_status 0
expect_out "^combinations +23 measured of 255"
expect_out "^ +transposed +0\.6216 +0\.6848"
grep -q '"engine": "local"' "$S8/study.json" || _case_fail "no local launch object"

case_begin "fashion8-study: every row is the complete table's seed-1 row, its seed said"
awk -F, 'NR == FNR { if ($4 == 1) { a[$2 "," $3] = $5 + 0; l[$2 "," $3] = $6 + 0 }; next }
         FNR > 1 { k = $2 "," $3; if ($4 != 1 || !(k in a) || a[k] != $5 + 0 || l[k] != $6 + 0) print FNR ": " $0 }' \
    "$ROOT/sample-results/fashion8/runs.csv" "$S8/runs.csv" >"$TMP/bad8"
[ ! -s "$TMP/bad8" ] || _case_fail "rows unlike the complete table's seed-1 rows: $(head -3 "$TMP/bad8")"
[ "$(awk 'END { print NR - 1 }' "$S8/runs.csv")" = 66 ] || _case_fail "not 66 rows"

case_begin "fashion8-study: its journal holds four committed rounds and nothing waits"
mkdir -p "$TMP/st8"
cp "$S8/study.json" "$S8/runs.csv" "$S8/journal.jsonl" "$S8/queue.csv" "$TMP/st8/"
run_cs status "$TMP/st8/study.json"
expect_status 0
[ "$(awk 'NR > 1 && $5 == "done"' "$TMP/out" | wc -l)" = 12 ] || _case_fail "not 12 runs done"
[ "$(grep -c '"event":"committed"' "$S8/journal.jsonl")" = 4 ] || _case_fail "not 4 committed rounds"

case_begin "fashion8-study: a committed round trains real models and their scores come back"
mkdir -p "$TMP/s8"
cp "$S8/study.json" "$S8/runs.csv" "$S8/journal.jsonl" "$S8/queue.csv" "$TMP/s8/"
sed -i "s#\"\\.\\./\\.\\./build/fashion-train #\"$TRAIN #" "$TMP/s8/study.json"
printf 'key 4\nkey a a a a\nkey Enter y\n' >"$TMP/commit.keys"
COMBOSCOPE_SCRIPT="$TMP/commit.keys" LC_ALL=C.UTF-8 TERM=xterm-256color "$CS" "$TMP/s8/study.json" >/dev/null 2>"$TMP/err" ||
    _case_fail "the explorer failed"
grep -q '"event":"submitted".*"job":"[0-9]' "$TMP/s8/journal.jsonl" || _case_fail "round 5 was not submitted"
for _ in $(seq 1 120); do
    "$CS" status "$TMP/s8/study.json" >"$TMP/out" 2>"$TMP/err"
    [ "$(awk 'NR > 1 && $2 == 5 && $5 == "done"' "$TMP/out" | wc -l)" = 4 ] && break
    awk 'NR > 1 && $2 == 5' "$TMP/out" | grep -Eq 'failed|lost|cancelled' && break
    sleep 0.5
done
[ "$(awk 'NR > 1 && $2 == 5 && $5 == "done"' "$TMP/out" | wc -l)" = 4 ] || _case_fail "round 5 did not come back: $(cat "$TMP/out")"
# every row of the study's table (the initial design, the oracle's answers, and the four
# results just launched) equals the complete table's seed-1 row of that combination and dataset
awk -F, 'NR == FNR { if ($4 == 1) v[$2 "," $3] = $5 + 0; next }
         FNR > 1 { n++; if (!(($2 "," $3) in v) || v[$2 "," $3] != $5 + 0) bad++ }
         END { exit !(n > 66 && bad == 0) }' "$F8/runs.csv" "$TMP/s8/runs.csv" ||
    _case_fail "the study's table differs from the complete table (or has no new rows)"
# the training program writes its seed: the launched rows keep it (not an empty seed cell)
tail -n +"$(($(wc -l <"$S8/runs.csv") + 1))" "$TMP/s8/runs.csv" >"$TMP/s8.new"
[ -s "$TMP/s8.new" ] && [ "$(awk -F, '$4 != 1' "$TMP/s8.new" | wc -l)" = 0 ] ||
    _case_fail "launched rows without their seed: $(awk -F, '$4 != 1' "$TMP/s8.new" | head -2)"

# The same in the explorer on a terminal (tmux, private socket), as `make run` gives it: a
# round committed with Enter, y trains real models and their scores come back on screen with
# no key pressed.
if ! command -v tmux >/dev/null 2>&1; then
    case_begin "fashion8-study in the explorer"
    _case_fail "tmux is not installed (scripts/ensure-deps installs it)"
else
F8SOCK="cs-fashion8-$$"
mkdir -p "$TMP/t8"
cp "$S8/study.json" "$S8/runs.csv" "$S8/journal.jsonl" "$S8/queue.csv" "$TMP/t8/"
sed -i "s#\"\\.\\./\\.\\./build/fashion-train #\"$TRAIN #" "$TMP/t8/study.json"
f8tm() { tmux -L "$F8SOCK" -f /dev/null "$@"; }
f8wait() { # REGEX SECONDS
    local i
    for i in $(seq $(( $2 * 10 ))); do
        f8tm capture-pane -p -t f8 | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    f8tm capture-pane -p -t f8 >"$TMP/out"
    _case_fail "the screen never showed /$1/: $(tail -4 "$TMP/out" | tr -s " ")"
    return 1
}
f8tm new-session -d -s f8 -x 80 -y 24 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
f8tm send-keys -t f8 "'$CS' '$TMP/t8/study.json'; echo EXIT=\$?" Enter

case_begin "fashion8-study explorer: round 5 commits and is submitted to the local engine"
f8wait "1 Study" 10
f8tm send-keys -t f8 4; f8wait "Round 5 +target transposed" 10
f8tm send-keys -t f8 a a a a; f8wait "saved: #4 accepted" 5
f8tm send-keys -t f8 Enter; f8wait '\(y/N\)' 5
f8tm send-keys -t f8 y
f8wait "round 5 committed: submitted round 5: local job [0-9]+, 4 runs" 10

case_begin "fashion8-study explorer: the real results come back on screen, no key pressed"
f8wait "round 5 complete" 60
[ "$(grep -c '"event":"result"' "$TMP/t8/journal.jsonl")" = 16 ] || _case_fail "not 4 new results journaled"
f8tm send-keys -t f8 q; f8wait "EXIT=0" 5
f8tm kill-server 2>/dev/null
fi

case_begin "make install: the installed fashion8-study's command names the installed training program"
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$ROOT" install DESTDIR="$TMP/inst" >"$TMP/out" 2>"$TMP/err" ||
    _case_fail "make install failed"
I8="$TMP/inst/usr/local/share/comboscope"
grep -q "\"/usr/local/share/comboscope/fashion-train --datasets {datasets_csv} --seed 1 --result {result}\"" \
    "$I8/sample-results/fashion8-study/study.json" || _case_fail "the installed command: $(grep command "$I8/sample-results/fashion8-study/study.json")"
run_cs check "$I8/sample-results/fashion8-study/study.json"
expect_status 0
"$I8/fashion-train" --datasets upright --result "$TMP/inst.csv" 2>"$TMP/err" || _case_fail "the installed program failed"
tail -n +2 "$TMP/inst.csv" | cut -d, -f1-5 | grep -qx 'upright,upright,1,0.7696,0.7515' || _case_fail "installed result: $(cat "$TMP/inst.csv")"

case_begin "make run: copies fashion8-study once, names the program by its absolute path, opens it"
printf 'key 4\ndump round\n' >"$TMP/run.keys"
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS COMBOSCOPE_SCRIPT="$TMP/run.keys" LC_ALL=C.UTF-8 TERM=xterm-256color \
    make -s -C "$ROOT" run RUN_STUDY="$TMP/run/fashion8-study" >"$TMP/out" 2>"$TMP/err" || _case_fail "make run failed"
expect_out "Round 5 +target transposed"
grep -q "\"$ROOT/build/fashion-train --datasets {datasets_csv} --seed 1 --result {result}\"" \
    "$TMP/run/fashion8-study/study.json" || _case_fail "the copy's command: $(grep command "$TMP/run/fashion8-study/study.json")"
cmp -s "$TMP/run/fashion8-study/journal.jsonl" "$S8/journal.jsonl" || _case_fail "the copy's journal differs"
