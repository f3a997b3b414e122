-- Full TLS 1.2 handshakes per second between our client and our server in
-- one Lua VM, over the in-memory transport (no sockets, no resumption); each
-- handshake is followed by 4 bytes of application data each way and a
-- close_notify.  Not a test: `make bench` runs it beside OpenSSL's loop.
--
--   lua5.4 bench/handshake.lua --suite TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 \
--     --group x25519 --cert rsa.pem --key rsa.key --cafile rsa-ca.pem [-n 200]
--
-- --cafile: the client verifies the chain (one signature check per
-- handshake) and the host name "localhost"; --insecure skips it.
-- --memory: also measures the heap of --pairs established client+server
-- pairs kept alive (needs bench/mallinfo.so, built by `make bench`).
-- --hello max: the client's ClientHello is the largest legal one (131,396
-- bytes: 32,766 unassigned suites then the real one, 16,383 unknown
-- extensions in place of the client's own, the last of 3 bytes),
-- to show that handling stays linear in size (`make bench`, "big hello").
-- The last line is always "handshakes/s: X".
local dir = (arg and arg[0] and arg[0]:match("^(.*)/[^/]*$")) or "."
dofile(dir .. "/../scripts/setup.lua")
package.cpath = dir .. "/?.so;" .. package.cpath
local argparse = require "argparse"
local tlshs = require "tlshs"
local transport = require "tlshs.transport"

local parser = argparse("handshake.lua", "Full handshakes/s, our client against our server in memory.")
parser:option("--suite", "IANA cipher suite name."):count(1)
parser:option("--group", "Key-exchange group (ECDHE/DHE suites).")
parser:option("--cert", "Server certificate (PEM)."):count(1)
parser:option("--key", "Server private key (PEM)."):count(1)
parser:mutex(
  parser:option("--cafile", "Trust anchor for the client's verification."),
  parser:flag("--insecure", "The client does not verify the certificate.")
)
parser:option("-n", "Handshakes to time.", "200")
parser:option("--warmup", "Untimed handshakes first.", "5")
parser:flag("--memory", "Measure the heap per established client+server pair.")
parser:option("--pairs", "Pairs kept alive for --memory.", "50")
parser:option("--hello", "ClientHello: normal, or max (131,396 bytes).", "normal"):choices { "normal", "max" }
local args = parser:parse()
if not args.cafile and not args.insecure then parser:error("give --cafile FILE or --insecure") end

local now = require("socket").gettime
local shared = assert(tlshs.server.shared { cert = args.cert, key = args.key })
local client_opts = {
  ciphers = { args.suite },
  groups = args.group and { args.group } or nil,
  cafile = args.cafile, insecure = args.insecure or nil,
  servername = "localhost",
}
local server_opts = { shared = shared, ciphers = { args.suite }, groups = args.group and { args.group } or nil }

-- The largest legal ClientHello (RFC 5246 §7.4.1.2): 2^16-2 bytes of suites,
-- 2^16-1 bytes of extensions, the real suite last.
local big_suites, big_exts
if args.hello == "max" then
  big_suites, big_exts = {}, {}
  for i = 1, 32766 do big_suites[i] = 0x7000 + i % 4096 end   -- unassigned values
  big_suites[32767] = assert(require("tlshs.core").names.cipher_suites[args.suite], args.suite)
  for i = 1, 16383 do big_exts[i] = { type = 0x1000 + i, data = "" } end
  big_exts[16383].data = "abc"
end
local function big_hello(m)
  m.cipher_suites, m.extensions = big_suites, big_exts
end

-- One handshake and 4 bytes each way; returns the two connections, still
-- open when `keep` is set (for --memory), else closed.
local function one(keep)
  local a, b = transport.pair()
  local cli = tlshs.client.wrap(a, client_opts)
  local srv = tlshs.server.wrap(b, server_opts)
  if big_suites then cli:mutate("client_hello", big_hello) end
  local r = transport.run(
    function()
      local ok, err, detail = cli:handshake()
      if not ok then return nil, err, detail end
      assert(cli:send("ping"))
      assert(cli:receive(4) == "pong")
      if not keep then cli:close() end
      return true
    end,
    function()
      local ok, err, detail = srv:handshake()
      if not ok then return nil, err, detail end
      assert(srv:receive(4) == "ping")
      assert(srv:send("pong"))
      if not keep then assert(srv:receive(1) == nil); srv:close() end
      return true
    end)
  if not r[1][1] or not r[2][1] then
    error(string.format("handshake failed: client %s %s, server %s %s",
      tostring(r[1][2]), tostring(r[1][3]), tostring(r[2][2]), tostring(r[2][3])))
  end
  assert(cli.cipher_suite == args.suite, cli.cipher_suite)
  if args.group then assert(srv.group == args.group, tostring(srv.group)) end
  return cli, srv
end

for _ = 1, tonumber(args.warmup) do one() end

if args.memory then
  local ok, mallinfo = pcall(require, "mallinfo")
  local pairs_n = tonumber(args.pairs)
  collectgarbage("collect"); collectgarbage("collect")
  local lua0, heap0 = collectgarbage("count") * 1024, ok and mallinfo.in_use() or 0
  local keep = {}
  for i = 1, pairs_n do keep[i] = { one(true) } end
  collectgarbage("collect"); collectgarbage("collect")
  local lua1, heap1 = collectgarbage("count") * 1024, ok and mallinfo.in_use() or 0
  print(string.format("lua heap per pair: %d", math.floor((lua1 - lua0) / pairs_n)))
  if ok then
    -- everything malloc'd (Lua's allocator is realloc: the Lua heap is part of it)
    print(string.format("heap per pair: %d", math.floor((heap1 - heap0) / pairs_n)))
  end
  keep = nil
end

collectgarbage("collect")
local n = tonumber(args.n)
local t0 = now()
for _ = 1, n do one() end
local dt = now() - t0
print(string.format("suite: %s  group: %s  verify: %s  n: %d  seconds: %.3f", args.suite,
  tostring(args.group), args.cafile and "cafile" or "insecure", n, dt))
print(string.format("handshakes/s: %.1f", n / dt))
