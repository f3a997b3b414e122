-- Our client flow against real servers on 127.0.0.1: openssl s_server and
-- gnutls-serv, every suite, every group, resumption, client certificates.
local tlshs = require "tlshs"
local pinned = require "spec.support.pinned_suites"
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"

local helpers = require "spec.helpers"
local c = certs.get()
-- A CA that did not issue the test certificates.
local other_ca = helpers.vectors .. "/tls12-transcripts/illustrated-tls12/ca.crt"

-- One handshake + an HTTP GET; returns conn, page or nil, err, detail.
local function fetch(port, opts)
  local t = peers.connect(port)
  opts.cafile = opts.cafile or c.ca
  opts.servername = opts.servername or "localhost"
  local conn = tlshs.client.wrap(t, opts)
  local ok, err, detail = conn:handshake()
  if not ok then return nil, err, detail, conn end
  assert(conn:send("GET / HTTP/1.0\r\n\r\n"))
  local page, rerr, partial = conn:receive("*a")
  conn:close()
  return conn, page or partial, rerr
end

local GNUTLS_PRIORITY = "NORMAL:+DHE-RSA:+RSA:+AES-128-CBC:+AES-256-CBC:+SHA1:+SHA256:+SHA384:-VERS-TLS1.3"

local servers = {
  openssl = function(cert, key, extra)
    local argv = { "openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert", cert, "-key", key,
      "-www", "-tls1_2", "-cipher", "ALL:@SECLEVEL=1" }
    for _, a in ipairs(extra or {}) do argv[#argv + 1] = a end
    return peers.start(argv)
  end,
  gnutls = function(cert, key, extra)
    local argv = { "gnutls-serv", "--port", "{port}", "--x509certfile", cert, "--x509keyfile", key,
      "--http", "--priority", GNUTLS_PRIORITY }
    for _, a in ipairs(extra or {}) do argv[#argv + 1] = a end
    return peers.start(argv)
  end,
}

for peer_name, start in pairs(servers) do
  describe("client against " .. peer_name, function()
    local rsa, ec
    setup(function()
      rsa = start(c.rsa_cert, c.rsa_key, peer_name == "gnutls" and { "--disable-client-cert" } or nil)
      ec = start(c.ec_cert, c.ec_key, peer_name == "gnutls" and { "--disable-client-cert" } or nil)
    end)
    teardown(function()
      peers.stop(rsa)
      peers.stop(ec)
    end)

    for _, suite in ipairs(pinned.list) do
      it("completes " .. suite.name, function()
        local server = suite.auth == "ecdsa" and ec or rsa
        local conn, page, err = fetch(server.port, { ciphers = { suite.name } })
        assert.is_truthy(conn, tostring(page) .. ": " .. tostring(err))
        assert.equal(suite.name, conn.cipher_suite)
        assert.is_true(conn.ems)
        assert.matches("HTTP/1.[01] 200", page)
      end)
    end

    for _, group in ipairs { "x25519", "secp256r1", "secp384r1" } do
      it("agrees on " .. group, function()
        local conn, page = fetch(rsa.port, { ciphers = { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" }, groups = { group } })
        assert.is_truthy(conn, tostring(page))
        assert.equal(group, conn.group)
      end)
    end

    -- Encrypt-then-MAC is on by default; these run the MAC-then-encrypt path
    -- and the plain master secret (no extended_master_secret) live.
    for _, name in ipairs { "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA256" } do
      it("completes " .. name .. " with MAC-then-encrypt and without EMS", function()
        local conn, page = fetch(rsa.port, { ciphers = { name }, etm = false, ems = false })
        assert.is_truthy(conn, tostring(page))
        assert.is_false(conn.etm)
        assert.is_false(conn.ems)
        assert.matches("200", page)
      end)
    end

    it("resumes by ticket and by session ID", function()
      for _, tickets in ipairs { true, false } do
        local first = assert(fetch(rsa.port, { tickets = tickets }))
        local session = assert(first:session())
        local again, page = fetch(rsa.port, { tickets = tickets, session = session })
        assert.is_truthy(again, tostring(page))
        assert.is_true(again.resumed, "tickets=" .. tostring(tickets))
        assert.matches("200", page)
      end
    end)

    it("rejects the server's certificate for another name", function()
      local conn, err, detail = fetch(rsa.port, { servername = "other.example" })
      assert.is_nil(conn)
      assert.equal("bad_certificate", err)
      assert.matches("other.example", detail)
    end)

    it("rejects a server whose CA it does not trust", function()
      local conn, err = fetch(rsa.port, { cafile = other_ca })
      assert.is_nil(conn)
      assert.equal("unknown_ca", err)
    end)
  end)
end

describe("client certificates against real servers", function()
  it("openssl s_server -Verify accepts our certificate and refuses none", function()
    local server = servers.openssl(c.rsa_cert, c.rsa_key, { "-Verify", "1", "-CAfile", c.ca })
    local conn, page = fetch(server.port, { cert = c.client_cert, key = c.client_key })
    local ok2, err2 = fetch(server.port, {})
    peers.stop(server)
    assert.is_truthy(conn, tostring(page))
    assert.matches("200", page)
    assert.is_nil(ok2)
    assert.is_truthy(err2)
  end)

  it("gnutls-serv --require-client-cert accepts our certificate", function()
    local server = servers.gnutls(c.rsa_cert, c.rsa_key, { "--require-client-cert", "--x509cafile", c.ca })
    local conn, page = fetch(server.port, { cert = c.client_cert, key = c.client_key })
    local ok2 = fetch(server.port, {})
    peers.stop(server)
    assert.is_truthy(conn, tostring(page))
    assert.matches("200", page)
    assert.is_nil(ok2)
  end)
end)
