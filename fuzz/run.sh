#!/bin/sh
# Runs each fuzz target for FUZZ_SECONDS on its seed corpus (fuzz/corpus/<t>,
# read only) plus a work corpus (build/fuzz/work/<t>, where new inputs go).
# Prints one line per target with its executions, then "N passed, N failed";
# exits non-zero when any target found a crash, leak, timeout or OOM
# (reproducers in build/fuzz/artifacts/).
#   FUZZ_SECONDS=30 sh fuzz/run.sh record_header handshake ...
secs=${FUZZ_SECONDS:-30}
pass=0
fail=0
mkdir -p build/fuzz/artifacts build/fuzz/logs
for t in "$@"; do
    mkdir -p "build/fuzz/work/$t"
    log="build/fuzz/logs/$t.log"
    if "build/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="build/fuzz/artifacts/$t-" "build/fuzz/work/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
        pass=$((pass + 1))
        status=ok
    else
        fail=$((fail + 1))
        status=FAILED
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    printf '%-14s %-6s %10s execs in %ss, cov %s\n' "$t" "$status" "${execs:-?}" "$secs" "${cov:-?}"
    if [ "$status" = FAILED ]; then
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 5 | sed 's/^/    /'
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
