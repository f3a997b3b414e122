-- tlshs server: accepts connections on --listen and runs the TLS 1.2 server
-- flow on each, many at once (coroutines over cqueues' epoll, tlshs.loop); a
-- failed or hostile connection is logged and never stops the server.
--   lua5.4 scripts/server.lua --listen 127.0.0.1:4433 --cert c.pem --key k.pem --www
-- Exit status: 2 for a usage error (bad option, unreadable file), 1 when the
-- server cannot run (port in use) or --once's handshake failed; each error is
-- one line on stderr.
dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/setup.lua")
local argparse = require "argparse"
local socket = require "socket"
local tlshs = require "tlshs"
local suites = require "tlshs.suites"
local negotiate = require "tlshs.negotiate"
local credentials = require "tlshs.credentials"
local trace = require "tlshs.trace"
local loop_module = require "tlshs.loop"

-- Collect when the heap has grown by 100%, not the default 200%: the keys
-- and bignums of a handshake live in C memory that Lua's collector does not
-- count, so at the default pause a busy server held three times its live
-- set (1,000 handshakes by 200 clients: 140-200 MiB resident, growing;
-- with 100: 68 MiB, flat, no slower).
collectgarbage("setpause", 100)

local parser = argparse("server.lua", "TLS 1.2 server on tlshs.")
parser:option("--listen", "HOST:PORT to listen on."):count(1)
parser:option("--cert", "Certificate chain (PEM), leaf first."):count(1)
parser:option("--key", "Private key (PEM)."):count(1)
parser:option("--cipher", "Allow this cipher suite, IANA or OpenSSL name (repeatable; order = preference)."):count("*")
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
parser:option("--max-connections", "Refuse (accept and close) connections beyond this many open at once " ..
  "(default: what the descriptor limit allows).")
parser:flag("--trace", "Print each handshake as a ladder diagram on stderr, each line prefixed with [#connection].")

local function fail(status, fmt, ...)
  io.stderr:write("server.lua: ", string.format(fmt, ...), "\n")
  os.exit(status)
end
local function usage(fmt, ...) fail(2, fmt .. " (see --help)", ...) end

-- Everything runs in main(): an error that escapes is one line, exit 1.
local function main()
  local parsed, args = parser:pparse()
  if not parsed then usage("%s", args) end

  local host, port = args.listen:match("^%[?(.-)%]?:(%d+)$")
  if not host then usage("--listen wants HOST:PORT, got %q", args.listen) end
  local timeout = tonumber(args.timeout)
  if not timeout or timeout <= 0 then usage("--timeout wants a positive number of seconds, got %q", args.timeout) end

  local ciphers = {}
  for i, c in ipairs(args.cipher) do
    -- OpenSSL's names too (suites.by_openssl_name: ECDHE-RSA-AES128-GCM-SHA256, AES128-SHA, ...)
    ciphers[i] = suites.by_name[c] and c or (suites.by_openssl_name[c] and suites.by_openssl_name[c].name)
    if not ciphers[i] then
      usage("--cipher %s: not a cipher suite tlshs runs; IANA names (or OpenSSL's) such as " ..
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (ECDHE-RSA-AES128-GCM-SHA256)", c)
    end
  end
  local groups_ok, group_err = pcall(negotiate.ids, "groups", args.group)
  if not groups_ok then usage("--group: %s", tostring(group_err):gsub("^.-tlshs: ", "")) end

  -- Every file is read before listening: a typo fails now, not per client.
  for _, f in ipairs { { "--cert", args.cert }, { "--key", args.key }, { "--cafile", args.cafile } } do
    if f[2] then
      local h, err = io.open(f[2], "rb")
      if not h then usage("%s: %s", f[1], err) end
      h:close()
    end
  end
  if args.cafile then
    local anchors, err = credentials.anchors(args.cafile)
    if not anchors or #anchors == 0 then
      usage("--cafile: %s", (tostring(err or "no certificate in " .. args.cafile):gsub("^cafile: ", "")))
    end
  end

  local options = {
    cert = args.cert, key = args.key,
    ciphers = #ciphers > 0 and ciphers or nil,
    groups = #args.group > 0 and args.group or nil,
    alpn = #args.alpn > 0 and args.alpn or nil,
    verify_client = args.require_cert and "require" or (args.request_cert and "request") or nil,
    cafile = args.cafile,
    keylog = args.keylog,
  }
  local shared, err = tlshs.server.shared(options)
  if not shared then -- credentials.load names "cert", "key" or "cert/key"
    usage("%s", (tostring(err):gsub("^cert/key:", "--cert and --key:"):gsub("^(%a+):", "--%1:")))
  end
  options.shared = shared

  -- As many descriptors as the process may have; the cap keeps a few for the
  -- listener, the key log and the C library.
  local fd_limit = loop_module.raise_fd_limit()
  local max_connections = tonumber(args.max_connections)
  if args.max_connections and (not max_connections or max_connections < 1) then
    usage("--max-connections wants a positive number, got %q", args.max_connections)
  end
  max_connections = max_connections or math.max(1, (fd_limit or 1024) - 32)

  local listener, lerr = socket.bind(host, tonumber(port), 1024) -- backlog: bursts of connects
  if not listener then fail(1, "cannot listen on %s:%s: %s", host, port, tostring(lerr)) end
  local loop = loop_module.new()
  local exit_status = nil
  local open_connections, next_id = 0, 0

  -- Reads the request head (up to an empty line; bare LFs do too) and
  -- answers it with one page, in one record. A peer that closes (or sends
  -- close_notify, or stalls) before its request is complete gets no page:
  -- answering anyway sent a page nobody asked for, an ApplicationData
  -- record where the peer expected close_notify.
  local function www_page(conn)
    repeat
      local line = conn:receive("*l")
      if not line then return end
    until line == ""
    local body = "<html><body><pre>\ntlshs server\nProtocol: " .. conn.version ..
      "\nCipher: " .. conn.cipher_suite .. "\nResumed: " .. tostring(conn.resumed or false) ..
      "\n</pre></body></html>\n"
    conn:send("HTTP/1.0 200 ok\r\nContent-Type: text/html\r\n\r\n" .. body)
  end

  local function serve(sock, id)
    local ip, pport = sock:getpeername()
    local peer = "connection " .. id .. " from " .. tostring(ip) .. ":" .. tostring(pport)
    local opts = {}
    for k, v in pairs(options) do opts[k] = v end
    if args.trace then opts.trace = trace.writer(true, id) end
    local conn = tlshs.server.wrap(loop:wrap(sock, timeout), opts)
    local ok, herr, detail = conn:handshake()
    if not ok then
      io.stderr:write(peer, ": handshake failed: ", tostring(herr), ": ", tostring(detail), "\n")
      conn:close()
      return false
    end
    io.stderr:write(peer, ": ", conn.version, " ", conn.cipher_suite,
      " sni=", conn.servername or "-", " alpn=", conn.alpn or "-",
      conn.resumed and " (resumed)" or "", conn.peer_certificates and " client-cert" or "", "\n")
    if args.www then
      www_page(conn)
    else
      while true do
        local data, rerr = conn:receive_any()
        if not data then
          if rerr ~= "closed" then io.stderr:write(peer, ": ", tostring(rerr), "\n") end
          break
        end
        if args.echo then conn:send(data) else io.stdout:write(data); io.stdout:flush() end
      end
    end
    conn:close()
    return true
  end

  -- One connection's coroutine: whatever happens, its descriptor is closed
  -- and the count goes down.
  local function serve_counted(sock, id)
    local ok, result = pcall(serve, sock, id)
    open_connections = open_connections - 1
    loop_module.close(sock)
    if not ok then io.stderr:write("connection ", id, ": ", tostring(result), "\n") end
    return ok and result
  end

  -- Refusals and accept failures come in bursts: one line when a burst
  -- starts, one when it ends.
  local refused, accept_failures = 0, 0
  loop:spawn(function()
    while true do
      local sock, aerr = loop:accept(listener)
      if not sock then
        -- e.g. "too many open files": wait for connections to end
        if accept_failures == 0 then io.stderr:write("accept failed: ", tostring(aerr), "; retrying\n") end
        accept_failures = accept_failures + 1
        loop:sleep(0.05)
      elseif open_connections >= max_connections then
        if refused == 0 then
          io.stderr:write("refusing connections: ", open_connections, " open (--max-connections ",
            max_connections, ")\n")
        end
        refused = refused + 1
        sock:setoption("linger", { on = true, timeout = 0 })
        sock:close()
      else
        if refused > 0 or accept_failures > 0 then
          io.stderr:write("accepting again (", refused, " refused, ", accept_failures, " accept failures)\n")
          refused, accept_failures = 0, 0
        end
        next_id = next_id + 1
        open_connections = open_connections + 1
        local id = "#" .. next_id
        if args.once then
          exit_status = serve_counted(sock, id) and 0 or 1
          os.exit(exit_status)
        end
        loop:spawn(serve_counted, sock, id)
      end
    end
  end)
  io.stderr:write("listening on ", host, ":", port, "\n")
  loop:run()
  return exit_status or 0
end

local ok, status = xpcall(main, function(e) return tostring(e) end)
if not ok then fail(1, "internal error: %s", status) end
os.exit(status)
