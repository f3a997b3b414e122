-- Defaults that fail closed (issue 13, "Defaults that fail open" 1 and 2):
-- no handshake without a host name to check unless the script opts out, and
-- no verify_client = "require" without anchors unless the script opts out.
local tlshs = require "tlshs"
local transport = require "tlshs.transport"
local certs = require "spec.support.certs"
local converse = require "spec.support.converse"

local c = certs.get()
local shared = assert(tlshs.server.shared { cert = c.rsa_cert, key = c.rsa_key })

local function raises(fn, ...)
  local ok, err = pcall(fn, ...)
  assert.is_false(ok, "expected an error")
  return tostring(err)
end

-- converse() fills in servername = "localhost" when it is nil: call the
-- pair directly to leave it out.
local function handshake(client_opts, server_opts)
  local a, b = transport.pair()
  local cli = tlshs.client.wrap(a, client_opts)
  local srv = tlshs.server.wrap(b, server_opts or { shared = shared })
  local r = transport.run(function() return cli:handshake() end, function() return srv:handshake() end)
  return r[1], r[2], cli, srv
end

describe("a client without servername", function()
  it("refuses to start: the certificate could be for any host", function()
    local err = raises(tlshs.client.wrap, transport.pair(), { cafile = c.ca })
    assert.matches("tlshs.client.wrap: no servername, so the server's certificate could be for any host; " ..
      "give servername (a host name or IP address), or insecure = true, or verify_host = false", err, 1, true)
    assert.matches("no servername", raises(tlshs.client.wrap, transport.pair(), {}))
    assert.matches("no servername", raises(tlshs.client.wrap, transport.pair(), { cafile = c.ca, servername = "" }))
  end)

  it("goes on when the script opts out (verify_host = false checks the chain only)", function()
    local cr = handshake({ cafile = c.ca, verify_host = false })
    assert.is_true(cr[1], tostring(cr[3]))
    cr = handshake({ insecure = true })
    assert.is_true(cr[1], tostring(cr[3]))
    -- the chain is still checked: a client trusting another CA refuses
    cr = handshake({ cafile = certs.ed25519().ca, verify_host = false })
    assert.same({ nil, "unknown_ca" }, { cr[1], cr[2] })
  end)

  it("checks the name it is given, host name or IP address (iPAddress SANs)", function()
    local cr = handshake({ cafile = c.ca, servername = "localhost" })
    assert.is_true(cr[1], tostring(cr[3]))
    cr = handshake({ cafile = c.ca, servername = "127.0.0.1" })
    assert.is_true(cr[1], tostring(cr[3]))
    cr = handshake({ cafile = c.ca, servername = "127.0.0.2" })
    assert.same({ nil, "bad_certificate" }, { cr[1], cr[2] })
    cr = handshake({ cafile = c.ca, servername = "other.example" })
    assert.same({ nil, "bad_certificate" }, { cr[1], cr[2] })
  end)
end)

describe("a server with verify_client = \"require\"", function()
  it("refuses to start without cafile", function()
    local _, b = transport.pair()
    local err = raises(tlshs.server.wrap, b, { shared = shared, verify_client = "require" })
    assert.matches("verify_client = \"require\" without cafile would accept any self-signed client certificate; " ..
      "give cafile, or verify_client_chain = false to check only the key", err, 1, true)
    -- server.shared takes the same options table and refuses it the same way
    err = raises(tlshs.server.shared, { cert = c.rsa_cert, key = c.rsa_key, verify_client = "require" })
    assert.matches("tlshs.server.shared: verify_client = \"require\" without cafile", err, 1, true)
  end)

  it("checks the client's chain against cafile", function()
    local _, srv, cr, sr = converse({ cafile = c.ca, cert = c.client_cert, key = c.client_key },
      { shared = shared, verify_client = "require", cafile = c.ca })
    assert.is_true(cr[1], tostring(cr[3]))
    assert.is_true(sr[1], tostring(sr[3]))
    assert.equal(1, #srv.peer_certificates)
    -- a certificate of another CA is refused
    local ed = certs.ed25519()
    _, _, cr, sr = converse({ cafile = c.ca, cert = ed.client_cert, key = ed.client_key },
      { shared = shared, verify_client = "require", cafile = c.ca })
    assert.same({ nil, "unknown_ca" }, { sr[1], sr[2] })
  end)

  it("with verify_client_chain = false checks only the key (CertificateVerify)", function()
    local ed = certs.ed25519()
    local _, srv, cr, sr = converse({ cafile = c.ca, cert = ed.client_cert, key = ed.client_key },
      { shared = shared, verify_client = "require", verify_client_chain = false })
    assert.is_true(cr[1], tostring(cr[3]))
    assert.is_true(sr[1], tostring(sr[3]))
    assert.equal(1, #srv.peer_certificates)
    -- and skips the chain even with cafile
    _, srv, cr, sr = converse({ cafile = c.ca, cert = ed.client_cert, key = ed.client_key },
      { shared = shared, verify_client = "require", verify_client_chain = false, cafile = c.ca })
    assert.is_true(sr[1], tostring(sr[3]))
  end)
end)
