-- Hostile Lua against the C binding (issue 13): every exported function and
-- every method of every object class, called with odd arguments, must leave
-- the process alive, and each misuse must raise. Run under `make test-asan`
-- too (ASan + UBSan): a use-after-free, an out-of-range cast or an index
-- below an array aborts the run there.
local core = require "tlshs.core"
local fx = require "spec.crypto_fixtures"
local certs = require "spec.support.certs"
local helpers = require "spec.helpers"

local c = certs.get()

local read = helpers.read_file

local NAN, INF = 0 / 0, math.huge

-- One fresh object of every class.
local function objects()
  local key = assert(core.load_private_key(fx.pem.p256))
  local cert = assert(core.load_certificate(read(c.rsa_cert)))
  return {
    hash = core.hash_new("sha256"),
    kx = assert(core.key_exchange("x25519")),
    pkey = key,
    public_key = key:public_key(),
    reassembler = core.reassembler(),
    record_protection = core.record_protection { cipher = "aes_128_gcm", key = ("k"):rep(16), iv = ("i"):rep(4) },
    secret = core.secret("secret bytes"),
    certificate = cert,
  }
end

-- Methods (name → function) of an object's class.
local function methods(obj)
  local out, mt = {}, getmetatable(obj)
  for name, f in pairs(mt.__index) do out[name] = f end
  return out
end

