-- After the handshake: three empty application_data records, then an HTTP
-- request. The server must take the empty records and answer the request
-- (the probe runner's servers serve a page: openssl -www, gnutls-serv
-- --http, scripts/server.lua --www).
local expect = require "tlshs.expect"
return {
  description = "zero-length application data records",
  rfc = "RFC 5246 §6.2.1: zero-length application data fragments MAY be sent",
  after = function(conn)
    for _ = 1, 3 do
      local ok, err, detail = conn:send_record("application_data", "")
      if not ok then return nil, err, detail end
    end
    return conn:send("GET / HTTP/1.0\r\n\r\n")
  end,
  expect = expect.application_data(),
}
