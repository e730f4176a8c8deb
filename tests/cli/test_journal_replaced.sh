# Issue 11: the journal replaced (`mv x journal.jsonl`) or removed under an open explorer. The
# old program appended to the unlinked file and said "saved"; now it says the journal was
# replaced, writes nothing to the old file, and `r` reloads the journal at the path.

if ! command -v tmux >/dev/null 2>&1; then
    case_begin "journal replaced under the explorer"
    _case_fail "tmux is not installed (scripts/ensure-deps installs it)"
else

R="$TMP/rp"
mkdir -p "$R"
cp sample-results/biomed12-study/study.json sample-results/biomed12-study/runs.csv \
   sample-results/biomed12-study/journal.jsonl "$R/"
cp "$R/journal.jsonl" "$TMP/journal.orig"
SOCK="cs-jrepl-$$"
PANE=rp
PANE_WAIT=5  # tm, wait_for: tests/cli/lib.sh
lines() { wc -l <"$1"; }

tm new-session -d -s rp -x 100 -y 30 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
tm send-keys -t rp "'$CS' '$R/study.json'; echo EXIT=\$?" Enter

case_begin "journal replaced: no \"saved\", nothing written to the old file, r reloads"
if wait_for "1 Study"; then
    tm send-keys -t rp 4; wait_for "Round [0-9]+"
    tm send-keys -t rp a; wait_for "saved: #[0-9]+ accepted"
    cp "$TMP/journal.orig" "$TMP/x"
    mv "$TMP/x" "$R/journal.jsonl"
    n="$(lines "$R/journal.jsonl")"
    tm send-keys -t rp j a
    wait_for "journal was replaced on disk by another file: not saved.*"
    tm capture-pane -p -t rp | grep -Eq "saved: #[0-9]+ accepted \(journal" && _case_fail "still says saved"
    [ "$(lines "$R/journal.jsonl")" = "$n" ] || _case_fail "the journal at the path changed"
    tm send-keys -t rp r; wait_for "journal reloaded: $n lines"
    tm send-keys -t rp a; wait_for "saved: #[0-9]+ accepted \(journal line [0-9]+\)"
    said="$(tm capture-pane -p -t rp | sed -n 's/.*saved: #[0-9]* accepted (journal line \([0-9]*\)).*/\1/p')"
    [ "$(lines "$R/journal.jsonl")" = "$said" ] && [ "$said" -gt "$n" ] ||
        _case_fail "the screen says line $said, the file has $(lines "$R/journal.jsonl")"
    tail -1 "$R/journal.jsonl" | grep -q '"event":"accepted"' || _case_fail "the decision after reloading is not in the file"

    case_begin "journal removed: no \"saved\", nothing recreated until r"
    rm "$R/journal.jsonl"
    tm send-keys -t rp j a
    wait_for "journal was removed from disk: not saved"
    [ -e "$R/journal.jsonl" ] && _case_fail "a journal was written after the removal"
    tm send-keys -t rp r; wait_for "journal started again: 0 lines"
    tm send-keys -t rp q; wait_for "EXIT=0"
fi
tm kill-server 2>/dev/null
fi
