-- CBC records against other implementations:
--  * records recorded on the wire by "The Illustrated TLS 1.2 Connection"
--    (spec/vectors/tls12-transcripts/illustrated-tls12, MIT; see
--    PROVENANCE.md): TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, MAC-then-encrypt;
--  * records computed here with the openssl command line (`openssl mac`
--    for HMAC, `openssl enc -nopad` for AES-CBC), MtE and EtM (RFC 7366).
local tlshs = require "tlshs"
local helpers = require "spec.helpers"
local unhex, hex = helpers.unhex, helpers.hex

-- Key block of the illustrated connection: PRF-SHA256(master secret from
-- keylog.txt, "key expansion", server_random ‖ client_random) split as
-- RFC 5246 §6.3 says (computed outside this repository with Python's hmac;
-- that the recorded MACs verify below confirms every byte).
local K = {
  client_mac = unhex "1b7d117c7d5f690bc263cae8ef60af0f1878acc2",
  server_mac = unhex "2ad8bdd8c601a617126f63540eb20906f781fad2",
  client_key = unhex "f656d037b173ef3e11169f27231a84b6",
  server_key = unhex "752a18e7a9fcb7cbcdd8f98dd8f769eb",
}

local caps = helpers.vectors .. "/tls12-transcripts/illustrated-tls12/caps/"

