#!/bin/sh
# Where a handshake's instructions go (bench/README.md): callgrind on
# bench/handshake.lua, then the inclusive cost of the public-key entry points
# of our core against the whole run minus start-up (the same script with -n 0).
#   sh bench/profile.sh SUITE GROUP|- KIND [N]     KIND: rsa | ec | ed
set -e
suite=$1; group=$2; kind=$3; n=${4:-20}
certs=build/bench/certs
out=build/bench/callgrind
mkdir -p $out
g=""; [ "$group" != "-" ] && g="--group $group"
for count in 0 $n; do
  valgrind --tool=callgrind --callgrind-out-file=$out/$kind-$suite-$group.$count lua5.4 bench/handshake.lua \
    --suite $suite $g --cert $certs/$kind.pem --key $certs/$kind.key --cafile $certs/$kind-ca.pem \
    -n $count --warmup 0 >/dev/null 2>&1
done
lua5.4 bench/profile_report.lua $out/$kind-$suite-$group.0 $out/$kind-$suite-$group.$n $n
