-- Micro-benchmark for the closing note, not a test: mean time of p:open()
-- on MAC-then-encrypt CBC records with good padding, bad padding and a bad
-- MAC (the Lucky 13 distinguishers, AlFardan & Paterson 2013).  With the
-- constant-time decryption in core/src/rec_cbc.c the three columns should
-- agree within noise for records of the same length.
--
--   lua5.4 bench/cbc_timing.lua [rounds] [batch]     (run from the repo root
--   after `make`; or luajit after `make luajit`)
package.path = "./lua/?.lua;./lua/?/init.lua;" .. package.path
package.cpath = (jit and "./build/luajit/?.so;" or "./build/lua5.4/?.so;") .. package.cpath -- make / make luajit
local tlshs = require "tlshs"

local rounds = tonumber(arg and arg[1]) or 30
local batch = tonumber(arg and arg[2]) or 2000

local okclock, socket = pcall(require, "socket")
local now = okclock and socket.gettime or os.clock

local MAC = { sha1 = 20, sha256 = 32, sha384 = 48 }

local function measure(rx, rec, n)
  local open, set = rx.open, rx.set_sequence
  local t0 = now()
  for _ = 1, n do
    set(rx, 0)
    open(rx, 23, rec)
  end
  return (now() - t0) / n
end

local function median(t)
  table.sort(t)
  return t[math.floor((#t + 1) / 2)]
end

print(string.format("%d rounds x %d opens, clock: %s", rounds, batch, okclock and "socket.gettime" or "os.clock"))
print(string.format("%-22s %6s  %12s %12s %12s %12s", "cipher/mac", "bytes",
  "good pad", "bad padding", "bad pad len", "bad MAC"))
for _, m in ipairs { "sha1", "sha256", "sha384" } do
  for _, size in ipairs { 64, 1024, 16384 } do
    local cfg = { cipher = "aes_128_cbc", mac = m, key = tlshs.random(16), mac_key = tlshs.random(MAC[m]) }
    local tx, rx = tlshs.record_protection(cfg), tlshs.record_protection(cfg)
    -- Same fragment length for all kinds: the good record carries the most
    -- content (minimal padding); the bad-padding one claims 255 bytes of
    -- padding minus a flipped byte, which a non-constant-time receiver
    -- would MAC over far fewer bytes.
    local function seal(opts)
      tx:set_sequence(0)
      return tx:seal(23, string.rep("a", opts.len), opts)
    end
    local mac = MAC[m]
    local body = size - size % 16            -- encrypted bytes after the IV
    local glen = body - mac - 1              -- good record: padding_length 0
    local p = math.min(255, body - mac - 1)  -- bad padding: as long as possible
    local good = seal { len = glen, pad = 0 }
    local badpad = seal { len = body - mac - 1 - p, pad = p, corrupt_padding = true }
    local badlen = seal { len = glen, pad = 0, corrupt_padding = true }
    local badmac = seal { len = glen, pad = 0, corrupt_mac = true }
    assert(#good == #badpad and #good == #badmac and #good == #badlen, "records differ in length")
    assert(rx:open(23, good)); rx:set_sequence(0)
    assert(not rx:open(23, badpad)); assert(not rx:open(23, badmac)); assert(not rx:open(23, badlen))
    local n = math.max(10, math.floor(batch * 1024 / (size + 1024)))
    local t = { {}, {}, {}, {} }
    for _ = 1, rounds do
      t[1][#t[1] + 1] = measure(rx, good, n)
      t[2][#t[2] + 1] = measure(rx, badpad, n)
      t[3][#t[3] + 1] = measure(rx, badlen, n)
      t[4][#t[4] + 1] = measure(rx, badmac, n)
    end
    print(string.format("%-22s %6d  %9.3f us %9.3f us %9.3f us %9.3f us", "aes_128_cbc/" .. m, #good,
      median(t[1]) * 1e6, median(t[2]) * 1e6, median(t[3]) * 1e6, median(t[4]) * 1e6))
  end
end
print("(medians of per-round means; 'bad pad len': the padding_length byte set to 255)")
