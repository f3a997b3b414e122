-- No ClientKeyExchange: ChangeCipherSpec and Finished follow ServerHelloDone.
local expect = require "tlshs.expect"
return {
  description = "ClientKeyExchange missing",
  rfc = "RFC 5246 §7.4.7: always sent; ChangeCipherSpec instead → unexpected_message",
  setup = function(conn) conn:drop("client_key_exchange") end,
  expect = expect.alert("unexpected_message"),
}
