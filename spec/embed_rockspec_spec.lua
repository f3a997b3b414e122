-- rockspec/tlshs-scm-1.rockspec lists every C source and Lua module by hand
-- (LuaRocks' builtin backend wants it so): this spec fails when a file of
-- core/src/*.c, lua/*.c or lua/tlshs/*.lua is missing from it, or when it
-- names a file that is gone. `make test-rockspec` builds and installs it.
local helpers = require "spec.helpers"

local root = helpers.root
local ROCKSPEC = root .. "/rockspec/tlshs-scm-1.rockspec"

-- The rockspec is Lua assignments: run it in an empty environment.
local function load_rockspec(path)
  local text = helpers.read_file(path)
  local env = {}
  local chunk, err
  if setfenv then
    chunk, err = loadstring(text, "@" .. path)
    if chunk then setfenv(chunk, env) end
  else
    chunk, err = load(text, "@" .. path, "t", env)
  end
  assert(chunk, err)
  chunk()
  return env
end

local function list(pattern)
  local files = {}
  local p = assert(io.popen("cd '" .. root .. "' && ls " .. pattern .. " 2>/dev/null"))
  for line in p:lines() do files[#files + 1] = line end
  p:close()
  table.sort(files)
  return files
end

local function set(t)
  local s = {}
  for _, v in ipairs(t) do s[v] = true end
  return s
end

local function missing(wanted, have)
  local out = {}
  for _, f in ipairs(wanted) do
    if not have[f] then out[#out + 1] = f end
  end
  return table.concat(out, ", ")
end

describe("rockspec/tlshs-scm-1.rockspec", function()
  local spec = load_rockspec(ROCKSPEC)
  local modules = spec.build.modules

  it("is format 3.0, builtin, with a busted test section", function()
    assert.equal("3.0", spec.rockspec_format)
    assert.equal("tlshs", spec.package)
    assert.equal("builtin", spec.build.type)
    assert.equal("busted", spec.test.type)
  end)

  it("lists every C source of core/src and lua/ in tlshs.core, and nothing else", function()
    local c = modules["tlshs.core"]
    local on_disk = list("core/src/*.c lua/*.c")
    assert.is_true(#on_disk > 10)
    local listed = set(c.sources)
    assert.equal("", missing(on_disk, listed), "C sources missing from the rockspec")
    assert.equal("", missing(c.sources, set(on_disk)), "rockspec sources that do not exist")
  end)

  it("builds tlshs.core as the Makefile does (GMP_DESC, the core's include dirs, the three libraries)", function()
    local c = modules["tlshs.core"]
    assert.same({ "GMP_DESC" }, c.defines)
    local inc = set(c.incdirs)
    assert.is_true(inc["core/include"] and inc["core/src"])
    local libs = set(c.libraries)
    assert.is_true(libs.tomcrypt and libs.gmp and libs.sodium)
    for _, dep in ipairs { "TOMCRYPT", "SODIUM", "GMP" } do
      assert.is_table(spec.external_dependencies[dep], dep)
      assert.is_string(spec.external_dependencies[dep].library, dep)
    end
  end)

  it("installs every file of lua/tlshs/ as its module", function()
    local on_disk = list("lua/tlshs/*.lua")
    local listed = {}
    for name, file in pairs(modules) do
      if type(file) == "string" then
        listed[file] = true
        local expected = name == "tlshs" and "lua/tlshs/init.lua"
          or "lua/" .. name:gsub("%.", "/") .. ".lua"
        assert.equal(expected, file, "module " .. name)
      end
    end
    assert.equal("", missing(on_disk, listed), "Lua modules missing from the rockspec")
    assert.equal("", missing((function()
      local l = {}
      for f in pairs(listed) do l[#l + 1] = f end
      table.sort(l)
      return l
    end)(), set(on_disk)), "rockspec modules that do not exist")
  end)
end)
