-- One handshake between our client and our server over an in-memory pair,
-- then "ping" from the client, "pong" from the server and close_notify.
--   local cli, srv, client_result, server_result = converse(client_opts, server_opts [, setup])
-- client_opts.servername defaults to "localhost"; setup(cli, srv) runs before
-- the handshakes (flow surgery). Results are {ok, err, detail, n = 3}; cli.pong,
-- srv.ping and srv.after (what the server read after the pong) are kept.
local tlshs = require "tlshs"
local transport = require "tlshs.transport"

return function(client_opts, server_opts, setup)
  local a, b = transport.pair()
  client_opts.servername = client_opts.servername or "localhost"
  local cli = tlshs.client.wrap(a, client_opts)
  local srv = tlshs.server.wrap(b, server_opts)
  if setup then setup(cli, srv) end
  local results = transport.run(
    function()
      local ok, err, detail = cli:handshake()
      if ok and not cli.stopped_at then
        cli:send("ping")
        cli.pong = cli:receive(4)
        cli:close()
      end
      return ok, err, detail
    end,
    function()
      local ok, err, detail = srv:handshake()
      if ok and not srv.stopped_at then
        srv.ping = srv:receive(4)
        srv:send("pong")
        srv.after = { srv:receive(1) }
        srv:close()
      end
      return ok, err, detail
    end)
  return cli, srv, results[1], results[2]
end
