-- server.lua --www answers each request exactly once, in one record, and
-- nothing else (issue 13, "Odd but legal messages"). The case found by a
-- conformance suite: a full handshake (TLS_RSA_WITH_AES_128_CBC_SHA, no
-- extensions) closed at once with close_notify, then a resumption by
-- session ID that sends "GET / HTTP/1.0\n\n" and expects one ApplicationData
-- record and close_notify. The suite saw a second page of 166 bytes: the
-- "Resumed: false" page, which --www sent on the first connection although
-- no request came (it answered when the read of the request failed).
local socket = require "socket"
local tlshs = require "tlshs"
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"

local c = certs.get()
local lua = jit and "luajit" or "lua5.4"
local CT_APPLICATION_DATA, CT_ALERT = 23, 21

-- One connection as the conformance suite makes it: AES128-SHA, no
-- extensions, session (to resume) or nil. request: bytes to send after
-- the handshake, or nil to send close_notify at once. Returns the records
-- received after the handshake ({content type, length}), the page and the
-- session.
local function visit(port, session, request, split, then_close)
  local sock = assert(socket.connect("127.0.0.1", port))
  sock:settimeout(5)
  local conn = tlshs.client.wrap(tlshs.transport.socket(sock), {
    insecure = true, ciphers = { "TLS_RSA_WITH_AES_128_CBC_SHA" }, tickets = false, ems = false, etm = false,
    session = session,
  })
  conn:mutate("client_hello", function(m) m.extensions = {} end)
  local records, done = {}, false
  conn.records.on_record = function(direction, ct, data)
    if direction == "received" and done then records[#records + 1] = { ct, #data } end
  end
  assert(conn:handshake())
  done = true
  if request then
    if split then
      for _, part in ipairs(split(request)) do assert(conn:send(part)) end
    else
      assert(conn:send(request))
    end
  end
  if not request or then_close then conn:send_alert("warning", "close_notify") end
  local page, err, partial = conn:receive("*a")
  conn:close()
  return records, page or partial, conn:session(), conn.resumed, err
end

describe("server.lua --www", function()
  local srv
  setup(function()
    srv = peers.start { lua, "scripts/server.lua", "--listen", "127.0.0.1:{port}", "--cert", c.rsa_cert,
      "--key", c.rsa_key, "--www" }
  end)
  teardown(function() peers.stop(srv) end)

  it("sends no page on a connection closed before any request (then close_notify only)", function()
    local records, page = visit(srv.port, nil, nil)
    assert.same({ { CT_ALERT, 2 } }, records)
    assert.equal("", page)
  end)

  it("the conformance case: full handshake closed at once, then a resumption with one request", function()
    local records, _, session = visit(srv.port, nil, nil)
    assert.same({ { CT_ALERT, 2 } }, records)
    local records2, page, _, resumed = visit(srv.port, session, "GET / HTTP/1.0\n\n")
    assert.is_true(resumed)
    assert.same({ { CT_APPLICATION_DATA, #page }, { CT_ALERT, 2 } }, records2)
    assert.matches("^HTTP/1%.0 200 ok\r\n.*Resumed: true\n", page)
  end)

  it("answers a full handshake's request once, in one record", function()
    local records, page = visit(srv.port, nil, "GET / HTTP/1.0\r\n\r\n")
    assert.same({ { CT_APPLICATION_DATA, #page }, { CT_ALERT, 2 } }, records)
    assert.matches("Cipher: TLS_RSA_WITH_AES_128_CBC_SHA\nResumed: false", page)
  end)

  it("answers a request that comes in many records once", function()
    local records, page = visit(srv.port, nil, "GET / HTTP/1.0\nHost: x\n\n", function(s)
      local parts = {}
      for i = 1, #s do parts[i] = s:sub(i, i) end
      return parts
    end)
    assert.same({ { CT_APPLICATION_DATA, #page }, { CT_ALERT, 2 } }, records)
  end)

  it("sends no page when the peer closes in the middle of its request", function()
    local records, page = visit(srv.port, nil, "GET / HTTP/1.0\n", nil, true)
    assert.same({ { CT_ALERT, 2 } }, records)
    assert.equal("", page)
  end)
end)
