-- On the initial handshake, a renegotiation_info extension that is not empty.
local expect = require "tlshs.expect"
return {
  description = "ServerHello renegotiation_info not empty on the initial handshake",
  rfc = "RFC 5746 §3.4: abort with a fatal handshake_failure alert",
  setup = function(conn)
    conn:mutate("server_hello", function(m)
      local exts = {}
      for _, e in ipairs(m.extensions) do
        if e.name ~= "renegotiation_info" then exts[#exts + 1] = e end
      end
      exts[#exts + 1] = { name = "renegotiation_info", renegotiated_connection = string.rep("\0", 12) }
      m.extensions = exts
    end)
  end,
  expect = expect.alert("handshake_failure"),
}
