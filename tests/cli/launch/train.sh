#!/bin/sh
# A training program for the launch tests: train.sh RUN DATASETS_CSV RESULT. What it does is
# looked up in ./modes (lines "RUN MODE", relative to the study: runs start there); default ok.
run=$1 ds=$2 out=$3
mode=$(awk -v r="$run" '$1 == r { print $2 }' modes 2>/dev/null)
combo=$(echo "$ds" | tr , +)
write() {
    echo "combination,dataset,f1" >"$out.part"
    for d in $(echo "$ds" | tr , ' '); do echo "$combo,$d,$1" >>"$out.part"; done
    mv "$out.part" "$out"
}
seeded() { # with a seed, and a column the study's table has not
    echo "combination,dataset,f1,seed,gpu" >"$out.part"
    for d in $(echo "$ds" | tr , ' '); do echo "$combo,$d,$1,7,a100" >>"$out.part"; done
    mv "$out.part" "$out"
}
echo "training $run on $ds ($mode)"
case ${mode:-ok} in
ok) write 0.7 ;;
seeded) seeded 0.7 ;;
fail) echo "out of memory" >&2; exit 3 ;;
malformed) printf 'combination,dataset,f1\n%s,%s,high\n' "$combo" "${ds%%,*}" >"$out" ;;
sleep) sleep 60; write 0.7 ;;
flaky) if [ -e "flaky.$run" ]; then write 0.71; else : >"flaky.$run"; exit 1; fi ;;
noresult) ;;
esac
