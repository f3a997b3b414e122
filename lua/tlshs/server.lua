-- The TLS 1.2 server flow (RFC 5246 §7.3), one method per step:
--
--   receive_client_hello, send_server_hello, then either the full handshake
--     send_certificate, send_server_key_exchange, send_certificate_request,
--     send_server_hello_done, receive_client_certificate,
--     receive_client_key_exchange, receive_certificate_verify,
--     receive_change_cipher_spec, receive_finished,
--     send_new_session_ticket, send_change_cipher_spec, send_finished
--   or the abbreviated one (resumption by session ID or ticket)
--     send_new_session_ticket, send_change_cipher_spec, send_finished,
--     receive_change_cipher_spec, receive_finished
--
-- local conn = tlshs.server.wrap(transport, {cert = "c.pem", key = "k.pem"})
local core = require "tlshs.core"
local flow = require "tlshs.flow"
local suites = require "tlshs.suites"
local keys = require "tlshs.keys"
local negotiate = require "tlshs.negotiate"
local credentials = require "tlshs.credentials"
local sessions = require "tlshs.sessions"
local options = require "tlshs.options"

local ext = negotiate.extension

local Server = flow.class {
  steps = { "receive_client_hello", "send_server_hello" },
  branches = {
    full = {
      "send_certificate", "send_server_key_exchange", "send_certificate_request",
      "send_server_hello_done", "receive_client_certificate", "receive_client_key_exchange",
      "receive_certificate_verify", "receive_change_cipher_spec", "receive_finished",
      "send_new_session_ticket", "send_change_cipher_spec", "send_finished",
    },
    abbreviated = {
      "send_new_session_ticket", "send_change_cipher_spec", "send_finished",
      "receive_change_cipher_spec", "receive_finished",
    },
  },
}

local server = { Server = Server }

-- The options of server.wrap and server.shared (a wrong key or type
-- raises; tlshs.options). server.shared takes the same table, so one table
-- can serve both; it uses cert, key, the ticket and session options and time.
server.OPTIONS = options.schema("tlshs.server.wrap", {
  cert = "string|table|userdata",        -- file, PEM string, certificate(s)
  key = "string|userdata",
  ciphers = options.list_of(options.suite), -- in preference order
  groups = options.list_of(options.group),
  signature_algorithms = options.list_of(options.signature_scheme),
  alpn = options.list_of("string"),
  verify_client = options.one_of("request", "require"),
  verify_client_chain = "boolean",       -- false: no chain check (see server.wrap)
  cafile = "string|table",               -- anchors for client certificates
  tickets = "boolean",
  session_ids = "boolean",
  ems = "boolean",
  etm = "boolean",
  shared = "table",                      -- from server.shared
  ticket_key = "string|userdata",        -- 32 bytes, string or tlshs.secret (random if omitted)
  ticket_rotation = "number",            -- seconds between automatic ticket-key rotations
  session_lifetime = "number",           -- seconds a session can be resumed (default 7200)
  session_cache_size = "number",         -- session-ID cache entries (default 1000; 0: none)
  keylog = "string",
  trace = "boolean|function",
  time = "number",
  server_random = "string",
  record_version = "number",
  max_handshake_size = "number",
  min_rsa_bits = "number",              -- peer RSA keys below this refused (default 1024; 0: none)
})
local SHARED_OPTIONS = server.OPTIONS:extend("tlshs.server.shared")

-- Shared state for many connections of one server (pass as opts.shared):
-- loaded credentials, session cache and ticket keys.
local Shared = {}
Shared.__index = Shared

local function make_shared(opts)
  local cred, err = credentials.load(opts.cert, opts.key)
  if not cred then return nil, err end
  local lifetime = opts.session_lifetime or sessions.DEFAULT_LIFETIME
  return setmetatable({
    credentials = cred,
    session_lifetime = lifetime,
    session_cache = sessions.cache(opts.session_cache_size),
    tickets = sessions.tickets { key = opts.ticket_key, lifetime = lifetime, rotation = opts.ticket_rotation,
                                 now = opts.time },
  }, Shared)
