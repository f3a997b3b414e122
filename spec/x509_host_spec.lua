-- Host-name matching (RFC 6125 §6.4, RFC 2818 §3.1), table driven, on
-- certificates built with the DER builder of spec/support/pki.lua.
local tlshs = require "tlshs"
local pki = require "spec.support.pki"
local der = pki.der

local function cert(sans, cn)
  local o = { subject = der.name(cn or "ignored.example") }
  if sans then o.extensions = { der.ext { oid = "2.5.29.17", value = der.san(sans) } } end
  return assert(tlshs.parse_certificate(pki.build_cert(o)))
end

local V6_LOOPBACK = ("\0"):rep(15) .. "\1"
local V6_DOC = "\32\1\13\184" .. ("\0"):rep(11) .. "\1" -- 2001:db8::1

-- { presented identifiers, CN or nil, reference identity, match? }
local TABLE = {
  -- exact DNS names, case-insensitive ASCII (§6.4.1), trailing dot ignored
  { { "dns:example.com" }, nil, "example.com", true },
  { { "dns:example.com" }, nil, "EXAMPLE.com", true },
  { { "dns:Example.COM" }, nil, "example.com", true },
  { { "dns:example.com" }, nil, "example.com.", true },
  { { "dns:example.com" }, nil, "www.example.com", false },
  { { "dns:www.example.com" }, nil, "example.com", false },
  { { "dns:example.com" }, nil, "example.co", false },
  { { "dns:example.com" }, nil, "example.com..", false },
  { { "dns:a.example.net", "dns:b.example.net" }, nil, "b.example.net", true },
  -- wildcards (§6.4.3): the complete left-most label only
  { { "dns:*.example.com" }, nil, "foo.example.com", true },
  { { "dns:*.example.com" }, nil, "FOO.Example.Com", true },
  { { "dns:*.example.com" }, nil, "example.com", false },
  { { "dns:*.example.com" }, nil, "bar.foo.example.com", false },
  { { "dns:*.example.com" }, nil, ".example.com", false },
  { { "dns:*.example.com" }, nil, "*.example.com", false },
  { { "dns:*.com" }, nil, "example.com", false },
  { { "dns:f*.example.com" }, nil, "foo.example.com", false },  -- partial: refused (see docs)
  { { "dns:*oo.example.com" }, nil, "foo.example.com", false },
  { { "dns:b*z.example.com" }, nil, "buzz.example.com", false },
  { { "dns:foo.*.example.com" }, nil, "foo.bar.example.com", false },
  { { "dns:*.*.example.com" }, nil, "a.b.example.com", false },
  { { "dns:*" }, nil, "example", false },
  { { "dns:www.*.com" }, nil, "www.example.com", false },
  -- IP literals only against iPAddress entries (RFC 2818 §3.1)
  { { "ip:\127\0\0\1" }, nil, "127.0.0.1", true },
  { { "ip:\127\0\0\1" }, nil, "127.0.0.2", false },
  { { "ip:" .. V6_LOOPBACK }, nil, "::1", true },
  { { "ip:" .. V6_LOOPBACK }, nil, "0:0:0:0:0:0:0:1", true },
  { { "ip:" .. V6_LOOPBACK }, nil, "[::1]", true },
  { { "ip:" .. V6_DOC }, nil, "2001:DB8::1", true },
  { { "ip:\127\0\0\1" }, nil, "::ffff:127.0.0.1", false },
  { { "dns:127.0.0.1" }, nil, "127.0.0.1", false },
  { { "ip:\127\0\0\1" }, nil, "localhost", false },
  { { "ip:\127\0\0\1" }, nil, "127.000.000.001", false },
  -- CN only when there is no subjectAltName at all (§6.4.4)
  { nil, "example.com", "example.com", true },
  { nil, "*.example.com", "www.example.com", true },
  { nil, "example.com", "other.com", false },
  { { "dns:other.example" }, "example.com", "example.com", false },
  { { "ip:\127\0\0\1" }, "example.com", "example.com", false },
  { nil, "127.0.0.1", "127.0.0.1", false },
  -- IP-shaped names never match DNS entries or the CN (issue 13): a trailing
  -- dot makes "127.0.0.1." that IP address, not a DNS name
  { { "dns:127.0.0.1" }, nil, "127.0.0.1.", false },
  { { "dns:*.0.0.1" }, nil, "127.0.0.1.", false },
  { { "dns:*.0.0.1" }, nil, "127.0.0.1", false },
  { { "ip:\127\0\0\1" }, nil, "127.0.0.1.", true },
  { nil, "127.0.0.1", "127.0.0.1.", false },
  { nil, "*.0.0.1", "127.0.0.1.", false },
  -- ... and names that end in a number (WHATWG URL) are not DNS names either
  { { "dns:1.2.3" }, nil, "1.2.3", false },
  { { "dns:*.2.3" }, nil, "1.2.3", false },
  { { "dns:1.2.3.4.5" }, nil, "1.2.3.4.5.", false },
  { { "dns:foo.0x7f" }, nil, "foo.0x7f", false },
  { { "dns:example.123" }, nil, "example.123", false },
  { { "dns:123.example" }, nil, "123.example", true },
  { { "dns:0x7f.example" }, nil, "0x7f.example", true },
  -- wildcards that cover an ICANN public suffix (libpsl) match nothing
  { { "dns:*.co.uk" }, nil, "evil.co.uk", false },
  { { "dns:*.CO.UK" }, nil, "evil.co.uk", false },
  { { "dns:*.co.uk." }, nil, "evil.co.uk", false },
  { { "dns:*.com.au" }, nil, "evil.com.au", false },
  { { "dns:*.foo.kawasaki.jp" }, nil, "x.foo.kawasaki.jp", false },  -- "*.kawasaki.jp" rule
  { nil, "*.co.uk", "evil.co.uk", false },
  { { "dns:*.example.co.uk" }, nil, "www.example.co.uk", true },
  { { "dns:*.city.kawasaki.jp" }, nil, "www.city.kawasaki.jp", true },  -- "!city.kawasaki.jp"
  { { "dns:*.github.io" }, nil, "foo.github.io", true },  -- private section: one owner
  -- NUL bytes never match
  { { "dns:example.com\0.evil.com" }, nil, "example.com", false },
  { { "dns:example.com" }, nil, "example.com\0.evil.com", false },
  { { "dns:example.com" }, nil, "", false },
}

