-- A ClientHello that ends in the middle of its cipher_suites vector; the
-- handshake header's length matches what is sent, so the server has the
-- whole (short) message and cannot wait for more.
local expect = require "tlshs.expect"
return {
  description = "ClientHello truncated inside cipher_suites",
  rfc = "RFC 5246 §7.4.1.2 / §7.2.2: a message that does not match its format → decode_error",
  setup = function(conn)
    conn:mutate_bytes("client_hello", function(raw)
      -- version(2) random(32) session_id(1+0) cipher_suites length(2) + 3 bytes
      local body = raw:sub(5, 4 + 2 + 32 + 1 + 2 + 3)
      return "\1\0\0" .. string.char(#body) .. body
    end)
  end,
  expect = expect.alert("decode_error"),
}
