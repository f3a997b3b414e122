-- What scripts/server.lua tells its user (issue 12 §5): bytes that are not
-- TLS fail at once with a line saying so; --trace with connections at once
-- prefixes each ladder line with its connection's id; the per-connection
-- line names version, suite, SNI and ALPN.
local socket = require "socket"
local tlshs = require "tlshs"
local trace = require "tlshs.trace"
local transport = require "tlshs.transport"
local loop_module = require "tlshs.loop"
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"

local c = certs.get()
local lua = jit and "luajit" or "lua5.4"

local function start(extra)
  local argv = { lua, "scripts/server.lua", "--listen", "127.0.0.1:{port}", "--cert", c.rsa_cert,
    "--key", c.rsa_key, "--timeout", "10" }
  for _, a in ipairs(extra or {}) do argv[#argv + 1] = a end
  return peers.start(argv)
end

-- Waits until the server's log matches the pattern (or 5 s).
local function log_matching(srv, pattern)
  local deadline = socket.gettime() + 5
  while socket.gettime() < deadline do
    local out = peers.output(srv)
    if out:find(pattern) then return out end
    socket.sleep(0.05)
  end
  return peers.output(srv)
end

describe("a peer that does not speak TLS", function()
  it("a plain-HTTP request to server.lua is refused at once and logged as such", function()
    local srv = start()
    local ok, err = pcall(function()
      local s = assert(socket.connect("127.0.0.1", srv.port))
      s:settimeout(5)
      local t0 = socket.gettime()
      s:send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
      local data, rerr, partial = s:receive("*a")
      local waited = socket.gettime() - t0
      s:close()
      assert.is_true(waited < 2, string.format("the connection stayed open %.1f s", waited))
      assert.is_true(data ~= nil or rerr == "closed" or rerr == "connection reset by peer", tostring(rerr))
      assert.is_true(#(data or partial or "") <= 7) -- at most an alert record
      local out = log_matching(srv, "not TLS")
      assert.matches("handshake failed: unexpected_message: record header: not TLS but an HTTP request %(\"GET /%.%.%.\"%)", out)
      assert.is_nil(out:find("nothing in time", 1, true), out)
    end)
    peers.stop(srv)
    assert(ok, err)
  end)

  it("the library's server flow refuses it without waiting for more bytes", function()
    local a, b = transport.pair()
    local srv = tlshs.server.wrap(b, { cert = c.rsa_cert, key = c.rsa_key })
    local results = transport.run(
      function() a:send("POST /x HTTP/1.0\r\n\r\n") end, -- and keeps the connection open
      function() return srv:handshake() end)
    local r = results[2]
    assert.is_nil(r[1])
    assert.equal("unexpected_message", r[2])
    assert.matches("not TLS but an HTTP request", r[3], 1, true)
  end)

  it("the client flow refuses an HTTP server's answer at once", function()
    local a, b = transport.pair()
    local cli = tlshs.client.wrap(a, { cafile = c.ca, servername = "localhost" })
    local results = transport.run(
      function() return cli:handshake() end,
      function() b:receive(5); b:send("HTTP/1.1 400 Bad Request\r\n\r\n") end)
    assert.equal("unexpected_message", results[1][2])
    assert.matches("not TLS but an HTTP response", results[1][3], 1, true)
  end)

  it("a record header with another major version is protocol_version, before its body arrives", function()
    local a, b = transport.pair()
    local srv = tlshs.server.wrap(b, { cert = c.rsa_cert, key = c.rsa_key })
    local results = transport.run(
      function() a:send("\22\2\0\64\0") end,
      function() return srv:handshake() end)
    assert.equal("protocol_version", results[2][2])
    assert.matches("record.version: 0x0200", results[2][3], 1, true)
  end)
end)

describe("server.lua --trace", function()
  it("prefixes each line with the connection's id when two clients run at once", function()
    local srv = start { "--trace", "--echo" }
    local ok, err = pcall(function()
      local loop = loop_module.new()
      local done = 0
      for _ = 1, 2 do
        loop:spawn(function()
          local sock = assert(socket.connect("127.0.0.1", srv.port))
          local conn = tlshs.client.wrap(loop:wrap(sock, 10), { cafile = c.ca, servername = "localhost" })
          assert(conn:handshake())
          conn:send("hi")
          assert(conn:receive(2) == "hi")
          conn:close()
          done = done + 1
        end)
      end
      loop:run()
      assert.equal(2, done)
      -- (connection #1 is peers.start's probe, which connects and closes)
      local out = log_matching(srv, "%[#3%][^\n]*close_notify")
      out = log_matching(srv, "%[#2%][^\n]*close_notify")
      local ladders = {}
      for line in out:gmatch("[^\n]+") do
        if not line:match("^listening on") and not line:match("^connection #%d+ from") then
          local id, rest = line:match("^%[(#%d+)%] (.*)$")
          assert.is_not_nil(id, "a trace line without its connection id: " .. line)
          ladders[id] = ladders[id] or {}
          table.insert(ladders[id], rest)
        end
      end
      for _, id in ipairs { "#2", "#3" } do
        local l = assert(ladders[id], out)
        -- each ladder is whole and as before: the header line, then the messages
        assert.equal(string.format("%-22s %-15s %s", "client", "", "server"), l[1])
        assert.matches("^ClientHello%s+%-%-%-%-", l[2])
        local text = table.concat(l, "\n")
        assert.matches("Finished", text)
        assert.matches("ApplicationData", text)
      end
    end)
    peers.stop(srv)
    assert(ok, err)
  end)

  it("trace.writer prefixes lines; without an id the output is unchanged", function()
    local got = {}
    local t = trace.new("server", trace.writer(function(line) got[#got + 1] = line end, "#7"))
    t:ccs("received")
    local plain = {}
    local u = trace.new("server", function(line) plain[#plain + 1] = line end)
    u:ccs("received")
    assert.equal(2, #got)
    for i = 1, 2 do assert.equal("[#7] " .. plain[i], got[i]) end
    assert.equal(string.format("%-22s %-15s %s", "client", "", "server"), plain[1])
  end)
end)

describe("server.lua's line per connection", function()
  it("names version, suite, SNI and ALPN", function()
    local srv = start { "--alpn", "h2", "--alpn", "http/1.1", "--echo" }
    local ok, err = pcall(function()
      local conn = tlshs.client.wrap(peers.connect(srv.port), { cafile = c.ca, servername = "localhost",
        alpn = { "http/1.1" } })
      assert(conn:handshake())
      conn:close()
      local out = log_matching(srv, "connection #2 from")
      assert.matches("connection #2 from 127%.0%.0%.1:%d+: TLSv1%.2 TLS_[%w_]+ sni=localhost alpn=http/1%.1", out)
    end)
    peers.stop(srv)
    assert(ok, err)
  end)
end)
