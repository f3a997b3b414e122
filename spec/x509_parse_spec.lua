-- Certificate parsing: real certificates (the shared TLS 1.2/1.3 transcripts
-- and a PKI made by openssl) checked field by field against
-- `openssl x509`; hostile DER rejected with bad_certificate and a detail
-- naming the field and offset; truncations and random mutations never raise.
local tlshs = require "tlshs"
local helpers = require "spec.helpers"
local pki = require "spec.support.pki"
local der = pki.der

local V = helpers.vectors .. "/tls12-transcripts/"

-- Days since 1970-01-01 (H. Hinnant), plain Lua 5.1 arithmetic.
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = math.floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

local MONTHS = { Jan = 1, Feb = 2, Mar = 3, Apr = 4, May = 5, Jun = 6, Jul = 7, Aug = 8, Sep = 9, Oct = 10,
                 Nov = 11, Dec = 12 }

-- "Oct  5 01:38:17 2018 GMT" → Unix seconds
local function openssl_time(s)
  local mon, d, h, mi, sec, y = s:match("(%a+)%s+(%d+) (%d+):(%d+):(%d+) (%d+) GMT")
  return days_from_civil(tonumber(y), MONTHS[mon], tonumber(d)) * 86400 + tonumber(h) * 3600 +
         tonumber(mi) * 60 + tonumber(sec)
end

local function run(cmd)
  local p = io.popen(cmd .. " 2>&1")
  local out = p:read("*a")
  p:close()
  return out
end

