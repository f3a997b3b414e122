-- tlshs.key_exchange: X25519, P-256/P-384, RFC 7919 ffdhe and server-chosen
-- DH.  Wycheproof X25519/ECDH vectors are in crypto_wycheproof_spec.lua.
local tlshs = require "tlshs"
local helpers = require "spec.helpers"
local fx = require "spec.crypto_fixtures"
local unhex, hex = helpers.unhex, helpers.hex

local function strip0(s) return (s:gsub("^%z+", "")) end

describe("tlshs.key_exchange", function()
  it("agrees on a secret in every named group", function()
    local sizes = {x25519 = {32, 32}, secp256r1 = {65, 32}, secp384r1 = {97, 48},
                   ffdhe2048 = {256}, ffdhe3072 = {384}, ffdhe4096 = {512}}
    for g, sz in pairs(sizes) do
      local a, b = assert(tlshs.key_exchange(g)), assert(tlshs.key_exchange(g))
      assert.equal(g, a:group())
      assert.equal(sz[1], #a:public(), g)
      local s1, s2 = assert(a:agree(b:public())), assert(b:agree(a:public()))
      assert.is_true(tlshs.equal(s1, s2), g)
      assert.matches("tlshs.secret", tostring(s1))
      if sz[2] then assert.equal(sz[2], s1:len(), g) end
    end
  end)

  it("X25519: RFC 7748 §6.1 Alice and Bob", function()
    local a = tlshs.key_exchange("x25519",
      {private = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")})
    assert.equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", hex(a:public()))
    local z = a:agree(unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"))
    assert.equal("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", hex(z:bytes()))
  end)

  it("X25519: refuses a small-order peer key (all-zero output) and a wrong length", function()
    local a = tlshs.key_exchange("x25519")
    local z, err, detail = a:agree(string.rep("\0", 32))
    assert.is_nil(z)
    assert.equal("illegal_parameter", err)
    assert.matches("all zeros", detail)
    z, err = a:agree(string.rep("\9", 31))
    assert.equal("illegal_parameter", err)
  end)

  it("ECDH: refuses off-curve, compressed, infinity and oversized coordinates", function()
    local a = tlshs.key_exchange("secp256r1")
    local b = tlshs.key_exchange("secp256r1"):public()
    local off = b:sub(1, 64) .. string.char((b:byte(65) + 1) % 256)
    local bad = {
      off, "\2" .. b:sub(2, 33), "\0", string.rep("\0", 65),
      "\4" .. string.rep("\255", 64),          -- x, y >= p
      b:sub(1, 64), b .. "\0",
    }
    for i, p in ipairs(bad) do
      local z, err = a:agree(p)
      assert.is_nil(z, "case " .. i)
      assert.equal("illegal_parameter", err, "case " .. i)
    end
    local _, _, detail = a:agree(off)
    assert.matches("not on the curve", detail)
  end)

  -- The same checks on P-384 (SEC 1 §3.2.2.1 partial validation): a point
  -- that is not on the curve would let a peer pick a weak curve and learn
  -- the private scalar piece by piece (invalid-curve attack).
  for _, g in ipairs { { "secp256r1", 32,
      "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff" },
    { "secp384r1", 48,
      "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff" } } do
    local group, n, p = g[1], g[2], helpers.unhex(g[3])
    it(group .. ": refuses points off the curve, on another curve, and coordinates >= p", function()
      local a = tlshs.key_exchange(group)
      local b = tlshs.key_exchange(group):public()
      assert.equal(1 + 2 * n, #b)
      local function coord(v) return string.rep("\0", n - #v) .. v end
      local off_curve = {
        b:sub(1, 2 * n) .. string.char((b:byte(2 * n + 1) + 1) % 256),   -- y + 1
        b:sub(1, n + 1) .. string.char((b:byte(n + 2) + 1) % 256) .. b:sub(n + 3),   -- x changed
        "\4" .. coord("") .. coord("\1"),            -- (0, 1): on y^2 = x^3 - 3x + 1
        "\4" .. coord("\1") .. coord("\1"),          -- (1, 1)
        "\4" .. coord("") .. coord(""),               -- (0, 0), "infinity"
        "\4" .. b:sub(2, n + 1) .. coord(""),         -- x of a real point, y = 0
      }
      for i, pt in ipairs(off_curve) do
        local z, err, detail = a:agree(pt)
        assert.is_nil(z, "off-curve case " .. i)
        assert.equal("illegal_parameter", err, "off-curve case " .. i)
        assert.matches("not on the curve", detail, 1, true)
      end
      for i, pt in ipairs { "\4" .. p .. b:sub(n + 2), "\4" .. b:sub(2, n + 1) .. p,
                             "\4" .. string.rep("\255", 2 * n) } do
        local z, err, detail = a:agree(pt)
        assert.is_nil(z, "coordinate case " .. i)
        assert.equal("illegal_parameter", err)
        assert.matches("not below the field prime", detail, 1, true)
      end
      for i, pt in ipairs { "\2" .. b:sub(2, n + 1), b:sub(1, 2 * n), b .. "\0", "\0" } do
        assert.is_nil((a:agree(pt)), "encoding case " .. i)
      end
      -- and the real point still agrees
      assert.equal(n, a:agree(b):len())
    end)
  end

  it("is reproducible with a fixed private value or a seeded generator", function()
    local k = string.rep("\1", 32)
    assert.equal(tlshs.key_exchange("secp256r1", {private = k}):public(),
                 tlshs.key_exchange("secp256r1", {private = k}):public())
    tlshs.set_random(string.rep("\3", 32))
    local p1 = tlshs.key_exchange("secp384r1"):public() .. tlshs.key_exchange("ffdhe2048"):public()
    tlshs.set_random(string.rep("\3", 32))
    local p2 = tlshs.key_exchange("secp384r1"):public() .. tlshs.key_exchange("ffdhe2048"):public()
    tlshs.set_random(nil)
    assert.equal(p1, p2)
  end)

  it("P-256: the private scalar 1 gives the generator (SEC 2 §2.4.2)", function()
    local g = tlshs.key_exchange("secp256r1", {private = "\1"}):public()
    assert.equal("046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296" ..
                 "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", hex(g))
    assert.has_error(function() tlshs.key_exchange("secp256r1", {private = string.rep("\255", 32)}) end)
  end)

  it("ffdhe2048 matches OpenSSL's named group: public value and derived secret", function()
    local kx = tlshs.key_exchange("ffdhe2048", {private = unhex(fx.ffdhe2048.xa)})
    assert.equal(strip0(unhex(fx.ffdhe2048.ya)), strip0(kx:public()))
    assert.equal(256, #kx:public())
    local z = assert(kx:agree(unhex(fx.ffdhe2048.yb)))
    assert.equal(strip0(unhex(fx.ffdhe2048.z)), z:bytes())
    local p, g = kx:params()
    assert.equal(256, #p)
    assert.equal("\2", g)
    assert.equal("ffffffffffffffffadf85458a2bb4a9a", hex(p:sub(1, 16)))
    assert.equal("886b423861285c97ffffffffffffffff", hex(p:sub(-16)))
  end)

  it("DH: validates the peer value 1 < y < p-1", function()
    local kx = tlshs.key_exchange("ffdhe2048")
    local p = kx:params()
    local pm1 = p:sub(1, -2) .. string.char(p:byte(-1) - 1)
    for _, y in ipairs{"", "\0", "\1", pm1, p, "\1" .. p} do
      local z, err = kx:agree(y)
      assert.is_nil(z)
      assert.equal("illegal_parameter", err)
    end
    assert.truthy(kx:agree("\2"))
  end)

  it("DH with server-chosen p and g: works, and refuses weak or bad parameters", function()
    local ff = tlshs.key_exchange("ffdhe3072")
    local p = ff:params()
    local a = assert(tlshs.key_exchange("dh", {p = p, g = "\5"}))
    local b = assert(tlshs.key_exchange("dh", {p = p, g = "\5"}))
    assert.equal("dh", a:group())
    assert.is_true(tlshs.equal(a:agree(b:public()), b:agree(a:public())))
    local pp, gg = a:params()
    assert.equal(p, pp)
    assert.equal("\5", gg)
    -- a 1023-bit p
    local small = "\127" .. string.rep("\255", 127)
    local kx, err, detail = tlshs.key_exchange("dh", {p = small, g = "\2"})
    assert.is_nil(kx)
    assert.equal("insufficient_security", err)
    assert.matches("1023 bits", detail)
    -- g outside 1 < g < p-1, even p
    local pm1 = p:sub(1, -2) .. string.char(p:byte(-1) - 1)
    for _, g in ipairs{"\1", "\0", "", pm1, p} do
      kx, err = tlshs.key_exchange("dh", {p = p, g = g})
      assert.is_nil(kx)
      assert.equal("illegal_parameter", err)
    end
    kx, err = tlshs.key_exchange("dh", {p = pm1, g = "\2"})
    assert.equal("illegal_parameter", err)
    assert.has_error(function() tlshs.key_exchange("dh") end)
    assert.has_error(function() tlshs.key_exchange("secp521r1") end)
  end)

  it("strips leading zero bytes from a DH shared secret (RFC 5246 §8.1.2)", function()
    -- search fixed private values (deterministic) for a secret with a leading zero byte
    local peer = unhex(fx.ffdhe2048.yb)
    local found = false
    for i = 1, 3000 do
      local kx = tlshs.key_exchange("ffdhe2048", {private = string.char(i % 256, math.floor(i / 256) + 1)})
      local z = kx:agree(peer)
      assert.is_true(z:len() <= 256)
      if z:len() < 256 then
        assert.not_equal(0, z:bytes():byte(1))
        found = true
        break
      end
    end
    assert.is_true(found)
  end)
end)
