-- An ECDHE ServerKeyExchange whose signature has one bit flipped.
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "ServerKeyExchange with a bad signature",
  rfc = "RFC 5246 §7.4.3, §7.2.2: a signature that does not verify → decrypt_error",
  options = { ciphers = probe.suites { kx = "ecdhe", auth = "rsa" } },
  setup = function(conn)
    conn:mutate("server_key_exchange", function(m) m.signature = probe.flip(m.signature, 20) end)
  end,
  expect = expect.alert("decrypt_error"),
}
