-- The key log file decrypts every connection it logs: it is created mode
-- 0600 whatever the umask, a symbolic link planted in its place is refused
-- (the handshake fails with a clear detail, nothing is written through the
-- link), and an existing regular file is appended to as it is.
local tlshs = require "tlshs"
local certs = require "spec.support.certs"
local run_pair = require "spec.support.converse"

local c = certs.get()
local shared = assert(tlshs.server.shared { cert = c.rsa_cert, key = c.rsa_key })

local function sh(cmd)
  local p = assert(io.popen(cmd))
  local out = p:read("*a")
  p:close()
  return (out:gsub("%s+$", ""))
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

local function mode(path) return sh("stat -c %a " .. path) end

local function fresh_dir()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir -m 700 " .. dir))
  return dir
end

describe("the key log file", function()
  it("is not touched by a call with odd arguments (checked first)", function()
    local dir = fresh_dir()
    local path = dir .. "/keys.log"
    local core = require "tlshs.core"
    for _, args in ipairs {
      { path, "x", "x", "x" }, { path, "CLIENT_RANDOM", "short", string.rep("m", 48) },
      { path, "CLIENT RANDOM", string.rep("r", 32), string.rep("m", 48) },
      { path, "CLIENT_RANDOM", string.rep("r", 32), "" }, { path .. "\0x", "CLIENT_RANDOM", string.rep("r", 32), "m" },
    } do
      assert.has_error(function() core.keylog_append(table.unpack and table.unpack(args) or unpack(args)) end)
    end
    assert.is_nil(read(path))
    assert.is_true(core.keylog_append(path, "CLIENT_RANDOM", string.rep("r", 32), core.secret("m")))
    assert.equal("CLIENT_RANDOM " .. string.rep("72", 32) .. " 6d\n", read(path))
    os.execute("rm -rf " .. dir)
  end)

  for _, side in ipairs { "client", "server" } do
    local function handshake(keylog)
      local copts, sopts = { cafile = c.ca }, { shared = shared }
      if side == "client" then copts.keylog = keylog else sopts.keylog = keylog end
      local cli, srv, cr, sr = run_pair(copts, sopts)
      if side == "client" then return cr, cli end
      return sr, srv
    end

    describe("of the " .. side, function()
      it("is created mode 0600", function()
        local dir = fresh_dir()
        local keylog = dir .. "/keys.log"
        local r = handshake(keylog)
        assert.is_true(r[1], tostring(r[3]))
        assert.equal("600", mode(keylog))
        assert.matches("^CLIENT_RANDOM %x+ %x+\n$", read(keylog))
        os.execute("rm -rf " .. dir)
      end)

      it("refuses to follow a symbolic link planted in its place", function()
        local dir = fresh_dir()
        local target, keylog = dir .. "/target", dir .. "/keys.log"
        local f = assert(io.open(target, "w"))
        f:write("precious\n")
        f:close()
        assert(os.execute("ln -s " .. target .. " " .. keylog))
        local r = handshake(keylog)
        assert.same({ nil, "internal_error" }, { r[1], r[2] })
        assert.matches("keylog: " .. keylog .. " is a symbolic link; refusing to follow it", r[3], 1, true)
        assert.equal("precious\n", read(target))
        -- a dangling link does not create its target either
        os.remove(target)
        r = handshake(keylog)
        assert.same({ nil, "internal_error" }, { r[1], r[2] })
        assert.is_nil(read(target))
        os.execute("rm -rf " .. dir)
      end)

      it("refuses what is not a regular file", function()
        local dir = fresh_dir()
        local r = handshake(dir)
        assert.is_nil(r[1])
        assert.matches("keylog: .*", r[3])
        os.execute("rm -rf " .. dir)
      end)

      it("appends to an existing regular file and leaves its mode", function()
        local dir = fresh_dir()
        local keylog = dir .. "/keys.log"
        local f = assert(io.open(keylog, "w"))
        f:write("# earlier\n")
        f:close()
        assert(os.execute("chmod 640 " .. keylog))
        assert.is_true(handshake(keylog)[1])
        assert.is_true(handshake(keylog)[1])
        local text = read(keylog)
        assert.matches("^# earlier\nCLIENT_RANDOM %x+ %x+\nCLIENT_RANDOM %x+ %x+\n$", text)
        assert.equal("640", mode(keylog))
        os.execute("rm -rf " .. dir)
      end)
    end)
  end
end)
