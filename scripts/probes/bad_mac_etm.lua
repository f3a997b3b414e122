-- Our first encrypted record (Finished), AES-CBC encrypt-then-MAC, with a
-- corrupted MAC. Skipped by the runner when the server does not take EtM.
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
return {
  description = "bad MAC in the first encrypted record (CBC, encrypt-then-MAC)",
  rfc = "RFC 7366 §3: a bad MAC → bad_record_mac",
  options = { ciphers = probe.suites { kx = "ecdhe", auth = "rsa", cipher = "aes_128_cbc", mac = "sha256" }, etm = true },
  setup = function(conn)
    conn:wrap("send_finished", function(c, original)
      if not c.etm then return nil, "internal_error", "the server did not accept encrypt_then_mac" end
      c:corrupt_next_record { corrupt_mac = true }
      return original(c)
    end)
  end,
  expect = expect.alert("bad_record_mac"),
}
