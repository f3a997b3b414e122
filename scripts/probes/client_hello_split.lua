-- The ClientHello over records of 7, 50 and then 16384 bytes: the first
-- record ends inside the random, the second inside the extensions.
local expect = require "tlshs.expect"
return {
  description = "ClientHello split over records of uneven sizes",
  rfc = "RFC 5246 §6.2.1: a message may be fragmented across several records",
  setup = function(conn)
    conn:fragment { 7, 50, 16384 }
    conn:insert_after("send_client_hello", "unfragment", function(c) c:fragment(nil); return true end)
  end,
  expect = expect.completes(),
}
