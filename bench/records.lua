-- Record protection throughput: seal on one state, open on its peer, for
-- --size-byte application-data records (the fragment transform of
-- tlshs.record_protection, keys as the suite's key block would give them;
-- framing and the transport are not included).  Not a test: `make bench`
-- runs it beside OpenSSL's and libsodium's figures.
--
--   lua5.4 bench/records.lua --suite TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 [--size 16384] [-n 2000]
--
-- MB/s counts the plaintext once per seal+open pair.  The last line is always "MB/s: X".
local dir = (arg and arg[0] and arg[0]:match("^(.*)/[^/]*$")) or "."
dofile(dir .. "/../scripts/setup.lua")
local argparse = require "argparse"
local tlshs = require "tlshs"
local suites = require "tlshs.suites"
local keys = require "tlshs.keys"

local parser = argparse("records.lua", "Record seal+open throughput.")
parser:option("--suite", "IANA cipher suite name."):count(1)
parser:option("--size", "Plaintext bytes per record.", "16384")
parser:option("-n", "Records.", "2000")
parser:flag("--no-etm", "CBC suites: MAC-then-encrypt (default: encrypt-then-MAC, RFC 7366).")
local args = parser:parse()

local suite = suites.by_name[args.suite] or parser:error("unknown suite " .. args.suite)
local size, n = tonumber(args.size), tonumber(args.n)
local now = require("socket").gettime

tlshs.set_random(string.rep("\7", 32))
local master = tlshs.secret(tlshs.random(48))
local client_write = keys.key_block(suite, master, tlshs.random(32), tlshs.random(32), not args.no_etm)
local sealer = tlshs.record_protection(client_write)
local opener = tlshs.record_protection(client_write)
local seal, open = sealer.seal, opener.open
local plain = string.rep("\90", size)

for _ = 1, 20 do assert(open(opener, 23, seal(sealer, 23, plain)) == plain) end
local t0 = now()
for _ = 1, n do
  local out = open(opener, 23, seal(sealer, 23, plain))
  if not out then error("open failed") end
end
local dt = now() - t0
print(string.format("suite: %s  cipher: %s  size: %d  n: %d  seconds: %.3f", args.suite, suite.cipher, size, n, dt))
print(string.format("MB/s: %.1f", size * n / dt / 1e6))
