-- Secrets kept in tlshs.secret objects end to end: the flows never turn a
-- premaster, a master secret, a ticket key or a ticket plaintext into a Lua
-- string (which the collector frees without wiping), and tickets are sealed
-- and opened in C (core/src/ticket.c, lua/bind_ticket.c).
local tlshs = require "tlshs"
local core = require "tlshs.core"
local certs = require "spec.support.certs"
local run_pair = require "spec.support.converse"

local c = certs.get()

-- Runs fn while counting every string → secret (tlshs.secret(string)) and
-- secret → string (secret:bytes()) conversion; returns the lengths seen.
local function conversions(fn)
  local methods = getmetatable(core.secret("")).__index
  local bytes, secret = methods.bytes, core.secret
  local seen = { to_string = {}, from_string = {} }
  methods.bytes = function(s)
    local out = bytes(s)
    table.insert(seen.to_string, #out)
    return out
  end
  core.secret = function(v)
    if type(v) == "string" then table.insert(seen.from_string, #v) end
    return secret(v)
  end
  local ok, err = pcall(fn)
  methods.bytes, core.secret = bytes, secret
  assert(ok, err)
  return seen
end

local function hex(s) return (s:gsub(".", function(ch) return string.format("%02x", ch:byte()) end)) end

describe("secrets", function()
  it("never pass through Lua strings in full handshakes, resumptions, tickets and the key log", function()
    local keylog = os.tmpname()
    local shared = assert(tlshs.server.shared { cert = c.rsa_cert, key = c.rsa_key })
    local seen = conversions(function()
      for _, suite in ipairs { "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" } do
        for _, tickets in ipairs { true, false } do
          local opts = { cafile = c.ca, ciphers = { suite }, tickets = tickets, keylog = keylog }
          local cli, _, cr, sr = run_pair(opts, { shared = shared, keylog = keylog })
          assert(cr[1] and sr[1], tostring(cr[3]) .. " / " .. tostring(sr[3]))
          local again, srv, cr2 = run_pair({ cafile = c.ca, ciphers = { suite }, tickets = tickets, keylog = keylog,
            session = cli:session() }, { shared = shared, keylog = keylog })
          assert(cr2[1] and again.resumed and srv.resumed)
        end
      end
    end)
    assert.same({}, seen.from_string)
    -- only Finished verify_data (12 bytes, sent to the peer anyway) becomes a string
    for _, n in ipairs(seen.to_string) do assert.equal(12, n) end
    os.remove(keylog)
  end)

  it("keep the client's RSA premaster in a secret drawn in C", function()
    local s = core.random_secret(46, "\3\3")
    assert.equal("tlshs.secret (48 bytes)", tostring(s))
    assert.equal("\3\3", s:sub(1, 2):bytes())
    assert.not_equal(s:bytes(), core.random_secret(46, "\3\3"):bytes())
    assert.equal(0, #core.random_secret(0))
    assert.has_error(function() core.random_secret(-1) end)
  end)

  describe("ticket keys", function()
    local ms = core.random_secret(48)
    local state = { cipher_suite = 0xc02f, ems = true, issued = 1000, lifetime = 7200, servername = "localhost",
                    master_secret = ms, certificates = { "cert one", "cert two" } }

    it("seal the state in C and open it into a secret", function()
      local keys = core.ticket_keys(nil, 1000)
      local ticket = assert(keys:seal(state))
      assert.equal(keys:name(), ticket:sub(1, 16))
      assert.is_nil(ticket:find(ms:bytes(), 1, true))
      assert.is_nil(ticket:find("localhost", 1, true))
      local got = assert(keys:open(ticket, 1000))
      assert.equal("tlshs.secret (48 bytes)", tostring(got.master_secret))
      assert.is_true(core.equal(ms, got.master_secret))
      assert.same({ 0xc02f, true, 1000, 7200, "localhost" },
        { got.cipher_suite, got.ems, got.issued, got.lifetime, got.servername })
      assert.same({ "cert one", "cert two" }, got.certificates)
    end)

    it("refuse a ticket that is damaged, foreign or under a retired key", function()
      local keys = core.ticket_keys(nil, 0)
      local ticket = keys:seal(state)
      for _, pos in ipairs { 1, 17, 29, #ticket } do
        local bad = ticket:sub(1, pos - 1) .. string.char((ticket:byte(pos) + 1) % 256) .. ticket:sub(pos + 1)
        local ok, err = keys:open(bad, 0)
        assert.is_nil(ok)
        assert.equal("decrypt_error", err)
      end
      assert.is_nil(keys:open(ticket:sub(1, 40), 0))
      assert.is_nil(core.ticket_keys(nil, 0):open(ticket, 0))
      keys:rotate(nil, 100, 50)
      assert.is_table(keys:open(ticket, 149))
      local ok, _, detail = keys:open(ticket, 150)
      assert.is_nil(ok)
      assert.matches("retired", detail)
    end)

    it("share a key given as a secret across rings, with the same name", function()
      local key = core.random_secret(32)
      local a, b = core.ticket_keys(key, 0), core.ticket_keys(key, 0)
      assert.equal(a:name(), b:name())
      assert.is_table(b:open(a:seal(state), 0))
    end)

    it("refuse misuse: a master secret as a string, a wrong key size, a closed ring", function()
      local keys = core.ticket_keys()
      local s = {}
      for k, v in pairs(state) do s[k] = v end
      s.master_secret = string.rep("m", 48)
      assert.has_error(function() keys:seal(s) end)
      assert.has_error(function() core.ticket_keys("short") end)
      keys:close()
      assert.has_error(function() keys:seal(state) end, "tlshs.ticket_keys: object is closed")
    end)

    it("decline a state too large for a ticket (RFC 5077 §3.3: ticket<0..2^16-1>)", function()
      local s = {}
      for k, v in pairs(state) do s[k] = v end
      s.certificates = { string.rep("x", 70000) }
      local ok, err = core.ticket_keys():seal(s)
      assert.is_nil(ok)
      assert.equal("internal_error", err)
    end)
  end)

  it("write the key log line from C with the master secret", function()
    local keylog = os.tmpname()
    local cli = run_pair({ cafile = c.ca, keylog = keylog },
      { shared = assert(tlshs.server.shared { cert = c.rsa_cert, key = c.rsa_key }) })
    local f = assert(io.open(keylog))
    local text = f:read("*a")
    f:close()
    os.remove(keylog)
    assert.equal("CLIENT_RANDOM " .. hex(cli.client_random) .. " " .. hex(cli.master_secret:bytes()) .. "\n", text)
  end)
end)
