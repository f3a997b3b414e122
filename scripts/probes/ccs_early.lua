-- ChangeCipherSpec right after ServerHelloDone, before ClientKeyExchange
-- (CVE-2014-0224: OpenSSL once derived keys from an empty master secret).
local expect = require "tlshs.expect"
return {
  description = "ChangeCipherSpec before ClientKeyExchange (CVE-2014-0224)",
  rfc = "RFC 5246 §7.1, §7.3: out of order → unexpected_message",
  setup = function(conn)
    conn:insert_before("send_client_key_exchange", "early_ccs", function(c)
      return c:send_record("change_cipher_spec", "\1")
    end)
  end,
  expect = expect.alert("unexpected_message"),
}
