-- tlshs.suites against the 27 suites README.md promises
-- (spec/support/pinned_suites.lua lists them literally).
local suites = require "tlshs.suites"
local pinned = require "spec.support.pinned_suites"

describe("tlshs.suites", function()
  it("offers exactly the 27 pinned suites, with their IANA code points", function()
    assert.equal(27, #pinned.list)
    local want, got = {}, {}
    for _, p in ipairs(pinned.list) do want[p.name] = p.id end
    for _, s in ipairs(suites.list) do got[s.name] = s.id end
    assert.same(want, got)
    assert.equal(27, #suites.list)
  end)

  it("describes each pinned suite as its name says", function()
    for _, p in ipairs(pinned.list) do
      local s = suites.by_name[p.name]
      assert.is_table(s, p.name .. " is missing from tlshs.suites")
      assert.equal(s, suites.by_id[p.id], p.name)
      assert.equal(p.auth, s.auth, p.name)
      assert.equal(p.kx, s.kx, p.name)
      assert.equal(p.aead, s.aead, p.name)
      assert.equal(p.name:match("SHA384$") and "sha384" or "sha256", s.prf, p.name)
    end
  end)

  it("offers every pinned suite by default", function()
    local offered = {}
    for _, n in ipairs(suites.default_names()) do offered[n] = true end
    for _, p in ipairs(pinned.list) do assert.is_true(offered[p.name], p.name) end
  end)
end)
