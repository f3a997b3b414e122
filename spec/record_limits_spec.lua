-- Limits a hostile peer could otherwise stretch (issue 13): warning alerts
-- and empty records, each read one by one, are capped as OpenSSL caps them
-- (ssl/record: MAX_WARN_ALERT_COUNT 5, MAX_EMPTY_RECORDS 32): the 5th
-- warning alert in a row, or the 33rd empty record in a row, is
-- unexpected_message — for the client and the server, before and after the
-- handshake. A non-empty record of another kind resets the counts.
local tlshs = require "tlshs"
local transport = require "tlshs.transport"
local record_layer = require "tlshs.record_layer"
local certs = require "spec.support.certs"

local c = certs.get()
local CT = record_layer.CT

-- Runs a handshake in memory; before(cli, srv) sets up surgery; then, if
-- after is given, after(sender_side, receiver_side) runs with "ping" read by
-- the receiver. Returns both results and what the receiver read.
local function run(before, after_sender, after)
  local a, b = transport.pair()
  local cli = tlshs.client.wrap(a, { cafile = c.ca, servername = "localhost" })
  local srv = tlshs.server.wrap(b, { cert = c.ec_cert, key = c.ec_key })
  if before then before(cli, srv) end
  local got = {}
  local results = transport.run(
    function()
      local ok, err, detail = cli:handshake()
      if ok and after then
        if after_sender == "client" then after(cli) else got.client = { cli:receive(4) } end
      end
      return ok, err, detail
    end,
    function()
      local ok, err, detail = srv:handshake()
      if ok and after then
        if after_sender == "server" then after(srv) else got.server = { srv:receive(4) } end
      end
      return ok, err, detail
    end)
  return cli, srv, results[1], results[2], got
end

local function warnings(n)
  return function(self)
    for _ = 1, n do assert(self:send_alert("warning", "user_canceled")) end
    return true
  end
end

local function empty_records(n)
  return function(self)
    for _ = 1, n do assert(self:send_record(CT.application_data, "")) end
    return true
  end
end

describe("warning alerts in a row", function()
  it("the server takes 4 before ClientHello and completes", function()
    local _, _, cr, sr = run(function(cli) cli:insert_before("send_client_hello", "warn", warnings(4)) end)
    assert.is_true(cr[1], tostring(cr[3]))
    assert.is_true(sr[1], tostring(sr[3]))
  end)

  it("the server refuses the 5th before ClientHello with unexpected_message", function()
    local _, srv, cr, sr = run(function(cli) cli:insert_before("send_client_hello", "warn", warnings(5)) end)
    assert.is_nil(sr[1])
    assert.equal("unexpected_message", sr[2])
    assert.matches("5 warning alerts in a row", sr[3], 1, true)
    assert.equal("unexpected_message", srv.failed.err)
    assert.is_nil(cr[1]) -- the client got the fatal alert
  end)

  it("the server refuses 100,000 of them after reading 5", function()
    local _, srv, _, sr = run(function(cli) cli:insert_before("send_client_hello", "warn", warnings(100000)) end)
    assert.equal("unexpected_message", sr[2])
    assert.equal(5, srv.records.warning_alerts)
  end)

  it("the client refuses the 5th before ServerHello", function()
    local _, _, cr = run(function(_, srv) srv:insert_before("send_server_hello", "warn", warnings(5)) end)
    assert.is_nil(cr[1])
    assert.equal("unexpected_message", cr[2])
    assert.matches("warning alerts in a row", cr[3], 1, true)
  end)

  it("the client takes 4 before ServerHello", function()
    local _, _, cr, sr = run(function(_, srv) srv:insert_before("send_server_hello", "warn", warnings(4)) end)
    assert.is_true(cr[1], tostring(cr[3]))
    assert.is_true(sr[1], tostring(sr[3]))
  end)

  it("after the handshake the server refuses the 5th (client sends them)", function()
    local _, _, _, _, got = run(nil, "client", function(cli) warnings(5)(cli); cli:send("ping") end)
    assert.same({ nil, "unexpected_message", "" }, got.server)
  end)

  it("after the handshake the client refuses the 5th (server sends them)", function()
    local _, _, _, _, got = run(nil, "server", function(srv) warnings(5)(srv); srv:send("ping") end)
    assert.same({ nil, "unexpected_message", "" }, got.client)
  end)

  it("data between them resets the count: 4, data, 4, data is read", function()
    local _, _, _, _, got = run(nil, "client", function(cli)
      warnings(4)(cli); cli:send("pi"); warnings(4)(cli); cli:send("ng")
    end)
    assert.same({ "ping" }, got.server)
  end)
end)

describe("empty records in a row", function()
  it("after the handshake the server reads 32 empty application-data records, then data", function()
    local _, _, _, _, got = run(nil, "client", function(cli) empty_records(32)(cli); cli:send("ping") end)
    assert.same({ "ping" }, got.server)
  end)

  it("after the handshake the server refuses the 33rd", function()
    local _, srv, _, _, got = run(nil, "client", function(cli) empty_records(33)(cli); cli:send("ping") end)
    assert.same({ nil, "unexpected_message", "" }, got.server)
    assert.matches("more than 32 empty records in a row", srv.failed.detail, 1, true)
  end)

  it("after the handshake the client refuses the 33rd", function()
    local cli, _, _, _, got = run(nil, "server", function(srv) empty_records(1000)(srv); srv:send("ping") end)
    assert.same({ nil, "unexpected_message", "" }, got.client)
    assert.equal(33, cli.records.empty_records)
  end)

  it("data between them resets the count", function()
    local _, _, _, _, got = run(nil, "server", function(srv)
      empty_records(30)(srv); srv:send("pi"); empty_records(30)(srv); srv:send("ng")
    end)
    assert.same({ "ping" }, got.client)
  end)

  -- Before the handshake no empty record is legal: zero-length handshake
  -- and alert fragments are errors themselves (RFC 5246 §6.2.1, §7.2), and
  -- application data is unexpected there.
  it("before the handshake the first empty record of any type is refused", function()
    for _, case in ipairs {
      { CT.handshake, "unexpected_message", "empty handshake fragment" },
      { CT.application_data, "unexpected_message", "application_data" },
      { CT.alert, nil, nil },
    } do
      local _, _, _, sr = run(function(cli)
        cli:insert_before("send_client_hello", "empty", function(self)
          return self:send_record(case[1], "")
        end)
      end)
      assert.is_nil(sr[1])
      if case[2] then
        assert.equal(case[2], sr[2])
        assert.matches(case[3], sr[3], 1, true)
      end
    end
  end)
end)
