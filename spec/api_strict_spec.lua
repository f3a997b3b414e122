-- Misuse raises at once, naming the valid choices (issue 12 §3; DESIGN):
-- options of every call (tlshs.options schemas), surgery names (steps,
-- branches, message and content types, seal options), suite, group and
-- signature-scheme names; never an offer the engine cannot complete. And a
-- connection the peer closed says so at once (issue 12 §5).
local tlshs = require "tlshs"
local core = require "tlshs.core"
local suites = require "tlshs.suites"
local negotiate = require "tlshs.negotiate"
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
local transport = require "tlshs.transport"
local certs = require "spec.support.certs"
local converse = require "spec.support.converse"

local c = certs.get()
local unpack = table.unpack or unpack

-- The error message of fn(...), which must raise.
local function raises(fn, ...)
  local ok, err = pcall(fn, ...)
  assert.is_false(ok, "expected an error")
  return tostring(err)
end

local function client(opts)
  local a = transport.pair()
  opts = opts or {}
  if opts.servername == nil and opts.insecure == nil then opts.insecure = true end
  return tlshs.client.wrap(a, opts)
end

local function server(opts)
  local _, b = transport.pair()
  opts = opts or {}
  opts.cert, opts.key = opts.cert or c.rsa_cert, opts.key or c.rsa_key
  return tlshs.server.wrap(b, opts)
end

