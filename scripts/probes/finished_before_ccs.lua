-- Finished sent before ChangeCipherSpec (so in the clear), then the
-- ChangeCipherSpec: messages in another order.
local expect = require "tlshs.expect"
return {
  description = "Finished before ChangeCipherSpec",
  rfc = "RFC 5246 §7.4.9: a Finished not preceded by ChangeCipherSpec is a fatal error (unexpected_message)",
  setup = function(conn)
    conn:move_after("send_change_cipher_spec", "send_finished")
  end,
  expect = expect.alert("unexpected_message"),
}
