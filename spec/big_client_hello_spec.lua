-- ClientHellos of 64 KiB and more. A legal ClientHello reaches 131,396
-- bytes (RFC 5246 §7.4.1.2: 2^16-2 bytes of cipher suites, §7.4.1.4: 2^16-1
-- bytes of extensions); tlshs refused anything over 65,536 bytes with
-- "illegal_parameter: handshake.length: 65580 exceeds the limit of 65536
-- bytes". Each hello below must complete against our server (in memory and
-- scripts/server.lua), whole and fragmented over many records, and against
-- openssl s_server, which completes them all (CLIENT_HELLO_MAX_LENGTH).
-- The cost of a 128 KiB hello is in bench/big_hello.lua (a spec times nothing).
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"
local converse = require "spec.support.converse"
local probe = require "tlshs.probe"
local expect = require "tlshs.expect"

local c = certs.get()
local lua = jit and "luajit" or "lua5.4"

local RSA_GCM = 0x009C      -- TLS_RSA_WITH_AES_128_GCM_SHA256
local ECDHE_RSA = 0xC02F    -- TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
local U16 = function(n) return string.char(math.floor(n / 256) % 256, n % 256) end

-- n empty extensions of distinct unassigned types (0x1000 + i; GREASE
-- values among them parse as unknown), the last one carrying last_data.
local function empty_extensions(n, last_data)
  local exts = {}
  for i = 1, n do exts[i] = { type = 0x1000 + i, data = "" } end
  exts[n].data = last_data or ""
  return exts
end

-- A signature_algorithms (13) or signature_algorithms_cert (50) extension
-- of n entries: unassigned values (0x8000 + i), then ecdsa_secp256r1_sha256
-- (0x0403, the CA's signature: OpenSSL checks the chain against the list)
-- and rsa_pkcs1_sha256 (0x0401) last, so a scan that stops at the first
-- match reads them all.
local function schemes_ext(type, n)
  local parts = {}
  for i = 1, n - 2 do parts[i] = U16(0x8000 + i) end
  parts[n - 1] = U16(0x0403)
  parts[n] = U16(0x0401)
  local list = table.concat(parts)
  return { type = type, data = U16(#list) .. list }
end

local function ext_block_size(exts)
  local n = 0
  for _, e in ipairs(exts) do n = n + 4 + #e.data end
  return n
end

-- name, cipher suites, extensions
local cases = {}
local function case(name, suites, exts) cases[#cases + 1] = { name = name, suites = suites, exts = exts } end

case("16,383 empty extensions", { RSA_GCM }, empty_extensions(16383))
case("16,383 extensions, the last one of 3 bytes", { RSA_GCM }, empty_extensions(16383, "abc"))
for _, n in ipairs { 65514, 65518, 65522 } do
  case("a padding extension of " .. n .. " bytes", { RSA_GCM }, { { type = 21, data = string.rep("\0", n) } })
end
-- with supported_groups naming x25519 (8 bytes; OpenSSL wants it for ECDHE)
local X25519 = { type = 10, data = U16(2) .. U16(29) }
case("32,760 signature_algorithms entries", { ECDHE_RSA }, { schemes_ext(13, 32760), X25519 })
case("32,744 signature_algorithms entries", { ECDHE_RSA }, { schemes_ext(13, 32744), X25519 })
case("32,744 signature_algorithms and 13 signature_algorithms_cert entries", { ECDHE_RSA },
  { schemes_ext(13, 32744), schemes_ext(50, 13), X25519 })
case("two extensions of 61,401 and 4,126 bytes", { RSA_GCM },
  { { type = 0x4001, data = string.rep("x", 61401) }, { type = 0x4002, data = string.rep("y", 65535 - 8 - 61401) } })
do -- 131,396 bytes: 32,767 cipher suites and 65,535 bytes of extensions
  local suites = {}
  for i = 1, 32766 do suites[i] = 0x7000 + i % 4096 end  -- unassigned values (repeated) first
  suites[32767] = RSA_GCM
  case("the largest ClientHello (32,767 suites, 16,383 extensions)", suites, empty_extensions(16383, "abc"))
end

for _, k in ipairs(cases) do
  assert(#k.suites * 2 <= 65534 and ext_block_size(k.exts) <= 65535, k.name .. ": not a legal ClientHello")
end

-- The client flow's hello with these suites and extensions instead of its own.
local function setup_hello(k, fragment)
  return function(cli)
    cli:mutate("client_hello", function(m)
      m.cipher_suites = k.suites
      m.extensions = k.exts
    end)
    if fragment then cli:fragment(fragment) end
  end
end

local function client_opts(k)
  return { cafile = c.ca, ciphers = { k.suites[#k.suites] == RSA_GCM and "TLS_RSA_WITH_AES_128_GCM_SHA256"
    or "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" } }
end

describe("a ClientHello of 64 KiB and more, to our server in memory", function()
  for _, k in ipairs(cases) do
    for _, fragment in ipairs { false, 1000, 61 } do
      local how = fragment and (" in records of " .. fragment .. " bytes") or " in whole records"
      it(k.name .. how .. " completes", function()
        local cli, srv, cres, sres = converse(client_opts(k), { cert = c.rsa_cert, key = c.rsa_key },
          setup_hello(k, fragment))
        assert.is_true(sres[1], tostring(sres[2]) .. ": " .. tostring(sres[3]))
        assert.is_true(cres[1], tostring(cres[2]) .. ": " .. tostring(cres[3]))
        assert.equal("pong", cli.pong)
        assert.equal("ping", srv.ping)
        assert.is_true(#srv.client_hello.raw > 65536)
      end)
    end
  end
end)

local servers = {
  openssl = { "openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert", c.rsa_cert, "-key", c.rsa_key,
    "-www", "-tls1_2",
    -- level 0: a hello without signature_algorithms implies SHA-1 (RFC 5246 §7.4.1.4.1)
    "-cipher", "ALL:@SECLEVEL=0" },
  tlshs = { lua, "scripts/server.lua", "--listen", "127.0.0.1:{port}", "--cert", c.rsa_cert, "--key", c.rsa_key, "--www" },
}

for _, name in ipairs { "openssl", "tlshs" } do
  describe("a ClientHello of 64 KiB and more, to " .. name, function()
    local peer
    setup(function() peer = peers.start(servers[name]) end)
    teardown(function() peers.stop(peer) end)

    for _, k in ipairs(cases) do
      for _, fragment in ipairs { false, 1000 } do
        local how = fragment and (" in records of " .. fragment .. " bytes") or " in whole records"
        it(k.name .. how .. " completes", function()
          local p = { name = "big_hello", options = client_opts(k), setup = setup_hello(k, fragment),
            expect = expect.completes() }
          local r = probe.run(p, { host = "127.0.0.1", port = peer.port, servername = "localhost", cafile = c.ca,
            timeout = 10 })
          assert.is_true(r.ok, "observed " .. tostring(r.observed) .. "\n" .. peers.output(peer):sub(-2000))
        end)
      end
    end
  end)
end
