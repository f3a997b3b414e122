-- A plain TLS 1.2 handshake offering only dhe key-exchange suites (RSA certificate).
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "sane handshake, dhe key exchange",
  rfc = "RFC 5246 §7.3",
  options = { ciphers = probe.suites { kx = "dhe", auth = "rsa" } },
  expect = expect.completes(),
}
