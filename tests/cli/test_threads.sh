# Threads (COMBOSCOPE_THREADS): suggest and replay write the same bytes on 1 thread and on several.

"$CS" synth --datasets 16 --runs 300 --seed 2 -o "$TMP/d16.csv" >/dev/null 2>&1
"$CS" synth --datasets 7 --seed 3 -o "$TMP/full7.csv" >/dev/null 2>&1

for p in ensemble mlp multi additive pairwise gp auto; do
    case_begin "suggest --predictor $p: the same bytes on 1, 2 and 5 threads"
    COMBOSCOPE_THREADS=1 run_cs suggest "$TMP/d16.csv" --json -k 5 --predictor $p --seed 3
    expect_status 0
    expect_out '"suggestions":\[\{"combination"'
    cp "$TMP/out" "$TMP/one"
    for t in 2 5; do
        COMBOSCOPE_THREADS=$t run_cs suggest "$TMP/d16.csv" --json -k 5 --predictor $p --seed 3
        expect_status 0
        expect_file_eq "$TMP/one" "$TMP/out"
    done
done

case_begin "replay: the same bytes on 1 and 3 threads"
COMBOSCOPE_THREADS=1 run_cs replay "$TMP/full7.csv" --target T1_d01 --seeds 2 --batch 2
expect_status 0
cp "$TMP/out" "$TMP/one"
COMBOSCOPE_THREADS=3 run_cs replay "$TMP/full7.csv" --target T1_d01 --seeds 2 --batch 2
expect_status 0
expect_file_eq "$TMP/one" "$TMP/out"

case_begin "COMBOSCOPE_THREADS that is not a number from 1 is ignored"
run_cs suggest "$TMP/d16.csv" --json -k 5 --seed 3
cp "$TMP/out" "$TMP/default"
for v in 0 -3 abc ""; do
    COMBOSCOPE_THREADS="$v" run_cs suggest "$TMP/d16.csv" --json -k 5 --seed 3
    expect_status 0
    expect_file_eq "$TMP/default" "$TMP/out"
done
