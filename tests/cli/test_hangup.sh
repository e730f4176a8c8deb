# A terminal that hangs up (window closed, SSH dropped) while a parent keeps SIGHUP from the
# explorer (as `make run` does: make catches it and waits): getch then fails at once, forever.
# The explorer used to spin on a CPU until killed; it must leave as on SIGHUP.
if ! command -v tmux >/dev/null 2>&1; then
    case_begin "the explorer leaves when its terminal hangs up"
    _case_fail "tmux is not installed (scripts/ensure-deps installs it)"
else
case_begin "the explorer leaves when its terminal hangs up, even without SIGHUP"
cp -R "$ROOT/sample-results/biomed12-study" "$TMP/hup"
SOCK="cs-hup-$$"
# the shell ignores SIGHUP and outlives the hang-up, so no SIGHUP reaches the explorer
tmux -L "$SOCK" -f /dev/null new-session -d -s h -x 80 -y 24 \
    "env TERM=xterm-256color LC_ALL=C.UTF-8 sh -c \"trap '' HUP; '$CS' '$TMP/hup/study.json'; sleep 5\""
pid=""
for i in $(seq 100); do
    pid=$(pgrep -f "^$CS $TMP/hup/study.json" | head -1)
    [ -n "$pid" ] && grep -q "Study" <(tmux -L "$SOCK" capture-pane -p -t h) && break
    sleep 0.1
done
if [ -z "$pid" ]; then
    _case_fail "the explorer did not start"
else
    tmux -L "$SOCK" kill-server 2>/dev/null
    gone=0
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || { gone=1; break; }
        sleep 0.1
    done
    if [ "$gone" = 0 ]; then
        _case_fail "still running 5 s after the hang-up ($(ps -o time= -p "$pid") of CPU)"
        kill "$pid" 2>/dev/null
    fi
fi
tmux -L "$SOCK" kill-server 2>/dev/null
fi
