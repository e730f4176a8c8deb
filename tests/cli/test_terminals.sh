# 8-colour terminals and the Linux console (issue 9): roles must stay visible when every grey
# becomes black or white, and the Linux console (whose font has no braille or block elements)
# gets ASCII glyphs. Screens come from test mode; the dump's header lists each role's colours.

STUDY8="$ROOT/sample-results/biomed12-study/study.json"
printf 'key 3\ndump heatmaps\nkey 5\ndump history\nkey 2\ndump lattice\n' >"$TMP/t.script"
run_term() { # run_term TERM ARGS...
    local term="$1"; shift
    env -i PATH="$PATH" COLUMNS=80 LINES=24 TERM="$term" LC_ALL=C.UTF-8 COMBOSCOPE_SCRIPT="$TMP/t.script" \
        "$CS" --read-only "$@" "$STUDY8" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
}
# role_fg CODE: the foreground the dump lists for a role letter
role_fg() { sed -n 's/^--- role colours (fg\/bg)://p' "$TMP/out" | head -1 | tr ' ' '\n' | sed -n "s/^$1=\(-\{0,1\}[0-9]*\)\/.*/\1/p"; }

for term in screen linux; do
    case_begin "TERM=$term, dark theme: unmeasured ('?', the swatch) is not black on the default background"
    run_term "$term"
    expect_status 0; expect_out "^--- 8 colours"
    x=$(role_fg x); [ -n "$x" ] && [ "$x" != 0 ] || _case_fail "unmeasured foreground is '$x' (black)"

    case_begin "TERM=$term, light theme: light greys are not white on the default (white) background"
    run_term "$term" --theme light
    expect_status 0
    for code in x d; do
        f=$(role_fg "$code"); [ -n "$f" ] && [ "$f" != 7 ] || _case_fail "role $code foreground is '$f' (white)"
    done
done

case_begin "TERM=linux: ASCII glyphs, no braille or block elements in plots and the lattice"
run_term linux
expect_status 0; expect_out "^--- 8 colours, ASCII"
if LC_ALL=C.UTF-8 grep -q "$(printf '\342\240')\|$(printf '\342\226')" "$TMP/out"; then
    _case_fail "braille or block elements on the Linux console"
fi

case_begin "TERM=screen keeps UTF-8 glyphs (only the console falls back)"
run_term screen
expect_status 0; expect_out "^--- 8 colours, UTF-8"
