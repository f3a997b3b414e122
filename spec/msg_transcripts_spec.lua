-- Recorded conversations with real peers: every plaintext record and every
-- handshake message parses and rebuilds byte for byte.
--   * spec/vectors/tls12-transcripts/go-crypto-tls (Go hex.Dump flows)
--   * spec/fixtures/captures (our own loopback captures, see the README there)
local tlshs = require "tlshs"
local helpers = require "spec.helpers"

local read_go_flows = require("spec.support.go_flows").read

local function copy(t)
  if type(t) ~= "table" then return t end
  local c = {}
  for k, v in pairs(t) do c[k] = copy(v) end
  return c
end


local function kx_of(suite)
  local name = tlshs.names.cipher_suites[suite] or ""
  if name:find("ECDHE", 1, true) then return "ecdhe" end
  if name:find("DHE", 1, true) then return "dhe" end
  if name:find("TLS_RSA_", 1, true) then return "rsa" end
  return nil
end

-- Walks flows [{from=, bytes=}] in order; returns the list of message types seen per direction.
local function walk(flows, label)
  local state = {
    client = { reasm = tlshs.reassembler(), encrypted = false, types = {} },
    server = { reasm = tlshs.reassembler(), encrypted = false, types = {} },
  }
  local kx
  for n, flow in ipairs(flows) do
    local st = state[flow.from]
    local pos = 1
    while pos <= #flow.bytes do
      local rec, nextpos = tlshs.parse_record(flow.bytes, pos)
      assert.is_table(rec, label .. " flow " .. n .. ": " .. tostring(nextpos))
      assert.equal(flow.bytes:sub(pos, nextpos - 1), tlshs.build_record(rec))
      pos = nextpos
      if rec.content_type == 20 then
        assert.same({ type = 1 }, tlshs.parse_change_cipher_spec(rec.fragment))
        assert.equal(0, st.reasm:pending())
        st.encrypted = true
      elseif rec.content_type == 21 and not st.encrypted then
        assert.is_table(tlshs.parse_alert(rec.fragment))
      elseif rec.content_type == 22 and not st.encrypted then
        st.reasm:push(rec.fragment)
        while true do
          local raw = st.reasm:next()
          if not raw then break end
          local m, np, detail = tlshs.parse_handshake(raw, 1, { kx = kx })
          assert.is_table(m, label .. ": " .. tostring(np) .. " " .. tostring(detail))
          assert.equal(#raw + 1, np)
          assert.equal(raw, tlshs.build_handshake(m))
          local t = copy(m)
          t.raw = nil
          local again = tlshs.parse_handshake(tlshs.build_handshake(t), 1, { kx = kx })
          again.raw = nil
          assert.same(t, again)
          if m.msg_type == "server_hello" then kx = kx_of(m.cipher_suite) end
          if m.msg_type == "server_key_exchange" or m.msg_type == "client_key_exchange" then
            assert.is_nil(m.body, label .. ": " .. m.msg_type .. " kept raw")
          end
          st.types[#st.types + 1] = m.msg_type
        end
      end
    end
  end
  return state.client.types, state.server.types
end

local GO = helpers.vectors .. "/tls12-transcripts/go-crypto-tls/"

describe("Go crypto/tls recorded conversations", function()
  local files = {
    { "utls/Client-TLSv12-AES128-GCM-SHA256", false },
    { "utls/Client-TLSv12-AES256-GCM-SHA384", false },
    { "utls/Client-TLSv12-ECDHE-RSA-AES", true },
    { "utls/Client-TLSv12-ECDHE-RSA-CHACHA20-POLY1305", true },
    { "utls/Client-TLSv12-X25519-ECDHE", true },
    { "golang-go/Client-TLSv12-AES128-GCM-SHA256", false },
    { "golang-go/Client-TLSv12-X25519-ECDHE", true },
  }
  for _, f in ipairs(files) do
    it(f[1], function()
      local client, server = walk(read_go_flows(GO .. f[1]), f[1])
      assert.same({ "client_hello", "client_key_exchange" }, client)
      if f[2] then
        assert.same({ "server_hello", "certificate", "server_key_exchange", "server_hello_done" }, server)
      else
        assert.same({ "server_hello", "certificate", "server_hello_done" }, server)
      end
    end)
  end

  it("the Go client hello is what hex.Dump shows", function()
    local flows = read_go_flows(GO .. "utls/Client-TLSv12-X25519-ECDHE")
    local rec = tlshs.parse_record(flows[1].bytes)
    local ch = tlshs.parse_handshake(rec.fragment)
    assert.equal(string.rep("\0", 32), ch.random)   -- Go's zeroSource
    local ks
    for _, e in ipairs(ch.extensions) do if e.name == "key_share" then ks = e end end
    assert.equal(29, ks.client_shares[1].group)
    assert.equal("2fe57da3", helpers.hex(ks.client_shares[1].key_exchange):sub(1, 8))
  end)
end)

-- Our own captures: spec/fixtures/captures/<name>.c2s and .s2c (raw TCP bytes).
local CAP = helpers.root .. "/spec/fixtures/captures/"
local function capture_names()
  local names = {}
  local f = io.open(CAP .. "INDEX")
  if not f then return names end
  for line in f:lines() do
    if line:match("^%S") and not line:match("^#") then names[#names + 1] = line:match("^(%S+)") end
  end
  f:close()
  return names
end

-- what each capture holds before ChangeCipherSpec (see spec/fixtures/captures/INDEX)
local CH, SH, CERT, SKE, CR, SHD, CKE, CV, NST = "client_hello", "server_hello", "certificate",
  "server_key_exchange", "certificate_request", "server_hello_done", "client_key_exchange", "certificate_verify",
  "new_session_ticket"
local EXPECTED = {
  ["openssl-rsa-aes128gcm"] = { { CH, CKE }, { SH, CERT, SHD, NST } },
  ["openssl-ecdhe-rsa-aes256gcm"] = { { CH, CKE }, { SH, CERT, SKE, SHD, NST } },
  ["openssl-dhe-rsa-aes128gcm"] = { { CH, CKE }, { SH, CERT, SKE, SHD, NST } },
  ["openssl-ecdhe-ecdsa-clientauth"] = { { CH, CERT, CKE, CV }, { SH, CERT, SKE, CR, SHD, NST } },
  ["gnutls-cli-to-openssl"] = { { CH, CKE }, { SH, CERT, SKE, SHD, NST } },
  ["curl-to-openssl"] = { { CH, CKE }, { SH, CERT, SKE, SHD } },
  ["openssl-to-gnutls-serv"] = { { CH, CERT, CKE }, { SH, CERT, SKE, CR, SHD, NST } },
  ["gnutls-cli-to-gnutls-serv-dhe"] = { { CH, CERT, CKE }, { SH, CERT, SKE, CR, SHD, NST } },
}

describe("captures from real peers", function()
  it("are all there", function()
    local names = capture_names()
    table.sort(names)
    local want = {}
    for k in pairs(EXPECTED) do want[#want + 1] = k end
    table.sort(want)
    assert.same(want, names)
  end)

  for _, name in ipairs(capture_names()) do
    it(name, function()
      local c2s = helpers.read_file(CAP .. name .. ".c2s")
      local s2c = helpers.read_file(CAP .. name .. ".s2c")
      -- each direction is one byte stream: the client's first flight, then the server's
      -- whole stream, then the rest of the client's (kx is known from the server hello)
      local rec, first_end = tlshs.parse_record(c2s)
      assert.is_table(rec)
      local client, server = walk({ { from = "client", bytes = c2s:sub(1, first_end - 1) },
                                    { from = "server", bytes = s2c },
                                    { from = "client", bytes = c2s:sub(first_end) } }, name)
      assert.same(EXPECTED[name], { client, server })
    end)
  end
end)

-- RFC 8448 §3: TLS 1.3 hellos share the TLS 1.2 layout; their extensions
-- (key_share, supported_versions, record_size_limit, psk_key_exchange_modes)
-- are known answers for our extension decoders.
describe("RFC 8448 simple 1-RTT hellos", function()
  local s = helpers.read_json(helpers.vectors .. "/rfc8448/rfc8448_section3_simple_1rtt.json").summary
  local function ext(m, name)
    for _, e in ipairs(m.extensions) do if e.name == name then return e end end
  end

  it("client_hello", function()
    local raw = helpers.unhex(s.ClientHello)
    local m = assert(tlshs.parse_handshake(raw))
    assert.equal(raw, tlshs.build_handshake(m))
    assert.same({ 0x1301, 0x1303, 0x1302 }, m.cipher_suites)
    local ks = ext(m, "key_share")
    assert.equal(29, ks.client_shares[1].group)
    assert.equal(s.client_x25519_public, helpers.hex(ks.client_shares[1].key_exchange))
    assert.same({ 0x0304 }, ext(m, "supported_versions").versions)
    assert.same({ 1 }, ext(m, "psk_key_exchange_modes").ke_modes)
    assert.equal(0x4001, ext(m, "record_size_limit").record_size_limit)
    assert.equal("", ext(m, "session_ticket").ticket)
    for _, e in ipairs(m.extensions) do e.data = nil end
    assert.equal(raw, tlshs.build_handshake(m))
  end)

  it("server_hello", function()
    local raw = helpers.unhex(s.ServerHello)
    local m = assert(tlshs.parse_handshake(raw))
    assert.equal(raw, tlshs.build_handshake(m))
    assert.equal(0x1301, m.cipher_suite)
    assert.same({ group = 29, key_exchange = helpers.unhex(s.server_x25519_public) }, ext(m, "key_share").server_share)
    assert.equal(0x0304, ext(m, "supported_versions").selected_version)
    for _, e in ipairs(m.extensions) do e.data = nil end
    assert.equal(raw, tlshs.build_handshake(m))
  end)
end)
