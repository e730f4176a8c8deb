# comboscope suggest: batches, JSON, study defaults, determinism, errors.

"$CS" synth --datasets 6 --runs 20 --seed 3 -o "$TMP/part.csv" >/dev/null 2>&1
"$CS" synth --datasets 3 --seed 1 -o "$TMP/full3.csv" >/dev/null 2>&1

case_begin "suggest --help"
run_cs suggest --help
expect_status 0; expect_out "usage: comboscope suggest"

case_begin "suggest without PATH is a usage error"
run_cs suggest
expect_status 2; expect_one_line_err

case_begin "suggest prints a batch of 4 with the predictor's accuracy"
run_cs suggest "$TMP/part.csv"
expect_status 0
expect_out "^target +T1_d01 "
expect_out "^predictor +auto +\(5-fold cross-validation on [0-9]+ runs: spearman -?[0-9.]+, mae [0-9.]+\)"
expect_out "^chosen +auto: (gp|mlp), "
expect_out "^acquisition +ucb(, then gp)? +\([0-9]+ candidates scored: all of them"
expect_true [ "$(grep -cE '^ +[1-4] +[0-9.]+ +[0-9.]+ +-?[0-9.]+ +T1_d01' "$TMP/out")" = 4 ]

case_begin "suggest --json has the documented shape"
run_cs suggest "$TMP/part.csv" --json -k 3 --target T2_d05 --predictor pairwise --acquisition ei
expect_status 0
expect_out '^\{"target":"T2_d05","predictor":"pairwise","acquisition":"ei","cv":\{"spearman":[-0-9.e]+,"mae":[0-9.e-]+\},"later_picks_by_gp":false,"suggestions":\[\{"combination":"[^"]+","predicted":[0-9.e-]+,"sd":[0-9.e-]+,"acquisition":[-0-9.e]+\}'
expect_true [ "$(grep -o '"combination"' "$TMP/out" | wc -l)" = 3 ]

case_begin "suggestions contain the target, are distinct and never measured"
run_cs suggest "$TMP/part.csv" --json -k 8 --target T1_d02 --acquisition thompson
expect_status 0
grep -o '"combination":"[^"]*"' "$TMP/out" | sed 's/.*:"//; s/"$//' >"$TMP/combos"
expect_true [ "$(sort -u "$TMP/combos" | wc -l)" = 8 ]
while read -r c; do
    expect_true grep -q 'T1_d02' <<<"$c"
    expect_true [ "$(grep -c ",$c,T1_d02," "$TMP/part.csv")" = 0 ]
done <"$TMP/combos"

case_begin "suggest is deterministic for a seed and changes with it"
run_cs suggest "$TMP/part.csv" --json --seed 5 --acquisition thompson
cp "$TMP/out" "$TMP/a"
run_cs suggest "$TMP/part.csv" --json --seed 5 --acquisition thompson
expect_file_eq "$TMP/a" "$TMP/out"
changed=0
for s in 6 7 8 9; do
    run_cs suggest "$TMP/part.csv" --json --seed $s --acquisition thompson
    cmp -s "$TMP/a" "$TMP/out" || changed=1
done
expect_true [ "$changed" = 1 ]

case_begin "suggest takes its defaults from the study's search settings"
cat >"$TMP/study.json" <<'JSON'
{ "comboscope": 1, "name": "part", "metric": "f1", "goal": "max", "tables": ["part.csv"],
  "targets": ["T2_d06"], "search": { "predictor": "additive", "acquisition": "mean", "batch": 2, "seed": 3 } }
JSON
run_cs suggest "$TMP/study.json" --json
expect_status 0
expect_out '^\{"target":"T2_d06","predictor":"additive","acquisition":"mean"'
expect_true [ "$(grep -o '"combination"' "$TMP/out" | wc -l)" = 2 ]

case_begin "suggest with every predictor and acquisition"
for p in ensemble mlp additive pairwise random multi; do
    for a in mean ucb ei thompson; do
        run_cs suggest "$TMP/part.csv" --json -k 2 --predictor $p --acquisition $a --no-cv
        expect_status 0; expect_out "\"predictor\":\"$p\",\"acquisition\":\"$a\",\"cv\":\{\"spearman\":null"
    done
done

case_begin "suggest with a min goal"
run_cs suggest "$TMP/part.csv" --goal min -k 1 --predictor additive --acquisition mean
expect_status 0; expect_out "^target +T1_d01 +\(f1, min;"

case_begin "unknown predictor"
run_cs suggest "$TMP/part.csv" --predictor svm
expect_status 2; expect_one_line_err; expect_err "unknown predictor 'svm' \(known: ensemble, mlp, additive, pairwise, random, multi, gp, auto\)"

case_begin "unknown acquisition"
run_cs suggest "$TMP/part.csv" --acquisition pi
expect_status 2; expect_one_line_err; expect_err "unknown acquisition 'pi'"

case_begin "target not in the study"
run_cs suggest "$TMP/part.csv" --target NOPE
expect_status 1; expect_one_line_err; expect_err "target 'NOPE' is not a dataset of the study"

case_begin "a dataset that is not a target of the study"
run_cs suggest "$TMP/study.json" --target T1_d01
expect_status 1; expect_one_line_err; expect_err "not one of the study's targets"

