-- tlshs: a scriptable TLS handshake engine.
-- The C primitives live in tlshs.core; this module re-exports them and adds
-- the Lua layers (transcript, flows, transports) on first use.
local core = require "tlshs.core"

local tlshs = {}
for name, value in pairs(core) do
  tlshs[name] = value
end

tlshs._VERSION = "tlshs scm"

-- Lua layers are loaded lazily: tlshs.client, tlshs.server, ...
local lazy = { client = true, server = true, transcript = true, transport = true, flow = true,
               suites = true, spec = true }
setmetatable(tlshs, {
  __index = function(t, key)
    if lazy[key] then
      local mod = require("tlshs." .. key)
      rawset(t, key, mod)
      return mod
    end
  end,
})

return tlshs
