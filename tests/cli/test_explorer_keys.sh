# Every key in every view, in odd orders and sizes: the explorer must neither crash nor leave
# anything on stderr (under SANITIZE=1 this runs with ASan and UBSan).

keys="q ? 1 2 3 4 5 6 Tab S-Tab t ] [ ^L Up k Down j Left h Right l PgUp ^B PgDn ^F Home g End G
      / n N Enter s S r f T Esc Backspace Space ^U ^G x + - b m p v"
{
    for view in 1 2 3 4 5 6; do
        for k in $keys; do
            [ "$k" = q ] && continue          # quitting would end the run early
            echo "key $view $k"
            case "$k" in /|f|x) echo "type ab"; echo "key Backspace"; echo "type zz"; echo "key Enter" ;; esac
            case "$k" in t|'?') echo "key Down Down Esc" ;; esac
        done
        echo "resize 20 5"; echo "key j k Tab ?"; echo "resize 200 60"; echo "key G g"; echo "resize 80 24"
        echo "click 0 15"; echo "click 5 3"; echo "click 23 70"
    done
    echo "dump end"
} >"$TMP/allkeys.script"

# the studies are copied: the Round view's keys write decisions and notes to a journal
mkdir -p "$TMP/b12" "$TMP/b12s"
cp "$ROOT/sample-results/biomed12/study.json" "$ROOT/sample-results/biomed12/runs.csv" "$TMP/b12/"
cp "$ROOT"/sample-results/biomed12-study/* "$TMP/b12s/"
for study in "$ROOT/tests/golden/data/small.csv" "$TMP/b12/study.json" "$TMP/b12s/study.json"; do
    case_begin "every key in every view: $(basename "$study")"
    env -i PATH="$PATH" COLUMNS=80 LINES=24 TERM=xterm-256color LC_ALL=C.UTF-8 \
        COMBOSCOPE_SCRIPT="$TMP/allkeys.script" "$CS" "$study" >"$TMP/out" 2>"$TMP/err" </dev/null
    STATUS=$?
    expect_status 0; expect_out "^=== end \(80x24\)"
    [ -s "$TMP/err" ] && _case_fail "stderr is not empty"
done

case_begin "a one-dataset table in every view (no pairs, no lattice to speak of)"
printf 'combination,dataset,f1\nA,A,0.5\n' >"$TMP/one.csv"
env -i PATH="$PATH" COLUMNS=80 LINES=24 TERM=xterm LC_ALL=C \
    COMBOSCOPE_SCRIPT="$TMP/allkeys.script" "$CS" "$TMP/one.csv" >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
expect_status 0; expect_out "^=== end \(80x24\)"
[ -s "$TMP/err" ] && _case_fail "stderr is not empty"
