-- The 27 suites README.md promises ("What it negotiates"), written out by IANA
-- name and code point (RFC 5246, RFC 5288, RFC 5289, RFC 7905, RFC 8422).
-- Specs that must cover every suite iterate this list, not tlshs.suites.list,
-- so a suite dropped from the library fails them instead of shrinking them.
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

-- Each entry: name, id, and what the specs pick a certificate or a check by,
-- read from the name itself (not from tlshs.suites).
local pinned = { list = {} }
for i, e in ipairs(LIST) do
  local name = e[1]
  pinned.list[i] = {
    name = name, id = e[2],
    auth = name:match("_ECDSA_") and "ecdsa" or "rsa",
    kx = name:match("^TLS_ECDHE_") and "ecdhe" or name:match("^TLS_DHE_") and "dhe" or "rsa",
    aead = name:match("_CBC_") == nil,
  }
end
return pinned
