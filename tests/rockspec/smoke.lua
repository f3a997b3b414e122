-- Run after `luarocks make` into a tree, with LUA_PATH/LUA_CPATH from
-- `luarocks path --tree TREE`, from a directory outside the repository:
--   lua smoke.lua TREE CERTDIR
-- Checks that tlshs loads from the tree and runs handshakes in memory.
-- Prints "ok"/"not ok" lines, then "N passed, N failed".
local tree, certdir = arg[1], arg[2]
local passed, failed = 0, 0

local function check(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
    print("ok - " .. name)
  else
    failed = failed + 1
    print("not ok - " .. name .. ": " .. tostring(err))
  end
end

local function starts(s, prefix) return type(s) == "string" and s:sub(1, #prefix) == prefix end

-- package.searchpath exists in 5.2+ and LuaJIT 2.1.
local function where(name, path)
  local file = package.searchpath(name, path)
  return file
end

check(_VERSION .. (jit and (" / " .. jit.version) or "") .. ": the working directory is not the repository", function()
  local f = io.open("rockspec/tlshs-scm-1.rockspec")
  if f then f:close() end
  assert(not f, "run from outside the repository")
end)

check("require 'tlshs' finds the installed init.lua", function()
  local file = where("tlshs", package.path)
  assert(starts(file, tree .. "/share/lua/"), "tlshs resolves to " .. tostring(file))
  local tlshs = require "tlshs"
  assert(tlshs._VERSION == "tlshs scm", tostring(tlshs._VERSION))
end)

check("tlshs.core is the installed C module", function()
  local file = where("tlshs.core", package.cpath)
  assert(starts(file, tree .. "/lib/lua/"), "tlshs.core resolves to " .. tostring(file))
  local core = require "tlshs.core"
  assert(#core.random(16) == 16)
end)

check("every installed Lua module loads", function()
  local dir = where("tlshs.client", package.path):match("^(.*)/[^/]*$")
  local p = assert(io.popen("ls '" .. dir .. "'"))
  local n = 0
  for file in p:lines() do
    local name = file:match("^(.*)%.lua$")
    if name then
      local mod = name == "init" and "tlshs" or "tlshs." .. name
      local loaded = package.searchpath(mod, package.path)
      assert(starts(loaded, tree), mod .. " resolves to " .. tostring(loaded))
      assert(type(require(mod)) == "table", mod)
      n = n + 1
    end
  end
  p:close()
  assert(n >= 10, "only " .. n .. " modules")
end)

-- A full handshake plus one exchange of data in memory.
local function handshake(suite)
  local tlshs = require "tlshs"
  local transport = require "tlshs.transport"
  local a, b = transport.pair()
  local cli = tlshs.client.wrap(a, { servername = "localhost", cafile = certdir .. "/ca.pem", ciphers = { suite } })
  local srv = tlshs.server.wrap(b, { cert = certdir .. "/server.pem", key = certdir .. "/server.key" })
  local got
  local results = transport.run(function()
    local ok, err, detail = cli:handshake()
    if not ok then return ok, err, detail end
    assert(cli:send("ping"))
    got = cli:receive(4)
    cli:close()
    return true
  end, function()
    local ok, err, detail = srv:handshake()
    if not ok then return ok, err, detail end
    assert(srv:receive(4) == "ping")
    srv:send("pong")
    srv:close()
    return true
  end)
  assert(results[1][1], "client: " .. tostring(results[1][2]) .. " " .. tostring(results[1][3]))
  assert(results[2][1], "server: " .. tostring(results[2][2]) .. " " .. tostring(results[2][3]))
  assert(cli.cipher_suite == suite, tostring(cli.cipher_suite))
  assert(got == "pong", tostring(got))
end

for _, suite in ipairs {
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
} do
  check("handshake in memory with " .. suite, function() handshake(suite) end)
end

print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
