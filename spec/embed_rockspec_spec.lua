-- rockspec/tlshs-scm-1.rockspec lists every C source and Lua module by hand:
-- this spec fails when a file of core/src/*.c, lua/*.c or lua/tlshs/*.lua is
-- missing from it, or when it names a file that is gone, and checks that the
-- Makefile's `rock` target (build.type "make") builds what it lists the way
-- `make` does, into a directory of its own. `make test-rockspec` builds and
-- installs it (tests/rockspec/, spec/build_rockspec_spec.lua).
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

local function words(s)
  local t = {}
  for w in s:gmatch("%S+") do t[#t + 1] = w end
  table.sort(t)
  return t
end

local function sh(cmd)
  local p = assert(io.popen("cd '" .. root .. "' && " .. cmd .. " 2>&1"))
  local out = p:read("*a")
  p:close()
  return out
end

describe("rockspec/tlshs-scm-1.rockspec", function()
  local spec = load_rockspec(ROCKSPEC)
  local build = spec.build

  it("is format 3.0, MIT, built by the Makefile's rock and rock-install targets, with a busted test section", function()
    assert.equal("3.0", spec.rockspec_format)
    assert.equal("tlshs", spec.package)
    assert.equal("MIT", spec.description.license)
    assert.equal("make", build.type)
    assert.equal("rock", build.build_target)
    assert.equal("rock-install", build.install_target)
    assert.equal("$(LUA)", build.build_variables.ROCK_LUA)
    assert.equal("$(LUA)", build.install_variables.ROCK_LUA)
    assert.equal("$(LUA_INCDIR)", build.build_variables.LUA_INCDIR)
    for _, v in ipairs { "LIBDIR", "LUADIR", "BINDIR" } do
      assert.equal("$(" .. v .. ")", build.install_variables[v])
    end
    assert.equal("busted", spec.test.type)
  end)

  it("lists every C source of core/src and lua/ in ROCK_SOURCES, and nothing else", function()
    local listed = words(build.build_variables.ROCK_SOURCES)
    local on_disk = list("core/src/*.c lua/*.c")
    assert.is_true(#on_disk > 10)
    assert.equal("", missing(on_disk, set(listed)), "C sources missing from the rockspec")
    assert.equal("", missing(listed, set(on_disk)), "rockspec sources that do not exist")
  end)

  it("builds tlshs.core as `make` does (GMP_DESC, the core's include dirs, the three libraries), in build/luarocks-<interpreter>", function()
    for _, dep in ipairs { "TOMCRYPT", "SODIUM", "GMP" } do
      assert.is_table(spec.external_dependencies[dep], dep)
      assert.is_string(spec.external_dependencies[dep].library, dep)
    end
    -- What `luarocks make` would run, not run (-n -B: every command, nothing built).
    local v = build.build_variables
    local out = sh("make -n -B rock ROCK_LUA=/usr/bin/luajit LUA_INCDIR=/usr/include/luajit-2.1 CFLAGS='-O2 -fPIC' "
      .. "EXTRA_INCDIRS='-I/usr/include' EXTRA_LIBDIRS='-L/usr/lib' ROCK_SOURCES='" .. v.ROCK_SOURCES .. "'")
    local n = 0
    for line in out:gmatch("[^\n]+") do
      if line:find(" -c ", 1, true) then
        n = n + 1
        for _, flag in ipairs { "-DGMP_DESC", "-Icore/include", "-Icore/src", "-fPIC" } do
          assert.truthy(line:find(flag, 1, true), flag .. " missing: " .. line)
        end
        assert.truthy(line:find(" -o build/luarocks%-luajit/[%w_/]+%.o "), line)
      end
    end
    assert.equal(#words(v.ROCK_SOURCES), n)
    assert.truthy(out:find("-o build/luarocks-luajit/tlshs/core.so", 1, true), out)
    for _, lib in ipairs { "-ltomcrypt", "-lgmp", "-lsodium" } do
      assert.truthy(out:find(lib, 1, true), lib)
    end
  end)

  it("installs every file of lua/tlshs/ as its module", function()
    local modules = build.install.lua
    local on_disk = list("lua/tlshs/*.lua")
    local listed = {}
    for name, file in pairs(modules) do
      listed[file] = true
      local expected = name == "tlshs" and "lua/tlshs/init.lua"
        or "lua/" .. name:gsub("%.", "/") .. ".lua"
      assert.equal(expected, file, "module " .. name)
    end
    assert.equal("", missing(on_disk, listed), "Lua modules missing from the rockspec")
    assert.equal("", missing((function()
      local l = {}
      for f in pairs(listed) do l[#l + 1] = f end
      table.sort(l)
      return l
    end)(), set(on_disk)), "rockspec modules that do not exist")
  end)

  it("passes `luarocks lint`", function()
    local out = sh("luarocks lint rockspec/tlshs-scm-1.rockspec; echo rc=$?")
    assert.truthy(out:find("rc=0", 1, true), out)
  end)
end)
