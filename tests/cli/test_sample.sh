# The bundled sample study: it checks, and runs.csv regenerates byte for byte.

case_begin "sample study checks: 12 datasets, 4 task types, 4095 combinations"
run_cs check sample-results/biomed12/study.json
expect_status 0
expect_out "^datasets +12 in 4 task types"
expect_out "^combinations +4095 measured"
expect_out "^targets +12"

case_begin "sample study --json"
run_cs check --json sample-results/biomed12/study.json
expect_status 0
expect_out '"datasets":12,"tasks":4'
expect_out '"combinations":4095,"observations":24576'
expect_out '"metric":"f1","goal":"max"'

case_begin "sample runs.csv regenerates byte for byte"
run_cs synth --preset biomed12 --seed 1 -o "$TMP/runs.csv"
expect_status 0
expect_file_eq "$TMP/runs.csv" sample-results/biomed12/runs.csv
