-- #rockspec (make test-rockspec; minutes, so not in make test): the
-- `luarocks make` commands docs/embedding.md documents, run as written in a
-- scratch copy of the working copy, in both orders, around `make` and
-- `make demo` (issue 12 §2). Each build must leave the others working and
-- write nothing outside build/: once a LuaJIT rock compiled in place and
-- replaced lua/tlshs/core.so, and `make demo` died with
-- `undefined symbol: lua_tointeger`.
local helpers = require "spec.helpers"
local q, sh = helpers.quote, helpers.sh

local root = helpers.root

-- The shell commands of the first ```sh block of a section of a document,
-- continuation lines joined.
local function doc_commands(file, heading)
  local text = helpers.read_file(root .. "/" .. file)
  local at = assert(text:find(heading, 1, true), heading .. " not in " .. file)
  local block = assert(text:match("```sh\n(.-)```", at), "no ```sh block after " .. heading)
  block = block:gsub("\\\n%s*", "")
  local cmds = {}
  for line in block:gmatch("[^\n]+") do cmds[#cmds + 1] = line end
  return cmds
end

-- A copy of the working copy without build products or git metadata, and a
-- home directory of its own (`--local` installs into $HOME/.luarocks).
local function scratch()
  local dir = os.tmpname()
  os.remove(dir)
  local out, rc = sh("mkdir -p " .. q(dir .. "/src") .. " " .. q(dir .. "/home") .. " && cd " .. q(root)
    .. " && tar --exclude=./build --exclude=./.git --exclude='*.o' --exclude='*.so' -cf - . | tar -xf - -C "
    .. q(dir .. "/src"))
  assert.equal(0, rc, out)
  return dir
end

-- Every file outside build/, so that a build writing elsewhere shows.
local function files_outside_build(src)
  local out = sh("cd " .. q(src) .. " && find . -path ./build -prune -o -type f -print -o -type l -print | sort")
  return out
end

local function env(dir)
  -- Only what a user has: HOME, no LUA_PATH/LUA_CPATH, no outer make's flags.
  return "cd " .. q(dir .. "/src") .. " && env -u LUA_PATH -u LUA_CPATH -u LUA_INIT -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "
    .. "-u SPEC -u SPEC_ARGS HOME=" .. q(dir .. "/home") .. " "
end

local commands = doc_commands("docs/embedding.md", "## Installing with LuaRocks")
local install = {}
for _, c in ipairs(commands) do
  local v = c:match("^luarocks %-%-lua%-version (5%.%d) make ")
  if v then install[v] = c:gsub("%s+#.*$", "") end
end

-- The installed rock of one version, loaded from another directory.
local function check_installed(dir, version)
  local lua = version == "5.4" and "lua5.4" or "luajit"
  local out, rc = sh("cd /tmp && env -u LUA_PATH -u LUA_CPATH HOME=" .. q(dir .. "/home")
    .. " sh -c " .. q("eval \"$(luarocks --lua-version " .. version .. " path)\" && " .. lua .. " -e "
    .. q("local core = require 'tlshs.core'; local tlshs = require 'tlshs'; "
      .. "print(package.searchpath('tlshs.core', package.cpath), #tlshs.random(8), tlshs._VERSION)")))
  assert.equal(0, rc, out)
  assert.truthy(out:find(dir .. "/home/.luarocks/lib/lua/" .. version .. "/tlshs/core.so", 1, true), out)
  assert.truthy(out:find("\t8\ttlshs scm", 1, true), out)
end

local function demo(dir)
  local out, rc = sh(env(dir) .. "make -j2 demo")
  assert.equal(0, rc, out)
  assert.truthy(out:find("negotiated: TLSv1.2 TLS_", 1, true), out)
  assert.truthy(out:find("HTTP/1.0 200", 1, true), out)
  return out
end

describe("the documented luarocks make commands #rockspec", function()
  it("are in docs/embedding.md, one for Lua 5.4 and one for LuaJIT", function()
    assert.is_string(install["5.4"], table.concat(commands, "\n"))
    assert.is_string(install["5.1"], table.concat(commands, "\n"))
    assert.truthy(install["5.1"]:find("LUA=/usr/bin/luajit", 1, true))
  end)

  -- First the reported case (make, then both rocks, then make demo), then the
  -- reverse order with make last.
  for _, case in ipairs { { make_first = true, "5.4", "5.1" }, { make_first = false, "5.1", "5.4" } } do
    local label = (case.make_first and "after `make`, " or "") .. case[1] .. " then " .. case[2]
      .. ", then `make demo`: every build works, nothing is written outside build/"
    it(label, function()
      local dir = scratch()
      finally(function() sh("rm -rf " .. q(dir)) end)
      local src = dir .. "/src"
      local out, rc
      if case.make_first then
        out, rc = sh(env(dir) .. "make -j2 all")
        assert.equal(0, rc, out)
      end
      local before = files_outside_build(src)
      for _, v in ipairs(case) do
        out, rc = sh(env(dir) .. install[v])
        assert.equal(0, rc, install[v] .. "\n" .. out)
        assert.truthy(out:find("tlshs scm-1 is now installed", 1, true), out)
      end
      assert.equal(before, files_outside_build(src))
      -- both installed rocks load, each under its own interpreter
      check_installed(dir, "5.4")
      check_installed(dir, "5.1")
      if case.make_first then
        -- make has nothing to redo: nothing of its own was replaced
        out, rc = sh(env(dir) .. "make -q all")
        assert.equal(0, rc, "make -q all: something of make's was replaced\n" .. out)
      end
      demo(dir)
      for _, f in ipairs { "build/lua5.4/tlshs/core.so", "build/luarocks-lua5.4/tlshs/core.so",
                           "build/luarocks-luajit/tlshs/core.so" } do
        local _, missing = sh("test -f " .. q(src .. "/" .. f))
        assert.equal(0, missing, f)
      end
      -- a script, from elsewhere, with no paths set
      out, rc = sh("cd /tmp && env -u LUA_PATH -u LUA_CPATH lua5.4 " .. q(src .. "/scripts/client.lua") .. " --help")
      assert.equal(0, rc, out)
      assert.equal(before, files_outside_build(src))
    end)
  end
end)
