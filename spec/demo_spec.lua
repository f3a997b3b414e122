-- `make demo` and every `make demo ARGS="..."` the README documents work
-- (issue 12 §5: `--reconnect` failed while the demo server ran `--once`).
-- The demo runs under lua5.4 whatever runs the specs: their module paths are
-- not passed on.
local helpers = require "spec.helpers"
local q = helpers.quote
local suites = require "tlshs.suites"

-- The ARGS of each `make demo ARGS="..."` in the README.
local function documented()
  local list = {}
  for args in helpers.read_file(helpers.root .. "/README.md"):gmatch('make demo ARGS="([^"]*)"') do
    if args ~= "..." then list[#list + 1] = args end
  end
  return list
end

local function demo(args)
  local p = io.popen(string.format("cd %s && env -u LUA_PATH -u LUA_CPATH -u LUA_INIT timeout 120 make -s demo ARGS=%s 2>&1; echo \"exit:$?\"",
    q(helpers.root), q(args)))
  local out = p:read("*a")
  p:close()
  return tonumber(out:match("exit:(%d+)%s*$")), out
end

describe("make demo", function()
  local cases = documented()

  it("the README documents ARGS examples, --reconnect among them", function()
    assert.is_true(#cases >= 3)
    local found = false
    for _, a in ipairs(cases) do found = found or a == "--reconnect" end
    assert.is_true(found)
  end)

  for _, args in ipairs(cases) do
    it("works with ARGS=\"" .. args .. "\"", function()
      local status, out = demo(args)
      assert.equal(0, status, out)
      assert.is_nil(out:find("stack traceback", 1, true), out)
      assert.matches("negotiated: TLSv1.2 TLS_", out)
      local cipher = args:match("%-%-cipher (%S+)")
      if cipher then
        local s = suites.by_name[cipher] or suites.by_openssl_name[cipher]
        assert.matches("negotiated: TLSv1.2 " .. s.name, out, 1, true)
      end
      if args:find("--reconnect", 1, true) then
        assert.matches("resumed: yes", out, 1, true)
        local _, n = out:gsub("connection [^\n]*from [^\n]*TLSv1%.2", "")
        assert.equal(2, n, out)
      end
    end)
  end
end)
