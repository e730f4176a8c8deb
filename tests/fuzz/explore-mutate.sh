#!/usr/bin/env bash
# Opens mutated copies of the in-progress sample study in the explorer (script mode, every view
# visited, a round decided and committed) and checks the promise on bad input: exit status 0,
# or 1 with exactly one located line on stderr; never a sanitizer report, a signal or a hang.
# usage: tests/fuzz/explore-mutate.sh BINARY [ITERATIONS] [SEED]    (BINARY: build-san/comboscope)
set -u
CS="${1:?usage: explore-mutate.sh BINARY [ITERATIONS] [SEED]}"
N="${2:-200}"
RANDOM="${3:-1}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SRC="$ROOT/sample-results/biomed12-study"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
KEEP="$ROOT/build-fuzz/explore-failures"
cat >"$TMP/visit.script" <<'S'
key 1 j j 2 j l 3 v 4 a j x
type no
key Enter
key j o x Enter n
type a note
key Enter
key 5 j 6 ? Esc
key 4 Enter Enter
dump end
key q
S
themes=("$ROOT/themes/dark" "$ROOT/themes/light" "$ROOT/themes/mono")

# mutate FILE: one random damage to a text file (bytes, lines, truncation).
mutate() {
    local f="$1" size lines k
    size=$(wc -c <"$f"); lines=$(wc -l <"$f")
    [ "$size" -gt 0 ] || { printf '\xff' >"$f"; return; }
    k=$((RANDOM % 9))
    case $k in
        0) head -c $((RANDOM % size)) "$f" >"$f.m" ;;                                   # truncate
        1) python3 -c 'import sys,random
d=bytearray(open(sys.argv[1],"rb").read()); r=random.Random(int(sys.argv[2]))
for _ in range(r.randint(1,8)): d[r.randrange(len(d))]=r.randrange(256)
open(sys.argv[1]+".m","wb").write(d)' "$f" "$RANDOM" ;;                                # byte flips
        2) sed "$((RANDOM % (lines + 1) + 1))d" "$f" >"$f.m" ;;                          # drop a line
        3) sed "$((RANDOM % (lines + 1) + 1))p" "$f" >"$f.m" ;;                          # repeat a line
        4) python3 -c 'import sys,random
d=open(sys.argv[1],"rb").read(); r=random.Random(int(sys.argv[2]))
toks=[b"0",b"-1",b"1e308",b"nan",b"null",b"\"\"",b"\"x\"",b"{}",b"[]",b"99999999999",b",",b"+",b"\"",b"\x1b[2J",b"\xc3",b"\n"]
i=r.randrange(len(d)+1); j=min(len(d), i+r.randrange(12))
open(sys.argv[1]+".m","wb").write(d[:i]+r.choice(toks)+d[j:])' "$f" "$RANDOM" ;;       # splice a token
        5) python3 -c 'import sys,random
L=open(sys.argv[1],"rb").read().split(b"\n"); r=random.Random(int(sys.argv[2])); r.shuffle(L)
open(sys.argv[1]+".m","wb").write(b"\n".join(L))' "$f" "$RANDOM" ;;                    # shuffle lines
        6) { cat "$f"; printf '%s' "$(head -c $((RANDOM % 200)) "$f")"; } >"$f.m" ;;      # torn tail
        7) : >"$f.m" ;;                                                                   # empty
        8) sed 's/RE_BioRED/RE_BIORED/' "$f" >"$f.m" ;;                                   # a renamed dataset
    esac
    mv "$f.m" "$f"
}

fail=0 opened=0 refused=0
for ((i = 1; i <= N; i++)); do
    d="$TMP/s$i"
    cp -R "$SRC" "$d"
    theme=(--theme "${themes[RANDOM % 3]}")
    files=(journal.jsonl study.json runs.csv queue.csv theme)
    nmut=$((RANDOM % 2 + 1))
    for ((m = 0; m < nmut; m++)); do
        pick=${files[RANDOM % 5]}
        if [ "$pick" = theme ]; then
            [ "${theme[1]}" = "$d/theme" ] || cp "${theme[1]}" "$d/theme"; mutate "$d/theme"; theme=(--theme "$d/theme")
        else
            mutate "$d/$pick"
        fi
    done
    ro=(--oracle "$ROOT/sample-results/biomed12/runs.csv"); [ $((RANDOM % 4)) = 0 ] && ro=(--read-only)
    env -i PATH="$PATH" HOME="$TMP" COLUMNS=80 LINES=24 TERM=xterm-256color LC_ALL=C.UTF-8 \
        COMBOSCOPE_SCRIPT="$TMP/visit.script" ASAN_OPTIONS=detect_leaks=1 \
        timeout 60 "$CS" "${theme[@]}" "${ro[@]}" \
        "$d/study.json" >"$TMP/out" 2>"$TMP/err" </dev/null
    st=$?
    bad=
    if [ $st = 0 ]; then
        opened=$((opened + 1))
        grep -q 'ERROR\|runtime error' "$TMP/err" && bad="sanitizer report with status 0"
        grep -q "^=== end" "$TMP/out" || bad="${bad:-the script did not reach its end}"
    elif [ $st = 1 ]; then
        refused=$((refused + 1))
        [ -n "${SHOW_ERRORS:-}" ] && cat "$TMP/err"
        [ "$(wc -l <"$TMP/err")" = 1 ] || bad="stderr is not one line"
        grep -Eq '^[^ ]+:([0-9]+:([0-9]+:)?)? ' "$TMP/err" || bad="${bad:-error not located}"
    else
        bad="exit status $st"
    fi
    if [ -n "$bad" ]; then
        fail=$((fail + 1))
        mkdir -p "$KEEP"
        rm -rf "$KEEP/case$i"; cp -R "$d" "$KEEP/case$i"; cp "$TMP/err" "$KEEP/case$i.err"
        echo "case $i: $bad (args: ${theme[*]} ${ro[*]}; kept in $KEEP/case$i)" >&2
        head -c 300 "$TMP/err" >&2; echo >&2
    fi
    rm -rf "$d"
done
echo "explore-mutate: $N cases, $opened opened, $refused refused with one line, $fail failed"
[ $fail = 0 ]
