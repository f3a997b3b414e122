-- A plain TLS 1.2 handshake offering only ecdhe key-exchange suites (RSA certificate).
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "sane handshake, ecdhe key exchange",
  rfc = "RFC 5246 §7.3",
  options = { ciphers = probe.suites { kx = "ecdhe", auth = "rsa" } },
  expect = expect.completes(),
}
