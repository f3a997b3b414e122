-- The ClientHello in one-byte records (header included); the rest of the
-- handshake as usual.
local expect = require "tlshs.expect"
return {
  description = "ClientHello fragmented one byte per record",
  rfc = "RFC 5246 §6.2.1: a message may be fragmented across several records",
  setup = function(conn)
    conn:fragment(1)
    conn:insert_after("send_client_hello", "unfragment", function(c) c:fragment(nil); return true end)
  end,
  expect = expect.completes(),
}
