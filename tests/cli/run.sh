#!/usr/bin/env bash
# Runs every tests/cli/test_*.sh against the binary given as $1 and prints "N passed, N failed".
set -u
CS="${1:?usage: run.sh BINARY}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export CS ROOT
. "$ROOT/tests/cli/lib.sh"
PASSED=0
FAILED=0
for t in "$ROOT"/tests/cli/test_*.sh; do
    TMP="$(mktemp -d)"
    export TMP
    IN_CASE=0
    cd "$ROOT" || exit 1
    . "$t"
    case_end
    rm -rf "$TMP"
done
echo "cli: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
