-- A ClientHello with 16 bytes after its extensions, counted in the
-- handshake length.
local expect = require "tlshs.expect"
return {
  description = "ClientHello with trailing bytes after the extensions",
  rfc = "RFC 5246 §7.4.1.2: the data MUST precisely match a format, else decode_error",
  setup = function(conn)
    conn:mutate("client_hello", function(m)
      local core = require "tlshs.core"
      local raw = core.build_handshake(m) .. string.rep("\0", 16)
      local n = #raw - 4
      return raw:sub(1, 1) .. string.char(math.floor(n / 65536), math.floor(n / 256) % 256, n % 256) .. raw:sub(5)
    end)
  end,
  expect = expect.alert("decode_error"),
}
