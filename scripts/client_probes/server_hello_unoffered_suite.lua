-- A ServerHello selecting TLS_RSA_WITH_NULL_MD5 (0x0001), which no client
-- here offers.
--
-- RFC 5246 §7.4.1.3: the suite is "selected by the server from the list in
-- ClientHello.cipher_suites"; no alert is named. Accepted: illegal_parameter
-- (§7.2.2 "a field ... out of range or inconsistent with other fields":
-- OpenSSL, Go, tlshs) and handshake_failure (§7.2.2 "unable to negotiate an
-- acceptable set of security parameters": GnuTLS).
local expect = require "tlshs.expect"
return {
  description = "ServerHello selecting a suite the client did not offer",
  rfc = "RFC 5246 §7.4.1.3, §7.2.2",
  setup = function(conn)
    conn:mutate("server_hello", function(m) m.cipher_suite = 0x0001 end)
  end,
  expect = expect.alert { "illegal_parameter", "handshake_failure" },
}
