-- The TLS 1.2 client flow (RFC 5246 §7.3), one method per step:
--
--   send_client_hello, receive_server_hello, then either the full handshake
--     receive_certificate, receive_server_key_exchange,
--     receive_certificate_request, receive_server_hello_done,
--     send_client_certificate, send_client_key_exchange,
--     send_certificate_verify, send_change_cipher_spec, send_finished,
--     receive_new_session_ticket, receive_change_cipher_spec, receive_finished
--   or the abbreviated one (resumption, RFC 5246 §7.3 fig. 2, RFC 5077 §3.1)
--     receive_new_session_ticket, receive_change_cipher_spec, receive_finished,
--     send_change_cipher_spec, send_finished
--
-- local conn = tlshs.client.wrap(transport, opts); assert(conn:handshake())
local core = require "tlshs.core"
local flow = require "tlshs.flow"
local suites = require "tlshs.suites"
local keys = require "tlshs.keys"
local negotiate = require "tlshs.negotiate"
local credentials = require "tlshs.credentials"
local options = require "tlshs.options"

local ext = negotiate.extension

local Client = flow.class {
  steps = { "send_client_hello", "receive_server_hello" },
  branches = {
    full = {
      "receive_certificate", "receive_server_key_exchange", "receive_certificate_request",
      "receive_server_hello_done", "send_client_certificate", "send_client_key_exchange",
      "send_certificate_verify", "send_change_cipher_spec", "send_finished",
      "receive_new_session_ticket", "receive_change_cipher_spec", "receive_finished",
    },
    abbreviated = {
      "receive_new_session_ticket", "receive_change_cipher_spec", "receive_finished",
      "send_change_cipher_spec", "send_finished",
    },
  },
}

local client = { Client = Client }

-- The options of client.wrap (a wrong key or type raises; tlshs.options).
client.OPTIONS = options.schema("tlshs.client.wrap", {
  servername = "string",                 -- SNI and the host-name check (RFC 6125)
  cafile = "string|table",               -- trust anchors: file, PEM string or certificates
  insecure = "boolean",                  -- no certificate check at all
  verify_host = "boolean",               -- false: chain checked, host name not
  ciphers = options.list_of(options.suite),
  groups = options.list_of(options.group),
  signature_algorithms = options.list_of(options.signature_scheme),
  alpn = options.list_of("string"),
  cert = "string|table|userdata",
  key = "string|userdata",
  session = "table",                     -- from conn:session()
  tickets = "boolean",
  ems = "boolean",
  etm = "boolean",
  keylog = "string",
  trace = "boolean|function",
  time = "number",                       -- Unix seconds for certificate checks
  record_version = "number",
  client_random = "string",
  max_handshake_size = "number",
  min_rsa_bits = "number",              -- peer RSA keys below this refused (default 1024; 0: none)
})

