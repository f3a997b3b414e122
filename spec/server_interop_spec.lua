-- Our server (scripts/server.lua) against real clients on 127.0.0.1:
-- openssl s_client, gnutls-cli, curl and Python's ssl module.
local pinned = require "spec.support.pinned_suites"
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"

local c = certs.get()
local lua = jit and "luajit" or "lua5.4"

local function start_server(cert, key, extra)
  local argv = { lua, "scripts/server.lua", "--listen", "127.0.0.1:{port}", "--cert", cert, "--key", key, "--www" }
  for _, a in ipairs(extra or {}) do argv[#argv + 1] = a end
  return peers.start(argv)
end

-- OpenSSL's names for IANA suites, from `openssl ciphers -stdname`.
local openssl_names = peers.openssl_names()

-- The client's own report of the connection.  openssl s_client prints
-- "New|Reused, <version>, Cipher is <OpenSSL name>", "Server Temp Key: ..."
-- and, in its SSL-Session block, "Protocol  : TLSv1.2" and "Extended master
-- secret: yes|no"; gnutls-cli -V prints Key Exchange, Cipher, MAC, the
-- group in its Description and "extended master secret" among its Options.
local function s_client_report(out)
  local r = {}
  r.fresh, r.cipher = out:match("\n(%a+), [%w.]+, Cipher is (%S+)")
  r.protocol = out:match("\n%s*Protocol%s*: (%S+)")
  r.ems = out:match("Extended master secret: (%a+)")
  r.temp_key = out:match("\nServer Temp Key: ([^\n]*)")
  return r
end

-- What s_client prints as the temporary key, by our group name.
local TEMP_KEY = { x25519 = "X25519, 253 bits", secp256r1 = "ECDH, prime256v1, 256 bits",
                   secp384r1 = "ECDH, secp384r1, 384 bits", ffdhe2048 = "DH, 2048 bits" }

-- gnutls-cli -V lines for an IANA suite: key exchange, cipher, MAC.
local function gnutls_expect(name)
  local kx, cipher, mac = name:match("^TLS_(.-)_WITH_(.-)_(SHA%d*)$")
  local aead = not cipher:match("CBC")
  return kx:gsub("_", "-"), cipher:gsub("_", "-"), aead and "AEAD" or (mac == "SHA" and "SHA1" or mac)
end

describe("server against real clients", function()
  local rsa, ec
  setup(function()
    rsa = start_server(c.rsa_cert, c.rsa_key)
    ec = start_server(c.ec_cert, c.ec_key)
  end)
  teardown(function()
    peers.stop(rsa)
    peers.stop(ec)
  end)

  for _, suite in ipairs(pinned.list) do
    it("openssl s_client completes " .. suite.name, function()
      local server = suite.auth == "ecdsa" and ec or rsa
      local code, out = peers.run({ "openssl", "s_client", "-connect", "127.0.0.1:" .. server.port,
        "-servername", "localhost", "-verify_return_error", "-CAfile", c.ca, "-tls1_2",
        "-cipher", assert(openssl_names[suite.name], suite.name) .. ":@SECLEVEL=0", "-ign_eof" },
        { input = "GET / HTTP/1.0\r\n\r\n" })
      assert.equal(0, code, out)
      local r = s_client_report(out)
      assert.equal("New", r.fresh, out)
      assert.equal(openssl_names[suite.name], r.cipher)
      assert.equal("TLSv1.2", r.protocol)
      assert.equal("yes", r.ems)
      -- s_client's default groups start with X25519; DHE is ffdhe2048
      if suite.kx == "ecdhe" then
        assert.equal(TEMP_KEY.x25519, r.temp_key)
      elseif suite.kx == "dhe" then
        assert.equal(TEMP_KEY.ffdhe2048, r.temp_key)
      else
        assert.is_nil(r.temp_key)
      end
    end)
  end

  for _, spec in ipairs { { "x25519", "X25519" }, { "secp256r1", "P-256" }, { "secp384r1", "P-384" } } do
    it("openssl s_client agrees on " .. spec[1] .. " (its Server Temp Key)", function()
      local code, out = peers.run({ "openssl", "s_client", "-connect", "127.0.0.1:" .. rsa.port,
        "-servername", "localhost", "-CAfile", c.ca, "-tls1_2", "-groups", spec[2] }, { input = "" })
      assert.equal(0, code, out)
      assert.equal(TEMP_KEY[spec[1]], s_client_report(out).temp_key)
    end)
  end

  -- gnutls-cli has no per-suite flag: each suite gets a server limited to it.
  it("gnutls-cli completes every suite", function()
    for _, suite in ipairs(pinned.list) do
      local server = start_server(suite.auth == "ecdsa" and c.ec_cert or c.rsa_cert,
        suite.auth == "ecdsa" and c.ec_key or c.rsa_key, { "--cipher", suite.name })
      local code, out = peers.run({ "gnutls-cli", "-V", "--x509cafile", c.ca, "--port", tostring(server.port),
        "--priority", "NORMAL:+DHE-RSA:+RSA:+AES-128-CBC:+AES-256-CBC:+SHA1:+SHA256:+SHA384:-VERS-TLS1.3",
        "--sni-hostname", "localhost", "--verify-hostname", "localhost", "127.0.0.1" },
        { input = "GET / HTTP/1.0\r\n\r\n" })
      peers.stop(server)
      assert.equal(0, code, suite.name .. "\n" .. out)
      local kx, cipher, mac = gnutls_expect(suite.name)
      assert.matches("\n- Version: TLS1.2\n", out, 1, true)
      assert.matches("\n- Key Exchange: " .. kx .. "\n", out, 1, true)
      assert.matches("\n- Cipher: " .. cipher .. "\n", out, 1, true)
      assert.matches("\n- MAC: " .. mac .. "\n", out, 1, true)
      local options = out:match("\n%- Options: ([^\n]*)")
      assert.matches("^extended master secret,", options)
      -- encrypt-then-MAC (RFC 7366) on CBC suites only
      assert.equal(not suite.aead, options:find("EtM", 1, true) ~= nil, options)
      if suite.kx == "ecdhe" then assert.matches("-(ECDHE-X25519)-", out, 1, true) end
      if suite.kx == "dhe" then assert.matches("-(DHE-FFDHE2048)-", out, 1, true) end
    end
  end)

  it("openssl s_client -no_etm completes a CBC suite with MAC-then-encrypt", function()
    local code, out = peers.run({ "openssl", "s_client", "-connect", "127.0.0.1:" .. rsa.port, "-CAfile", c.ca,
      "-tls1_2", "-no_etm", "-cipher", "ECDHE-RSA-AES256-SHA", "-ign_eof" }, { input = "GET / HTTP/1.0\r\n\r\n" })
    assert.equal(0, code, out)
    assert.equal("ECDHE-RSA-AES256-SHA", s_client_report(out).cipher)
  end)

  it("curl fetches the page", function()
    local code, out = peers.run({ "curl", "-sS", "-v", "--tlsv1.2", "--tls-max", "1.2", "--cacert", c.ca,
      "--resolve", "localhost:" .. rsa.port .. ":127.0.0.1", "https://localhost:" .. rsa.port .. "/" })
    assert.equal(0, code, out)
    -- curl's own line; our server prefers ECDHE-RSA with AES-128-GCM
    assert.matches("SSL connection using TLSv1.2 / ECDHE-RSA-AES128-GCM-SHA256", out, 1, true)
    assert.matches("HTTP/1.0 200", out, 1, true)
  end)

  it("Python's ssl module fetches the page", function()
    local script = ([[
import socket, ssl
ctx = ssl.create_default_context(cafile=%q)
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
with socket.create_connection(("127.0.0.1", %d), timeout=10) as s:
    with ctx.wrap_socket(s, server_hostname="localhost") as t:
        t.sendall(b"GET / HTTP/1.0\r\n\r\n")
        data = b""
        while True:
            chunk = t.recv(4096)
            if not chunk: break
            data += chunk
        print(t.version(), t.cipher()[0])
        print(data.decode())
]]):format(c.ca, rsa.port)
    local code, out = peers.run({ "python3", "-c", script })
    assert.equal(0, code, out)
    -- Python's own report (SSLSocket.version(), .cipher())
    assert.matches("^TLSv1.2 ECDHE%-RSA%-AES128%-GCM%-SHA256\n", out)
    assert.matches("HTTP/1.0 200", out, 1, true)
  end)

  it("openssl s_client resumes a session (-reconnect)", function()
    local code, out = peers.run({ "openssl", "s_client", "-connect", "127.0.0.1:" .. rsa.port,
      "-servername", "localhost", "-CAfile", c.ca, "-tls1_2", "-reconnect" }, { input = "" })
    assert.equal(0, code, out)
    -- -reconnect: one full handshake, then five that must resume
    assert.equal("New", s_client_report(out).fresh)
    local reused = select(2, out:gsub("\nReused, TLSv1.2, Cipher is ", ""))
    assert.equal(5, reused, out)
  end)

  it("gnutls-cli resumes a session (--resume), by ticket and by session ID", function()
    for _, priority in ipairs { "NORMAL:-VERS-TLS1.3", "NORMAL:-VERS-TLS1.3:%NO_TICKETS" } do
      local code, out = peers.run({ "gnutls-cli", "--x509cafile", c.ca, "--port", tostring(rsa.port),
        "--priority", priority, "--sni-hostname", "localhost", "--verify-hostname", "localhost",
        "--resume", "127.0.0.1" }, { input = "" })
      assert.equal(0, code, out)
      assert.matches("This is a resumed session", out, 1, true)
    end
  end)

  it("keeps serving after a hostile connection", function()
    local socket = require "socket"
    local s = assert(socket.connect("127.0.0.1", rsa.port))
    s:send("\22\3\1\0\5garbage that is not a handshake")
    s:settimeout(5)
    local reply = s:receive(7)
    s:close()
    assert.equal("\21\3", reply and reply:sub(1, 2)) -- an alert record
    local code, out = peers.run({ "curl", "-sS", "--cacert", c.ca, "--resolve",
      "localhost:" .. rsa.port .. ":127.0.0.1", "https://localhost:" .. rsa.port .. "/" })
    assert.equal(0, code, out)
  end)

  it("serves others while a peer stalls, and drops the staller after --timeout", function()
    local socket = require "socket"
    local server = start_server(c.rsa_cert, c.rsa_key, { "--timeout", "1" })
    local staller = assert(socket.connect("127.0.0.1", server.port))
    staller:send("\22\3\1") -- three bytes of a record header, then nothing
    local code, out = peers.run({ "curl", "-sS", "--cacert", c.ca, "--resolve",
      "localhost:" .. server.port .. ":127.0.0.1", "https://localhost:" .. server.port .. "/" })
    staller:settimeout(5)
    local started = socket.gettime()
    local data, err = staller:receive("*a")
    local waited = socket.gettime() - started
    staller:close()
    peers.stop(server)
    assert.equal(0, code, out)
    assert.matches("Protocol: TLSv1.2", out, 1, true)
    -- the server gave up on the staller (closed it) well before our 5 s
    assert.is_truthy(data or err == "closed", tostring(err))
    assert.is_true(waited < 4, "waited " .. waited)
  end)

  it("requires a client certificate with --require-cert and checks it", function()
    local server = start_server(c.rsa_cert, c.rsa_key, { "--require-cert", "--cafile", c.ca })
    local code_with, out_with = peers.run({ "openssl", "s_client", "-connect", "127.0.0.1:" .. server.port,
      "-CAfile", c.ca, "-tls1_2", "-cert", c.client_cert, "-key", c.client_key, "-ign_eof" },
      { input = "GET / HTTP/1.0\r\n\r\n" })
    local code_without, out_without = peers.run({ "openssl", "s_client", "-connect", "127.0.0.1:" .. server.port,
      "-CAfile", c.ca, "-tls1_2", "-ign_eof" }, { input = "GET / HTTP/1.0\r\n\r\n" })
    local code_gnutls, out_gnutls = peers.run({ "gnutls-cli", "--x509cafile", c.ca, "--port", tostring(server.port),
      "--x509certfile", c.client_cert, "--x509keyfile", c.client_key, "--sni-hostname", "localhost",
      "--verify-hostname", "localhost", "127.0.0.1" }, { input = "GET / HTTP/1.0\r\n\r\n" })
    peers.stop(server)
    assert.equal(0, code_with, out_with)
    assert.equal("New", s_client_report(out_with).fresh)
    assert.not_equal(0, code_without)
    -- OpenSSL's report of the alert our server sent (RFC 5246 §7.4.6)
    assert.matches("alert handshake failure", out_without, 1, true)
    assert.equal(0, code_gnutls, out_gnutls)
  end)
end)
