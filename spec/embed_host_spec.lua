-- tlshs inside a long-lived host (docs/embedding.md): a host closes Lua
-- states and opens new ones (nginx on reload) while other code of the
-- process keeps using GMP. tests/host/reopen.py plays that host with the
-- same interpreter library and module as this run (liblua5.4 or LuaJIT).
local helpers = require "spec.helpers"

local MULTIARCH = "/usr/lib/x86_64-linux-gnu"
do
  local p = io.popen("dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null")
  local arch = p and p:read("*l")
  if p then p:close() end
  if arch and arch ~= "" then MULTIARCH = "/usr/lib/" .. arch end
end

local function shell_quote(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

-- The search path that finds the tlshs.core this run uses.
local function module_cpath()
  local module = assert(package.searchpath("tlshs.core", package.cpath))
  if module:sub(1, 1) ~= "/" then module = os.getenv("PWD") .. "/" .. module end
  return (module:gsub("tlshs/core%.so$", "?.so"))
end

describe("tlshs.core in a host that closes and reopens Lua states", function()
  it("stays loaded, so GMP and a second state never call into unmapped code", function()
    local cpath = module_cpath()
    local liblua = jit and (MULTIARCH .. "/libluajit-5.1.so.2") or (MULTIARCH .. "/liblua5.4.so.0")
    local p = io.popen(string.format("python3 %s %s %s 2>&1; echo \"exit:$?\"",
      shell_quote(helpers.root .. "/tests/host/reopen.py"), shell_quote(liblua), shell_quote(cpath)))
    local out = p:read("*a")
    p:close()
    assert.equal("0", out:match("exit:(%d+)%s*$"), out)
    assert.equal(4, select(2, out:gsub("\nok %- ", "\n")) + (out:match("^ok %- ") and 1 or 0), out)
  end)

  it("survives every function and method called with odd arguments (no abort, no crash)", function()
    local interpreter = jit and "luajit" or "lua5.4"
    local p = io.popen(string.format("LUA_CPATH=%s %s %s 2>&1; echo \"exit:$?\"", shell_quote(module_cpath() .. ";;"),
      interpreter, shell_quote(helpers.root .. "/tests/host/odd_arguments.lua")))
    local out = p:read("*a")
    p:close()
    assert.equal("0", out:match("exit:(%d+)%s*$"), out)
    assert.truthy(tonumber(out:match("calls (%d+)")) > 100000, out)
  end)
end)