-- What openssl says about a DER certificate.
local function openssl_view(der_bytes)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(der_bytes)
  f:close()
  local base = "openssl x509 -inform DER -in '" .. path .. "' -noout "
  local text = run(base .. "-text -serial -subject -issuer -startdate -enddate -nameopt RFC2253")
  local fields = text
  os.remove(path)
  local v = { text = text }
  v.serial = fields:match("\nserial=(%x+)"):lower():gsub("^0+(.)", "%1")
  v.subject = fields:match("\nsubject=([^\n]*)")
  v.issuer = fields:match("\nissuer=([^\n]*)")
  v.not_before = openssl_time(fields:match("notBefore=([^\n]*)"))
  v.not_after = openssl_time(fields:match("notAfter=([^\n]*)"))
  v.version = tonumber(text:match("Version: (%d+)"))
  v.sigalg = text:match("Signature Algorithm: (%S+)")
  v.bits = tonumber(text:match("Public%-Key: %((%d+) bit%)"))
  v.dns = {}
  for name in (text:match("Subject Alternative Name:[^\n]*\n([^\n]*)") or ""):gmatch("DNS:([^,%s]+)") do
    v.dns[#v.dns + 1] = name
  end
  v.ips = {}
  for ip in (text:match("Subject Alternative Name:[^\n]*\n([^\n]*)") or ""):gmatch("IP Address:([^,%s]+)") do
    v.ips[#v.ips + 1] = ip:lower()
  end
  v.is_ca = text:match("CA:TRUE") ~= nil
  v.path_len = tonumber(text:match("pathlen:(%d+)"))
  v.ski = text:match("Subject Key Identifier:%s*\n%s*([%x:]+)")
  v.aki = text:match("Authority Key Identifier:%s*\n%s*([%x:]+)") or
          text:match("Authority Key Identifier:%s*\n%s*keyid:([%x:]+)")
  v.key_usage = text:match("Key Usage:[^\n]*\n%s*([^\n]*)")
  v.eku = text:match("Extended Key Usage:[^\n]*\n%s*([^\n]*)")
  return v
end

-- IPv6 text in openssl's uncompressed form ("0:0:0:0:0:0:0:1").
local function expand_ip(ip)
  if not ip:find(":") then return ip end
  local head, tail = ip:match("^(.-)::(.*)$")
  local groups = {}
  local function add(part)
    for g in part:gmatch("[^:]+") do groups[#groups + 1] = (g:gsub("^0+(.)", "%1")):lower() end
  end
  if head then
    add(head)
    local after = {}
    for g in tail:gmatch("[^:]+") do after[#after + 1] = g end
    for _ = 1, 8 - #groups - #after do groups[#groups + 1] = "0" end
    add(tail)
  else
    add(ip)
  end
  return table.concat(groups, ":")
end

local function colon_hex(h) return (h:gsub(":", ""):lower()) end

-- Certificates of the first Certificate handshake message in a Go recording.
local function go_certificates(path)
  local flows, cur = {}, nil
  for line in io.lines(path) do
    if line:match("^>>> Flow") then
      cur = {}
      flows[#flows + 1] = cur
    else
      local hex = line:match("^%x+%s%s(.-)%s%s|")
      if hex and cur then cur[#cur + 1] = helpers.unhex(hex) end
    end
  end
  local data = table.concat(flows[2])
  -- records → handshake bytes
  local hs, pos = {}, 1
  while pos + 5 <= #data do
    local typ, len = data:byte(pos), data:byte(pos + 3) * 256 + data:byte(pos + 4)
    if typ == 22 then hs[#hs + 1] = data:sub(pos + 5, pos + 4 + len) end
    pos = pos + 5 + len
  end
  hs = table.concat(hs)
  pos = 1
  while pos + 4 <= #hs do
    local typ = hs:byte(pos)
    local len = hs:byte(pos + 1) * 65536 + hs:byte(pos + 2) * 256 + hs:byte(pos + 3)
    if typ == 11 then
      local body, certs, p = hs:sub(pos + 4, pos + 3 + len), {}, 4
      while p < #body do
        local n = body:byte(p) * 65536 + body:byte(p + 1) * 256 + body:byte(p + 2)
        certs[#certs + 1] = body:sub(p + 3, p + 2 + n)
        p = p + 3 + n
      end
      return certs
    end
    pos = pos + 4 + len
  end
end

local function real_certificates()
  local list = {}
  local function add(name, bytes) list[#list + 1] = { name = name, der = bytes } end
  for _, f in ipairs { "illustrated-tls12/server.crt", "illustrated-tls12/ca.crt" } do
    add(f, assert(tlshs.load_certificate(helpers.read_file(V .. f))):der())
  end
  add("illustrated-tls13/server.crt",
      assert(tlshs.load_certificate(helpers.read_file(helpers.vectors ..
                                                      "/tls13-transcripts/illustrated-tls13/server.crt"))):der())
  for i, c in ipairs(go_certificates(V .. "go-crypto-tls/utls/Client-TLSv12-AES128-GCM-SHA256")) do
    add("go testdata certificate " .. i, c)
  end
  return list
end

local function check_against_openssl(name, bytes)
  local c, alert, detail = tlshs.parse_certificate(bytes)
  assert(c, name .. ": " .. tostring(alert) .. " " .. tostring(detail))
  local info, o = c:info(), openssl_view(bytes)
  assert.equal(o.version, info.version)
  assert.equal(o.serial, info.serial:gsub("^0+(.)", "%1"))
  assert.equal(o.subject, (info.subject:gsub(", ", ",")))
  assert.equal(o.issuer, (info.issuer:gsub(", ", ",")))
  assert.equal(o.not_before, info.not_before)
  assert.equal(o.not_after, info.not_after)
  assert.equal(o.sigalg, info.signature_algorithm)
  assert.equal(o.bits, info.public_key_bits)
  assert.same(o.dns, info.dns_names)
  local ips = {}
  for i, ip in ipairs(info.ip_addresses) do ips[i] = expand_ip(ip) end
  assert.same(o.ips, ips)
  assert.equal(o.is_ca, info.is_ca)
  assert.equal(o.path_len, info.path_len)
  if o.ski then assert.equal(colon_hex(o.ski), info.subject_key_id) end
  if o.aki then assert.equal(colon_hex(o.aki), info.authority_key_id) end
  if o.key_usage then
    local want = {}
    for words in o.key_usage:gmatch("[^,]+") do
      want[(words:gsub("^%s+", ""):gsub("%s+$", ""):gsub("Certificate Sign", "key_cert_sign")
            :gsub("CRL Sign", "crl_sign"):gsub(" ", "_"):lower())] = true
    end
    assert.same(want, info.key_usage)
  end
  if o.eku then
    local names = { ["TLS Web Server Authentication"] = "server_auth",
                    ["TLS Web Client Authentication"] = "client_auth", ["Code Signing"] = "code_signing" }
    local want = {}
    for words in o.eku:gmatch("[^,]+") do want[#want + 1] = names[(words:gsub("^%s+", ""))] end
    assert.same(want, info.ext_key_usage)
  end
  assert.equal(bytes, c:der())
  return c, info
end

describe("X.509 parsing", function()
  local files, dir
  setup(function() files, dir = pki.temporary() end)
  teardown(function() pki.remove(dir) end)

  it("reads the certificates of the shared transcripts as openssl does", function()
    local list = real_certificates()
    assert.is_true(#list >= 4)
    for _, item in ipairs(list) do check_against_openssl(item.name, item.der) end
  end)

  it("gives the documented info() of the illustrated TLS 1.2 server certificate", function()
    local c = assert(tlshs.load_certificate(helpers.read_file(V .. "illustrated-tls12/server.crt")))
    local i = c:info()
    assert.equal(3, i.version)
    assert.equal("155a92adc2048f90", i.serial)
    assert.equal("CN=example.ulfheim.net, C=US", i.subject)
    assert.equal("O=Example CA, C=US", i.issuer)
    assert.equal(1538703497, i.not_before)
    assert.equal(1570239497, i.not_after)
    assert.equal("rsa", i.public_key_type)
    assert.equal(2048, i.public_key_bits)
    assert.equal("sha256WithRSAEncryption", i.signature_algorithm)
    assert.is_false(i.is_ca)
    assert.same({ digital_signature = true, key_encipherment = true }, i.key_usage)
    assert.same({ "client_auth", "server_auth" }, i.ext_key_usage)
    assert.equal("894fde5bcc69e252cf3ea300dfb197b81de1c146", i.authority_key_id)
    assert.equal(3, #i.extensions)
    assert.equal("2.5.29.15", i.extensions[1].oid)
    assert.is_true(i.extensions[1].critical)
    assert.equal("\3\2\5\160", i.extensions[1].data)
    assert.equal(c:subject_der(), assert(tlshs.parse_certificate(c:der())):subject_der())
    local ca = assert(tlshs.load_certificate(helpers.read_file(V .. "illustrated-tls12/ca.crt")))
    assert.equal(c:issuer_der(), ca:subject_der())
  end)

  it("reads every certificate of the generated PKI as openssl does", function()
    local names = {}
    for name, path in pairs(files) do
      if not name:match("_key$") and path:match("%.pem$") then names[#names + 1] = name end
    end
    table.sort(names)
    assert.is_true(#names > 25)
    for _, name in ipairs(names) do
      for _, c in ipairs(assert(tlshs.load_certificates(helpers.read_file(files[name])))) do
        check_against_openssl(name, c:der())
      end
    end
  end)

  it("decodes keys, curves, PSS parameters and GeneralizedTime", function()
    local p384 = assert(tlshs.load_certificate(helpers.read_file(files.p384_leaf))):info()
    assert.equal("ec", p384.public_key_type)
    assert.equal("secp384r1", p384.curve)
    assert.equal("ecdsa-with-SHA384", p384.signature_algorithm)
    local leaf = assert(tlshs.load_certificate(helpers.read_file(files.leaf))):info()
    assert.equal("secp256r1", leaf.curve)
    local pss = assert(tlshs.load_certificate(helpers.read_file(files.pss_leaf))):info()
    assert.equal("rsassaPss", pss.signature_algorithm)
    assert.same({ hash = "sha256", mgf1_hash = "sha256", salt_length = 32 }, pss.pss)
    local long = assert(tlshs.load_certificate(helpers.read_file(files.long_lived))):info()
    assert.equal(2524608000, long.not_after) -- 2050-01-01, a GeneralizedTime
    local ip = assert(tlshs.load_certificate(helpers.read_file(files.ip))):info()
    assert.same({ "127.0.0.1", "::1" }, ip.ip_addresses)
    local crit = assert(tlshs.load_certificate(helpers.read_file(files.unknown_critical))):info()
    local found
    for _, e in ipairs(crit.extensions) do
      if e.oid == "1.2.3.4" then found = e end
    end
    assert.is_true(found.critical)
    assert.equal("\5\0", found.data)
  end)

  it("loads every PEM block of a bundle and skips other blocks", function()
    local bundle = helpers.read_file(files.untrusted)
    local certs = assert(tlshs.load_certificates(bundle))
    assert.equal(2, #certs)
    local with_key = helpers.read_file(files.leaf_key) .. "text between blocks\n" .. bundle
    assert.equal(2, #assert(tlshs.load_certificates(with_key)))
    assert.equal(certs[1], tlshs.load_certificate(with_key))
    local c, alert, detail = tlshs.load_certificates(helpers.read_file(files.leaf_key))
    assert.is_nil(c)
    assert.equal("bad_certificate", alert)
    assert.matches("no CERTIFICATE", detail)
    c, alert = tlshs.load_certificate("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
    assert.is_nil(c)
    assert.equal("bad_certificate", alert)
    assert.is_nil((tlshs.load_certificate("-----BEGIN CERTIFICATE-----\nMIIB\n")))
  end)

  it("rejects every truncation of a real certificate", function()
    local bytes = assert(tlshs.load_certificate(helpers.read_file(V .. "illustrated-tls12/server.crt"))):der()
    for n = 0, #bytes - 1 do
      local c, alert, detail = tlshs.parse_certificate(bytes:sub(1, n))
      assert.is_nil(c)
      assert.equal("bad_certificate", alert)
      assert.matches("^certificate%.", detail)
    end
    local c, alert, detail = tlshs.parse_certificate(bytes .. "\0")
    assert.is_nil(c)
    assert.equal("bad_certificate", alert)
    assert.matches("unexpected bytes", detail)
  end)

  it("never raises on random mutations", function()
    local seeds = { assert(tlshs.load_certificate(helpers.read_file(V .. "illustrated-tls12/server.crt"))):der(),
                    assert(tlshs.load_certificate(helpers.read_file(files.ip))):der(),
                    assert(tlshs.load_certificate(helpers.read_file(files.pss_leaf))):der() }
    math.randomseed(12345)
    local accepted = 0
    for round = 1, 3000 do
      local b = seeds[round % #seeds + 1]
      local bytes = { b:byte(1, -1) }
      for _ = 1, math.random(1, 4) do
        local at = math.random(1, #bytes)
        local kind = math.random(1, 3)
        if kind == 1 then bytes[at] = math.random(0, 255)
        elseif kind == 2 then bytes[at] = (bytes[at] + 1) % 256
        else table.remove(bytes, at) end
      end
      local s = string.char(unpack and unpack(bytes) or table.unpack(bytes))
      local ok, c, alert, detail = pcall(tlshs.parse_certificate, s)
      assert.is_true(ok, c)
      if c then
        accepted = accepted + 1
        assert.is_table(c:info())
        tlshs.match_host(c, "example.com")
        tlshs.verify_chain({ c }, { c }, { host = "127.0.0.1" })
      else
        assert.equal("bad_certificate", alert)
        assert.is_string(detail)
      end
    end
    assert.is_true(accepted < 3000)
  end)

  describe("refuses hostile DER", function()
    local good = pki.build_cert()

    local function refused(bytes, pattern)
      local c, alert, detail = tlshs.parse_certificate(bytes)
      assert.is_nil(c)
      assert.equal("bad_certificate", alert)
      assert.matches(pattern, detail)
    end

    it("accepts the unmodified built certificate", function()
      assert.is_userdata(tlshs.parse_certificate(good))
    end)

    it("lengths: indefinite, non-minimal, oversized, overflowing", function()
      refused("\48\128" .. good:sub(5) .. "\0\0", "indefinite length at offset 0")
      refused("\48\129\5" .. ("\0"):rep(5), "non%-minimal length 5 at offset 0")
      refused("\48\130\0\5" .. ("\0"):rep(5), "non%-minimal length at offset 0")
      refused("\48\132\255\255\255\255", "runs past the end")
      refused("\48\133\1\0\0\0\0", "length of 5 octets")
      refused("\63\1\0", "high%-tag%-number")
      refused("", "truncated at offset 0")
    end)

    it("integers: negative, oversized, non-minimal serial numbers", function()
      refused(pki.build_cert { serial = der.int("\128\1") }, "tbs%.serialNumber: negative INTEGER")
      refused(pki.build_cert { serial = der.int("\0\1") }, "tbs%.serialNumber: non%-minimal INTEGER")
      refused(pki.build_cert { serial = der.int(("\1"):rep(21)) }, "tbs%.serialNumber: 21 octets")
      refused(pki.build_cert { serial = der.int("") }, "empty INTEGER")
      assert.is_userdata(tlshs.parse_certificate(pki.build_cert { serial = der.int("\0\128" .. ("\1"):rep(19)) }))
      refused(pki.build_cert { version = der.tlv(0xa0, der.int("\3")) }, "tbs%.version: INTEGER too large")
    end)

    it("times: strict RFC 5280 forms only", function()
      local function validity(nb) return der.seq(nb, der.utc("400101000000Z")) end
      refused(pki.build_cert { validity = validity(der.utc("201301000000Z")) },
              "^certificate%.tbs%.validity%.notBefore: month 13 at offset %d+")
      refused(pki.build_cert { validity = validity(der.utc("210229000000Z")) }, "notBefore: day 29 of month 2")
      refused(pki.build_cert { validity = validity(der.utc("2001010000Z")) }, "notBefore: UTCTime of 11 bytes")
      refused(pki.build_cert { validity = validity(der.utc("200101000000+0100")) }, "notBefore: UTCTime")
      refused(pki.build_cert { validity = validity(der.gen("20200101000000.5Z")) }, "GeneralizedTime of 17 bytes")
      refused(pki.build_cert { validity = validity(der.utc("2001010000a0Z")) }, "non%-digit")
      refused(pki.build_cert { validity = validity(der.utc("200101240000Z")) }, "time of day 24:00:00")
      refused(pki.build_cert { validity = validity(der.int("\1")) }, "expected UTCTime or GeneralizedTime")
      local leap = assert(tlshs.parse_certificate(pki.build_cert { validity = validity(der.gen("20240229235959Z")) }))
      assert.equal(1709251199, leap:info().not_before)
      local y2k = assert(tlshs.parse_certificate(pki.build_cert { validity = validity(der.utc("491231235959Z")) }))
      assert.equal(2524607999, y2k:info().not_before)
      local old = assert(tlshs.parse_certificate(pki.build_cert { validity = validity(der.utc("500101000000Z")) }))
      assert.equal(-631152000, old:info().not_before)
    end)

    it("extensions: duplicates, v1 with extensions, malformed values", function()
      local san = der.ext { oid = "2.5.29.17", value = der.san { "dns:a.example" } }
      refused(pki.build_cert { extensions = { san, san } }, "duplicate extension 2%.5%.29%.17")
      refused(pki.build_cert { version = "", extensions = { san } }, "extensions: in a v1 certificate")
      refused(pki.build_cert { extensions = { der.ext { oid = "2.5.29.17", value = der.san { "ip:\1\2\3" } } } },
              "iPAddress of 3 bytes")
      refused(pki.build_cert { extensions = { der.ext { oid = "2.5.29.17", value = der.seq() } } },
              "subjectAltName: empty")
      refused(pki.build_cert { extensions = { der.ext { oid = "2.5.29.19", value = der.seq(der.tlv(1, "\1")) } } },
              "BOOLEAN not 00 or FF")
      refused(pki.build_cert { extensions = { der.ext { oid = "2.5.29.19", value = der.seq() .. "\0" } } },
              "extnValue: 1 unexpected bytes")
      refused(pki.build_cert { extensions = {} }, "tbs%.extensions: empty")
      refused(pki.build_cert { outer_sigalg = der.seq(der.oid("1.2.840.10045.4.3.3")) },
              "signatureAlgorithm: differs from tbs%.signature")
      local crit = assert(tlshs.parse_certificate(pki.build_cert {
        extensions = { der.ext { oid = "1.3.6.1.4.1.99999.1", critical = true, value = "\5\0" } } }))
      assert.same({ { oid = "1.3.6.1.4.1.99999.1", critical = true, data = "\5\0" } }, crit:info().extensions)
    end)

    it("nesting: depth is bounded by the schema, not the input", function()
      local nested = "\0"
      for _ = 1, 200 do nested = der.seq(nested) end
      refused(pki.build_cert { subject = nested }, "tbs%.subject")
    end)
  end)
end)
