-- Side channels (issue 8).
--
-- 1. The RSA premaster countermeasure (RFC 5246 §7.4.7.1), end to end: our
--    client flow sends a tampered ClientKeyExchange — bad PKCS#1 padding,
--    a wrong version in the premaster, a premaster of the wrong length — and
--    then a Finished made from the premaster it meant.  The server must fail
--    exactly as it does for a well-formed ClientKeyExchange whose premaster
--    the client does not know (the reference "bad Finished"): the same
--    alert, at the same step, with the same detail.  Checked against our
--    server (in memory, where its failing step is visible) and against
--    openssl s_server for comparison.
-- 2. Finished and MAC comparisons go through tlshs.equal (constant time).
-- (The CBC padding/MAC check is checked under valgrind by `make test-ctgrind`.)
local tlshs = require "tlshs"
local core = require "tlshs.core"
local keys = require "tlshs.keys"
local transport = require "tlshs.transport"
local certs = require "spec.support.certs"
local peers = require "spec.support.peers"

local c = certs.get()
local SUITE = "TLS_RSA_WITH_AES_128_GCM_SHA256"

local function sh(cmd)
  local ok = os.execute(cmd .. " >/dev/null 2>&1")
  assert(ok == true or ok == 0, cmd)
end

local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local function write_file(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

-- Textbook RSA (no padding) with the server's public key, by openssl: the
-- way to send an encoded message that is not valid PKCS#1 v1.5.
local function raw_rsa(key, em)
  local dir = os.tmpname()
  os.remove(dir)
  sh("mkdir -p " .. dir)
  write_file(dir .. "/spki.der", key:spki())
  write_file(dir .. "/em", em)
  sh(string.format("openssl pkeyutl -encrypt -pubin -keyform DER -inkey %s/spki.der -pkeyopt rsa_padding_mode:none " ..
    "-in %s/em -out %s/ct", dir, dir, dir))
  local ct = read_file(dir .. "/ct")
  sh("rm -rf " .. dir)
  return ct
end

local function nonzero(n)
  local t = {}
  for i = 1, n do t[i] = string.char(1 + (i * 37) % 255) end
  return table.concat(t)
end

-- Each case: the premaster the client keeps (its keys) and the ciphertext it sends.
local cases = {
  { name = "valid (control)", ok = true,
    ct = function(key, pms) return key:rsa_encrypt(pms) end },
  { name = "unknown premaster (the reference bad Finished)",
    ct = function(key, pms) return key:rsa_encrypt("\3\3" .. core.random(46)) end },
  { name = "bad PKCS#1 padding: block type 1",
    ct = function(key, pms, k) return raw_rsa(key, "\0\1" .. string.rep("\255", k - 51) .. "\0" .. pms) end },
  { name = "bad PKCS#1 padding: no zero separator",
    ct = function(key, pms, k) return raw_rsa(key, "\0\2" .. nonzero(k - 50) .. pms) end },
  { name = "bad PKCS#1 padding: padding string of 7 bytes",
    ct = function(key, pms, k) return raw_rsa(key, "\0\2" .. nonzero(7) .. "\0" .. nonzero(k - 58) .. pms) end },
  -- a public fact (anyone can compare with n): OpenSSL refuses it at once
  -- with decrypt_error; tlshs takes the random-premaster path anyway
  { name = "ciphertext not below the modulus", openssl = "decrypt_error",
    ct = function(key, pms, k) return string.rep("\255", k) end },
  { name = "bad PKCS#1 padding: all zero",
    ct = function(key, pms, k) return raw_rsa(key, string.rep("\0", k)) end },
  { name = "wrong version in the premaster (0x0301)",
    ct = function(key, pms) return key:rsa_encrypt("\3\1" .. pms:sub(3)) end },
  { name = "premaster of 47 bytes",
    ct = function(key, pms) return key:rsa_encrypt(pms:sub(1, 47)) end },
  { name = "premaster of 49 bytes",
    ct = function(key, pms) return key:rsa_encrypt(pms .. "\0") end },
  { name = "ciphertext one byte short",
    ct = function(key, pms) return key:rsa_encrypt(pms):sub(2) end },
}

-- A client whose ClientKeyExchange is made by case.ct.
local function tampered_client(t, case, opts)
  opts = opts or {}
  opts.ciphers = { SUITE }
  opts.servername = "localhost"
  opts.cafile = c.ca
  local cli = tlshs.client.wrap(t, opts)
  cli:replace("send_client_key_exchange", function(self)
    local pms = "\3\3" .. core.random(46)
    local k = #self.server_key:rsa_encrypt(pms)
    local ct = case.ct(self.server_key, pms, k)
    local ok, err, detail = self:send_handshake { msg_type = "client_key_exchange", encrypted_pre_master_secret = ct }
    if not ok then return nil, err, detail end
    local session_hash = self.ems and self.transcript:digest() or nil
    self.master_secret = keys.master_secret(self.suite.prf, core.secret(pms), self.client_random, self.server_random, session_hash)
    self:install_keys()
    return true
  end)
  return cli
end

local function outcome(ok, err, detail, step)
  if ok then return "ok" end
  return string.format("%s | %s | %s", tostring(err), tostring(detail), tostring(step))
end

describe("RSA premaster countermeasure (RFC 5246 §7.4.7.1), end to end", function()
  it("our server fails every tampered ClientKeyExchange exactly like a bad Finished", function()
    local shared = assert(tlshs.server.shared { cert = c.rsa_cert, key = c.rsa_key })
    local seen = {}
    for _, case in ipairs(cases) do
      local a, b = transport.pair()
      local cli = tampered_client(a, case)
      local srv = tlshs.server.wrap(b, { shared = shared })
      local res = transport.run(function() return cli:handshake() end, function() return srv:handshake() end)
      local s = outcome(res[2][1], res[2][2], res[2][3], srv.failed and srv.failed.step)
      local cl = outcome(res[1][1], res[1][2], res[1][3], cli.failed and cli.failed.step)
      seen[case.name] = { server = s, client = cl }
    end
    assert.equal("ok", seen["valid (control)"].server)
    local ref = seen["unknown premaster (the reference bad Finished)"]
    assert.matches("^bad_record_mac", ref.server)
    for _, case in ipairs(cases) do
      if not case.ok then
        assert.equal(ref.server, seen[case.name].server, case.name)
        assert.equal(ref.client, seen[case.name].client, case.name)
      end
    end
  end)

  it("openssl s_server answers the same cases the same way (comparison)", function()
    local server = peers.start({ "openssl", "s_server", "-accept", "127.0.0.1:{port}", "-tls1_2",
      "-cert", c.rsa_cert, "-key", c.rsa_key, "-cipher", "AES128-GCM-SHA256", "-www", "-quiet" })
    local seen = {}
    for _, case in ipairs(cases) do
      local t, sock = peers.connect(server.port, 10)
      local cli = tampered_client(t, case)
      local ok, err, detail = cli:handshake()
      sock:close()
      seen[case.name] = outcome(ok, err, detail, cli.failed and cli.failed.step)
    end
    peers.stop(server)
    assert.equal("ok", seen["valid (control)"])
    local ref = seen["unknown premaster (the reference bad Finished)"]
    assert.matches("alert_received", ref)
    for _, case in ipairs(cases) do
      if case.openssl then
        assert.matches("alert " .. case.openssl, seen[case.name], 1, true)
      elseif not case.ok then
        assert.equal(ref, seen[case.name], case.name)
      end
    end
  end)
end)

describe("constant-time comparisons", function()
  it("tlshs.equal compares by content, and only equal lengths can be equal", function()
    assert.is_true(tlshs.equal("abc", "abc"))
    assert.is_false(tlshs.equal("abc", "abd"))
    assert.is_false(tlshs.equal("abc", "ab"))
    assert.is_true(tlshs.equal("", ""))
    assert.is_true(tlshs.equal(core.secret("k"), "k"))
  end)

  it("the flows check both Finished messages through tlshs.equal", function()
    -- both sides share Flow:receive_finished (lua/tlshs/flow.lua), which
    -- calls core.equal at run time: count what it is handed in a handshake
    local run_pair = require "spec.support.converse"
    local shared = assert(tlshs.server.shared { cert = c.rsa_cert, key = c.rsa_key })
    local real, seen = core.equal, {}
    core.equal = function(a, b)
      local sa = type(a) == "string" and a or a:bytes()
      seen[#seen + 1] = { sa, #sa, type(b) == "string" and #b or b:len() }
      return real(a, b)
    end
    local ok, cli, srv, cr, sr = pcall(run_pair, { cafile = c.ca, servername = "localhost" }, { shared = shared })
    core.equal = real
    assert(ok, cli)
    assert.is_true(cr[1], tostring(cr[2]))
    assert.is_true(sr[1], tostring(sr[2]))
    -- exactly the two received Finished (12 bytes each, RFC 5246 §7.4.9)
    local finished = 0
    for _, call in ipairs(seen) do
      if call[2] == 12 and call[3] == 12 then finished = finished + 1 end
    end
    assert.equal(2, finished)
  end)

  it("a client Finished one bit off is refused with decrypt_error after the record checks", function()
    local shared = assert(tlshs.server.shared { cert = c.rsa_cert, key = c.rsa_key })
    local a, b = transport.pair()
    local cli = tampered_client(a, cases[1])
    cli:wrap("send_finished", function(self, original)
      local vd = keys.verify_data(self.suite.prf, self.master_secret, "client finished", self.transcript:digest())
      local bad = string.char((vd:byte(1) + 1) % 256) .. vd:sub(2)
      return self:send_handshake { msg_type = "finished", verify_data = bad }
    end)
    local srv = tlshs.server.wrap(b, { shared = shared })
    local res = transport.run(function() return cli:handshake() end, function() return srv:handshake() end)
    assert.is_nil(res[2][1])
    assert.equal("decrypt_error", res[2][2])
    assert.matches("verify_data", res[2][3])
  end)
end)
