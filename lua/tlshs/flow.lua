-- A handshake as a list of named steps (the shape of the client and server
-- flows). Each step is a method of the connection object that returns true,
-- or nil, err, detail; a script can replace, wrap, skip or insert steps on one
-- connection without touching the others:
--
--   conn:replace("send_finished", function(self) ... end)
--   conn:wrap("send_client_hello", function(self, original, ...) ... end)
--   conn:skip("send_certificate_verify")
--   conn:insert_after("send_client_hello", "say_hello_twice", function(self) ... end)
--   conn:stop_after("receive_server_hello")
--
-- Every failure sends the matching fatal alert (when err names one and the
-- connection can still carry it), closes the transport and returns nil, err,
-- detail — err being an alert name, or "closed", "timeout", "transport",
-- "alert_received" (detail names the alert the peer sent).
local core = require "tlshs.core"
local record_layer = require "tlshs.record_layer"
local transcript = require "tlshs.transcript"
local trace = require "tlshs.trace"
local keys = require "tlshs.keys"
local options = require "tlshs.options"

local Flow = {}
Flow.__index = Flow

local flow = { Flow = Flow }

local CT = record_layer.CT

local sorted_names = options.sorted_names

-- Makes a connection class whose steps are `steps` (and, once a step calls
-- self:continue_with(name), the named list in `branches`).
function flow.class(methods)
  local class = setmetatable(methods, { __index = Flow })
  class.__index = class
  return class
end

function flow.new(class, role, transport, opts)
  opts = opts or {}
  local self = setmetatable({
    role = role,
    peer_role = role == "client" and "server" or "client",
    transport = transport,
    opts = opts,
    transcript = transcript.new(),
    steps = {},
    branches = {},
  }, class)
  for i, name in ipairs(class.steps) do self.steps[i] = name end
  for branch, list in pairs(class.branches or {}) do
    local copy = {}
    for i, name in ipairs(list) do copy[i] = name end
    self.branches[branch] = copy
  end
  self.tracer = trace.new(role, opts.trace)
  self.records = record_layer.new(transport, {
    record_version = opts.record_version,
    max_handshake_size = opts.max_handshake_size,
  })
  return self
end

---------------------------------------------------------------------------
-- Running the steps
---------------------------------------------------------------------------

-- Runs the steps in order; true when all succeeded (or a stop was reached).
function Flow:run_steps()
  self.plan, self.position = {}, 1
  for i, name in ipairs(self.steps) do self.plan[i] = name end
  while self.position <= #self.plan do
    local name = self.plan[self.position]
    self.current_step = name
    if self.stop_before_requested == name then
      self.stopped_at = self.plan[self.position - 1] or "start"
      return true
    end
    local method = self[name]
    if not method then error("tlshs: no step named " .. tostring(name), 2) end
    local ok, err, detail = method(self)
    if not ok then return self:fail(err or "internal_error", detail or ("step " .. name .. " failed")) end
    if self.stop_requested == name then
      self.stopped_at = name
      return true
    end
    self.position = self.position + 1
  end
  self.current_step = nil
  return true
end

