# The explorer's command line: options, errors, capability tiers, sanitized names. Screens come
# from test mode (COMBOSCOPE_SCRIPT): curses draws to an in-memory screen and dumps it.

SMALL="$ROOT/tests/golden/data/small.csv"
printf 'dump first\n' >"$TMP/dump.script"

# run_screen ENV... -- ARGS...: runs the explorer in test mode at 80x24 with a clean environment.
run_screen() {
    local -a env=()
    while [ "$1" != -- ]; do env+=("$1"); shift; done
    shift
    env -i PATH="$PATH" COLUMNS=80 LINES=24 TERM=xterm-256color LC_ALL=C.UTF-8 \
        COMBOSCOPE_SCRIPT="$TMP/dump.script" "${env[@]}" "$CS" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
}

case_begin "--help lists the explorer options"
run_cs --help
expect_status 0; expect_out "--theme NAME\|FILE"; expect_out "--color=auto\|always\|never"; expect_out "--ascii"

case_begin "an unknown option is a usage error"
run_cs --bogus "$SMALL"
expect_status 2; expect_one_line_err

case_begin "--color with a bad value is a usage error"
run_cs --color=sometimes "$SMALL"
expect_status 2; expect_one_line_err; expect_err "auto, always or never"

case_begin "two paths are a usage error"
run_cs "$SMALL" "$SMALL"
expect_status 2; expect_one_line_err

case_begin "a bad theme file names file and line"
printf '# mine\ncursor = red\nheader = blue on\n' >"$TMP/bad.theme"
run_cs --theme "$TMP/bad.theme" "$SMALL"
expect_status 1; expect_one_line_err; expect_err "bad.theme:3: missing a colour after 'on'"

case_begin "an unknown theme name"
run_cs --theme nosuch "$SMALL"
expect_status 1; expect_one_line_err; expect_err "no such theme"

case_begin "a bad table is reported before the terminal is touched"
printf 'combination,dataset,f1\nA,B,0.5\n' >"$TMP/bad.csv"
run_cs "$TMP/bad.csv"
expect_status 1; expect_one_line_err; expect_err "bad.csv:2:"

case_begin "without a terminal the explorer says so"
run_cs "$SMALL"
expect_status 1; expect_one_line_err; expect_err "needs a terminal"

case_begin "an unknown terminal type"
printf 'x' >/dev/null
env -i PATH="$PATH" TERM=no-such-terminal-type "$CS" "$SMALL" >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 1

case_begin "a bad script line names file and line"
printf 'key j\nfrobnicate\n' >"$TMP/bad.script"
env -i PATH="$PATH" TERM=xterm LC_ALL=C.UTF-8 COMBOSCOPE_SCRIPT="$TMP/bad.script" "$CS" "$SMALL" \
    >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 1; expect_one_line_err; expect_err "bad.script:2: unknown command 'frobnicate'"

case_begin "tiers: 256 colours on xterm-256color"
run_screen -- "$SMALL"
expect_status 0; expect_out "^--- 256 colours, UTF-8$"; expect_out "colour roles"

case_begin "tiers: 16 colours on xterm-16color, theme colours reduced keeping their hue"
run_screen TERM=xterm-16color -- "$SMALL"
expect_status 0; expect_out "^--- 16 colours, UTF-8$"
expect_out "^--- role colours .* C=0/14 .* g=10/-1 b=9/-1 "

case_begin "tiers: 8 colours on xterm"
run_screen TERM=xterm -- "$SMALL"
expect_status 0; expect_out "^--- 8 colours, UTF-8$"
expect_out "^--- role colours .* C=0/6 .* g=2/-1 b=1/-1 "

case_begin "tiers: no colour on vt100"
run_screen TERM=vt100 -- "$SMALL"
expect_status 0; expect_out "^--- no colour, UTF-8$"; expect_out "attributes per cell"

case_begin "NO_COLOR set and not empty turns colours off"
run_screen NO_COLOR=1 -- "$SMALL"
expect_status 0; expect_out "^--- no colour"

case_begin "NO_COLOR empty keeps colours"
run_screen NO_COLOR= -- "$SMALL"
expect_status 0; expect_out "^--- 256 colours"

case_begin "--color=always beats NO_COLOR, --color=never beats the terminal"
run_screen NO_COLOR=1 -- --color=always "$SMALL"
expect_status 0; expect_out "^--- 256 colours"
run_screen -- --color=never "$SMALL"
expect_status 0; expect_out "^--- no colour"

case_begin "a non-UTF-8 locale draws ASCII only"
run_screen LC_ALL=C -- "$SMALL"
expect_status 0; expect_out "^--- 256 colours, ASCII$"
expect_true sh -c "! LC_ALL=C grep -q '[^ -~]' '$TMP/out'"

case_begin "--ascii in a UTF-8 locale draws ASCII only"
run_screen -- --ascii "$SMALL"
expect_status 0; expect_out "ASCII$"; expect_out "TC_\?\? "
expect_true sh -c "! LC_ALL=C grep -q '[^ -~]' '$TMP/out'"

case_begin "wide characters are measured: columns stay aligned"
run_screen -- "$SMALL"
expect_out "^  TC_中文      0\.7446   0\.7857"; expect_out "^  TC_epsilon   0\.9001   0\.9322"

case_begin "--theme light and mono load"
run_screen -- --theme light "$SMALL"
expect_status 0; expect_out "^--- 256 colours"
run_screen -- --theme "$ROOT/themes/mono" "$SMALL"
expect_status 0

case_begin "names from files with control characters are refused by the core"
printf '{"comboscope": 1, "name": "evil\\u001b[2Jname", "tables": ["t.csv"]}\n' >"$TMP/evil.json"
cp "$SMALL" "$TMP/t.csv"
run_screen -- "$TMP/evil.json"
expect_status 1; expect_one_line_err; expect_err "control characters"

case_begin "text drawn on the screen has control characters replaced (C1 CSI typed into search)"
printf 'key 6 /\ntype evil\302\2332Jname\ndump\n' >"$TMP/c1.script"
env -i PATH="$PATH" COLUMNS=80 LINES=24 TERM=xterm-256color LC_ALL=C.UTF-8 \
    COMBOSCOPE_SCRIPT="$TMP/c1.script" "$CS" "$SMALL" >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 0; expect_out "^/evil\?2Jname"
expect_true sh -c "! grep -q \"$(printf '\302\233')\" '$TMP/out'"

case_begin "--metric and --goal reach the explorer"
run_screen -- --metric recall --goal min "$SMALL"
expect_status 0; expect_out "metric recall, lower is better"

case_begin "an unknown --metric is an error"
run_screen -- --metric nosuch "$SMALL"
expect_status 1; expect_one_line_err