local function sorted_keys(t)
  local k = {}
  for name in pairs(t) do k[#k + 1] = name end
  table.sort(k)
  return k
end

local function raises(f, ...)
  local ok, err = pcall(f, ...)
  return not ok, err
end

-- The odd values of the sweep: wrong types, other classes' userdata, a
-- foreign userdata, NaN and infinities, huge and negative numbers, embedded
-- NULs, empty and long strings, tables.
local function odd_values(objs)
  local v = { n = 0 }
  local function add(x) v.n = v.n + 1; v[v.n] = x end
  for _, x in ipairs { NAN, INF, -INF, 1e300, -1e300, 2 ^ 53 + 2, 2 ^ 63, -(2 ^ 63), 2 ^ 31, -1, 0, 1.5, -0.0,
    65536, 0xFFFFFF, "", "\0", "sha256\0x", "x25519\0", ("\255"):rep(70000), ("\0"):rep(48), "1e300", "nan",
    {}, { "" }, true, false } do add(x) end
  add(nil)
  add(io.stdout)
  add(print)
  add(coroutine.create(function() end))
  for _, name in ipairs(sorted_keys(objs)) do add(objs[name]) end
  return v
end

-- An options table whose __index builds a new string on every read (no other
-- reference to it exists) and runs a full collection before and after: a
-- binding that pops the string before using it reads freed memory (ASan:
-- heap-use-after-free).
local function fresh_strings(t)
  return setmetatable({}, { __index = function(_, k)
    collectgarbage()
    local v = t[k]
    if type(v) == "string" then
      local unpack = table.unpack or unpack
      v = string.char(unpack { v:byte(1, -1) })
    end
    collectgarbage()
    return v
  end })
end

describe("the binding with odd arguments", function()
  it("survives every exported function called with every odd value in every position", function()
    local objs = objects()
    local vals = odd_values(objs)
    local calls = 0
    for _, name in ipairs(sorted_keys(core)) do
      local f = core[name]
      if type(f) == "function" and name ~= "set_random" then
        for i = 1, vals.n do
          for _, second in ipairs { "sha256", 1, {} } do
            pcall(f, vals[i], second, "x", 32)
            pcall(f, "sha256", vals[i], "x", 32)
            pcall(f, "x25519", second, vals[i], vals[i])
            calls = calls + 3
          end
        end
      end
    end
    assert.is_true(calls > 1000)
  end)

  it("survives every method of every class called with every odd value, and wrong selves raise", function()
    local objs = objects()
    local vals = odd_values(objs)
    for _, cls in ipairs(sorted_keys(objs)) do
      local obj = objs[cls]
      local ms = methods(obj)
      for _, m in ipairs(sorted_keys(ms)) do
        for i = 1, vals.n do
          pcall(ms[m], obj, vals[i], vals[i], vals[i])
          pcall(ms[m], obj, 1, vals[i], "x")
          -- anything but this class's userdata as self is a misuse
          local self = vals[i]
          if rawequal(self, obj) or (type(self) == "userdata" and getmetatable(self) == getmetatable(obj)) then
            self = nil
          end
          local bad, err = raises(ms[m], self, "x", 1)
          assert.is_true(bad, cls .. ":" .. m .. " accepted a " .. type(self) .. " as self")
          assert.is_string(err)
        end
      end
    end
  end)

  it("raises from every __gc given another class's userdata or io.stdout, and a second __gc is harmless", function()
    local objs = objects()
    for _, cls in ipairs(sorted_keys(objs)) do
      local mt = getmetatable(objs[cls])
      if mt.__gc then
        for _, other in ipairs { io.stdout, objs.hash, objs.certificate, objs.secret, {}, 1, "x" } do
          if getmetatable(other) ~= mt then
            assert.is_true((raises(mt.__gc, other)), cls .. ".__gc accepted a " .. tostring(other))
          end
        end
        mt.__gc(objs[cls])
        mt.__gc(objs[cls])
      end
    end
  end)

  it("raises 'object is closed' from every method of a finalized object", function()
    -- the methods that still answer after finalization, by design
    local exempt = { secret = { len = true, wipe = true }, pkey = { close = true }, public_key = { close = true } }
    local objs = objects()
    for _, cls in ipairs(sorted_keys(objs)) do
      local obj = objs[cls]
      local mt = getmetatable(obj)
      if mt.__gc then
        mt.__gc(obj)
        local ms = methods(obj)
        for _, m in ipairs(sorted_keys(ms)) do
          if not (exempt[cls] and exempt[cls][m]) then
            for _, args in ipairs { {}, { "x" }, { 1, 2 }, { "sha256", "m", "s" } } do
              local bad, err = raises(ms[m], obj, (table.unpack or unpack)(args))
              assert.is_true(bad, cls .. ":" .. m .. " ran on a finalized object")
              assert.matches("object is closed", err, 1, true)
            end
          end
        end
      end
    end
    -- and the example of the issue
    local h = core.hash_new("sha256")
    getmetatable(h).__gc(h)
    local bad, err = raises(function() h:update("x") end)
    assert.is_true(bad)
    assert.matches("object is closed", err, 1, true)
    -- a wiped secret is not an empty key
    local s = core.secret("key")
    s:wipe()
    assert.is_true((raises(core.hmac, "sha256", s, "data")))
    assert.is_true((raises(core.hkdf, "sha256", s, nil, nil, 32)))
    assert.equal(0, s:len())
  end)

  it("raises for NaN, infinities, fractions and out-of-range numbers where an integer goes", function()
    local objs = objects()
    local rec = objs.record_protection
    local key = objs.pkey
    local rsa = assert(core.load_private_key(fx.pem.rsa2048))
    local cert, anchor = objs.certificate, assert(core.load_certificate(read(c.ca)))
    local calls = {
      random = function(x) return core.random(x) end,
      hkdf = function(x) return core.hkdf("sha256", "ikm", "", "", x) end,
      prf = function(x) return core.prf("sha256", "s", "label", "seed", x) end,
      parse_record = function(x) return core.parse_record("\22\3\3\0\0", x) end,
      parse_handshake = function(x) return core.parse_handshake("\14\0\0\0", x) end,
      build_change_cipher_spec = function(x) return core.build_change_cipher_spec(x) end,
      reassembler = function(x) return core.reassembler(x) end,
      build_record_type = function(x) return core.build_record { content_type = x, fragment = "" } end,
      build_record_length = function(x) return core.build_record { content_type = 22, fragment = "", length = x } end,
      build_alert = function(x) return core.build_alert { level = x, description = 0 } end,
      record_version = function(x)
        return core.record_protection { cipher = "aes_128_gcm", key = ("k"):rep(16), iv = ("i"):rep(4), version = x }
      end,
      seal_type = function(x) return rec:seal(x, "data") end,
      seal_pad = function(x)
        local cbc = core.record_protection { cipher = "aes_128_cbc", mac = "sha1", key = ("k"):rep(16), mac_key = ("m"):rep(20) }
        return cbc:seal(23, "data", { pad = x })
      end,
      open_type = function(x) return rec:open(x, "data") end,
      set_version = function(x) return rec:set_version(x) end,
      set_sequence = function(x) return rec:set_sequence(x) end,
      sign_scheme = function(x) return key:sign(x, "m") end,
      supports = function(x) return key:supports(x) end,
      premaster_version = function(x) return rsa:rsa_decrypt_premaster(("\0"):rep(256), x) end,
      secret_sub_i = function(x) return core.secret("abc"):sub(x) end,
      secret_sub_j = function(x) return core.secret("abc"):sub(1, x) end,
      verify_time = function(x) return core.verify_chain({ cert }, { anchor }, { time = x }) end,
      verify_max_depth = function(x) return core.verify_chain({ cert }, { anchor }, { max_depth = x }) end,
      verify_min_rsa_bits = function(x) return core.verify_chain({ cert }, { anchor }, { min_rsa_bits = x }) end,
      public_key_floor = function(x) return cert:public_key(x) end,
      load_public_key_floor = function(x) return core.load_public_key(rsa:spki(), x) end,
    }
    -- legal there: secret:sub takes string.sub's indexes, time any Unix second
    local wide = { secret_sub_i = true, secret_sub_j = true, verify_time = true, set_sequence = true }
    for _, name in ipairs(sorted_keys(calls)) do
      for _, x in ipairs { NAN, INF, -INF, 1e300, -1e300, 2 ^ 63, 2 ^ 53 + 2, 2 ^ 32 + 1, 1.5, -1e10 } do
        local bad = (wide[name] and (x == 2 ^ 32 + 1 or x == -1e10)) or raises(calls[name], x)
        assert.is_true(bad, name .. "(" .. tostring(x) .. ") did not raise")
      end
    end
    -- max_depth = 2^32 + 1 would have been cast to int 1 (a shorter path limit)
    assert.is_true((raises(core.verify_chain, { cert }, { anchor }, { max_depth = 2 ^ 32 + 1 })))
  end)

  it("raises for names with embedded NULs", function()
    assert.is_true((raises(core.hash, "sha256\0x", "")))
    assert.is_true((raises(core.hash_new, "sha256\0")))
    assert.is_true((raises(core.key_exchange, "x25519\0evil")))
    assert.is_true((raises(core.record_protection, { cipher = "aes_128_gcm\0x", key = ("k"):rep(16), iv = ("i"):rep(4) })))
    local key = assert(core.load_private_key(fx.pem.p256))
    assert.is_true((raises(key.sign, key, "ecdsa_secp256r1_sha256\0", "m")))
    assert.is_true((raises(core._aead, "chacha20_poly1305\0", ("k"):rep(32), ("n"):rep(12), "", "", nil, true)))
    -- peer-shaped input with a NUL is refused, not raised
    local cert = assert(core.load_certificate(read(c.rsa_cert)))
    local ok, alert = core.match_host(cert, "localhost\0.evil.example")
    assert.is_nil(ok)
    assert.equal("bad_certificate", alert)
  end)

  it("keeps option strings from an __index that makes fresh ones alive while C reads them", function()
    -- server-chosen DH: p and g read through the metamethod
    local p = assert(core.key_exchange("ffdhe2048")):params()
    for _ = 1, 3 do
      local kx = assert(core.key_exchange("dh", fresh_strings { p = p, g = "\2" }))
      local a, b = kx:params()
      assert.equal(p, a)
      assert.equal("\2", b)
    end
    -- verify_chain: host, purpose and key_usage read through the metamethod
    local cert = assert(core.load_certificate(read(c.rsa_cert)))
    local anchor = assert(core.load_certificate(read(c.ca)))
    for _ = 1, 3 do
      assert.is_true(core.verify_chain({ cert }, { anchor },
        fresh_strings { host = "localhost", purpose = "server", key_usage = "key_encipherment" }))
      local ok, alert = core.verify_chain({ cert }, { anchor }, fresh_strings { host = "otherhost.example" })
      assert.is_nil(ok)
      assert.equal("bad_certificate", alert)
    end
    -- record_protection: cipher, mac and keys read through the metamethod
    for _ = 1, 3 do
      local opts = { cipher = "aes_128_cbc", mac = "sha1", key = ("k"):rep(16), mac_key = ("m"):rep(20) }
      local a = core.record_protection(fresh_strings(opts))
      local b = core.record_protection(opts)
      assert.equal("data", b:open(23, a:seal(23, "data")))
    end
    -- parse_handshake: opts.kx read through the metamethod
    local ske = core.build_handshake { msg_type = "server_key_exchange", curve_type = 3, named_curve = 29,
      public = ("p"):rep(32), signature_algorithm = 0x0403, signature = "sig" }
    for _ = 1, 3 do
      local m = assert(core.parse_handshake(ske, 1, fresh_strings { kx = "ecdhe" }))
      assert.equal(29, m.named_curve)
    end
  end)
end)
