-- Using tlshs outside the repository (issue 12 §6): the two shell blocks of
-- the README's "Using tlshs outside the repository", run as written from a
-- directory outside the checkout, with `/path/to/tlshs` and `/tmp/mine`
-- replaced by real paths: after `make` (the checkout), and after `luarocks
-- make` (#rockspec: installed from a scratch copy into a scratch $HOME, in
-- make test-rockspec).
local helpers = require "spec.helpers"
local q, sh, tmpdir = helpers.quote, helpers.sh, helpers.tmpdir

local root = helpers.root

-- The ```sh blocks of a section of the README.
local function blocks(heading)
  local text = helpers.read_file(root .. "/README.md")
  local at = assert(text:find("\n" .. heading .. "\n", 1, true), heading .. " not in README.md")
  local stop = text:find("\n## ", at + 1, true) or #text
  local section = text:sub(at, stop)
  local list = {}
  for b in section:gmatch("```sh\n(.-)```") do list[#list + 1] = b end
  return list
end

local SECTION = "## Using tlshs outside the repository"

-- Runs a block with bash -e, as a user would type it, with only HOME and PATH
-- of our own (no LUA_PATH/LUA_CPATH, no outer make's flags).
local function run(block, checkout, mine, home)
  local text = block:gsub("/path/to/tlshs", checkout):gsub("/tmp/mine", mine)
  local script = mine .. ".sh"
  local f = assert(io.open(script, "w"))
  f:write("set -e\n", text)
  f:close()
  local out, rc = sh("cd / && env -u LUA_PATH -u LUA_CPATH -u LUA_INIT -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "
    .. "-u SPEC -u SPEC_ARGS" .. (home and (" HOME=" .. q(home)) or "") .. " bash " .. q(script))
  os.remove(script)
  return out, rc
end

local function check_output(out)
  assert.truthy(out:find("client_hello\tTLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 1, true), out)
  assert.truthy(out:find("1 success / 0 failures / 0 errors / 0 pending", 1, true), out)
end

describe("a script and a busted spec of your own", function()
  it("README shows two shell blocks: the checkout, and installed", function()
    local b = blocks(SECTION)
    assert.equal(2, #b)
    assert.truthy(b[1]:find("/path/to/tlshs/bin/tlshs-busted hello_spec.lua", 1, true))
    assert.truthy(b[2]:find("luarocks --lua-version 5.4 make", 1, true))
    assert.truthy(b[2]:find("\ntlshs-busted hello_spec.lua", 1, true))
  end)

  it("after make, from another directory (the README's first block)", function()
    local mine = tmpdir()
    finally(function() sh("rm -rf " .. q(mine)) end)
    local out, rc = run(blocks(SECTION)[1], root, mine)
    assert.equal(0, rc, out)
    check_output(out)
  end)

  it("tlshs-busted runs with a Lua 5.4 LUA_PATH/LUA_CPATH set, as `luarocks path` sets them", function()
    -- tlshs-busted itself, with a 5.4 LUA_PATH/LUA_CPATH set as `luarocks path` sets them
    local mine = tmpdir()
    finally(function() sh("rm -rf " .. q(mine)) end)
    local f = assert(io.open(mine .. "/one_spec.lua", "w"))
    f:write('local tls = require "tlshs.spec"\nit("runs", function() assert.is_table(tls.expect) end)\n')
    f:close()
    local out, rc = sh("cd " .. q(mine) .. " && LUA_PATH='/usr/local/share/lua/5.4/?.lua;/usr/share/lua/5.4/?.lua' "
      .. "LUA_CPATH='/usr/lib/x86_64-linux-gnu/lua/5.4/?.so' " .. q(root .. "/bin/tlshs-busted") .. " one_spec.lua")
    assert.equal(0, rc, out)
    assert.truthy(out:find("1 success / 0 failures", 1, true), out)
  end)
end)

describe("installed with luarocks make #rockspec", function()
  it("the README's second block, from a scratch copy into a scratch HOME", function()
    local dir = tmpdir()
    finally(function() sh("rm -rf " .. q(dir)) end)
    local src, home, mine = dir .. "/src", dir .. "/home", dir .. "/mine"
    local out, rc = sh("mkdir -p " .. q(src) .. " " .. q(home) .. " " .. q(mine) .. " && cd " .. q(root)
      .. " && tar --exclude=./build --exclude=./.git --exclude='*.o' --exclude='*.so' -cf - . | tar -xf - -C " .. q(src))
    assert.equal(0, rc, out)
    local b = blocks(SECTION)
    -- the files of the first block, written by it against the checkout
    out, rc = run(b[1], root, mine)
    assert.equal(0, rc, out)
    -- then the second: install, and run them with no checkout on the path
    out, rc = run(b[2], src, mine, home)
    assert.equal(0, rc, out)
    check_output(out)
    assert.truthy(out:find("tlshs scm-1 is now installed in " .. home .. "/.luarocks", 1, true), out)
    -- it really was the installed copy
    out = sh("cd " .. q(mine) .. " && env -u LUA_PATH -u LUA_CPATH HOME=" .. q(home) .. " sh -c " .. q("eval \"$(luarocks --lua-version 5.4 path)\"; "
      .. "lua5.4 -e \"print(package.searchpath('tlshs.core', package.cpath)) print(package.searchpath('tlshs', package.path))\""))
    assert.truthy(out:find(home .. "/.luarocks/lib/lua/5.4/tlshs/core.so", 1, true), out)
    assert.truthy(out:find("\n" .. home .. "/.luarocks/share/lua/5.4/tlshs[%./]"), out)
  end)
end)
