-- The record layer's AEAD functions against Wycheproof (C2SP/wycheproof,
-- testvectors_v1; see spec/vectors/PROVENANCE.md): AES-GCM with 128- and
-- 256-bit keys and ChaCha20-Poly1305, 96-bit nonces, 128-bit tags — the only
-- shapes TLS 1.2 uses (RFC 5288, RFC 7905).  tlshs._aead runs the SAME C
-- functions as p:seal / p:open (ths_rec_aead_seal / ths_rec_aead_open).
local tlshs = require "tlshs"
local helpers = require "spec.helpers"
local unhex, hex = helpers.unhex, helpers.hex

local function load(name)
  return helpers.read_json(helpers.vectors .. "/wycheproof/testvectors_v1/" .. name)
end

-- Runs every 96-bit-nonce / 128-bit-tag vector of the given key sizes;
-- returns counts {valid=, invalid=, bad_nonce=}.
local function run(file, cipher_for_keysize, software)
  local counts = { valid = 0, invalid = 0, bad_nonce = 0 }
  for _, g in ipairs(file.testGroups) do
    local cipher = cipher_for_keysize[g.keySize]
    if cipher and g.tagSize == 128 then
      for _, t in ipairs(g.tests) do
        local key, iv, aad = unhex(t.key), unhex(t.iv), unhex(t.aad)
        local msg, ct, tag = unhex(t.msg), unhex(t.ct), unhex(t.tag)
        local where = string.format("%s tcId %d (%s)", cipher, t.tcId, t.comment)
        if g.ivSize ~= 96 then
          -- TLS never builds such a nonce: the binding refuses it outright.
          if t.result == "invalid" then
            assert.has_error(function() tlshs._aead(cipher, key, iv, aad, ct, tag, false, software) end)
            counts.bad_nonce = counts.bad_nonce + 1
          end
        elseif t.result == "valid" then
          local c, tg = tlshs._aead(cipher, key, iv, aad, msg, nil, true, software)
          assert.equal(hex(ct), hex(c), where)
          assert.equal(hex(tag), hex(tg), where)
          local p, err = tlshs._aead(cipher, key, iv, aad, ct, tag, false, software)
          assert.equal(hex(msg), p and hex(p), where .. " " .. tostring(err))
          counts.valid = counts.valid + 1
        else
          assert.equal("invalid", t.result, where)
          local p, alert, detail = tlshs._aead(cipher, key, iv, aad, ct, tag, false, software)
          assert.is_nil(p, where)
          assert.equal("bad_record_mac", alert, where)
          assert.is_string(detail)
          counts.invalid = counts.invalid + 1
        end
      end
    end
  end
  return counts
end

describe("record AEAD against Wycheproof", function()
  local gcm = load("aes_gcm_test.json")
  local chapol = load("chacha20_poly1305_test.json")

  it("AES-128/256-GCM (96-bit nonces): 79 valid, 54 invalid", function()
    local n = run(gcm, { [128] = "aes_128_gcm", [256] = "aes_256_gcm" })
    assert.same({ valid = 79, invalid = 54, bad_nonce = 4 }, n)
  end)

  it("AES-256-GCM through libtomcrypt as well (the path without AES-NI)", function()
    local n = run(gcm, { [256] = "aes_256_gcm" }, true)
    assert.same({ valid = 39, invalid = 27, bad_nonce = 2 }, n)
  end)

  it("ChaCha20-Poly1305 (96-bit nonces): 256 valid, 60 invalid", function()
    local n = run(chapol, { [256] = "chacha20_poly1305" })
    assert.same({ valid = 256, invalid = 60, bad_nonce = 9 }, n)
  end)

  it("refuses keys of the wrong size and non-AEAD ciphers", function()
    local n12 = string.rep("\0", 12)
    assert.has_error(function() tlshs._aead("aes_128_gcm", string.rep("k", 32), n12, "", "", nil, true) end)
    assert.has_error(function() tlshs._aead("chacha20_poly1305", string.rep("k", 16), n12, "", "", nil, true) end)
    assert.has_error(function() tlshs._aead("aes_128_cbc", string.rep("k", 16), n12, "", "", nil, true) end)
  end)
end)
