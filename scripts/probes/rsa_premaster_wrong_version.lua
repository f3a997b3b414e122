-- RSA key exchange: a well padded premaster whose first two bytes are 0x0301
-- instead of the ClientHello version 0x0303 (Klima-Pokorny-Rosa). RFC 5246
-- §7.4.7.1: treated like any bad premaster, so bad_record_mac on our Finished.
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "RSA premaster with the wrong client_version",
  rfc = "RFC 5246 §7.4.7.1",
  options = { ciphers = probe.suites { kx = "rsa", cipher = "aes_128_gcm" } },
  setup = function(conn)
    conn:mutate("client_key_exchange", function(m, c)
      m.encrypted_pre_master_secret = c.server_key:rsa_encrypt("\3\1" .. require("tlshs.core").random(46))
    end)
  end,
  expect = expect.alert("bad_record_mac"),
}
