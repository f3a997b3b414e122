-- The client and server flows against each other over an in-memory pair:
-- every suite, resumption both ways, client certificates, and the alerts a
-- misbehaving peer gets.
local tlshs = require "tlshs"
local pinned = require "spec.support.pinned_suites"
local certs = require "spec.support.certs"

local c = certs.get()
local shared_rsa = assert(tlshs.server.shared { cert = c.rsa_cert, key = c.rsa_key })
local shared_ec = assert(tlshs.server.shared { cert = c.ec_cert, key = c.ec_key })

local run_pair = require "spec.support.converse"

-- One handshake plus a ping/pong, trusting the test CA.
local function converse(client_opts, server_opts, setup)
  client_opts.cafile = client_opts.cafile or c.ca
  return run_pair(client_opts, server_opts, setup)
end

describe("client and server flows in memory", function()
  for _, suite in ipairs(pinned.list) do
    it("complete a handshake and exchange data with " .. suite.name, function()
      local shared = suite.auth == "ecdsa" and shared_ec or shared_rsa
      local cli, srv, cr, sr = converse({ ciphers = { suite.name } }, { shared = shared })
      assert.is_true(cr[1], tostring(cr[2]) .. " " .. tostring(cr[3]))
      assert.is_true(sr[1], tostring(sr[2]) .. " " .. tostring(sr[3]))
      assert.equal(suite.name, cli.cipher_suite)
      assert.equal(suite.name, srv.cipher_suite)
      assert.equal("TLSv1.2", cli.version)
      assert.equal("ping", srv.ping)
      assert.equal("pong", cli.pong)
      assert.is_true(cli.ems and srv.ems)
      assert.equal(not suite.aead, cli.etm)
      -- close_notify reached the server: receive reports "closed"
      assert.same({ nil, "closed" }, { srv.after[1], srv.after[2] })
    end)
  end

  for _, group in ipairs { "x25519", "secp256r1", "secp384r1" } do
    it("agree on ECDHE group " .. group, function()
      local cli, srv, cr = converse({ ciphers = { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" }, groups = { group } },
        { shared = shared_rsa })
      assert.is_true(cr[1], tostring(cr[3]))
      assert.equal(group, cli.group)
    end)
  end

  it("uses an RFC 7919 group for DHE when the client names one", function()
    local cli, srv, cr = converse({ ciphers = { "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" }, groups = { "ffdhe3072" } },
      { shared = shared_rsa })
    assert.is_true(cr[1], tostring(cr[3]))
    assert.equal("ffdhe3072", srv.group)
    assert.equal("dh3072", cli.group)
  end)

  it("resume a session by ticket and by session ID", function()
    for _, tickets in ipairs { true, false } do
      local cli, _, cr = converse({ tickets = tickets }, { shared = shared_rsa })
      assert.is_true(cr[1])
      local session = cli:session()
      assert.is_table(session)
      assert.equal(tickets, session.ticket ~= nil)
      local again, srv2, cr2 = converse({ tickets = tickets, session = session }, { shared = shared_rsa })
      assert.is_true(cr2[1], tostring(cr2[3]))
      assert.is_true(again.resumed)
      assert.is_true(srv2.resumed)
      assert.equal("pong", again.pong)
    end
  end)

  it("fall back to a full handshake for an unknown session", function()
    local cli = converse({}, { shared = shared_rsa })
    local session = cli:session()
    local other = assert(tlshs.server.shared { cert = c.rsa_cert, key = c.rsa_key })
    local again, _, cr = converse({ session = session }, { shared = other })
    assert.is_true(cr[1], tostring(cr[3]))
    assert.is_nil(again.resumed)
  end)

  it("authenticate a client certificate when the server asks", function()
    local _, srv, cr, sr = converse({ cert = c.client_cert, key = c.client_key },
      { shared = shared_rsa, verify_client = "require", cafile = c.ca })
    assert.is_true(cr[1], tostring(cr[3]))
    assert.is_true(sr[1], tostring(sr[3]))
    assert.equal(1, #srv.peer_certificates)
  end)

  it("refuse a client without a certificate when one is required", function()
    local cli, _, cr, sr = converse({}, { shared = shared_rsa, verify_client = "require", cafile = c.ca })
    assert.same({ nil, "handshake_failure" }, { sr[1], sr[2] })
    assert.same({ nil, "alert_received" }, { cr[1], cr[2] })
    assert.equal("handshake_failure", cli.received_alert.description_name)
  end)

  it("go on without a client certificate when one is only requested", function()
    local _, srv, cr, sr = converse({}, { shared = shared_rsa, verify_client = "request" })
    assert.is_true(cr[1])
    assert.is_true(sr[1])
    assert.is_nil(srv.peer_certificates)
  end)

  it("negotiate ALPN", function()
    local cli, srv, cr = converse({ alpn = { "h2", "http/1.1" } }, { shared = shared_rsa, alpn = { "http/1.1" } })
    assert.is_true(cr[1])
    assert.equal("http/1.1", cli.alpn)
    assert.equal("http/1.1", srv.alpn)
    local _, _, cr2, sr2 = converse({ alpn = { "h2" } }, { shared = shared_rsa, alpn = { "http/1.1" } })
    assert.equal("no_application_protocol", sr2[2])
    assert.equal("alert_received", cr2[2])
  end)

  it("fail with handshake_failure when no suite is common", function()
    local cli, _, cr, sr = converse({ ciphers = { "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" } }, { shared = shared_rsa })
    assert.equal("handshake_failure", sr[2])
    assert.equal("alert_received", cr[2])
    assert.equal("handshake_failure", cli.received_alert.description_name)
  end)

  it("reject a server certificate for another host", function()
    local _, _, cr = converse({ servername = "example.com" }, { shared = shared_rsa })
    assert.is_nil(cr[1])
    assert.equal("bad_certificate", cr[2])
    assert.matches("example.com", cr[3])
  end)

  it("reject a wrong Finished with decrypt_error", function()
    local _, _, cr, sr = converse({}, { shared = shared_rsa }, function(cli)
      cli:replace("send_finished", function(self)
        return self:send_handshake { msg_type = "finished", verify_data = string.rep("\0", 12) }
      end)
    end)
    assert.equal("decrypt_error", sr[2])
    assert.equal("alert_received", cr[2])
  end)

  it("lets a script stop after a step and look at what came", function()
    local cli, _, cr = converse({}, { shared = shared_rsa }, function(cli)
      cli:stop_after("receive_server_hello")
    end)
    assert.is_true(cr[1])
    assert.equal("receive_server_hello", cli.stopped_at)
    assert.equal("server_hello", cli.server_hello.msg_type)
  end)
end)
