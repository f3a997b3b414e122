-- A server-chosen DH group (RFC 5246 §7.4.3 ServerDHParams) is used only when
-- p is a safe prime (p and (p - 1)/2 prime, GMP's mpz_probab_prime_p) and
-- 2 <= g <= p - 2; anything else is refused with illegal_parameter (a
-- malformed field, RFC 5246 §7.2.2; insufficient_security stays for groups
-- that are well-formed but too small). Verdicts are cached per prime: the
-- RFC 7919 primes are known, a repeated prime is tested once.
local core = require "tlshs.core"
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"
local probe = require "tlshs.probe"
local client = require "tlshs.client"

local function unhex(h) return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end)) end

-- RFC 3526 §3, the 2048-bit MODP group: a safe prime that is not an RFC 7919 one.
local MODP2048 = unhex("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF")
-- MODP2048 - 2: odd and composite.
local COMPOSITE = unhex("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFD")
-- RFC 5114 §2.1, 1024-bit MODP group with a 160-bit prime order subgroup:
-- p is prime, (p - 1)/2 is not (a DSA-style group).
local RFC5114_P = unhex("B10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B616073E28675A23D189838EF1E2EE652C013ECB4AEA906112324975C3CD49B83BFACCBDD7D90C4BD7098488E9C219A73724EFFD6FAE5644738FAA31A4FF55BCCC0A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708DF1FB2BC2E4A4371")
local RFC5114_G = unhex("A4D1CBD5C3FD34126765A442EFB99905F8104DD258AC507FD6406CFF14266D31266FEA1E5C41564B777E690F5504F213160217B4B01B886A5E91547F9E2749F4D7FBD7D3B9A92EE1909D0D2263F80A76A6A24C087A091F531DBF0A0169B6A28AD662A4D18E73AFA32D779D5918D08BC8858F4DCEF97C2A24855E6EEB22B3B2E5")

local function minus(p, n)   -- big-endian p - n for a small n (no borrow past the last byte)
  return p:sub(1, -2) .. string.char(p:byte(-1) - n)
end

describe("key_exchange('dh') with a server-chosen group", function()
  it("accepts a safe prime and g = 2", function()
    local kx = assert(core.key_exchange("dh", { p = MODP2048, g = "\2" }))
    local peer = assert(core.key_exchange("dh", { p = MODP2048, g = "\2" }))
    assert.equal(kx:agree(peer:public()):bytes(), peer:agree(kx:public()):bytes())
  end)

  it("refuses a composite p with illegal_parameter", function()
    local kx, alert, detail = core.key_exchange("dh", { p = COMPOSITE, g = "\2" })
    assert.is_nil(kx)
    assert.equal("illegal_parameter", alert)
    assert.matches("safe prime", detail, 1, true)
  end)

  it("refuses a prime p whose (p - 1)/2 is composite (RFC 5114 group) with illegal_parameter", function()
    local kx, alert, detail = core.key_exchange("dh", { p = RFC5114_P, g = RFC5114_G })
    assert.is_nil(kx)
    assert.equal("illegal_parameter", alert)
    assert.matches("safe prime", detail, 1, true)
  end)

  it("keeps refusing a p under 1024 bits with insufficient_security", function()
    local kx, alert = core.key_exchange("dh", { p = MODP2048:sub(1, 100), g = "\2" })
    assert.is_nil(kx)
    assert.equal("insufficient_security", alert)
  end)

  it("wants 2 <= g <= p - 2", function()
    for _, g in ipairs { "", "\0", "\1", minus(MODP2048, 1), MODP2048, "\1" .. MODP2048 } do
      local kx, alert = core.key_exchange("dh", { p = MODP2048, g = g })
      assert.is_nil(kx)
      assert.equal("illegal_parameter", alert)
    end
    assert.truthy(core.key_exchange("dh", { p = MODP2048, g = minus(MODP2048, 2) }))
    assert.truthy(core.key_exchange("dh", { p = MODP2048, g = "\0\0\2" }))
  end)

  it("tests each prime once, and the RFC 7919 primes never", function()
    local ffdhe = { core.key_exchange("ffdhe2048"):params() }
    local before = core._dh_prime_tests()
    for _ = 1, 5 do assert(core.key_exchange("dh", { p = ffdhe[1], g = ffdhe[2] })) end
    assert.equal(before, core._dh_prime_tests())
    -- a new prime: one test, then cached (composite verdicts too)
    local fresh = COMPOSITE:sub(1, -2) .. string.char(COMPOSITE:byte(-1) - 2)
    before = core._dh_prime_tests()
    for _ = 1, 5 do assert.is_nil(core.key_exchange("dh", { p = fresh, g = "\2" })) end
    assert.equal(before + 1, core._dh_prime_tests())
    before = core._dh_prime_tests()
    for _ = 1, 5 do assert(core.key_exchange("dh", { p = MODP2048, g = "\2" })) end
    assert.is_true(core._dh_prime_tests() <= before + 1)
  end)
end)

describe("our client against openssl s_server with a non-safe DH group", function()
  local c = certs.get()
  local peer, dhfile
  setup(function()
    dhfile = os.tmpname()
    assert(os.execute("openssl genpkey -genparam -algorithm DH -pkeyopt dh_rfc5114:1 -out " .. dhfile
      .. " >/dev/null 2>&1"))
    peer = peers.start { "openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert", c.rsa_cert, "-key", c.rsa_key,
      "-www", "-tls1_2", "-dhparam", dhfile, "-cipher", "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0" }
  end)
  teardown(function() peers.stop(peer); os.remove(dhfile) end)

  it("answers illegal_parameter to its ServerKeyExchange", function()
    local t = assert(probe.connect { host = "127.0.0.1", port = peer.port, timeout = 5 })
    local conn = client.wrap(t, { servername = "localhost", cafile = c.ca,
      ciphers = { "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" } })
    local ok, err, detail = conn:handshake()
    if t.really_close then t:really_close() end
    assert.is_nil(ok)
    assert.equal("illegal_parameter", err, tostring(detail))
    assert.matches("safe prime", tostring(detail), 1, true)
  end)
end)
