-- `make bench`: runs our benchmarks and OpenSSL's reference alternately
-- and prints one table.  Not a test (figures depend on the machine).
--
--   lua5.4 bench/run.lua [--rounds 3] [--scale 1.0] [--smoke]
--
-- Each handshake row runs ours, then OpenSSL's, --rounds times, and keeps
-- the best of each (other load on the machine only ever slows a run down).
-- --smoke: a few handshakes and records per row, checks that everything
-- runs and prints "N passed, N failed" (for CI); no figures to compare.
local root = (arg[0]:match("^(.*)/[^/]*$") or ".") .. "/.."
local argv = {}
for i = 1, #arg do argv[i] = arg[i] end
local opts = { rounds = 3, scale = 1.0, smoke = false }
local i = 1
while i <= #argv do
  local a = argv[i]
  if a == "--rounds" then opts.rounds = tonumber(argv[i + 1]); i = i + 1
  elseif a == "--scale" then opts.scale = tonumber(argv[i + 1]); i = i + 1
  elseif a == "--smoke" then opts.smoke = true
  else error("unknown option " .. a) end
  i = i + 1
end
if opts.smoke then opts.rounds, opts.scale = 1, 0.02 end

local certs = root .. "/build/bench/certs/"
local ossl = root .. "/build/bench/ossl_bench"
local lua = "lua5.4"

local function run(cmd)
  local p = io.popen(cmd .. " 2>&1")
  local out = p:read("a")
  local ok, _, code = p:close()
  return out, ok and 0 or code
end

