# comboscope replay: against a small complete synth table, JSON, errors.

"$CS" synth --datasets 6 --seed 3 -o "$TMP/full.csv" >/dev/null 2>&1
"$CS" synth --datasets 6 --runs 20 --seed 3 -o "$TMP/part.csv" >/dev/null 2>&1

case_begin "replay --help"
run_cs replay --help
expect_status 0; expect_out "usage: comboscope replay"

case_begin "replay without TABLE is a usage error"
run_cs replay
expect_status 2; expect_one_line_err

case_begin "replay --all prints every target and the speedups"
run_cs replay "$TMP/full.csv" --all --seeds 3
expect_status 0
expect_out "predictor ensemble, acquisition ucb, batch 1, init auto, 3 seeds"
expect_true [ "$(grep -cE '^T[12]_d0[1-6] +32 +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+/3 ' "$TMP/out")" = 6 ]
expect_out "^target +lattice +median +p90 +random +found +median +p90 +random +found$"
expect_out "^speedup over random search \(geometric mean over targets of random / our median\):$"
expect_out "^  vs its mean: +best [0-9.]+x, top 1% [0-9.]+x$"
expect_out "^  vs its median: +best [0-9.]+x, top 1% [0-9.]+x$"
# the text fits 80 columns (issue 9)
expect_true [ "$(tail -n +2 "$TMP/out" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')" -le 80 ]
# no progress when stderr is not a terminal
expect_true [ ! -s "$TMP/err" ]

case_begin "replay --json has the documented shape"
run_cs replay "$TMP/full.csv" --target T2_d05 --seeds 4 --predictor additive --acquisition thompson --batch 2 --init singles --json
expect_status 0
expect_out '^\{"table":"[^"]*full.csv","predictor":"additive","acquisition":"thompson","batch":2,"init":"singles","seeds":4,"pool":false,"targets":\[\{"target":"T2_d05","lattice":32,"runs_to_best":\{"median":[0-9.]+,"p90":[0-9.]+\},"runs_to_top1pct":\{"median":[0-9.]+,"p90":[0-9.]+\},"random_runs_to_best":[0-9.]+,"random_runs_to_top1pct":[0-9.]+,"random_median_runs_to_best":[0-9.]+,"random_median_runs_to_top1pct":[0-9.]+\}\],"summary":\{"speedup_best":[0-9.e]+,"speedup_top1pct":[0-9.e]+,"speedup_best_vs_random_median":[0-9.e]+,"speedup_top1pct_vs_random_median":[0-9.e]+\}\}$'

case_begin "replay is deterministic"
run_cs replay "$TMP/full.csv" --all --seeds 2 --json --acquisition thompson
cp "$TMP/out" "$TMP/a"
run_cs replay "$TMP/full.csv" --all --seeds 2 --json --acquisition thompson
expect_file_eq "$TMP/a" "$TMP/out"

case_begin "random search's expectation is exact: (N+1)/(m+1)"
run_cs replay "$TMP/full.csv" --target T1_d01 --seeds 1 --predictor random --json
expect_status 0; expect_out '"random_runs_to_best":(16.5|11|8.25|6.6),'

case_begin "a budget too small leaves the best unfound: null, not a made-up number"
run_cs replay "$TMP/full.csv" --target T1_d03 --seeds 3 --init random:1 --budget 1 --predictor random --json
expect_status 0
expect_out '"runs_to_best":\{"median":null,"p90":null\}|"runs_to_best":\{"median":1,'

case_begin "replay --patience (the paper's stop rule) and random:N"
run_cs replay "$TMP/full.csv" --all --seeds 2 --patience 1 --init random:3
expect_status 0; expect_out "init random:3, 2 seeds"

case_begin "incomplete table names the missing combinations"
run_cs replay "$TMP/part.csv" --all
expect_status 1; expect_one_line_err
expect_err "part.csv: not complete enough for replay: [0-9]+ of 32 combinations containing T1_d01 have no f1 score \(missing: T1_d01\+"

case_begin "replay --pool on an incomplete table: the candidates are its measured combinations"
run_cs replay "$TMP/part.csv" --all --pool --seeds 2 --predictor additive
expect_status 0
expect_out "2 seeds, pool: the measured combinations"
run_cs replay "$TMP/part.csv" --target T1_d01 --pool --seeds 1 --predictor random --init random:1 --json
expect_status 0; expect_out '"pool":true'
# part.csv has 20 runs: the pool of T1_d01 is the runs that contain it, far below the 32 of its lattice.
expect_true [ "$(sed -E 's/.*"lattice":([0-9]+).*/\1/' "$TMP/out")" -lt 32 ]

