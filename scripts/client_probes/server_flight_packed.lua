-- ServerHello, Certificate, ServerKeyExchange and ServerHelloDone packed
-- into as few records as they fit.
local expect = require "tlshs.expect"
return {
  description = "server flight packed into one record",
  rfc = "RFC 5246 §6.2.1: several messages may share a record",
  setup = function(conn)
    conn:pack(true)
    conn:insert_after("send_server_hello_done", "unpack", function(c) return c:pack(false) end)
  end,
  expect = expect.completes(),
}
