# Keys never fall through (issue 9), under a real terminal (tmux, private socket): `/TC_ade`
# Enter typed in every view leaves the journal as it was (it used to accept and commit in the
# Round view); `q` closes the help, the editor, the target list and the Table's detail without
# quitting; Esc in a prompt with typing says nothing was saved; `q` from a view quits.

if ! command -v tmux >/dev/null 2>&1; then
    case_begin "keys under tmux"
    _case_fail "tmux is not installed (scripts/ensure-deps installs it)"
else

SOCK="cs-keys-$$"
PANE=keys PANE_WAIT=10  # tm, screen_text, wait_for: tests/cli/lib.sh
running() { sleep 0.2; ! screen_text | grep -q "EXIT="; }
# Esc, then a pause: a key within ESCDELAY after it would be read as Alt-key
esc() { tm send-keys -t keys Escape; sleep 0.3; }

mkdir -p "$TMP/s"
cp "$ROOT"/sample-results/biomed12-study/* "$TMP/s/"
cp "$TMP/s/journal.jsonl" "$TMP/journal.before"
cp "$TMP/s/queue.csv" "$TMP/queue.before"

tm new-session -d -s keys -x 80 -y 24 "env -i PATH='$PATH' HOME='$TMP' TERM=screen-256color LC_ALL=C.UTF-8 sh"
tm send-keys -t keys "cd '$TMP' && '$CS' s; echo EXIT=\$?" Enter
wait_for "1 Study .* 6 Table"

for v in 1 2 3 4 5 6; do
    case_begin "/TC_ade Enter in view $v changes nothing"
    tm send-keys -t keys "$v"
    [ "$v" = 4 ] && wait_for "Round 5 +target"
    tm send-keys -t keys -l "/TC_ade"
    wait_for "^/TC_ade"
    tm send-keys -t keys Enter
    sleep 0.3
    running || _case_fail "the program quit"
    expect_file_eq "$TMP/journal.before" "$TMP/s/journal.jsonl"
    expect_file_eq "$TMP/queue.before" "$TMP/s/queue.csv"
done

case_begin "the Round view's note key is m (n is next match): n with no match moves nothing"
tm send-keys -t keys 4 n
sleep 0.3
expect_file_eq "$TMP/journal.before" "$TMP/s/journal.jsonl"
screen_text | grep -q "note: " && _case_fail "n opened the note prompt"

case_begin "q closes the help and leaves the program running"
tm send-keys -t keys '?'; wait_for "Round keys"
tm send-keys -t keys q; wait_for "Round 5 +target"
running || _case_fail "q in the help quit the program"

case_begin "Esc closes the help; ? again closes it too"
tm send-keys -t keys '?'; wait_for "Round keys"
esc; wait_for "Round 5 +target"
tm send-keys -t keys '?'; wait_for "Round keys"
tm send-keys -t keys '?'; wait_for "Round 5 +target"
running || _case_fail "the program quit"

case_begin "q leaves the combination editor without deciding, and the program runs"
tm send-keys -t keys o; wait_for "Override #1"
tm send-keys -t keys q; wait_for "no decision made"
running || _case_fail "q in the editor quit the program"
expect_file_eq "$TMP/journal.before" "$TMP/s/journal.jsonl"

case_begin "in the editor, keys of the view and of the program do nothing (no fall-through)"
tm send-keys -t keys o; sleep 0.3
tm send-keys -t keys 6; wait_for "does nothing here"
esc; wait_for "no decision made"
expect_file_eq "$TMP/journal.before" "$TMP/s/journal.jsonl"

case_begin "q closes the target list"
tm send-keys -t keys t; wait_for "─ target ─|- target -"
tm send-keys -t keys q; sleep 0.3
running || _case_fail "q in the target list quit the program"

case_begin "Esc in a prompt with typing: cancelled: nothing saved"
tm send-keys -t keys m; wait_for "^note:"
tm send-keys -t keys -l "a thought"
esc; wait_for "cancelled: nothing saved"
expect_file_eq "$TMP/journal.before" "$TMP/s/journal.jsonl"

case_begin "q in a prompt is text, Esc leaves it"
tm send-keys -t keys /; tm send-keys -t keys -l "q"; wait_for "^/q"
running || _case_fail "q in the search prompt quit"
esc

case_begin "Table view: q and Esc close the open detail, and the program runs"
tm send-keys -t keys 6; wait_for "row \\(Enter: every value"
tm send-keys -t keys Enter; wait_for "detail \\(Enter or Esc closes"
tm send-keys -t keys q; wait_for "row \\(Enter: every value"
running || _case_fail "q in the Table's detail quit the program"
tm send-keys -t keys Enter; wait_for "detail \\(Enter or Esc closes"
esc; wait_for "row \\(Enter: every value"
running || _case_fail "Esc in the Table's detail quit the program"
tm send-keys -t keys Enter; wait_for "detail \\(Enter or Esc closes"
tm send-keys -t keys 1; wait_for "Table: detail: this key does nothing here"
tm send-keys -t keys Enter; wait_for "row \\(Enter: every value"

case_begin "q from a view (the Table, its detail closed) quits"
tm send-keys -t keys q; wait_for "EXIT=0"
expect_file_eq "$TMP/journal.before" "$TMP/s/journal.jsonl"

tm kill-server 2>/dev/null
fi
