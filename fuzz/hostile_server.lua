-- A hostile raw TLS "server" for spec/hostile_spec.lua: on 127.0.0.1:PORT it
-- accepts connections one by one; for connection number i it reads the
-- client's first record (the ClientHello), answers with a mutation of a
-- real server flight (spec/fixtures/captures/*.s2c, handshake part), shuts
-- its sending side and drains until the client closes.  Deterministic:
-- mutation i depends on SEED and i only.
--   lua5.4 fuzz/hostile_server.lua PORT SEED CAPTURE_DIR
local root = (arg[0]:match("^(.*)/fuzz/[^/]*$") or ".")
package.path = root .. "/?.lua;" .. package.path
local socket = require "socket"
local mutate = require "fuzz.mutate"

local port, seed, dir = tonumber(arg[1]), tonumber(arg[2]) or 1, arg[3]
local samples = mutate.samples(dir, "s2c")
local listener = assert(socket.bind("127.0.0.1", port))
io.stderr:write("hostile server on ", port, " with ", #samples, " flights\n")

local i = 0
while true do
  local c = listener:accept()
  if c then
    i = i + 1
    c:settimeout(5)
    local hdr = c:receive(5)
    if hdr and #hdr == 5 then
      c:receive(hdr:byte(4) * 256 + hdr:byte(5))
      local rng = mutate.rng(seed * 100003 + i)
      local s = samples[(i % #samples) + 1]
      c:send(mutate.mutate(s, rng, samples))
      c:shutdown("send")
      repeat local _, err = c:receive(4096) until err
    end
    c:close()
  end
end