describe("tlshs.match_host", function()
  for i, row in ipairs(TABLE) do
    local sans, cn, host, want = row[1], row[2], row[3], row[4]
    local label = string.format("%d: %s %s %q", i, table.concat(sans or { "CN=" .. tostring(cn) }, ","):gsub("%c", "?"),
                                want and "matches" or "does not match", host:gsub("%z", "\\0"))
    it(label, function()
      local ok, alert, reason = tlshs.match_host(cert(sans, cn), host)
      if want then
        assert.is_true(ok, reason)
      else
        assert.is_nil(ok)
        assert.equal("bad_certificate", alert)
        assert.matches("^host name mismatch: ", reason)
      end
    end)
  end

  it("names what the certificate has in the reason", function()
    local ok, alert, reason = tlshs.match_host(cert { "dns:a.example.net", "dns:b.example.net" }, "example.com")
    assert.is_nil(ok)
    assert.equal("bad_certificate", alert)
    assert.equal("host name mismatch: wanted example.com, certificate has a.example.net, b.example.net", reason)
    ok, alert, reason = tlshs.match_host(cert { "ip:\10\0\0\1", "ip:" .. V6_LOOPBACK }, "10.0.0.2")
    assert.equal("host name mismatch: wanted 10.0.0.2, certificate has 10.0.0.1, ::1", reason)
  end)

  it("raises on a wrong argument type", function()
    assert.has_error(function() tlshs.match_host("cert", "example.com") end)
    assert.has_error(function() tlshs.match_host(cert { "dns:a.b" }, nil) end)
  end)
end)
