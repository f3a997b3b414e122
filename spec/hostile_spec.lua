-- Hostile peers (issue 8): our server (scripts/server.lua, the real loop)
-- takes mutated client flights from a raw socket, and our client takes
-- mutated server flights from a raw hostile server (fuzz/hostile_server.lua).
-- The flights are the handshake parts of the captured conversations in
-- spec/fixtures/captures, mutated deterministically (fuzz/mutate.lua).
-- After each one the peer under test must answer with an alert or close —
-- never crash, hang or raise — and its memory must stay flat.
--
-- N = TLSHS_HOSTILE_N (default 1000; `make test-hostile` runs 10,000) flights
-- are measured, after WARM flights of warm-up (1000; N/10 below N = 1000).
local socket = require "socket"
local tlshs = require "tlshs"
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"
local mutate = require "fuzz.mutate"
local transport = require "tlshs.transport"
local transport = require "tlshs.transport"

local N = tonumber(os.getenv("TLSHS_HOSTILE_N") or "") or 1000
-- Flights before the first memory sample (caches filled, malloc settled).
-- The memory bounds apply from N = 1000; a smaller N (valgrind's 200) keeps
-- the warm-up short too.
local WARM = N >= 1000 and 1000 or math.max(1, math.floor(N / 10))
local CAPTURES = "spec/fixtures/captures"
local lua = jit and "luajit" or "lua5.4"
-- Growth allowed per connection after the warm-up, in this process (our
-- client flow; our server flow in memory), sampled after two full
-- collections between connections: the Lua heap, and the bytes in use in
-- malloc (spec/support/malloc_in_use.c: every C allocation, and under Lua 5.4
-- the Lua heap too).  The bounds hold from N = 1000 (smaller N, as under
-- valgrind, only run).  Measured with no leak at N=1000 (see the [hostile]
-- lines), alone and inside `make test`: both exactly 0.0 B/conn under
-- lua5.4; under LuaJIT 0.0 (Lua heap) and 0..0.3 (malloc) B/conn.  Both are
-- exact counts, not page-grained, so the bound is tight: a leak of 32 bytes
-- per connection (31 KiB over 1000) fails, one secret's 48 bytes does.
local PER_CONN_BYTES = 32
-- Resident size is no per-connection measure: with no leak it moves by
-- -1.2..+0.6 MiB between samples inside `make test` (malloc keeping or
-- returning free pages), and by up to ~1.4 MiB in the scripts/server.lua
-- processes, which can only be watched from outside.  So RSS gets a fixed
-- slack, here and there; the per-connection bounds are the ones above.
local RSS_SLACK_KIB = 2048
local malloc_in_use = require "spec.support.malloc_in_use"
-- Under `make test-asan` freed memory sits in ASan's quarantine, so resident
-- size says nothing about leaks there (make test-leaks covers them).
local RSS_CHECK = not (os.getenv("LD_PRELOAD") or ""):match("asan")
-- Distinct alert names each side must have sent, from N = 1000 (seen at
-- N=1000: client 9, server process 7, server flow 7).
local CLIENT_MIN_ALERTS, SERVER_MIN_ALERTS = 7, 5
-- Alert names, for checking that each failure is a clean, named one.
local ALERT = {}
for k, v in pairs(tlshs.names.alerts) do if type(k) == "string" then ALERT[k] = v end end

local function report(fmt, ...)
  io.stderr:write(string.format("\n[hostile] " .. fmt .. "\n", ...))
end

-- Lua heap (KiB), RSS (KiB) and malloc in use (KiB, or 0 when that cannot
-- be had) of this process after full collections.
local function settle()
  collectgarbage()
  collectgarbage()
  local in_use = malloc_in_use and malloc_in_use(true) / 1024 or 0   -- (trims free pages first)
  return collectgarbage("count"), mutate.rss_kib(), in_use
end

-- Runs one(i) for the WARM warm-up flights, samples, runs the N measured
-- ones, samples again.  Returns the growth {heap =, malloc = } in bytes per
-- measured connection and {rss = } in KiB, and a line that shows them.
local function measured(one)
  -- LuaJIT: compiled traces and their machine code keep accumulating (up to
  -- maxtrace) and grow the figures in steps; the interpreter alone shows
  -- the data a connection leaves behind
  if jit then jit.off() jit.flush() end
  for i = 1, WARM do one(i) end
  local lua0, rss0, mal0 = settle()
  for i = WARM + 1, WARM + N do one(i) end
  local lua1, rss1, mal1 = settle()
  if jit then jit.on() end
  local g = { heap = (lua1 - lua0) * 1024 / N, malloc = (mal1 - mal0) * 1024 / N, rss = rss1 - rss0 }
  return g, string.format("Lua heap %.0f -> %.0f KiB (%.1f B/conn), malloc in use %.0f -> %.0f KiB (%.1f B/conn), "
    .. "RSS %d -> %d KiB", lua0, lua1, g.heap, mal0, mal1, g.malloc, rss0, rss1)
end

-- The per-connection bounds and the RSS slack, for one side.
local function check_growth(who, g)
  assert.is_true(g.heap <= PER_CONN_BYTES, who .. " Lua heap grew " .. g.heap .. " bytes per connection")
  if RSS_CHECK then
    assert(malloc_in_use, "spec/support/malloc_in_use.c could not be built")
    assert.is_true(g.malloc <= PER_CONN_BYTES, who .. " malloc in use grew " .. g.malloc .. " bytes per connection")
    assert.is_true(g.rss <= RSS_SLACK_KIB, who .. " RSS grew " .. g.rss .. " KiB")
  end
end

local function tally(outcomes)
  local kinds = {}
  for k, v in pairs(outcomes) do kinds[#kinds + 1] = k .. "=" .. v end
  table.sort(kinds)
  return table.concat(kinds, " ")
end

-- Checks an outcome tally {err = count} over n runs: every one a clean
-- failure (an alert name, "alert_received" or "closed"), at least
-- min_alerts distinct alert names, no single outcome over 60% of the runs.
local function check_spread(who, outcomes, n, min_alerts)
  local alerts, total = 0, 0
  for err, count in pairs(outcomes) do
    total = total + count
    assert(ALERT[err] or err == "closed" or err == "alert_received", who .. ": unclean outcome " .. tostring(err))
    if ALERT[err] then alerts = alerts + 1 end
    assert(count <= 0.6 * n, who .. ": " .. err .. " is " .. count .. " of " .. n .. " outcomes")
  end
  assert.equal(n, total)
  assert(alerts >= min_alerts, who .. ": only " .. alerts .. " distinct alerts")
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

local function last_record(bytes)
  local records = mutate.records(bytes)
  return records[#records]
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

  it("answers " .. N .. " mutated client flights with a named alert or a close, memory flat", function()
    local samples = mutate.samples(CAPTURES, "c2s")
    assert.is_true(#samples >= 8)
    local alerts, closes, rss0, kinds = 0, 0, {}, {}
    local t0 = socket.gettime()
    for i = 1, WARM + N do
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
      local last = last_record(answer)
      if last and last.type == 21 then
        alerts = alerts + 1
        -- a plaintext alert (the server has not sent ChangeCipherSpec): name it
        if #last.bytes == 7 then
          local name = tlshs.names.alerts[last.bytes:byte(7)]
          assert(name, "server sent an unknown alert " .. last.bytes:byte(7))
          kinds[name] = (kinds[name] or 0) + 1
        end
      else
        closes = closes + 1
      end
      if i == WARM then
        for k, s in ipairs(servers) do rss0[k] = mutate.rss_kib(s.pid) end
      end
    end
    local dt = socket.gettime() - t0
    report("server: %d flights in %.1f s: %d alerts (%s), %d bare closes", WARM + N, dt, alerts, tally(kinds), closes)
    assert.is_true(alerts > (WARM + N) / 2)
    local named = 0
    for _, v in pairs(kinds) do named = named + v end
    if N >= 1000 then check_spread("server", kinds, named, SERVER_MIN_ALERTS) end
    for k, server in ipairs(servers) do
      local rss1 = mutate.rss_kib(server.pid)
      -- still alive and serving a real handshake
      local t, sock = peers.connect(server.port, 10)
      local conn = tlshs.client.wrap(t, { servername = "localhost", cafile = c.ca })
      assert(conn:handshake())
      sock:close()
      report("server %d: RSS %d KiB after the warm-up, %d KiB at the end", k, rss0[k], rss1)
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

  it("fails cleanly on " .. N .. " mutated server flights, memory flat per connection", function()
    local outcomes = {}
    local t0 = socket.gettime()
    local growth, figures = measured(function(i)
      local t, sock = peers.connect(hostile.port, 10)
      -- half the runs check certificates (they fail early), half go deep
      local conn = tlshs.client.wrap(t, { servername = "localhost", insecure = (i % 2 == 0) or nil,
        cafile = (i % 2 == 1) and certs.get().ca or nil })
      local called, ok, err, detail = pcall(conn.handshake, conn)
      sock:close()
      assert(called, "handshake #" .. i .. " raised: " .. tostring(ok))
      assert(not ok, "handshake #" .. i .. " succeeded against a hostile server")
      assert.is_string(err)
      if ALERT[err] or err == "alert_received" then assert.is_string(detail, err) end
      outcomes[err] = (outcomes[err] or 0) + 1
    end)
    report("client: %d flights in %.1f s: %s; %s", WARM + N, socket.gettime() - t0, tally(outcomes), figures)
    assert.is_nil(outcomes.timeout, "the client waited for a peer that had closed")
    if N >= 1000 then
      check_spread("client", outcomes, WARM + N, CLIENT_MIN_ALERTS)
      assert.is_true((outcomes.closed or 0) > 0, "no flight ended in a bare close")
      check_growth("client", growth)
    end
  end)
end)

describe("our server flow in memory against hostile client flights", function()
  it("fails cleanly on " .. N .. " mutated client flights, memory flat per connection", function()
    local c = certs.get()
    local shared = {
      assert(tlshs.server.shared { cert = c.rsa_cert, key = c.rsa_key }),
      assert(tlshs.server.shared { cert = c.ec_cert, key = c.ec_key }),
    }
    local samples = mutate.samples(CAPTURES, "c2s")
    local outcomes = {}
    local t0 = socket.gettime()
    local growth, figures = measured(function(i)
      local rng = mutate.rng(13 * 100003 + i)
      local flight = mutate.mutate(samples[(i % #samples) + 1], rng, samples)
      local a, b = transport.pair()
      local srv = tlshs.server.wrap(b, { shared = shared[(math.floor(i / #samples) % 2) + 1] })
      local res = transport.run(
        function()
          a:send(flight)
          repeat local got = a:receive(1) until not got   -- the answer, until the server closes
          a:close()
        end,
        function()
          local ok, err, detail = srv:handshake()
          b:close()
          return ok, err, detail
        end)
      local ok, err, detail = res[2][1], res[2][2], res[2][3]
      assert(not ok, "mutated flight #" .. i .. " completed a handshake")
      assert.is_string(err)
      if ALERT[err] then assert.is_string(detail, err) end
      -- a flight cut short leaves the server waiting; in memory that ends as
      -- "timeout" (transport.run's deadlock rule), over a socket as a close
      if err == "timeout" then err = "closed" end
      outcomes[err] = (outcomes[err] or 0) + 1
    end)
    report("server flow: %d flights in %.1f s: %s; %s", WARM + N, socket.gettime() - t0, tally(outcomes), figures)
    if N >= 1000 then
      check_spread("server flow", outcomes, WARM + N, SERVER_MIN_ALERTS)
      check_growth("server flow", growth)
    end
  end)
end)
