#!/bin/sh
# Runs each libFuzzer harness for SECONDS on a working copy of its seed corpus
# (tests/fuzz/corpus/NAME), with tests/fuzz/NAME.dict when there is one; reproducers of what it
# finds go to build-fuzz/artifacts/. Usage: run.sh SECONDS BINARY...
# Exit status 1 if any harness found a crash, leak, hang or undefined behaviour.
set -u
secs=$1; shift
root=$(cd "$(dirname "$0")/../.." && pwd)
art=$root/build-fuzz/artifacts
mkdir -p "$art"
failed=0
for bin in "$@"; do
    short=$(basename "$bin"); short=${short#fuzz_}
    work=$root/build-fuzz/corpus/$short
    mkdir -p "$work"
    [ -d "$root/tests/fuzz/corpus/$short" ] && cp "$root/tests/fuzz/corpus/$short"/* "$work"/
    dict=
    [ -f "$root/tests/fuzz/$short.dict" ] && dict=-dict=$root/tests/fuzz/$short.dict
    echo "fuzz: $short for ${secs}s"
    if nice "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -max_len=16384 $dict \
            -artifact_prefix="$art/$short-" -print_final_stats=1 "$work" >"$art/$short.log" 2>&1; then
        grep -E '^#[0-9]+[[:space:]]+DONE' "$art/$short.log" | sed "s/^/fuzz: $short: /"
    else
        echo "fuzz: $short FAILED (log: $art/$short.log)" >&2
        grep -E '^(==[0-9]+==ERROR|SUMMARY)|runtime error' "$art/$short.log" | head -3 >&2
        failed=1
    fi
done
exit $failed
