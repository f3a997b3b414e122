-- A plain TLS 1.2 handshake offering only rsa key-exchange suites (RSA certificate).
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "sane handshake, rsa key exchange",
  rfc = "RFC 5246 §7.3",
  options = { ciphers = probe.suites { kx = "rsa", auth = "rsa" } },
  expect = expect.completes(),
}
