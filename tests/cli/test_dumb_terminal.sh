# A terminal that cannot place the cursor (TERM=dumb, a printing terminal) is refused in one line
# naming it, exit 1: the explorer used to draw every frame there as a stream of lines.

if command -v tmux >/dev/null 2>&1; then
SOCK="cs-dumb-$$"
for term in dumb; do
    case_begin "TERM=$term: refused in one line, exit 1"
    tm new-session -d -s d -x 80 -y 24 \
        "env -i PATH='$PATH' HOME='$TMP' TERM=$term LC_ALL=C.UTF-8 sh -c '\"$CS\" --read-only \"$ROOT/sample-results/biomed12-study\" 2>\"$TMP/err\"; echo \$? >\"$TMP/status\"; sleep 30'"
    for i in $(seq 200); do [ -s "$TMP/status" ] && break; sleep 0.1; done
    STATUS=$(cat "$TMP/status" 2>/dev/null)
    : >"$TMP/out"
    expect_status 1; expect_one_line_err
    expect_err "the terminal cannot place the cursor \(TERM=$term\)"
    tm kill-server 2>/dev/null
done
case_begin "TERM=vt100 (cursor addressing, no colour) still opens the explorer"
rm -f "$TMP/status" "$TMP/err"
SOCK="cs-dumb-vt100-$$" # a server of its own: a new one on a socket just killed may not start
tm new-session -d -s d -x 80 -y 24 \
    "env -i PATH='$PATH' HOME='$TMP' TERM=vt100 LC_ALL=C.UTF-8 sh -c '\"$CS\" --read-only \"$ROOT/sample-results/biomed12-study\" 2>\"$TMP/err\"; echo \$? >\"$TMP/status\"; sleep 30'"
for i in $(seq 200); do tm capture-pane -p -t d 2>/dev/null | grep -q "1 Study" && break; sleep 0.1; done
tm capture-pane -p -t d >"$TMP/out"
expect_out "1 Study"
tm send-keys -t d q
for i in $(seq 200); do [ -s "$TMP/status" ] && break; sleep 0.1; done
STATUS=$(cat "$TMP/status" 2>/dev/null); expect_status 0
tm kill-server 2>/dev/null
fi
