-- Real TLS peers for specs, started on 127.0.0.1 on a free port and always
-- stopped: openssl s_server / s_client, gnutls-serv / gnutls-cli, our own
-- scripts/server.lua, curl, Python's ssl.
--   local peer = peers.start{"openssl", "s_server", ...}   -- "{port}" is replaced
--   ... peer.port ...; peers.stop(peer)
local socket = require "socket"

local peers = {}

local function shell_quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

function peers.free_port()
  local s = assert(socket.bind("127.0.0.1", 0))
  local _, port = s:getsockname()
  s:close()
  return tonumber(port)
end

-- Waits until something accepts TCP connections on the port.
function peers.wait_port(port, seconds)
  local deadline = socket.gettime() + (seconds or 10)
  while socket.gettime() < deadline do
    local c = socket.connect("127.0.0.1", port)
    if c then c:close(); return true end
    socket.sleep(0.05)
  end
  return false
end

-- Under `make test-asan` the sanitizer runtime is preloaded into the
-- interpreter; other programs (openssl, curl, ...) must not inherit it.
local function unpreload(argv)
  if os.getenv("LD_PRELOAD") and not tostring(argv[1]):match("^lua") then return "env -u LD_PRELOAD " end
  return ""
end

-- argv: list of words; "{port}" in any word is replaced by a free port.
-- opts.stdin: a file to read from (default /dev/null);
-- opts.no_wait: do not wait for the port.
function peers.start(argv, opts)
  opts = opts or {}
  local port = opts.port or peers.free_port()
  local words = {}
  for i, w in ipairs(argv) do words[i] = shell_quote(tostring(w):gsub("{port}", tostring(port))) end
  local log = os.tmpname()
  local pidfile = os.tmpname()
  local stdin = "< " .. shell_quote(opts.stdin or "/dev/null")
  local cmd = string.format("bash -c %s", shell_quote(string.format("exec %s%s %s > %s 2>&1 & echo $! > %s",
    unpreload(argv), table.concat(words, " "), stdin, log, pidfile)))
  os.execute(cmd)
  local f = io.open(pidfile)
  local pid = f and f:read("*n")
  if f then f:close() end
  os.remove(pidfile)
  local peer = { port = port, pid = pid, log = log, argv = argv }
  if not opts.no_wait and not peers.wait_port(port, opts.wait or 10) then
    peers.stop(peer)
    error("peer did not start: " .. table.concat(argv, " ") .. "\n" .. peers.output(peer))
  end
  return peer
end

function peers.output(peer)
  local f = io.open(peer.log)
  if not f then return "" end
  local s = f:read("*a")
  f:close()
  return s
end

function peers.stop(peer)
  if peer and peer.pid then
    os.execute("kill " .. peer.pid .. " 2>/dev/null; sleep 0.05; kill -9 " .. peer.pid .. " 2>/dev/null")
    peer.pid = nil
  end
end

-- Runs a command to completion with a time limit; returns exit code, output.
function peers.run(argv, opts)
  opts = opts or {}
  local words = {}
  for i, w in ipairs(argv) do words[i] = shell_quote(w) end
  local input = opts.input and string.format("printf %%s %s | ", shell_quote(opts.input)) or ""
  local cmd = string.format("%s%stimeout %d %s 2>&1; echo \"exit:$?\"", input, unpreload(argv), opts.timeout or 20,
    table.concat(words, " "))
  local p = io.popen("bash -c " .. shell_quote(cmd))
  local out = p:read("*a")
  p:close()
  local code = tonumber(out:match("exit:(%d+)%s*$"))
  return code, out:gsub("exit:%d+%s*$", "")
end

-- A LuaSocket connection wrapped as a transport, with a timeout.
function peers.connect(port, timeout)
  local tlshs = require "tlshs"
  local sock = assert(socket.connect("127.0.0.1", port))
  sock:settimeout(timeout or 10)
  return tlshs.transport.socket(sock), sock
end

-- OpenSSL's own names of the suites it knows: {IANA name = OpenSSL name},
-- from `openssl ciphers -stdname` (the peer's word, not our derivation).
local openssl_names
function peers.openssl_names()
  if not openssl_names then
    openssl_names = {}
    local p = assert(io.popen("openssl ciphers -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' 2>/dev/null"))
    for line in p:lines() do
      local iana, ossl = line:match("^(%S+)%s+%-%s+(%S+)")
      if iana then openssl_names[iana] = ossl end
    end
    p:close()
  end
  return openssl_names
end

return peers
