-- Keys and signatures: loading every key format, SPKI export compared with
-- OpenSSL's, verification of OpenSSL-made signatures, sign/verify round
-- trips, clear errors, RSA PKCS#1 v1.5 encryption and the premaster
-- countermeasure.
local tlshs = require "tlshs"
local helpers = require "spec.helpers"
local fx = require "spec.crypto_fixtures"
local unhex, hex = helpers.unhex, helpers.hex

describe("tlshs.load_private_key", function()
  local cases = {
    {"rsa2048", "rsa", 2048, nil},
    {"rsa2048_pkcs1", "rsa", 2048, nil},
    {"rsa1024", "rsa", 1024, nil},
    {"p256", "ec", 256, "secp256r1"},       -- SEC1 after an EC PARAMETERS block
    {"p256_pkcs8", "ec", 256, "secp256r1"},
    {"p384", "ec", 384, "secp384r1"},       -- SEC1 without EC PARAMETERS
    {"ed25519", "ed25519", 256, nil},
  }
  for _, c in ipairs(cases) do
    it("loads " .. c[1] .. " and exports the same SPKI as OpenSSL", function()
      local k, err, detail = tlshs.load_private_key(fx.pem[c[1]])
      assert(k, tostring(err) .. " " .. tostring(detail))
      assert.equal(c[2], k:type())
      assert.equal(c[3], k:bits())
      assert.equal(c[4], k:group())
      assert.is_true(k:is_private())
      local spki = fx.spki[c[1]:gsub("_.*", "")]
      assert.equal(spki, hex(k:spki()))
      local pub = k:public_key()
      assert.is_false(pub:is_private())
      assert.equal(spki, hex(pub:spki()))
    end)
  end

  it("loads DER: SEC1, PKCS#1 and PKCS#8", function()
    local a = assert(tlshs.load_private_key(unhex(fx.der.p256_sec1)))
    assert.equal(fx.spki.p256, hex(a:spki()))
    local b = assert(tlshs.load_private_key(unhex(fx.der.rsa1024_pkcs1)))
    assert.equal(fx.spki.rsa1024, hex(b:spki()))
    local c = assert(tlshs.load_private_key(unhex(fx.der.p384_pkcs8)))
    assert.equal(fx.spki.p384, hex(c:spki()))
  end)

  it("loads the Go test server key used by the recorded transcripts", function()
    local pem = helpers.read_file(helpers.vectors .. "/tls12-transcripts/go-crypto-tls/go_testRSAPrivateKey.pem")
    local k = assert(tlshs.load_private_key(pem))
    assert.equal("rsa", k:type())
    assert.equal(1024, k:bits())
  end)

  it("refuses encrypted keys with a clear reason", function()
    for _, name in ipairs{"enc_pkcs8", "enc_trad"} do
      local k, err, detail = tlshs.load_private_key(fx.pem[name])
      assert.is_nil(k)
      assert.equal("unsupported", err)
      assert.equal("encrypted private keys are not supported: decrypt it with openssl pkey first", detail)
    end
  end)

  it("refuses unsupported key types and curves", function()
    for _, name in ipairs{"p521", "secp256k1", "x25519", "dsa", "rsa_pss"} do
      local k, err, detail = tlshs.load_private_key(fx.pem[name])
      assert.is_nil(k, name)
      assert.equal("unsupported", err, name .. ": " .. tostring(detail))
      assert.is_string(detail)
    end
    local _, _, detail = tlshs.load_private_key(fx.pem.p521)
    assert.matches("unsupported curve", detail)
  end)

  it("reports truncated and malformed input as decode_error", function()
    local pem = fx.pem.p256
    local k, err, detail = tlshs.load_private_key(pem:sub(1, #pem - 40))
    assert.is_nil(k)
    assert.equal("decode_error", err)
    assert.matches("no END line", detail)
    k, err, detail = tlshs.load_private_key("hello")
    assert.equal("decode_error", err)
    assert.matches("neither PEM nor DER", detail)
    k, err, detail = tlshs.load_private_key(unhex(fx.der.p256_sec1):sub(1, 50))
    assert.equal("decode_error", err)
    assert.matches("truncated", detail)
    k, err, detail = tlshs.load_private_key("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    assert.equal("decode_error", err)
    assert.matches("no private key block found %(saw CERTIFICATE%)", detail)
    k, err, detail = tlshs.load_private_key("-----BEGIN PRIVATE KEY-----\nA*AA\n-----END PRIVATE KEY-----\n")
    assert.equal("decode_error", err)
    assert.matches("invalid base64", detail)
    -- every proper prefix of a DER key fails cleanly
    local der = unhex(fx.der.rsa1024_pkcs1)
    for i = 0, #der - 1, 7 do
      local kk, e = tlshs.load_private_key(der:sub(1, i))
      assert.is_nil(kk)
      assert.equal("decode_error", e)
    end
  end)
end)

describe("key loaders on corrupted input", function()
  it("never crash: every byte of DER keys and SPKIs flipped", function()
    local inputs = {unhex(fx.der.p256_sec1), unhex(fx.der.rsa1024_pkcs1), unhex(fx.der.p384_pkcs8)}
    local n, loaded = 0, 0
    for _, der in ipairs(inputs) do
      for i = 1, #der do
        local bad = der:sub(1, i - 1) .. string.char((der:byte(i) + 0x41) % 256) .. der:sub(i + 1)
        local k, err, detail = tlshs.load_private_key(bad)
        if k then loaded = loaded + 1 else assert.is_string(err); assert.is_string(detail) end
        n = n + 1
      end
    end
    for _, name in ipairs{"p256", "p384", "ed25519", "rsa1024"} do
      local der = unhex(fx.spki[name])
      for i = 1, #der do
        local bad = der:sub(1, i - 1) .. string.char((der:byte(i) + 0x41) % 256) .. der:sub(i + 1)
        local k, err = tlshs.load_public_key(bad)
        if not k then assert.is_string(err) end
        n = n + 1
      end
    end
    assert.is_true(n > 1000)
  end)
end)

describe("tlshs.load_public_key", function()
  it("loads SPKI for RSA, P-256, P-384 and Ed25519", function()
    for _, n in ipairs{"rsa2048", "p256", "p384", "ed25519"} do
      local k = assert(tlshs.load_public_key(unhex(fx.spki[n])))
      assert.is_false(k:is_private())
      assert.equal(fx.spki[n], hex(k:spki()))
    end
  end)

  it("refuses unsupported algorithms and curves", function()
    local k, err = tlshs.load_public_key(unhex(fx.spki.p521))
    assert.is_nil(k)
    assert.equal("unsupported", err)
    k, err = tlshs.load_public_key(unhex(fx.spki.x25519))
    assert.equal("unsupported", err)
  end)

  it("rejects an EC point that is not on the curve", function()
    local spki = unhex(fx.spki.p256)
    local bad = spki:sub(1, #spki - 1) .. string.char((spki:byte(#spki) + 1) % 256)
    local k, err, detail = tlshs.load_public_key(bad)
    assert.is_nil(k)
    assert.equal("decode_error", err)
    assert.matches("not on the curve", detail)
  end)

  it("rejects trailing bytes and every truncation", function()
    local spki = unhex(fx.spki.rsa2048)
    local k, err, detail = tlshs.load_public_key(spki .. "\0")
    assert.is_nil(k)
    assert.equal("decode_error", err)
    assert.matches("trailing", detail)
    for i = 0, #spki - 1 do
      assert.is_nil((tlshs.load_public_key(spki:sub(1, i))))
    end
  end)
end)

describe("signatures", function()
  local keys = {}
  setup(function()
    for _, n in ipairs{"rsa2048", "p256", "p384", "ed25519", "rsa1024"} do
      keys[n] = assert(tlshs.load_private_key(fx.pem[n]))
    end
  end)

  it("verify OpenSSL signatures, and reject them over another message", function()
    for _, s in ipairs(fx.sigs) do
      local pub = assert(tlshs.load_public_key(unhex(fx.spki[s.key])))
      local ok, err, detail = pub:verify(s.scheme, fx.message, unhex(s.sig))
      assert.is_true(ok, s.scheme .. " " .. tostring(detail))
      ok, err = pub:verify(s.scheme, fx.message .. "!", unhex(s.sig))
      assert.is_nil(ok)
      assert.equal("decrypt_error", err)
    end
  end)

  it("sign and verify with every scheme the key supports", function()
    local schemes = {"rsa_pkcs1_sha1", "rsa_pkcs1_sha256", "rsa_pkcs1_sha384", "rsa_pkcs1_sha512",
      "rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512", "ecdsa_secp256r1_sha256",
      "ecdsa_secp384r1_sha384", "ecdsa_sha1", "ed25519", "rsa_pkcs1_md5_sha1"}
    local n = 0
    for kname, k in pairs(keys) do
      for _, s in ipairs(schemes) do
        if k:supports(s) then
          local sig = assert(k:sign(s, "data"))
          assert.is_true(k:public_key():verify(s, "data", sig), kname .. " " .. s)
          n = n + 1
        end
      end
    end
    assert.equal(4 + 3 + 1 + 1 + 1 + 1 + 1 + 1 + 4 + 2 + 1, n)
  end)

  it("accept numbers for schemes", function()
    local sig = assert(keys.rsa2048:sign(0x0804, "x"))
    assert.is_true(keys.rsa2048:verify("rsa_pss_rsae_sha256", "x", sig))
  end)

  it("follow TLS 1.2 for ECDSA: the curve comes from the key", function()
    -- supports() is strict (TLS 1.3 meaning) ...
    assert.is_true(keys.p256:supports("ecdsa_secp256r1_sha256"))
    assert.is_false(keys.p256:supports("ecdsa_secp384r1_sha384"))
    assert.is_true(keys.p256:supports("ecdsa_sha1"))
    -- ... but (sha384, ecdsa) with a P-256 key signs and verifies
    local sig = assert(keys.p256:sign("ecdsa_secp384r1_sha384", "m"))
    assert.is_true(keys.p256:verify("ecdsa_secp384r1_sha384", "m", sig))
  end)

  it("say which schemes fit which key", function()
    assert.is_true(keys.rsa1024:supports("rsa_pss_rsae_sha384"))
    assert.is_false(keys.rsa1024:supports("rsa_pss_rsae_sha512"))   -- 128 < 2*64+2
    assert.is_false(keys.rsa2048:supports("ecdsa_secp256r1_sha256"))
    assert.is_false(keys.rsa2048:supports("rsa_pss_pss_sha256"))
    assert.is_false(keys.ed25519:supports("rsa_pkcs1_sha256"))
    assert.is_false(keys.p256:supports("no_such_scheme"))
  end)

  it("report a scheme that does not fit the key as illegal_parameter", function()
    local ok, err = keys.p256:verify("rsa_pkcs1_sha256", "m", "sig")
    assert.is_nil(ok)
    assert.equal("illegal_parameter", err)
    local sig, err2 = keys.rsa2048:sign("ed25519", "m")
    assert.is_nil(sig)
    assert.equal("illegal_parameter", err2)
  end)

  it("are reproducible under tlshs.set_random (ECDSA nonce, PSS salt)", function()
    local seed = string.rep("\7", 32)
    tlshs.set_random(seed)
    local a1 = keys.p256:sign("ecdsa_secp256r1_sha256", "m")
    local b1 = keys.rsa2048:sign("rsa_pss_rsae_sha256", "m")
    tlshs.set_random(seed)
    local a2 = keys.p256:sign("ecdsa_secp256r1_sha256", "m")
    local b2 = keys.rsa2048:sign("rsa_pss_rsae_sha256", "m")
    tlshs.set_random(nil)
    assert.equal(a1, a2)
    assert.equal(b1, b2)
    assert.not_equal(a1, keys.p256:sign("ecdsa_secp256r1_sha256", "m"))
  end)

  it("reject a BER (non-DER) ECDSA signature", function()
    local s
    for _, x in ipairs(fx.sigs) do if x.key == "p256" and x.scheme == "ecdsa_secp256r1_sha256" then s = unhex(x.sig) end end
    -- long-form length for the outer SEQUENCE
    local ber = "\48\129" .. s:sub(2)
    local ok, err = keys.p256:verify("ecdsa_secp256r1_sha256", fx.message, ber)
    assert.is_nil(ok)
    assert.equal("decrypt_error", err)
    ok, err = keys.p256:verify("ecdsa_secp256r1_sha256", fx.message, s .. "\0")
    assert.is_nil(ok)
  end)

  it("are closed by close(), and closed keys refuse use", function()
    local k = assert(tlshs.load_private_key(fx.pem.p256))
    k:close()
    assert.has_error(function() k:sign("ecdsa_secp256r1_sha256", "m") end)
    assert.matches("closed", tostring(k))
  end)
end)

describe("RSA PKCS#1 v1.5 encryption", function()
  local k
  setup(function() k = assert(tlshs.load_private_key(fx.pem.rsa1024)) end)

  it("round-trips through rsa_encrypt / rsa_decrypt", function()
    local ct = k:public_key():rsa_encrypt("secret message")
    assert.equal(128, #ct)
    assert.equal("secret message", k:rsa_decrypt(ct))
  end)

  it("fails every invalid ciphertext with the same error", function()
    local ct = k:rsa_encrypt("m")
    local bad = {ct:sub(2), ct .. "\0", string.rep("\0", 128), string.rep("\255", 128),
                 ct:sub(1, 60) .. string.char((ct:byte(61) + 1) % 256) .. ct:sub(62)}
    for _, b in ipairs(bad) do
      local pt, err, detail = k:rsa_decrypt(b)
      assert.is_nil(pt)
      assert.equal("decrypt_error", err)
      assert.equal("pkcs1: decryption failed", detail)
    end
  end)

  it("decrypts a premaster, and answers 48 random bytes for anything wrong", function()
    local pms = "\3\3" .. string.rep("\42", 46)
    local ct = k:rsa_encrypt(pms)
    local s = k:rsa_decrypt_premaster(ct, 0x0303)
    assert.equal(48, s:len())
    assert.equal(pms, s:bytes())
    -- RFC 5246 §7.4.7.1: every failure form answers a fresh random premaster.
    -- A constant (or ciphertext-derived) fallback is a Bleichenbacher oracle:
    -- the attacker computes Finished from it.  So each bad ciphertext is
    -- decrypted twice, and every answer must differ from every other one.
    local function flipped(c, i) return c:sub(1, i - 1) .. string.char((c:byte(i) + 1) % 256) .. c:sub(i + 1) end
    local bad = {
      {"wrong version", ct, 0x0302},
      {"wrong version (first byte)", ct, 0x0203},
      {"bad padding (flipped byte)", flipped(ct, 61), 0x0303},
      {"short premaster (47 bytes)", k:rsa_encrypt("\3\3" .. string.rep("\0", 45)), 0x0303},
      {"long premaster (49 bytes)", k:rsa_encrypt("\3\3" .. string.rep("\0", 47)), 0x0303},
      {"empty message", k:rsa_encrypt(""), 0x0303},
      {"junk (4 bytes)", "junk", 0x0303},
      {"ciphertext one byte short", ct:sub(2), 0x0303},
      {"ciphertext one byte long", ct .. "\0", 0x0303},
      {"all-zero ciphertext", string.rep("\0", 128), 0x0303},
      {"all-0xff ciphertext (above the modulus)", string.rep("\255", 128), 0x0303},
      {"empty ciphertext", "", 0x0303},
    }
    local seen, n = {}, 0
    for _, b in ipairs(bad) do
      for _ = 1, 2 do
        local r = k:rsa_decrypt_premaster(b[2], b[3])
        assert.equal(48, r:len(), b[1])
        local bytes = r:bytes()
        assert.not_equal(pms, bytes, b[1])
        assert.not_equal(string.rep("\0", 48), bytes, b[1])
        assert.is_nil(seen[bytes], b[1] .. ": premaster repeated (constant fallback)")
        seen[bytes] = b[1]
        n = n + 1
      end
    end
    assert.equal(2 * #bad, n)
  end)
end)

-- Peer RSA keys under 1024 bits are refused with insufficient_security
-- (issue 13: 512 was accepted): in certificates (verify_chain, cert:public_key),
-- imported SPKI (load_public_key) and in the client and server flows, unless
-- a probe lowers the floor (min_rsa_bits; 0 = none).
describe("the RSA key floor", function()
  local certs_ = require "spec.support.certs"
  local peers = require "spec.support.peers"
  local probe = require "tlshs.probe"
  local c = certs_.get()
  local weak = c.dir .. "/weak512"

  local function sh(cmd)
    local ok = os.execute(cmd .. " >/dev/null 2>&1")
    assert(ok == true or ok == 0, cmd)
  end
  local read = helpers.read_file

  setup(function()
    local ext = weak .. ".ext"
    local f = assert(io.open(ext, "w"))
    f:write("subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n",
      "extendedKeyUsage=serverAuth,clientAuth\n")
    f:close()
    sh(string.format("openssl genrsa -out %s.key 512 && openssl req -new -key %s.key -out %s.csr -subj /CN=localhost"
      .. " && openssl x509 -req -in %s.csr -CA %s/ca.pem -CAkey %s/ca.key -CAcreateserial -days 30 -out %s.pem -extfile %s",
      weak, weak, weak, weak, c.dir, c.dir, weak, ext))
  end)

  it("refuses a 512-bit certificate key in verify_chain, cert:public_key and load_public_key", function()
    local cert = assert(tlshs.load_certificate(read(weak .. ".pem")))
    local anchor = assert(tlshs.load_certificate(read(c.ca)))
    local ok, alert, detail = tlshs.verify_chain({ cert }, { anchor }, { host = "localhost" })
    assert.is_nil(ok)
    assert.equal("insufficient_security", alert)
    assert.matches("RSA key of 512 bits is below the floor of 1024 bits", detail, 1, true)
    assert.is_true((tlshs.verify_chain({ cert }, { anchor }, { host = "localhost", min_rsa_bits = 512 })))
    assert.is_true((tlshs.verify_chain({ cert }, { anchor }, { host = "localhost", min_rsa_bits = 0 })))
    local _, a2 = tlshs.verify_chain({ cert }, { anchor }, { min_rsa_bits = 513 })
    assert.equal("insufficient_security", a2)

    local key, kalert = cert:public_key()
    assert.is_nil(key)
    assert.equal("insufficient_security", kalert)
    key = assert(cert:public_key(512))
    assert.equal(512, key:bits())
    assert.truthy(cert:public_key(0))
    local pk, palert = tlshs.load_public_key(key:spki())
    assert.is_nil(pk)
    assert.equal("insufficient_security", palert)
    assert.truthy(tlshs.load_public_key(key:spki(), 512))
    -- 1024 bits and more pass the default floor
    assert.truthy(tlshs.load_public_key(assert(tlshs.load_private_key(fx.pem.rsa1024)):spki()))
  end)

  it("makes our client refuse a server with a 512-bit key, unless min_rsa_bits lowers the floor", function()
    local peer = peers.start { "openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert", weak .. ".pem",
      "-key", weak .. ".key", "-www", "-tls1_2", "-cipher", "ALL:@SECLEVEL=0" }
    local function run(opts)
      local t = assert(probe.connect { host = "127.0.0.1", port = peer.port, timeout = 5 })
      opts.ciphers = { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" }
      local conn = tlshs.client.wrap(t, opts)
      local ok, err, detail = conn:handshake()
      if t.really_close then t:really_close() end
      return ok, err, detail
    end
    local ok, err, detail = run { servername = "localhost", cafile = c.ca }
    assert.is_nil(ok)
    assert.equal("insufficient_security", err, detail)
    ok, err = run { servername = "localhost", insecure = true }
    assert.is_nil(ok)
    assert.equal("insufficient_security", err)
    ok, err, detail = run { servername = "localhost", cafile = c.ca, min_rsa_bits = 512 }
    peers.stop(peer)
    assert.is_true(ok, tostring(err) .. " " .. tostring(detail))
  end)

  it("makes our server refuse a client certificate with a 512-bit key", function()
    local converse = require "spec.support.converse"
    local _, _, _, sres = converse({ cafile = c.ca, cert = weak .. ".pem", key = weak .. ".key" },
      { cert = c.rsa_cert, key = c.rsa_key, verify_client = "require", cafile = c.ca })
    assert.is_nil(sres[1])
    assert.equal("insufficient_security", sres[2], tostring(sres[3]))
  end)
end)
