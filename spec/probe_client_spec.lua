-- scripts/client_probe.lua against real clients (openssl s_client,
-- gnutls-cli, our scripts/client.lua), each started once per probe on
-- 127.0.0.1. Every probe must give the outcome a correct RFC 5246 client
-- gives, except the deviations in `known`, which must stay exactly as
-- recorded (a fix upstream makes this spec fail, so the list stays true).
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"
local probe = require "tlshs.probe"
local helpers = require "spec.helpers"

local c = certs.get()
local lua = jit and "luajit" or "lua5.4"
local all = probe.load_dir(helpers.root .. "/scripts/client_probes")

-- A certificate from the test CA for other.example (certificate_other_host).
local function other_host_cert()
  local dir = c.dir
  if not io.open(dir .. "/other.pem") then
    local ext = assert(io.open(dir .. "/other.ext", "w"))
    ext:write("subjectAltName=DNS:other.example\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    ext:close()
    local ok = os.execute(string.format("openssl req -newkey rsa:2048 -nodes -keyout %s/other.key -out %s/other.csr -subj /CN=other.example >/dev/null 2>&1"
      .. " && openssl x509 -req -in %s/other.csr -CA %s/ca.pem -CAkey %s/ca.key -CAcreateserial -days 30 -out %s/other.pem -extfile %s/other.ext >/dev/null 2>&1",
      dir, dir, dir, dir, dir, dir, dir))
    assert(ok == true or ok == 0, "could not make the other.example certificate")
  end
  return dir .. "/other.pem", dir .. "/other.key"
end

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local clients = {
  openssl = "openssl s_client -connect 127.0.0.1:{port} -tls1_2 -servername localhost -verify_hostname localhost"
    .. " -verify_return_error -CAfile " .. shell_quote(c.ca),
  gnutls = "gnutls-cli --x509cafile " .. shell_quote(c.ca) .. " --port {port} --priority NORMAL:-VERS-TLS1.3"
    .. " --sni-hostname localhost --verify-hostname localhost 127.0.0.1",
  tlshs = lua .. " scripts/client.lua --connect 127.0.0.1:{port} --servername localhost --cafile " .. shell_quote(c.ca),
}

-- Known deviations from the RFCs: probe name → the observed text.
local known = {
  openssl = {
    -- RFC 5246 §7.4.1.4: an unrequested extension MUST abort with
    -- unsupported_extension; OpenSSL 3.0 ignores extension types it does
    -- not know (it checks only those it implements: see
    -- server_hello_unrequested_alpn) and completes.
    server_hello_unrequested_extension = "observed closed at after the handshake",
    -- RFC 5746 §3.4: "abort the handshake (by sending a fatal
    -- handshake_failure alert)"; OpenSSL sends illegal_parameter.
    server_hello_renegotiation_info = "observed alert illegal_parameter",
  },
  gnutls = {
    -- Same as OpenSSL: GnuTLS 3.7 ignores an unknown unrequested extension.
    server_hello_unrequested_extension = "observed closed at after the handshake",
  },
  tlshs = {},
}

for _, name in ipairs { "openssl", "gnutls", "tlshs" } do
  describe("scripts/client_probe.lua against " .. name, function()
    it("gives the expected outcome for every probe", function()
      local other_cert, other_key = other_host_cert()
      local code, out = peers.run({ lua, "scripts/client_probe.lua", "--listen", "127.0.0.1:0",
        "--cert", c.rsa_cert, "--key", c.rsa_key, "--other-cert", other_cert, "--other-key", other_key,
        "--timeout", "3", "--exec", clients[name] }, { timeout = 60 })
      local results = probe.parse_lines(out)
      local failing = 0
      for _, p in ipairs(all) do
        local r = results[p.name]
        assert.is_truthy(r, "no line for probe " .. p.name .. "\n" .. out)
        if known[name][p.name] then
          failing = failing + 1
          assert.equal("FAIL", r.status, r.line)
          assert.matches(known[name][p.name], r.line, 1, true)
        else
          assert.equal("ok", r.status, r.line)
        end
      end
      assert.matches(string.format("\n%d passed, %d failed", #all - failing, failing), out, 1, true)
      assert.equal(failing == 0 and 0 or 1, code)
    end)
  end)
end

describe("tlshs.probe.load_dir (client probes)", function()
  it("loads every client probe (at least 11)", function()
    assert.is_true(#all >= 11, #all .. " probes")
  end)
end)

describe("tlshs.spec against a client under test", function()
  local tls = require "tlshs.spec"
  local target
  setup(function()
    target = tls.client { cert = c.rsa_cert, key = c.rsa_key, timeout = 3, exec = clients.openssl }
  end)
  teardown(function() target:close() end)

  it("serves one handshake per call, with surgery and options", function()
    local outcome = target:handshake()
    assert.completes(outcome)
    assert.equal("TLSv1.2", outcome.conn.version)
    outcome = target:handshake(function(conn)
      conn:mutate("server_key_exchange", function(m) m.signature = probe.flip(m.signature, 1) end)
    end, { ciphers = probe.suites { kx = "dhe" } })
    assert.alert_at("decrypt_error", "receive_client_key_exchange", outcome)
    assert.matches("^TLS_DHE_", outcome.conn.cipher_suite)
  end)

  it("runs a shipped client probe", function()
    assert.passes(target:probe("server_hello_wrong_version"))
  end)
end)
