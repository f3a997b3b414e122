-- tlshs client: connects, runs the TLS 1.2 client flow, sends --send DATA,
-- copies what the server sends to stdout until it closes.
--   lua5.4 scripts/client.lua --connect 127.0.0.1:4433 --cafile ca.pem --trace
dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/setup.lua")
local argparse = require "argparse"
local socket = require "socket"
local tlshs = require "tlshs"

local parser = argparse("client.lua", "TLS 1.2 client on tlshs.")
parser:option("--connect", "HOST:PORT to connect to."):count(1)
parser:option("--servername", "Server name for SNI and the certificate check (default: HOST).")
parser:option("--cafile", "Trust anchors (PEM) for the server certificate.")
parser:flag("--insecure", "Skip every certificate check (says so).")
parser:option("--cipher", "Offer this IANA cipher suite (repeatable; default: all)."):count("*")
parser:option("--group", "Offer this group (repeatable)."):count("*")
parser:option("--alpn", "Offer this ALPN protocol (repeatable)."):count("*")
parser:option("--cert", "Client certificate chain (PEM).")
parser:option("--key", "Client private key (PEM).")
parser:option("--send", "Data to send after the handshake (\\r \\n \\t escapes).")
parser:option("--keylog", "Append the NSS key log line to this file.")
parser:option("--timeout", "Seconds to wait for the server.", "10")
parser:flag("--reconnect", "Connect a second time resuming the session; print whether it resumed.")
parser:flag("--trace", "Print the handshake as a ladder diagram on stderr.")
local args = parser:parse()

local host, port = args.connect:match("^%[?(.-)%]?:(%d+)$")
if not host then parser:error("--connect wants HOST:PORT") end
if args.cafile and args.insecure then parser:error("--cafile and --insecure exclude each other") end
if (args.cert == nil) ~= (args.key == nil) then parser:error("--cert and --key go together") end

local function unescape(s)
  return (s:gsub("\\(.)", { r = "\r", n = "\n", t = "\t", ["\\"] = "\\" }))
end

local function connect(session)
  local sock, err = socket.connect(host, tonumber(port))
  if not sock then return nil, "connect: " .. tostring(err) end
  sock:settimeout(tonumber(args.timeout))
  local conn = tlshs.client.wrap(tlshs.transport.socket(sock), {
    servername = args.servername or host,
    cafile = args.cafile,
    insecure = args.insecure,
    ciphers = #args.cipher > 0 and args.cipher or nil,
    groups = #args.group > 0 and args.group or nil,
    alpn = #args.alpn > 0 and args.alpn or nil,
    cert = args.cert, key = args.key,
    keylog = args.keylog,
    trace = args.trace,
    session = session,
  })
  local ok, herr, detail = conn:handshake()
  if not ok then
    local why = tostring(herr) .. (detail and (": " .. tostring(detail)) or "")
    if conn.received_alert then why = why .. " [alert from server]" end
    return nil, "handshake failed: " .. why
  end
  io.stderr:write("negotiated: ", conn.version, " ", conn.cipher_suite,
    conn.alpn and (" alpn=" .. conn.alpn) or "", conn.resumed and " (resumed)" or "", "\n")
  return conn
end

local conn, err = connect(nil)
if not conn then
  io.stderr:write(err, "\n")
  os.exit(1)
end
if args.send then
  local ok, serr = conn:send(unescape(args.send))
  if not ok then io.stderr:write("send failed: ", tostring(serr), "\n"); os.exit(1) end
end
local data, rerr, partial = conn:receive("*a")
io.stdout:write(data or partial or "")
io.stdout:flush()
conn:close()
if not data and rerr ~= "closed" then
  io.stderr:write("receive failed: ", tostring(rerr), "\n")
  os.exit(1)
end
if args.reconnect then
  local again, aerr = connect(conn:session())
  if not again then io.stderr:write(aerr, "\n"); os.exit(1) end
  io.stderr:write("resumed: ", again.resumed and "yes" or "no", "\n")
  if args.send then again:send(unescape(args.send)) end
  local d2, _, p2 = again:receive("*a")
  io.stdout:write(d2 or p2 or "")
  again:close()
end
os.exit(0)