describe("options", function()
  it("an unknown key raises with the key and the valid ones", function()
    local err = raises(client, { cipers = { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" } })
    assert.matches("tlshs.client.wrap: unknown option 'cipers'; options are: .*ciphers", err)
    err = raises(client, { grops = { "x25519" } })
    assert.matches("unknown option 'grops'", err)
    err = raises(server, { verfy_client = "require" })
    assert.matches("tlshs.server.wrap: unknown option 'verfy_client'; options are: .*verify_client", err)
    err = raises(tlshs.server.shared, { cert = c.rsa_cert, key = c.rsa_key, tiket_key = "x" })
    assert.matches("tlshs.server.shared: unknown option 'tiket_key'", err)
  end)

  it("a wrong type raises with the key and the expected type", function()
    local err = raises(client, { ciphers = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" })
    assert.matches("option 'ciphers' must be a list of a cipher suite name %(IANA%), got string", err)
    assert.matches("option 'ems' must be a boolean, got string", raises(client, { ems = "no" }))
    assert.matches("option 'trace' must be a boolean or function, got number", raises(client, { trace = 1 }))
    assert.matches("option 'alpn' %[2%]: must be a string, got number", raises(client, { alpn = { "h2", 2 } }))
    assert.matches("option 'verify_client' must be one of \"request\", \"require\", got \"requir\"",
      raises(server, { verify_client = "requir" }))
    assert.matches("options must be a table, got string", raises(tlshs.client.wrap, transport.pair(), "x"))
    assert.matches("'ciphers' is an empty list", raises(client, { ciphers = {} }))
  end)

  it("unknown suite, group and scheme names raise naming the supported ones", function()
    local err = raises(client, { ciphers = { "TLS_FOO" } })
    assert.matches("unknown cipher suite 'TLS_FOO'; supported suites are: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,", err)
    err = raises(client, { ciphers = { "ECDHE-RSA-AES128-GCM-SHA256" } })
    assert.matches("OpenSSL's name for TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", err)
    err = raises(client, { ciphers = { "TLS_RSA_WITH_RC4_128_MD5" } })
    assert.matches("unsupported cipher suite 'TLS_RSA_WITH_RC4_128_MD5'", err)
    err = raises(client, { groups = { "nonsense" } })
    assert.matches("unknown group 'nonsense'; supported groups are: x25519, secp256r1, secp384r1, ffdhe2048", err)
    err = raises(client, { signature_algorithms = { "rsa_pss_pss_sha256" } })
    assert.matches("signature scheme 'rsa_pss_pss_sha256' is not supported by tlshs; supported signature schemes are: ed25519", err)
    err = raises(server, { ciphers = { "TLS_FOO" } })
    assert.matches("unknown cipher suite 'TLS_FOO'", err)
  end)

  it("never offers a group the engine cannot complete", function()
    local err = raises(client, { groups = { "x448" } })
    assert.matches("group 'x448' is not supported by tlshs; supported groups are: x25519", err)
    err = raises(client, { groups = { 30 } })
    assert.matches("group 0x001e %(x448%) is not supported", err)
    err = raises(server, { groups = { "secp521r1" } })
    assert.matches("group 'secp521r1' is not supported", err)
  end)

  it("the supported groups and schemes are what the C core completes", function()
    for _, g in ipairs(negotiate.SUPPORTED.groups) do
      assert.truthy(core.key_exchange(g), g)
    end
    local supported = {}
    for _, g in ipairs(negotiate.SUPPORTED.groups) do supported[g] = true end
    for name in pairs(core.names.groups) do
      if type(name) == "string" and not supported[name] then
        assert.is_false(pcall(core.key_exchange, name), name .. " is refused by core.key_exchange")
      end
    end
    -- every supported scheme signs and verifies with a key of its kind
    local keys = {
      rsa = assert(core.load_private_key(io.open(c.rsa_key):read("*a"))),
      ec = assert(core.load_private_key(io.open(c.ec_key):read("*a"))),
      ed = assert(core.load_private_key(io.open(certs.ed25519().key):read("*a"))),
    }
    for _, scheme in ipairs(negotiate.SUPPORTED.signature_schemes) do
      local made = false
      for _, k in pairs(keys) do
        if k:supports(scheme) then
          local pub = assert(core.load_public_key(k:spki()))
          assert.truthy(pub:verify(scheme, "data", k:sign(scheme, "data")), scheme)
          made = true
        end
      end
      if scheme ~= "ecdsa_secp384r1_sha384" then assert.is_true(made, scheme) end
    end
  end)

  it("OpenSSL's suite names are derived right (openssl ciphers -stdname)", function()
    local theirs = require("spec.support.peers").openssl_names()
    for _, s in ipairs(suites.list) do
      assert.equal(theirs[s.name], suites.openssl_name(s))
    end
  end)

  it("the other options tables of the Lua layers are checked too", function()
    assert.matches("tls.server: unknown option 'servname'",
      raises(require("tlshs.spec").server, { port = 1, servname = "x" }))
    assert.matches("expect.alert: option 'level' must be one of",
      raises(expect.alert, "decode_error", { level = "fatl" }))
    assert.matches("unknown option 'stp'", raises(expect.closed, { stp = "x" }))
    assert.matches("no alert named decode_eror; alerts are: .*decode_error", raises(expect.alert, "decode_eror"))
    assert.matches("no message type server_helo; message types are: .*server_hello",
      raises(expect.message, "server_helo"))
    assert.matches("probe: unknown option 'expct'", raises(probe.run, { expct = expect.completes() }, {}))
    assert.matches("probe context: unknown option 'hots'",
      raises(probe.run, { expect = expect.completes() }, { hots = "x" }))
    assert.matches("no suite field named cypher", raises(probe.suites, { cypher = "aes_128_gcm" }))
    assert.matches("no suite matches", raises(probe.suites, { kx = "rsa", cipher = "aes_128_gmc" }))
    assert.matches("tlshs.transport.socket: wants a connected LuaSocket tcp object", raises(transport.socket, nil))
  end)
end)

describe("flow surgery", function()
  it("an unknown step raises listing every step, branch steps included", function()
    local conn = client()
    local err = raises(conn.stop_after, conn, "receive_server_helo")
    assert.matches("no step named receive_server_helo; steps are: send_client_hello, receive_server_hello, " ..
      "receive_new_session_ticket, receive_change_cipher_spec, receive_finished, send_change_cipher_spec, send_finished, " ..
      "receive_certificate", err, 1, true)
    for _, call in ipairs {
      { "replace", "send_finishd", function() end }, { "wrap", "send_finishd", function() end },
      { "skip", "send_certificate_verfy" }, { "stop_before", "send_finishd" },
      { "insert_after", "send_client_helo", "x", function() end },
      { "insert_before", "send_client_helo", "x", function() end },
      { "move_after", "send_finishd", "send_change_cipher_spec" },
      { "move_before", "send_finished", "send_change_cipher_spc" },
    } do
      local method = table.remove(call, 1)
      assert.matches("no step named send_[%w_]+; steps are: send_client_hello", raises(conn[method], conn, unpack(call)))
    end
    assert.matches("a step or method named send_finished exists already",
      raises(conn.insert_after, conn, "send_client_hello", "send_finished", function() end))
    assert.matches("must be a function", raises(conn.replace, conn, "send_finished", "nope"))
    assert.matches("no branch named ful; branches are: abbreviated, full", raises(conn.continue_with, conn, "ful"))
  end)

  it("an unknown message type raises listing the message types", function()
    local conn = client()
    for _, call in ipairs {
      { "mutate", "finishd", function() end }, { "mutate_bytes", "finishd", function() end },
      { "drop", "client_key_exchang" }, { "resend", "finishd" },
    } do
      local method = table.remove(call, 1)
      assert.matches("no message type [%w_]+; message types are: .*client_key_exchange, .*finished",
        raises(conn[method], conn, unpack(call)))
    end
  end)

  it("record surgery checks content types and options", function()
    local conn = client()
    assert.matches("no content type handshak; content types are: .*handshake",
      raises(conn.send_record, conn, "handshak", "x"))
    assert.matches("conn:send_record: unknown option 'protected'",
      raises(conn.send_record, conn, "handshake", "x", { protected = false }))
    assert.matches("option 'seal' unknown option 'corrupt_mca'",
      raises(conn.send_record, conn, "handshake", "x", { seal = { corrupt_mca = true } }))
    assert.matches("seal options: unknown option 'corrupt_mca'; options are: corrupt_mac, corrupt_padding, corrupt_tag, iv, pad",
      raises(conn.corrupt_next_record, conn, { corrupt_mca = true }))
    assert.matches("fragment: sizes", raises(conn.fragment, conn, { 0 }))
    assert.matches("conn:send_handshake: unknown option 'mutated'",
      raises(conn.send_handshake, conn, { msg_type = "finished", verify_data = "" }, { mutated = false }))
    assert.matches("resend: unknown option 'transcrpt'",
      raises(conn.resend, conn, "client_hello", { transcrpt = true }))
  end)

  it("a field the builder ignores, added by a mutator, raises (a typo would send the message unchanged)", function()
    local err = raises(converse, { cafile = c.ca }, { cert = c.rsa_cert, key = c.rsa_key }, function(cli)
      cli:mutate("finished", function(m) m.verify_dat = string.rep("\0", 12) end)
    end)
    assert.matches("no field verify_dat in finished %(the builder ignores it%); its fields are: msg_type, verify_data", err)
    -- fields the builder uses are fine, overrides included, even when their value changes nothing
    local _, _, cr, sr = converse({ cafile = c.ca }, { cert = c.rsa_cert, key = c.rsa_key }, function(cli)
      cli:mutate("finished", function(m) m.length = 12 end)
      cli:mutate("client_hello", function(m) m.compression_methods_len = 1 end)
    end)
    assert.is_true(cr[1], tostring(cr[3]))
    assert.is_true(sr[1], tostring(sr[3]))
  end)

  it("a stop at a branch step is accepted and stops there", function()
    local cli, _, cr = converse({ cafile = c.ca }, { cert = c.rsa_cert, key = c.rsa_key }, function(conn)
      conn:stop_after("receive_certificate")
    end)
    assert.is_true(cr[1], tostring(cr[3]))
    assert.equal("receive_certificate", cli.stopped_at)
  end)
end)

describe("a connection the peer closed", function()
  it("returns nil, closed at once from every receive after close_notify", function()
    local a, b = transport.pair()
    local cli = tlshs.client.wrap(a, { servername = "localhost", cafile = c.ca })
    local srv = tlshs.server.wrap(b, { cert = c.rsa_cert, key = c.rsa_key })
    local after = {}
    transport.run(function()
      assert(cli:handshake())
      after.all = cli:receive("*a")
      after.one = { cli:receive(1) }
      after.line = { cli:receive("*l") }
      after.again = { cli:receive("*a") }
      after.any = { cli:receive_any() }
    end, function()
      assert(srv:handshake())
      srv:send("bye")
      srv:send_alert("warning", "close_notify") -- and the transport stays open
    end)
    assert.equal("bye", after.all)
    assert.same({ nil, "closed", "" }, after.one)
    assert.same({ nil, "closed", "" }, after.line)
    assert.same({ nil, "closed", "" }, after.again)
    assert.same({ nil, "closed" }, { after.any[1], after.any[2] })
  end)

  it("raises on a receive pattern LuaSocket does not know", function()
    local conn = client()
    conn.established = true
    assert.matches("receive: pattern must be a byte count", raises(conn.receive, conn, "*x"))
  end)
end)
