-- tlshs client: connects, runs the TLS 1.2 client flow, sends --send DATA,
-- copies what the server sends to stdout until it closes.
--   lua5.4 scripts/client.lua --connect 127.0.0.1:4433 --cafile ca.pem --trace
-- Exit status: 0 done, 1 connection or handshake failure, 2 usage error
-- (one line on stderr each, never a traceback; scripts/cli_common.lua).
dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/setup.lua")
local argparse = require "argparse"
local socket = require "socket"
local tlshs = require "tlshs"
local credentials = require "tlshs.credentials"
local cli = require "cli_common"

local parser = argparse("client.lua", "TLS 1.2 client on tlshs.")
  :epilog("After the handshake the client sends --send DATA (if given), then copies what the server " ..
    "sends to stdout until the server closes the connection; without --send it sends nothing and " ..
    "waits for the server all the same, so against a server that keeps the connection open it " ..
    "exits 1 after --timeout seconds. --quit stops right after the handshake (and --send) instead. " ..
    "Exit status: 0 done, 1 connection or handshake failure, 2 usage error.")
parser:option("--connect", "HOST:PORT to connect to."):count(1)
parser:option("--servername", "Server name for SNI and the certificate check (default: HOST).")
parser:option("--cafile", "Trust anchors (PEM) for the server certificate (default: the system's).")
parser:flag("--insecure", "Skip every certificate check (says so).")
parser:option("--cipher", "Offer this cipher suite, IANA or OpenSSL name (repeatable; default: all)."):count("*")
parser:option("--group", "Offer this group (repeatable)."):count("*")
parser:option("--alpn", "Offer this ALPN protocol (repeatable)."):count("*")
parser:option("--cert", "Client certificate chain (PEM).")
parser:option("--key", "Client private key (PEM).")
parser:option("--send", "Data to send after the handshake (\\r \\n \\t escapes).")
parser:flag("--quit", "Close (close_notify) right after the handshake and --send; exit 0.")
parser:option("--keylog", "Append the NSS key log line to this file.")
parser:option("--timeout", "Seconds to wait for the server.", "10")
parser:flag("--reconnect", "Connect a second time resuming the session; print whether it resumed.")
parser:flag("--trace", "Print the handshake as a ladder diagram on stderr.")

local run = cli.new("client.lua", parser)

run:main(function()
  local args = parser:parse()
  local host, port = run:host_port("--connect", args.connect)
  local timeout = run:number("--timeout", args.timeout)
  if args.cafile and args.insecure then run:usage("--cafile and --insecure exclude each other") end
  if (args.cert == nil) ~= (args.key == nil) then run:usage("--cert and --key go together") end

  -- Every name and file is checked before connecting.
  local ciphers = #args.cipher > 0 and run:suites(args.cipher) or nil
  local groups = #args.group > 0 and run:groups(args.group) or nil
  if not args.insecure then
    if args.cafile then run:cafile("--cafile", args.cafile)
    else run:cafile("the system CA file", credentials.SYSTEM_CAFILE) end
  end
  if args.cert then run:credentials("--cert", args.cert, "--key", args.key) end
  if args.keylog then run:writable("--keylog", args.keylog) end
  local options = {
    servername = args.servername or host,
    cafile = args.cafile,
    insecure = args.insecure or nil,
    ciphers = ciphers,
    groups = groups,
    alpn = #args.alpn > 0 and args.alpn or nil,
    cert = args.cert, key = args.key,
    keylog = args.keylog,
    trace = args.trace or nil,
  }
  run:checked("options", tlshs.client.OPTIONS.check, tlshs.client.OPTIONS, options)

  local function unescape(s)
    return (s:gsub("\\(.)", { r = "\r", n = "\n", t = "\t", ["\\"] = "\\" }))
  end

  -- The failure line names the cause and the alert, sent or received.
  local function handshake_failure(conn, err, detail)
    if err == "alert_received" and conn.received_alert then
      return "handshake failed: alert " .. tostring(conn.received_alert.description_name or
        conn.received_alert.description) .. " received from the server"
    end
    local alert = ""
    if tlshs.names.alerts[err] and err ~= "close_notify" then alert = " (alert " .. err .. " sent)" end
    return "handshake failed: " .. tostring(err) .. (detail and (": " .. tostring(detail)) or "") .. alert
  end

  local function connect(session)
    local sock, err = socket.connect(host, port)
    if not sock then return nil, "connect " .. host .. ":" .. port .. ": " .. tostring(err) end
    sock:settimeout(timeout)
    options.session = session
    local conn = tlshs.client.wrap(tlshs.transport.socket(sock), options)
    local ok, herr, detail = conn:handshake()
    if not ok then return nil, handshake_failure(conn, herr, detail) end
    io.stderr:write("negotiated: ", conn.version, " ", conn.cipher_suite,
      conn.alpn and (" alpn=" .. conn.alpn) or "", conn.resumed and " (resumed)" or "", "\n")
    return conn
  end

  -- One connection: handshake, --send, then (unless --quit) what the server sends.
  local function session_run(session)
    local conn, err = connect(session)
    if not conn then run:failure(err) end
    if args.send then
      local ok, serr = conn:send(unescape(args.send))
      if not ok then run:failure("send failed: " .. tostring(serr)) end
    end
    if not args.quit then
      local data, rerr, partial = conn:receive("*a")
      io.stdout:write(data or partial or "")
      io.stdout:flush()
      if not data and rerr ~= "closed" then
        conn:close()
        run:failure("receive failed: " .. tostring(rerr))
      end
    end
    conn:close()
    return conn
  end

  local first = session_run(nil)
  if args.reconnect then
    local again = session_run(first:session())
    io.stderr:write("resumed: ", again.resumed and "yes" or "no", "\n")
  end
end)
os.exit(0)
