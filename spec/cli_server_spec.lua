-- scripts/server.lua's command line (issue 12 §4): each error is one line
-- on stderr, usage errors exit 2, runtime failures exit 1, never a Lua
-- traceback; every file argument is checked before listening; --cipher
-- takes IANA names and OpenSSL's, and refuses anything else at start.
local socket = require "socket"
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"
local suites = require "tlshs.suites"

local c = certs.get()
local lua = jit and "luajit" or "lua5.4"

local function server(extra, timeout)
  local argv = { lua, "scripts/server.lua", "--listen", "127.0.0.1:" .. peers.free_port(),
    "--cert", c.rsa_cert, "--key", c.rsa_key }
  for _, a in ipairs(extra) do argv[#argv + 1] = a end
  return peers.run(argv, { timeout = timeout or 10 })
end

local function lines(text)
  local n = 0
  for _ in text:gmatch("[^\n]+") do n = n + 1 end
  return n
end

-- One line naming the cause, the given status, no traceback.
local function assert_refused(status, pattern, code, out)
  assert.is_nil(out:find("stack traceback", 1, true), out)
  assert.is_nil(out:find("listening on", 1, true), out)
  assert.equal(status, code, out)
  assert.equal(1, lines(out), out)
  assert.matches(pattern, out)
end

describe("server.lua usage errors (exit 2, one line, before listening)", function()
  for _, case in ipairs {
    { { "--cipher", "FOO" }, "%-%-cipher FOO: not a cipher suite" },
    { { "--cipher", "FOO", "--once" }, "%-%-cipher FOO" },
    { { "--cipher", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "--cipher", "TLS_FOO" }, "%-%-cipher TLS_FOO" },
    { { "--group", "nonsense" }, "%-%-group: .*nonsense" },
    { { "--cafile", "/nonexistent.pem" }, "%-%-cafile: /nonexistent.pem: No such file" },
    { { "--cafile", "/etc/hostname" }, "%-%-cafile: " },
    { { "--timeout", "soon" }, "%-%-timeout" },
    { { "--max-connections", "0" }, "%-%-max%-connections" },
    { { "--bogus" }, "unknown option '%-%-bogus'" },
  } do
    it(table.concat(case[1], " "), function()
      local code, out = server(case[1])
      assert_refused(2, "^server%.lua: " .. case[2], code, out)
    end)
  end

  it("--cert and --key that do not exist or do not fit", function()
    for _, case in ipairs {
      { { "--cert", "/nonexistent.pem" }, "%-%-cert: /nonexistent.pem: No such file" },
      { { "--key", "/nonexistent.key" }, "%-%-key: /nonexistent.key: No such file" },
      { { "--cert", c.rsa_key }, "%-%-cert: " },
      { { "--key", c.ec_key }, "%-%-cert and %-%-key: " },
    } do
      local argv = { lua, "scripts/server.lua", "--listen", "127.0.0.1:" .. peers.free_port(),
        "--cert", c.rsa_cert, "--key", c.rsa_key }
      for i = 1, #case[1], 2 do
        for j = 5, #argv, 2 do if argv[j] == case[1][i] then argv[j + 1] = case[1][i + 1] end end
      end
      local code, out = peers.run(argv, { timeout = 10 })
      assert_refused(2, "^server%.lua: " .. case[2], code, out)
    end
  end)

  it("--listen without a port, and a missing --cert", function()
    local code, out = peers.run({ lua, "scripts/server.lua", "--listen", "localhost", "--cert", c.rsa_cert,
      "--key", c.rsa_key })
    assert_refused(2, "%-%-listen wants HOST:PORT", code, out)
    code, out = peers.run({ lua, "scripts/server.lua", "--listen", "127.0.0.1:1" })
    assert_refused(2, "missing option '%-%-cert'", code, out)
  end)
end)

describe("server.lua runtime failures (exit 1, one line)", function()
  it("a port in use", function()
    local holder = assert(socket.bind("127.0.0.1", 0))
    local _, port = holder:getsockname()
    local code, out = peers.run({ lua, "scripts/server.lua", "--listen", "127.0.0.1:" .. port,
      "--cert", c.rsa_cert, "--key", c.rsa_key })
    holder:close()
    assert_refused(1, "^server%.lua: cannot listen on 127%.0%.0%.1:%d+: address already in use", code, out)
  end)

  it("--once whose handshake fails", function()
    local port = peers.free_port()
    -- a client that offers only a suite the server does not allow
    local script = string.format("(sleep 0.5; openssl s_client -connect 127.0.0.1:%d -tls1_2 " ..
      "-cipher ECDHE-RSA-AES256-GCM-SHA384 </dev/null >/dev/null 2>&1) & " ..
      "exec %s scripts/server.lua --listen 127.0.0.1:%d --cert %s --key %s --once --cipher AES128-SHA",
      port, lua, port, c.rsa_cert, c.rsa_key)
    local code, out = peers.run({ "bash", "-c", script }, { timeout = 15 })
    assert.is_nil(out:find("stack traceback", 1, true), out)
    assert.equal(1, code, out)
    assert.matches("handshake failed: handshake_failure", out)
  end)
end)

describe("server.lua --cipher", function()
  it("takes OpenSSL's name of every suite tlshs runs (openssl ciphers -stdname)", function()
    local names = {}
    for _, s in ipairs(suites.list) do names[#names + 1] = peers.openssl_names()[s.name] end
    assert.equal(#suites.list, #names)
    -- given them all, it serves a client (before, it listened and dropped
    -- every client: the names were unknown)
    local port = peers.free_port()
    local script = string.format("(sleep 0.5; openssl s_client -connect 127.0.0.1:%d -tls1_2 " ..
      "</dev/null >/dev/null 2>&1) & exec %s scripts/server.lua --listen 127.0.0.1:%d --cert %s --key %s --once",
      port, lua, port, c.rsa_cert, c.rsa_key)
    for _, n in ipairs(names) do script = script .. " --cipher " .. n end
    local code, out = peers.run({ "bash", "-c", script }, { timeout = 15 })
    assert.is_nil(out:find("stack traceback", 1, true), out)
    assert.equal(0, code, out)
    assert.matches("connection #1 from [%d.:]+: TLSv1.2 TLS_", out)
  end)

  it("an OpenSSL name selects that suite", function()
    local srv = peers.start { lua, "scripts/server.lua", "--listen", "127.0.0.1:{port}", "--cert", c.rsa_cert,
      "--key", c.rsa_key, "--www", "--cipher", "ECDHE-RSA-CHACHA20-POLY1305" }
    local code, out = peers.run({ "openssl", "s_client", "-connect", "127.0.0.1:" .. srv.port, "-tls1_2", "-quiet" },
      { input = "GET / HTTP/1.0\r\n\r\n" })
    peers.stop(srv)
    assert.equal(0, code, out)
    assert.matches("Cipher: TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", out)
  end)
end)
