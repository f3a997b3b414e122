-- A record of content type 99 before the ClientHello.
local expect = require "tlshs.expect"
return {
  description = "record of unknown content type 99",
  rfc = "RFC 5246 §6: an unexpected record type MUST get unexpected_message",
  setup = function(conn)
    conn:insert_before("send_client_hello", "odd_record", function(c)
      return c:send_record(99, "hello?", { version = 0x0301 })
    end)
  end,
  expect = expect.alert("unexpected_message"),
}
