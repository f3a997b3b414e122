-- Test PKIs made with the openssl CLI at test time.
--
--   local pki = require "spec.support.pki"
--   local files = pki.generate(dir)   -- dir is created if missing
--
-- `files` maps a name to a PEM file path.  Keys: <name>.key next to each
-- certificate that has one (files.leaf_key, files.rsa_leaf_key, ...).
--
--   root, root_key        EC P-256 root CA "tlshs Test Root"
--                         (CAs are valid 2000..2060, leaves 2020..2040 unless said)
--   inter, inter_key      EC P-256 intermediate CA, signed by root
--   leaf, leaf_key        EC P-256 leaf, SAN example.com + www.example.com,
--                         keyUsage digitalSignature, EKU serverAuth+clientAuth
--   expired               leaf valid 2010..2015
--   not_yet_valid         leaf valid 2039..2045
--   long_lived            leaf valid until 2050 (notAfter is a GeneralizedTime)
--   wrong_host            leaf for other.example.net only
--   wildcard              leaf for *.example.com
--   ip                    leaf for IP 127.0.0.1 and ::1
--   cn_only               leaf without subjectAltName, CN=example.com
--   self_signed           self-signed leaf for example.com (not a CA)
--   no_ca_inter           intermediate without cA (basicConstraints CA:FALSE)
--   no_ca_leaf            leaf signed by no_ca_inter
--   nocertsign_inter      intermediate CA whose keyUsage lacks keyCertSign
--   nocertsign_leaf       leaf signed by nocertsign_inter
--   wrong_ku              leaf whose keyUsage is nonRepudiation only
--   ke_only               leaf whose keyUsage is keyEncipherment only
--   code_signing          leaf whose EKU is codeSigning only
--   client_only           leaf whose EKU is clientAuth only
--   unknown_critical      leaf with a critical extension 1.2.3.4
--   pathlen_inter1        intermediate CA with pathLenConstraint 0 (signed by root)
--   pathlen_inter2        intermediate CA signed by pathlen_inter1
--   pathlen_leaf          leaf signed by pathlen_inter2 (violates pathLen 0)
--   bad_signature         leaf with one byte of its signature changed
--   p384_inter            EC P-384 intermediate (signed by root, ecdsa-with-SHA384)
--   p384_leaf             EC P-384 leaf signed by p384_inter (ecdsa-with-SHA384)
--   rsa_root              RSA-2048 root CA
--   rsa_leaf, rsa_leaf_key  RSA-2048 leaf signed by rsa_root (sha256WithRSAEncryption)
--   pss_leaf              RSA-2048 leaf signed by rsa_root with RSASSA-PSS (SHA-256, salt 32)
--   untrusted             inter.pem + p384_inter.pem (the usual -untrusted file)
--   pathlen_chain         pathlen_inter2.pem + pathlen_inter1.pem
--
-- pki.cases lists verification cases: { name, leaf, untrusted (file or nil),
-- root, host | ip, purpose ("server"|"client"|nil), expect = nil (accept) or
-- an alert name }.  Generation takes about a second (EC keys except where RSA
-- is the point).
local pki = {}

local function sh(cmd)
  local ok, how, code = os.execute(cmd .. " >/dev/null 2>&1")
  if ok == true or ok == 0 then return true end
  error("pki: command failed (" .. tostring(how) .. " " .. tostring(code) .. "): " .. cmd)
end

local function write(path, data)
  local f = assert(io.open(path, "wb"))
  f:write(data)
  f:close()
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local d = f:read("*a")
  f:close()
  return d
end

local VALID = { "20200101000000Z", "20400101000000Z" }      -- leaves
local CA_VALID = { "20000101000000Z", "20600101000000Z" }   -- CAs (notAfter a GeneralizedTime)

