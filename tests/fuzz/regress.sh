#!/bin/sh
# The short fuzz regression of `make check`: each libFuzzer harness runs once over its seed
# corpus (tests/fuzz/corpus/NAME) and the inputs that once crashed it or that reproduce
# issues (tests/fuzz/crashers/NAME), then mutates for FUZZ_REGRESS_SECONDS (default 1) more.
# Usage: regress.sh BINARY...   Exit status 1 if any harness crashed, leaked, hung or hit UB.
set -u
secs=${FUZZ_REGRESS_SECONDS:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/csfuzz-regress-XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
failed=0
total=0
for bin in "$@"; do
    short=$(basename "$bin"); short=${short#fuzz_}
    dirs=
    for d in "$root/tests/fuzz/corpus/$short" "$root/tests/fuzz/crashers/$short"; do
        [ -d "$d" ] && dirs="$dirs $d"
    done
    n=$(cat /dev/null $(for d in $dirs; do ls "$d"/* 2>/dev/null; done) | wc -c)
    dict=
    [ -f "$root/tests/fuzz/$short.dict" ] && dict=-dict=$root/tests/fuzz/$short.dict
    log=$scratch/$short.log
    # every stored input once (-runs=0: replay only), then a short mutation run on a copy
    mkdir -p "$scratch/$short"
    for d in $dirs; do cp "$d"/* "$scratch/$short"/ 2>/dev/null; done
    if TMPDIR=$scratch "$bin" -runs=0 -timeout=10 -rss_limit_mb=1024 $dirs >"$log" 2>&1 &&
       TMPDIR=$scratch "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -max_len=16384 $dict \
            -artifact_prefix="$scratch/$short-" "$scratch/$short" >>"$log" 2>&1; then
        runs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#')
        total=$((total + ${runs:-0}))
    else
        echo "fuzz-regress: $short FAILED" >&2
        grep -E '^(==[0-9]+==ERROR|SUMMARY)|runtime error|Test unit written' "$log" | head -4 >&2
        mkdir -p "$root/build-fuzz/artifacts"
        cp "$scratch/$short"-* "$root/build-fuzz/artifacts/" 2>/dev/null
        failed=1
    fi
done
[ $failed = 0 ] && echo "fuzz-regress: $# harnesses over their corpus and crashers, then ${secs}s each: $total inputs, no failure"
exit $failed
