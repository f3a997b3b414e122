-- The ClientKeyExchange sent twice.
local expect = require "tlshs.expect"
return {
  description = "ClientKeyExchange sent twice",
  rfc = "RFC 5246 §7.3: handshake messages in the order given; a repeat → unexpected_message",
  setup = function(conn)
    conn:insert_after("send_client_key_exchange", "again", function(c) return c:resend("client_key_exchange") end)
  end,
  expect = expect.alert("unexpected_message"),
}
