-- The control for the rsa_premaster_* probes: a correctly padded premaster
-- with the right version that is simply not the one our keys come from. Its
-- outcome (bad_record_mac on our Finished record) is what every bad padding
-- must look like (RFC 5246 §7.4.7.1).
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "RSA premaster well formed but not the one used for the keys",
  rfc = "RFC 5246 §7.4.7.1, §7.2.2",
  options = { ciphers = probe.suites { kx = "rsa", cipher = "aes_128_gcm" } },
  setup = function(conn)
    conn:mutate("client_key_exchange", function(m, c)
      m.encrypted_pre_master_secret = c.server_key:rsa_encrypt("\3\3" .. require("tlshs.core").random(46))
    end)
  end,
  expect = expect.alert("bad_record_mac"),
}
