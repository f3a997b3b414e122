-- Our first encrypted record (Finished), AES-CBC MAC-then-encrypt, with a
-- corrupted mac.
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "bad mac in the first encrypted record (CBC, MAC-then-encrypt)",
  rfc = "RFC 5246 §6.2.3.2, §7.2.2: bad_record_mac for a bad MAC and a bad padding alike",
  options = { ciphers = probe.suites { kx = "ecdhe", auth = "rsa", cipher = "aes_128_cbc", mac = "sha256" }, etm = false },
  setup = function(conn)
    conn:wrap("send_finished", function(c, original)
      c:corrupt_next_record { corrupt_mac = true }
      return original(c)
    end)
  end,
  expect = expect.alert("bad_record_mac"),
}
