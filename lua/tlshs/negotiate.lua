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

-- Names (or numbers) to numbers, through the IANA tables.
function negotiate.ids(table_name, list)
  local t, out = core.names[table_name], {}
  for i, v in ipairs(list) do
    out[i] = type(v) == "number" and v or t[v] or error("tlshs: unknown " .. table_name .. " name: " .. tostring(v), 3)
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
