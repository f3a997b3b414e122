-- AEAD records recorded on the wire between Go's crypto/tls client and an
-- OpenSSL s_server (spec/vectors/tls12-transcripts/go-crypto-tls; see
-- PROVENANCE.md): every record after ChangeCipherSpec, in both directions,
-- must open with the connection's keys, and re-sealing the plaintext must
-- give the recorded bytes back.  This checks what Wycheproof cannot: the
-- nonce and AAD construction of RFC 5288 and RFC 7905.
--
-- The keys come from the recordings' known secrets (the Go client's random
-- and key-exchange secrets are all zero bytes: RSA premaster 0303‖0^46, X25519
-- private key 0^32) through the TLS 1.2 PRF and, where negotiated, the
-- extended master secret (RFC 7627), computed outside this repository with
-- Python's hmac/hashlib and `openssl pkeyutl -derive`; that every recorded
-- tag verifies below confirms every byte.
local tlshs = require "tlshs"
local helpers = require "spec.helpers"
local unhex, hex = helpers.unhex, helpers.hex

local dir = helpers.vectors .. "/tls12-transcripts/go-crypto-tls/"
local flows = require("spec.support.go_flows").read


-- The records each side sent after its ChangeCipherSpec.
local function protected_records(path)
  local after = { client = {}, server = {} }
  local active = {}
  for _, f in ipairs(flows(path)) do
    local s, i = f.bytes, 1
    while i <= #s do
      local typ, len = s:byte(i), s:byte(i + 3) * 256 + s:byte(i + 4)
      local frag = s:sub(i + 5, i + 4 + len)
      assert(#frag == len, "truncated record")
      if active[f.from] then
        table.insert(after[f.from], { type = typ, frag = frag })
      elseif typ == 20 then
        active[f.from] = true
      end
      i = i + 5 + len
    end
  end
  return after
end

local transcripts = {
  { file = "golang-go/Client-TLSv12-AES128-GCM-SHA256", cipher = "aes_128_gcm",
    client_key = "22fcd22c23f3058f1fac0534b45c57aa", client_iv = "f84b98ae",
    server_key = "f42c85722470b288076272aeb0a211ca", server_iv = "741f6114" },
  { file = "utls/Client-TLSv12-AES256-GCM-SHA384", cipher = "aes_256_gcm",
    client_key = "9dfbb161947fbb2c71ea79a06c9552e66de511431842825fb87cd652ea82aad1", client_iv = "60651cea",
    server_key = "69babecb5a1673daa1233fa364c0a2deed541288dd136c4164f8441e6d095f99", server_iv = "a2bbb80d" },
  { file = "utls/Client-TLSv12-ECDHE-RSA-CHACHA20-POLY1305", cipher = "chacha20_poly1305",
    client_key = "75e4aac572a3cdea66a3eff8ced157047f3bb85c3cbb20a05b3db8f7b49b0678",
    client_iv = "773cfdf8297666ee060b060e",
    server_key = "6c6e79e0d4cc1631801ae2bb9225e3ba608aea17034e60af358907fd5cd9ceae",
    server_iv = "ab088f21f4027021cd8878f0" },
}

describe("AEAD records recorded between Go crypto/tls and OpenSSL", function()
  for _, t in ipairs(transcripts) do
    for _, software in ipairs(t.cipher == "aes_256_gcm" and { false, true } or { false }) do
      it(t.file .. (software and " (libtomcrypt GCM)" or ""), function()
        local recs = protected_records(dir .. t.file)
        local opened = 0
        for _, side in ipairs { "client", "server" } do
          local cfg = { cipher = t.cipher, key = unhex(t[side .. "_key"]), iv = unhex(t[side .. "_iv"]),
                        software_gcm = software }
          local rx, tx = tlshs.record_protection(cfg), tlshs.record_protection(cfg)
          assert.is_true(#recs[side] >= (side == "client" and 2 or 1), side .. " records")
          for i, r in ipairs(recs[side]) do
            local pt, alert, detail = rx:open(r.type, r.frag)
            assert.is_string(pt, side .. " record " .. i .. ": " .. tostring(alert) .. " " .. tostring(detail))
            if i == 1 then
              assert.equal(22, r.type)
              assert.equal("1400000c", hex(pt:sub(1, 4))) -- Finished, 12 bytes of verify_data
            end
            local opts = t.cipher ~= "chacha20_poly1305" and { iv = r.frag:sub(1, 8) } or nil
            assert.equal(hex(r.frag), hex(tx:seal(r.type, pt, opts)))
            opened = opened + 1
          end
          -- the last record, replayed, no longer opens
          local last = recs[side][#recs[side]]
          assert.equal("bad_record_mac", select(2, rx:open(last.type, last.frag)))
        end
        assert.is_true(opened >= 3)
      end)
    end
  end
end)