-- One record file: 5-byte header + fragment.
local function record(name)
  local r = helpers.read_file(caps .. name)
  local len = r:byte(4) * 256 + r:byte(5)
  assert(#r == 5 + len, name)
  return r:byte(1), r:sub(6)
end

describe("CBC records from the illustrated TLS 1.2 connection", function()
  local function state(side)
    return tlshs.record_protection { cipher = "aes_128_cbc", mac = "sha1",
                                     key = K[side .. "_key"], mac_key = K[side .. "_mac"] }
  end

  for _, side in ipairs { "client", "server" } do
    it("opens the " .. side .. "'s records and re-seals them byte for byte", function()
      local rx, tx = state(side), state(side)
      local names = { side .. "finished", side .. "data" }
      if side == "client" then names[3] = "clientalert" end
      local opened = {}
      for i, name in ipairs(names) do
        local type, frag = record(name)
        local pt, alert, detail = rx:open(type, frag)
        assert.is_string(pt, name .. ": " .. tostring(alert) .. " " .. tostring(detail))
        assert.equal(i, rx:sequence())
        opened[i] = pt
        -- the recorded plaintext files start with the same bytes
        local plain = helpers.read_file(caps .. name .. "plain")
        assert.equal(hex(plain:sub(1, #pt)), hex(pt))
        -- same keys, same sequence number, same explicit IV → same bytes
        assert.equal(hex(frag), hex(tx:seal(type, pt, { iv = frag:sub(1, 16) })), name)
      end
      assert.equal(16, #opened[1])              -- Finished: 4-byte header + 12 verify_data
      assert.equal("14", hex(opened[1]:sub(1, 1)))
      assert.equal(side == "client" and "ping" or "pong", opened[2])
      if side == "client" then assert.equal("0100", hex(opened[3])) end -- close_notify
    end)
  end

  it("rejects them with the other side's keys or out of order", function()
    local type, frag = record("clientdata")
    assert.equal("bad_record_mac", select(2, state("server"):open(type, frag)))
    assert.equal("bad_record_mac", select(2, state("client"):open(type, frag))) -- seq 0, not 1
  end)
end)

-- ---- openssl command line ---------------------------------------------------

local function run(cmd, input)
  local inf, outf = os.tmpname(), os.tmpname()
  local f = assert(io.open(inf, "wb")); f:write(input); f:close()
  local ok = os.execute(cmd .. " -in " .. inf .. " -out " .. outf .. " 2>/dev/null")
  local out = helpers.read_file(outf)
  os.remove(inf); os.remove(outf)
  assert(ok == true or ok == 0, "command failed: " .. cmd)
  return out
end

-- `openssl mac` takes the algorithm name after the options.
local function ossl_hmac(digest, key, data)
  local inf, outf = os.tmpname(), os.tmpname()
  local f = assert(io.open(inf, "wb")); f:write(data); f:close()
  local ok = os.execute("openssl mac -binary -digest " .. digest .. " -macopt hexkey:" .. hex(key)
    .. " -in " .. inf .. " -out " .. outf .. " HMAC 2>/dev/null")
  local out = helpers.read_file(outf)
  os.remove(inf); os.remove(outf)
  assert(ok == true or ok == 0, "openssl mac failed")
  return out
end

local function ossl_cbc(bits, key, iv, data)
  return run("openssl enc -aes-" .. bits .. "-cbc -nopad -K " .. hex(key) .. " -iv " .. hex(iv), data)
end

local function u16(n) return string.char(math.floor(n / 256), n % 256) end

local function padding(p) return string.rep(string.char(p), p + 1) end

-- An MtE record as RFC 5246 §6.2.3.2 builds it, with OpenSSL doing the crypto.
local function ossl_mte(bits, digest, key, mac_key, seq8, type, content, iv, pad)
  local mac = ossl_hmac(digest, mac_key, seq8 .. string.char(type) .. "\3\3" .. u16(#content) .. content)
  return iv .. ossl_cbc(bits, key, iv, content .. mac .. padding(pad))
end

-- An EtM record as RFC 7366 §3 builds it.
local function ossl_etm(bits, digest, key, mac_key, seq8, type, content, iv, pad)
  local c = iv .. ossl_cbc(bits, key, iv, content .. padding(pad))
  return c .. ossl_hmac(digest, mac_key, seq8 .. string.char(type) .. "\3\3" .. u16(#c) .. c)
end

local cases = {
  { cipher = "aes_128_cbc", bits = 128, mac = "sha1", digest = "SHA1", mlen = 20 },
  { cipher = "aes_256_cbc", bits = 256, mac = "sha256", digest = "SHA256", mlen = 32 },
  { cipher = "aes_128_cbc", bits = 128, mac = "sha384", digest = "SHA384", mlen = 48 },
}

-- No version gate: these run wherever the openssl command does (a missing
-- `openssl mac` or a different record fails here, it is never skipped).
describe("CBC records against the openssl command line", function()
  for _, c in ipairs(cases) do
    for _, etm in ipairs { false, true } do
      local label = c.cipher .. "/" .. c.mac .. (etm and "/etm" or "")
      it(label .. ": seal equals OpenSSL's record; OpenSSL's records open (pads 0..255)", function()
        local key, mac_key = tlshs.random(c.bits / 8), tlshs.random(c.mlen)
        local cfg = { cipher = c.cipher, mac = c.mac, key = key, mac_key = mac_key, etm = etm }
        local tx, rx = tlshs.record_protection(cfg), tlshs.record_protection(cfg)
        local build = etm and ossl_etm or ossl_mte
        local content = tlshs.random(37)
        tx:set_sequence(5)
        local ours = tx:seal(23, content)
        local iv = ours:sub(1, 16)
        local pad = (16 - (37 + (etm and 0 or c.mlen) + 1) % 16) % 16
        local theirs = build(c.bits, c.digest, key, mac_key, "\0\0\0\0\0\0\0\5", 23, content, iv, pad)
        assert.equal(hex(theirs), hex(ours))
        -- OpenSSL-built records with long paddings: the constant-time path
        -- must find the MAC wherever the padding puts it.
        local n = 0
        for _, p in ipairs { 0, 1, 15, 16, 100, 200, 255 } do
          local len = 40
          while (len + (etm and 0 or c.mlen) + p + 1) % 16 ~= 0 do len = len + 1 end
          local pt = tlshs.random(len)
          local seq8 = "\0\0\0\0\0\0\0" .. string.char(n)
          local rec = build(c.bits, c.digest, key, mac_key, seq8, 23, pt, tlshs.random(16), p)
          local got, alert, detail = rx:open(23, rec)
          assert.equal(hex(pt), got and hex(got), "pad " .. p .. ": " .. tostring(alert) .. " " .. tostring(detail))
          n = n + 1
        end
      end)
    end
  end

  it("an authentic CBC record of 2^14+1 plaintext bytes is record_overflow", function()
    local key, mac_key = tlshs.random(16), tlshs.random(20)
    for _, etm in ipairs { false, true } do
      local rx = tlshs.record_protection { cipher = "aes_128_cbc", mac = "sha1", key = key,
                                           mac_key = mac_key, etm = etm }
      local build = etm and ossl_etm or ossl_mte
      local len = 16385
      local p = 0
      while (len + (etm and 0 or 20) + p + 1) % 16 ~= 0 do p = p + 1 end
      local rec = build(128, "SHA1", key, mac_key, string.rep("\0", 8), 23, string.rep("a", len),
        tlshs.random(16), p)
      local got, alert = rx:open(23, rec)
      assert.is_nil(got)
      assert.equal("record_overflow", alert)
    end
  end)
end)
