-- Bytes in use in glibc's malloc (spec/support/malloc_in_use.c), built with
-- cc for the running interpreter on first use.  Returns the function, or
-- nil and why (no compiler, no headers, another libc).
--   local in_use = require "spec.support.malloc_in_use"   -- function or false
local helpers = require "spec.helpers"

local function build()
  local inc = jit and "/usr/include/luajit-2.1" or "/usr/include/lua5.4"
  local dir = os.tmpname()
  os.remove(dir)
  local so = dir .. ".so"
  -- (not under the preloaded ASan runtime of `make test-asan`)
  local cmd = string.format("env -u LD_PRELOAD cc -O2 -shared -fPIC -I%s -o %s %s/spec/support/malloc_in_use.c >/dev/null 2>&1",
    inc, so, helpers.root)
  local ok = os.execute(cmd)
  if not (ok == true or ok == 0) then return nil, "cannot build spec/support/malloc_in_use.c: " .. cmd end
  local fn, err = package.loadlib(so, "luaopen_malloc_in_use")
  os.remove(so)   -- the loaded library stays mapped
  if not fn then return nil, err end
  return fn()
end

local fn, why = build()
if not fn then io.stderr:write("[malloc_in_use] ", tostring(why), "\n") end
return fn or false
