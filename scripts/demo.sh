#!/usr/bin/env bash
# The main job: a full TLS 1.2 handshake between the tlshs client and the
# tlshs server on 127.0.0.1, shown message by message (--trace), with a CA
# and a server certificate generated on the fly. Extra arguments go to the
# client (e.g. --cipher TLS_RSA_WITH_AES_128_GCM_SHA256, --reconnect); the
# exit status is the client's.
set -eu
cd "$(dirname "$0")/.."
LUA=${LUA:-lua5.4}
dir=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -keyout "$dir/ca.key" -out "$dir/ca.pem" -subj "/CN=tlshs demo CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$dir/server.key" -out "$dir/server.csr" \
  -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > "$dir/ext"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
  -days 1 -out "$dir/server.pem" -extfile "$dir/ext" 2>/dev/null

port=$($LUA -e 'local s = require("socket").bind("127.0.0.1", 0); local _, p = s:getsockname(); print(p); s:close()')
# The server serves until the client is done (not --once: the client may
# connect more than once, e.g. with --reconnect), then it is stopped.
$LUA scripts/server.lua --listen "127.0.0.1:$port" --cert "$dir/server.pem" --key "$dir/server.key" \
  --www 2> "$dir/server.log" &
server=$!
for _ in $(seq 100); do
  grep -q listening "$dir/server.log" && break
  sleep 0.05
done

status=0
$LUA scripts/client.lua --connect "127.0.0.1:$port" --servername localhost --cafile "$dir/ca.pem" \
  --send 'GET / HTTP/1.0\r\n\r\n' --trace "$@" || status=$?
sleep 0.2 # the server's last log line
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
server=""
echo "--- server log:"
cat "$dir/server.log"
exit $status
