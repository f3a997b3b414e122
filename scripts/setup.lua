-- Makes a script find tlshs relative to itself, from any working directory
-- and with no environment variable: lua/ for the Lua modules, and the C
-- module that `make` built for the interpreter running the script
-- (build/lua5.4/tlshs/core.so for Lua 5.4, `make luajit`'s
-- build/luajit/tlshs/core.so for LuaJIT; each build has its own directory).
-- What the default paths hold (an installed rock, LuaSocket) comes after.
-- Scripts start with
--   dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/setup.lua")
-- and a script of your own, anywhere, with
--   dofile("/path/to/tlshs/scripts/setup.lua")
-- Either gets the repository root back (as the path to this file was given).
local source = debug.getinfo(1, "S").source
local dir = source:match("^@(.*)/[^/]*$") or "."
local root = dir .. "/.."
local build = jit and "luajit" or ("lua" .. _VERSION:match("%d+%.%d+"))
package.path = root .. "/lua/?.lua;" .. root .. "/lua/?/init.lua;" .. root .. "/scripts/?.lua;" .. package.path
package.cpath = root .. "/build/" .. build .. "/?.so;" .. package.cpath

-- Not built yet, and not installed either: say what to run, not a search list.
local searchpath = package.searchpath
if searchpath and not searchpath("tlshs.core", package.cpath) then
  io.stderr:write(string.format("%s: the tlshs C module for %s is not built: run `make%s` in %s\n",
    arg and arg[0] or "tlshs", jit and jit.version or _VERSION, jit and " luajit" or "", root))
  os.exit(2)
end
return root
