-- A small coroutine scheduler over cqueues (epoll), so one process can serve
-- many connections at once: each connection runs in a coroutine whose
-- transport yields where a blocking socket would wait. A peer that stalls
-- longer than its timeout gets nil, "timeout" from receive. The sockets stay
-- LuaSocket's (non-blocking); cqueues only waits on their descriptors.
--
--   local loop = require("tlshs.loop").new()
--   loop:spawn(function() ... loop:wrap(sock, 10):receive(5) ... end)
--   loop:run()
--
-- Why cqueues: LuaSocket's select stops at FD_SETSIZE (1024 descriptors:
-- "descriptor too large for set size"), so 1,030 idle peers stopped the
-- server. Of Debian's two replacements, luaposix's poll is O(descriptors)
-- per wake-up and Debian bookworm ships it for Lua 5.1-5.3 only (not 5.4);
-- lua-cqueues (package lua-cqueues) ships 5.1-5.4 and waits with epoll, so
-- the cost of a wake-up does not grow with the idle descriptors. Measured
-- with 4,000 idle TCP descriptors and one ping-pong pair (LuaJIT): poll
-- 6.8-8.6 ms per wake-up, cqueues 0.066 ms (Lua 5.4: 0.060 ms).
-- Not a LuaRocks dependency of the rockspec (the library does not need it,
-- and Debian's package is not a rock): scripts/server.lua needs the Debian
-- packages lua-cqueues and lua-socket (`make deps`). Sockets the loop waited
-- on are closed with loop.close (cqueues forgets the descriptor first).
local socket = require "socket"
local cqueues = require "cqueues"

local Loop = {}
Loop.__index = Loop

local loop = {}

function loop.new()
  return setmetatable({ cq = cqueues.new(), count = 0 }, Loop)
end

-- Raises this process's soft RLIMIT_NOFILE to its hard limit (capped by
-- fs.nr_open) with util-linux's prlimit(1): Lua has no setrlimit, and the
-- limit of the process itself is what counts (/proc/self is this process).
-- Returns the soft limit in force afterwards (nil if unknown).
function loop.raise_fd_limit()
  local function limits()
    local f = io.open("/proc/self/limits")
    if not f then return nil end
    local text = f:read("*a")
    f:close()
    local soft, hard = text:match("Max open files%s+(%S+)%s+(%S+)")
    return tonumber(soft), hard == "unlimited" and math.huge or tonumber(hard)
  end
  local soft, hard = limits()
  if not soft or not hard or soft >= hard then return soft end
  local f = io.open("/proc/sys/fs/nr_open")
  local nr_open = f and tonumber(f:read("*l"))
  if f then f:close() end
  local want = math.min(hard, nr_open or hard)
  f = io.open("/proc/self/stat")
  local pid = f and f:read("*n")
  if f then f:close() end
  if pid and want > soft and want < math.huge then
    os.execute(string.format("prlimit --pid %d --nofile=%d: >/dev/null 2>&1", pid, want))
  end
  return (limits())
end

---------------------------------------------------------------------------
-- A transport on a non-blocking socket
---------------------------------------------------------------------------

local Conn = {}
Conn.__index = Conn

-- What cqueues.poll waits on: a descriptor and "r" or "w".
local function pollable(sock, events)
  local fd = sock:getfd()
  return { pollfd = function() return fd end, events = function() return events end }
end

-- timeout: seconds a single receive/send may wait (nil: forever).
function Loop:wrap(sock, timeout)
  sock:settimeout(0)
  return setmetatable({ sock = sock, timeout = timeout, buffer = "",
    readable = pollable(sock, "r"), writable = pollable(sock, "w") }, Conn)
end

-- Waits until the socket is ready; "timeout" if the deadline came first.
local function wait(p, seconds)
  if seconds and seconds <= 0 then return "timeout" end
  if cqueues.poll(p, seconds) ~= p then return "timeout" end
  return "ready"
end

function Conn:receive(n)
  while #self.buffer < n do
    local data, err, partial = self.sock:receive(n - #self.buffer)
    self.buffer = self.buffer .. (data or partial or "")
    if not data then
      if err ~= "timeout" then
        local rest = self.buffer
        self.buffer = ""
        return nil, err, rest
      end
      if #self.buffer < n and wait(self.readable, self.timeout) == "timeout" then
        return nil, "timeout", ""
      end
    end
  end
  local out = self.buffer:sub(1, n)
  self.buffer = self.buffer:sub(n + 1)
  return out
end

function Conn:send(data)
  local i = 0
  while i < #data do
    local last, err, partial_last = self.sock:send(data, i + 1)
    if last then
      i = last
    elseif err == "timeout" then
      i = partial_last or i
      if i < #data and wait(self.writable, self.timeout) == "timeout" then return nil, "timeout" end
    else
      return nil, err
    end
  end
  return #data
end

-- Lingering close (see transport.lua): FIN, drop what still comes for a
-- short while without blocking the other connections, then close.
local LINGER_SECONDS, LINGER_BYTES = 0.5, 1048576

function Conn:close()
  local sock = self.sock
  if self.closed then return 1 end
  self.closed = true
  sock:shutdown("send")
  local deadline = socket.gettime() + LINGER_SECONDS
  local drained = 0
  while drained < LINGER_BYTES and socket.gettime() < deadline do
    local data, err, partial = sock:receive(4096)
    drained = drained + #(data or partial or "")
    if not data then
      if err ~= "timeout" then break end
      if wait(self.readable, deadline - socket.gettime()) == "timeout" then break end
    end
  end
  return loop.close(sock)
end

function Conn:settimeout(t)
  self.timeout = t
end

-- Closes a socket the loop may have waited on: cqueues forgets the
-- descriptor first, so a new socket that gets its number is watched afresh.
function loop.close(sock)
  local fd = sock:getfd()
  if fd and fd >= 0 then cqueues.cancel(fd) end
  return sock:close()
end

-- Accepts the next connection without blocking the other coroutines:
-- a socket, or nil, err (e.g. "too many open files").
function Loop:accept(server_sock)
  server_sock:settimeout(0)
  local p = self.listening and self.listening[server_sock]
  if not p then
    self.listening = self.listening or {}
    p = pollable(server_sock, "r")
    self.listening[server_sock] = p
  end
  while true do
    local client, err = server_sock:accept()
    if client then return client end
    if err ~= "timeout" then return nil, err end
    wait(p, nil)
  end
end

-- Lets the other coroutines run for this many seconds.
function Loop:sleep(seconds)
  cqueues.sleep(seconds)
end

---------------------------------------------------------------------------
-- Scheduling
---------------------------------------------------------------------------

-- Runs fn(...) in a coroutine of its own; an error is logged, never fatal.
function Loop:spawn(fn, ...)
  local args, nargs = { ... }, select("#", ...)
  local unpack_args = unpack or table.unpack
  self.count = self.count + 1
  self.cq:wrap(function()
    local ok, err = pcall(fn, unpack_args(args, 1, nargs))
    self.count = self.count - 1
    if not ok then io.stderr:write("tlshs.loop: a connection raised: ", tostring(err), "\n") end
  end)
end

-- Runs until every coroutine has finished (a server's accept loop never does).
function Loop:run()
  while not self.cq:empty() do
    local ok, err = self.cq:step()
    if not ok then io.stderr:write("tlshs.loop: ", tostring(err), "\n") end
  end
end

return loop
