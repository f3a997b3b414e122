-- Builds never collide (issue 12 §2) and `make test` runs what it is told
-- (issue 14 §10). Fast checks on the Makefile's own commands (`make -n -B`:
-- every command, nothing run) and on how scripts and tlshs.spec find their
-- module; spec/build_rockspec_spec.lua (make test-rockspec) runs the real
-- `luarocks make` commands in a scratch copy.
local helpers = require "spec.helpers"
local q, sh = helpers.quote, helpers.sh

local root = helpers.root

-- make, without what an outer `make test SPEC=...` passes down to sub-makes.
local CLEAN_MAKE = "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SPEC -u SPEC_ARGS make"

local function make_n(args)
  local out, rc = sh("cd " .. q(root) .. " && " .. CLEAN_MAKE .. " -n -B " .. args)
  assert.equal(0, rc, out)
  return out
end

-- Every file a compile or link command writes (-o FILE).
local function outputs(text)
  local files = {}
  for line in text:gmatch("[^\n]+") do
    -- a compiler command, maybe after an `echo ...;`
    local cmd = line:match("^%s*[%w_-]*cc (.*)$") or line:match("[;&]%s*[%w_-]*cc (.*)$")
      or line:match("^%s*clang (.*)$") or line:match("[;&]%s*clang (.*)$")
    local o = cmd and cmd:match("%-o (%S+)")
    if o then files[#files + 1] = o end
  end
  return files
end

describe("each build writes under a directory of its own", function()
  local builds = {
    { name = "make (Lua 5.4)", args = "all", dir = "build/lua5.4/" },
    { name = "make luajit", args = "luajit", dir = "build/luajit/" },
    { name = "luarocks make, Lua 5.4", args = "rock ROCK_LUA=/usr/bin/lua5.4 LUA_INCDIR=/usr/include/lua5.4",
      dir = "build/luarocks-lua5.4/" },
    { name = "luarocks make, LuaJIT", args = "rock ROCK_LUA=/usr/bin/luajit LUA_INCDIR=/usr/include/luajit-2.1",
      dir = "build/luarocks-luajit/" },
    { name = "ASan", args = "build/asan/tlshs/core.so", dir = "build/asan/" },
    { name = "fuzz", args = "fuzz-build", dir = "build/fuzz/" },
  }
  local seen = {}
  for _, b in ipairs(builds) do
    it(b.name .. ": objects and tlshs/core.so only under " .. b.dir, function()
      local files = outputs(make_n(b.args))
      assert.is_true(#files > 10, b.name .. " writes only " .. #files .. " files")
      for _, f in ipairs(files) do
        assert.equal(b.dir, f:sub(1, #b.dir), b.name .. " writes " .. f)
        assert.is_nil(seen[f], f .. " written by " .. tostring(seen[f]) .. " and by " .. b.name)
        seen[f] = b.name
      end
      if b.name ~= "fuzz" then
        local so = b.dir .. "tlshs/core.so"
        assert.equal(b.name, seen[so], so)
      end
    end)
  end

  it("no top-level tlshs link into lua/ (through it `tlshs/core.so` was lua/tlshs/core.so)", function()
    local out = sh("ls -ld " .. q(root .. "/tlshs"))
    assert.truthy(out:find("No such file", 1, true), out)
  end)
end)

describe("scripts load the module of their own interpreter", function()
  local cases = {
    { lua = "lua5.4", module = "/build/lua5.4/tlshs/core.so" },
    { lua = "luajit", module = "/build/luajit/tlshs/core.so" },
  }
  for _, c in ipairs(cases) do
    it(c.lua .. " from another directory, with no LUA_PATH/LUA_CPATH: " .. c.module, function()
      local out, rc = sh("cd /tmp && env -u LUA_PATH -u LUA_CPATH -u LUA_INIT " .. c.lua .. " -e "
        .. q("dofile(" .. string.format("%q", root .. "/scripts/setup.lua")
          .. ") print(package.searchpath('tlshs.core', package.cpath))"))
      assert.equal(0, rc, out)
      assert.equal(root .. c.module, out:match("^(%S+)"):gsub("/scripts/%.%.", ""))
    end)
  end

  it("a script runs from any directory by its path", function()
    local out, rc = sh("cd /tmp && env -u LUA_PATH -u LUA_CPATH lua5.4 " .. q(root .. "/scripts/client.lua") .. " --help")
    assert.equal(0, rc, out)
    assert.truthy(out:find("--connect", 1, true), out)
    out, rc = sh("cd " .. q(root .. "/scripts") .. " && env -u LUA_PATH -u LUA_CPATH lua5.4 client.lua --help")
    assert.equal(0, rc, out)
  end)
end)

describe("tlshs.spec finds its checkout", function()
  -- Loaded through a relative package.path, as from the repository root.
  for _, path in ipairs { "./lua/?.lua", "lua/?.lua", "scripts/../lua/?.lua" } do
    it("tls.root is the absolute checkout path, never \".\" (package.path " .. path .. ")", function()
      local out, rc = sh("cd " .. q(root) .. " && env -u LUA_PATH -u LUA_INIT LUA_CPATH=" .. q(root .. "/build/lua5.4/?.so;;")
        .. " lua5.4 -e " .. q("package.path = '" .. path .. ";/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua;' .. package.path "
          .. "local tls = require 'tlshs.spec' print(tls.root) print(tls.probe_file('probes', 'finished_wrong'))"))
      assert.equal(0, rc, out)
      local r, file = out:match("^(%S+)\n(%S+)")
      assert.equal(root, r)
      assert.equal(root .. "/scripts/probes/finished_wrong.lua", file)
    end)
  end
end)

describe("make test runs what SPEC / SPEC_ARGS name", function()
  -- The busted command line of a target, from `make -n`.
  local function busted_args(target, args)
    local out = make_n(target .. " " .. args)
    local line = out:match("[^\n]*/busted [^\n]*")
    assert.is_string(line, out)
    return " " .. line:match("/busted (.*)$") .. " "
  end
  for _, target in ipairs { "test", "test-luajit", "test-asan", "test-leaks" } do
    it(target .. ": one file, several files, a pattern, the whole suite", function()
      local a = busted_args(target, "SPEC=spec/module_spec.lua")
      assert.truthy(a:find(" spec/module_spec.lua ", 1, true), a)
      assert.falsy(a:find(" spec ", 1, true), a)
      a = busted_args(target, "SPEC='spec/module_spec.lua spec/names_spec.lua'")
      assert.truthy(a:find(" spec/module_spec.lua spec/names_spec.lua ", 1, true), a)
      assert.falsy(a:find(" spec ", 1, true), a)
      a = busted_args(target, "SPEC_ARGS=spec/module_spec.lua")
      assert.truthy(a:find(" spec/module_spec.lua ", 1, true), a)
      assert.falsy(a:find(" spec ", 1, true), a)
      a = busted_args(target, "SPEC_ARGS=--pattern=names")
      assert.truthy(a:find(" --pattern=names spec ", 1, true), a)
      a = busted_args(target, "")
      assert.truthy(a:find(" spec $"), a)
    end)
  end

  it("really runs only the named file", function()
    local out, rc = sh("cd " .. q(root) .. " && " .. CLEAN_MAKE .. " test SPEC=spec/embed_rockspec_spec.lua")
    assert.equal(0, rc, out)
    local passed = tonumber(out:match("\n(%d+) passed, 0 failed, 0 skipped"))
    assert.is_true(passed and passed >= 3 and passed < 20, out)
  end)
end)