local EXTENSIONS = [[
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_ca_pathlen0 ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_not_ca ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_ca_nocertsign ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:example.com, DNS:www.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_rsa ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:example.com, DNS:www.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ wrong_host ]
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example.net

[ wildcard ]
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.example.com

[ ip ]
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1

[ cn_only ]
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth

[ wrong_ku ]
keyUsage = critical, nonRepudiation
extendedKeyUsage = serverAuth
subjectAltName = DNS:example.com

[ ke_only ]
keyUsage = critical, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:example.com

[ code_signing ]
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectAltName = DNS:example.com

[ client_only ]
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:example.com

[ unknown_critical ]
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:example.com
1.2.3.4 = critical, DER:0500

[ self_signed ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:example.com
]]

local function ca_config(dir)
  return ([[
[ ca ]
default_ca = tlshs_ca
[ tlshs_ca ]
dir = %s
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
commonName = optional
organizationName = optional
countryName = optional
[ req ]
distinguished_name = dn
[ dn ]
]]):format(dir)
end

function pki.generate(dir)
  sh("mkdir -p '" .. dir .. "/newcerts'")
  write(dir .. "/index.txt", "")
  write(dir .. "/serial", "1000\n")
  write(dir .. "/ca.cnf", ca_config(dir))
  write(dir .. "/ext.cnf", EXTENSIONS)
  local files = {}
  local cnf = " -config '" .. dir .. "/ca.cnf'"

  local function path(name) return dir .. "/" .. name .. ".pem" end

  local function key(name, kind)
    local k = path(name .. "_key")
    if kind == "rsa" then
      sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out '" .. k .. "'")
    else
      sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:" .. (kind or "P-256") ..
         " -out '" .. k .. "'")
    end
    files[name .. "_key"] = k
    return k
  end

  local function csr(name, keyfile, subj)
    local c = dir .. "/" .. name .. ".csr"
    sh("openssl req -new" .. cnf .. " -key '" .. keyfile .. "' -subj '" .. subj .. "' -out '" .. c .. "'")
    return c
  end

  -- Signs csrfile with the CA (cert + key) or self-signs with keyfile.
  local function issue(name, csrfile, ext, ca, dates, extra)
    dates = dates or VALID
    local signer
    if ca then
      signer = " -cert '" .. files[ca] .. "' -keyfile '" .. files[ca .. "_key"] .. "'"
    else
      signer = " -selfsign -keyfile '" .. files[name .. "_key"] .. "'"
    end
    sh("openssl ca -batch -notext -preserveDN" .. cnf .. signer .. " -in '" .. csrfile ..
       "' -out '" .. path(name) .. "' -extfile '" .. dir .. "/ext.cnf' -extensions " .. ext ..
       " -startdate " .. dates[1] .. " -enddate " .. dates[2] .. (extra or ""))
    files[name] = path(name)
    return path(name)
  end

  -- CAs
  issue("root", csr("root", key("root"), "/O=tlshs/CN=tlshs Test Root"), "v3_ca", nil, CA_VALID)
  issue("inter", csr("inter", key("inter"), "/O=tlshs/CN=tlshs Test Intermediate"), "v3_ca", "root", CA_VALID)
  issue("no_ca_inter", csr("no_ca_inter", key("no_ca_inter"), "/CN=tlshs Not A CA"), "v3_not_ca", "root", CA_VALID)
  issue("nocertsign_inter", csr("nocertsign_inter", key("nocertsign_inter"), "/CN=tlshs No CertSign"),
        "v3_ca_nocertsign", "root", CA_VALID)
  issue("pathlen_inter1", csr("pathlen_inter1", key("pathlen_inter1"), "/CN=tlshs PathLen0"),
        "v3_ca_pathlen0", "root", CA_VALID)
  issue("pathlen_inter2", csr("pathlen_inter2", key("pathlen_inter2"), "/CN=tlshs Below PathLen0"),
        "v3_ca", "pathlen_inter1", CA_VALID)
  issue("p384_inter", csr("p384_inter", key("p384_inter", "P-384"), "/CN=tlshs P-384 Intermediate"),
        "v3_ca", "root", CA_VALID, " -md sha384")

  -- Leaves share one key and one request where the subject is the same.
  local lkey = key("leaf")
  local lcsr = csr("leaf", lkey, "/O=tlshs/CN=example.com")
  issue("leaf", lcsr, "leaf", "inter")
  issue("expired", lcsr, "leaf", "inter", { "20100101000000Z", "20150101000000Z" })
  issue("not_yet_valid", lcsr, "leaf", "inter", { "20390101000000Z", "20450101000000Z" })
  issue("long_lived", lcsr, "leaf", "inter", { "20200101000000Z", "20500101000000Z" })
  for _, case in ipairs { "wrong_host", "wildcard", "ip", "cn_only", "wrong_ku", "ke_only",
                          "code_signing", "client_only", "unknown_critical" } do
    issue(case, lcsr, case, "inter")
  end
  issue("no_ca_leaf", lcsr, "leaf", "no_ca_inter")
  issue("nocertsign_leaf", lcsr, "leaf", "nocertsign_inter")
  issue("pathlen_leaf", lcsr, "leaf", "pathlen_inter2")
  files.self_signed_key = lkey
  issue("self_signed", lcsr, "self_signed", nil)
  issue("p384_leaf", csr("p384_leaf", key("p384_leaf", "P-384"), "/CN=example.com"), "leaf",
        "p384_inter", nil, " -md sha384")

  -- RSA: a root, a PKCS#1 v1.5 leaf and an RSASSA-PSS leaf.
  issue("rsa_root", csr("rsa_root", key("rsa_root", "rsa"), "/O=tlshs/CN=tlshs RSA Root"), "v3_ca", nil, CA_VALID)
  local rcsr = csr("rsa_leaf", key("rsa_leaf", "rsa"), "/CN=example.com")
  issue("rsa_leaf", rcsr, "leaf_rsa", "rsa_root")
  issue("pss_leaf", rcsr, "leaf_rsa", "rsa_root", nil,
        " -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest")

  -- A leaf whose signature no longer verifies: flip the last signature byte.
  local der_file = dir .. "/leaf.der"
  sh("openssl x509 -in '" .. files.leaf .. "' -outform DER -out '" .. der_file .. "'")
  local der = read(der_file)
  local last = der:byte(#der)
  write(dir .. "/bad_signature.der", der:sub(1, -2) .. string.char((last + 1) % 256))
  sh("openssl x509 -inform DER -in '" .. dir .. "/bad_signature.der' -out '" .. path("bad_signature") .. "'")
  files.bad_signature = path("bad_signature")

  -- The usual untrusted bundle.
  write(dir .. "/untrusted.pem", read(files.inter) .. read(files.p384_inter))
  files.untrusted = dir .. "/untrusted.pem"
  write(dir .. "/pathlen_chain.pem", read(files.pathlen_inter2) .. read(files.pathlen_inter1))
  files.pathlen_chain = dir .. "/pathlen_chain.pem"
  return files
end

-- Verification cases: the spec runs each through tlshs.verify_chain and
-- `openssl verify` and compares the verdicts.  `expect` is our alert name.
pki.cases = {
  { name = "good chain", leaf = "leaf", untrusted = "untrusted", root = "root", host = "example.com" },
  { name = "good chain, second name", leaf = "leaf", untrusted = "untrusted", root = "root",
    host = "WWW.Example.COM" },
  { name = "no host check", leaf = "leaf", untrusted = "untrusted", root = "root" },
  { name = "server purpose", leaf = "leaf", untrusted = "untrusted", root = "root", host = "example.com",
    purpose = "server" },
  { name = "expired leaf", leaf = "expired", untrusted = "untrusted", root = "root", host = "example.com",
    expect = "certificate_expired" },
  { name = "not yet valid leaf", leaf = "not_yet_valid", untrusted = "untrusted", root = "root",
    expect = "certificate_expired" },
  { name = "expired leaf accepted at a time inside its validity", leaf = "expired", untrusted = "untrusted",
    root = "root", time = 1400000000 },
  { name = "GeneralizedTime notAfter", leaf = "long_lived", untrusted = "untrusted", root = "root",
    time = 2450000000 },
  { name = "chain checked after the root expired", leaf = "leaf", untrusted = "untrusted", root = "root",
    time = 2900000000, expect = "certificate_expired" },
  { name = "wrong host", leaf = "wrong_host", untrusted = "untrusted", root = "root", host = "example.com",
    expect = "bad_certificate" },
  { name = "wildcard matches one label", leaf = "wildcard", untrusted = "untrusted", root = "root",
    host = "a.example.com" },
  { name = "wildcard does not match the bare domain", leaf = "wildcard", untrusted = "untrusted",
    root = "root", host = "example.com", expect = "bad_certificate" },
  { name = "wildcard does not match two labels", leaf = "wildcard", untrusted = "untrusted", root = "root",
    host = "a.b.example.com", expect = "bad_certificate" },
  { name = "IPv4 SAN", leaf = "ip", untrusted = "untrusted", root = "root", ip = "127.0.0.1" },
  { name = "IPv6 SAN", leaf = "ip", untrusted = "untrusted", root = "root", ip = "::1" },
  { name = "IP not in the SAN", leaf = "ip", untrusted = "untrusted", root = "root", ip = "127.0.0.2",
    expect = "bad_certificate" },
  { name = "IP literal against DNS names", leaf = "leaf", untrusted = "untrusted", root = "root",
    ip = "127.0.0.1", expect = "bad_certificate" },
  { name = "CN fallback without SAN", leaf = "cn_only", untrusted = "untrusted", root = "root",
    host = "example.com" },
  { name = "self-signed leaf", leaf = "self_signed", root = "root", host = "example.com",
    expect = "unknown_ca" },
  { name = "missing intermediate", leaf = "leaf", root = "root", expect = "unknown_ca" },
  { name = "wrong root", leaf = "leaf", untrusted = "untrusted", root = "rsa_root", expect = "unknown_ca" },
  { name = "intermediate without cA", leaf = "no_ca_leaf", untrusted = "no_ca_inter", root = "root",
    expect = "unknown_ca" },
  { name = "intermediate without keyCertSign", leaf = "nocertsign_leaf", untrusted = "nocertsign_inter",
    root = "root", expect = "unknown_ca" },
  { name = "pathLenConstraint exceeded", leaf = "pathlen_leaf", untrusted = "pathlen_chain", root = "root",
    expect = "unknown_ca" },
  { name = "bad signature", leaf = "bad_signature", untrusted = "untrusted", root = "root",
    expect = "bad_certificate" },
  { name = "unknown critical extension", leaf = "unknown_critical", untrusted = "untrusted", root = "root",
    expect = "unsupported_certificate" },
  { name = "keyUsage without digitalSignature", leaf = "wrong_ku", untrusted = "untrusted", root = "root",
    purpose = "server", key_usage = "digital_signature", expect = "unsupported_certificate" },
  { name = "EKU codeSigning only", leaf = "code_signing", untrusted = "untrusted", root = "root",
    purpose = "server", expect = "unsupported_certificate" },
  { name = "EKU clientAuth only, as a server", leaf = "client_only", untrusted = "untrusted", root = "root",
    purpose = "server", expect = "unsupported_certificate" },
  { name = "EKU clientAuth only, as a client", leaf = "client_only", untrusted = "untrusted", root = "root",
    purpose = "client" },
  { name = "P-384 chain", leaf = "p384_leaf", untrusted = "untrusted", root = "root", host = "example.com" },
  { name = "RSA chain", leaf = "rsa_leaf", root = "rsa_root", host = "example.com", purpose = "server",
    key_usage = "key_encipherment" },
  { name = "RSASSA-PSS signed leaf", leaf = "pss_leaf", root = "rsa_root", host = "example.com" },
}

-- ---- a small DER builder, for certificates no CA would sign -------------
-- pki.der.tlv(tag, body), seq(...), set(...), oid("1.2.3"), int(bytes),
-- utc("YYMMDDHHMMSSZ"), gen("YYYYMMDDHHMMSSZ"), utf8(s), octets(s), bits(s)
local der = {}
pki.der = der

local function der_len(n)
  if n < 128 then return string.char(n) end
  if n < 256 then return "\129" .. string.char(n) end
  return "\130" .. string.char(math.floor(n / 256), n % 256)
end

function der.tlv(tag, body) return string.char(tag) .. der_len(#body) .. body end
function der.seq(...) return der.tlv(0x30, table.concat({ ... })) end
function der.set(...) return der.tlv(0x31, table.concat({ ... })) end
function der.int(bytes) return der.tlv(0x02, bytes) end
function der.utc(s) return der.tlv(0x17, s) end
function der.gen(s) return der.tlv(0x18, s) end
function der.utf8(s) return der.tlv(0x0c, s) end
function der.octets(s) return der.tlv(0x04, s) end
function der.bits(s) return der.tlv(0x03, "\0" .. s) end

local function base128(n)
  local out = string.char(n % 128)
  n = math.floor(n / 128)
  while n > 0 do
    out = string.char(128 + n % 128) .. out
    n = math.floor(n / 128)
  end
  return out
end

function der.oid(dotted)
  local arcs = {}
  for a in dotted:gmatch("%d+") do arcs[#arcs + 1] = tonumber(a) end
  local body = base128(arcs[1] * 40 + arcs[2])
  for i = 3, #arcs do body = body .. base128(arcs[i]) end
  return der.tlv(0x06, body)
end

function der.name(cn) return der.seq(der.set(der.seq(der.oid("2.5.4.3"), der.utf8(cn)))) end

-- One extension: { oid = "2.5.29.17", critical = true, value = <DER> }.
function der.ext(e)
  return der.seq(der.oid(e.oid), e.critical and der.tlv(0x01, "\255") or "", der.octets(e.value))
end

-- subjectAltName value from { "dns:a.example", "ip:<4 or 16 raw bytes>" }.
function der.san(list)
  local parts = {}
  for _, item in ipairs(list) do
    local kind, v = item:match("^(%a+):(.*)$")
    parts[#parts + 1] = der.tlv(kind == "ip" and 0x87 or 0x82, v)
  end
  return der.seq(table.concat(parts))
end

-- An (unsigned: the signature is filler) X.509 v3 certificate; every field
-- can be overridden with raw DER: version, serial, sigalg, issuer, validity,
-- subject, spki, extensions (list of der.ext strings or nil), signature.
-- The PKI in a fresh temporary directory: files, dir (pki.remove(dir) after).
function pki.temporary()
  local dir = os.tmpname()
  os.remove(dir)
  return pki.generate(dir), dir
end

function pki.remove(dir)
  if dir then os.execute("rm -rf '" .. dir .. "'") end
end

function pki.build_cert(o)
  o = o or {}
  local sigalg = o.sigalg or der.seq(der.oid("1.2.840.10045.4.3.2"))
  local spki = o.spki or der.seq(der.seq(der.oid("1.2.840.10045.2.1"), der.oid("1.2.840.10045.3.1.7")),
                                 der.bits("\4" .. string.rep("\1", 64)))
  local exts = ""
  if o.extensions then exts = der.tlv(0xa3, der.seq(table.concat(o.extensions))) end
  local tbs = der.seq(o.version or der.tlv(0xa0, der.int("\2")),
                      o.serial or der.int("\1"),
                      sigalg,
                      o.issuer or der.name("Test CA"),
                      o.validity or der.seq(der.utc("200101000000Z"), der.utc("400101000000Z")),
                      o.subject or der.name("test"),
                      spki,
                      exts)
  return der.seq(tbs, o.outer_sigalg or sigalg, o.signature or der.bits(string.rep("\7", 70)))
end

return pki