case_begin "replay --joint: one search for every target against per-target searches in turn"
run_cs replay "$TMP/full.csv" --all --joint --seeds 2 --predictor additive
expect_status 0
expect_out "^replay --joint .*: predictor additive, acquisition ucb, batch 1, init auto, 2 seeds, 6 targets$"
expect_out "^  one search serving every target +[0-9.]+ +[0-9.]+   found 2/2$"
expect_out "^  per-target searches in turn +[0-9.]+ +[0-9.]+   found 2/2$"
run_cs replay "$TMP/full.csv" --all --joint --seeds 2 --predictor additive --json
expect_status 0
expect_out '"joint":\{"median":[0-9.]+,"p90":[0-9.]+,"found":2\},"one_after_another":\{"median":[0-9.]+,"p90":[0-9.]+,"found":2\}'
run_cs replay "$TMP/full.csv" --all --joint --pool
expect_status 2; expect_one_line_err

case_begin "unknown predictor is a usage error (2, as every bad option value)"
run_cs replay "$TMP/full.csv" --predictor nn
expect_status 2; expect_one_line_err; expect_err "unknown predictor 'nn'"

case_begin "unknown acquisition"
run_cs replay "$TMP/full.csv" --acquisition best
expect_status 2; expect_one_line_err; expect_err "unknown acquisition 'best'"

case_begin "target not in the table"
run_cs replay "$TMP/full.csv" --target NOPE
expect_status 1; expect_one_line_err; expect_err "target 'NOPE' is not a dataset of the table"

case_begin "replay on a 16-lattice: auto starts from the target alone, paper spends 6 runs first"
# Standley et al.'s real table: for normals (n) training alone is the best of its 16.
"$CS" import standley tests/fixtures/standley/results.txt -o "$TMP/st.csv" >/dev/null 2>&1
run_cs replay "$TMP/st.csv" --target n --seeds 2 --json
expect_status 0; expect_out '"init":"auto"'; expect_out '"runs_to_best":\{"median":1,"p90":1\}'
run_cs replay "$TMP/st.csv" --target n --seeds 2 --init paper --json
expect_status 0; expect_out '"runs_to_best":\{"median":6,"p90":6\}'
run_cs replay "$TMP/st.csv" --target n --seeds 2 --init alone --predictor random --budget 1 --json
expect_status 0; expect_out '"init":"alone"'; expect_out '"runs_to_best":\{"median":1,"p90":1\}'
run_cs replay "$TMP/full.csv" --target T1_d01 --seeds 1 --json
expect_status 0; expect_out '"init":"auto"'
cp "$TMP/out" "$TMP/a"
run_cs replay "$TMP/full.csv" --target T1_d01 --seeds 1 --init paper --json
expect_status 0
expect_true [ "$(sed 's/"init":"[a-z]*"//' "$TMP/a")" = "$(sed 's/"init":"[a-z]*"//' "$TMP/out")" ]

case_begin "bad --init and --target with --all are usage errors"
run_cs replay "$TMP/full.csv" --init grid
expect_status 2; expect_one_line_err
run_cs replay "$TMP/full.csv" --all --target T1_d01
expect_status 2; expect_one_line_err

case_begin "replay with a min goal searches for the lowest scores"
run_cs replay "$TMP/full.csv" --target T1_d02 --seeds 2 --goal min --predictor additive --json
expect_status 0; expect_out '"runs_to_best":\{"median":[0-9.]+,'

case_begin "replay shows its progress on stderr when stderr is a terminal (script(1) gives it one)"
if command -v script >/dev/null 2>&1; then
    script -q -c "'$CS' replay '$TMP/full.csv' --target T1_d01 --seeds 3 --predictor additive >'$TMP/table' 2>/dev/tty" /dev/null >"$TMP/tty" </dev/null
    expect_true grep -q "replay: 1 of 3 searches done (1 target x 3 seeds), [0-9]* s elapsed, about [0-9]* s left" "$TMP/tty"
    expect_true grep -q "replay: 3 of 3 searches done" "$TMP/tty"
    # the table itself (stdout, a file here) has no progress in it
    expect_true sh -c "! grep -q 'searches done' '$TMP/table'"
    expect_true grep -q "^T1_d01 " "$TMP/table"
else
    _case_fail "script(1) is not installed (bsdutils)"
fi
