-- Record protection (RFC 5246 §6.2.3, RFC 5288, RFC 7905, RFC 7366):
-- round trips, tampering, replay, size limits and the probe options.
local tlshs = require "tlshs"
local helpers = require "spec.helpers"
local hex = helpers.hex

local KEY = { null = 0, aes_128_gcm = 16, aes_256_gcm = 32, chacha20_poly1305 = 32,
              aes_128_cbc = 16, aes_256_cbc = 32 }
local IV = { aes_128_gcm = 4, aes_256_gcm = 4, chacha20_poly1305 = 12 }
local MAC = { sha1 = 20, sha256 = 32, sha384 = 48 }

-- Every configuration the record layer offers.
local configs = {
  { cipher = "null" },
  { cipher = "null", mac = "sha256" },
  { cipher = "aes_128_gcm" },
  { cipher = "aes_256_gcm" },
  { cipher = "aes_256_gcm", software_gcm = true },
  { cipher = "chacha20_poly1305" },
}
for _, c in ipairs { "aes_128_cbc", "aes_256_cbc" } do
  for _, m in ipairs { "sha1", "sha256", "sha384" } do
    configs[#configs + 1] = { cipher = c, mac = m }
    configs[#configs + 1] = { cipher = c, mac = m, etm = true }
  end
end

local function name(cfg)
  return cfg.cipher .. (cfg.mac and ("/" .. cfg.mac) or "") .. (cfg.etm and "/etm" or "")
    .. (cfg.software_gcm and "/software" or "")
end

-- Two states (sender, receiver) from the same fresh random keys.
local function pair(cfg)
  local t = { cipher = cfg.cipher, mac = cfg.mac, etm = cfg.etm, software_gcm = cfg.software_gcm,
              key = tlshs.random(KEY[cfg.cipher]), iv = tlshs.random(IV[cfg.cipher] or 0),
              mac_key = cfg.mac and tlshs.random(MAC[cfg.mac]) or nil }
  return tlshs.record_protection(t), tlshs.record_protection(t), t
end

local function flip(s, i)
  return s:sub(1, i - 1) .. string.char((s:byte(i) + 1) % 256) .. s:sub(i + 1)
end

local function is_aead(c) return c:match("gcm") or c:match("chacha") end

describe("record protection", function()
  for _, cfg in ipairs(configs) do
    describe(name(cfg), function()
      it("round-trips lengths 0..16384 with advancing sequence numbers", function()
        local tx, rx = pair(cfg)
        local lengths = {}
        for n = 0, 80 do lengths[#lengths + 1] = n end
        for _, n in ipairs { 100, 255, 256, 257, 1000, 4095, 4096, 8191, 16000, 16383, 16384 } do
          lengths[#lengths + 1] = n
        end
        for i, n in ipairs(lengths) do
          local pt = tlshs.random(n)
          local frag = tx:seal(23, pt)
          assert.is_true(#frag - n <= tx:overhead(), "overhead")
          local got, alert, detail = rx:open(23, frag)
          assert.equal(pt, got, tostring(alert) .. " " .. tostring(detail))
          assert.equal(i, tx:sequence())
          assert.equal(i, rx:sequence())
        end
      end)

      if cfg.cipher ~= "null" then
        it("never repeats a ciphertext for a repeated plaintext", function()
          local tx, rx = pair(cfg)
          local pt = string.rep("\0", 48)
          local seen = {}
          for i = 1, 300 do
            local frag = tx:seal(23, pt)
            assert.is_nil(seen[frag], "record " .. i); seen[frag] = true
            assert.equal(pt, rx:open(23, frag))
          end
        end)
      end

      if cfg.cipher:match("cbc") then
        -- RFC 5246 §6.2.3.2: each record's IV is fresh and unpredictable.  A
        -- repeated (e.g. all-zero) IV shows a repeated plaintext's first block;
        -- the previous record's last block (TLS 1.0 chaining) is BEAST.
        it("sends a fresh, nonzero explicit IV on every record", function()
          local tx, rx = pair(cfg)
          local pt = string.rep("A", 40)
          local ivs, first_blocks, prev_last = {}, {}, nil
          local n = 0
          for i = 1, 300 do
            local frag = tx:seal(23, pt)
            local iv, c1 = frag:sub(1, 16), frag:sub(17, 32)
            assert.not_equal(string.rep("\0", 16), iv, "record " .. i .. ": all-zero IV")
            assert.is_nil(ivs[iv], "record " .. i .. ": IV repeated"); ivs[iv] = true
            assert.is_nil(first_blocks[c1], "record " .. i .. ": first block repeated"); first_blocks[c1] = true
            assert.not_equal(prev_last, iv, "record " .. i .. ": IV is the previous record's last block")
            local ct_end = cfg.etm and #frag - MAC[cfg.mac] or #frag
            prev_last = frag:sub(ct_end - 15, ct_end)
            assert.equal(pt, rx:open(23, frag))
            n = n + 1
          end
          assert.equal(300, n)
        end)
      end

      it("reports its parameters", function()
        local tx = pair(cfg)
        assert.equal(cfg.cipher, tx:cipher())
        assert.equal(cfg.mac, tx:mac())
        assert.equal(cfg.etm and true or false, tx:etm())
        assert.equal(0x0303, tx:version())
        local n, be = tx:sequence()
        assert.equal(0, n)
        assert.equal(string.rep("\0", 8), be)
      end)

      if cfg.cipher ~= "null" or cfg.mac then
        it("rejects every single-byte change with bad_record_mac, one detail", function()
          local tx, rx = pair(cfg)
          local pt = "GET / HTTP/1.1\r\nHost: example\r\n\r\n"
          local frag = tx:seal(23, pt)
          for i = 1, #frag do
            local got, alert, detail = rx:open(23, flip(frag, i))
            assert.is_nil(got, "byte " .. i)
            assert.equal("bad_record_mac", alert, "byte " .. i)
            assert.matches("seq 0", detail)
          end
          assert.equal(0, rx:sequence()) -- failures do not advance
          assert.equal(pt, rx:open(23, frag))
        end)

        it("binds the sequence number, type and version", function()
          local tx, rx = pair(cfg)
          local r1, r2 = tx:seal(23, "one"), tx:seal(23, "two")
          assert.equal("bad_record_mac", select(2, rx:open(23, r2))) -- skipped record
          assert.equal("one", rx:open(23, r1))
          assert.equal("bad_record_mac", select(2, rx:open(23, r1))) -- replay
          assert.equal("bad_record_mac", select(2, rx:open(22, r2))) -- other type
          rx:set_version(0x0302)
          assert.equal("bad_record_mac", select(2, rx:open(23, r2)))
          rx:set_version(0x0303)
          assert.equal("two", rx:open(23, r2))
          -- set_sequence lets a probe rewind
          rx:set_sequence(0)
          assert.equal("one", rx:open(23, r1))
        end)

        it("rejects truncated fragments with bad_record_mac", function()
          local tx, rx = pair(cfg)
          local frag = tx:seal(23, "hello")
          for n = 0, #frag - 1 do
            local got, alert = rx:open(23, frag:sub(1, n))
            assert.is_nil(got)
            assert.equal("bad_record_mac", alert, "length " .. n)
          end
        end)

        it("makes deliberately bad records on request", function()
          local tx, rx = pair(cfg)
          local opt = is_aead(cfg.cipher) and "corrupt_tag" or "corrupt_mac"
          local bad = tx:seal(23, "x", { [opt] = true })
          assert.equal("bad_record_mac", select(2, rx:open(23, bad)))
          rx:set_sequence(1)
          assert.equal("y", rx:open(23, tx:seal(23, "y")))
        end)
      end

      it("refuses a fragment over 2^14+2048 with record_overflow", function()
        local _, rx = pair(cfg)
        local got, alert, detail = rx:open(23, string.rep("\0", 16384 + 2048 + 1))
        assert.is_nil(got)
        assert.equal("record_overflow", alert)
        assert.matches("2%^14%+2048", detail)
      end)

      it("refuses to seal more than 2^14 bytes", function()
        local tx = pair(cfg)
        assert.has_error(function() tx:seal(23, string.rep("a", 16385)) end)
        assert.equal(0, tx:sequence())
      end)

      it("refuses to wrap the sequence number", function()
        local tx, rx = pair(cfg)
        local last = string.rep("\255", 8)
        tx:set_sequence(last); rx:set_sequence(last)
        local frag = tx:seal(23, "last")
        assert.equal("last", rx:open(23, frag))
        local got, alert, detail = tx:seal(23, "more")
        assert.is_nil(got)
        assert.equal("internal_error", alert)
        assert.matches("exhausted", detail)
        assert.is_nil(rx:open(23, frag))
        local _, be = tx:sequence()
        assert.equal(last, be)
      end)
    end)
  end

  it("plaintext over 2^14 is record_overflow after authentication (null, AEAD)", function()
    local big = string.rep("z", 16385)
    local got, alert = tlshs.record_protection { cipher = "null" }:open(23, big)
    assert.is_nil(got)
    assert.equal("record_overflow", alert)
    -- An authentic AES-GCM record of 2^14+1 bytes, built with the record
    -- layer's own AEAD function: nonce = salt ‖ seq, AAD = seq ‖ type ‖ version ‖ length.
    local key, salt, seq = tlshs.random(16), tlshs.random(4), string.rep("\0", 8)
    local aad = seq .. "\23\3\3" .. string.char(0x40, 0x01)
    local ct, tag = tlshs._aead("aes_128_gcm", key, salt .. seq, aad, big, nil, true)
    local rx = tlshs.record_protection { cipher = "aes_128_gcm", key = key, iv = salt }
    got, alert = rx:open(23, seq .. ct .. tag)
    assert.is_nil(got)
    assert.equal("record_overflow", alert)
    -- and the same construction at 2^14 bytes opens: the format is right
    local pt = big:sub(2)
    ct, tag = tlshs._aead("aes_128_gcm", key, salt .. seq, seq .. "\23\3\3\64\0", pt, nil, true)
    assert.equal(pt, rx:open(23, seq .. ct .. tag))
  end)

  it("uses the sequence number as the GCM explicit nonce (RFC 5288 §3)", function()
    local tx = tlshs.record_protection { cipher = "aes_128_gcm", key = string.rep("k", 16), iv = "salt" }
    tx:set_sequence(0x0102)
    local frag = tx:seal(23, "abc")
    assert.equal("0000000000000102", hex(frag:sub(1, 8)))
    assert.equal(8 + 3 + 16, #frag)
    local ct, tag = tlshs._aead("aes_128_gcm", string.rep("k", 16), "salt" .. frag:sub(1, 8),
      frag:sub(1, 8) .. "\23\3\3\0\3", "abc", nil, true)
    assert.equal(hex(ct .. tag), hex(frag:sub(9)))
  end)

  it("XORs the sequence number into the ChaCha20 IV (RFC 7905 §2)", function()
    local key, iv = string.rep("k", 32), string.rep("\170", 12)
    local tx = tlshs.record_protection { cipher = "chacha20_poly1305", key = key, iv = iv }
    tx:set_sequence(0x0102)
    local frag = tx:seal(21, "\2\40")
    -- last two IV bytes: 0xaa xor 0x01 = 0xab, 0xaa xor 0x02 = 0xa8
    local nonce = string.rep("\170", 10) .. "\171\168"
    local ct, tag = tlshs._aead("chacha20_poly1305", key, nonce,
      "\0\0\0\0\0\0\1\2" .. "\21\3\3\0\2", "\2\40", nil, true)
    assert.equal(hex(ct .. tag), hex(frag))
  end)

  describe("CBC padding (RFC 5246 §6.2.3.2)", function()
    for _, etm in ipairs { false, true } do
      it("accepts every padding length the sender may choose" .. (etm and " (EtM)" or ""), function()
        local tx, rx = pair { cipher = "aes_128_cbc", mac = "sha1", etm = etm }
        -- content 11 bytes: 11+20+1 = 32 (MtE) / 11+1 = 12 (EtM) → pad ≡ 0 / 4 mod 16
        local base = etm and 4 or 0
        for pad = base, 255, 16 do
          local frag = tx:seal(23, "hello world", { pad = pad })
          assert.equal(16 + 11 + (etm and 0 or 20) + pad + 1 + (etm and 20 or 0), #frag)
          assert.equal("hello world", rx:open(23, frag), "pad " .. pad)
        end
        assert.has_error(function() tx:seal(23, "hello world", { pad = base + 1 }) end)
        assert.has_error(function() tx:seal(23, "hello world", { pad = 256 }) end)
      end)

      it("rejects bad padding with the same alert and detail as a bad MAC" .. (etm and " (EtM)" or ""), function()
        local tx, rx = pair { cipher = "aes_256_cbc", mac = "sha256", etm = etm }
        local details = {}
        for _, opts in ipairs { { corrupt_padding = true }, { corrupt_padding = true, pad = 0 },
                                { corrupt_padding = true, pad = 255 }, { corrupt_mac = true } } do
          local pt = "0123456789abcdef"
          if opts.pad then -- a content length that the chosen padding fills exactly
            local n = 0
            while (n + (etm and 0 or 32) + opts.pad + 1) % 16 ~= 0 do n = n + 1 end
            pt = pt:sub(1, n)
          end
          local frag = tx:seal(23, pt, opts)
          local got, alert, detail = rx:open(23, frag)
          assert.is_nil(got)
          assert.equal("bad_record_mac", alert)
          details[#details + 1] = detail
          tx:set_sequence(0)
        end
        if not etm then
          for i = 2, #details do assert.equal(details[1], details[i]) end
        end
      end)
    end

    it("finds the MAC for every content length 0..70 and every padding length (MtE)", function()
      -- seal MACs with the plain HMAC, open with the constant-time one
      -- (rec_hmac.c): they must agree wherever the padding puts the MAC.
      for _, m in ipairs { "sha1", "sha256", "sha384" } do
        local tx, rx = pair { cipher = "aes_128_cbc", mac = m }
        local count = 0
        for len = 0, 70 do
          local pt = tlshs.random(len)
          for pad = (16 - (len + MAC[m] + 1) % 16) % 16, 255, 16 do
            assert.equal(pt, rx:open(23, tx:seal(23, pt, { pad = pad })), m .. " " .. len .. " " .. pad)
            count = count + 1
          end
        end
        assert.is_true(count > 71 * 15)
      end
    end)

    it("refuses pad and corrupt_padding for other ciphers", function()
      local tx = pair { cipher = "aes_128_gcm" }
      assert.has_error(function() tx:seal(23, "x", { pad = 0 }) end)
      assert.has_error(function() tx:seal(23, "x", { corrupt_padding = true }) end)
      assert.has_error(function() tlshs.record_protection { cipher = "null" }:seal(23, "x", { corrupt_mac = true }) end)
    end)
  end)

  describe("construction", function()
    it("refuses wrong key, iv and mac_key sizes and unknown names", function()
      local k16, k32 = string.rep("k", 16), string.rep("k", 32)
      local bad = {
        { cipher = "aes_128_gcm", key = k32, iv = "salt" },
        { cipher = "aes_128_gcm", key = k16, iv = "salty" },
        { cipher = "aes_256_gcm", key = k16, iv = "salt" },
        { cipher = "chacha20_poly1305", key = k32, iv = "salt" },
        { cipher = "aes_128_cbc", key = k16, mac = "sha1", mac_key = k32 },
        { cipher = "aes_128_cbc", key = k16 },
        { cipher = "aes_128_gcm", key = k16, iv = "salt", mac = "sha1", mac_key = string.rep("m", 20) },
        { cipher = "aes_512_gcm", key = k16 },
        { cipher = "aes_128_cbc", key = k16, mac = "md5", mac_key = k16 },
        { key = k16 },
        { cipher = "aes_128_gcm", key = k16, iv = "salt", version = 0x10000 },
      }
      for i, t in ipairs(bad) do
        assert.has_error(function() tlshs.record_protection(t) end, nil, "case " .. i)
      end
    end)

    it("takes keys as tlshs.secret", function()
      local k, iv = tlshs.random(32), tlshs.random(12)
      local a = tlshs.record_protection { cipher = "chacha20_poly1305", key = tlshs.secret(k), iv = tlshs.secret(iv) }
      local b = tlshs.record_protection { cipher = "chacha20_poly1305", key = k, iv = iv }
      assert.equal("secret", b:open(23, a:seal(23, "secret")))
    end)

    it("replays byte for byte with a seeded generator (CBC explicit IVs)", function()
      local t = { cipher = "aes_128_cbc", mac = "sha1", key = string.rep("k", 16), mac_key = string.rep("m", 20) }
      tlshs.set_random(string.rep("\7", 32))
      local a = tlshs.record_protection(t):seal(23, "same")
      tlshs.set_random(string.rep("\7", 32))
      local b = tlshs.record_protection(t):seal(23, "same")
      tlshs.set_random(nil)
      assert.equal(a, b)
    end)
  end)
end)
