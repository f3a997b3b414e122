-- RSA key exchange: the PKCS#1 padding has no zero byte before the
-- premaster. Same reasoning as rsa_premaster_bad_padding.
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "RSA premaster padding without the zero separator",
  rfc = "RFC 5246 §7.4.7.1",
  options = { ciphers = probe.suites { kx = "rsa", cipher = "aes_128_gcm" } },
  setup = function(conn)
    conn:mutate("client_key_exchange", function(m, c)
      m.encrypted_pre_master_secret = probe.rsa_encrypt_block(c.server_key, "\3\3" .. require("tlshs.core").random(46), { no_separator = true })
    end)
  end,
  expect = expect.alert("bad_record_mac"),
}
