-- An empty compression_methods vector: its syntax is <1..2^8-1>.
local expect = require "tlshs.expect"
return {
  description = "ClientHello with an empty compression_methods list",
  rfc = "RFC 5246 §7.4.1.2 (<1..2^8-1>), §7.2.2 decode_error",
  setup = function(conn)
    conn:mutate("client_hello", function(m) m.compression_methods = {} end)
  end,
  expect = expect.alert("decode_error"),
}
