-- The ClientHello sent again once the server's first flight is in (in a
-- record of the negotiated version 0x0303, so that the record layer has no
-- reason to object).
local expect = require "tlshs.expect"
return {
  description = "ClientHello sent twice",
  rfc = "RFC 5246 §7.3: a ClientHello while the server waits for the client's flight → unexpected_message",
  setup = function(conn)
    conn:insert_after("receive_server_hello_done", "again", function(c) return c:resend("client_hello") end)
  end,
  expect = expect.alert("unexpected_message"),
}
