-- A certificate from the trusted CA, valid, but for another host name
-- (other.example) than the one the client asked for. Needs --other-cert and
-- --other-key.
--
-- RFC 5246 §7.2.2 names no alert for a name mismatch: bad_certificate (Go,
-- BoringSSL), certificate_unknown ("some other issue ... rendering it
-- unacceptable") and handshake_failure (OpenSSL's mapping of
-- X509_V_ERR_HOSTNAME_MISMATCH) are accepted. Completing is the bug.
local expect = require "tlshs.expect"
return {
  description = "certificate for another host",
  rfc = "RFC 6125 §6, RFC 5246 §7.2.2",
  skip = function(ctx)
    if not (ctx.other_cert and ctx.other_key) then return "no --other-cert/--other-key" end
  end,
  options = function(ctx) return { cert = ctx.other_cert, key = ctx.other_key } end,
  expect = expect.alert { "bad_certificate", "certificate_unknown", "handshake_failure" },
}
