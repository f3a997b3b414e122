-- The TLS 1.2 key schedule, from the premaster secret to record protection
-- (RFC 5246 §8.1, §6.3, §7.4.9; RFC 7627 §4 for the extended master secret).
-- Secrets stay in tlshs.secret objects, which are wiped when collected.
local core = require "tlshs.core"

local keys = {}

-- RFC 5246 §8.1 / RFC 7627 §4: session_hash is the transcript hash up to
-- and including ClientKeyExchange when extended_master_secret was negotiated.
function keys.master_secret(prf_hash, premaster, client_random, server_random, session_hash)
  if session_hash then
    return core.prf(prf_hash, premaster, "extended master secret", session_hash, 48)
  end
  return core.prf(prf_hash, premaster, "master secret", client_random .. server_random, 48)
end

-- RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion",
-- server_random + client_random), cut into MAC keys, keys, then IVs.
-- Returns the client-write and server-write protection parameters.
function keys.key_block(suite, master_secret, client_random, server_random, etm)
  local m, k, v = suite.mac_key_len, suite.key_len, suite.iv_len
  local block = core.prf(suite.prf, master_secret, "key expansion", server_random .. client_random, 2 * (m + k + v))
  local pos = 1
  local function cut(n)
    local part = block:sub(pos, pos + n - 1)
    pos = pos + n
    return part
  end
  local client_mac, server_mac = cut(m), cut(m)
  local client_key, server_key = cut(k), cut(k)
  local client_iv, server_iv = cut(v), cut(v)
  local function params(key, iv, mac_key)
    return { cipher = suite.cipher, mac = suite.mac, key = key, iv = iv, mac_key = mac_key,
             etm = (not suite.aead) and etm or false, version = 0x0303 }
  end
  return params(client_key, client_iv, client_mac), params(server_key, server_iv, server_mac)
end

-- RFC 5246 §7.4.9: verify_data = PRF(master_secret, finished_label,
-- Hash(handshake_messages))[0..11]; label "client finished" / "server finished".
function keys.verify_data(prf_hash, master_secret, label, transcript_hash)
  return core.prf(prf_hash, master_secret, label, transcript_hash, 12):bytes()
end

-- Appends the NSS key log line (CLIENT_RANDOM <client_random> <master_secret>,
-- the format Wireshark and tshark read) to the file at path. The line is
-- made and written in C (lua/bind_keylog.c), so the master secret never
-- becomes a Lua string; the file is created mode 0600 and a symbolic link
-- in its place is refused. Returns true, or nil, detail.
function keys.keylog_append(path, client_random, master_secret)
  return core.keylog_append(path, "CLIENT_RANDOM", client_random, master_secret)
end

return keys
