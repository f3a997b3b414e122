-- Hashes, the forkable running hash, HMAC and HKDF (Wycheproof), the TLS
-- PRF (39 vectors from BearSSL, GnuTLS, Mbed TLS, Go, OpenSSL/NIST CAVP,
-- Bouncy Castle and NIST ACVP; see spec/vectors/PROVENANCE.md).
local tlshs = require "tlshs"
local helpers = require "spec.helpers"
local unhex, hex = helpers.unhex, helpers.hex
local wp = helpers.vectors .. "/wycheproof/testvectors_v1/"

describe("tlshs.hash", function()
  -- FIPS 180-4 / RFC 1321 "abc" examples
  local abc = {
    md5 = "900150983cd24fb0d6963f7d28e17f72",
    sha1 = "a9993e364706816aba3e25717850c26c9cd0d89d",
    sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    sha384 = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    sha512 = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd" ..
             "454d4423643ce80e2a9ac94fa54ca49f",
  }

  it("computes the FIPS 180-4 / RFC 1321 examples", function()
    for name, want in pairs(abc) do
      assert.equal(want, hex(tlshs.hash(name, "abc")), name)
    end
  end)

  it("md5_sha1 is MD5 || SHA-1 (36 bytes)", function()
    assert.equal(abc.md5 .. abc.sha1, hex(tlshs.hash("md5_sha1", "abc")))
  end)

  it("raises on an unknown hash name", function()
    assert.has_error(function() tlshs.hash("sha3", "x") end)
  end)
end)

describe("tlshs.hash_new", function()
  it("digests without finishing, and forks into independent copies", function()
    local h = tlshs.hash_new("sha256")
    assert.equal("sha256", h:name())
    assert.equal(h, h:update("a"))
    local f = h:fork()
    h:update("bc")
    assert.equal(hex(tlshs.hash("sha256", "abc")), hex(h:digest()))
    assert.equal(hex(tlshs.hash("sha256", "abc")), hex(h:digest()))   -- digest twice: same
    h:update("def")
    assert.equal(hex(tlshs.hash("sha256", "abcdef")), hex(h:digest()))
    assert.equal(hex(tlshs.hash("sha256", "a")), hex(f:digest()))      -- the fork did not move
    f:update("xyz")
    assert.equal(hex(tlshs.hash("sha256", "axyz")), hex(f:digest()))
  end)

  it("works for md5_sha1 and accepts secrets as data", function()
    local h = tlshs.hash_new("md5_sha1"):update(tlshs.secret("ab")):update("c")
    assert.equal(hex(tlshs.hash("md5_sha1", "abc")), hex(h:digest()))
  end)
end)

describe("tlshs.equal", function()
  it("compares strings and secrets", function()
    assert.is_true(tlshs.equal("abc", "abc"))
    assert.is_false(tlshs.equal("abc", "abd"))
    assert.is_false(tlshs.equal("abc", "abcd"))
    assert.is_true(tlshs.equal(tlshs.secret("k"), "k"))
    assert.is_true(tlshs.equal("", ""))
  end)
end)

local function run_hmac(file, name)
  local doc = helpers.read_json(wp .. file)
  local n, valid, invalid = 0, 0, 0
  for _, g in ipairs(doc.testGroups) do
    local taglen = g.tagSize / 8
    for _, t in ipairs(g.tests) do
      local mac = tlshs.hmac(name, unhex(t.key), unhex(t.msg)):sub(1, taglen)
      -- compare the (possibly truncated) tag in constant time
      local ok = tlshs.equal(mac, unhex(t.tag))
      if t.result == "valid" then
        assert.is_true(ok, "tcId " .. t.tcId); valid = valid + 1
      else
        assert.is_false(ok, "tcId " .. t.tcId); invalid = invalid + 1
      end
      n = n + 1
    end
  end
  return n, valid, invalid
end

