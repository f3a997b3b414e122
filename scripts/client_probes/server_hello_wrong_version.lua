-- A ServerHello that selects TLS 1.1 (0x0302) from a client that offered
-- TLS 1.2 only (the probe runner's clients are started with TLS 1.2 only).
local expect = require "tlshs.expect"
return {
  description = "ServerHello with version TLS 1.1",
  rfc = "RFC 5246 Appendix E.1: a version the client does not support → protocol_version",
  setup = function(conn)
    conn:mutate("server_hello", function(m) m.version = 0x0302 end)
  end,
  expect = expect.alert("protocol_version"),
}
