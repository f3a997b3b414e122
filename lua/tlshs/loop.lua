-- A small coroutine scheduler over LuaSocket's select, so one process can
-- serve many connections at once: each connection runs in a coroutine whose
-- transport yields where a blocking socket would wait. A peer that stalls
-- longer than its timeout gets nil, "timeout" from receive.
--
--   local loop = require("tlshs.loop").new()
--   loop:spawn(function() ... loop:wrap(sock, 10):receive(5) ... end)
--   loop:run()
local socket = require "socket"

local Loop = {}
Loop.__index = Loop

local loop = {}

function loop.new()
  return setmetatable({ threads = {}, count = 0 }, Loop)
end

---------------------------------------------------------------------------
-- A transport on a non-blocking socket
---------------------------------------------------------------------------

local Conn = {}
Conn.__index = Conn

-- timeout: seconds a single receive/send may wait (nil: forever).
function Loop:wrap(sock, timeout)
  sock:settimeout(0)
  return setmetatable({ sock = sock, timeout = timeout, buffer = "" }, Conn)
end

local function wait(self, mode)
  local deadline = self.timeout and (socket.gettime() + self.timeout) or nil
  return coroutine.yield(mode, self.sock, deadline)
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
      if #self.buffer < n and wait(self, "read") == "timeout" then
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
      if i < #data and wait(self, "write") == "timeout" then return nil, "timeout" end
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
  sock:shutdown("send")
  local deadline = socket.gettime() + LINGER_SECONDS
  local drained = 0
  while drained < LINGER_BYTES and socket.gettime() < deadline do
    local data, err, partial = sock:receive(4096)
    drained = drained + #(data or partial or "")
    if not data then
      if err ~= "timeout" then break end
      if coroutine.yield("read", sock, deadline) == "timeout" then break end
    end
  end
  return sock:close()
end

function Conn:settimeout(t)
  self.timeout = t
end

-- Accepts the next connection without blocking the other coroutines.
function Loop:accept(server_sock)
  server_sock:settimeout(0)
  while true do
    local client, err = server_sock:accept()
    if client then return client end
    if err ~= "timeout" then return nil, err end
    coroutine.yield("read", server_sock, nil)
  end
end

---------------------------------------------------------------------------
-- Scheduling
---------------------------------------------------------------------------

function Loop:spawn(fn, ...)
  local args, nargs = { ... }, select("#", ...)
  local unpack_args = unpack or table.unpack
  local co = coroutine.create(function() return fn(unpack_args(args, 1, nargs)) end)
  self.threads[co] = { ready = true }
  self.count = self.count + 1
end

local function step(self, co, value)
  local ok, mode, sock, deadline = coroutine.resume(co, value)
  if not ok then
    io.stderr:write("tlshs.loop: a connection raised: ", tostring(mode), "\n")
  end
  if coroutine.status(co) == "dead" then
    self.threads[co] = nil
    self.count = self.count - 1
  else
    self.threads[co] = { mode = mode, sock = sock, deadline = deadline }
  end
end

-- Resumes every thread that is ready or whose deadline passed.
local function resume_due(self)
  local now, due = socket.gettime(), {}
  for co, t in pairs(self.threads) do
    if t.ready then
      due[#due + 1] = { co, "ready" }
    elseif t.deadline and t.deadline <= now then
      due[#due + 1] = { co, "timeout" }
    end
  end
  for _, d in ipairs(due) do step(self, d[1], d[2]) end
end

-- Runs until every coroutine has finished (a server's accept loop never does).
function Loop:run()
  while self.count > 0 do
    resume_due(self)
    local readers, writers, by_sock = {}, {}, {}
    local now, timeout = socket.gettime(), 1
    for co, t in pairs(self.threads) do
      if t.ready then
        timeout = 0
      elseif t.sock then
        local list = t.mode == "write" and writers or readers
        if not by_sock[t.sock] then
          list[#list + 1] = t.sock
          by_sock[t.sock] = {}
        end
        table.insert(by_sock[t.sock], co)
        if t.deadline and t.deadline - now < timeout then timeout = math.max(0, t.deadline - now) end
      end
    end
    if #readers + #writers > 0 then
      local r, w = socket.select(readers, writers, timeout)
      for _, set in ipairs({ r or {}, w or {} }) do
        for _, sock in ipairs(set) do
          for _, co in ipairs(by_sock[sock] or {}) do
            if self.threads[co] then self.threads[co].ready = true end
          end
        end
      end
    end
  end
end

return loop
