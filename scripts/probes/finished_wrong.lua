-- Our Finished carries a wrong verify_data (one bit flipped), correctly
-- encrypted.
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "Finished with a wrong verify_data",
  rfc = "RFC 5246 §7.4.9 (MUST verify), §7.2.2 decrypt_error",
  setup = function(conn)
    conn:mutate("finished", function(m) m.verify_data = probe.flip(m.verify_data, 1) end)
  end,
  expect = expect.alert("decrypt_error"),
}
