-- Garbage never raises: random mutations of valid messages and records go
-- through every parser, which must answer a table or nil + alert + detail.
local tlshs = require "tlshs"
local helpers = require "spec.helpers"

local CAPS = helpers.vectors .. "/tls12-transcripts/illustrated-tls12/caps/"

local function seeds()
  local out = {}
  for _, name in ipairs { "clienthello", "serverhello", "servercert", "serverkeyexchange", "clientkeyexchange" } do
    out[#out + 1] = tlshs.parse_record(helpers.read_file(CAPS .. name)).fragment
  end
  out[#out + 1] = tlshs.build_handshake { msg_type = "certificate_request", certificate_types = { 1, 64 },
    supported_signature_algorithms = { 0x0401 }, certificate_authorities = { "\48\0" } }
  out[#out + 1] = tlshs.build_handshake { msg_type = "server_key_exchange", dh_p = "\255\255", dh_g = "\2",
    dh_ys = "\1\1", signature_algorithm = 0x0401, signature = "sig" }
  out[#out + 1] = tlshs.build_handshake { msg_type = "server_hello", version = 0x0303, random = string.rep("r", 32),
    session_id = "", cipher_suite = 0x1301, compression_method = 0, extensions = {
      { name = "key_share", server_share = { group = 29, key_exchange = "kkkk" } },
      { name = "supported_versions", selected_version = 0x0304 },
      { name = "application_layer_protocol_negotiation", protocol_name_list = { "h2" } } } }
  out[#out + 1] = tlshs.build_handshake { msg_type = "new_session_ticket", ticket_lifetime_hint = 1, ticket = "t" }
  return out
end

local function mutate(s)
  local kind = math.random(4)
  local i = math.random(#s)
  if kind == 1 then   -- flip a byte
    return s:sub(1, i - 1) .. string.char(math.random(0, 255)) .. s:sub(i + 1)
  elseif kind == 2 then   -- cut
    return s:sub(1, i)
  elseif kind == 3 then   -- insert bytes
    local n = math.random(1, 4)
    local ins = {}
    for k = 1, n do ins[k] = string.char(math.random(0, 255)) end
    return s:sub(1, i) .. table.concat(ins) .. s:sub(i + 1)
  else   -- duplicate a slice
    local j = math.random(i, #s)
    return s:sub(1, j) .. s:sub(i, j) .. s:sub(j + 1)
  end
end

local KX = { {}, { kx = "rsa" }, { kx = "dhe" }, { kx = "ecdhe" }, { kx = "ecdhe", anonymous = true } }

describe("parsers under random mutation", function()
  it("never raise and answer a table or nil, alert, detail", function()
    math.randomseed(20240521)
    local list = seeds()
    local parsed, refused = 0, 0
    for round = 1, 4000 do
      local s = list[(round % #list) + 1]
      for _ = 1, math.random(1, 3) do s = mutate(s) end
      local opts = KX[(round % #KX) + 1]
      local ok, m, why, detail = pcall(tlshs.parse_handshake, s, 1, opts)
      assert.is_true(ok, m)
      if m then
        parsed = parsed + 1
        -- whatever parses rebuilds to the same bytes
        assert.equal(m.raw, tlshs.build_handshake(m))
      else
        refused = refused + 1
        assert.is_string(why)
        assert.is_string(detail)
      end
      ok = pcall(tlshs.parse_record, s)
      assert.is_true(ok)
      ok = pcall(tlshs.parse_alert, s:sub(1, 2))
      assert.is_true(ok)
      local r = tlshs.reassembler(4096)
      r:push(s)
      ok = pcall(r.next, r)
      assert.is_true(ok)
    end
    assert.is_true(parsed > 100)
    assert.is_true(refused > 100)
  end)

  it("survive pure random bytes", function()
    math.randomseed(7)
    for _ = 1, 2000 do
      local n = math.random(0, 64)
      local t = {}
      for k = 1, n do t[k] = string.char(math.random(0, 255)) end
      local s = table.concat(t)
      for _, opts in ipairs(KX) do
        local ok, m, why = pcall(tlshs.parse_handshake, s, 1, opts)
        assert.is_true(ok, m)
        assert.is_true(m ~= nil or type(why) == "string")
      end
    end
  end)
end)
