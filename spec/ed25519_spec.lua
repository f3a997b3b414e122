-- Ed25519 end to end (RFC 8422 §5.10, RFC 8446 §4.2.3 scheme 0x0807): Ed25519
-- certificates and keys on the server and the client, the ed25519 scheme in
-- ServerKeyExchange and CertificateVerify (signed and verified through
-- libsodium), between our flows in memory and against OpenSSL 3 on 127.0.0.1.
local tlshs = require "tlshs"
local peers = require "spec.support.peers"

local ED25519 = 0x0807
local lua = jit and "luajit" or "lua5.4"

-- An Ed25519 CA, a server certificate for localhost and a client certificate.
local certs = require "spec.support.certs"
local pki = certs.ed25519()
local shared = assert(tlshs.server.shared { cert = pki.cert, key = pki.key })

local ECDSA_SUITES = {
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
}

local run_pair = require "spec.support.converse"

-- One handshake in memory plus a ping each way.
local function converse(client_opts, server_opts, setup)
  client_opts.cafile = client_opts.cafile or pki.ca
  server_opts.shared = server_opts.shared or shared
  return run_pair(client_opts, server_opts, setup)
end

describe("Ed25519", function()
  it("keys and certificates load, sign and verify through the ed25519 scheme", function()
    local cert = assert(tlshs.load_certificates(assert(io.open(pki.cert)):read("*a")))[1]
    local key = assert(tlshs.load_private_key(assert(io.open(pki.key)):read("*a")))
    assert.equal("ed25519", key:type())
    assert.equal("ed25519", cert:public_key():type())
    assert.is_true(key:supports("ed25519"))
    assert.is_false(key:supports("ecdsa_secp256r1_sha256"))
    local sig = key:sign(ED25519, "message")
    assert.equal(64, #sig)
    assert.is_true(cert:public_key():verify("ed25519", "message", sig))
    local flipped = string.char((sig:byte(1) + 1) % 256) .. sig:sub(2)
    local ok, err = cert:public_key():verify("ed25519", "message", flipped)
    assert.is_nil(ok)
    assert.equal("decrypt_error", err)
  end)

  describe("our client and our server in memory", function()
    for _, suite in ipairs(ECDSA_SUITES) do
      it("complete " .. suite .. " with an Ed25519-signed ServerKeyExchange", function()
        local cli, srv, cr, sr = converse({ ciphers = { suite } }, {})
        assert.is_true(cr[1], tostring(cr[2]) .. " " .. tostring(cr[3]))
        assert.is_true(sr[1], tostring(sr[2]) .. " " .. tostring(sr[3]))
        assert.equal(suite, cli.cipher_suite)
        assert.equal(ED25519, cli.server_key_exchange.signature_algorithm)
        assert.equal(64, #cli.server_key_exchange.signature)
        assert.equal("ed25519", cli.server_key:type())
        assert.equal("ping", srv.ping)
        assert.equal("pong", cli.pong)
      end)
    end

    it("a client certificate signs CertificateVerify with ed25519", function()
      local cli, srv, cr, sr = converse(
        { ciphers = { "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" }, cert = pki.client_cert, key = pki.client_key },
        { verify_client = "require", cafile = pki.ca })
      assert.is_true(cr[1], tostring(cr[2]) .. " " .. tostring(cr[3]))
      assert.is_true(sr[1], tostring(sr[2]) .. " " .. tostring(sr[3]))
      assert.equal(ED25519, cli.client_scheme)
      assert.equal("ed25519", srv.client_key:type())
    end)

    it("a client certificate works with an RSA-authenticated suite too", function()
      local certs = require "spec.support.certs"
      local c = certs.get()
      local rsa_shared = assert(tlshs.server.shared { cert = c.rsa_cert, key = c.rsa_key })
      local cli, srv, cr, sr = converse(
        { ciphers = { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" }, cafile = c.ca,
          cert = pki.client_cert, key = pki.client_key },
        { shared = rsa_shared, verify_client = "require", cafile = pki.ca })
      assert.is_true(cr[1], tostring(cr[2]) .. " " .. tostring(cr[3]))
      assert.is_true(sr[1], tostring(sr[2]) .. " " .. tostring(sr[3]))
      assert.equal(ED25519, cli.client_scheme)
    end)

    it("the client refuses a ServerKeyExchange whose Ed25519 signature was altered", function()
      local _, srv, cr, sr = converse({ ciphers = { "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" } }, {}, function(_, s)
        s:wrap("send_server_key_exchange", function(self, original)
          self.send_handshake = function(conn, msg)
            local sig = msg.signature
            msg.signature = sig:sub(1, 10) .. string.char((sig:byte(11) + 1) % 256) .. sig:sub(12)
            conn.send_handshake = nil -- back to the class method
            return conn:send_handshake(msg)
          end
          return original(self)
        end)
      end)
      assert.is_nil(cr[1])
      assert.equal("decrypt_error", cr[2])
      assert.matches("server_key_exchange.signature", cr[3], 1, true)
      assert.is_nil(sr[1])
      assert.equal("alert_received", sr[2])
      assert.matches("decrypt_error", sr[3], 1, true)
    end)

    it("the server refuses a CertificateVerify whose Ed25519 signature was altered", function()
      local _, _, cr, sr = converse(
        { ciphers = { "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" }, cert = pki.client_cert, key = pki.client_key },
        { verify_client = "require", cafile = pki.ca },
        function(c)
          c:wrap("send_certificate_verify", function(self, original)
            self.send_handshake = function(conn, msg)
              msg.signature = string.char((msg.signature:byte(1) + 1) % 256) .. msg.signature:sub(2)
              conn.send_handshake = nil
              return conn:send_handshake(msg)
            end
            return original(self)
          end)
        end)
      assert.is_nil(sr[1])
      assert.equal("decrypt_error", sr[2])
      assert.matches("certificate_verify.signature", sr[3], 1, true)
      assert.is_nil(cr[1])
    end)

    it("an Ed25519 server finds no suite for a client that does not offer the ed25519 scheme", function()
      local _, _, cr, sr = converse({ ciphers = { "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
        signature_algorithms = { "ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256" } }, {})
      assert.is_nil(sr[1])
      assert.equal("handshake_failure", sr[2])
      assert.is_nil(cr[1])
    end)
  end)

  describe("against OpenSSL", function()
    local server, server_verify
    setup(function()
      local base = { "openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert", pki.cert, "-key", pki.key,
        "-www", "-tls1_2" }
      server = peers.start(base)
      local v = {}
      for i, w in ipairs(base) do v[i] = w end
      for _, w in ipairs { "-Verify", "1", "-CAfile", pki.ca } do v[#v + 1] = w end
      server_verify = peers.start(v)
    end)
    teardown(function()
      peers.stop(server)
      peers.stop(server_verify)
    end)

    local function fetch(port, opts)
      local t = peers.connect(port)
      opts.cafile, opts.servername = pki.ca, "localhost"
      local conn = tlshs.client.wrap(t, opts)
      local ok, err, detail = conn:handshake()
      if not ok then return nil, tostring(err) .. ": " .. tostring(detail) end
      assert(conn:send("GET / HTTP/1.0\r\n\r\n"))
      local page, _, partial = conn:receive("*a")
      conn:close()
      return conn, page or partial
    end

    for _, suite in ipairs(ECDSA_SUITES) do
      it("our client completes " .. suite .. " with openssl s_server's Ed25519 certificate", function()
        local conn, page = fetch(server.port, { ciphers = { suite } })
        assert.is_truthy(conn, page)
        assert.equal(suite, conn.cipher_suite)
        assert.equal(ED25519, conn.server_key_exchange.signature_algorithm)
        assert.matches("HTTP/1.[01] 200", page)
      end)
    end

    it("our client's Ed25519 certificate satisfies openssl s_server -Verify", function()
      local conn, page = fetch(server_verify.port, { cert = pki.client_cert, key = pki.client_key })
      assert.is_truthy(conn, page)
      assert.equal(ED25519, conn.client_scheme)
      assert.matches("HTTP/1.[01] 200", page)
      -- and without a certificate OpenSSL refuses
      local none, err = fetch(server_verify.port, {})
      assert.is_nil(none)
      -- RFC 5246 §7.4.6: a fatal handshake_failure from the server
      assert.equal("alert_received: server sent fatal alert handshake_failure", err)
    end)

    describe("openssl s_client against our server", function()
      local ours
      setup(function()
        ours = peers.start { lua, "scripts/server.lua", "--listen", "127.0.0.1:{port}", "--cert", pki.cert,
          "--key", pki.key, "--www", "--request-cert", "--cafile", pki.ca }
      end)
      teardown(function() peers.stop(ours) end)

      local function s_client(extra)
        local argv = { "openssl", "s_client", "-connect", "127.0.0.1:" .. ours.port, "-servername", "localhost",
          "-verify_return_error", "-CAfile", pki.ca, "-tls1_2", "-ign_eof" }
        for _, w in ipairs(extra or {}) do argv[#argv + 1] = w end
        return peers.run(argv, { input = "GET / HTTP/1.0\r\n\r\n" })
      end

      for _, cipher in ipairs { "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305" } do
        it("verifies our Ed25519 ServerKeyExchange (" .. cipher .. ")", function()
          local code, out = s_client { "-cipher", cipher }
          assert.equal(0, code, out)
          assert.matches("Peer signature type: ed25519", out, 1, true)
          assert.matches("Verification: OK", out, 1, true)
          assert.matches("Cipher is " .. cipher, out, 1, true)
          assert.matches("HTTP/1.0 200", out, 1, true)
        end)
      end

      it("gets its Ed25519 CertificateVerify checked by our server", function()
        local code, out = s_client { "-cert", pki.client_cert, "-key", pki.client_key,
          "-sigalgs", "ed25519", "-client_sigalgs", "ed25519" }
        assert.equal(0, code, out)
        assert.matches("HTTP/1.0 200", out, 1, true)
        -- a client certificate from a CA our server does not trust is refused
        local other = certs.ed25519(true)
        local bad_code, bad_out = s_client { "-cert", other.client_cert, "-key", other.client_key }
        assert.is_nil(bad_out:find("HTTP/1.0 200", 1, true), bad_out)
        assert.is_truthy(bad_code ~= 0 or bad_out:find("alert", 1, true), bad_out)
      end)
    end)
  end)
end)
