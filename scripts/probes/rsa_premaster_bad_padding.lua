-- RSA key exchange: the encrypted premaster has PKCS#1 block type 1, not 2.
-- RFC 5246 §7.4.7.1: the server MUST NOT reveal it (Bleichenbacher); it
-- goes on with a random premaster, so our Finished record fails to decrypt
-- exactly as when the premaster is well padded but wrong
-- (rsa_premaster_mismatch): bad_record_mac.
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "RSA premaster with bad PKCS#1 padding (same alert as a wrong premaster)",
  rfc = "RFC 5246 §7.4.7.1",
  options = { ciphers = probe.suites { kx = "rsa", cipher = "aes_128_gcm" } },
  setup = function(conn)
    conn:mutate("client_key_exchange", function(m, c)
      m.encrypted_pre_master_secret = probe.rsa_encrypt_block(c.server_key, "\3\3" .. require("tlshs.core").random(46), { block_type = 1 })
    end)
  end,
  expect = expect.alert("bad_record_mac"),
}
