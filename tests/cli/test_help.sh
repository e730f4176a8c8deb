# --help and --version for the program and for every subcommand listed by 'comboscope --help'.

case_begin "comboscope --help lists the commands"
run_cs --help
expect_status 0; expect_out "^usage: comboscope"; expect_out "^  check "; expect_out "^  import "
expect_out "^  synth "
cp "$TMP/out" "$TMP/main-help"

case_begin "comboscope --version / -V"
run_cs --version
expect_status 0; expect_out "^comboscope [0-9]+\.[0-9]+\.[0-9]+$"
run_cs -V
expect_status 0; expect_out "^comboscope [0-9]+\.[0-9]+\.[0-9]+$"

for cmd in $(sed -n '/^commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' "$TMP/main-help"); do
    case_begin "$cmd --help"
    run_cs "$cmd" --help
    expect_status 0; expect_out "^usage: comboscope $cmd"
    case_begin "$cmd -h"
    run_cs "$cmd" -h
    expect_status 0; expect_out "^usage: comboscope $cmd"
    case_begin "$cmd --version"
    run_cs "$cmd" --version
    expect_status 0; expect_out "^comboscope [0-9]+\.[0-9]+\.[0-9]+$"
    case_begin "$cmd with an unknown option is a usage error"
    run_cs "$cmd" --no-such-option
    expect_status 2; expect_one_line_err; expect_err "comboscope $cmd: "
done

case_begin "comboscope with an unknown option is a usage error"
run_cs --no-such-option
expect_status 2; expect_one_line_err
