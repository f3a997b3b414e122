-- After the handshake (which signalled secure renegotiation), a new
-- ClientHello with neither the renegotiation_info extension nor the SCSV.
--
-- RFC 5746 §3.7: the server MUST abort that handshake (handshake_failure,
-- the alert §3.4-§3.6 use for every such abort). A server may also refuse
-- renegotiation altogether with a warning no_renegotiation (RFC 5246
-- §7.2.2; always a warning). Starting the renegotiation (a ServerHello) is
-- the bug.
local expect = require "tlshs.expect"
return {
  description = "renegotiation ClientHello without renegotiation_info",
  rfc = "RFC 5746 §3.7",
  after = function(conn)
    local hello = conn:build_client_hello()
    local exts = {}
    for _, e in ipairs(hello.extensions) do
      if e.name ~= "renegotiation_info" then exts[#exts + 1] = e end
    end
    hello.extensions = exts
    return conn:send_handshake(hello, { transcript = false })
  end,
  expect = expect.any(expect.alert("handshake_failure"), expect.alert("no_renegotiation", { level = "warning" })),
}
