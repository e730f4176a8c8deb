#!/usr/bin/env bash
# Golden screen tests: each tests/golden/NAME.script is run in three modes at 80x24 and its
# screen dumps are compared with tests/golden/NAME.MODE.screen:
#   utf8   UTF-8 locale, 256 colours (TERM=xterm-256color): text + colour roles per cell
#   ascii  --ascii in the C locale: ASCII glyphs only, text + colour roles per cell
#   mono   NO_COLOR=1, UTF-8: text + attributes per cell (meaning without colour)
# A script may have a line "# args: ARGS..." (the comboscope arguments, relative to the
# repository; the default is the small fixture table) and "# copy: DIR" (run on a fresh copy
# of DIR, named @COPY@ in the args, for scripts that write a journal). Script commands: see src/ui/README.md.
# usage: run.sh BINARY [--update]     (--update rewrites the golden files for review)
set -u
CS="${1:?usage: run.sh BINARY [--update]}"
UPDATE=0
[ "${2:-}" = --update ] && UPDATE=1
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT" || exit 1
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0

run_mode() { # script mode output
    local script="$1" mode="$2" out="$3" args
    args="$(sed -n 's/^# args: //p' "$script" | head -1)"
    [ -n "$args" ] || args="tests/golden/data/small.csv"
    # "# copy: DIR": the script writes (a journal, a table), so it runs on a fresh copy of DIR,
    # named @COPY@ in the args
    local copy
    copy="$(sed -n 's/^# copy: //p' "$script" | head -1)"
    if [ -n "$copy" ]; then
        rm -rf "$out.dir"
        cp -R "$copy" "$out.dir"
        args="${args//@COPY@/$out.dir}"
    fi
    local -a env=(env -i PATH="$PATH" HOME="${HOME:-/}" COLUMNS=80 LINES=24
                  TERM=xterm-256color COMBOSCOPE_SCRIPT="$script" SOURCE_DATE_EPOCH=1796083200)
    local -a extra=()
    case "$mode" in
        utf8)  env+=(LC_ALL=C.UTF-8) ;;
        ascii) env+=(LC_ALL=C); extra=(--ascii) ;;
        mono)  env+=(LC_ALL=C.UTF-8 NO_COLOR=1) ;;
    esac
    # shellcheck disable=SC2086
    "${env[@]}" "$CS" "${extra[@]}" $args >"$out" 2>"$out.err"
}

for script in tests/golden/*.script; do
    [ -e "$script" ] || continue
    name="$(basename "$script" .script)"
    for mode in utf8 ascii mono; do
        golden="tests/golden/$name.$mode.screen"
        out="$TMP/$name.$mode"
        if ! run_mode "$script" "$mode" "$out"; then
            echo "FAIL golden [$name $mode]: exit status $?: $(head -c 300 "$out.err")" >&2
            fail=$((fail + 1)); continue
        fi
        if [ -s "$out.err" ]; then
            echo "FAIL golden [$name $mode]: stderr: $(head -c 300 "$out.err")" >&2
            fail=$((fail + 1)); continue
        fi
        if [ "$UPDATE" = 1 ]; then
            cp "$out" "$golden"; pass=$((pass + 1)); continue
        fi
        if [ ! -f "$golden" ]; then
            echo "FAIL golden [$name $mode]: no $golden (run 'make update-golden' and review)" >&2
            fail=$((fail + 1)); continue
        fi
        if ! diff -u "$golden" "$out" >"$TMP/diff"; then
            echo "FAIL golden [$name $mode]: screen differs from $golden:" >&2
            head -40 "$TMP/diff" >&2
            fail=$((fail + 1)); continue
        fi
        pass=$((pass + 1))
    done
done
if [ "$UPDATE" = 1 ]; then
    echo "golden: rewrote $pass screens; review them with git diff tests/golden"
else
    echo "golden: $pass passed, $fail failed"
fi
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
