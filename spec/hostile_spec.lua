-- Hostile peers (issue 8): our server (scripts/server.lua, the real loop)
-- takes mutated client flights from a raw socket, and our client takes
-- mutated server flights from a raw hostile server (fuzz/hostile_server.lua).
-- The flights are the handshake parts of the captured conversations in
-- spec/fixtures/captures, mutated deterministically (fuzz/mutate.lua).
-- After each one the peer under test must answer with an alert or close —
-- never crash, hang or raise — and its memory must stay flat.
--
-- N = TLSHS_HOSTILE_N (default 1000; `make test-hostile` runs 10,000).
local socket = require "socket"
local tlshs = require "tlshs"
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"
local mutate = require "fuzz.mutate"

local N = tonumber(os.getenv("TLSHS_HOSTILE_N") or "") or 1000
local CAPTURES = "spec/fixtures/captures"
local lua = jit and "luajit" or "lua5.4"
-- Allowed growth of resident memory between the end of the warm-up (first
-- tenth) and the end of the run: a leak of 200 bytes per connection shows.
local RSS_SLACK_KIB = 2048
-- Under `make test-asan` freed memory sits in ASan's quarantine, so resident
-- size says nothing about leaks there (make test-leaks covers them).
local RSS_CHECK = not (os.getenv("LD_PRELOAD") or ""):match("asan")

local function report(fmt, ...)
  io.stderr:write(string.format("\n[hostile] " .. fmt .. "\n", ...))
end

-- Reads until the peer closes (or resets); nil on timeout.
local function drain(c)
  local got = {}
  while true do
    local data, err, partial = c:receive(4096)
    got[#got + 1] = data or partial or ""
    if not data then
      if err == "timeout" then return nil end
      return table.concat(got)
    end
  end
end

local function last_record_type(bytes)
  local t
  for _, r in ipairs(mutate.records(bytes)) do t = r.type end
  return t
end

describe("hostile client against scripts/server.lua", function()
  local c = certs.get()
  -- an RSA and an ECDSA server: the captured hellos offer both kinds of suite
  local servers = {}
  setup(function()
    for i, kind in ipairs { "rsa", "ec" } do
      servers[i] = peers.start({ lua, "scripts/server.lua", "--listen", "127.0.0.1:{port}", "--cert", c[kind .. "_cert"],
        "--key", c[kind .. "_key"], "--timeout", "5" })
    end
  end)
  teardown(function()
    for _, s in ipairs(servers) do peers.stop(s) end
  end)

  it("answers " .. N .. " mutated client flights with an alert or a close, memory flat", function()
    local samples = mutate.samples(CAPTURES, "c2s")
    assert.is_true(#samples >= 8)
    local alerts, closes, rss0 = 0, 0, {}
    local t0 = socket.gettime()
    for i = 1, N do
      local rng = mutate.rng(7 * 100003 + i)
      local flight = mutate.mutate(samples[(i % #samples) + 1], rng, samples)
      local server = servers[(math.floor(i / #samples) % 2) + 1]
      local conn = assert(socket.connect("127.0.0.1", server.port))
      conn:settimeout(10)
      conn:send(flight)
      conn:shutdown("send")
      local answer = drain(conn)
      conn:close()
      assert(answer, "server hung on mutated flight #" .. i)
      if last_record_type(answer) == 21 then alerts = alerts + 1 else closes = closes + 1 end
      if i == math.max(1, math.floor(N / 10)) then
        for k, s in ipairs(servers) do rss0[k] = mutate.rss_kib(s.pid) end
      end
    end
    local dt = socket.gettime() - t0
    report("server: %d flights in %.1f s: %d alerts, %d bare closes", N, dt, alerts, closes)
    assert.is_true(alerts > N / 2)
    for k, server in ipairs(servers) do
      local rss1 = mutate.rss_kib(server.pid)
      -- still alive and serving a real handshake
      local t, sock = peers.connect(server.port, 10)
      local conn = tlshs.client.wrap(t, { servername = "localhost", cafile = c.ca })
      assert(conn:handshake())
      sock:close()
      report("server %d: RSS %d KiB after the first tenth, %d KiB at the end", k, rss0[k], rss1)
      if RSS_CHECK then
        assert.is_true(rss1 - rss0[k] <= RSS_SLACK_KIB, "server RSS grew from " .. rss0[k] .. " to " .. rss1 .. " KiB")
      end
    end
  end)
end)

describe("our client against a hostile raw server", function()
  local hostile
  setup(function()
    hostile = peers.start({ lua, "fuzz/hostile_server.lua", "{port}", "11", CAPTURES })
  end)
  teardown(function() peers.stop(hostile) end)

  it("fails cleanly on " .. N .. " mutated server flights, memory flat", function()
    local outcomes, rss0, lua0 = {}, nil, nil
    local t0 = socket.gettime()
    for i = 1, N do
      local t, sock = peers.connect(hostile.port, 10)
      -- half the runs check certificates (they fail early), half go deep
      local conn = tlshs.client.wrap(t, { servername = "localhost", insecure = (i % 2 == 0) or nil,
        cafile = (i % 2 == 1) and certs.get().ca or nil })
      local ok, err, detail = conn:handshake()
      sock:close()
      assert(not ok, "handshake #" .. i .. " succeeded against a hostile server")
      assert.is_string(err)
      assert(detail == nil or type(detail) == "string")
      outcomes[err] = (outcomes[err] or 0) + 1
      if i == math.max(1, math.floor(N / 10)) then
        collectgarbage()
        rss0, lua0 = mutate.rss_kib(), collectgarbage("count")
      end
    end
    collectgarbage()
    local rss1, lua1 = mutate.rss_kib(), collectgarbage("count")
    local kinds = {}
    for k, v in pairs(outcomes) do kinds[#kinds + 1] = k .. "=" .. v end
    table.sort(kinds)
    report("client: %d flights in %.1f s: %s; Lua heap %.0f -> %.0f KiB, RSS %d -> %d KiB",
      N, socket.gettime() - t0, table.concat(kinds, " "), lua0, lua1, rss0, rss1)
    assert.is_nil(outcomes.timeout, "the client waited for a peer that had closed")
    assert.is_true(lua1 - lua0 <= 1024)
    if RSS_CHECK then
      assert.is_true(rss1 - rss0 <= RSS_SLACK_KIB, "client RSS grew from " .. rss0 .. " to " .. rss1 .. " KiB")
    end
  end)
end)
