-- Calls every function of tlshs.core, and every method of every object it
-- returns, with odd arguments (empty, short, long, wrong types) under pcall.
-- A Lua error is fine; what must not happen is the process dying: an
-- abort() (libtomcrypt's LTC_ARGCHK aborts in Debian's build), an assert or
-- a crash would take a whole nginx worker down. Prints "calls N" at the end.
local c = require "tlshs.core"
local vals = { "", "\0", string.rep("\255", 33), string.rep("\0", 48), "x", 0, -1, 2 ^ 31, 65536, {}, { "" }, true,
  "sha256", "sha384", "x25519", "secp256r1", "secp384r1", "ffdhe2048", "aes_128_gcm", "chacha20_poly1305",
  "aes_128_cbc", "\22\3\3\0\0", "\1\0\0\0", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
  -- issue 13: NaN, infinities, huge numbers, a foreign userdata, embedded NULs
  0 / 0, math.huge, -math.huge, 1e300, io.stdout, "sha256\0x" }
local names = {}
for k, v in pairs(c) do if type(v) == "function" and k ~= "set_random" then names[#names + 1] = k end end
table.sort(names)
local n = 0
local function poke(obj)
  local mt = getmetatable(obj)
  local idx = mt and mt.__index
  if type(idx) ~= "table" then return end
  for _, f in pairs(idx) do
    for _, x in ipairs(vals) do
      n = n + 1
      pcall(f, obj, x, x, x)
      pcall(f, x, x, x)   -- another self: must raise, not crash
    end
  end
  -- finalizers on foreign values, then twice, then every method once closed
  if mt.__gc then
    pcall(mt.__gc, io.stdout)
    pcall(mt.__gc, obj)
    pcall(mt.__gc, obj)
    for _, f in pairs(idx) do n = n + 1; pcall(f, obj, "x", 1) end
  end
end
for _, name in ipairs(names) do
  for _, a in ipairs(vals) do
    for _, b in ipairs(vals) do
      for _, d in ipairs { "", "sha256", "x25519", 1, {} } do
        n = n + 1
        local ok, r = pcall(c[name], a, b, d)
        if ok and type(r) == "userdata" then poke(r) end
      end
    end
  end
end
print("calls " .. n)
