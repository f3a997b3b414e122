-- Regressions found by the robustness work (issue 8): each case is the
-- smallest input that once crashed, raised or misbehaved, driven through the
-- binding or the flows, with the outcome it must have now.
local tlshs = require "tlshs"
local transport = require "tlshs.transport"
local certs = require "spec.support.certs"

local function sh(cmd)
  local ok = os.execute(cmd .. " >/dev/null 2>&1")
  assert(ok == true or ok == 0, cmd)
end

-- A certificate tlshs parses but whose key it cannot use (EC P-521).
local function p521_cert_der()
  local dir = os.tmpname()
  os.remove(dir)
  sh("mkdir -p " .. dir)
  sh(string.format("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-521 -nodes -keyout %s/k.pem " ..
    "-out %s/c.pem -days 30 -subj /CN=localhost -outform DER", dir, dir))
  local f = assert(io.open(dir .. "/c.pem", "rb"))
  local der = f:read("*a")
  f:close()
  sh("rm -rf " .. dir)
  return der
end

local function record(bytes) return tlshs.build_record { content_type = "handshake", fragment = bytes } end

-- Reads one whole record from an in-memory endpoint.
local function read_record(t)
  local hdr = assert(t:receive(5))
  return hdr .. assert(t:receive(hdr:byte(4) * 256 + hdr:byte(5)))
end

describe("regressions", function()
  local p521 = p521_cert_der()

  it("a server certificate with an unusable key is an alert, not a Lua error (client.lua)", function()
    local cert = assert(tlshs.parse_certificate(p521))
    assert.is_nil((cert:public_key()))
    local a, b = transport.pair()
    local cli = tlshs.client.wrap(a, { servername = "localhost", insecure = true,
      ciphers = { "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" } })
    local res = transport.run(
      function() return cli:handshake() end,
      function()
        read_record(b)
        b:send(record(tlshs.build_handshake { msg_type = "server_hello", version = 0x0303,
          random = string.rep("r", 32), session_id = "", cipher_suite = 0xc02b, compression_method = 0,
          extensions = {} }) ..
          record(tlshs.build_handshake { msg_type = "certificate", certificate_list = { p521 } }))
        b:close()
      end)
    local ok, alert, detail = res[1][1], res[1][2], res[1][3]
    assert.is_nil(ok)
    assert.equal("unsupported_certificate", alert)
    assert.matches("certificate_list%[1%]", detail)
  end)

  it("a client certificate with an unusable key is refused at the Certificate step (server.lua)", function()
    local c = certs.get()
    local a, b = transport.pair()
    local srv = tlshs.server.wrap(b, { cert = c.ec_cert, key = c.ec_key, verify_client = "request" })
    local res = transport.run(
      function()
        a:send(record(tlshs.build_handshake { msg_type = "client_hello", version = 0x0303,
          random = string.rep("c", 32), session_id = "", cipher_suites = { 0xc02b }, compression_methods = { 0 },
          extensions = {
            { name = "supported_groups", named_group_list = { 23 } },
            { name = "ec_point_formats", ec_point_format_list = { 0 } },
            { name = "signature_algorithms", supported_signature_algorithms = { 0x0403 } },
          } }))
        -- the server's flight ends with ServerHelloDone (type 14)
        repeat local r = read_record(a) until r:find("\14\0\0\0", 6, true)
        a:send(record(tlshs.build_handshake { msg_type = "certificate", certificate_list = { p521 } }))
        a:receive(1)
        a:close()
      end,
      function()
        return srv:handshake()
      end)
    local ok, alert, detail = res[2][1], res[2][2], res[2][3]
    assert.is_nil(ok)
    assert.equal("unsupported_certificate", alert)
    assert.matches("certificate_list%[1%]", detail)
  end)
end)