-- opts: see client.OPTIONS. Without servername there is no host-name check,
-- so (as Go's crypto/tls) the client refuses to start unless the script
-- says so: insecure = true, or verify_host = false.
function client.wrap(transport, opts)
  opts = client.OPTIONS:check(opts)
  if (opts.servername == nil or opts.servername == "") and not opts.insecure and opts.verify_host ~= false then
    error("tlshs.client.wrap: no servername, so the server's certificate could be for any host; " ..
      "give servername (a host name or IP address), or insecure = true, or verify_host = false", 2)
  end
  if opts.ciphers and #opts.ciphers == 0 then
    error("tlshs.client.wrap: option 'ciphers' is an empty list (to send no suite, use conn:mutate)", 2)
  end
  local self = flow.new(Client, "client", transport, opts)
  self.records.version = opts.record_version or 0x0301 -- RFC 5246 Appendix E.1
  return self
end

function Client:handshake()
  local ok, err, detail = self:run_steps()
  if not ok then return nil, err, detail end
  if self.stopped_at then return true end
  self.established = true
  local resumed = self.resumed and self.offered_session or nil
  local fresh_ticket = self.ticket ~= nil
  self.saved_session = {
    id = self.server_hello.session_id,
    ticket = self.ticket or (resumed and resumed.ticket) or nil,
    ticket_lifetime = fresh_ticket and self.ticket_lifetime or (resumed and resumed.ticket_lifetime) or nil,
    received = fresh_ticket and self:now() or (resumed and resumed.received) or self:now(),
    master_secret = self.master_secret,
    suite = self.suite.name,
    ems = self.ems,
    servername = self.opts.servername,
    peer_certificates = self.peer_certificates,
  }
  return true
end

function Client:now()
  return self.opts.time or os.time()
end

-- opts.session if it may be offered in this handshake, else nil, reason.
-- It is offered only to the server name it was made with (RFC 6066 §3),
-- when we still offer its suite (RFC 5246 §7.4.1.2: the resumed session
-- keeps its suite), with extended_master_secret if it was made with it
-- (RFC 7627 §5.3), and within its ticket's lifetime hint (RFC 5077 §3.3).
function Client:resumable_session()
  local s = self.opts.session
  if not s then return nil end
  if (s.servername or ""):lower() ~= (self.opts.servername or ""):lower() then
    return nil, "made for another servername"
  end
  local offered = false
  for _, suite in ipairs(self.offered_suites) do
    if suite.name == s.suite then offered = true end
  end
  if not offered then return nil, "its suite " .. tostring(s.suite) .. " is no longer offered" end
  if s.ems and self.opts.ems == false then return nil, "made with extended_master_secret, now off" end
  if s.ticket and (s.ticket_lifetime or 0) > 0 and s.received and self:now() >= s.received + s.ticket_lifetime then
    if #(s.id or "") == 0 then return nil, "its ticket is past its lifetime hint" end
    s = { id = s.id, master_secret = s.master_secret, suite = s.suite, ems = s.ems, servername = s.servername,
          peer_certificates = s.peer_certificates }
  end
  return s
end

-- The session to pass as opts.session to resume (nil if none was set up).
function Client:session()
  local s = self.saved_session
  if s and (#(s.id or "") > 0 or s.ticket) then return s end
end

---------------------------------------------------------------------------
-- ClientHello and ServerHello
---------------------------------------------------------------------------

function Client:build_client_hello()
  local o = self.opts
  self.offered_suites = suites.resolve(o.ciphers or suites.default_names())
  local ids, kxs, any_cbc = {}, {}, false
  for i, s in ipairs(self.offered_suites) do
    ids[i] = s.id
    kxs[s.kx] = true
    any_cbc = any_cbc or not s.aead
  end
  local groups = {}
  for _, g in ipairs(o.groups or negotiate.DEFAULT_GROUPS) do
    local is_ffdhe = tostring(g):match("^ffdhe") ~= nil
    if (is_ffdhe and kxs.dhe) or (not is_ffdhe and kxs.ecdhe) or o.groups then groups[#groups + 1] = g end
  end
  self.offered_groups = negotiate.ids("groups", groups)
  self.offered_schemes = negotiate.ids("signature_schemes", o.signature_algorithms or negotiate.DEFAULT_SIGNATURE_SCHEMES)

  local exts = {}
  local function add(e) exts[#exts + 1] = e end
  if o.servername and not negotiate.is_ip_literal(o.servername) then
    -- RFC 6066 §3: host names only, no IP literals.
    add { name = "server_name", server_name_list = { { name_type = 0, host_name = o.servername } } }
  end
  if #self.offered_groups > 0 then add { name = "supported_groups", named_group_list = self.offered_groups } end
  if kxs.ecdhe then add { name = "ec_point_formats", ec_point_format_list = { 0 } } end
  add { name = "signature_algorithms", supported_signature_algorithms = self.offered_schemes }
  if o.alpn and #o.alpn > 0 then
    add { name = "application_layer_protocol_negotiation", protocol_name_list = o.alpn }
  end
  if o.ems ~= false then add { name = "extended_master_secret" } end
  if o.etm ~= false and any_cbc then add { name = "encrypt_then_mac" } end
  local session, reason = self:resumable_session()
  if reason then self.tracer:note("not offering the session: " .. reason) end
  self.offered_session, self.session_refused = session, reason
  if o.tickets ~= false then add { name = "session_ticket", ticket = session and session.ticket or "" } end
  -- RFC 5746 §3.4: signal secure renegotiation on the initial handshake.
  add { name = "renegotiation_info", renegotiated_connection = "" }

  local session_id = ""
  if session and session.ticket then
    session_id = core.random(32) -- RFC 5077 §3.4: the echo tells us the ticket was taken
  elseif session and session.id then
    session_id = session.id
  end
  return {
    msg_type = "client_hello", version = 0x0303, random = self.client_random,
    session_id = session_id, cipher_suites = ids, compression_methods = { 0 }, extensions = exts,
  }
end

function Client:send_client_hello()
  self.client_random = self.opts.client_random or core.random(32)
  self.client_hello = self:build_client_hello()
  return self:send_handshake(self.client_hello)
end

-- Every extension of the ServerHello must answer one we sent (RFC 5246 §7.4.1.4).
local function check_extensions_offered(ch, sh)
  local offered = {}
  for _, e in ipairs(ch.extensions or {}) do offered[e.type or core.names.extensions[e.name]] = true end
  for _, e in ipairs(sh.extensions or {}) do
    if not offered[e.type] then
      return nil, "unsupported_extension", "server_hello.extensions: " .. (e.name or tostring(e.type)) .. " was not offered"
    end
  end
  return true
end

function Client:receive_server_hello()
  local sh, err, detail = self:expect("server_hello")
  if not sh then return nil, err, detail end
  self.server_hello = sh
  if sh.version ~= 0x0303 then
    return nil, "protocol_version", string.format("server_hello.version: 0x%04x, only TLS 1.2 (0x0303) is offered", sh.version)
  end
  local suite
  for _, s in ipairs(self.offered_suites) do
    if s.id == sh.cipher_suite then suite = s end
  end
  if not suite then
    return nil, "illegal_parameter", string.format("server_hello.cipher_suite: 0x%04x was not offered", sh.cipher_suite)
  end
  if sh.compression_method ~= 0 then
    return nil, "illegal_parameter", "server_hello.compression_method: " .. sh.compression_method .. " was not offered"
  end
  local ok
  ok, err, detail = check_extensions_offered(self.client_hello, sh)
  if not ok then return nil, err, detail end

  self.suite, self.cipher_suite, self.version = suite, suite.name, "TLSv1.2"
  self.server_random = sh.random
  self.ems = ext(sh, "extended_master_secret") ~= nil
  local etm = ext(sh, "encrypt_then_mac")
  if etm and suite.aead then
    -- RFC 7366 §3: never with an AEAD suite.
    return nil, "illegal_parameter", "server_hello.extensions: encrypt_then_mac with an AEAD suite"
  end
  self.etm = etm ~= nil
  local reneg = ext(sh, "renegotiation_info")
  if reneg and #(reneg.renegotiated_connection or "") ~= 0 then
    -- RFC 5746 §3.4: must be empty on the initial handshake.
    return nil, "handshake_failure", "server_hello.renegotiation_info: not empty on the initial handshake"
  end
  self.secure_renegotiation = reneg ~= nil
  local alpn = ext(sh, "application_layer_protocol_negotiation")
  if alpn then
    local p = alpn.protocol_name_list or {}
    if #p ~= 1 or not negotiate.contains(self.opts.alpn, p[1]) then
      return nil, "illegal_parameter", "server_hello.alpn: the server must select one offered protocol"
    end
    self.alpn = p[1]
  end
  self.expect_ticket = ext(sh, "session_ticket") ~= nil

  self.transcript:set_hash(suite.prf)
  self.records.version = 0x0303
  self.records.expect_version = 0x0303

  local session = self.offered_session
  if session and #sh.session_id > 0 and sh.session_id == self.client_hello.session_id then
    -- Resumption (RFC 5246 §7.4.1.3, RFC 5077 §3.4).
    if session.suite ~= suite.name then
      return nil, "illegal_parameter", "server_hello.cipher_suite: differs from the resumed session's"
    end
    if (session.ems and true or false) ~= self.ems then
      return nil, "handshake_failure", "server_hello: extended_master_secret differs from the resumed session (RFC 7627 §5.3)"
    end
    self.resumed = true
    self.master_secret = session.master_secret
    self.peer_certificates = session.peer_certificates
    ok, err, detail = self:install_keys()
    if not ok then return nil, err, detail end
    self:continue_with("abbreviated")
  else
    self:continue_with("full")
  end
  return true
end

---------------------------------------------------------------------------
-- The server's certificate and key exchange
---------------------------------------------------------------------------

function Client:verify_server_certificate(chain)
  local o = self.opts
  if o.insecure then
    self.tracer:note("certificate checks skipped (insecure)")
    return true
  end
  local anchors, err = credentials.anchors(o.cafile or credentials.SYSTEM_CAFILE)
  if not anchors then return nil, "internal_error", err end
  local ok, alert, reason = core.verify_chain(chain, anchors, {
    host = o.verify_host ~= false and o.servername or nil, time = o.time, purpose = "server",
    min_rsa_bits = o.min_rsa_bits,
    key_usage = self.suite.kx == "rsa" and "key_encipherment" or "digital_signature",
  })
  if not ok then return nil, alert, reason end
  return true
end

function Client:receive_certificate()
  local m, err, detail = self:expect("certificate")
  if not m then return nil, err, detail end
  if #m.certificate_list == 0 then
    return nil, "decode_error", "certificate.certificate_list: the server sent no certificate"
  end
  local chain
  chain, err, detail = self:parse_certificates(m)
  if not chain then return nil, err, detail end
  self.peer_certificates = chain
  local ok
  ok, err, detail = self:verify_server_certificate(chain)
  if not ok then return nil, err, detail end
  local key, kerr, kdetail = chain[1]:public_key(self.opts.min_rsa_bits)
  if not key then return nil, kerr, "certificate_list[1]: " .. tostring(kdetail) end
  self.server_key = key
  local want = self.suite.auth == "ecdsa" and { ec = true, ed25519 = true } or { rsa = true }
  if not want[self.server_key:type()] then
    return nil, "unsupported_certificate", "certificate: a " .. self.server_key:type() .. " key does not fit " .. self.suite.name
  end
  return true
end

function Client:receive_server_key_exchange()
  local kx = self.suite.kx
  if kx == "rsa" then return true end
  local m, err, detail = self:expect("server_key_exchange")
  if not m then return nil, err, detail end
  self.server_key_exchange = m
  if not negotiate.contains(self.offered_schemes, m.signature_algorithm) then
    return nil, "illegal_parameter", string.format("server_key_exchange.signature_algorithm: 0x%04x was not offered", m.signature_algorithm)
  end
  -- RFC 5246 §7.4.3: the signature covers both randoms and the params.
  local signed = self.client_random .. self.server_random .. core.build_server_params(m)
  local ok, verr, vdetail = self.server_key:verify(m.signature_algorithm, signed, m.signature)
  if not ok then return nil, verr or "decrypt_error", "server_key_exchange.signature: " .. tostring(vdetail) end
  if kx == "ecdhe" then
    if m.curve_type ~= 3 then
      return nil, "illegal_parameter", "server_key_exchange.curve_type: only named_curve (3)"
    end
    local group = negotiate.name("groups", m.named_curve)
    if not negotiate.contains(self.offered_groups, m.named_curve) or not group then
      return nil, "illegal_parameter", string.format("server_key_exchange.named_curve: 0x%04x was not offered", m.named_curve)
    end
    self.group = group
    self.key_share, err, detail = core.key_exchange(group)
    self.peer_public = m.public
  else
    self.group = "dh" .. (#m.dh_p * 8)
    self.key_share, err, detail = core.key_exchange("dh", { p = m.dh_p, g = m.dh_g })
    self.peer_public = m.dh_ys
  end
  if not self.key_share then return nil, err, detail end
  return true
end

function Client:receive_certificate_request()
  local m, err, detail = self:expect("certificate_request", "server_hello_done")
  if not m then return nil, err, detail end
  if m.msg_type == "server_hello_done" then
    self.server_hello_done = m
  else
    self.certificate_request = m
  end
  return true
end

function Client:receive_server_hello_done()
  if self.server_hello_done then return true end
  local m, err, detail = self:expect("server_hello_done")
  if not m then return nil, err, detail end
  self.server_hello_done = m
  return true
end

---------------------------------------------------------------------------
-- Our flight
---------------------------------------------------------------------------

-- RFC 5246 §7.4.6: answer a CertificateRequest with our certificate when its
-- key fits the request, else with an empty list.
function Client:send_client_certificate()
  local req = self.certificate_request
  if not req then return true end
  local o = self.opts
  local chain = {}
  if o.cert and o.key then
    local cred, err = credentials.load(o.cert, o.key)
    if not cred then return nil, "internal_error", err end
    local scheme = negotiate.signature_scheme(cred.key, self.offered_schemes, req.supported_signature_algorithms)
    if scheme then
      self.client_credentials, self.client_scheme = cred, scheme
      chain = cred.der_chain
    end
  end
  return self:send_handshake { msg_type = "certificate", certificate_list = chain }
end

function Client:send_client_key_exchange()
  local msg = { msg_type = "client_key_exchange" }
  local premaster
  if self.suite.kx == "rsa" then
    -- RFC 5246 §7.4.7.1: client_version then 46 random bytes.
    premaster = core.random_secret(46, "\3\3") -- drawn into a tlshs.secret, never a Lua string
    msg.encrypted_pre_master_secret = self.server_key:rsa_encrypt(premaster)
  else
    local err, detail
    premaster, err, detail = self.key_share:agree(self.peer_public)
    if not premaster then return nil, err, detail end
    if self.suite.kx == "ecdhe" then msg.ecdh_yc = self.key_share:public() else msg.dh_yc = self.key_share:public() end
  end
  local ok, err, detail = self:send_handshake(msg)
  if not ok then return nil, err, detail end
  local session_hash = self.ems and self.transcript:digest() or nil
  self.master_secret = keys.master_secret(self.suite.prf, premaster, self.client_random, self.server_random, session_hash)
  return self:install_keys()
end

function Client:send_certificate_verify()
  local cred = self.client_credentials
  if not cred then return true end
  -- RFC 5246 §7.4.8: a signature over all handshake messages so far.
  local sig = cred.key:sign(self.client_scheme, self.transcript:bytes())
  return self:send_handshake { msg_type = "certificate_verify", signature_algorithm = self.client_scheme, signature = sig }
end

---------------------------------------------------------------------------
-- The server's last flight
---------------------------------------------------------------------------

function Client:receive_new_session_ticket()
  if not self.expect_ticket then return true end
  local m, err, detail = self:expect("new_session_ticket")
  if not m then return nil, err, detail end
  if #m.ticket > 0 then self.ticket, self.ticket_lifetime = m.ticket, m.ticket_lifetime_hint end
  return true
end

return client
