# comboscope synth: determinism, shape, sampling, usage errors.

case_begin "synth --help"
run_cs synth --help
expect_status 0; expect_out "usage: comboscope synth"

case_begin "synth --version"
run_cs synth --version
expect_status 0; expect_out "^comboscope [0-9]"

case_begin "synth biomed12 is complete and checks"
run_cs synth --preset biomed12 --seed 3 -o "$TMP/b.csv"
expect_status 0; expect_no_out
run_cs check --json "$TMP/b.csv"
expect_status 0; expect_out '"datasets":12,"tasks":4'; expect_out '"combinations":4095'
expect_out '"observations":24576'

case_begin "synth: same seed gives identical bytes, another seed differs"
run_cs synth --preset biomed12 --seed 3 -o "$TMP/b2.csv"
expect_status 0; expect_file_eq "$TMP/b.csv" "$TMP/b2.csv"
run_cs synth --preset biomed12 --seed 4 -o "$TMP/b4.csv"
expect_true eval '! cmp -s "$TMP/b.csv" "$TMP/b4.csv"'

case_begin "synth -o - writes to stdout, same bytes as the file"
run_cs synth --preset biomed12 --seed 3 -o -
expect_status 0; expect_file_eq "$TMP/out" "$TMP/b.csv"

case_begin "synth: precision and recall agree with f1"
expect_true awk -F, 'NR > 1 { f = 2 * $5 * $6 / ($5 + $6); if (f - $7 > 0.00006 || $7 - f > 0.00006) exit 1 }' "$TMP/b.csv"

case_begin "synth --datasets 20 needs --runs"
run_cs synth --datasets 20 -o "$TMP/g.csv"
expect_status 2; expect_one_line_err; expect_err "runs"

case_begin "synth --datasets 20 --runs 500 samples distinct combinations with every single"
run_cs synth --datasets 20 --runs 500 --seed 7 -o "$TMP/g.csv"
expect_status 0
run_cs check --json "$TMP/g.csv"
expect_status 0; expect_out '"combinations":500'; expect_out '"datasets":20'
expect_true eval '[ "$(grep -c "^r[0-9]*,\([^,+]*\),\1," "$TMP/g.csv")" = 20 ]'

case_begin "synth --datasets 64 --runs 50"
run_cs synth --datasets 64 --runs 50 -o "$TMP/g64.csv"
expect_status 0
run_cs check --json "$TMP/g64.csv"
expect_status 0; expect_out '"combinations":50'

case_begin "synth: bad values are usage errors"
for args in "--datasets 0" "--datasets 65" "--preset nope" "--datasets 3 --runs 8" "--datasets x" "--seed -1"; do
    # shellcheck disable=SC2086
    run_cs synth $args -o "$TMP/x.csv"
    expect_status 2; expect_one_line_err
done
expect_true eval '[ ! -e "$TMP/x.csv" ]'

case_begin "synth needs -o and exactly one of --preset / --datasets"
run_cs synth --preset biomed12
expect_status 2; expect_one_line_err
run_cs synth --preset biomed12 --datasets 4 -o "$TMP/x.csv"
expect_status 2; expect_one_line_err

case_begin "synth into a missing directory fails cleanly"
run_cs synth --datasets 3 -o "$TMP/no/such/dir/x.csv"
expect_status 1; expect_one_line_err; expect_err "x.csv: cannot write"

case_begin "synth --structure: other shapes for benchmarks, deterministic; bad names are usage errors"
run_cs synth --datasets 5 --structure synergy --seed 2 -o "$TMP/syn_a.csv"
expect_status 0
run_cs synth --datasets 5 --structure synergy --seed 2 -o "$TMP/syn_b.csv"
expect_file_eq "$TMP/syn_a.csv" "$TMP/syn_b.csv"
run_cs synth --datasets 5 --structure default --seed 2 -o "$TMP/def_a.csv"
run_cs synth --datasets 5 --seed 2 -o "$TMP/def_b.csv"
expect_file_eq "$TMP/def_a.csv" "$TMP/def_b.csv"
expect_true [ "$(wc -l <"$TMP/syn_a.csv")" = "$(wc -l <"$TMP/def_a.csv")" ]
expect_true sh -c '! cmp -s "$1" "$2"' sh "$TMP/syn_a.csv" "$TMP/def_a.csv"
run_cs synth --datasets 5 --structure wobbly -o "$TMP/x.csv"
expect_status 2; expect_one_line_err; expect_err "--structure must be default, synergy, additive, noise, harmful or sparse"
run_cs synth --preset biomed12 --structure noise -o "$TMP/x.csv"
expect_status 2; expect_one_line_err
