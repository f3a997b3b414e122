-- tlshs server: accepts connections on --listen and runs the TLS 1.2 server
-- flow on each, many at once (coroutines over LuaSocket's select); a failed
-- or hostile connection is logged and never stops the server.
--   lua5.4 scripts/server.lua --listen 127.0.0.1:4433 --cert c.pem --key k.pem --www
dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/setup.lua")
local argparse = require "argparse"
local socket = require "socket"
local tlshs = require "tlshs"
local loop_module = require "tlshs.loop"

local parser = argparse("server.lua", "TLS 1.2 server on tlshs.")
parser:option("--listen", "HOST:PORT to listen on."):count(1)
parser:option("--cert", "Certificate chain (PEM), leaf first."):count(1)
parser:option("--key", "Private key (PEM)."):count(1)
parser:option("--cipher", "Allow this IANA cipher suite (repeatable; order = preference)."):count("*")
parser:option("--group", "Allow this group (repeatable; order = preference)."):count("*")
parser:option("--alpn", "Accept this ALPN protocol (repeatable; order = preference)."):count("*")
parser:mutex(
  parser:flag("--request-cert", "Ask for a client certificate; go on without one."),
  parser:flag("--require-cert", "Refuse a client that sends no certificate.")
)
parser:option("--cafile", "Trust anchors (PEM) for client certificates.")
parser:mutex(
  parser:flag("--www", "Answer each request with a small HTTP/1.0 page naming the suite."),
  parser:flag("--echo", "Echo what the client sends.")
)
parser:flag("--once", "Serve one connection, then exit (status 0 if its handshake succeeded).")
parser:option("--keylog", "Append NSS key log lines to this file.")
parser:option("--timeout", "Drop a peer that stalls this many seconds.", "10")
parser:flag("--trace", "Print each handshake as a ladder diagram on stderr.")
local args = parser:parse()

local host, port = args.listen:match("^%[?(.-)%]?:(%d+)$")
if not host then parser:error("--listen wants HOST:PORT") end

local options = {
  cert = args.cert, key = args.key,
  ciphers = #args.cipher > 0 and args.cipher or nil,
  groups = #args.group > 0 and args.group or nil,
  alpn = #args.alpn > 0 and args.alpn or nil,
  verify_client = args.require_cert and "require" or (args.request_cert and "request") or nil,
  cafile = args.cafile,
  keylog = args.keylog,
  trace = args.trace,
}
local shared, err = tlshs.server.shared(options)
if not shared then
  io.stderr:write("server: ", tostring(err), "\n")
  os.exit(2)
end
options.shared = shared

local listener = assert(socket.bind(host, tonumber(port)))
local loop = loop_module.new()
local timeout = tonumber(args.timeout)
local exit_status = nil

local function www_page(conn)
  -- Read the request head (until an empty line), then answer and close.
  repeat
    local line = conn:receive("*l")
  until not line or line == ""
  local body = "<html><body><pre>\ntlshs server\nProtocol: " .. conn.version ..
    "\nCipher: " .. conn.cipher_suite .. "\nResumed: " .. tostring(conn.resumed or false) ..
    "\n</pre></body></html>\n"
  conn:send("HTTP/1.0 200 ok\r\nContent-Type: text/html\r\n\r\n" .. body)
end

local function serve(sock)
  local ip, port = sock:getpeername()
  local peer = tostring(ip) .. ":" .. tostring(port)
  local conn = tlshs.server.wrap(loop:wrap(sock, timeout), options)
  local ok, herr, detail = conn:handshake()
  if not ok then
    io.stderr:write("connection from ", peer, ": handshake failed: ", tostring(herr), ": ", tostring(detail), "\n")
    sock:close()
    return false
  end
  io.stderr:write("connection from ", peer, ": ", conn.version, " ", conn.cipher_suite,
    conn.resumed and " (resumed)" or "", conn.peer_certificates and " client-cert" or "", "\n")
  if args.www then
    www_page(conn)
  else
    while true do
      local data, rerr = conn:receive_any()
      if not data then
        if rerr ~= "closed" then io.stderr:write("connection from ", peer, ": ", tostring(rerr), "\n") end
        break
      end
      if args.echo then conn:send(data) else io.stdout:write(data); io.stdout:flush() end
    end
  end
  conn:close()
  return true
end

loop:spawn(function()
  while true do
    local sock = loop:accept(listener)
    if sock then
      if args.once then
        exit_status = serve(sock) and 0 or 1
        return
      end
      loop:spawn(serve, sock)
    end
  end
end)
io.stderr:write("listening on ", host, ":", port, "\n")
loop:run()
os.exit(exit_status or 0)
