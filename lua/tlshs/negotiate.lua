-- Choices both sides make the same way: default groups and signature
-- schemes, picking a signature scheme for a key, looking up extensions.
local core = require "tlshs.core"

local negotiate = {}

negotiate.DEFAULT_GROUPS = { "x25519", "secp256r1", "secp384r1", "ffdhe2048", "ffdhe3072" }

-- Our preference, strongest common ones first (RFC 8446 §4.2.3 names; in
-- TLS 1.2 they stand for the hash/signature pairs of RFC 5246 §7.4.1.4.1).
negotiate.DEFAULT_SIGNATURE_SCHEMES = {
  "ed25519", "ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384",
  "rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512",
  "rsa_pkcs1_sha256", "rsa_pkcs1_sha384", "rsa_pkcs1_sha512",
  "ecdsa_sha1", "rsa_pkcs1_sha1",
}

-- RFC 5246 §7.4.1.4.1: a peer that sends no signature_algorithms supports
-- {sha1, <its key's algorithm>}.
negotiate.IMPLIED_SIGNATURE_SCHEMES = { 0x0201, 0x0203 }

-- What the engine can complete (core.key_exchange; the signature schemes
-- core's keys can make and check in TLS 1.2). Nothing else is ever offered:
-- an option naming another group or scheme raises. spec/api_strict_spec.lua
-- checks these lists against the C core.
negotiate.SUPPORTED = {
  groups = { "x25519", "secp256r1", "secp384r1", "ffdhe2048", "ffdhe3072", "ffdhe4096" },
  signature_schemes = negotiate.DEFAULT_SIGNATURE_SCHEMES,
}
local WHAT = { groups = "group", signature_schemes = "signature scheme" }

local supported_set = {}
for table_name, list in pairs(negotiate.SUPPORTED) do
  local set = {}
  for _, n in ipairs(list) do set[n] = true end
  supported_set[table_name] = set
end

-- true, or nil and why v (a name or number of that IANA table) is not one
-- tlshs supports, listing the supported ones.
function negotiate.check(table_name, v)
  local what, names = WHAT[table_name], core.names[table_name]
  local name = v
  if type(v) == "number" then name = names[v] end
  if type(name) == "string" and supported_set[table_name][name] then return true end
  local valid = table.concat(negotiate.SUPPORTED[table_name], ", ")
  if type(v) == "number" then
    return nil, string.format("%s 0x%04x%s is not supported by tlshs; supported %ss are: %s", what, v,
      name and (" (" .. name .. ")") or "", what, valid)
  elseif type(v) ~= "string" then
    return nil, string.format("a %s is a name or a number, got %s", what, type(v))
  elseif names[v] then
    return nil, string.format("%s '%s' is not supported by tlshs; supported %ss are: %s", what, v, what, valid)
  end
  return nil, string.format("unknown %s '%s'; supported %ss are: %s", what, v, what, valid)
end

-- Names (or numbers) of supported groups or schemes to numbers; anything
-- else raises (a script's mistake).
function negotiate.ids(table_name, list)
  local t, out = core.names[table_name], {}
  for i, v in ipairs(list) do
    local ok, why = negotiate.check(table_name, v)
    if not ok then error("tlshs: " .. why, 3) end
    out[i] = type(v) == "number" and v or t[v]
  end
  return out
end

function negotiate.name(table_name, n)
  return core.names[table_name][n]
end

function negotiate.contains(list, value)
  for _, v in ipairs(list or {}) do
    if v == value then return true end
  end
  return false
end

-- The first scheme of `ours` (our order) that `theirs` allows and the key can
-- make; nil when there is none.
function negotiate.signature_scheme(key, ours, theirs)
  for _, scheme in ipairs(ours) do
    if negotiate.contains(theirs, scheme) and key:supports(scheme) then return scheme end
  end
end

-- The extension with this name in a parsed message, or nil.
function negotiate.extension(msg, name)
  for _, e in ipairs(msg.extensions or {}) do
    if e.name == name then return e end
  end
end

function negotiate.is_ip_literal(host)
  return host:match("^%d+%.%d+%.%d+%.%d+$") ~= nil or host:find(":", 1, true) ~= nil
end

return negotiate
