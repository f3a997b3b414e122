-- Path validation: every case of spec/support/pki.lua is run through
-- tlshs.verify_chain and through `openssl verify -x509_strict`; the verdicts
-- (accept, or the category of the rejection) must agree, and must be the one
-- the case expects.
local tlshs = require "tlshs"
local helpers = require "spec.helpers"
local pki = require "spec.support.pki"

-- OpenSSL verify error numbers (include/openssl/x509_vfy.h) → our alerts.
local OPENSSL_CATEGORY = {
  [9] = "certificate_expired",      -- X509_V_ERR_CERT_NOT_YET_VALID
  [10] = "certificate_expired",     -- X509_V_ERR_CERT_HAS_EXPIRED
  [2] = "unknown_ca",               -- UNABLE_TO_GET_ISSUER_CERT
  [18] = "unknown_ca",              -- DEPTH_ZERO_SELF_SIGNED_CERT
  [19] = "unknown_ca",              -- SELF_SIGNED_CERT_IN_CHAIN
  [20] = "unknown_ca",              -- UNABLE_TO_GET_ISSUER_CERT_LOCALLY
  [21] = "unknown_ca",              -- UNABLE_TO_VERIFY_LEAF_SIGNATURE
  [22] = "unknown_ca",              -- CERT_CHAIN_TOO_LONG
  [24] = "unknown_ca",              -- INVALID_CA
  [25] = "unknown_ca",              -- PATH_LENGTH_EXCEEDED
  [32] = "unknown_ca",              -- KEYUSAGE_NO_CERTSIGN
  [79] = "unknown_ca",              -- CA_BCONS_NOT_CRITICAL (strict)
  [82] = "unknown_ca",              -- KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA (strict)
  [7] = "bad_certificate",          -- CERT_SIGNATURE_FAILURE
  [62] = "bad_certificate",         -- HOSTNAME_MISMATCH
  [64] = "bad_certificate",         -- IP_ADDRESS_MISMATCH
  [26] = "unsupported_certificate", -- INVALID_PURPOSE
  [34] = "unsupported_certificate", -- UNHANDLED_CRITICAL_EXTENSION
}

local function openssl_verdict(files, case)
  local cmd = { "openssl verify -x509_strict -CAfile '" .. files[case.root] .. "'" }
  if case.untrusted then cmd[#cmd + 1] = "-untrusted '" .. files[case.untrusted] .. "'" end
  if case.time then cmd[#cmd + 1] = string.format("-attime %d", case.time) end
  if case.host then cmd[#cmd + 1] = "-verify_hostname '" .. case.host .. "'" end
  if case.ip then cmd[#cmd + 1] = "-verify_ip '" .. case.ip .. "'" end
  if case.purpose then cmd[#cmd + 1] = "-purpose ssl" .. case.purpose end
  cmd[#cmd + 1] = "'" .. files[case.leaf] .. "' 2>&1"
  local p = io.popen(table.concat(cmd, " "))
  local out = p:read("*a")
  p:close()
  if out:match(": OK\n") then return "accept", out end
  local code = tonumber(out:match("error (%d+) at %d+ depth"))
  return OPENSSL_CATEGORY[code] or ("openssl error " .. tostring(code)), out
end

local function load_all(path)
  return assert(tlshs.load_certificates(helpers.read_file(path)))
end

describe("tlshs.verify_chain against openssl verify", function()
  local files, dir
  setup(function() files, dir = pki.temporary() end)
  teardown(function() pki.remove(dir) end)

  for _, case in ipairs(pki.cases) do
    it(case.name, function()
      local chain = { load_all(files[case.leaf])[1] }
      if case.untrusted then
        for _, c in ipairs(load_all(files[case.untrusted])) do chain[#chain + 1] = c end
      end
      local ok, alert, reason = tlshs.verify_chain(chain, load_all(files[case.root]), {
        host = case.host or case.ip, time = case.time, purpose = case.purpose, key_usage = case.key_usage })
      local ours = ok and "accept" or alert
      local theirs, out = openssl_verdict(files, case)
      assert.equal(case.expect or "accept", ours, reason)
      -- opts.key_usage has no openssl equivalent: -purpose sslserver accepts
      -- any of digitalSignature/keyEncipherment/keyAgreement.
      if not case.key_usage or ours == "accept" then
        assert.equal(theirs, ours, "openssl said: " .. out)
      end
      if ok then
        assert.equal(chain[1], alert[1])
        assert.equal("table", type(alert))
        assert.is_true(alert[#alert]:info().is_ca or #alert == 1)
      else
        assert.is_string(reason)
      end
    end)
  end

  it("returns the path leaf → anchor, ignoring extra and out-of-order certificates", function()
    local leaf = load_all(files.leaf)[1]
    local inter = load_all(files.inter)[1]
    local extra = load_all(files.rsa_leaf)[1]
    local p384 = load_all(files.p384_inter)[1]
    local root = load_all(files.root)[1]
    local ok, path = tlshs.verify_chain({ leaf, extra, p384, inter }, { load_all(files.rsa_root)[1], root },
                                        { host = "example.com", time = 1700000000 })
    assert.is_true(ok)
    assert.equal(3, #path)
    assert.equal(leaf, path[1])
    assert.equal(inter, path[2])
    assert.equal(root, path[3])
  end)

  it("accepts an anchor sent in the chain and a leaf that is itself an anchor", function()
    local leaf, inter, root = load_all(files.leaf)[1], load_all(files.inter)[1], load_all(files.root)[1]
    assert.is_true(tlshs.verify_chain({ leaf, inter, root }, { root }))
    local self = load_all(files.self_signed)[1]
    local ok, path = tlshs.verify_chain({ self }, { self }, { host = "example.com" })
    assert.is_true(ok)
    assert.equal(1, #path)
  end)

  it("enforces the depth limit", function()
    local leaf, inter, root = load_all(files.leaf)[1], load_all(files.inter)[1], load_all(files.root)[1]
    local ok, alert, reason = tlshs.verify_chain({ leaf, inter }, { root }, { max_depth = 2 })
    assert.is_nil(ok)
    assert.equal("unknown_ca", alert)
    assert.matches("2 certificates", reason)
    assert.is_true(tlshs.verify_chain({ leaf, inter }, { root }, { max_depth = 3 }))
  end)

  it("reports the key usage mismatch for RSA key exchange", function()
    local leaf, inter, root = load_all(files.leaf)[1], load_all(files.inter)[1], load_all(files.root)[1]
    local ok, alert, reason = tlshs.verify_chain({ leaf, inter }, { root }, { key_usage = "key_encipherment" })
    assert.is_nil(ok)
    assert.equal("unsupported_certificate", alert)
    assert.matches("keyEncipherment", reason)
  end)

  it("raises on misuse", function()
    assert.has_error(function() tlshs.verify_chain({ "not a cert" }, {}) end)
    assert.has_error(function() tlshs.verify_chain({}, {}, { purpose = "web" }) end)
  end)

  it("gives the public key of a certificate", function()
    local rsa = load_all(files.rsa_leaf)[1]
    local key = rsa:public_key()
    assert.is_userdata(key)
    local ec = load_all(files.p384_leaf)[1]:public_key()
    assert.is_userdata(ec)
  end)
end)
