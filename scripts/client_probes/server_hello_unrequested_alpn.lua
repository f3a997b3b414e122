-- A ServerHello selecting the ALPN protocol "h2" from a client that sent no
-- ALPN extension (the probe runner's clients do not).
local expect = require "tlshs.expect"
return {
  description = "ServerHello with ALPN the client did not offer",
  rfc = "RFC 5246 §7.4.1.4, RFC 7301 §3.1: unsupported_extension",
  setup = function(conn)
    conn:mutate("server_hello", function(m)
      table.insert(m.extensions, { name = "application_layer_protocol_negotiation", protocol_name_list = { "h2" } })
    end)
  end,
  after = function() return true end,
  expect = expect.alert("unsupported_extension"),
}