describe("Wycheproof HMAC", function()
  it("hmac_sha256_test.json: every tag (truncated ones by prefix)", function()
    local n, v, i = run_hmac("hmac_sha256_test.json", "sha256")
    assert.equal(174, n)
    assert.is_true(v > 0 and i > 0)
  end)
  it("hmac_sha384_test.json: every tag (truncated ones by prefix)", function()
    local n, v, i = run_hmac("hmac_sha384_test.json", "sha384")
    assert.equal(174, n)
    assert.is_true(v > 0 and i > 0)
  end)
end)

local function run_hkdf(file, name)
  local doc = helpers.read_json(wp .. file)
  local n, invalid = 0, 0
  for _, g in ipairs(doc.testGroups) do
    for _, t in ipairs(g.tests) do
      if t.result == "valid" then
        local okm = tlshs.hkdf(name, unhex(t.ikm), unhex(t.salt), unhex(t.info), t.size)
        assert.equal(t.okm, hex(okm), "tcId " .. t.tcId)
      else
        -- only SizeTooLarge is invalid: the length is refused
        local ok, msg = pcall(tlshs.hkdf, name, unhex(t.ikm), unhex(t.salt), unhex(t.info), t.size)
        assert.is_false(ok, "tcId " .. t.tcId)
        -- (LuaJIT names the function '?')
        assert.matches("bad argument #5 to ", msg, 1, true)
        assert.matches("integer in 0.." .. (255 * (name == "sha256" and 32 or 48)) .. " expected, got " .. t.size, msg, 1, true)
        invalid = invalid + 1
      end
      n = n + 1
    end
  end
  return n, invalid
end

describe("Wycheproof HKDF", function()
  it("hkdf_sha256_test.json", function()
    local n, i = run_hkdf("hkdf_sha256_test.json", "sha256")
    assert.equal(86, n)
    assert.is_true(i > 0)
  end)
  it("hkdf_sha384_test.json", function()
    local n = run_hkdf("hkdf_sha384_test.json", "sha384")
    assert.equal(83, n)
  end)
  it("returns a secret when the input keying material is a secret", function()
    local okm = tlshs.hkdf("sha256", tlshs.secret("ikm"), "", "", 42)
    assert.is_true(tlshs.equal(okm, tlshs.hkdf("sha256", "ikm", nil, nil, 42)))
    assert.matches("tlshs.secret", tostring(okm))
  end)
end)

describe("tlshs.prf", function()
  local hashes = {
    ["TLS1.2-PRF-SHA256"] = "sha256", ["TLS1.2-PRF-SHA384"] = "sha384",
    ["TLS1.2-PRF-SHA512"] = "sha512", ["TLS1.0-PRF-MD5-SHA1"] = "md5_sha1",
  }

  it("matches all 39 third-party vectors", function()
    local doc = helpers.read_json(helpers.vectors .. "/tls-prf/tls_prf_vectors.json")
    local n = 0
    for _, v in ipairs(doc.vectors) do
      local h = assert(hashes[v.prf], v.prf)
      local out = tlshs.prf(h, unhex(v.secret), unhex(v.label_hex), unhex(v.seed), v.output_len)
      assert.equal(v.output, hex(out), v.id)
      n = n + 1
    end
    assert.equal(39, n)
    assert.equal(doc.count, n)
  end)

  it("returns a secret for a secret, a string for a string", function()
    local a = tlshs.prf("sha256", "k", "label", "seed", 48)
    local b = tlshs.prf("sha256", tlshs.secret("k"), "label", "seed", 48)
    assert.is_string(a)
    assert.equal(a, b:bytes())
    assert.equal(48, #b)
  end)

  it("handles an empty and an odd-length secret (TLS 1.0 split)", function()
    assert.equal(12, #tlshs.prf("md5_sha1", "", "l", "s", 12))
    assert.equal(12, #tlshs.prf("md5_sha1", "abc", "l", "s", 12))
    assert.not_equal(tlshs.prf("md5_sha1", "abc", "l", "s", 12), tlshs.prf("md5_sha1", "abd", "l", "s", 12))
  end)
end)
