# Command-line conventions of issues 9 and 11: options anywhere among the operands, "--",
# --opt=value and --opt value, a study directory for a study, `help [COMMAND]`, did-you-mean,
# one exit status for usage errors (2), every exit status in the man page.

STUDY="$ROOT/sample-results/biomed12"
SMALL="$ROOT/tests/golden/data/small.csv"

case_begin "check FILE --json: an option after the operand"
run_cs check "$SMALL" --json
expect_status 0; expect_out '^\{"study":'

case_begin "check --json FILE and check FILE --json print the same"
run_cs check --json "$SMALL"
cp "$TMP/out" "$TMP/before"
run_cs check "$SMALL" --json
expect_status 0; expect_file_eq "$TMP/before" "$TMP/out"

case_begin "--opt=value and --opt value are the same"
run_cs suggest "$SMALL" --no-cv --seed=3 -k 2 --json
cp "$TMP/out" "$TMP/a"
run_cs suggest --json --seed 3 "$SMALL" -k2 --no-cv
expect_status 0; expect_file_eq "$TMP/a" "$TMP/out"

case_begin "a unique prefix of a long option works (--pred)"
run_cs suggest "$SMALL" --no-cv --pred additive --json -k 1
expect_status 0; expect_out '"predictor":"additive"'

case_begin "an ambiguous prefix is a usage error naming the candidates"
run_cs replay "$SMALL" --see 3
expect_status 2; expect_one_line_err; expect_err "option '--see' is ambiguous \(--seeds, --seed\)"

case_begin "-- ends the options: a file named --json"
cp "$SMALL" "$TMP/--json"
(cd "$TMP" && "$CS" check -- --json >"$TMP/out" 2>"$TMP/err")
STATUS=$?
expect_status 0; expect_out "^study +--json"

case_begin "without --, a file named like an option is an option"
(cd "$TMP" && "$CS" check --json >"$TMP/out" 2>"$TMP/err")
STATUS=$?
expect_status 2; expect_one_line_err; expect_err "a PATH is required"

case_begin "a lone - is an operand, not an option"
run_cs import wide - -o "$TMP/x.csv"
expect_status 1; expect_true sh -c "! grep -q 'option' '$TMP/err'"

case_begin "a flag given a value is a usage error"
run_cs check "$SMALL" --json=yes
expect_status 2; expect_one_line_err; expect_err "option '--json' takes no value"

case_begin "an option missing its value is a usage error"
run_cs suggest "$SMALL" --target
expect_status 2; expect_one_line_err; expect_err "option '--target' needs a value \(NAME\)"

for cmd in check suggest replay synth import queue help; do
    case_begin "$cmd: an unknown option anywhere: one line with the usage hint, exit 2"
    run_cs "$cmd" "$SMALL" --no-such-option
    expect_status 2; expect_one_line_err
    expect_err "^comboscope $cmd: unknown option '--no-such-option' \(try 'comboscope $cmd --help'\)$"
done

case_begin "a study directory opens its study.json (check)"
run_cs check "$STUDY" --json
cp "$TMP/out" "$TMP/dir"
run_cs check "$STUDY/study.json" --json
expect_status 0; expect_file_eq "$TMP/dir" "$TMP/out"

case_begin "a study directory with a trailing slash"
run_cs check "$STUDY/"
expect_status 0; expect_out "^study +biomed12"

case_begin "a study directory for suggest, replay and queue"
run_cs suggest "$ROOT/sample-results/biomed12-study" --no-cv -k 1
expect_status 0; expect_out "^target "
run_cs queue "$ROOT/sample-results/biomed12-study"
expect_status 0
run_cs replay "$TMP" --seeds 1
expect_status 1; expect_err "without a study.json"

case_begin "a directory without study.json says so"
mkdir -p "$TMP/empty-dir"
run_cs check "$TMP/empty-dir"
expect_status 1; expect_one_line_err
expect_err "empty-dir: a directory without a study.json: give a study file, a study's directory or a result table"

case_begin "the explorer opens a study directory"
printf 'dump first\n' >"$TMP/dump.script"
env COLUMNS=80 LINES=24 TERM=xterm-256color LC_ALL=C.UTF-8 COMBOSCOPE_SCRIPT="$TMP/dump.script" \
    "$CS" --read-only "$STUDY" >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 0; expect_out "biomed12"

