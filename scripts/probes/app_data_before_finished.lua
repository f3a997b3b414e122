-- An application_data record (in the clear) after ClientKeyExchange, before
-- ChangeCipherSpec and Finished.
local expect = require "tlshs.expect"
return {
  description = "application data before the handshake ends",
  rfc = "RFC 5246 §6 (unexpected record type → unexpected_message), §7.4.9 (no data before Finished)",
  setup = function(conn)
    conn:insert_after("send_client_key_exchange", "early_data", function(c)
      return c:send_record("application_data", "GET / HTTP/1.0\r\n\r\n")
    end)
  end,
  expect = expect.alert("unexpected_message"),
}
