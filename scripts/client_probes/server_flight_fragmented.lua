-- The server's first flight in records of 3 bytes each (handshake headers
-- split too).
local expect = require "tlshs.expect"
return {
  description = "server flight fragmented into 3-byte records",
  rfc = "RFC 5246 §6.2.1: a message may be fragmented across several records",
  setup = function(conn)
    conn:fragment(3)
    conn:insert_after("send_server_hello_done", "unfragment", function(c) c:fragment(nil); return true end)
  end,
  expect = expect.completes(),
}
