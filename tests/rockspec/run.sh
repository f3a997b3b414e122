#!/bin/sh
# make test-rockspec: installs tlshs with `luarocks make` (offline) into a
# temporary tree for Lua 5.4 and for LuaJIT, then checks from another
# directory, with only `luarocks path` as search path, that `require "tlshs"`
# works and runs handshakes in memory (tests/rockspec/smoke.lua).
# Prints "N passed, N failed, N skipped"; exits non-zero on any failure. If
# TLSHS_SUMMARY names a file, the three numbers are appended to it (as .ci/run
# expects). `make test-rockspec` then runs the #rockspec specs (the documented
# commands in scratch copies: spec/build_rockspec_spec.lua, spec/outside_repo_spec.lua).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tlshs-rockspec.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
passed=0 failed=0

fail() { echo "not ok - $1"; failed=$((failed + 1)); }

# A clean copy of what the rockspec needs (the Makefile builds it): no build/
# directory, no objects or modules.
mkdir -p "$work/src" "$work/elsewhere"
(cd "$root" && tar --exclude='*.o' --exclude='*.so' -cf - Makefile mk core lua rockspec bin scripts) | tar -xf - -C "$work/src"

if (cd "$root" && luarocks lint rockspec/tlshs-scm-1.rockspec) > "$work/lint.log" 2>&1; then
  echo "ok - luarocks lint rockspec/tlshs-scm-1.rockspec"; passed=$((passed + 1))
else
  cat "$work/lint.log"; fail "luarocks lint rockspec/tlshs-scm-1.rockspec"
fi

# Test credentials: a CA and a P-256 server certificate for localhost.
certs="$work/certs"
mkdir -p "$certs"
if ! {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$certs/ca.key" \
    -out "$certs/ca.pem" -days 2 -subj "/CN=tlshs rockspec CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$certs/server.key" \
    -out "$certs/server.csr" -subj "/CN=localhost" &&
  printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' > "$certs/ext" &&
  openssl x509 -req -in "$certs/server.csr" -CA "$certs/ca.pem" -CAkey "$certs/ca.key" -CAcreateserial \
    -days 2 -out "$certs/server.pem" -extfile "$certs/ext"
} > "$work/openssl.log" 2>&1; then
  cat "$work/openssl.log"; fail "test certificates"
fi

# one VERSION INTERPRETER [luarocks variables...]
one() {
  version=$1 lua=$2; shift 2
  tree="$work/tree-$version"
  echo "=== luarocks make for Lua $version ($lua)"
  if ! (cd "$work/src" && luarocks --lua-version "$version" --tree "$tree" make --deps-mode none \
          rockspec/tlshs-scm-1.rockspec "$@") > "$work/build-$version.log" 2>&1; then
    tail -n 30 "$work/build-$version.log"
    fail "luarocks make --lua-version $version"
    return
  fi
  echo "ok - luarocks make --lua-version $version"; passed=$((passed + 1))
  lr_path=$(luarocks --lua-version "$version" --tree "$tree" path --lr-path)
  lr_cpath=$(luarocks --lua-version "$version" --tree "$tree" path --lr-cpath)
  out=$(cd "$work/elsewhere" && LUA_PATH="$lr_path;;" LUA_CPATH="$lr_cpath;;" LUA_INIT= LUA_INIT_5_4= \
        "$lua" "$root/tests/rockspec/smoke.lua" "$tree" "$certs" 2>&1)
  echo "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
  summary=$(echo "$out" | grep '^[0-9]* passed, [0-9]* failed$' | tail -n 1)
  if [ -z "$summary" ]; then fail "smoke test under $lua did not finish"; return; fi
  set -- $summary
  passed=$((passed + $1)) failed=$((failed + $3))
}

one 5.4 lua5.4
one 5.1 luajit LUA_INCDIR=/usr/include/luajit-2.1 LUA=/usr/bin/luajit

echo "$passed passed, $failed failed, 0 skipped"
if [ -n "${TLSHS_SUMMARY:-}" ]; then echo "$passed $failed 0" >> "$TLSHS_SUMMARY"; fi
[ "$failed" -eq 0 ]
