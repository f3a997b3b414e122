-- compression_methods = {1} (DEFLATE), without null.
--
-- RFC 5246 §7.4.1.2: the list MUST contain null, but no alert is named.
-- Accepted: illegal_parameter (§7.2.2 "a field ... out of range or
-- inconsistent"), decode_error (OpenSSL's choice: "out of the specified
-- range") and handshake_failure (no acceptable compression can be
-- negotiated). Completing the handshake is wrong.
local expect = require "tlshs.expect"
return {
  description = "ClientHello without the null compression method",
  rfc = "RFC 5246 §7.4.1.2",
  setup = function(conn)
    conn:mutate("client_hello", function(m) m.compression_methods = { 1 } end)
  end,
  expect = expect.alert { "illegal_parameter", "decode_error", "handshake_failure" },
}
