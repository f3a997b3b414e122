-- Recorded TLS 1.2 conversations (spec/vectors/tls12-transcripts, see
-- PROVENANCE.md §4), replayed through the crypto API only: RSA premaster
-- decryption, X25519 shared secrets, ServerKeyExchange signatures, the
-- (extended) master secret, key block and Finished verify_data.
-- The records and handshake messages are split here in plain Lua (5-byte
-- record headers, 4-byte handshake headers), independent of the message code.
local tlshs = require "tlshs"
local helpers = require "spec.helpers"
local unhex, hex = helpers.unhex, helpers.hex
local dir = helpers.vectors .. "/tls12-transcripts/"
local read_flows = require("spec.support.go_flows").read

local function u16(s, i) return s:byte(i) * 256 + s:byte(i + 1) end
local function u24(s, i) return s:byte(i) * 65536 + s:byte(i + 1) * 256 + s:byte(i + 2) end


-- Plaintext handshake messages in order, until each side's ChangeCipherSpec.
local function handshake_messages(flows)
  local msgs, encrypted = {}, {}
  for _, f in ipairs(flows) do
    local d, i, hs = f.bytes, 1, {}
    while i + 4 <= #d do
      local ctype, len = d:byte(i), u16(d, i + 3)
      local body = d:sub(i + 5, i + 4 + len)
      assert(#body == len, "truncated record")
      if ctype == 20 then encrypted[f.from] = true end
      if ctype == 22 and not encrypted[f.from] then hs[#hs + 1] = body end
      i = i + 5 + len
    end
    local s, j = table.concat(hs), 1
    while j + 3 <= #s do
      local mlen = u24(s, j + 1)
      msgs[#msgs + 1] = {type = s:byte(j), from = f.from, raw = s:sub(j, j + 3 + mlen),
                         body = s:sub(j + 4, j + 3 + mlen)}
      j = j + 4 + mlen
    end
  end
  return msgs
end

local function find(msgs, t)
  for _, m in ipairs(msgs) do if m.type == t then return m end end
end

-- ServerHello: random, cipher suite, and whether extended_master_secret (23) is on.
local function server_hello(body)
  local sid = body:byte(35)
  local p = 36 + sid
  local sh = {random = body:sub(3, 34), suite = u16(body, p), ems = false}
  p = p + 3
  if p <= #body then
    local stop = p + 2 + u16(body, p)
    p = p + 2
    while p < stop do
      if u16(body, p) == 23 then sh.ems = true end
      p = p + 4 + u16(body, p + 2)
    end
  end
  return sh
end

local suites = {   -- hash of the PRF, key block length (RFC 5246 §6.3)
  [0x009c] = {"sha256", 2 * 16 + 2 * 4},        -- RSA AES_128_GCM_SHA256
  [0x009d] = {"sha384", 2 * 32 + 2 * 4},        -- RSA AES_256_GCM_SHA384
  [0xc02f] = {"sha256", 2 * 16 + 2 * 4},        -- ECDHE_RSA AES_128_GCM_SHA256
  [0xc013] = {"sha256", 2 * 20 + 2 * 16 + 2 * 16}, -- ECDHE_RSA AES_128_CBC_SHA
  [0xcca8] = {"sha256", 2 * 32 + 2 * 12},       -- ECDHE_RSA CHACHA20_POLY1305
}

-- Master secret (RFC 5246 §8.1, RFC 7627 §4), key block (§6.3) and the
-- expected Finished verify_data (§7.4.9) of the client.
local function derive(msgs, pms)
  local ch, sh = find(msgs, 1), server_hello(find(msgs, 2).body)
  local crandom = ch.body:sub(3, 34)
  local suite = assert(suites[sh.suite], string.format("suite %04x", sh.suite))
  local h = tlshs.hash_new(suite[1])
  local upto_cke = nil
  for _, m in ipairs(msgs) do
    h:update(m.raw)
    if m.type == 16 then upto_cke = h:fork() end
  end
  local ms
  if sh.ems then
    ms = tlshs.prf(suite[1], pms, "extended master secret", upto_cke:digest(), 48)
  else
    ms = tlshs.prf(suite[1], pms, "master secret", crandom .. sh.random, 48)
  end
  local kb = tlshs.prf(suite[1], ms, "key expansion", sh.random .. crandom, suite[2])
  local cfin = tlshs.prf(suite[1], ms, "client finished", upto_cke:digest(), 12)
  return {ms = ms, key_block = kb, client_verify_data = cfin, ems = sh.ems, crandom = crandom,
          srandom = sh.random, suite = sh.suite, hash = suite[1]}
end

-- Each side's first protected record is its Finished (RFC 5246 §7.4.9):
-- open both with the key block derived above (through the flows' key
-- schedule and record protection) and compare with the verify_data computed
-- from the transcript.
local flow_suites = require "tlshs.suites"
local keys = require "tlshs.keys"
local go_flows = require "spec.support.go_flows"

local function check_finished(path, msgs, d)
  local suite = assert(flow_suites.by_id[d.suite])
  local client_write, server_write = keys.key_block(suite, d.ms, d.crandom, d.srandom, false)
  local protection = { client = tlshs.record_protection(client_write), server = tlshs.record_protection(server_write) }
  local first, active = {}, {}
  for _, f in ipairs(go_flows.read(path)) do
    for _, r in ipairs(go_flows.records(f.bytes)) do
      if active[f.from] and not first[f.from] then
        first[f.from] = assert(protection[f.from]:open(r.type, r.fragment))
      end
      if r.type == 20 then active[f.from] = true end
    end
  end
  local header = string.char(20, 0, 0, 12)
  assert.equal(hex(header .. d.client_verify_data:bytes()), hex(first.client))
  -- the server's transcript adds the client Finished, then NewSessionTicket
  local h = tlshs.hash_new(d.hash)
  for _, m in ipairs(msgs) do if m.type ~= 4 then h:update(m.raw) end end
  h:update(first.client)
  for _, m in ipairs(msgs) do if m.type == 4 then h:update(m.raw) end end
  local server_verify_data = tlshs.prf(d.hash, d.ms, "server finished", h:digest(), 12)
  assert.equal(hex(header .. server_verify_data:bytes()), hex(first.server))
end

local go_key
local function server_key()
  go_key = go_key or assert(tlshs.load_private_key(helpers.read_file(dir .. "go-crypto-tls/go_testRSAPrivateKey.pem")))
  return go_key
end

describe("recorded TLS 1.2 conversations, RSA key exchange", function()
  local files = {
    {"go-crypto-tls/utls/Client-TLSv12-AES128-GCM-SHA256", 0x009c, true},
    {"go-crypto-tls/utls/Client-TLSv12-AES256-GCM-SHA384", 0x009d, true},
    {"go-crypto-tls/golang-go/Client-TLSv12-AES128-GCM-SHA256", 0x009c, false},
  }
  for _, f in ipairs(files) do
    it(f[1] .. ": the premaster decrypts to 0303 + 46 zero bytes; both Finished check", function()
      local msgs = handshake_messages(read_flows(dir .. f[1]))
      local cke = assert(find(msgs, 16), "client_key_exchange")
      assert.equal("client", cke.from)
      local ct = cke.body:sub(3)
      assert.equal(u16(cke.body, 1), #ct)
      local key = server_key()
      -- plain decryption shows the exact plaintext ...
      assert.equal("0303" .. string.rep("00", 46), hex(key:rsa_decrypt(ct)))
      -- ... and the countermeasure path returns that same value
      local pms = key:rsa_decrypt_premaster(ct, 0x0303)
      assert.equal("0303" .. string.rep("00", 46), hex(pms:bytes()))
      -- a wrong client_version gives a random premaster instead
      assert.not_equal(pms:bytes(), key:rsa_decrypt_premaster(ct, 0x0302):bytes())
      local d = derive(msgs, pms)
      assert.equal(f[2], d.suite)
      assert.equal(f[3], d.ems)
      assert.equal(48, d.ms:len())
      assert.matches("tlshs.secret", tostring(d.ms))
      assert.equal(suites[f[2]][2], d.key_block:len())
      assert.equal(12, d.client_verify_data:len())
      check_finished(dir .. f[1], msgs, d)
    end)
  end
end)

describe("recorded TLS 1.2 conversations, ECDHE X25519", function()
  local files = {
    "go-crypto-tls/utls/Client-TLSv12-ECDHE-RSA-AES",
    "go-crypto-tls/utls/Client-TLSv12-ECDHE-RSA-CHACHA20-POLY1305",
    "go-crypto-tls/utls/Client-TLSv12-X25519-ECDHE",
    "go-crypto-tls/golang-go/Client-TLSv12-X25519-ECDHE",
  }
  for _, f in ipairs(files) do
    it(f .. ": client key share from 32 zero bytes, SKE signature, both Finished", function()
      local msgs = handshake_messages(read_flows(dir .. f))
      local ske, cke = assert(find(msgs, 12)), assert(find(msgs, 16))
      -- ServerECDHParams: curve_type 3 (named_curve), x25519 (29), public
      assert.equal(3, ske.body:byte(1))
      assert.equal(29, u16(ske.body, 2))
      local plen = ske.body:byte(4)
      local params = ske.body:sub(1, 4 + plen)
      local server_pub = params:sub(5)
      local scheme, slen = u16(ske.body, 5 + plen), u16(ske.body, 7 + plen)
      local sig = ske.body:sub(9 + plen)
      assert.equal(slen, #sig)
      -- the client's private key is 32 zero bytes (Go's zeroSource)
      local kx = tlshs.key_exchange("x25519", {private = string.rep("\0", 32)})
      assert.equal(cke.body:sub(2), kx:public())
      assert.equal("2fe57da3", hex(kx:public():sub(1, 4)))
      -- RFC 8422 §5.4: signed over client_random + server_random + params
      local crandom = find(msgs, 1).body:sub(3, 34)
      local srandom = find(msgs, 2).body:sub(3, 34)
      local pub = server_key():public_key()
      assert.is_true(pub:verify(scheme, crandom .. srandom .. params, sig))
      assert.is_nil(pub:verify(scheme, srandom .. crandom .. params, sig))
      local z = assert(kx:agree(server_pub))
      assert.equal(32, z:len())
      local d = derive(msgs, z)
      assert.is_true(d.ems)
      assert.equal(48, d.ms:len())
      check_finished(dir .. f, msgs, d)
    end)
  end
end)

describe("illustrated-tls12 (tls12.xargs.org)", function()
  local caps = dir .. "illustrated-tls12/caps/"
  local function cap(name) return helpers.read_file(caps .. name) end
  -- each cap is one record; the handshake message follows the 5-byte header
  local function hs(name) return cap(name):sub(6) end

  it("X25519 shared secret, master secret = keylog.txt, both Finished verify_data", function()
    local chello, shello = hs("clienthello"), hs("serverhello")
    local cert, ske, shd, cke = hs("servercert"), hs("serverkeyexchange"), hs("serverhellodone"), hs("clientkeyexchange")
    -- client private key 20..3f, server 90..af (the site's keys)
    local cpriv, spriv = "", ""
    for i = 0x20, 0x3f do cpriv = cpriv .. string.char(i) end
    for i = 0x90, 0xaf do spriv = spriv .. string.char(i) end
    -- the PEM files hold the same raw keys (PKCS#8 X25519: last 32 bytes)
    local pem = helpers.read_file(helpers.vectors .. "/tls12-transcripts/illustrated-tls12/client-ephemeral-private.key")
    assert.matches("MC4CAQAwBQYDK2VuBCIEICAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/", pem, 1, true)
    local ckx = tlshs.key_exchange("x25519", {private = cpriv})
    local skx = tlshs.key_exchange("x25519", {private = spriv})
    assert.equal(cke:sub(6), ckx:public())           -- 10 000021 20 <32 bytes>
    local server_pub = ske:sub(9, 40)                -- 0c 000128 03 001d 20 <32 bytes>
    assert.equal(server_pub, skx:public())
    local z1, z2 = ckx:agree(server_pub), skx:agree(ckx:public())
    assert.is_true(tlshs.equal(z1, z2))
    -- ServerKeyExchange signature with the server's RSA key (server.key)
    local skey = assert(tlshs.load_private_key(helpers.read_file(
      helpers.vectors .. "/tls12-transcripts/illustrated-tls12/server.key")))
    local crandom, srandom = chello:sub(7, 38), shello:sub(7, 38)
    local params = ske:sub(5, 40)
    local scheme = u16(ske, 41)
    local sig = ske:sub(45)
    assert.equal(u16(ske, 43), #sig)
    assert.is_true(skey:public_key():verify(scheme, crandom .. srandom .. params, sig))
    -- master secret (no EMS here: the keylog value is the RFC 5246 one)
    local ms = tlshs.prf("sha256", z1, "master secret", crandom .. srandom, 48)
    local keylog = helpers.read_file(helpers.vectors .. "/tls12-transcripts/illustrated-tls12/keylog.txt")
    local kl_random, kl_ms = keylog:match("CLIENT_RANDOM (%x+) (%x+)")
    assert.equal(kl_random, hex(crandom))
    assert.equal(kl_ms, hex(ms:bytes()))
    -- Finished: PRF(ms, label, Hash(handshake messages)) (RFC 5246 §7.4.9)
    local h = tlshs.hash_new("sha256")
    for _, m in ipairs{chello, shello, cert, ske, shd, cke} do h:update(m) end
    local cfin_plain = cap("clientfinishedplain")
    assert.equal(hex(cfin_plain:sub(5, 16)), hex(tlshs.prf("sha256", ms, "client finished", h:digest(), 12):bytes()))
    h:update(cfin_plain:sub(1, 16))
    local sfin_plain = cap("serverfinishedplain")
    assert.equal(hex(sfin_plain:sub(5, 16)), hex(tlshs.prf("sha256", ms, "server finished", h:digest(), 12):bytes()))
    -- and the key block has the CBC-SHA layout: 2*20 MAC + 2*16 key + 2*16 IV
    assert.equal(104, #tlshs.prf("sha256", ms, "key expansion", srandom .. crandom, 104))
  end)
end)
