-- Malformed ChangeCipherSpec records (RFC 5246 §7.1: the body is the single
-- byte 1). An empty body, another value, or more than one byte is not a
-- ChangeCipherSpec: every case is answered with unexpected_message, as RFC
-- 8446 §5 says and as OpenSSL does (SSL_R_BAD_CHANGE_CIPHER_SPEC); tlshs
-- answered decode_error before. Checked probe-style against openssl s_server
-- and scripts/server.lua, and in memory for our server and our client.
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"
local converse = require "spec.support.converse"
local probe = require "tlshs.probe"
local expect = require "tlshs.expect"

local c = certs.get()
local lua = jit and "luajit" or "lua5.4"

local bodies = {
  { "empty", "" },
  { "value 0", "\0" },
  { "value 2", "\2" },
  { "two bytes 01 01", "\1\1" },
  { "two bytes 01 00", "\1\0" },
}

-- The client sends body where its ChangeCipherSpec goes.
local function ccs_probe(body)
  return {
    name = "malformed_ccs",
    setup = function(conn)
      conn:replace("send_change_cipher_spec", function(cn) return cn:send_record("change_cipher_spec", body) end)
    end,
    expect = expect.alert("unexpected_message"),
  }
end

local servers = {
  openssl = { "openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert", c.rsa_cert, "-key", c.rsa_key,
    "-www", "-tls1_2" },
  tlshs = { lua, "scripts/server.lua", "--listen", "127.0.0.1:{port}", "--cert", c.rsa_cert, "--key", c.rsa_key, "--www" },
}

for _, name in ipairs { "openssl", "tlshs" } do
  describe("a malformed ChangeCipherSpec sent to " .. name, function()
    local peer
    setup(function() peer = peers.start(servers[name]) end)
    teardown(function() peers.stop(peer) end)

    for _, case in ipairs(bodies) do
      it("(" .. case[1] .. ") is answered with unexpected_message", function()
        local r = probe.run(ccs_probe(case[2]), {
          host = "127.0.0.1", port = peer.port, servername = "localhost", cafile = c.ca, timeout = 5,
        })
        assert.is_true(r.ok, "expected " .. tostring(r.expected) .. ", observed " .. tostring(r.observed))
        assert.matches("unexpected_message", r.observed, 1, true)
      end)
    end

    it("(control: the single byte 1) completes", function()
      local r = probe.run({ name = "sane", expect = expect.completes() }, {
        host = "127.0.0.1", port = peer.port, servername = "localhost", cafile = c.ca, timeout = 5,
      })
      assert.is_true(r.ok, tostring(r.observed))
    end)
  end)
end

describe("a malformed ChangeCipherSpec in memory", function()
  local server_opts = { cert = c.rsa_cert, key = c.rsa_key }

  for _, case in ipairs(bodies) do
    it("(" .. case[1] .. ") from the client: our server answers unexpected_message", function()
      local _, _, cres, sres = converse({ cafile = c.ca }, server_opts, function(cli)
        cli:replace("send_change_cipher_spec", function(cn) return cn:send_record("change_cipher_spec", case[2]) end)
      end)
      assert.is_nil(sres[1])
      assert.equal("unexpected_message", sres[2], tostring(sres[3]))
      assert.matches("change_cipher_spec", tostring(sres[3]), 1, true)
      assert.is_nil(cres[1])
    end)

    it("(" .. case[1] .. ") from the server: our client answers unexpected_message", function()
      local _, _, cres = converse({ cafile = c.ca }, server_opts, function(_, srv)
        srv:replace("send_change_cipher_spec", function(sn) return sn:send_record("change_cipher_spec", case[2]) end)
      end)
      assert.is_nil(cres[1])
      assert.equal("unexpected_message", cres[2], tostring(cres[3]))
      assert.matches("change_cipher_spec", tostring(cres[3]), 1, true)
    end)
  end
end)
