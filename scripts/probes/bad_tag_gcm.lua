-- Our first encrypted record (Finished), AES-128-GCM, with a flipped tag bit.
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "bad GCM tag in the first encrypted record",
  rfc = "RFC 5246 §6.2.3.3, §7.2.2: authentication failure → bad_record_mac",
  options = { ciphers = probe.suites { kx = "ecdhe", auth = "rsa", cipher = "aes_128_gcm" } },
  setup = function(conn)
    conn:wrap("send_finished", function(c, original)
      c:corrupt_next_record { corrupt_tag = true }
      return original(c)
    end)
  end,
  expect = expect.alert("bad_record_mac"),
}
