-- Deterministic byte-string mutations for the hostile-peer specs (plain
-- Lua 5.1 that also runs on 5.4: no bit operators, no integer division).
--   local mutate = require "fuzz.mutate"
--   local rng = mutate.rng(seed)            -- Park-Miller, exact in doubles
--   local bad = mutate.mutate(bytes, rng, others)
--   local flights = mutate.flights(stream, "client")  -- from a capture
local M = {}

function M.rng(seed)
  local state = (seed % 2147483646) + 1
  local r = {}
  -- integer in [lo, hi]
  function r.int(lo, hi)
    state = (state * 16807) % 2147483647
    return lo + state % (hi - lo + 1)
  end
  return r
end

local interesting = { 0, 1, 0x7f, 0x80, 0xff, 0x16, 0x03, 0x14, 0x15, 0x17 }

local function pick_byte(rng)
  if rng.int(0, 1) == 0 then return interesting[rng.int(1, #interesting)] end
  return rng.int(0, 255)
end

local ops = {
  -- flip one bit
  function(s, rng)
    if #s == 0 then return s end
    local i = rng.int(1, #s)
    local b, bit = s:byte(i), 2 ^ rng.int(0, 7)
    local nb = (b % (2 * bit) >= bit) and b - bit or b + bit
    return s:sub(1, i - 1) .. string.char(nb) .. s:sub(i + 1)
  end,
  -- set one byte
  function(s, rng)
    if #s == 0 then return s end
    local i = rng.int(1, #s)
    return s:sub(1, i - 1) .. string.char(pick_byte(rng)) .. s:sub(i + 1)
  end,
  -- truncate
  function(s, rng)
    return s:sub(1, rng.int(0, #s))
  end,
  -- delete a range
  function(s, rng)
    if #s < 2 then return s end
    local i = rng.int(1, #s)
    return s:sub(1, i - 1) .. s:sub(i + rng.int(1, 64))
  end,
  -- insert random bytes
  function(s, rng)
    local i, t = rng.int(0, #s), {}
    for k = 1, rng.int(1, 16) do t[k] = string.char(pick_byte(rng)) end
    return s:sub(1, i) .. table.concat(t) .. s:sub(i + 1)
  end,
  -- duplicate a range
  function(s, rng)
    if #s < 2 then return s end
    local i = rng.int(1, #s)
    local j = math.min(#s, i + rng.int(0, 200))
    return s:sub(1, j) .. s:sub(i, j) .. s:sub(j + 1)
  end,
  -- overwrite two bytes with a large or small length-like value
  function(s, rng)
    if #s < 3 then return s end
    local i = rng.int(1, #s - 1)
    local v = ({ 0, 1, 0xff, 0x100, 0x3fff, 0x4000, 0x4801, 0xffff })[rng.int(1, 8)]
    return s:sub(1, i - 1) .. string.char(math.floor(v / 256), v % 256) .. s:sub(i + 2)
  end,
  -- swap two ranges' contents (same length)
  function(s, rng)
    if #s < 8 then return s end
    local n = rng.int(1, math.min(32, math.floor(#s / 2)))
    local i, j = rng.int(1, #s - n + 1), rng.int(1, #s - n + 1)
    local a, b = s:sub(i, i + n - 1), s:sub(j, j + n - 1)
    s = s:sub(1, i - 1) .. b .. s:sub(i + n)
    return s:sub(1, j - 1) .. a .. s:sub(j + n)
  end,
}

-- 1 to 3 mutations; with `others`, sometimes a splice with another sample.
function M.mutate(s, rng, others)
  if others and #others > 0 and rng.int(0, 7) == 0 then
    local o = others[rng.int(1, #others)]
    s = s:sub(1, rng.int(0, #s)) .. o:sub(rng.int(1, #o + 1))
  end
  for _ = 1, rng.int(1, 3) do s = ops[rng.int(1, #ops)](s, rng) end
  return s
end

-- Splits a captured direction into whole records: { {type=, bytes=} ... }.
function M.records(stream)
  local out, i = {}, 1
  while i + 4 <= #stream do
    local n = stream:byte(i + 3) * 256 + stream:byte(i + 4)
    out[#out + 1] = { type = stream:byte(i), bytes = stream:sub(i, i + 4 + n) }
    i = i + 5 + n
  end
  return out
end

-- The handshake part of a captured direction: every record up to and
-- including the first one after ChangeCipherSpec (the Finished).
function M.handshake_part(stream)
  local t, ccs = {}, false
  for _, r in ipairs(M.records(stream)) do
    t[#t + 1] = r.bytes
    if ccs then break end
    if r.type == 20 then ccs = true end
  end
  return table.concat(t)
end

-- The handshake parts of every capture in dir, for one direction ("c2s" or "s2c").
function M.samples(dir, direction)
  local names = {}
  local p = io.popen('ls "' .. dir .. '"')
  for f in p:lines() do
    if f:match("%." .. direction .. "$") then names[#names + 1] = f end
  end
  p:close()
  table.sort(names)
  local out = {}
  for _, f in ipairs(names) do
    local h = io.open(dir .. "/" .. f, "rb")
    out[#out + 1] = M.handshake_part(h:read("*a"))
    h:close()
  end
  return out
end

-- Resident set size of a process in KiB (Linux), or nil.
function M.rss_kib(pid)
  local f = io.open("/proc/" .. tostring(pid or "self") .. "/status")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return tonumber(s:match("VmRSS:%s*(%d+)"))
end

return M
