-- A plain TLS 1.2 handshake with the client under test.
local expect = require "tlshs.expect"
return {
  description = "sane handshake",
  rfc = "RFC 5246 §7.3",
  expect = expect.completes(),
}
