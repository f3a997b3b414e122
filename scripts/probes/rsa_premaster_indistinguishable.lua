-- Bleichenbacher in one line: a premaster with a broken PKCS#1 padding (no
-- zero separator) must get exactly the answer a well-formed but wrong
-- premaster gets. The expectation is whatever that control connection
-- (rsa_premaster_mismatch's variant) observed, so this probe holds a server
-- to its own behaviour (RFC 5246 §7.4.7.1), not to a particular alert.
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
local core = require "tlshs.core"

local options = { ciphers = probe.suites { kx = "rsa", cipher = "aes_128_gcm" } }

local function premaster_variant(make)
  return {
    name = "control", options = options, expect = expect.completes(),
    setup = function(conn)
      conn:mutate("client_key_exchange", function(m, c) m.encrypted_pre_master_secret = make(c.server_key) end)
    end,
  }
end

return {
  description = "bad RSA padding answered exactly like a wrong premaster",
  rfc = "RFC 5246 §7.4.7.1",
  options = options,
  setup = function(conn)
    conn:mutate("client_key_exchange", function(m, c)
      m.encrypted_pre_master_secret = probe.rsa_encrypt_block(c.server_key, "\3\3" .. core.random(46), { no_separator = true })
    end)
  end,
  expect = function(ctx)
    local control = probe.run(premaster_variant(function(key) return key:rsa_encrypt("\3\3" .. core.random(46)) end), ctx)
    return expect.same_as(control.observation or { kind = "?" }, "wrong premaster")
  end,
}
