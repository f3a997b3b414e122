-- A ClientHello whose only suites are GREASE values (RFC 8701), which a
-- server must ignore: nothing in common.
local expect = require "tlshs.expect"
return {
  description = "ClientHello with no cipher suite in common",
  rfc = "RFC 5246 §7.4.1.3: no acceptable choice → handshake_failure",
  setup = function(conn)
    conn:mutate("client_hello", function(m) m.cipher_suites = { 0x0A0A, 0xFAFA } end)
  end,
  expect = expect.alert("handshake_failure"),
}
