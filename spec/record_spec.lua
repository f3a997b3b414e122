-- The record header layer, ChangeCipherSpec, alerts and the handshake reassembler.
local tlshs = require "tlshs"
local helpers = require "spec.helpers"
local unhex = helpers.unhex

local CAPS = helpers.vectors .. "/tls12-transcripts/illustrated-tls12/caps/"

describe("records", function()
  it("parses the illustrated-tls12 records and rebuilds them byte for byte", function()
    for _, name in ipairs { "clienthello", "serverhello", "servercert", "serverkeyexchange", "serverhellodone",
                            "clientkeyexchange", "clientccs", "clientfinished", "serverccs", "serverfinished",
                            "clientdata", "serverdata", "clientalert" } do
      local bytes = helpers.read_file(CAPS .. name)
      local rec, pos = tlshs.parse_record(bytes)
      assert.is_table(rec, name)
      assert.equal(#bytes + 1, pos)
      assert.equal(#bytes - 5, #rec.fragment)
      assert.equal(bytes, tlshs.build_record(rec))
      if name:match("ccs$") then assert.equal(20, rec.content_type) end
      if name:match("data$") then assert.equal(23, rec.content_type) end
    end
    local rec = tlshs.parse_record(helpers.read_file(CAPS .. "clienthello"))
    assert.same({ content_type = 22, version = 0x0301 }, { content_type = rec.content_type, version = rec.version })
  end)

  it("walks several records from a position", function()
    local a = tlshs.build_record { content_type = 22, version = 0x0303, fragment = "abc" }
    local b = tlshs.build_record { content_type = "alert", version = 0x0303, fragment = "\2\40" }
    assert.equal(unhex("16030300 03 616263"), a)
    assert.equal(unhex("15030300 02 0228"), b)
    local r1, p = tlshs.parse_record(a .. b)
    assert.equal("abc", r1.fragment)
    local r2, p2 = tlshs.parse_record(a .. b, p)
    assert.equal(21, r2.content_type)
    assert.equal(#a + #b + 1, p2)
  end)

  it("asks for more bytes on every incomplete record", function()
    local rec = tlshs.build_record { content_type = 22, version = 0x0303, fragment = string.rep("x", 300) }
    for i = 0, #rec - 1 do
      local r, why = tlshs.parse_record(rec:sub(1, i))
      assert.is_nil(r)
      assert.equal("need_more", why)
    end
  end)

  it("refuses a length over 2^14+2048 as soon as the header is in", function()
    local r, why, detail = tlshs.parse_record(unhex("1703034801"))
    assert.is_nil(r)
    assert.equal("record_overflow", why)
    assert.equal("record.length: 18433 at offset 3 exceeds 18432 (2^14+2048)", detail)
    assert.is_table(tlshs.parse_record(unhex("17030348 00") .. string.rep("\0", 18432)))
  end)

  it("keeps unknown content types as numbers and honours a length override", function()
    local rec = tlshs.parse_record(unhex("63030300 00"))
    assert.equal(99, rec.content_type)
    assert.equal(unhex("16030300 09 6869"), tlshs.build_record { content_type = 22, version = 0x0303, fragment = "hi", length = 9 })
    assert.has_error(function() tlshs.build_record { content_type = 256, fragment = "" } end)
    assert.has_error(function() tlshs.build_record { content_type = "nope", fragment = "" } end)
  end)
end)

describe("change_cipher_spec and alerts", function()
  it("parses and builds ChangeCipherSpec", function()
    assert.equal("\1", tlshs.build_change_cipher_spec())
    assert.equal("\2", tlshs.build_change_cipher_spec(2))
    assert.same({ type = 1 }, tlshs.parse_change_cipher_spec("\1"))
    local r, why = tlshs.parse_change_cipher_spec("\1\1")
    assert.is_nil(r)
    assert.equal("decode_error", why)
    r, why = tlshs.parse_change_cipher_spec("")
    assert.equal("decode_error", why)
    r, why = tlshs.parse_change_cipher_spec("\2")
    assert.equal("illegal_parameter", why)
  end)

  it("parses and builds alerts by name or number", function()
    assert.same({ level = 2, description = 40, level_name = "fatal", description_name = "handshake_failure" },
      tlshs.parse_alert("\2\40"))
    assert.same({ level = 1, description = 0, level_name = "warning", description_name = "close_notify" },
      tlshs.parse_alert(tlshs.build_alert { level = "warning", description = "close_notify" }))
    assert.same({ level = 7, description = 250 }, tlshs.parse_alert("\7\250"))
    assert.equal("\2\50", tlshs.build_alert { level = 2, description = "decode_error" })
    local r, why = tlshs.parse_alert("\2")
    assert.is_nil(r)
    assert.equal("decode_error", why)
    assert.has_error(function() tlshs.build_alert { level = "loud", description = 0 } end)
  end)

  it("reads the illustrated-tls12 close_notify", function()
    local plain = helpers.read_file(CAPS .. "clientalertplain")
    assert.same({ level = 1, description = 0, level_name = "warning", description_name = "close_notify" },
      tlshs.parse_alert(plain:sub(1, 2)))
  end)
end)

describe("the handshake reassembler", function()
  local hello_done = tlshs.build_handshake { msg_type = "server_hello_done" }
  local cert = tlshs.build_handshake { msg_type = "certificate", certificate_list = { string.rep("c", 1000) } }
  local fin = tlshs.build_handshake { msg_type = "finished", verify_data = string.rep("f", 12) }

  it("gives whole messages from byte-at-a-time input", function()
    local r = tlshs.reassembler()
    local all = cert .. hello_done .. fin
    local out = {}
    for i = 1, #all do
      r:push(all:sub(i, i))
      local m = r:next()
      if m then out[#out + 1] = m end
    end
    assert.same({ cert, hello_done, fin }, out)
    assert.equal(0, r:pending())
    assert.is_nil(r:next())
  end)

  it("splits many messages out of one push and counts pending bytes", function()
    local r = tlshs.reassembler()
    r:push(hello_done .. fin .. cert:sub(1, 10))
    assert.equal(#hello_done + #fin + 10, r:pending())
    assert.equal(hello_done, r:next())
    assert.equal(fin, r:next())
    assert.is_nil(r:next())
    assert.equal(10, r:pending())   -- a flow must refuse ChangeCipherSpec now
    r:push(cert:sub(11))
    assert.equal(cert, r:next())
    assert.equal(0, r:pending())
  end)

  it("refuses a message over the limit from its header alone, and the error sticks", function()
    local r = tlshs.reassembler(100)
    r:push(unhex("0b000065"))
    local m, why, detail = r:next()
    assert.is_nil(m)
    assert.equal("illegal_parameter", why)
    assert.equal("handshake.length: 101 exceeds the limit of 100 bytes (message type 11)", detail)
    r:push(hello_done)
    assert.equal("illegal_parameter", select(2, r:next()))
    -- the default: 131,396 bytes, the largest legal ClientHello
    local d = tlshs.reassembler()
    d:push(unhex("01020145"))
    assert.equal("illegal_parameter", select(2, d:next()))
    d = tlshs.reassembler()
    d:push(unhex("01020144"))
    assert.is_nil((d:next()))
    assert.is_nil(select(2, d:next()))
  end)

  it("raises on misuse", function()
    assert.has_error(function() tlshs.reassembler(-1) end)
    assert.has_error(function() tlshs.reassembler():push(5 > 4) end)
  end)
end)