-- Replaces the steps after the current one with the named branch.
function Flow:continue_with(branch)
  local list = self.branches[branch]
  if not list then
    error(string.format("tlshs: no branch named %s; branches are: %s", tostring(branch),
      table.concat(sorted_names(self.branches), ", ")), 2)
  end
  for i = #self.plan, self.position + 1, -1 do self.plan[i] = nil end
  for _, name in ipairs(list) do self.plan[#self.plan + 1] = name end
end

local function is_alert_name(name)
  return type(name) == "string" and core.names.alerts[name] ~= nil
end

-- Sends the fatal alert err names (if any), closes, returns nil, err, detail.
function Flow:fail(err, detail)
  if not self.failed then
    self.failed = { err = err, detail = detail, step = self.current_step }
    self.tracer:note("failed in " .. tostring(self.current_step) .. ": " .. tostring(err) .. " (" .. tostring(detail) .. ")")
    if is_alert_name(err) and err ~= "close_notify" and not self.transport_dead then
      self:send_alert("fatal", err)
    end
    self:close_transport()
  end
  return nil, err, detail
end

function Flow:close_transport()
  if not self.transport_closed then
    self.transport_closed = true
    if self.transport.close then self.transport:close() end
  end
end

---------------------------------------------------------------------------
-- Flow surgery. A wrong step, branch, message type or option is the
-- script's mistake: it raises at once, naming the valid ones.
---------------------------------------------------------------------------

local function each_list(self, fn)
  fn(self.steps)
  for _, list in pairs(self.branches) do fn(list) end
end

-- Every step name of this connection: the main list, then each branch
-- (sorted by branch name), each name once.
function Flow:step_names()
  local out, seen = {}, {}
  local function add(list)
    for _, name in ipairs(list) do
      if not seen[name] then seen[name] = true; out[#out + 1] = name end
    end
  end
  add(self.steps)
  local branches = {}
  for b in pairs(self.branches) do branches[#branches + 1] = b end
  table.sort(branches)
  for _, b in ipairs(branches) do add(self.branches[b]) end
  return out, seen
end

local function check_function(fn, what, level)
  if type(fn) ~= "function" then
    error(string.format("tlshs: %s must be a function, got %s", what, type(fn)), level + 1)
  end
end

-- Raises unless name is a step (or, with methods_too, a method of the
-- connection, e.g. verify_server_certificate).
local function check_step(self, name, level, methods_too)
  local list, seen = self:step_names()
  if seen[name] then return end
  if methods_too and type(name) == "string" and type(self[name]) == "function" and Flow[name] == nil then return end
  error(string.format("tlshs: no step named %s; steps are: %s", tostring(name), table.concat(list, ", ")), level + 1)
end

-- Raises unless name is a handshake message type (core.names.handshake_types).
local function check_msg_type(name, level)
  if type(name) == "string" and core.names.handshake_types[name] then return end
  error(string.format("tlshs: no message type %s; message types are: %s", tostring(name),
    table.concat(sorted_names(core.names.handshake_types), ", ")), level + 1)
end
flow.check_msg_type = check_msg_type

function Flow:replace(name, fn)
  check_step(self, name, 2, true)
  check_function(fn, "replace: the new step", 2)
  self[name] = fn
  return self
end

-- fn(self, original, ...) is called instead of the step; it may call the
-- original and change what it did or returned.
function Flow:wrap(name, fn)
  check_step(self, name, 2, true)
  check_function(fn, "wrap: the wrapper", 2)
  local original = self[name]
  self[name] = function(conn, ...) return fn(conn, original, ...) end
  return self
end

function Flow:skip(name)
  check_step(self, name, 2)
  self[name] = function() return true end
  return self
end

local function insert_step(self, anchor, name, fn, offset, level)
  check_step(self, anchor, level + 1)
  local found = false
  each_list(self, function(list)
    for i, step in ipairs(list) do
      if step == anchor then
        table.insert(list, i + offset, name)
        found = true
        break
      end
    end
  end)
  assert(found)
  self[name] = fn
  return self
end

local function new_step(self, anchor, name, fn, offset)
  check_step(self, anchor, 3)
  if type(name) ~= "string" then
    error("tlshs: insert: the new step's name must be a string, got " .. type(name), 3)
  end
  check_function(fn, "insert: the new step", 3)
  local _, seen = self:step_names()
  if seen[name] or self[name] ~= nil then
    error("tlshs: insert: a step or method named " .. name .. " exists already; choose another name", 3)
  end
  return insert_step(self, anchor, name, fn, offset, 3)
end

function Flow:insert_after(anchor, name, fn) return new_step(self, anchor, name, fn, 1) end
function Flow:insert_before(anchor, name, fn) return new_step(self, anchor, name, fn, 0) end

-- Stops the handshake after the named step has run (handshake() returns true).
function Flow:stop_after(name)
  check_step(self, name, 2)
  self.stop_requested = name
  return self
end

-- Stops the handshake just before the named step would run.
function Flow:stop_before(name)
  check_step(self, name, 2)
  self.stop_before_requested = name
  return self
end

-- Moves an existing step to just after (or before) another one: messages in
-- another order.
local function move_step(self, name, anchor, offset)
  check_step(self, name, 3)
  check_step(self, anchor, 3)
  if name == anchor then error("tlshs: move: a step cannot move next to itself", 3) end
  each_list(self, function(list)
    for i, step in ipairs(list) do
      if step == name then table.remove(list, i); break end
    end
  end)
  return insert_step(self, anchor, name, self[name], offset, 3)
end

function Flow:move_after(name, anchor) return move_step(self, name, anchor, 1) end
function Flow:move_before(name, anchor) return move_step(self, name, anchor, 0) end

---------------------------------------------------------------------------
-- Message and record surgery (probes; docs/variants.md)
---------------------------------------------------------------------------

local function hook_list(self, field, msg_type)
  self[field] = self[field] or {}
  local list = self[field][msg_type] or {}
  self[field][msg_type] = list
  return list
end

-- fn(msg, conn) changes a message table of that type before it is built
-- (it may return a replacement table, or bytes to send instead).
function Flow:mutate(msg_type, fn)
  check_msg_type(msg_type, 2)
  check_function(fn, "mutate: the mutator", 2)
  table.insert(hook_list(self, "mutators", msg_type), fn)
  return self
end

-- fn(bytes, conn) -> bytes changes a built message (header included).
function Flow:mutate_bytes(msg_type, fn)
  check_msg_type(msg_type, 2)
  check_function(fn, "mutate_bytes: the mutator", 2)
  table.insert(hook_list(self, "byte_mutators", msg_type), fn)
  return self
end

-- The message of that type is built as usual (the flow's state follows) but
-- neither sent nor added to the transcript.
function Flow:drop(msg_type)
  check_msg_type(msg_type, 2)
  self.dropped = self.dropped or {}
  self.dropped[msg_type] = true
  return self
end

local RESEND_OPTIONS = options.schema("conn:resend", { transcript = "boolean" })

-- Sends the last sent message of that type again (not added to the
-- transcript unless opts.transcript is true).
function Flow:resend(msg_type, opts)
  check_msg_type(msg_type, 2)
  opts = RESEND_OPTIONS:check(opts)
  local raw = self.sent and self.sent[msg_type]
  if not raw then error("tlshs: resend: no " .. msg_type .. " was sent yet", 2) end
  return self:send_handshake(raw, { transcript = opts.transcript == true, mutate = false })
end

local FRAGMENT_SIZES = options.list_of(options.named("a positive integer", function(v)
  if type(v) == "number" and v >= 1 and v % 1 == 0 then return true end
  return nil, "must be a positive integer, got " .. tostring(v)
end))

-- Handshake data in records of these sizes (a number or a list whose last
-- entry repeats); nil restores whole records.
function Flow:fragment(sizes)
  if type(sizes) == "number" then sizes = { sizes } end
  if sizes ~= nil then
    local why = FRAGMENT_SIZES.check(sizes)
    if why then error("tlshs: fragment: sizes " .. why, 2) end
  end
  self.records.fragment_sizes = sizes
  return self
end

-- While packing, handshake messages are held and then sent together (in as
-- few records as fit) at flush(), at the next non-handshake record, or when
-- the flow waits for the peer.
function Flow:pack(on)
  if on ~= nil and type(on) ~= "boolean" then error("tlshs: pack: wants true, false or nothing, got " .. type(on), 2) end
  self.records.packing = on ~= false
  if on == false then return self.records:flush() end
  return self
end

function Flow:flush() return self.records:flush() end

-- Seal options of a protected record (docs/record.md).
local SEAL_OPTIONS = options.schema("seal options", {
  corrupt_mac = "boolean", corrupt_tag = "boolean", corrupt_padding = "boolean",
  pad = "number", iv = "string",
})
local SEND_RECORD_OPTIONS = options.schema("conn:send_record", {
  version = "number", protect = "boolean", length = "number",
  seal = options.named("a table of seal options", function(v)
    if type(v) ~= "table" then return nil, "must be a table of seal options, got " .. type(v) end
    local ok, why = pcall(SEAL_OPTIONS.check, SEAL_OPTIONS, v)
    if ok then return true end
    return nil, tostring(why):gsub("^.-seal options: ", "")
  end),
})

-- One record exactly as given: content_type (number or name), data;
-- opts.version (header version), opts.protect = false (clear text even
-- after ChangeCipherSpec), opts.seal (seal options), opts.length (a wrong
-- length field).
function Flow:send_record(content_type, data, opts)
  opts = SEND_RECORD_OPTIONS:check(opts)
  if type(content_type) == "string" then
    local n = core.names.content_types[content_type]
    if not n then
      error(string.format("tlshs: no content type %s; content types are: %s", content_type,
        table.concat(sorted_names(core.names.content_types), ", ")), 2)
    end
    content_type = n
  elseif type(content_type) ~= "number" then
    error("tlshs: send_record: content type must be a name or a number, got " .. type(content_type), 2)
  end
  if data ~= nil and type(data) ~= "string" then
    error("tlshs: send_record: data must be a string, got " .. type(data), 2)
  end
  local ok, err, detail = self.records:flush()
  if ok then ok, err, detail = self.records:send_record(content_type, data or "", opts.version, opts) end
  if not ok then self.transport_dead = true end
  return ok, err, detail
end

-- Bytes straight onto the transport (no record framing).
function Flow:send_raw(bytes)
  if type(bytes) ~= "string" then error("tlshs: send_raw: bytes must be a string, got " .. type(bytes), 2) end
  local ok, err, detail = self.records:flush()
  if ok then ok, err, detail = self.records:send_raw(bytes) end
  if not ok then self.transport_dead = true end
  return ok, err, detail
end

-- Seal options for the next protected record: e.g.
-- conn:corrupt_next_record{corrupt_mac = true} (the default).
function Flow:corrupt_next_record(opts)
  opts = opts or { corrupt_mac = true }
  SEAL_OPTIONS:check(opts)
  self.records.seal_once = self.records.seal_once or {}
  table.insert(self.records.seal_once, opts)
  return self
end

---------------------------------------------------------------------------
-- Sending and receiving handshake messages
---------------------------------------------------------------------------

local check_new_fields

local function run_hooks(self, field, msg_type, value)
  local list = self[field] and self[field][msg_type]
  if not list then return value end
  for _, fn in ipairs(list) do
    local out = fn(value, self)
    if out ~= nil then value = out end
  end
  return value
end

local function without(t, key, value)
  local copy = {}
  for k, v in pairs(t) do copy[k] = v end
  copy[key] = value
  return copy
end

local function built(msg)
  local ok, raw = pcall(core.build_handshake, msg)
  return ok and raw or nil
end

-- A field a mutator added that the builder ignores is a typo
-- (m.verify_dat = ...): it would send the unchanged message and make a
-- broken probe look like a finding. A field counts as used when the built
-- bytes change with it, or with another value of it.
check_new_fields = function(msg_type, before, msg)
  if type(msg) ~= "table" then return end
  for k, v in pairs(msg) do
    if not before[k] and type(k) == "string" and type(v) ~= "table" then
      local with, base = built(msg), built(without(msg, k, nil))
      local other
      if type(v) == "number" then other = v + 1
      elseif type(v) == "string" then other = v .. "\1"
      elseif type(v) == "boolean" then other = not v end
      if with and base and with == base and (other == nil or built(without(msg, k, other)) == base) then
        local fields = {}
        for f in pairs(before) do if type(f) == "string" then fields[#fields + 1] = f end end
        table.sort(fields)
        error(string.format("tlshs: no field %s in %s (the builder ignores it); its fields are: %s; " ..
          "overrides: <field>_len, length, body (docs/messages.md)", k, msg_type, table.concat(fields, ", ")), 0)
      end
    end
  end
end

-- Builds msg (a table) or takes raw bytes, adds it to the transcript, sends it.
-- The mutate/mutate_bytes/drop hooks apply to it (opts.mutate = false: not);
-- opts.transcript = false keeps it out of the transcript.
local SEND_HANDSHAKE_OPTIONS = options.schema("conn:send_handshake", { transcript = "boolean", mutate = "boolean" })

function Flow:send_handshake(msg, opts)
  opts = opts and SEND_HANDSHAKE_OPTIONS:check(opts) or {}
  if type(msg) ~= "table" and type(msg) ~= "string" then
    error("tlshs: send_handshake: wants a message table or bytes, got " .. type(msg), 2)
  end
  local msg_type = type(msg) == "table" and msg.msg_type or nil
  if opts.mutate ~= false and msg_type and self.mutators and self.mutators[msg_type] then
    local before = {}
    for k in pairs(msg) do before[k] = true end
    msg = run_hooks(self, "mutators", msg_type, msg)
    check_new_fields(msg_type, before, msg)
  end
  local raw = type(msg) == "string" and msg or core.build_handshake(msg)
  if type(msg) == "string" then msg = core.parse_handshake(raw, 1, self:parse_options()) or { msg_type = msg_type or "?" } end
  msg_type = msg_type or msg.msg_type
  if opts.mutate ~= false then raw = run_hooks(self, "byte_mutators", msg_type, raw) end
  if opts.mutate ~= false and self.dropped and self.dropped[msg_type] then
    self.tracer:note("dropped " .. tostring(msg_type))
    return true
  end
  self.sent = self.sent or {}
  self.sent[msg_type] = raw
  if opts.transcript ~= false then self.transcript:add(raw) end
  self.tracer:message("sent", msg)
  return self:send_records(CT.handshake, raw)
end

function Flow:send_records(content_type, data)
  local ok, err, detail = self.records:send(content_type, data)
  if not ok then self.transport_dead = true end
  return ok, err, detail
end

-- One options table per key exchange, shared (parse_handshake only reads it).
local PARSE_OPTIONS = setmetatable({}, { __index = function(t, kx)
  local o = { kx = kx }
  t[kx] = o
  return o
end })
local NO_KX = {}

function Flow:parse_options()
  local kx = self.suite and self.suite.kx
  if kx == nil then return NO_KX end
  return PARSE_OPTIONS[kx]
end

-- Reads the next event; an alert from the peer ends the handshake here.
function Flow:next_event()
  local ev, err, detail = self.records:read_event()
  if not ev then
    if err == "closed" or err == "timeout" or err == "transport" then self.transport_dead = true end
    return nil, err, detail
  end
  if ev.kind == "alert" then
    self.received_alert = ev.alert
    self.tracer:alert("received", ev.alert)
    if ev.alert.description == 0 then -- close_notify; we answer it in close()
      self.peer_closed = true
      return nil, "closed", "the " .. self.peer_role .. " sent close_notify"
    end
    if ev.alert.level == 2 then
      self.transport_dead = true
      return nil, "alert_received", string.format("%s sent fatal alert %s", self.peer_role,
        ev.alert.description_name or tostring(ev.alert.description))
    end
  end
  return ev
end

-- The next handshake message, which must be one of the given types; it is
-- parsed (with the negotiated key exchange) and added to the transcript.
function Flow:expect(...)
  local wanted = { ... }
  local ev, err, detail = self:next_event()
  if not ev then return nil, err, detail end
  while ev.kind == "alert" do -- a warning alert: noted, and the handshake goes on
    ev, err, detail = self:next_event()
    if not ev then return nil, err, detail end
  end
  if ev.kind ~= "handshake" then
    return nil, "unexpected_message", string.format("wanted %s, got %s", table.concat(wanted, " or "), ev.kind)
  end
  local msg, perr, pdetail = core.parse_handshake(ev.raw, 1, self:parse_options())
  if not msg then return nil, perr, pdetail end
  self.tracer:message("received", msg)
  for _, w in ipairs(wanted) do
    if msg.msg_type == w then
      self.transcript:add(ev.raw)
      return msg
    end
  end
  return nil, "unexpected_message", string.format("wanted %s, got %s", table.concat(wanted, " or "), tostring(msg.msg_type))
end

function Flow:write_change_cipher_spec()
  self.tracer:ccs("sent")
  local ok, err, detail = self:send_records(CT.change_cipher_spec, "\1")
  if not ok then return nil, err, detail end
  self.records:activate_write()
  return true
end

function Flow:read_change_cipher_spec()
  local ev, err, detail = self:next_event()
  while ev and ev.kind == "alert" do ev, err, detail = self:next_event() end
  if not ev then return nil, err, detail end
  if ev.kind ~= "change_cipher_spec" then
    return nil, "unexpected_message", "wanted change_cipher_spec, got " .. ev.kind ..
      (ev.raw and (" " .. tostring((core.parse_handshake(ev.raw) or {}).msg_type)) or "")
  end
  self.tracer:ccs("received")
  return self.records:activate_read()
end

function Flow:send_alert(level, description)
  local levels = { warning = 1, fatal = 2 }
  local alert = { level = levels[level] or level, description = description }
  self.tracer:alert("sent", alert)
  return self.records:send_alert(alert.level, alert.description)
end

-- The peer's certificate_list as certificate objects (leaf first).
function Flow:parse_certificates(m)
  local chain = {}
  for i, der in ipairs(m.certificate_list) do
    local cert, err, detail = core.parse_certificate(der)
    if not cert then return nil, err, string.format("certificate_list[%d]: %s", i, tostring(detail)) end
    chain[i] = cert
  end
  return chain
end

---------------------------------------------------------------------------
-- Steps both sides share: ChangeCipherSpec and Finished (RFC 5246 §7.4.9;
-- our Finished is labelled with our role, the peer's with its role)
---------------------------------------------------------------------------

function Flow:send_change_cipher_spec()
  return self:write_change_cipher_spec()
end

function Flow:receive_change_cipher_spec()
  return self:read_change_cipher_spec()
end

function Flow:send_finished()
  local verify_data = keys.verify_data(self.suite.prf, self.master_secret, self.role .. " finished",
    self.transcript:digest())
  self[self.role .. "_verify_data"] = verify_data
  return self:send_handshake { msg_type = "finished", verify_data = verify_data }
end

function Flow:receive_finished()
  local expected = keys.verify_data(self.suite.prf, self.master_secret, self.peer_role .. " finished",
    self.transcript:digest())
  local m, err, detail = self:expect("finished")
  if not m then return nil, err, detail end
  if not core.equal(m.verify_data, expected) then
    return nil, "decrypt_error", "finished.verify_data: does not match the transcript"
  end
  self[self.peer_role .. "_verify_data"] = m.verify_data
  return true
end

-- Derives the record keys from the master secret and prepares both
-- directions (activated at each ChangeCipherSpec); appends to the key log.
-- Returns true, or nil, "internal_error", detail when the key log cannot be
-- written (e.g. a symbolic link planted in its place): a key log asked for
-- and silently missing would be worse than a failed handshake.
function Flow:install_keys()
  local client_write, server_write = keys.key_block(self.suite, self.master_secret,
    self.client_random, self.server_random, self.etm)
  local read, write = server_write, client_write
  if self.role == "server" then read, write = client_write, server_write end
  self.records:prepare(core.record_protection(read), core.record_protection(write))
  if self.opts.keylog then
    local ok, detail = keys.keylog_append(self.opts.keylog, self.client_random, self.master_secret)
    if not ok then return nil, "internal_error", detail end
  end
  return true
end

---------------------------------------------------------------------------
-- After the handshake: application data (LuaSocket-like)
---------------------------------------------------------------------------

function Flow:send(data)
  if not self.established then return nil, "handshake not done" end
  self.tracer:application_data("sent", #data)
  local ok, err, detail = self:send_records(CT.application_data, data)
  if not ok then return nil, err, detail end
  return #data
end

-- Fills self.appbuf with at least one more application-data record.
-- Returns nil, "closed" on close_notify or a closed transport.
function Flow:fill()
  -- Once the peer's close_notify came (or we closed), nothing more can
  -- come: say so at once instead of waiting for the transport's timeout.
  if self.peer_closed or self.transport_closed then return nil, "closed" end
  while true do
    local ev, err, detail = self:next_event()
    if not ev then
      if is_alert_name(err) then self:fail(err, detail) end
      return nil, err, detail
    end
    if ev.kind == "application_data" then
      self.tracer:application_data("received", #ev.data)
      if #ev.data > 0 then
        self.appbuf = self.appbuf .. ev.data
        return true
      end
    elseif ev.kind == "handshake" then
      local ok, herr, hdetail = self:on_post_handshake(ev)
      if not ok then return self:fail(herr, hdetail) end
    elseif ev.kind == "change_cipher_spec" then
      return self:fail("unexpected_message", "change_cipher_spec after the handshake")
    end
  end
end

-- A handshake message after the handshake: renegotiation is refused
-- (RFC 5746 §4.2 / RFC 5246 §7.4.1.1: a HelloRequest may be answered with a
-- no_renegotiation warning). Subclasses may override.
function Flow:on_post_handshake(ev)
  local msg = core.parse_handshake(ev.raw, 1, {})
  if msg and (msg.msg_type == "hello_request" or msg.msg_type == "client_hello") then
    self.tracer:message("received", msg)
    self:send_alert("warning", "no_renegotiation")
    return true
  end
  return nil, "unexpected_message", "handshake message after the handshake: " .. tostring(msg and msg.msg_type)
end

-- Reads records until ready(buffered data) holds; on failure returns nil,
-- err and hands over what was buffered.
local function fill_until(self, ready)
  self.appbuf = self.appbuf or ""
  while not ready(self.appbuf) do
    local ok, err = self:fill()
    if not ok then
      local partial = self.appbuf
      self.appbuf = ""
      return nil, err, partial
    end
  end
  return true
end

local function take(self, n)
  local out = self.appbuf:sub(1, n)
  self.appbuf = self.appbuf:sub(n + 1)
  return out
end

local RECEIVE_PATTERNS = { ["*a"] = true, a = true, ["*l"] = true, l = true }

-- receive(n | "*l" | "*a") like LuaSocket: data, or nil, err, partial.
function Flow:receive(pattern)
  if not self.established then return nil, "handshake not done", "" end
  pattern = pattern or "*l"
  if not (type(pattern) == "number" and pattern >= 0 and pattern % 1 == 0 or RECEIVE_PATTERNS[pattern]) then
    error("tlshs: receive: pattern must be a byte count, \"*l\" or \"*a\", got " .. tostring(pattern), 2)
  end
  if (pattern == "*a" or pattern == "a") and self.peer_closed and #(self.appbuf or "") == 0 then
    return nil, "closed", "" -- LuaSocket: "*a" on a closed connection
  end
  if type(pattern) == "number" then
    local ok, err, partial = fill_until(self, function(buf) return #buf >= pattern end)
    if not ok then return nil, err, partial end
    return take(self, pattern)
  elseif pattern == "*a" or pattern == "a" then
    local _, err, all = fill_until(self, function() return false end)
    if err == "closed" then return all end
    return nil, err, all
  else -- a line, without its CR LF
    local ok, err, partial = fill_until(self, function(buf) return buf:find("\n", 1, true) end)
    if not ok then return nil, err, partial end
    local line = take(self, self.appbuf:find("\n", 1, true))
    return (line:gsub("\r?\n$", ""))
  end
end

-- Whatever application data is there, at least one byte: data | nil, err.
function Flow:receive_any()
  if not self.established then return nil, "handshake not done" end
  local ok, err, detail = fill_until(self, function(buf) return #buf > 0 end)
  if not ok then return nil, err, detail end
  return take(self, #self.appbuf)
end

-- Sends close_notify (RFC 5246 §7.2.1: also in answer to the peer's) and
-- closes the transport.
function Flow:close()
  if self.established and not self.transport_dead and not self.transport_closed then
    self:send_alert("warning", "close_notify")
  end
  self:close_transport()
  return 1
end

function Flow:settimeout(t)
  if self.transport.settimeout then return self.transport:settimeout(t) end
end

return flow