case_begin "-k larger than the candidates left"
run_cs suggest "$TMP/full3.csv" -k 1
expect_status 1; expect_one_line_err; expect_err "-k 1 is more than the 0 unmeasured combinations left for T1_d01"

case_begin "bad -k is a usage error"
run_cs suggest "$TMP/part.csv" -k 0
expect_status 2; expect_one_line_err

case_begin "more than 20 datasets: local search, and said so"
"$CS" synth --datasets 33 --runs 60 --seed 2 -o "$TMP/d33.csv" >/dev/null 2>&1
run_cs suggest "$TMP/d33.csv" -k 2 --no-cv
expect_status 0; expect_out "candidates scored by local search around the best measured"

case_begin "pairwise above 32 datasets is a one-line error"
run_cs suggest "$TMP/d33.csv" --predictor pairwise
expect_status 1; expect_one_line_err; expect_err "d33.csv: the pairwise predictor supports up to 32 datasets \(this study has 33\)"

case_begin "no runs of the target yet: the paper's initial design, unscored"
printf 'combination,dataset,f1\nA_1,A_1,0.5\nA_1+A_2,A_1,0.6\nA_1+B_1,A_1,0.55\nB_2,B_2,0.4\nA_3,A_3,0.3\nB_3,B_3,0.2\n' >"$TMP/fresh.csv"
run_cs suggest "$TMP/fresh.csv" --target B_1 -k 3
expect_status 0
expect_out "^acquisition +none yet +\(no runs of the target: the first 3 of the 6 runs of the initial design, the paper's\)"
expect_out "^ +1 +- +- +- +B_1$"
run_cs suggest "$TMP/fresh.csv" --target B_1 -k 2 --json
expect_status 0
expect_out '"suggestions":\[\{"combination":"B_1","predicted":null,"sd":null,"acquisition":null\},\{"combination":"B_1\+B_2","predicted":null'

case_begin "no runs yet on a tiny lattice (4 datasets, 8 combinations): the target alone"
printf 'combination,dataset,f1\nA_1,A_1,0.5\nA_1+A_2,A_1,0.6\nA_1+B_1,A_1,0.55\nB_2,B_2,0.4\n' >"$TMP/tiny.csv"
run_cs suggest "$TMP/tiny.csv" --target B_1 -k 3
expect_status 0
expect_out "^acquisition +none yet +\(no runs of the target: the first 1 of the 1 runs of the initial design, the target alone on this small lattice\)"
expect_out "^ +1 +- +- +- +B_1$"
expect_true [ "$(grep -cE '^ +[0-9]+ +- ' "$TMP/out")" = 1 ]

case_begin "suggest --predictor auto names its choice and why; without skill it says so"
"$CS" synth --datasets 7 --runs 60 --seed 2 -o "$TMP/auto.csv" >/dev/null 2>&1
run_cs suggest "$TMP/auto.csv" --target T1_d01 --predictor auto -k 3
expect_status 0
expect_out "^chosen +auto: (additive|pairwise|gp|mlp), cv rho -?[0-9.]+ vs (additive|pairwise|gp|mlp) -?[0-9.]+$"
"$CS" synth --datasets 7 --structure noise --runs 14 --seed 4 -o "$TMP/noise.csv" >/dev/null 2>&1
run_cs suggest "$TMP/noise.csv" --target T1_d01 --predictor auto -k 3
expect_status 0
expect_out "^skill +the predictor cannot rank these runs yet \(cv rho not clearly above 0\): read its predictions as guesses$"
run_cs suggest "$TMP/noise.csv" --target T1_d01 --predictor auto -k 3 --json
expect_status 0; expect_out '"auto":\{"chosen":"[a-z]+","cv_spearman":[-0-9.e]+,.*"skill":false\},"later_picks_by_gp":(true|false)'
run_cs suggest "$TMP/noise.csv" --target T1_d01 --predictor additive -k 3
expect_status 0; expect_out "^skill +the predictor cannot rank these runs yet \(cv rho not clearly above 0\): read its predictions as guesses$"

case_begin "suggest: when auto chose mlp, the batch after the first pick comes from gp's posterior"
run_cs suggest "$TMP/noise.csv" --target T1_d01 --predictor auto -k 4
expect_status 0
expect_out "^chosen +auto: mlp, "
expect_out "^acquisition +ucb, then gp +\([0-9]+ candidates scored: all of them; the first pick by mlp, the later ones by ucb on gp's posterior conditioned on the earlier picks\)$"
expect_true [ "$(grep -cE '^ +1 +[0-9.]+ +0\.0000 ' "$TMP/out")" = 1 ]
expect_true [ "$(grep -cE '^ +[2-4] +[0-9.]+ +0\.0[0-9]*[1-9][0-9]* ' "$TMP/out")" = 3 ]
run_cs suggest "$TMP/noise.csv" --target T1_d01 --predictor auto -k 1
expect_status 0; expect_out "^acquisition +ucb +\("

case_begin "suggest --predictor gp"
run_cs suggest "$TMP/auto.csv" --target T1_d01 --predictor gp -k 4 --json
expect_status 0; expect_out '"predictor":"gp"'
expect_true [ "$(grep -o '"combination"' "$TMP/out" | wc -l)" = 4 ]
