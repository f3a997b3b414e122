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

-- The peer's own report of the connection.  openssl s_server -www answers
-- with a page that prints "New|Reused, TLSv1.2, Cipher is <OpenSSL name>",
-- the shared groups and SSL_SESSION_print's "Extended master secret: yes|no";
-- gnutls-serv --http prints the session ID, a Description naming the key
-- exchange group, and the Ciphersuite in GnuTLS's spelling.
local openssl_names = peers.openssl_names()

-- GnuTLS's suite name: TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA -> ECDHE_RSA_AES_128_CBC_SHA1,
-- TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 -> ECDHE_RSA_CHACHA20_POLY1305
local function gnutls_suite(iana)
  return (iana:gsub("^TLS_", ""):gsub("_WITH_", "_"):gsub("_SHA$", "_SHA1"):gsub("_POLY1305_SHA256$", "_POLY1305"))
end

local report = {
  openssl = {
    suite = function(page, iana) return page:match("\n(%a+), [%w.]+, Cipher is (%S+)") end,
    ems = function(page) return page:match("Extended master secret: (%a+)") end,
    groups = function(page) return page:match("\nShared groups: ([^\n]*)") end,
  },
  gnutls = {
    suite = function(page) return nil, page:match("<TD>Ciphersuite</TD><TD>([^<]*)</TD>") end,
    session_id = function(page) return page:match("Session ID: <i>(%x*)</i>") end,
    group = function(page) return page:match("%(ECDHE%-([%w]+)%)") end,
    -- gnutls-serv logs "- Options: ..." for each connection (EMS, EtM)
    last_options = function(log)
      local last
      for line in log:gmatch("\n%- Options: ([^\n]*)") do last = line end
      return last
    end,
  },
}
local GNUTLS_GROUP = { x25519 = "X25519", secp256r1 = "SECP256R1", secp384r1 = "SECP384R1" }

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
        -- (checked before connecting: a raise inside fetch would leave
        -- the single-threaded s_server waiting on a silent connection)
        assert.is_table(require("tlshs.suites").by_name[suite.name], suite.name .. " is missing from tlshs.suites")
        local server = suite.auth == "ecdsa" and ec or rsa
        local conn, page, err = fetch(server.port, { ciphers = { suite.name } })
        assert.is_truthy(conn, tostring(page) .. ": " .. tostring(err))
        assert.equal(suite.name, conn.cipher_suite)
        assert.is_true(conn.ems)
        assert.matches("HTTP/1.[01] 200", page)
        -- what the server says it negotiated
        if peer_name == "openssl" then
          local fresh, cipher = report.openssl.suite(page)
          assert.equal("New", fresh)
          assert.equal(assert(openssl_names[suite.name], suite.name), cipher)
          assert.equal("yes", report.openssl.ems(page))
        else
          assert.equal(gnutls_suite(suite.name), select(2, report.gnutls.suite(page)))
          local options = report.gnutls.last_options(peers.output(server))
          assert.matches("extended master secret", options, 1, true)
          -- encrypt-then-MAC (RFC 7366) is on for CBC suites only
          assert.equal(not suite.aead, options:find("EtM", 1, true) ~= nil, options)
        end
      end)
    end

    for _, group in ipairs { "x25519", "secp256r1", "secp384r1" } do
      it("agrees on " .. group, function()
        local conn, page = fetch(rsa.port, { ciphers = { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" }, groups = { group } })
        assert.is_truthy(conn, tostring(page))
        assert.equal(group, conn.group)
        if peer_name == "openssl" then
          -- only one group offered, so the one shared is the one used
          assert.equal(group, report.openssl.groups(page))
        else
          assert.equal(GNUTLS_GROUP[group], report.gnutls.group(page))
        end
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
        if peer_name == "openssl" then
          assert.equal(openssl_names[name], select(2, report.openssl.suite(page)))
          assert.equal("no", report.openssl.ems(page))
        else
          assert.equal(gnutls_suite(name), select(2, report.gnutls.suite(page)))
          local options = report.gnutls.last_options(peers.output(rsa))
          assert.is_nil(options:find("extended master secret", 1, true), options)
          assert.is_nil(options:find("EtM", 1, true), options)
        end
      end)
    end

    it("resumes by ticket and by session ID", function()
      for _, tickets in ipairs { true, false } do
        local first, first_page = fetch(rsa.port, { tickets = tickets })
        assert.is_truthy(first, tostring(first_page))
        local session = assert(first:session())
        local again, page = fetch(rsa.port, { tickets = tickets, session = session })
        assert.is_truthy(again, tostring(page))
        assert.is_true(again.resumed, "tickets=" .. tostring(tickets))
        assert.matches("200", page)
        -- the server's own word that it resumed
        if peer_name == "openssl" then
          assert.equal("New", (report.openssl.suite(first_page)))
          assert.equal("Reused", (report.openssl.suite(page)), "tickets=" .. tostring(tickets))
        else
          local id = report.gnutls.session_id(first_page)
          assert.is_truthy(id and #id > 0, first_page)
          assert.equal(id, report.gnutls.session_id(page), "tickets=" .. tostring(tickets))
        end
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
    local ok2, err2, detail2 = fetch(server.port, {})
    peers.stop(server)
    assert.is_truthy(conn, tostring(page))
    assert.matches("200", page)
    assert.is_nil(ok2)
    -- RFC 5246 §7.4.6: no certificate where one is required ends in a fatal
    -- handshake_failure from the server
    assert.equal("alert_received", err2, tostring(detail2))
    assert.matches("handshake_failure", detail2, 1, true)
  end)

  it("gnutls-serv --require-client-cert accepts our certificate", function()
    local server = servers.gnutls(c.rsa_cert, c.rsa_key, { "--require-client-cert", "--x509cafile", c.ca })
    local conn, page = fetch(server.port, { cert = c.client_cert, key = c.client_key })
    local ok2, err2, detail2 = fetch(server.port, {})
    require("socket").sleep(0.2)
    local log = peers.output(server)
    peers.stop(server)
    assert.is_truthy(conn, tostring(page))
    assert.matches("200", page)
    assert.is_nil(ok2)
    -- gnutls-serv 3.7 refuses the empty Certificate and closes; whether its
    -- decode_error alert reaches us first is a race, but it is one of these
    -- two, and the server's log says why
    if err2 == "alert_received" then
      assert.matches("sent fatal alert decode_error", detail2, 1, true)
    else
      assert.equal("closed", err2, tostring(detail2))
    end
    assert.matches("Error in handshake: No certificate was found.", log, 1, true)
  end)
end)