case_begin "the explorer: options after the study"
env COLUMNS=80 LINES=24 TERM=xterm-256color LC_ALL=C.UTF-8 COMBOSCOPE_SCRIPT="$TMP/dump.script" \
    "$CS" "$STUDY" --read-only --ascii >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 0; expect_out "biomed12"; expect_true sh -c "! grep -q '─' '$TMP/out'"

case_begin "help prints the program's usage"
run_cs help
expect_status 0; expect_out "^usage: comboscope"
cp "$TMP/out" "$TMP/h1"
run_cs --help
expect_file_eq "$TMP/h1" "$TMP/out"

for cmd in check suggest replay synth import queue; do
    case_begin "help $cmd is the same text as $cmd --help"
    run_cs help "$cmd"
    expect_status 0; expect_out "^usage: comboscope $cmd"
    cp "$TMP/out" "$TMP/h1"
    run_cs "$cmd" --help
    expect_file_eq "$TMP/h1" "$TMP/out"
done

case_begin "help with an unknown command: did you mean"
run_cs help chek
expect_status 2; expect_one_line_err; expect_err "no command 'chek'; did you mean 'check'\?"

case_begin "an unknown command: did you mean check? (was: too many arguments)"
run_cs chek x
expect_status 2; expect_one_line_err; expect_no_out
expect_err "^comboscope: 'chek' is not a command or a file; did you mean 'check'\?"

case_begin "a mistyped command alone: did you mean"
run_cs sugest
expect_status 2; expect_one_line_err; expect_err "did you mean 'suggest'\?"
run_cs qeueu
expect_status 2; expect_err "did you mean 'queue'\?"
run_cs repaly "$SMALL"
expect_status 2; expect_err "did you mean 'replay'\?"

case_begin "a word near no command and no file: not a command, no guess"
run_cs zzzzzz yyy
expect_status 2; expect_one_line_err; expect_err "'zzzzzz' is not a command or a file \(try"
expect_true sh -c "! grep -q 'did you mean' '$TMP/err'"

case_begin "a file named like a command is opened, not taken for a typo"
cp "$SMALL" "$TMP/chek"
(cd "$TMP" && env COLUMNS=80 LINES=24 TERM=xterm-256color COMBOSCOPE_SCRIPT="$TMP/dump.script" \
    "$CS" --read-only chek >"$TMP/out" 2>"$TMP/err" </dev/null)
STATUS=$?
expect_status 0

# One exit status for usage errors: a bad option value is 2 whatever the command.
usage2() { # usage2 NAME ARGS...
    local name="$1"; shift
    case_begin "usage error exits 2: $name"
    run_cs "$@"
    expect_status 2; expect_one_line_err
}
usage2 "suggest --predictor NOPE (was 1)" suggest "$SMALL" --predictor NOPE
usage2 "suggest --acquisition NOPE" suggest "$SMALL" --acquisition NOPE
usage2 "replay --predictor NOPE (was 1)" replay "$SMALL" --predictor NOPE
usage2 "replay --init bogus" replay "$SMALL" --init bogus
usage2 "check --goal sideways" check "$SMALL" --goal sideways
usage2 "explorer --color sometimes" --color sometimes "$SMALL"
usage2 "explorer --goal up" --goal up "$SMALL"
usage2 "suggest -k 0" suggest "$SMALL" -k 0
usage2 "synth stray operand" synth --preset biomed12 -o - extra
usage2 "import unknown format" import xlsx x -o -
usage2 "queue two studies" queue "$STUDY" "$STUDY"

case_begin "--goal names its choices and what was given"
run_cs check "$SMALL" --goal sideways
expect_err "--goal must be max or min \(got 'sideways'\)"

case_begin "the man page lists every exit status the program uses (0 1 2 70)"
for st in 0 1 2 70; do
    expect_true grep -q "^\.B $st\$" "$ROOT/man/comboscope.1"
done
# 70 is what the out-of-memory path exits with (text.c); the man page names it
expect_true grep -q 'exit(EXIT_NO_MEMORY)\|exit(70)' "$ROOT/src/core/text.c"
expect_true sh -c "sed -n '/^\.SH EXIT STATUS/,/^\.SH ENV/p' '$ROOT/man/comboscope.1' | grep -q 'out of memory'"
