#!/bin/sh
# Runs bench/ctgrind_cbc.c under valgrind and checks that the only
# secret-dependent branch in the MAC-then-encrypt CBC open path is the
# final pass/fail test in open_mte (rec_cbc.c), over every padding length
# 0..255 for each MAC (SHA-1, SHA-256, SHA-384).  Prints "1 passed, 0 failed"
# or the offending reports and exits non-zero.
bin=${1:-build/ctgrind_cbc}
log=build/ctgrind.log
valgrind --error-limit=no "$bin" >"$log" 2>&1
status=$?
calls=$(sed -n 's/^\([0-9][0-9]*\) open_mte calls$/\1/p' "$log")
# every padding length 0..255 for each of the 3 MACs must have been run
pairs=$(sed -n 's/^\([0-9][0-9]*\) (MAC, padding length) pairs$/\1/p' "$log")
if [ "$status" -ne 0 ] || [ -z "$calls" ] || [ "$calls" -eq 0 ] || [ "$pairs" != 768 ]; then
    echo "ctgrind: $bin failed (exit $status): wrong results from open_mte"
    echo "0 passed, 1 failed"
    exit 1
fi
# error contexts: one "Conditional jump" (or "Use of uninitialised") per site
sites=$(grep -A3 -E 'Conditional jump|Use of uninitialised value|uninitialised value\(s\)' "$log" |
        grep -E '^==[0-9]+==    (at|by) ' | grep ' at ' | sed 's/^==[0-9]*==//' | sort -u)
n=$(printf '%s\n' "$sites" | grep -c .)
if [ "$n" -eq 1 ] && printf '%s\n' "$sites" | grep -q 'open_mte'; then
    echo "ctgrind: $calls open_mte calls, $pairs (MAC, padding length) pairs; the only secret-dependent branch is the final check:"
    printf '   %s\n' "$sites"
    echo "1 passed, 0 failed"
    exit 0
fi
echo "ctgrind: expected exactly one secret-dependent site (open_mte), found $n:"
printf '   %s\n' "$sites"
echo "0 passed, 1 failed"
exit 1
