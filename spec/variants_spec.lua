-- The flow-surgery surface (docs/variants.md) in memory: each hook changes
-- what goes on the wire, and our own server reacts as RFC 5246 says.
local tlshs = require "tlshs"
local transport = require "tlshs.transport"
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
local tls = require "tlshs.spec"
local certs = require "spec.support.certs"

local c = certs.get()
local shared = assert(tlshs.server.shared { cert = c.rsa_cert, key = c.rsa_key })

-- Records written by one end: a list of {content_type, length}.
local function recording(t)
  local log = {}
  local send = t.send
  t.send = function(self, data)
    local pos = 1
    while pos + 4 <= #data do
      local len = data:byte(pos + 3) * 256 + data:byte(pos + 4)
      log[#log + 1] = { data:byte(pos), len }
      pos = pos + 5 + len
    end
    return send(self, data)
  end
  return log
end

-- Client (with client_setup) against our server (with server_setup):
-- returns the outcome seen by the client, the server's result, both conns
-- and the record logs of each side.
local function run(client_setup, server_setup, client_opts)
  local a, b = transport.pair()
  local client_log, server_log = recording(a), recording(b)
  client_opts = client_opts or {}
  client_opts.cafile, client_opts.servername = c.ca, "localhost"
  local cli = tlshs.client.wrap(a, client_opts)
  local srv = tlshs.server.wrap(b, { shared = shared })
  if client_setup then client_setup(cli) end
  if server_setup then server_setup(srv) end
  local results = transport.run(function()
    local ok, err, detail = cli:handshake()
    return expect.outcome(cli, ok, err, detail)
  end, function()
    return srv:handshake()
  end)
  return results[1][1], results[2], cli, srv, client_log, server_log
end

describe("flow surgery", function()
  it("mutate changes a field of a message before it is built (and the transcript follows)", function()
    local outcome, sr, cli, srv = run(function(conn)
      conn:mutate("client_hello", function(m) table.insert(m.extensions, 1, { type = 0x7777, data = "probe" }) end)
    end)
    assert.completes(outcome)
    assert.is_true(sr[1])
    assert.equal(0x7777, srv.client_hello.extensions[1].type)
    assert.equal("probe", srv.client_hello.extensions[1].data)
  end)

  it("mutate may return bytes; mutate_bytes changes the built message", function()
    local outcome = run(function(conn)
      conn:mutate_bytes("client_hello", function(raw) return raw:sub(1, 3) .. string.char(#raw - 4 - 1) .. raw:sub(5, -2) end)
    end)
    assert.alert_at("decode_error", "receive_server_hello", outcome)
    local outcome2 = run(function(conn)
      conn:mutate("client_hello", function() return "\1\0\0\2\3\3" end)
    end)
    assert.alert("decode_error", outcome2)
  end)

  it("drop builds a message but does not send it", function()
    local outcome, sr = run(function(conn) conn:drop("client_key_exchange") end)
    assert.alert("unexpected_message", outcome)
    assert.equal("unexpected_message", sr[2])
    assert.matches("wanted client_key_exchange, got change_cipher_spec", sr[3], 1, true)
  end)

  it("resend sends the same message again", function()
    local outcome, sr = run(function(conn)
      conn:insert_after("send_client_key_exchange", "again", function(self) return self:resend("client_key_exchange") end)
    end)
    assert.alert("unexpected_message", outcome)
    assert.equal("unexpected_message", sr[2])
    assert.matches("wanted change_cipher_spec, got handshake client_key_exchange", sr[3], 1, true)
  end)

  it("fragment cuts handshake messages into records of the given sizes", function()
    local outcome, _, cli, _, log = run(function(conn)
      conn:fragment(1)
      conn:insert_after("send_client_hello", "whole", function(self) self:fragment(nil); return true end)
    end)
    assert.completes(outcome)
    local hello_len = #cli.sent.client_hello
    for i = 1, hello_len do assert.same({ 22, 1 }, log[i]) end
    assert.are_not.same({ 22, 1 }, log[hello_len + 1])
  end)

  it("fragment takes a list of sizes, the last one repeating", function()
    local outcome, _, cli, _, log = run(function(conn)
      conn:fragment { 3, 10 }
      conn:insert_after("send_client_hello", "whole", function(self) self:fragment(nil); return true end)
    end)
    assert.completes(outcome)
    assert.same({ 22, 3 }, log[1])
    assert.same({ 22, 10 }, log[2])
    local total = 0
    for i = 1, #log do
      if log[i][1] == 22 then total = total + log[i][2] end
      if total >= #cli.sent.client_hello then break end
    end
    assert.equal(#cli.sent.client_hello, total)
  end)

  it("pack puts the server's first flight into one record", function()
    local outcome, sr, _, srv, _, log = run(nil, function(conn)
      conn:pack(true)
      conn:insert_after("send_server_hello_done", "unpack", function(self) return self:pack(false) end)
    end)
    assert.completes(outcome)
    assert.is_true(sr[1])
    local flight = #srv.sent.server_hello + #srv.sent.certificate + #srv.sent.server_key_exchange + #srv.sent.server_hello_done
    assert.same({ 22, flight }, log[1])
    assert.same({ 22, #srv.sent.new_session_ticket }, log[2]) -- packing ended: one record each again
  end)

  it("send_record sends a record of any content type and version", function()
    local outcome, _, _, _, log = run(function(conn)
      conn:insert_before("send_client_hello", "odd", function(self) return self:send_record(99, "x", { version = 0x0200 }) end)
    end)
    assert.alert_at("unexpected_message", "receive_server_hello", outcome)
    assert.same({ 99, 1 }, log[1])
  end)

  it("move_after sends messages in another order", function()
    local outcome, sr = run(function(conn) conn:move_after("send_change_cipher_spec", "send_finished") end)
    assert.alert("unexpected_message", outcome)
    assert.matches("wanted change_cipher_spec", sr[3], 1, true)
  end)

  it("corrupt_next_record breaks the tag of the next protected record", function()
    local outcome = run(function(conn)
      conn:wrap("send_finished", function(self, original)
        self:corrupt_next_record { corrupt_tag = true }
        return original(self)
      end)
    end, nil, { ciphers = { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" } })
    assert.alert("bad_record_mac", outcome)
  end)

  it("stop_after ends the flow there; the peer's next move is observed", function()
    local outcome = run(function(conn) conn:stop_after("send_client_hello") end)
    assert.outcome(expect.message("server_hello", { version = 0x0303 }), outcome)
    assert.equal("after send_client_hello", outcome.step)
  end)

  it("stop_before ends the flow before a step", function()
    local outcome, _, cli = run(function(conn) conn:stop_before("send_finished") end)
    assert.equal("send_change_cipher_spec", cli.stopped_at)
    assert.is_nil(cli.sent.finished)
    assert.outcome(expect.any(expect.nothing(), expect.closed()), outcome)
  end)

  it("expect.step checks the peer's next move inside the flow", function()
    local outcome, _, cli = run(function(conn)
      conn:mutate("client_hello", function(m) m.compression_methods = { 1 } end)
      conn:insert_after("send_client_hello", "check", expect.step(expect.alert("illegal_parameter")))
    end)
    assert.equal(1, #cli.expectations)
    assert.is_true(cli.expectations[1].ok)
    assert.equal("alert illegal_parameter", cli.expectations[1].expected)
    assert.equal("check", cli.stopped_at)
    local outcome2, _, cli2 = run(function(conn)
      conn:insert_after("send_client_hello", "check", expect.step(expect.alert("decode_error")))
    end)
    assert.equal("expectation_failed", outcome2.err)
    assert.is_false(cli2.expectations[1].ok)
    assert.equal("message server_hello at check", cli2.expectations[1].observed)
  end)

  it("send_handshake with transcript = false keeps a message out of the transcript", function()
    local outcome, _, cli = run(function(conn)
      conn:insert_after("send_client_key_exchange", "again", function(self)
        local before = self.transcript:digest()
        local ok = self:send_handshake(self.sent.client_key_exchange, { transcript = false })
        assert(self.transcript:digest() == before)
        return ok
      end)
    end)
    assert.alert("unexpected_message", outcome)
  end)
end)

describe("expectations", function()
  it("match and describe observations", function()
    local fatal = { kind = "alert", level = "fatal", description = "decode_error", step = "receive_server_hello" }
    assert.is_true(expect.alert("decode_error"):match(fatal))
    assert.is_true(expect.alert({ "illegal_parameter", "decode_error" }):match(fatal))
    assert.is_false(expect.alert("decode_error", { level = "warning" }):match(fatal))
    assert.is_true(expect.alert("decode_error", { step = "receive_server_hello" }):match(fatal))
    assert.is_false(expect.alert("decode_error", { step = "receive_finished" }):match(fatal))
    assert.is_false(expect.completes():match(fatal))
    assert.is_true(expect.refused():match({ kind = "closed" }))
    assert.is_true(expect.any(expect.closed(), expect.alert("bad_record_mac")):match(fatal) == false)
    local m = { kind = "message", msg_type = "server_hello", msg = { version = 0x0303, cipher_suite = 0xc02f } }
    assert.is_true(expect.message("server_hello", { version = 0x0303 }):match(m))
    assert.is_false(expect.message("server_hello", { version = 0x0302 }):match(m))
    assert.is_true(expect.message("server_hello", function(msg) return msg.cipher_suite == 0xc02f end):match(m))
    assert.is_true(expect.message("server_hello", { cipher_suite = function(v) return v > 0xc000 end }):match(m))
    assert.equal("alert decode_error at receive_server_hello", expect.describe(fatal))
    assert.equal("alert warning no_renegotiation", expect.describe({ kind = "alert", level = "warning", description = "no_renegotiation" }))
    assert.equal("nothing (2s)", expect.describe({ kind = "nothing", timeout = 2 }))
    assert.equal("alert handshake_failure or closed", expect.any(expect.alert("handshake_failure"), expect.closed()):describe())
  end)

  it("tlshs.spec assertions say what was expected and what came", function()
    local ok, err = pcall(assert.alert, "decode_error", { kind = "closed", step = "receive_server_hello" })
    assert.is_false(ok)
    assert.matches("Expected alert decode_error\nObserved closed at receive_server_hello", tostring(err), 1, true)
    ok, err = pcall(assert.completes, { kind = "nothing", timeout = 1 })
    assert.is_false(ok)
    assert.matches("Observed nothing (1s)", tostring(err), 1, true)
    assert.is_not.completes({ kind = "closed" })
    assert.passes({ name = "x", ok = true, expected = "completed", observed = "completed" })
    ok, err = pcall(assert.passes, { name = "x", ok = false, expected = "completed", observed = "closed" })
    assert.matches("Probe x: expected completed\nObserved closed", tostring(err), 1, true)
    assert.is_table(tls.expect)
  end)
end)

describe("probe helpers", function()
  local key = assert(tlshs.load_private_key(io.open(c.rsa_key):read("*a")))
  local pub = key:public_key()

  it("rsa_encrypt {raw = true} encrypts a whole block as given", function()
    local good = probe.rsa_encrypt_block(pub, "\3\3" .. string.rep("A", 46))
    assert.equal("\3\3" .. string.rep("A", 46), key:rsa_decrypt(good))
    for _, broken in ipairs { { block_type = 1 }, { no_separator = true } } do
      local ct = probe.rsa_encrypt_block(pub, "\3\3" .. string.rep("A", 46), broken)
      assert.equal(256, #ct)
      assert.same({ nil, "decrypt_error", "pkcs1: decryption failed" }, { key:rsa_decrypt(ct) })
    end
    assert.has_error(function() pub:rsa_encrypt("short", { raw = true }) end)
    assert.has_error(function() pub:rsa_encrypt(string.rep("\255", 256), { raw = true }) end)
  end)

  it("flip changes one bit", function()
    assert.equal("\1bc", probe.flip("\0bc", 1))
    assert.equal("ab\254", probe.flip("ab\255", -1))
  end)

  it("suites filters the suite table", function()
    -- the pinned README list says how many each filter must find
    local pinned = require "spec.support.pinned_suites"
    local want_dhe = {}
    for _, p in ipairs(pinned.list) do if p.kx == "dhe" then want_dhe[#want_dhe + 1] = p.name end end
    local dhe = probe.suites { kx = "dhe" }
    for _, name in ipairs(dhe) do assert.matches("^TLS_DHE_", name) end
    assert.equal(7, #want_dhe)
    table.sort(want_dhe); table.sort(dhe)
    assert.same(want_dhe, dhe)
    assert.equal(4, #probe.suites { kx = "rsa", aead = false })
  end)
end)
