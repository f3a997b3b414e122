-- Handshake messages and extensions: known answers, round trips both ways,
-- every truncation, inconsistent lengths, overrides.
local tlshs = require "tlshs"
local helpers = require "spec.helpers"
local unhex, hex = helpers.unhex, helpers.hex

local ILL = helpers.vectors .. "/tls12-transcripts/illustrated-tls12/"

-- PEM → DER (base64 without bit operators, so it runs on Lua 5.1/LuaJIT too).
local function pem_der(text)
  local b64 = text:gsub("%-%-%-%-%-[^\n]*%-%-%-%-%-", ""):gsub("%s", "")
  local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  local out, acc, bits = {}, 0, 0
  for c in b64:gmatch("[^=]") do
    acc = acc * 64 + (alphabet:find(c, 1, true) - 1)
    bits = bits + 6
    if bits >= 8 then
      bits = bits - 8
      local p = 2 ^ bits
      out[#out + 1] = string.char(math.floor(acc / p))
      acc = acc % p
    end
  end
  return table.concat(out)
end

local function copy(t)
  if type(t) ~= "table" then return t end
  local c = {}
  for k, v in pairs(t) do c[k] = copy(v) end
  return c
end

local function without_raw(m)
  local c = copy(m)
  c.raw = nil
  return c
end

-- extension types whose bodies are decoded (built from fields when data is absent)
local DECODED = { [0]=true, [1]=true, [5]=true, [10]=true, [11]=true, [13]=true, [16]=true,
  [22]=true, [23]=true, [28]=true, [35]=true, [43]=true, [45]=true, [49]=true, [50]=true,
  [51]=true, [65281]=true }

local function set_len(msg, n)
  return msg:sub(1, 1) .. string.char(math.floor(n / 65536), math.floor(n / 256) % 256, n % 256)
end

-- The checks every valid message must pass.
local function check_message(bytes, opts)
  local m, nextpos = tlshs.parse_handshake(bytes, 1, opts)
  assert.is_table(m, nextpos)
  assert.equal(#bytes + 1, nextpos)
  assert.equal(bytes, m.raw)
  -- build(parse(b)) == b
  assert.equal(hex(bytes), hex(tlshs.build_handshake(m)))
  -- parse(build(t)) == t
  local again = tlshs.parse_handshake(tlshs.build_handshake(without_raw(m)), 1, opts)
  assert.same(without_raw(m), without_raw(again))
  -- extensions rebuilt from their decoded fields give the same bytes
  if m.extensions then
    local c = without_raw(m)
    for _, e in ipairs(c.extensions) do
      if DECODED[e.type] then e.data = nil end
    end
    assert.equal(hex(bytes), hex(tlshs.build_handshake(c)))
  end
  -- every prefix of the message asks for more bytes
  for i = 0, #bytes - 1 do
    local r, why = tlshs.parse_handshake(bytes:sub(1, i), 1, opts)
    assert.is_nil(r)
    assert.equal("need_more", why)
  end
  -- every truncated body (header fixed up) is a decode_error...
  local body = bytes:sub(5)
  if m.msg_type ~= "finished" and m.msg_type ~= "hello_request" and m.msg_type ~= "server_hello_done" then
    for i = 0, #body - 1 do
      local r, why, detail = tlshs.parse_handshake(set_len(bytes, i) .. body:sub(1, i), 1, opts)
      if r and (m.msg_type == "client_hello" or m.msg_type == "server_hello") and r.extensions == nil then
        -- ...except a hello cut exactly before its extensions block, which is valid
        assert.same(m.extensions ~= nil and true or false, true)
      else
        assert.is_nil(r, "prefix " .. i .. " parsed")
        assert.equal("decode_error", why)
        assert.matches("offset %d+", detail)
      end
    end
  end
  -- and one trailing byte too many is refused, naming the offset
  local r, why, detail = tlshs.parse_handshake(set_len(bytes, #body + 1) .. body .. "\0", 1, opts)
  if m.msg_type ~= "finished" and not (m.extensions == nil and (m.msg_type == "client_hello" or m.msg_type == "server_hello")) then
    assert.is_nil(r)
    assert.equal("decode_error", why)
    assert.matches("offset " .. (#bytes), detail, 1, true)
  end
  return m
end

local function record_body(name)
  local rec = assert(tlshs.parse_record(helpers.read_file(ILL .. "caps/" .. name)))
  return rec.fragment
end

describe("handshake messages: illustrated-tls12 known answers", function()
  it("client_hello", function()
    local m = check_message(record_body("clienthello"))
    assert.equal("client_hello", m.msg_type)
    assert.equal(0x0303, m.version)
    assert.equal(unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), m.random)
    assert.equal("", m.session_id)
    assert.equal(16, #m.cipher_suites)
    assert.equal(0xcca8, m.cipher_suites[1])
    assert.equal("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", tlshs.names.cipher_suites[m.cipher_suites[1]])
    assert.same({ 0 }, m.compression_methods)
    local sni = m.extensions[1]
    assert.equal(0, sni.type)
    assert.equal("server_name", sni.name)
    assert.same({ { name_type = 0, host_name = "example.ulfheim.net" } }, sni.server_name_list)
    assert.equal(1, m.extensions[2].status_type)
    assert.same({ 29, 23, 24, 25 }, m.extensions[3].named_group_list)
    assert.same({ 0 }, m.extensions[4].ec_point_format_list)
    assert.same({ 0x0401, 0x0403, 0x0501, 0x0503, 0x0601, 0x0603, 0x0201, 0x0203 },
      m.extensions[5].supported_signature_algorithms)
    assert.equal("", m.extensions[6].renegotiated_connection)
    -- signed_certificate_timestamp has no decoder: kept raw only
    assert.same({ type = 18, name = "signed_certificate_timestamp", data = "" }, m.extensions[7])
  end)

  it("server_hello", function()
    local m = check_message(record_body("serverhello"))
    assert.equal(0xc013, m.cipher_suite)
    assert.equal(0, m.compression_method)
    assert.equal(unhex("707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"), m.random)
    assert.equal(65281, m.extensions[1].type)
  end)

  it("certificate carries the server certificate DER", function()
    local m = check_message(record_body("servercert"))
    assert.equal(1, #m.certificate_list)
    assert.equal(pem_der(helpers.read_file(ILL .. "server.crt")), m.certificate_list[1])
  end)

  it("server_key_exchange (ECDHE) carries the server's X25519 key", function()
    local m = check_message(record_body("serverkeyexchange"), { kx = "ecdhe" })
    local spki = pem_der(helpers.read_file(ILL .. "server-ephemeral-public.key"))
    assert.equal(3, m.curve_type)
    assert.equal(tlshs.names.groups.x25519, m.named_curve)
    assert.equal(spki:sub(-32), m.public)
    assert.equal(tlshs.names.signature_schemes.rsa_pkcs1_sha256, m.signature_algorithm)
    assert.equal(256, #m.signature)
    assert.equal(string.char(3, 0, 29, 32) .. m.public, tlshs.build_server_params(m))
  end)

  it("client_key_exchange (ECDHE) carries the client's X25519 key", function()
    local m = check_message(record_body("clientkeyexchange"), { kx = "ecdhe" })
    -- (client-ephemeral-public.key upstream is a hex dump of the server's key, so the
    -- value is the one tls12.xargs.org gives for the client private key 20..3f)
    assert.equal(unhex("358072d6365880d1aeea329adf9121383851ed21a28e3b75e965d0d2cd166254"), m.ecdh_yc)
  end)

  it("server_hello_done and finished", function()
    local m = check_message(record_body("serverhellodone"))
    assert.same({ msg_type = "server_hello_done", raw = unhex("0e000000") }, m)
    local fin = helpers.read_file(ILL .. "caps/clientfinishedplain")
    m = check_message(fin)
    assert.equal("finished", m.msg_type)
    assert.equal(unhex("cf919626f1360c536aaad73a"), m.verify_data)
  end)

  it("needs kx for a key exchange message, else keeps the body raw", function()
    local b = record_body("serverkeyexchange")
    local m = tlshs.parse_handshake(b)
    assert.equal("server_key_exchange", m.msg_type)
    assert.equal(b:sub(5), m.body)
    assert.equal(b, tlshs.build_handshake(m))
    assert.has_error(function() tlshs.parse_handshake(b, 1, { kx = "psk" }) end)
  end)
end)

-- Messages built from tables (every type and kx variant), then all checks.
local RANDOM = string.rep("\1", 32)
local built = {
  { msg_type = "hello_request" },
  { msg_type = "client_hello", version = 0x0303, random = RANDOM, session_id = "", cipher_suites = { 0x002f },
    compression_methods = { 0 } },
  { msg_type = "client_hello", version = 0x0303, random = RANDOM, session_id = string.rep("s", 32),
    cipher_suites = { 0xc02f, 0x0a0a, 0x00ff }, compression_methods = { 1, 0 }, extensions = {} },
  { msg_type = "client_hello", version = 0x0303, random = RANDOM, session_id = "", cipher_suites = { 0x1301 },
    compression_methods = { 0 }, extensions = {
      { name = "server_name", server_name_list = { { name_type = 0, host_name = "localhost" } } },
      { type = 1, max_fragment_length = 2 },
      { name = "status_request", status_type = 1, responder_id_list = "ab", request_extensions = "" },
      { name = "supported_groups", named_group_list = { 29, 23, 256 } },
      { name = "ec_point_formats", ec_point_format_list = { 0, 1 } },
      { name = "signature_algorithms", supported_signature_algorithms = { 0x0804, 0x0401 } },
      { name = "application_layer_protocol_negotiation", protocol_name_list = { "h2", "http/1.1" } },
      { name = "encrypt_then_mac" },
      { name = "extended_master_secret" },
      { name = "record_size_limit", record_size_limit = 16385 },
      { name = "session_ticket", ticket = "" },
      { name = "supported_versions", versions = { 0x0304, 0x0303 } },
      { name = "psk_key_exchange_modes", ke_modes = { 1 } },
      { name = "signature_algorithms_cert", supported_signature_algorithms = { 0x0403 } },
      { name = "key_share", client_shares = { { group = 29, key_exchange = string.rep("k", 32) },
                                              { group = 23, key_exchange = "\4" .. string.rep("p", 64) } } },
      { type = 0x2a2a, data = "" },
      { type = 0xfe0d, data = "opaque" },
      { name = "renegotiation_info", renegotiated_connection = "" },
    } },
  { msg_type = "server_hello", version = 0x0303, random = RANDOM, session_id = "x", cipher_suite = 0xc02f,
    compression_method = 0 },
  { msg_type = "server_hello", version = 0x0303, random = RANDOM, session_id = "", cipher_suite = 0x1301,
    compression_method = 0, extensions = {
      { name = "server_name" },
      { name = "status_request" },
      { name = "application_layer_protocol_negotiation", protocol_name_list = { "h2" } },
      { name = "extended_master_secret" },
      { name = "session_ticket", ticket = "" },
      { name = "supported_versions", selected_version = 0x0304 },
      { name = "key_share", server_share = { group = 29, key_exchange = string.rep("s", 32) } },
      { name = "renegotiation_info", renegotiated_connection = string.rep("v", 24) },
    } },
  { msg_type = "server_hello", version = 0x0303, random = RANDOM, session_id = "", cipher_suite = 0x1301,
    compression_method = 0, extensions = {   -- a HelloRetryRequest, as a TLS 1.2 parser sees it
      { name = "supported_versions", selected_version = 0x0304 },
      { name = "key_share", selected_group = 23 },
    } },
  { msg_type = "certificate", certificate_list = {} },
  { msg_type = "certificate", certificate_list = { "\48\3\1\1\0", string.rep("c", 300) } },
  { msg_type = "server_key_exchange", curve_type = 3, named_curve = 23, public = "\4" .. string.rep("q", 64),
    signature_algorithm = 0x0403, signature = string.rep("g", 70), _opts = { kx = "ecdhe" } },
  { msg_type = "server_key_exchange", curve_type = 3, named_curve = 29, public = string.rep("q", 32),
    _opts = { kx = "ecdhe", anonymous = true } },
  { msg_type = "server_key_exchange", dh_p = string.rep("\255", 256), dh_g = "\2", dh_ys = string.rep("y", 256),
    signature_algorithm = 0x0804, signature = string.rep("g", 256), _opts = { kx = "dhe" } },
  { msg_type = "server_key_exchange", dh_p = "\23", dh_g = "\5", dh_ys = "\8", _opts = { kx = "dh_anon" } },
  { msg_type = "certificate_request", certificate_types = { 1, 64 }, supported_signature_algorithms = { 0x0401, 0x0403 },
    certificate_authorities = { "\48\0", string.rep("d", 40) } },
  { msg_type = "certificate_request", certificate_types = { 1 }, supported_signature_algorithms = { 0x0401 },
    certificate_authorities = {} },
  { msg_type = "server_hello_done" },
  { msg_type = "certificate_verify", signature_algorithm = 0x0401, signature = string.rep("v", 256) },
  { msg_type = "client_key_exchange", encrypted_pre_master_secret = string.rep("e", 256), _opts = { kx = "rsa" } },
  { msg_type = "client_key_exchange", dh_yc = string.rep("y", 256), _opts = { kx = "dhe" } },
  { msg_type = "client_key_exchange", ecdh_yc = string.rep("y", 32), _opts = { kx = "ecdhe" } },
  { msg_type = "finished", verify_data = string.rep("f", 12) },
  { msg_type = "new_session_ticket", ticket_lifetime_hint = 7200, ticket = string.rep("t", 100) },
  { msg_type = "new_session_ticket", ticket_lifetime_hint = 0, ticket = "" },
}

describe("handshake messages built from tables", function()
  for i, t in ipairs(built) do
    it(i .. ": " .. t.msg_type, function()
      local opts = t._opts
      local spec = copy(t)
      spec._opts = nil
      local bytes = tlshs.build_handshake(spec)
      local m = check_message(bytes, opts)
      -- the parse gives back the table (names added to extensions)
      for _, e in ipairs(spec.extensions or {}) do
        e.type = e.type or tlshs.names.extensions[e.name]
        local n = tlshs.names.extensions[e.type]
        e.name = n ~= "GREASE" and n or nil   -- GREASE parses like an unknown type
      end
      local got = without_raw(m)
      for _, e in ipairs(got.extensions or {}) do e.data = nil end
      for _, e in ipairs(spec.extensions or {}) do e.data = nil end
      if not spec.extensions then assert.is_nil(got.extensions) end
      if t.msg_type == "server_hello" and spec.extensions then
        assert.is_nil(got.extensions[1].server_name_list)   -- empty server_name: no list
      end
      assert.same(spec, got)
    end)
  end

  it("parses GREASE and unknown extensions to type and data only", function()
    local m = tlshs.parse_handshake(tlshs.build_handshake(built[4]))
    assert.same({ type = 0x2a2a, data = "" }, m.extensions[16])
    assert.same({ type = 0xfe0d, name = "encrypted_client_hello", data = "opaque" }, m.extensions[17])
    local u = copy(built[2])
    u.extensions = { { type = 0x7777, data = "\1\2" } }
    assert.same({ { type = 0x7777, data = "\1\2" } }, tlshs.parse_handshake(tlshs.build_handshake(u)).extensions)
  end)

  it("writes the extensions block only when extensions is present", function()
    local t = copy(built[2])
    local without = tlshs.build_handshake(t)
    t.extensions = {}
    local with = tlshs.build_handshake(t)
    assert.equal(#without + 2, #with)
    assert.equal("\0\0", with:sub(-2))
    assert.same({}, tlshs.parse_handshake(with).extensions)
    assert.is_nil(tlshs.parse_handshake(without).extensions)
  end)

  it("builds server params for DHE and ECDHE", function()
    assert.equal(unhex("000117 000105 000108"),
      tlshs.build_server_params(built[13]))
    assert.equal(unhex("030017 41") .. "\4" .. string.rep("q", 64), tlshs.build_server_params(built[10]))
  end)
end)

describe("handshake parse errors", function()
  local base = { msg_type = "client_hello", version = 0x0303, random = RANDOM, session_id = "",
                 cipher_suites = { 0x002f }, compression_methods = { 0 } }
  local function with(fields)
    local t = copy(base)
    for k, v in pairs(fields) do t[k] = v end
    return tlshs.build_handshake(t)
  end

  it("names the field and offset of an out-of-range session_id", function()
    local b = with { session_id = string.rep("s", 33) }
    local r, why, detail = tlshs.parse_handshake(b)
    assert.is_nil(r)
    assert.equal("decode_error", why)
    assert.equal("client_hello.session_id: length 33 at offset 38 outside 0..32", detail)
  end)

  it("refuses an odd cipher_suites length", function()
    local b = with { cipher_suites_len = 3, cipher_suites = { 0x002f, 0x0035 } }
    local r, why, detail = tlshs.parse_handshake(b)
    assert.is_nil(r)
    assert.equal("decode_error", why)
    assert.equal("client_hello.cipher_suites: odd length 3 at offset 39", detail)
  end)

  it("refuses an empty cipher_suites and an empty compression_methods", function()
    local _, why, detail = tlshs.parse_handshake(with { cipher_suites = {} })
    assert.equal("decode_error", why)
    assert.equal("client_hello.cipher_suites: length 0 at offset 39 outside 2..65534", detail)
    _, why, detail = tlshs.parse_handshake(with { compression_methods = {} })
    assert.equal("decode_error", why)
    assert.matches("compression_methods: length 0 at offset 43", detail, 1, true)
  end)

  it("refuses a vector longer than the message", function()
    local _, why, detail = tlshs.parse_handshake(with { cipher_suites_len = 40 })
    assert.equal("decode_error", why)
    assert.equal("client_hello.cipher_suites: length 40 at offset 39 runs past the end (4 bytes left)", detail)
  end)

  it("names a malformed known extension", function()
    local b = with { extensions = { { type = 10, data = "\0\3\0\29\0" } } }
    local _, why, detail = tlshs.parse_handshake(b)
    assert.equal("decode_error", why)
    assert.equal("client_hello.extensions[1] supported_groups.named_group_list: odd length 3 at offset 51", detail)
    _, why, detail = tlshs.parse_handshake(with { extensions = { { name = "renegotiation_info", data = "\0" },
                                                                { type = 23, data = "x" } } })
    assert.equal("decode_error", why)
    assert.matches("extensions[2] extended_master_secret: 1 trailing bytes", detail, 1, true)
  end)

  it("refuses a repeated extension (decode_error)", function()
    local b = with { extensions = { { type = 23, data = "" }, { type = 5, data = "\1\0\0\0\0" }, { type = 23, data = "" } } }
    local _, why, detail = tlshs.parse_handshake(b)
    assert.equal("decode_error", why)
    assert.matches("extensions[3]: duplicate extension extended_master_secret (23)", detail, 1, true)
    -- unknown types too
    _, why = tlshs.parse_handshake(with { extensions = { { type = 0x1234, data = "" }, { type = 0x1234, data = "a" } } })
    assert.equal("decode_error", why)
  end)

  it("refuses an extensions block whose length disagrees", function()
    local _, why, detail = tlshs.parse_handshake(with { extensions = {}, extensions_len = 1 })
    assert.equal("decode_error", why)
    assert.matches("client_hello.extensions", detail, 1, true)
    _, why, detail = tlshs.parse_handshake(with { extensions = { { type = 23, data = "", data_len = 2 } } })
    assert.equal("decode_error", why)
    assert.matches("extensions[1]", detail, 1, true)
  end)

  it("refuses a curve_type other than named_curve with illegal_parameter", function()
    local b = tlshs.build_handshake { msg_type = "server_key_exchange", curve_type = 1, named_curve = 23,
                                      public = "\4", signature_algorithm = 0x0401, signature = "" }
    local _, why, detail = tlshs.parse_handshake(b, 1, { kx = "ecdhe" })
    assert.equal("illegal_parameter", why)
    assert.equal("server_key_exchange.curve_type: 1 at offset 4 (only 3 is supported)", detail)
  end)

  it("parses from a position and reports the next one", function()
    local a = with {}
    local b = tlshs.build_handshake { msg_type = "server_hello_done" }
    local m, pos = tlshs.parse_handshake(a .. b)
    assert.equal("client_hello", m.msg_type)
    m, pos = tlshs.parse_handshake(a .. b, pos)
    assert.equal("server_hello_done", m.msg_type)
    assert.equal(#a + #b + 1, pos)
    assert.same({ nil, "need_more" }, { (tlshs.parse_handshake(a .. b, pos)), "need_more" })
  end)
end)

describe("handshake building", function()
  it("sends raw body, header length and vector length overrides as given", function()
    assert.equal(unhex("14000003616263"), tlshs.build_handshake { msg_type = "finished", body = "abc" })
    assert.equal(unhex("14000009616263"), tlshs.build_handshake { msg_type = 20, body = "abc", length = 9 })
    assert.equal(unhex("63000001ff"), tlshs.build_handshake { msg_type = 99, body = "\255" })
    local b = tlshs.build_handshake { msg_type = "server_hello", version = 0x0303, random = "short",
      session_id = "ab", session_id_len = 7, cipher_suite = 0xc02f, compression_method = 0,
      extensions = { { type = 0xff01, data = "\0", data_len = 5 } }, extensions_len = 0 }
    assert.equal(unhex("02000014 0303") .. "short" .. unhex("07 6162 c02f 00 0000 ff01 0005 00"), b)
  end)

  it("accepts raw bytes where a number goes", function()
    local b = tlshs.build_handshake { msg_type = "certificate_verify", signature_algorithm = "\8\4\0", signature = "" }
    assert.equal(unhex("0f000005 080400 0000"), b)
  end)

  it("accepts an extension by name alone and repeats what the script gives", function()
    local b = tlshs.build_handshake { msg_type = "server_hello", version = 0x0303, random = RANDOM, session_id = "",
      cipher_suite = 0x009c, compression_method = 0,
      extensions = { { name = "extended_master_secret" }, { name = "extended_master_secret" } } }
    assert.equal(unhex("0008 0017 0000 0017 0000"), b:sub(-10))
  end)

  it("raises on what cannot be encoded", function()
    local function ch(fields)
      local t = { msg_type = "client_hello", version = 0x0303, random = RANDOM, session_id = "",
                  cipher_suites = { 0x002f }, compression_methods = { 0 } }
      for k, v in pairs(fields) do t[k] = v end
      if fields.drop then t[fields.drop] = nil; t.drop = nil end
      return function() tlshs.build_handshake(t) end
    end
    assert.has_error(ch { version = 0x10000 }, nil)
    assert.error_matches(ch { version = 0x10000 }, "client_hello.version: 65536 does not fit in 2 bytes")
    assert.error_matches(ch { version = 1.5 }, "does not fit")
    assert.error_matches(ch { cipher_suites = { 1, -1 } }, "client_hello.cipher_suites%[2%]: %-1 does not fit")
    assert.error_matches(ch { drop = "version" }, "client_hello.version: missing")
    assert.error_matches(ch { version = false }, "client_hello.version: expected a number, got an unsupported value")
    assert.error_matches(ch { random = 5 }, "random: expected a string")
    assert.error_matches(ch { session_id = string.rep("s", 256) }, "256 bytes do not fit a 1%-byte length")
    assert.error_matches(ch { extensions = { { name = "nope" } } }, "unknown extension name")
    assert.error_matches(ch { extensions = { { type = 0x1234 } } }, "no data and no known encoding")
    assert.error_matches(ch { extensions = { "x" } }, "extensions%[1%]: expected a table")
    assert.error_matches(ch { extensions = { { name = "key_share", client_shares = { { key_exchange = "k" } } } } },
      "extensions%[1%] key_share.client_shares%[1%].group: missing")
    assert.error_matches(function() tlshs.build_handshake { msg_type = "nope" } end, "unknown name")
    assert.error_matches(function() tlshs.build_handshake { msg_type = "client_key_exchange" } end, "no body")
    assert.has_error(function() tlshs.build_handshake("x") end)
    -- ...but an explicit length lets an oversize vector through
    local b = ch { session_id = string.rep("s", 256), session_id_len = 0 }
    assert.has_no_error(b)
  end)
end)
