-- Reads two callgrind outputs of bench/handshake.lua (-n 0 and -n N) and
-- prints instructions per handshake: total, inside the public-key entry
-- points (inclusive), and the rest.  Used by bench/profile.sh.
local base_file, run_file, n = arg[1], arg[2], tonumber(arg[3])

-- The public-key operations: signing, verifying (ServerKeyExchange,
-- CertificateVerify and the certificate's own signature), key-exchange key
-- generation and agreement, RSA encryption and decryption.
local PUBLIC_KEY = {
  "ths_pkey_sign", "ths_pkey_verify", "ths_kx_init", "ths_kx_agree",
  "ths_rsa_encrypt", "ths_rsa_decrypt_premaster", "ths_rsa_decrypt",
}
-- Other buckets worth a line (inclusive; may overlap nothing above).
local OTHERS = {
  { "record protection setup (ths_rec_init)", { "ths_rec_init" } },
  { "record seal/open", { "ths_rec_seal", "ths_rec_open" } },
  { "PRF / HMAC / hashes", { "ths_prf", "ths_hash_update", "ths_hash_digest", "ths_hash_new", "ths_hash_fork" } },
  { "message build/parse (C)", { "ths_msg_build", "ths_msg_parse", "l_build_handshake", "l_parse_handshake" } },
  { "X.509 parse", { "ths_x509_parse" } },
  { "malloc/free/realloc", { "malloc", "free", "realloc", "_int_malloc", "_int_free", "_int_realloc" } },
}

local function inclusive(file, names)
  local p = io.popen("callgrind_annotate --inclusive=yes --threshold=100 " .. file .. " 2>/dev/null")
  local totals, want, program = {}, {}, nil
  for _, n in ipairs(names) do want[n] = true end
  for line in p:lines() do
    local count, fn = line:match("^%s*([%d,]+)%s.-%s%S-:(%S+)")
    if count then
      count = tonumber((count:gsub(",", "")))
      fn = fn:gsub("'%d+$", "")
      if want[fn] and (not totals[fn] or count > totals[fn]) then totals[fn] = count end
    end
    local prog = line:match("^%s*([%d,]+)%s.*PROGRAM TOTALS")
    if prog then program = tonumber((prog:gsub(",", ""))) end
  end
  p:close()
  local sum = 0
  for _, v in pairs(totals) do sum = sum + v end
  return sum, program
end

local pk0, total0 = inclusive(base_file, PUBLIC_KEY)
local pk1, total1 = inclusive(run_file, PUBLIC_KEY)
local total = math.floor((total1 - total0) / n)
local pk = math.floor((pk1 - pk0) / n)
print(string.format("instructions per handshake: %d", total))
print(string.format("  public-key operations:    %9d  %5.1f%%", pk, 100 * pk / total))
print(string.format("  everything else:          %9d  %5.1f%%", total - pk, 100 * (total - pk) / total))
for _, o in ipairs(OTHERS) do
  local a = inclusive(base_file, o[2])
  local b = inclusive(run_file, o[2])
  print(string.format("    %-34s %9d  %5.1f%%", o[1], math.floor((b - a) / n), 100 * (b - a) / n / total))
end

-- The Lua interpreter itself (exclusive: the VM, tables, strings, GC).
local function vm(file)
  local p = io.popen("callgrind_annotate --threshold=100 " .. file .. " 2>/dev/null")
  local sum = 0
  for line in p:lines() do
    local count = line:match("^%s*([%d,]+)%s.*%[/usr/bin/lua5%.4%]%s*$")
    if count then sum = sum + tonumber((count:gsub(",", ""))) end
  end
  p:close()
  return sum
end
local v = math.floor((vm(run_file) - vm(base_file)) / n)
print(string.format("    %-34s %9d  %5.1f%%", "Lua VM (lua5.4, exclusive)", v, 100 * v / total))