end

-- A new ticket key seals from now on (key: 32 bytes, random if nil); the old
-- one still opens tickets for one period (RFC 5077 §4 key rotation).
function Shared:rotate_ticket_key(key, now)
  self.tickets:rotate(key, now)
  return self
end

-- Configurations that would fail open raise (the caller's mistake):
-- verify_client = "require" checks the client's chain against cafile;
-- without cafile that would accept any self-signed certificate, unless
-- verify_client_chain = false says that only possession of the key
-- (CertificateVerify) is checked.
local function check_config(name, opts)
  if opts.verify_client == "require" and opts.cafile == nil and opts.verify_client_chain ~= false then
    error(name .. ": verify_client = \"require\" without cafile would accept any self-signed " ..
      "client certificate; give cafile, or verify_client_chain = false to check only the key", 3)
  end
  if opts.ciphers and #opts.ciphers == 0 then
    error(name .. ": option 'ciphers' is an empty list", 3)
  end
end

-- Shared state for many connections of one server (pass as opts.shared):
-- loaded credentials, session cache and ticket keys. Takes the options of
-- server.wrap (so one table can serve both) and checks them the same way.
function server.shared(opts)
  SHARED_OPTIONS:check(opts)
  check_config("tlshs.server.shared", opts or {})
  return make_shared(opts or {})
end

-- opts: see server.OPTIONS and check_config.
function server.wrap(transport, opts)
  opts = server.OPTIONS:check(opts)
  check_config("tlshs.server.wrap", opts)
  local self = flow.new(Server, "server", transport, opts)
  self.shared = opts.shared
  return self
end

function Server:handshake()
  if not self.shared then
    local shared, err = make_shared(self.opts)
    if not shared then return self:fail("internal_error", err) end
    self.shared = shared
  end
  local ok, err, detail = self:run_steps()
  if not ok then return nil, err, detail end
  if self.stopped_at then return true end
  self.established = true
  if #self.session_id > 0 and not self.resumed then
    self.shared.session_cache:put(self.session_id, self:session_state(), self:now())
  end
  return true
end

-- The clock of this connection: opts.time (Unix seconds, as for the
-- certificate checks) or now.
function Server:now()
  return self.opts.time or os.time()
end

-- The state to resume this session later. A resumed session keeps the
-- issue time and lifetime it was made with (RFC 5077 §5.6: a session does
-- not outlive its lifetime by being resumed).
function Server:session_state()
  local certificates
  if self.peer_certificates then
    certificates = {}
    for i, c in ipairs(self.peer_certificates) do certificates[i] = c:der() end
  end
  local made = self.resumed_session
  return {
    suite = self.suite.name, ems = self.ems, master_secret = self.master_secret,
    servername = self.servername, certificates = certificates, peer_certificates = self.peer_certificates,
    issued = made and made.issued or self:now(),
    lifetime = made and made.lifetime or self.shared.session_lifetime or sessions.DEFAULT_LIFETIME,
  }
end

---------------------------------------------------------------------------
-- ClientHello: negotiation
---------------------------------------------------------------------------

-- The first of our suites (our order) that the client offers and that we can
-- run with our key, the client's groups and signature schemes.
function Server:choose_suite(ch)
  local o = self.opts
  local ours = suites.resolve(o.ciphers or suites.default_names())
  local offered = {}
  for _, id in ipairs(ch.cipher_suites) do offered[id] = true end
  local key = self.shared.credentials.key
  local key_auth = ({ rsa = "rsa", ec = "ecdsa", ed25519 = "ecdsa" })[key:type()]
  local groups_ext = ext(ch, "supported_groups")
  local their_groups = groups_ext and groups_ext.named_group_list
  local our_groups = negotiate.ids("groups", o.groups or negotiate.DEFAULT_GROUPS)
  local sig_ext = ext(ch, "signature_algorithms")
  local their_schemes = sig_ext and sig_ext.supported_signature_algorithms or negotiate.IMPLIED_SIGNATURE_SCHEMES
  local our_schemes = negotiate.ids("signature_schemes", o.signature_algorithms or negotiate.DEFAULT_SIGNATURE_SCHEMES)

  local function pick_group(want_ffdhe)
    for _, g in ipairs(our_groups) do
      local name = negotiate.name("groups", g) or ""
      if (name:match("^ffdhe") ~= nil) == want_ffdhe and (their_groups == nil or negotiate.contains(their_groups, g)) then
        return name
      end
    end
  end
  local function client_sent_ffdhe()
    for _, g in ipairs(their_groups or {}) do
      if (negotiate.name("groups", g) or ""):match("^ffdhe") then return true end
    end
    return false
  end

  for _, s in ipairs(ours) do
    if offered[s.id] and (s.auth == key_auth or s.kx == "rsa" and key_auth == "rsa") then
      local group, scheme = nil, nil
      local usable = true
      if s.kx == "ecdhe" then
        -- RFC 8422 §5.1: no supported_groups means any curve will do.
        group = pick_group(false)
        usable = group ~= nil
      elseif s.kx == "dhe" then
        -- RFC 7919 §4: use a common FFDHE group; if the client named FFDHE
        -- groups and none is ours, DHE is out. Otherwise send ffdhe2048 as
        -- explicit p and g.
        group = pick_group(true)
        if not group then usable = not client_sent_ffdhe(); group = "ffdhe2048" end
      end
      if usable and s.kx ~= "rsa" then
        scheme = negotiate.signature_scheme(key, our_schemes, their_schemes)
        usable = scheme ~= nil
      end
      if usable then return s, group, scheme end
    end
  end
end

-- Whether the suite is one we run now: enabled and fit for our key.
function Server:suite_enabled(suite)
  local key_auth = ({ rsa = "rsa", ec = "ecdsa", ed25519 = "ecdsa" })[self.shared.credentials.key:type()]
  if not (suite.auth == key_auth or suite.kx == "rsa" and key_auth == "rsa") then return false end
  for _, s in ipairs(suites.resolve(self.opts.ciphers or suites.default_names())) do
    if s.id == suite.id then return true end
  end
  return false
end

-- The client's certificate chain of a session, as objects, checked against
-- today's client-certificate policy: nil, reason when it no longer holds.
function Server:session_client_chain(session)
  local o = self.opts
  if not session.certificates then
    if o.verify_client == "require" then return nil, "the session has no client certificate, now required" end
    return false
  end
  local chain = session.peer_certificates
  if not chain then
    local err, detail
    chain, err, detail = self:parse_certificates { certificate_list = session.certificates }
    if not chain then return nil, "its client certificate does not parse: " .. tostring(detail or err) end
  end
  if o.verify_client and o.cafile then
    local anchors, aerr = credentials.anchors(o.cafile)
    if not anchors then return nil, aerr end
    local ok, _, reason = core.verify_chain(chain, anchors, { time = self:now(), purpose = "client", key_usage = "digital_signature" })
    if not ok then return nil, "its client certificate no longer verifies: " .. tostring(reason) end
  end
  return chain
end

-- Why a session cannot be resumed in this connection, or nil when it can:
-- RFC 5077 §4 / §5 and RFC 6066 §3 ask that a session resume only in the
-- context it was made in, as OpenSSL does.
function Server:session_refusal(session, ch)
  if not sessions.fresh(session, self:now()) then return "expired" end
  local suite = suites.by_name[session.suite]
  if not suite or not self:suite_enabled(suite) then return "its suite " .. tostring(session.suite) .. " is not enabled" end
  if not negotiate.contains(ch.cipher_suites, suite.id) then return "its suite is not offered" end
  -- RFC 6066 §3: the server MUST NOT resume a session for another name.
  if (session.servername or ""):lower() ~= (self.servername or ""):lower() then return "made for another server_name" end
  local chain, reason = self:session_client_chain(session)
  if chain == nil then return reason end
  session.chain = chain or nil
end

-- A session offered by ticket or ID that we can resume, or nil (a full
-- handshake follows; the reason is kept in self.resumption_refused).
function Server:find_session(ch)
  local session, reason
  local now = self:now()
  local ticket_ext = ext(ch, "session_ticket")
  if ticket_ext and #(ticket_ext.ticket or "") > 0 and self.opts.tickets ~= false then
    session, reason = self.shared.tickets:open(ticket_ext.ticket, now)
  end
  if not session and #ch.session_id > 0 and self.opts.session_ids ~= false then
    local why
    session, why = self.shared.session_cache:get(ch.session_id, now)
    if not session and not reason then reason = why end
  end
  if session then reason = self:session_refusal(session, ch) end
  if reason then
    self.resumption_refused = reason
    self.tracer:note("not resuming: " .. reason)
    return nil
  end
  if not session then return nil end
  local ems = ext(ch, "extended_master_secret") ~= nil
  if session.ems and not ems then
    -- RFC 7627 §5.3: abort rather than resume an EMS session without EMS.
    return nil, "handshake_failure", "client_hello: resumes an extended-master-secret session without the extension"
  end
  if ems and not session.ems then -- RFC 7627 §5.3: full handshake
    self.resumption_refused = "extended_master_secret differs"
    return nil
  end
  return session
end

function Server:receive_client_hello()
  local ch, err, detail = self:expect("client_hello")
  if not ch then return nil, err, detail end
  self.client_hello = ch
  self.client_random = ch.random
  -- We speak TLS 1.2 only (RFC 5246 Appendix E.1).
  if ch.version < 0x0303 then
    return nil, "protocol_version", string.format("client_hello.version: 0x%04x is older than TLS 1.2", ch.version)
  end
  if not negotiate.contains(ch.compression_methods, 0) then
    -- RFC 5246 §7.4.1.2: the list MUST include null.
    return nil, "illegal_parameter", "client_hello.compression_methods: null (0) missing"
  end
  local reneg = ext(ch, "renegotiation_info")
  if reneg and #(reneg.renegotiated_connection or "") ~= 0 then
    return nil, "handshake_failure", "client_hello.renegotiation_info: not empty on the initial handshake (RFC 5746 §3.6)"
  end
  self.secure_renegotiation = reneg ~= nil or negotiate.contains(ch.cipher_suites, suites.EMPTY_RENEGOTIATION_INFO_SCSV)
  local sni = ext(ch, "server_name")
  if sni and sni.server_name_list and sni.server_name_list[1] then
    self.servername = sni.server_name_list[1].host_name
  end

  local session
  session, err, detail = self:find_session(ch)
  if err then return nil, err, detail end
  if session then
    self.resumed = true
    self.resumed_session = session
    self.suite = suites.by_name[session.suite]
    self.ems = session.ems
    self.master_secret = session.master_secret
    -- The client's certificates stay available on the resumed connection.
    self.peer_certificates = session.chain
  else
    self.suite, self.group, self.scheme = self:choose_suite(ch)
    if not self.suite then
      return nil, "handshake_failure", "client_hello: no cipher suite in common"
    end
    self.ems = self.opts.ems ~= false and ext(ch, "extended_master_secret") ~= nil
  end
  self.cipher_suite, self.version = self.suite.name, "TLSv1.2"
  self.etm = self.opts.etm ~= false and not self.suite.aead and ext(ch, "encrypt_then_mac") ~= nil

  local alpn = ext(ch, "application_layer_protocol_negotiation")
  if alpn and self.opts.alpn then
    for _, p in ipairs(self.opts.alpn) do
      if negotiate.contains(alpn.protocol_name_list, p) then self.alpn = p; break end
    end
    if not self.alpn then
      return nil, "no_application_protocol", "client_hello.alpn: no protocol in common (RFC 7301 §3.2)"
    end
  end
  local ticket_ext = ext(ch, "session_ticket")
  self.issue_ticket = ticket_ext ~= nil and self.opts.tickets ~= false
  return true
end

---------------------------------------------------------------------------
-- ServerHello
---------------------------------------------------------------------------

function Server:send_server_hello()
  local ch = self.client_hello
  self.server_random = self.opts.server_random or core.random(32)
  if self.resumed then
    self.session_id = ch.session_id -- RFC 5077 §3.4: echo it on ticket resumption
  elseif self.opts.session_ids ~= false then
    self.session_id = core.random(32)
  else
    self.session_id = ""
  end
  local exts = {}
  local function add(e) exts[#exts + 1] = e end
  if self.secure_renegotiation then add { name = "renegotiation_info", renegotiated_connection = "" } end
  if self.ems then add { name = "extended_master_secret" } end
  if self.etm then add { name = "encrypt_then_mac" } end
  if self.suite.kx == "ecdhe" and not self.resumed and ext(ch, "ec_point_formats") then
    add { name = "ec_point_formats", ec_point_format_list = { 0 } }
  end
  if self.alpn then add { name = "application_layer_protocol_negotiation", protocol_name_list = { self.alpn } } end
  if self.issue_ticket then add { name = "session_ticket", ticket = "" } end
  self.server_hello = {
    msg_type = "server_hello", version = 0x0303, random = self.server_random,
    session_id = self.session_id, cipher_suite = self.suite.id, compression_method = 0,
    extensions = exts,
  }
  self.transcript:set_hash(self.suite.prf)
  local ok, err, detail = self:send_handshake(self.server_hello)
  if not ok then return nil, err, detail end
  self.records.version = 0x0303
  self.records.expect_version = 0x0303
  if self.resumed then
    ok, err, detail = self:install_keys()
    if not ok then return nil, err, detail end
    self:continue_with("abbreviated")
  else
    self:continue_with("full")
  end
  return true
end

---------------------------------------------------------------------------
-- Our first flight
---------------------------------------------------------------------------

function Server:send_certificate()
  return self:send_handshake { msg_type = "certificate", certificate_list = self.shared.credentials.der_chain }
end

function Server:send_server_key_exchange()
  local kx = self.suite.kx
  if kx == "rsa" then return true end
  local share, err, detail = core.key_exchange(self.group)
  if not share then return nil, err, detail end
  self.key_share = share
  local msg = { msg_type = "server_key_exchange", signature_algorithm = self.scheme }
  if kx == "ecdhe" then
    msg.curve_type, msg.named_curve, msg.public = 3, core.names.groups[self.group], share:public()
  else
    msg.dh_p, msg.dh_g = share:params()
    msg.dh_ys = share:public()
  end
  -- RFC 5246 §7.4.3: sign client_random + server_random + params.
  local signed = self.client_random .. self.server_random .. core.build_server_params(msg)
  msg.signature = self.shared.credentials.key:sign(self.scheme, signed)
  return self:send_handshake(msg)
end

function Server:send_certificate_request()
  local mode = self.opts.verify_client
  if not mode then return true end
  local cas = {}
  if self.opts.cafile then
    local anchors, err = credentials.anchors(self.opts.cafile)
    if not anchors then return nil, "internal_error", err end
    for i, c in ipairs(anchors) do cas[i] = c:subject_der() end
  end
  self.requested_schemes = negotiate.ids("signature_schemes", self.opts.signature_algorithms or negotiate.DEFAULT_SIGNATURE_SCHEMES)
  self.certificate_request = {
    msg_type = "certificate_request",
    certificate_types = { 1, 64 }, -- rsa_sign, ecdsa_sign (RFC 5246 §7.4.4, RFC 8422 §5.5)
    supported_signature_algorithms = self.requested_schemes,
    certificate_authorities = cas,
  }
  return self:send_handshake(self.certificate_request)
end

function Server:send_server_hello_done()
  return self:send_handshake { msg_type = "server_hello_done" }
end

---------------------------------------------------------------------------
-- The client's flight
---------------------------------------------------------------------------

function Server:receive_client_certificate()
  if not self.certificate_request then return true end
  local m, err, detail = self:expect("certificate")
  if not m then return nil, err, detail end
  if #m.certificate_list == 0 then
    if self.opts.verify_client == "require" then
      -- RFC 5246 §7.4.6: a server that needs one may answer handshake_failure.
      return nil, "handshake_failure", "certificate: the client sent no certificate"
    end
    return true
  end
  local chain
  chain, err, detail = self:parse_certificates(m)
  if not chain then return nil, err, detail end
  if self.opts.cafile and self.opts.verify_client_chain ~= false then
    local anchors, aerr = credentials.anchors(self.opts.cafile)
    if not anchors then return nil, "internal_error", aerr end
    local ok, alert, reason = core.verify_chain(chain, anchors, { time = self.opts.time, purpose = "client", key_usage = "digital_signature", min_rsa_bits = self.opts.min_rsa_bits })
    if not ok then return nil, alert, reason end
  end
  local key, kerr, kdetail = chain[1]:public_key(self.opts.min_rsa_bits)
  if not key then return nil, kerr, "certificate_list[1]: " .. tostring(kdetail) end
  self.peer_certificates = chain
  self.client_key = key
  return true
end

function Server:receive_client_key_exchange()
  local m, err, detail = self:expect("client_key_exchange")
  if not m then return nil, err, detail end
  local premaster
  if self.suite.kx == "rsa" then
    -- RFC 5246 §7.4.7.1: on any failure a random premaster, with no
    -- difference in alert or timing; the Finished check then fails.
    premaster = self.shared.credentials.key:rsa_decrypt_premaster(m.encrypted_pre_master_secret, self.client_hello.version)
  else
    premaster, err, detail = self.key_share:agree(m.ecdh_yc or m.dh_yc)
    if not premaster then return nil, err, detail end
  end
  local session_hash = self.ems and self.transcript:digest() or nil
  self.master_secret = keys.master_secret(self.suite.prf, premaster, self.client_random, self.server_random, session_hash)
  return self:install_keys()
end

function Server:receive_certificate_verify()
  if not self.client_key then return true end
  local signed = self.transcript:bytes() -- RFC 5246 §7.4.8: messages before this one
  local m, err, detail = self:expect("certificate_verify")
  if not m then return nil, err, detail end
  if not negotiate.contains(self.requested_schemes, m.signature_algorithm) then
    return nil, "illegal_parameter", string.format("certificate_verify.signature_algorithm: 0x%04x was not requested", m.signature_algorithm)
  end
  local ok, verr, vdetail = self.client_key:verify(m.signature_algorithm, signed, m.signature)
  if not ok then return nil, verr or "decrypt_error", "certificate_verify.signature: " .. tostring(vdetail) end
  return true
end

---------------------------------------------------------------------------
-- Our last flight
---------------------------------------------------------------------------

function Server:send_new_session_ticket()
  if not self.issue_ticket then return true end
  local now = self:now()
  local state = self:session_state()
  -- RFC 5077 §3.3: a state that cannot be sealed gets an empty ticket.
  local ticket = self.shared.tickets:seal(state, now) or ""
  local left = math.max(0, state.issued + state.lifetime - now)
  return self:send_handshake { msg_type = "new_session_ticket", ticket_lifetime_hint = left, ticket = ticket }
end

return server
