-- Makes a script find tlshs relative to itself: lua/ for the Lua modules and
-- the built C module (lua/tlshs/core.so for Lua 5.4,
-- build/luajit/tlshs/core.so for LuaJIT). Scripts start with
--   dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/setup.lua")
local dir = (arg and arg[0] and arg[0]:match("^(.*)/[^/]*$")) or "."
local root = dir .. "/.."
package.path = root .. "/lua/?.lua;" .. root .. "/lua/?/init.lua;" .. root .. "/scripts/?.lua;" .. package.path
if jit then
  package.cpath = root .. "/build/luajit/?.so;" .. package.cpath
else
  package.cpath = root .. "/lua/?.so;" .. package.cpath
end
return root
