-- The TLS 1.2 cipher suites tlshs can negotiate, by IANA name, with what the
-- flows need to run them: key exchange, authentication, record protection,
-- PRF hash and key-block layout (RFC 5246 §6.3, RFC 5288, RFC 7905, RFC 8422).
local suites = {}

-- cipher: record protection name (tlshs.record_protection); mac: HMAC hash
-- for CBC suites; prf: PRF hash; key/iv/mac: key-block lengths.
local CIPHERS = {
  AES_128_GCM = { cipher = "aes_128_gcm", key = 16, iv = 4, mac_len = 0 },
  AES_256_GCM = { cipher = "aes_256_gcm", key = 32, iv = 4, mac_len = 0 },
  CHACHA20_POLY1305 = { cipher = "chacha20_poly1305", key = 32, iv = 12, mac_len = 0 },
  AES_128_CBC = { cipher = "aes_128_cbc", key = 16, iv = 0 },
  AES_256_CBC = { cipher = "aes_256_cbc", key = 32, iv = 0 },
}
local MACS = { SHA = { "sha1", 20 }, SHA256 = { "sha256", 32 }, SHA384 = { "sha384", 48 } }

-- {IANA name, code point}; the preference order of the server and the default
-- offer of the client is this order (AEAD and forward secrecy first).
local LIST = {
  { "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xC02B },
  { "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xC02C },
  { "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA9 },
  { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xC02F },
  { "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xC030 },
  { "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA8 },
  { "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009E },
  { "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 0x009F },
  { "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCAA },
  { "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0xC023 },
  { "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 0xC024 },
  { "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0xC009 },
  { "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 0xC00A },
  { "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xC027 },
  { "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 0xC028 },
  { "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xC013 },
  { "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 0xC014 },
  { "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 0x0067 },
  { "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", 0x006B },
  { "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", 0x0033 },
  { "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", 0x0039 },
  { "TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009C },
  { "TLS_RSA_WITH_AES_256_GCM_SHA384", 0x009D },
  { "TLS_RSA_WITH_AES_128_CBC_SHA256", 0x003C },
  { "TLS_RSA_WITH_AES_256_CBC_SHA256", 0x003D },
  { "TLS_RSA_WITH_AES_128_CBC_SHA", 0x002F },
  { "TLS_RSA_WITH_AES_256_CBC_SHA", 0x0035 },
}

-- Signalling values that are not suites (RFC 5746 §3.3, RFC 7507).
suites.EMPTY_RENEGOTIATION_INFO_SCSV = 0x00FF
suites.FALLBACK_SCSV = 0x5600

-- Parses "TLS_<KX>_WITH_<CIPHER>_<MAC>" into the suite description.
local function describe(name, id)
  local kx_auth, cipher_name, mac_name = name:match("^TLS_(.-)_WITH_(.+)_(SHA%d*)$")
  local kx, auth = kx_auth:match("^(%w+)_(%w+)$")
  if not kx then kx, auth = kx_auth, kx_auth end -- TLS_RSA_WITH_...
  local c = assert(CIPHERS[cipher_name], name)
  local mac = MACS[mac_name]
  local aead = c.mac_len == 0
  return {
    name = name, id = id,
    kx = kx:lower(),                 -- "rsa" | "dhe" | "ecdhe"
    auth = auth:lower(),             -- "rsa" | "ecdsa"
    cipher = c.cipher,
    aead = aead,
    mac = (not aead) and mac[1] or nil,
    mac_key_len = aead and 0 or mac[2],
    key_len = c.key,
    iv_len = c.iv,
    -- RFC 5246 §5: the PRF is SHA-256 unless the suite says otherwise.
    prf = (mac_name == "SHA384") and "sha384" or "sha256",
  }
end

suites.list = {}
suites.by_name = {}
suites.by_id = {}
for i, entry in ipairs(LIST) do
  local s = describe(entry[1], entry[2])
  s.preference = i
  suites.list[i] = s
  suites.by_name[s.name] = s
  suites.by_id[s.id] = s
end

-- Default offers: every suite above, in that order.
function suites.default_names()
  local names = {}
  for i, s in ipairs(suites.list) do names[i] = s.name end
  return names
end

-- OpenSSL's name for a suite (e.g. "ECDHE-RSA-AES128-GCM-SHA256"), derived
-- from the IANA name by OpenSSL's naming rules; spec/api_strict_spec.lua
-- checks every one against `openssl ciphers -stdname`.
function suites.openssl_name(s)
  local kx_auth, cipher, mac = s.name:match("^TLS_(.-)_WITH_(.+)_(SHA%d*)$")
  local prefix = kx_auth == "RSA" and "" or (kx_auth:gsub("_", "-") .. "-")
  local bits, mode = cipher:match("^AES_(%d+)_(%u+)$")
  if cipher == "CHACHA20_POLY1305" then return prefix .. "CHACHA20-POLY1305" end
  if mode == "GCM" then return prefix .. "AES" .. bits .. "-GCM-" .. mac end
  return prefix .. "AES" .. bits .. "-" .. mac
end

suites.by_openssl_name = {}
for _, s in ipairs(suites.list) do suites.by_openssl_name[suites.openssl_name(s)] = s end

-- true, or nil and why a name (or number) is not a suite tlshs can run.
function suites.check(n)
  local s
  if type(n) == "number" then s = suites.by_id[n] elseif type(n) == "string" then s = suites.by_name[n] end
  if s then return true end
  local names = table.concat(suites.default_names(), ", ")
  if type(n) == "string" and suites.by_openssl_name[n] then
    return nil, string.format("unknown cipher suite '%s': that is OpenSSL's name for %s; use the IANA name", n,
      suites.by_openssl_name[n].name)
  end
  local core = require "tlshs.core"
  local known = (type(n) == "string" or type(n) == "number") and core.names.cipher_suites[n]
  if type(n) == "number" then
    return nil, string.format("cipher suite 0x%04X%s is not supported by tlshs; supported suites are: %s", n,
      known and (" (" .. known .. ")") or "", names)
  elseif type(n) ~= "string" then
    return nil, "a cipher suite is an IANA name or a number, got " .. type(n)
  end
  return nil, string.format("%s cipher suite '%s'; supported suites are: %s",
    known and "unsupported" or "unknown", n, names)
end

-- Resolves a list of IANA names (or numbers) to suite descriptions.
-- Unknown names raise: they are a script's mistake, not a peer's.
function suites.resolve(names)
  if type(names) ~= "table" then error("tlshs: cipher suites must be a list of IANA names, got " .. type(names), 3) end
  local out = {}
  for i, n in ipairs(names) do
    local ok, why = suites.check(n)
    if not ok then error("tlshs: " .. why, 3) end
    out[i] = type(n) == "number" and suites.by_id[n] or suites.by_name[n]
  end
  return out
end

return suites
