-- A ServerHello carrying extension type 0x1234 (unassigned), which no
-- client offers. If the handshake goes through, the probe also waits for
-- the client's reaction to our Finished.
local expect = require "tlshs.expect"
return {
  description = "ServerHello with an extension the client did not offer",
  rfc = "RFC 5246 §7.4.1.4: the client MUST abort with unsupported_extension",
  setup = function(conn)
    conn:mutate("server_hello", function(m)
      table.insert(m.extensions, { type = 0x1234, data = "" })
    end)
  end,
  after = function() return true end,
  expect = expect.alert("unsupported_extension"),
}
