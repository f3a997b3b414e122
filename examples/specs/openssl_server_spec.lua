-- An example: busted specs of a stock `openssl s_server`, written with
-- tlshs.spec. Run it from the repository root with
--   make test-examples            (or: busted examples/specs)
local tls = require "tlshs.spec"
local expect = tls.expect

describe("openssl s_server", function()
  local dir, peer, server
  setup(function()
    -- a self-signed RSA certificate for localhost, and the server on a free port
    dir = os.tmpname(); os.remove(dir); os.execute("mkdir -p " .. dir)
    os.execute("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost"
      .. " -keyout " .. dir .. "/key.pem -out " .. dir .. "/cert.pem 2>/dev/null")
    peer = tls.start_server { "openssl", "s_server", "-accept", "127.0.0.1:{port}", "-www", "-tls1_2",
      "-cert", dir .. "/cert.pem", "-key", dir .. "/key.pem" }
    server = tls.server { port = peer.port, servername = "localhost", cafile = dir .. "/cert.pem" }
  end)
  teardown(function()
    tls.stop(peer)
    os.execute("rm -rf " .. dir)
  end)

  it("completes a plain handshake", function()
    local outcome = server:handshake()
    assert.completes(outcome)
    assert.equal("TLSv1.2", outcome.conn.version)
  end)

  it("refuses a ClientHello with no suite in common", function()
    local outcome = server:handshake(function(conn)
      conn:mutate("client_hello", function(m) m.cipher_suites = { 0x0A0A } end)
    end)
    assert.alert_at("handshake_failure", "receive_server_hello", outcome)
  end)

  it("answers a wrong Finished with decrypt_error", function()
    local outcome = server:handshake(function(conn)
      conn:mutate("finished", function(m) m.verify_data = string.rep("\0", 12) end)
    end)
    assert.alert("decrypt_error", outcome)
  end)

  it("takes a ClientHello sent one byte per record", function()
    assert.completes(server:handshake(function(conn)
      conn:fragment(1)
      conn:insert_after("send_client_hello", "whole_records", function(c) c:fragment(nil); return true end)
    end))
  end)

  it("answers our ClientHello with a TLS 1.2 ServerHello (we stop after it)", function()
    local outcome = server:handshake(function(conn) conn:stop_after("send_client_hello") end)
    assert.outcome(expect.message("server_hello", { version = 0x0303 }), outcome)
  end)

  it("gives the same alert for a bad RSA padding as for a wrong premaster", function()
    assert.passes(server:probe("rsa_premaster_bad_padding"))
    assert.passes(server:probe("rsa_premaster_mismatch"))
  end)

  it("does not complete a handshake with a bad MAC (this assertion is negated)", function()
    assert.is_not.completes(server:probe("bad_tag_gcm").observation)
  end)
end)