local failures, passes = {}, 0
local function figure(out, code, pattern, what)
  local v = tonumber(out:match(pattern .. "%s*([%d%.]+)%s*$"))
  if code ~= 0 or not v then
    failures[#failures + 1] = what .. ":\n" .. out
    return nil
  end
  passes = passes + 1
  return v
end

local function n_of(base) return math.max(2, math.floor(base * opts.scale)) end

-- The handshake rows: suite, credentials, group, handshakes per run.
local HANDSHAKES = {
  { "RSA key exchange", "TLS_RSA_WITH_AES_128_GCM_SHA256", "rsa", nil, 600 },
  { "ECDHE-RSA X25519", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "rsa", "x25519", 500 },
  { "ECDHE-RSA P-256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "rsa", "secp256r1", 200 },
  { "DHE-RSA ffdhe2048", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "rsa", "ffdhe2048", 80 },
  { "ECDHE-ECDSA P-256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ec", "secp256r1", 120 },
  { "ECDHE-ECDSA X25519 Ed25519", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ed", "x25519", 800 },
  -- the same handshakes with a record cipher that has no per-key tables
  -- (libtomcrypt's AES-128-GCM builds 64 KiB of GHASH tables per direction)
  { "RSA key exchange", "TLS_RSA_WITH_AES_256_GCM_SHA384", "rsa", nil, 600 },
  { "ECDHE-RSA X25519", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "rsa", "x25519", 500 },
  { "ECDHE-ECDSA X25519 Ed25519", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ed", "x25519", 800 },
}

local RECORDS = {
  { "AES-128-GCM", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "aes-128-gcm", nil, 1500 },
  { "AES-256-GCM", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "aes-256-gcm", "aes-256-gcm", 15000 },
  { "ChaCha20-Poly1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "chacha20-poly1305", "chacha20-poly1305", 15000 },
  { "AES-128-CBC-SHA (EtM)", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", nil, nil, 2500 },
}

local function best(a, b) if not a then return b end if not b then return a end return math.max(a, b) end
local function ratio(a, b) if a and b and b > 0 then return string.format("%.2f", a / b) end return "-" end
local function fmt(v) return v and string.format("%.0f", v) or "FAIL" end

io.write("tlshs benchmarks (ours: lua5.4, our client vs our server in one VM; OpenSSL ",
  (run("openssl version"):match("^(%S+ %S+)") or "?"), " client vs server in one process)\n")
io.write("handshakes: full (no resumption), client verifies the chain against the certificate's CA\n",
  "  and the name localhost, then 4 bytes each way and close_notify; best of ", opts.rounds, " alternated runs\n\n")
io.write(string.format("%-27s %-46s %9s %9s %6s %10s %10s %6s\n", "handshake", "suite", "ours/s", "ossl/s",
  "ratio", "ours heap", "ossl heap", "ratio"))
for _, row in ipairs(HANDSHAKES) do
  local label, suite, kind, group, base = row[1], row[2], row[3], row[4], row[5]
  local n = n_of(base)
  local cert, key, ca = certs .. kind .. ".pem", certs .. kind .. ".key", certs .. kind .. "-ca.pem"
  local ours_cmd = string.format("%s %s/bench/handshake.lua --suite %s %s --cert %s --key %s --cafile %s -n %d",
    lua, root, suite, group and ("--group " .. group) or "", cert, key, ca, n)
  local ossl_cmd = string.format("%s handshake %s %s %s %s %s %d", ossl, suite, group or "-", cert, key, ca, n)
  local ours, theirs, ours_heap, ossl_heap
  for r = 1, opts.rounds do
    local mem = r == 1 and not opts.smoke
    local out, code = run(ours_cmd .. (mem and " --memory --pairs 50" or ""))
    ours = best(ours, figure(out, code, "handshakes/s:", "ours " .. label .. " " .. suite))
    if mem then ours_heap = tonumber(out:match("\nheap per pair: (%d+)")) end
    out, code = run(ossl_cmd .. (mem and " 50" or ""))
    theirs = best(theirs, figure(out, code, "handshakes/s:", "openssl " .. label .. " " .. suite))
    if mem then ossl_heap = tonumber(out:match("heap per pair: (%d+)")) end
  end
  io.write(string.format("%-27s %-46s %9s %9s %6s %10s %10s %6s\n", label, suite, fmt(ours), fmt(theirs),
    ratio(ours, theirs), ours_heap and tostring(ours_heap) or "-", ossl_heap and tostring(ossl_heap) or "-",
    ratio(ours_heap, ossl_heap)))
  io.flush()
end

-- A ClientHello of 131,396 bytes (the largest legal one) next to a normal
-- one, same suite: its cost must stay linear in its size (issue 13).
io.write(string.format("\n%-27s %-46s %9s\n", "big hello (ours only)", "suite", "ours/s"))
for _, hello in ipairs { "normal", "max" } do
  local suite, n, v = "TLS_RSA_WITH_AES_128_GCM_SHA256", n_of(hello == "max" and 60 or 600), nil
  for _ = 1, opts.rounds do
    local out, code = run(string.format("%s %s/bench/handshake.lua --suite %s --cert %srsa.pem --key %srsa.key"
      .. " --cafile %srsa-ca.pem -n %d --warmup 1 --hello %s", lua, root, suite, certs, certs, certs, n, hello))
    v = best(v, figure(out, code, "handshakes/s:", "ours big hello " .. hello))
  end
  io.write(string.format("%-27s %-46s %9s\n", hello == "max" and "ClientHello 131,396 bytes" or "ClientHello normal",
    suite, fmt(v)))
end

io.write("\nrecords: 16 KiB application-data records, seal + open, MB/s of plaintext; ours = tlshs.record_protection,\n",
  "  ossl = SSL_write + SSL_read over a BIO pair, EVP = OpenSSL EVP AEAD alone, raw = libsodium's AEAD alone\n\n")
io.write(string.format("%-22s %9s %9s %6s %9s %9s %6s\n", "cipher", "ours", "ossl", "ratio", "EVP", "raw", "ratio"))
for _, row in ipairs(RECORDS) do
  local label, suite, evp, sodium, base = row[1], row[2], row[3], row[4], row[5]
  local n = n_of(base)
  local ours, theirs, evp_v, raw
  for _ = 1, opts.rounds do
    local out, code = run(string.format("%s %s/bench/records.lua --suite %s -n %d", lua, root, suite, n))
    ours = best(ours, figure(out, code, "MB/s:", "ours records " .. label))
    out, code = run(string.format("%s records %s 16384 %d %srsa.pem %srsa.key", ossl, suite, n, certs, certs))
    theirs = best(theirs, figure(out, code, "MB/s:", "openssl records " .. label))
    if evp then
      out, code = run(string.format("%s evp %s 16384 %d", ossl, evp, n))
      evp_v = best(evp_v, figure(out, code, "MB/s:", "evp " .. label))
    end
    if sodium then
      out, code = run(string.format("%s sodium %s 16384 %d", ossl, sodium, n))
      raw = best(raw, figure(out, code, "MB/s:", "libsodium " .. label))
    end
  end
  io.write(string.format("%-22s %9s %9s %6s %9s %9s %6s\n", label, fmt(ours), fmt(theirs), ratio(ours, theirs),
    evp_v and fmt(evp_v) or "-", raw and fmt(raw) or "-", ratio(ours, raw)))
  io.flush()
end

for _, f in ipairs(failures) do io.stderr:write("FAILED ", f, "\n") end
if opts.smoke then
  print(string.format("%d passed, %d failed", passes, #failures))
  local summary = os.getenv("TLSHS_SUMMARY") -- .ci/run adds up every suite
  if summary and summary ~= "" then
    local f = assert(io.open(summary, "a"))
    f:write(passes, " ", #failures, "\n")
    f:close()
  end
end
os.exit(#failures == 0 and 0 or 1)
