#!/bin/bash
# The explorer on real terminals: tmux (a private server per case) at each TERM x size x locale
# x colour of the matrix, driven through every view and overlay, a resize storm, keys after it,
# then q. A case fails when the explorer does not exit 0 (a crash, or a hang: 10 s), or leaves
# the terminal in the alternate screen, the cursor hidden or the cursor keys in application mode.
# The screens are kept in OUT/CASE/NN-what.txt for review (grep them for escape-sequence debris).
# usage: tests/fuzz/tmux-matrix.sh BINARY STUDY-DIR OUT     (TERMS, SIZES, MODES override)
# Slow (about 20 s a case); not part of make check (tests/cli/test_terminal_matrix.sh is, in
# script mode).
set -u
CS=$(realpath "$1"); STUDY=$(realpath "$2"); OUT=$3
TERMS=${TERMS:-xterm xterm-256color screen screen-256color tmux-256color linux vt100 vt220 ansi dumb xterm-mono}
SIZES=${SIZES:-20x6 40x12 80x24 132x43 300x100}
MODES=${MODES:-utf8 C nocolor}
mkdir -p "$OUT"
failed=0
one() { # TERM WxH MODE
    local term=$1 size=$2 mode=$3 W=${2%x*} H=${2#*x}
    local tag="$term-$size-$mode" work sock n=0 st i
    local dir="$OUT/$tag"; rm -rf "$dir"; mkdir -p "$dir"
    work=$(mktemp -d); cp -R "$STUDY" "$work/s"
    sock="csmx-$$-$RANDOM"
    tm() { tmux -L "$sock" -f /dev/null "$@"; }
    local envs="env -i PATH=$PATH HOME=$work TERM=$term"
    case $mode in utf8) envs+=" LC_ALL=C.UTF-8" ;; C) envs+=" LC_ALL=C" ;; nocolor) envs+=" LC_ALL=C.UTF-8 NO_COLOR=1" ;; esac
    tm new-session -d -s m -x "$W" -y "$H" "$envs sh"
    tm send-keys -t m "cd $work; sh -c 'echo \$\$ >pid; exec $CS s' 2>err; echo EXIT=\$? >>done" Enter
    sleep 1.5
    snap() { n=$((n + 1)); tm capture-pane -p -t m >"$dir/$(printf %02d $n)-$1.txt" 2>/dev/null; }
    k() { tm send-keys -t m "$@"; sleep 0.25; }
    snap start
    k '?'; snap help; k Escape
    k 2; snap lattice; k s; snap hasse; k s; k z; snap zoom; k z; k f; k -l ddi; snap filter; k Enter; k f; k Enter
    k x; k Escape; k /; k -l git; k Enter; snap search
    k 3; snap heatmaps; k p; k v; snap values
    k 4; sleep 2; snap round; k '?'; snap round-help; k Escape
    k o; snap editor; k Escape; k x; snap reject; k Escape; k m; k Escape
    k Enter; snap confirm; k n
    k R; snap runs; k Escape
    k 5; snap history; k l; k l; snap entry
    k 6; snap table; k Enter; snap detail; k Escape; k f; k -l RE; k Enter; snap table-filter
    k t; snap targets; k Escape
    k 1; snap study
    for i in $(seq 20); do tm resize-window -t m -x $((10 + RANDOM % 200)) -y $((4 + RANDOM % 60)); sleep 0.02; done
    tm resize-window -t m -x "$W" -y "$H"; sleep 0.5; snap after-storm
    k 2; k j; k l; snap keys-after
    k q
    for i in $(seq 50); do [ -s "$work/done" ] && break; sleep 0.2; done
    st=$(cat "$work/done" 2>/dev/null)
    local alt cur kp
    alt=$(tm display-message -p -t m '#{alternate_on}'); cur=$(tm display-message -p -t m '#{cursor_flag}')
    kp=$(tm display-message -p -t m '#{keypad_cursor_flag}')
    snap end
    local verdict=ok
    if [ -z "$st" ]; then
        verdict="HANG"; kill -KILL "$(cat "$work/pid")" 2>/dev/null
    elif [ "$st" != EXIT=0 ] && ! { [ "$term" = dumb ] && [ "$st" = EXIT=1 ]; }; then
        verdict="FAILED ($st: $(head -c 200 "$work/err"))"
    elif [ "$alt" != 0 ] || [ "$cur" != 1 ] || [ "$kp" != 0 ]; then
        verdict="NOT RESTORED (alternate $alt, cursor $cur, keypad $kp)"
    fi
    echo "$tag: $verdict"
    [ "$verdict" = ok ] || failed=1
    tm kill-server 2>/dev/null
    rm -rf "$work"
}
for term in $TERMS; do for size in $SIZES; do for mode in $MODES; do one "$term" "$size" "$mode"; done; done; done
exit $failed
