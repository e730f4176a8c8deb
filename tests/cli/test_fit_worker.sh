# Issue 11: a fit on a large table blocked the explorer (154 s on a 1M-row table, no way out).
# Now it runs on a worker thread: the status line counts the seconds, Esc cancels, keys typed
# meanwhile are kept, and above 5,000 runs the fit uses a sample, said on screen.

if ! command -v tmux >/dev/null 2>&1; then
    case_begin "fits off the UI thread"
    _case_fail "tmux is not installed (scripts/ensure-deps installs it)"
else

"$CS" synth --datasets 20 --runs 40000 --seed 3 -o "$TMP/big.csv" >/dev/null 2>&1
SOCK="cs-fit-$$"
PANE=fit
PANE_WAIT=10  # tm, wait_for: tests/cli/lib.sh
tm new-session -d -s fit -x 120 -y 30 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
tm send-keys -t fit "'$CS' '$TMP/big.csv'; echo EXIT=\$?" Enter

case_begin "a long fit: the seconds are counted, Esc cancels it at once"
if wait_for "1 Study" 30; then
    tm send-keys -t fit 4
    wait_for "fitting auto on a sample of 5000 of [0-9]+ runs.* [0-9]+ s +\(Esc cancels\)"
    tm send-keys -t fit Escape
    wait_for "fit cancelled \(Esc\)" 2
    case_begin "after a cancel the explorer answers keys at once"
    tm send-keys -t fit 1; wait_for "20 datasets, [0-9]+ task types" 2

    tm send-keys -t fit q; wait_for "EXIT=0" 5

    case_begin "quitting at once after a cancel, while the worker still fits, exits cleanly"
    # the cancelled worker is detached and still inside the fit: the process leaves without
    # running exit handlers under it (round_fits_running)
    tm send-keys -t fit clear Enter
    tm send-keys -t fit "'$CS' '$TMP/big.csv'; echo EXIT=\$?" Enter
    if wait_for "1 Study" 30; then
        tm send-keys -t fit 4
        wait_for "fitting auto on a sample" 10
        tm send-keys -t fit Escape q
        wait_for "EXIT=0" 10
    fi

    case_begin "a fit to the end says it fitted a sample of the runs"
    # the additive predictor: quick even in the sanitizer build
    printf '{\n  "comboscope": 1,\n  "tables": ["big.csv"],\n  "search": {"predictor": "additive"}\n}\n' >"$TMP/big.json"
    tm send-keys -t fit "'$CS' '$TMP/big.json'; echo EXIT=\$?" Enter
    wait_for "1 Study" 30
    tm send-keys -t fit 4
    wait_for "predictor additive \(cv rho [-0-9.]+, mae [0-9.]+ on a sample of 5000 of [0-9]+ runs\)" 120
    tm send-keys -t fit q; wait_for "EXIT=0" 5
fi
tm kill-server 2>/dev/null
fi
