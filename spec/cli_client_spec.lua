-- scripts/client.lua and scripts/client_probe.lua from the outside (issue 12
-- §4, §5): one line per error on stderr, exit 2 for usage errors, 1 for
-- connection and handshake failures, never a Lua traceback; names and files
-- are checked before connecting; --quit; --help says what happens without
-- --send.
local helpers = require "spec.helpers"
local q = helpers.quote
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"

local c = certs.get()
local LUA = jit and "luajit" or "lua5.4"

-- Runs a script; returns exit status, stdout, stderr.
local function run(script, args, seconds)
  local words = { LUA, q(helpers.root .. "/scripts/" .. script) }
  for _, a in ipairs(args) do words[#words + 1] = q(a) end
  local out, err = os.tmpname(), os.tmpname()
  local p = io.popen(string.format("timeout %d %s </dev/null >%s 2>%s; echo $?", seconds or 20,
    table.concat(words, " "), out, err))
  local status = tonumber(p:read("*a"):match("(%d+)"))
  p:close()
  local o, e = helpers.read_file(out), helpers.read_file(err)
  os.remove(out); os.remove(err)
  return status, o, e
end

local function lines(s)
  local n = 0
  for _ in s:gmatch("[^\n]+") do n = n + 1 end
  return n
end

-- The failure contract: status, one line naming the cause, no traceback.
local function fails(status, pattern, got_status, _, stderr)
  assert.equal(status, got_status, stderr)
  assert.is_nil(stderr:find("stack traceback", 1, true), stderr)
  assert.equal(1, lines(stderr), stderr)
  assert.matches(pattern, stderr)
end

describe("scripts/client.lua", function()
  local closed_port = peers.free_port() -- nothing listens there
  local target = "127.0.0.1:" .. closed_port
  local server

  setup(function()
    server = peers.start { "openssl", "s_server", "-accept", "{port}", "-tls1_2", "-cert", c.rsa_cert, "-key", c.rsa_key,
      "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384", "-quiet" }
  end)
  teardown(function() peers.stop(server) end)
  local function live() return "127.0.0.1:" .. server.port end

  it("refuses an unknown suite name before connecting (exit 2)", function()
    fails(2, "^client.lua: %-%-cipher TLS_FOO: unknown cipher suite 'TLS_FOO'; supported suites are: TLS_",
      run("client.lua", { "--connect", target, "--insecure", "--cipher", "TLS_FOO" }))
  end)

  it("takes an OpenSSL suite name as its IANA name", function()
    local status, _, stderr = run("client.lua", { "--connect", live(), "--cafile", c.ca, "--servername", "localhost",
      "--cipher", "ECDHE-RSA-AES256-GCM-SHA384", "--quit" })
    assert.equal(0, status, stderr)
    assert.matches("negotiated: TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", stderr)
  end)

  it("refuses an unknown group and one the engine cannot complete, before connecting (exit 2)", function()
    fails(2, "^client.lua: %-%-group nonsense: unknown group 'nonsense'; supported groups are: x25519",
      run("client.lua", { "--connect", target, "--insecure", "--group", "nonsense" }))
    fails(2, "^client.lua: %-%-group x448: group 'x448' is not supported by tlshs; supported groups are: x25519",
      run("client.lua", { "--connect", target, "--insecure", "--group", "x448" }))
  end)

  it("checks every file argument before connecting (exit 2)", function()
    fails(2, "^client.lua: %-%-cafile /nonexistent.pem: No such file or directory",
      run("client.lua", { "--connect", target, "--cafile", "/nonexistent.pem" }))
    fails(2, "^client.lua: %-%-cert /nonexistent.pem: No such file or directory",
      run("client.lua", { "--connect", target, "--insecure", "--cert", "/nonexistent.pem", "--key", c.client_key }))
    fails(2, "^client.lua: %-%-key /nonexistent.key: No such file or directory",
      run("client.lua", { "--connect", target, "--insecure", "--cert", c.client_cert, "--key", "/nonexistent.key" }))
    fails(2, "^client.lua: %-%-cert .*: the private key does not belong to the certificate",
      run("client.lua", { "--connect", target, "--insecure", "--cert", c.client_cert, "--key", c.rsa_key }))
    fails(2, "^client.lua: %-%-keylog /nonexistent/k.log: no directory /nonexistent",
      run("client.lua", { "--connect", target, "--insecure", "--keylog", "/nonexistent/k.log" }))
  end)

  it("says what is wrong with the command line in one line (exit 2)", function()
    fails(2, "^client.lua: unknown option '%-%-bogus'", run("client.lua", { "--bogus" }))
    fails(2, "^client.lua: %-%-connect wants HOST:PORT", run("client.lua", { "--connect", "nowhere" }))
    fails(2, "^client.lua: %-%-cafile and %-%-insecure exclude each other",
      run("client.lua", { "--connect", target, "--cafile", c.ca, "--insecure" }))
  end)

  it("reports a refused connection in one line (exit 1)", function()
    fails(1, "^client.lua: connect 127.0.0.1:" .. closed_port .. ": connection refused",
      run("client.lua", { "--connect", target, "--insecure" }))
  end)

  it("names the alert it sent", function()
    fails(1, "^client.lua: handshake failed: bad_certificate: host name mismatch.*%(alert bad_certificate sent%)\n$",
      run("client.lua", { "--connect", live(), "--cafile", c.ca, "--servername", "other.example", "--quit" }))
  end)

  it("names the alert it received", function()
    fails(1, "^client.lua: handshake failed: alert handshake_failure received from the server\n$",
      run("client.lua", { "--connect", live(), "--insecure", "--cipher", "TLS_RSA_WITH_AES_128_CBC_SHA", "--quit" }))
  end)

  it("--quit stops right after the handshake with status 0, however long the server waits", function()
    local t0 = os.time()
    local status, _, stderr = run("client.lua", { "--connect", live(), "--cafile", c.ca, "--servername", "localhost",
      "--timeout", "8", "--quit" }, 15)
    assert.equal(0, status, stderr)
    assert.is_true(os.time() - t0 < 6)
  end)

  it("--help says what happens without --send", function()
    local status, stdout = run("client.lua", { "--help" })
    assert.equal(0, status)
    assert.matches("without %-%-send it sends nothing and%s+waits for the server", stdout)
    assert.matches("%-%-quit", stdout)
  end)
end)

describe("scripts/client_probe.lua", function()
  it("checks its files before listening and says so in one line (exit 2)", function()
    fails(2, "^client_probe.lua: %-%-cert /nonexistent.pem: No such file or directory",
      run("client_probe.lua", { "--listen", "127.0.0.1:0", "--cert", "/nonexistent.pem", "--key", c.rsa_key }))
    fails(2, "^client_probe.lua: %-%-only: no probe named nope", run("client_probe.lua", { "--list", "--only", "nope" }))
    fails(2, "^client_probe.lua: unknown option '%-%-bogus'", run("client_probe.lua", { "--bogus" }))
  end)

  it("reports a port it cannot listen on in one line (exit 1)", function()
    local socket = require "socket"
    local busy = assert(socket.bind("127.0.0.1", 0))
    local _, port = busy:getsockname()
    fails(1, "^client_probe.lua: listen 127.0.0.1:" .. port .. ": address already in use",
      run("client_probe.lua", { "--listen", "127.0.0.1:" .. port, "--cert", c.rsa_cert, "--key", c.rsa_key }))
    busy:close()
  end)
end)

describe("scripts/probe.lua", function()
  it("checks its files before connecting and says so in one line (exit 2)", function()
    fails(2, "^probe.lua: %-%-cafile /nonexistent.pem: No such file or directory",
      run("probe.lua", { "--connect", "127.0.0.1:1", "--cafile", "/nonexistent.pem" }))
    fails(2, "^probe.lua: unknown option '%-%-bogus'", run("probe.lua", { "--bogus" }))
  end)
end)
