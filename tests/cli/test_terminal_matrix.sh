# The terminal matrix in script mode (robust, session 3): the explorer on the sample study through
# every view and overlay (help, search, filters, the combination editor, reject and note prompts,
# the commit question, the runs list, the Table detail, the target list) at sizes from 1x1 to
# 1000x300, resized in between, on every TERM of tests/cli/matrix (xterm, xterm-256color, screen,
# screen-256color, tmux-256color, linux, vt100, vt220, ansi, xterm-mono, dumb), in UTF-8 and the
# C locale, with and without colour. Each run must end with status 0 and nothing on stderr (under
# `make check`'s sanitizer build: no ASan or UBSan report), draw the full screen from the
# minimum size (60x16) up and the "terminal too small" notice below it.
# The same matrix on real terminals (tmux), by hand: tests/fuzz/tmux-matrix.sh (tests/fuzz/README.md).

M="$ROOT/tests/cli/matrix"
# mx TERM LOCALE SCRIPT [ENV...]: runs the matrix script on a fresh copy of the sample study
mx() {
    local term="$1" loc="$2" script="$3"; shift 3
    rm -rf "$TMP/s"; cp -R "$ROOT/sample-results/biomed12-study" "$TMP/s"
    env -i PATH="$PATH" COLUMNS=80 LINES=24 TERM="$term" LC_ALL="$loc" COMBOSCOPE_SCRIPT="$M/$script" "$@" \
        "$CS" "$TMP/s" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
}
# screen_of TITLE ROWS: the text rows of the dump titled TITLE (after the capability lines that
# head the first dump), ROWS of them unless the dump ends early
screen_of() {
    awk -v t="=== $1 (" -v h="$2" '
        index($0, t) == 1 { on = 1; n = 0; next }
        on && n == 0 && /^--- ([0-9]+ colours, |role colours |no colour, )/ { next }
        on && (/^=== / || /^--- (colour roles|attributes per cell)/) { on = 0 }
        on && n < h { print; n++ }' "$TMP/out"
}
check_sizes() { # SIZE...: each size's dumps are whole screens, full or "too small" as they should be
    local size w h rows
    for size in "$@"; do
        w=${size%x*}; h=${size#*x}
        for title in "size $size" "after $size"; do
            rows=$(screen_of "$title" "$h" | wc -l)
            [ "$rows" = "$h" ] || _case_fail "dump '$title': $rows rows, expected $h"
            if [ "$w" -ge 60 ] && [ "$h" -ge 16 ]; then
                screen_of "$title" "$h" | head -1 | grep -q "^ comboscope " || _case_fail "dump '$title': no tab bar"
            elif [ "$w" -ge 20 ] && [ "$h" -ge 2 ]; then
                screen_of "$title" "$h" | grep -q "terminal too small" || _case_fail "dump '$title': no 'too small' notice"
            fi
        done
    done
}

case_begin "terminal matrix: xterm-256color, UTF-8, sizes 1x1 to 1000x300 with resizes"
mx xterm-256color C.UTF-8 all-sizes.script
expect_status 0; expect_no_err_file() { [ ! -s "$TMP/err" ] || _case_fail "stderr: $(head -c 300 "$TMP/err")"; }
expect_no_err_file
check_sizes 60x16 59x15 61x17 80x24 132x43 300x100 20x6 1000x300

for term in xterm screen screen-256color tmux-256color linux vt100 vt220 ansi xterm-mono dumb; do
    case_begin "terminal matrix: TERM=$term, UTF-8, 60x16 20x6 80x24"
    mx "$term" C.UTF-8 small.script
    expect_status 0; expect_no_err_file
    check_sizes 60x16 20x6 80x24
done

for term in xterm-256color linux; do
    case_begin "terminal matrix: TERM=$term, C locale (ASCII)"
    mx "$term" C small.script
    expect_status 0; expect_no_err_file; check_sizes 60x16 20x6 80x24
    LC_ALL=C grep -q "$(printf '\342')" "$TMP/out" && _case_fail "UTF-8 bytes drawn in the C locale"

    case_begin "terminal matrix: TERM=$term, NO_COLOR=1"
    mx "$term" C.UTF-8 small.script NO_COLOR=1
    expect_status 0; expect_no_err_file; check_sizes 60x16 20x6 80x24
    grep -q "^--- no colour, " "$TMP/out" || _case_fail "colours drawn with NO_COLOR=1"
done

case_begin "terminal matrix: a screen 3000 columns wide (COLUMNS=3000), every view dumped"
rm -rf "$TMP/s"; cp -R "$ROOT/sample-results/biomed12-study" "$TMP/s"
printf 'key 2\ndump lattice\nkey 3\ndump heatmaps\nkey 6\ndump table\n' >"$TMP/wide.script"
env -i PATH="$PATH" COLUMNS=3000 LINES=60 TERM=xterm-256color LC_ALL=C.UTF-8 COMBOSCOPE_SCRIPT="$TMP/wide.script" \
    "$CS" --read-only "$TMP/s" >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 0; expect_no_err_file   # the dump's colour lines overflowed a stack buffer (SIGSEGV)
[ "$(grep -c '^=== ' "$TMP/out")" = 3 ] || _case_fail "not every dump was written"

# curses takes COLUMNS and LINES over the terminal's size and allocates that many cells: a stray
# COLUMNS=100000 asked for terabytes ("cannot use the terminal (TERM=xterm-256color)", or an
# allocation failure under the sanitizers).
for size in "100000 24" "80 20000" "3000 3000"; do
    set -- $size
    case_begin "COLUMNS=$1 LINES=$2: refused in one line naming them, exit 1"
    env -i PATH="$PATH" COLUMNS=$1 LINES=$2 TERM=xterm-256color LC_ALL=C.UTF-8 COMBOSCOPE_SCRIPT="$TMP/wide.script" \
        "$CS" --read-only "$TMP/s" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
    expect_status 1; expect_one_line_err
    expect_err "(COLUMNS=$1|LINES=$2).* is more than .*unset"
done
