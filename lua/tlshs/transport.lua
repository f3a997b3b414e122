-- Transports: anything with LuaSocket's shape works with the flows —
--   t:send(data)  -> true (or an index) | nil, err
--   t:receive(n)  -> exactly n bytes   | nil, err, partial
--   t:close()
-- This module provides two: an in-memory pair (for specs and benchmarks;
-- both ends run as coroutines under transport.run), and an adapter that
-- gives a blocking LuaSocket tcp object exact-length reads.
local transport = {}

---------------------------------------------------------------------------
-- In-memory pair
---------------------------------------------------------------------------

local Endpoint = {}
Endpoint.__index = Endpoint

-- transport.run watches `moves` to tell a deadlock (every coroutine waiting,
-- nothing sent or closed for a whole round) from progress; then `stalled`
-- makes the waiting receives give up.
local moves, stalled = 0, false

local function new_endpoint()
  return setmetatable({ inbox = {}, inbox_len = 0, closed = false }, Endpoint)
end

-- Both ends of a pair; `a:send(x)` arrives at `b:receive()` and back.
function transport.pair()
  local a, b = new_endpoint(), new_endpoint()
  a.peer, b.peer = b, a
  return a, b
end

function Endpoint:send(data)
  if self.closed then return nil, "closed" end
  if self.peer.closed then return nil, "closed" end
  if #data > 0 then
    local box = self.peer.inbox
    box[#box + 1] = data
    self.peer.inbox_len = self.peer.inbox_len + #data
    moves = moves + 1
  end
  return #data
end

local function take(self, n)
  local box = self.inbox
  local first = box[1]
  if first and #first >= n and n > 0 then -- the usual case: no concatenation
    self.inbox_len = self.inbox_len - n
    if #first == n then
      table.remove(box, 1)
      return first
    end
    box[1] = first:sub(n + 1)
    return first:sub(1, n)
  end
  local buf = table.concat(box)
  self.inbox = { buf:sub(n + 1) }
  self.inbox_len = #buf - n
  if self.inbox_len == 0 then self.inbox = {} end
  return buf:sub(1, n)
end

-- Waits (yields to transport.run) until n bytes are there or the peer closed.
function Endpoint:receive(n)
  n = n or 1
  while self.inbox_len < n do
    if self.closed then return nil, "closed", "" end
    if self.peer.closed then
      return nil, "closed", take(self, self.inbox_len)
    end
    if stalled or not coroutine.isyieldable() then
      return nil, "timeout", ""
    end
    coroutine.yield("wait")
  end
  return take(self, n)
end

-- Bytes waiting to be read (for tests that look at what a flow left unread).
function Endpoint:pending()
  return self.inbox_len
end

function Endpoint:close()
  self.closed = true
  moves = moves + 1
  return 1
end

-- Lua 5.1/LuaJIT have no coroutine.isyieldable: a non-main coroutine can yield.
if not coroutine.isyieldable then
  coroutine.isyieldable = function()
    local co, is_main = coroutine.running()
    return co ~= nil and not is_main
  end
end

local unpack = unpack or table.unpack
local function pack(...) return { n = select("#", ...), ... } end

-- Runs each function in its own coroutine, round robin, until all return.
-- A deadlock makes the waiting receives return nil, "timeout" instead of
-- hanging. Raises the first error a function raised; else returns, per
-- function, the list of what it returned.
function transport.run(...)
  local fns = { ... }
  local cos, results, alive = {}, {}, #fns
  for i, fn in ipairs(fns) do cos[i] = coroutine.create(fn) end
  local last, idle = nil, 0
  stalled = false
  while alive > 0 do
    for i, co in ipairs(cos) do
      if coroutine.status(co) == "suspended" then
        local res = pack(coroutine.resume(co))
        if not res[1] then
          stalled = false
          error(res[2], 0)
        end
        if coroutine.status(co) == "dead" then
          -- what the function returned, nils included (n = how many)
          results[i] = pack(unpack(res, 2, res.n))
          alive = alive - 1
        end
      end
    end
    idle = (moves == last) and idle + 1 or 0
    stalled = idle > 2
    last = moves
  end
  stalled = false
  return results
end

---------------------------------------------------------------------------
-- LuaSocket adapter
---------------------------------------------------------------------------

local Socket = {}
Socket.__index = Socket

-- Wraps a connected LuaSocket tcp object: receive(n) keeps the partial data a
-- timeout returns, send(data) sends all of it.
function transport.socket(sock)
  local ok, has = pcall(function() return sock.send and sock.receive and sock.close end)
  if not ok or not has then
    error("tlshs.transport.socket: wants a connected LuaSocket tcp object (send, receive, close), got " .. type(sock), 2)
  end
  return setmetatable({ sock = sock, partial = "" }, Socket)
end

function Socket:send(data)
  local i = 0
  while i < #data do
    local last, err, partial_last = self.sock:send(data, i + 1)
    if not last then
      if err ~= "timeout" or not partial_last or partial_last <= i then
        return nil, err
      end
      last = partial_last
    end
    i = last
  end
  return #data
end

function Socket:receive(n)
  local want = n - #self.partial
  if want <= 0 then
    local out = self.partial:sub(1, n)
    self.partial = self.partial:sub(n + 1)
    return out
  end
  local data, err, partial = self.sock:receive(want)
  if not data then
    self.partial = self.partial .. (partial or "")
    if err == "closed" then
      local rest = self.partial
      self.partial = ""
      return nil, "closed", rest
    end
    return nil, err, ""
  end
  local out = self.partial .. data
  self.partial = ""
  return out
end

function Socket:settimeout(t)
  return self.sock:settimeout(t)
end

-- Lingering close: closing a socket that still has unread input makes the
-- kernel send a reset, and a reset can destroy our last records (the alert
-- or close_notify) before the peer reads them. So: send FIN, read and drop
-- what the peer still sends for a short while, then close.
local LINGER_SECONDS, LINGER_BYTES = 0.5, 1048576

function Socket:close()
  local sock = self.sock
  if sock.shutdown then
    sock:shutdown("send")
    sock:settimeout(LINGER_SECONDS)
    local drained = 0
    while drained < LINGER_BYTES do
      local data, err, partial = sock:receive(4096)
      drained = drained + #(data or partial or "")
      if not data then break end
    end
  end
  return sock:close()
end

return transport
