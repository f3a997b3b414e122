-- scripts/probe.lua against real servers on 127.0.0.1 (openssl s_server,
-- gnutls-serv, our scripts/server.lua): every probe must give the outcome a
-- correct RFC 5246 server gives, except the deviations listed in `known`,
-- which must stay exactly as recorded (so a fix upstream is noticed).
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"
local probe = require "tlshs.probe"
local helpers = require "spec.helpers"

local c = certs.get()
local lua = jit and "luajit" or "lua5.4"
local all = probe.load_dir(helpers.root .. "/scripts/probes")

local servers = {
  openssl = { "openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert", c.rsa_cert, "-key", c.rsa_key,
    "-www", "-tls1_2", "-cipher", "ALL:@SECLEVEL=1" },
  gnutls = { "gnutls-serv", "--port", "{port}", "--x509certfile", c.rsa_cert, "--x509keyfile", c.rsa_key,
    "--http", "--disable-client-cert",
    "--priority", "NORMAL:+DHE-RSA:+RSA:+AES-128-CBC:+AES-256-CBC:+SHA1:+SHA256:+SHA384:-VERS-TLS1.3" },
  tlshs = { lua, "scripts/server.lua", "--listen", "127.0.0.1:{port}", "--cert", c.rsa_cert, "--key", c.rsa_key, "--www" },
}

-- Known deviations from the RFC: probe name → the observed text it gives.
-- (None: every server passes every server probe.)
local known = { openssl = {}, gnutls = {}, tlshs = {} }

for _, name in ipairs { "openssl", "gnutls", "tlshs" } do
  describe("scripts/probe.lua against " .. name, function()
    local peer
    setup(function() peer = peers.start(servers[name]) end)
    teardown(function() peers.stop(peer) end)

    it("gives the expected outcome for every probe", function()
      local code, out = peers.run({ lua, "scripts/probe.lua", "--connect", "127.0.0.1:" .. peer.port,
        "--servername", "localhost", "--cafile", c.ca, "--timeout", "3" }, { timeout = 60 })
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
          assert.equal("ok", r.status, r.line .. "\n" .. peers.output(peer))
        end
      end
      assert.matches(string.format("\n%d passed, %d failed", #all - failing, failing), out, 1, true)
      assert.equal(failing == 0 and 0 or 1, code)
    end)
  end)
end

describe("tlshs.probe.load_dir", function()
  it("loads every server probe (at least 29)", function()
    assert.is_true(#all >= 29, #all .. " probes")
    for _, p in ipairs(all) do assert.is_string(p.name) end
  end)

  it("raises for a folder that does not exist, or is a file", function()
    assert.error_matches(function() probe.load_dir(helpers.root .. "/scripts/no_such_probes") end,
      "tlshs.probe.load_dir: no such folder: " .. helpers.root .. "/scripts/no_such_probes", nil, true)
    assert.error_matches(function() probe.load_dir(helpers.root .. "/README.md") end,
      "tlshs.probe.load_dir: no such folder: " .. helpers.root .. "/README.md", nil, true)
    assert.has_error(function() probe.load_dir(nil) end)
  end)
end)

describe("scripts/probe.lua", function()
  it("lists the probes and runs only the chosen ones", function()
    local code, out = peers.run({ lua, "scripts/probe.lua", "--list" })
    assert.equal(0, code)
    for _, p in ipairs(all) do assert.matches(p.name, out, 1, true) end
    code, out = peers.run({ lua, "scripts/probe.lua", "--list", "--only", "no_such_probe" })
    assert.are_not.equal(0, code)
    assert.matches("no probe named no_such_probe", out, 1, true)
  end)

  it("exits non-zero and says FAIL when a server misbehaves (nobody listening)", function()
    local port = peers.free_port()
    local code, out = peers.run({ lua, "scripts/probe.lua", "--connect", "127.0.0.1:" .. port, "--only", "sane_ecdhe",
      "--only", "no_common_cipher", "--insecure" })
    assert.equal(1, code)
    assert.matches("FAIL", out, 1, true)
    assert.matches("0 passed, 2 failed", out, 1, true)
  end)
end)
