-- Skips are visible (issue 14 §5): the suites' closing line counts errors as
-- failed and pending tests as skipped, TLSHS_SUMMARY gets all three and the
-- names of the skipped tests, and .ci/run fails on a skip it does not allow by
-- name. No spec is gated on a peer's version string.
local helpers = require "spec.helpers"
local q, sh, write, tmpdir = helpers.quote, helpers.sh, helpers.write_file, helpers.tmpdir

local root = helpers.root

-- busted under Lua 5.4 with our output handler, as `make test` runs it.
local function busted(dir, file, summary, extra_env)
  return sh("cd " .. q(root) .. " && env " .. (extra_env or "") .. " TLSHS_SUMMARY=" .. q(summary)
    .. " LUA_PATH=" .. q(root .. "/?.lua;" .. root .. "/lua/?.lua;" .. root .. "/lua/?/init.lua;/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua;;")
    .. " LUA_CPATH=" .. q(root .. "/build/lua5.4/?.so;;")
    .. " lua5.4 /usr/bin/busted -o spec/support/summary_output.lua " .. file)
end

describe("the closing line and TLSHS_SUMMARY", function()
  local dir
  before_each(function() dir = tmpdir() end)
  after_each(function() sh("rm -rf " .. q(dir)) end)

  it("count errors as failed and pending as skipped, and name each skipped test", function()
    write(dir .. "/mixed_spec.lua", [[
describe("mixed", function()
  it("passes", function() end)
  it("fails", function() assert.equal(1, 2) end)
  it("errs", function() error("boom") end)
  pending("not yet")
  it("skips itself", function() pending("later") end)
end)
]])
    local out, rc = busted(dir, q(dir .. "/mixed_spec.lua"), dir .. "/summary")
    assert.is_not.equal(0, rc)
    assert.truthy(out:find("\n1 passed, 2 failed, 2 skipped\n", 1, true), out)
    local summary = helpers.read_file(dir .. "/summary")
    local lines = {}
    for line in summary:gmatch("[^\n]+") do lines[#lines + 1] = line end
    assert.equal("1 2 2", lines[1])
    assert.equal(3, #lines)
    assert.truthy(lines[2]:find("^skipped .*mixed_spec%.lua: mixed not yet$"), lines[2])
    assert.truthy(lines[3]:find("^skipped .*mixed_spec%.lua: mixed skips itself$"), lines[3])
  end)
end)

describe(".ci/run's verdict", function()
  local dir
  before_each(function() dir = tmpdir() end)
  after_each(function() sh("rm -rf " .. q(dir)) end)

  local function verdict(text)
    write(dir .. "/summary", text)
    local out, rc = sh("bash " .. q(root .. "/.ci/run") .. " --summary " .. q(dir .. "/summary"))
    local last = out:match("([^\n]*)\n?$")
    return out, rc, last
  end

  it("adds up the suites (two- and three-number lines) and passes when nothing failed or was skipped", function()
    local out, rc, last = verdict("10 0 0\n5 0\n7 0 0\n")
    assert.equal(0, rc, out)
    assert.equal("22 passed, 0 failed, 0 skipped", last)
  end)

  it("fails on a skipped test that ALLOWED_SKIPS does not name, and names it", function()
    local out, rc, last = verdict("10 0 1\nskipped spec/x_spec.lua: x needs a peer\n5 0\n")
    assert.equal(1, rc, out)
    assert.truthy(out:find("FAIL: skipped, and not in .ci/run's ALLOWED_SKIPS: spec/x_spec.lua: x needs a peer", 1, true), out)
    assert.equal("15 passed, 0 failed, 1 skipped", last)
  end)

  it("fails on a count of skips that comes without names", function()
    local out, rc, last = verdict("10 0 2\n")
    assert.equal(1, rc, out)
    assert.equal("10 passed, 0 failed, 2 skipped", last)
  end)

  it("fails on a failure", function()
    local out, rc, last = verdict("10 1 0\n")
    assert.equal(1, rc, out)
    assert.equal("10 passed, 1 failed, 0 skipped", last)
  end)
end)

describe("no version gate", function()
  it("the CBC records against the openssl command line run whatever `openssl version` says", function()
    local dir = tmpdir()
    finally(function() sh("rm -rf " .. q(dir)) end)
    -- an openssl that calls itself 4.0 and otherwise is the real one
    local real = sh("command -v openssl"):match("^(%S+)")
    write(dir .. "/openssl", "#!/bin/sh\nif [ \"$1\" = version ]; then echo 'OpenSSL 4.0.0 1 Jan 2030'; exit 0; fi\nexec "
      .. q(real) .. " \"$@\"\n")
    assert(os.execute("chmod +x " .. q(dir .. "/openssl")))
    -- one of its tests (the others take half a minute): with the gate it was skipped
    local out, rc = busted(dir, "--filter=" .. q("aes_128_cbc/sha1/etm") .. " spec/record_protection_interop_spec.lua",
      dir .. "/summary", "PATH=" .. q(dir .. ":" .. os.getenv("PATH")))
    assert.equal(0, rc, out)
    local passed, failed, skipped = out:match("\n(%d+) passed, (%d+) failed, (%d+) skipped\n")
    assert.equal("0", skipped, out)
    assert.equal("0", failed, out)
    assert.equal(1, tonumber(passed), out)
  end)
end)
