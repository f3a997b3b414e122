-- tlshs.names: IANA registries both ways.
local tlshs = require "tlshs"

describe("tlshs.names", function()
  local names = tlshs.names

  it("maps cipher suites both ways", function()
    local cs = names.cipher_suites
    assert.equal("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", cs[0xc02f])
    assert.equal(0xc02f, cs.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)
    assert.equal("TLS_RSA_WITH_AES_128_CBC_SHA", cs[0x002f])
    assert.equal("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", cs[0xcca9])
    assert.equal("TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", cs[0xc07d])
    assert.equal("TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", cs[0xc060])
    assert.equal("TLS_RSA_WITH_NULL_SHA256", cs[0x003b])
    assert.equal("TLS_AES_128_GCM_SHA256", cs[0x1301])
    assert.equal("TLS_CHACHA20_POLY1305_SHA256", cs[0x1303])
    assert.equal("TLS_EMPTY_RENEGOTIATION_INFO_SCSV", cs[0x00ff])
    assert.equal("TLS_FALLBACK_SCSV", cs[0x5600])
    assert.equal("GREASE", cs[0x0a0a])
    assert.equal("GREASE", cs[0xfafa])
    assert.equal(0x0a0a, cs.GREASE)
    assert.is_nil(cs[0x0047])
  end)

  it("every name maps back to a value that maps to it", function()
    for tname, t in pairs(names) do
      local count = 0
      for k, v in pairs(t) do
        if type(k) == "number" then
          count = count + 1
          assert.equal("string", type(v))
          assert.equal(v, t[t[v]], tname .. " " .. k)
        else
          assert.equal(k, t[v], tname .. " " .. k)
        end
      end
      assert.is_true(count > 0, tname)
    end
  end)

  it("has the other registries", function()
    assert.equal(29, names.groups.x25519)
    assert.equal("secp256r1", names.groups[23])
    assert.equal("x448", names.groups[30])
    assert.equal(256, names.groups.ffdhe2048)
    assert.equal(260, names.groups.ffdhe8192)
    assert.equal("rsa_pkcs1_sha1", names.signature_schemes[0x0201])
    assert.equal(0x0804, names.signature_schemes.rsa_pss_rsae_sha256)
    assert.equal(0x0809, names.signature_schemes.rsa_pss_pss_sha256)
    assert.equal(0x0807, names.signature_schemes.ed25519)
    assert.equal(0x0403, names.signature_schemes.ecdsa_secp256r1_sha256)
    assert.equal("renegotiation_info", names.extensions[0xff01])
    assert.equal(23, names.extensions.extended_master_secret)
    assert.equal("client_hello", names.handshake_types[1])
    assert.equal(20, names.handshake_types.finished)
    assert.equal(22, names.content_types.handshake)
    assert.equal("handshake_failure", names.alerts[40])
    assert.equal(50, names.alerts.decode_error)
    assert.equal("fatal", names.alert_levels[2])
    assert.equal(0, names.compression_methods.null)
    assert.equal("TLSv1.2", names.versions[0x0303])
    assert.equal(0x0300, names.versions.SSLv3)
    assert.equal(0x0304, names.versions["TLSv1.3"])
    assert.equal("uncompressed", names.ec_point_formats[0])
  end)
end)

describe("names used by the parsers", function()
  -- Empty data is malformed for a decoded extension or message: then the
  -- failure must be decode_error and its detail must name the field by the
  -- right name.  Every value is counted, parsed or not.
  it("names every known extension type in a parsed hello", function()
    local total, parsed, refused = 0, 0, 0
    for value, name in pairs(tlshs.names.extensions) do
      if type(value) == "number" then
        total = total + 1
        local b = tlshs.build_handshake { msg_type = "client_hello", version = 0x0303, random = string.rep("r", 32),
          session_id = "", cipher_suites = { 0x002f }, compression_methods = { 0 },
          extensions = { { type = value, data = "" } } }
        local m, err, detail = tlshs.parse_handshake(b)
        if m then
          assert.equal(name ~= "GREASE" and name or nil, m.extensions[1].name)
          parsed = parsed + 1
        else
          assert.equal("decode_error", err, name)
          assert.matches("client_hello.extensions[1] " .. name .. ".", detail, 1, true)
          refused = refused + 1
        end
      end
    end
    assert.equal(total, parsed + refused)
    assert.is_true(total >= 80, "extension names: " .. total)
    assert.is_true(parsed >= 60 and refused >= 10, parsed .. " parsed, " .. refused .. " refused")
  end)

  it("names every known handshake type and alert", function()
    local total, parsed, refused = 0, 0, 0
    for value, name in pairs(tlshs.names.handshake_types) do
      if type(value) == "number" then
        total = total + 1
        local m, err, detail = tlshs.parse_handshake(tlshs.build_handshake { msg_type = value, body = "" }, 1, { kx = "rsa" })
        if m then
          assert.equal(name, m.msg_type)
          parsed = parsed + 1
        else
          assert.equal("decode_error", err, name)
          assert.equal(name .. ".", detail:sub(1, #name + 1))
          refused = refused + 1
        end
      end
    end
    assert.equal(total, parsed + refused)
    assert.is_true(total >= 20 and parsed >= 10 and refused >= 5, parsed .. " parsed, " .. refused .. " refused")
    local alerts = 0
    for value, name in pairs(tlshs.names.alerts) do
      if type(value) == "number" then
        assert.equal(name, tlshs.parse_alert(string.char(2, value)).description_name)
        alerts = alerts + 1
      end
    end
    assert.is_true(alerts >= 25, "alerts: " .. alerts)
  end)
end)
