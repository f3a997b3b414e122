-- The server's Finished with a wrong verify_data, correctly encrypted.
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "server Finished with a wrong verify_data",
  rfc = "RFC 5246 §7.4.9 (MUST verify), §7.2.2 decrypt_error",
  setup = function(conn)
    conn:mutate("finished", function(m) m.verify_data = probe.flip(m.verify_data, 1) end)
  end,
  -- our flow ends with that Finished: wait for the client's answer
  after = function() return true end,
  expect = expect.alert("decrypt_error"),
}
