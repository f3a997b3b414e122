-- Expectations: what the peer should do next, checked against what it did.
--
-- An observation is a table describing the peer's next move:
--   {kind = "completed"}                                  the handshake finished
--   {kind = "alert", level = "fatal", description = "handshake_failure"}
--   {kind = "message", msg_type = "server_hello", msg = {...}}
--   {kind = "change_cipher_spec"} / {kind = "application_data", data = ...}
--   {kind = "closed", detail = ...}                       the transport closed (FIN or reset)
--   {kind = "nothing", timeout = 2}                       nothing within the timeout
--   {kind = "error", err = "illegal_parameter", detail = ...}
--                                                         we could not accept what came
-- each with `step`: the step of our flow during which it came.
--
-- An expectation is made by expect.completes(), expect.alert(...),
-- expect.message(...), expect.closed(), expect.nothing(), expect.application_data(),
-- expect.any(e1, e2, ...); e:match(obs) -> true|false, e:describe() -> text.
--   local r = expect.check(expect.alert("handshake_failure"), obs)
--   --> {ok = false, expected = "alert handshake_failure", observed = "closed at receive_server_hello", observation = obs}
local core = require "tlshs.core"
local options = require "tlshs.options"

local expect = {}

-- A wrong alert name, message type or option raises, naming the valid ones.
local STEP_OPTIONS = options.schema("expect", { step = "string" })
local ALERT_OPTIONS = STEP_OPTIONS:extend("expect.alert", { level = options.one_of("fatal", "warning", "any") })

local sorted_names = options.sorted_names

local function check_alert(d)
  if type(d) == "number" and d >= 0 and d <= 255 and d % 1 == 0 then return end
  if type(d) == "string" and core.names.alerts[d] then return end
  error(string.format("tlshs: no alert named %s; alerts are: %s", tostring(d),
    table.concat(sorted_names(core.names.alerts), ", ")), 3)
end

local Expectation = {}
Expectation.__index = Expectation

local function new(describe, match)
  return setmetatable({ describe_fn = describe, match_fn = match }, Expectation)
end

function Expectation:describe() return self.describe_fn() end
function Expectation:match(obs) return self.match_fn(obs) == true end

-- Is `x` an expectation object?
function expect.is(x) return getmetatable(x) == Expectation end

local function level_name(level)
  if level == 1 or level == "warning" then return "warning" end
  if level == 2 or level == "fatal" then return "fatal" end
  return tostring(level)
end

local function alert_name(d)
  if type(d) == "number" then return core.names.alerts[d] or tostring(d) end
  return d
end

local function step_ok(opts, obs)
  return not opts.step or opts.step == obs.step
end

local function at(opts)
  return opts.step and (" at " .. opts.step) or ""
end

-- The handshake completes.
function expect.completes()
  return new(function() return "completed" end, function(obs) return obs.kind == "completed" end)
end

-- An alert: description a name or a list of accepted names (nil: any);
-- opts.level "fatal" (the default) | "warning" | "any"; opts.step.
function expect.alert(descriptions, opts)
  opts = ALERT_OPTIONS:check(opts)
  if type(descriptions) ~= "table" and descriptions ~= nil then descriptions = { descriptions } end
  for _, d in ipairs(descriptions or {}) do check_alert(d) end
  local level = opts.level or "fatal"
  local accepted = {}
  for _, d in ipairs(descriptions or {}) do accepted[alert_name(d)] = true end
  return new(function()
    local what = descriptions and table.concat(descriptions, "|") or "any"
    return "alert " .. (level == "fatal" and "" or (level .. " ")) .. what .. at(opts)
  end, function(obs)
    if obs.kind ~= "alert" then return false end
    if level ~= "any" and obs.level ~= level then return false end
    if descriptions and not accepted[obs.description] then return false end
    return step_ok(opts, obs)
  end)
end

-- A handshake message of that type; checks is a table of field = value (a
-- value may be a function(field_value, msg) -> boolean) or a function(msg).
function expect.message(msg_type, checks, opts)
  opts = STEP_OPTIONS:check(opts)
  if type(msg_type) ~= "string" or not core.names.handshake_types[msg_type] then
    error(string.format("tlshs: no message type %s; message types are: %s", tostring(msg_type),
      table.concat(sorted_names(core.names.handshake_types), ", ")), 2)
  end
  if checks ~= nil and type(checks) ~= "table" and type(checks) ~= "function" then
    error("tlshs: expect.message: checks must be a table or a function, got " .. type(checks), 2)
  end
  return new(function() return "message " .. msg_type .. at(opts) end, function(obs)
    if obs.kind ~= "message" or obs.msg_type ~= msg_type then return false end
    if type(checks) == "function" then
      if not checks(obs.msg) then return false end
    elseif type(checks) == "table" then
      for field, want in pairs(checks) do
        local got = obs.msg[field]
        if type(want) == "function" then
          if not want(got, obs.msg) then return false end
        elseif got ~= want then
          return false
        end
      end
    end
    return step_ok(opts, obs)
  end)
end

function expect.closed(opts)
  opts = STEP_OPTIONS:check(opts)
  return new(function() return "closed" .. at(opts) end,
    function(obs) return obs.kind == "closed" and step_ok(opts, obs) end)
end

function expect.nothing(opts)
  opts = STEP_OPTIONS:check(opts)
  return new(function() return "nothing" .. at(opts) end,
    function(obs) return obs.kind == "nothing" and step_ok(opts, obs) end)
end

function expect.application_data()
  return new(function() return "application_data" end, function(obs) return obs.kind == "application_data" end)
end

-- Any of the given expectations.
function expect.any(...)
  local list = { ... }
  for i = 1, select("#", ...) do
    if not expect.is(list[i]) then error("tlshs: expect.any: argument " .. i .. " is not an expectation", 2) end
  end
  return new(function()
    local parts = {}
    for i, e in ipairs(list) do parts[i] = e:describe() end
    return table.concat(parts, " or ")
  end, function(obs)
    for _, e in ipairs(list) do
      if e:match(obs) then return true end
    end
    return false
  end)
end

-- The same kind of move as another observation (same alert level and
-- description, or the same kind), wherever it came: for "the peer must not
-- reveal the difference" probes.
function expect.same_as(other, label)
  return new(function()
    return "same as " .. (label and (label .. ": ") or "") .. expect.describe({
      kind = other.kind, level = other.level, description = other.description,
      msg_type = other.msg_type, err = other.err })
  end, function(obs)
    return obs.kind == other.kind and obs.level == other.level and obs.description == other.description
      and obs.msg_type == other.msg_type and obs.err == other.err
  end)
end

-- The handshake does not complete: a fatal alert (any, or one of the
-- given names) or the connection closed.
function expect.refused(descriptions)
  return expect.any(expect.alert(descriptions), expect.closed())
end

---------------------------------------------------------------------------
-- Observing
---------------------------------------------------------------------------

function expect.describe(obs)
  if not obs then return "?" end
  local where = obs.step and (" at " .. obs.step) or ""
  if obs.record_version then where = where .. string.format(" (record version 0x%04x)", obs.record_version) end
  local k = obs.kind
  if k == "alert" then
    return "alert " .. (obs.level == "fatal" and "" or (tostring(obs.level) .. " ")) .. tostring(obs.description) .. where
  elseif k == "message" then
    return "message " .. tostring(obs.msg_type) .. where
  elseif k == "nothing" then
    return "nothing" .. (obs.timeout and string.format(" (%gs)", obs.timeout) or "") .. where
  elseif k == "error" then
    return "we refused it: " .. tostring(obs.err) .. (obs.detail and (" (" .. tostring(obs.detail) .. ")") or "") .. where
  elseif k == "closed" then
    return "closed" .. where
  elseif k == "application_data" then
    return "application_data (" .. #(obs.data or "") .. " bytes)" .. where
  end
  return tostring(k) .. where
end

local function alert_observation(alert, step)
  return {
    kind = "alert", level = level_name(alert.level),
    description = alert.description_name or alert_name(alert.description),
    step = step,
  }
end

local function error_observation(err, detail, step)
  if err == "timeout" then return { kind = "nothing", step = step, detail = detail } end
  if err == "closed" or err == "transport" then return { kind = "closed", step = step, detail = detail } end
  return { kind = "error", err = err, detail = detail, step = step }
end

local function with_timeout(conn, timeout, fn)
  local t = conn.transport
  if not timeout then return fn() end
  local restore
  if t.settimeout then
    t:settimeout(timeout)
    -- back to the connection's own timeout when known (conn.io_timeout)
    restore = conn.io_timeout and function() t:settimeout(conn.io_timeout) end
  elseif t.timeout ~= nil then
    local old = t.timeout
    t.timeout = timeout
    restore = function() t.timeout = old end
  end
  local a, b, c = fn()
  if restore then restore() end
  return a, b, c
end

-- The peer's next move on conn (reads one event; a handshake message is
-- parsed but not added to the transcript).
function expect.observe(conn, timeout, step)
  step = step or conn.stopped_at and ("after " .. conn.stopped_at) or conn.current_step
  local ev, err, detail = with_timeout(conn, timeout, function() return conn.records:read_event() end)
  if not ev then
    local obs = error_observation(err, detail, step)
    if obs.kind == "nothing" then obs.timeout = timeout end
    return obs
  end
  if ev.kind == "alert" then
    conn.received_alert = ev.alert
    if ev.alert.description == 0 and ev.alert.level ~= 2 then
      return { kind = "closed", detail = "close_notify", step = step }
    end
    return alert_observation(ev.alert, step)
  elseif ev.kind == "handshake" then
    local msg, perr, pdetail = core.parse_handshake(ev.raw, 1, conn:parse_options())
    if not msg then return { kind = "error", err = perr, detail = pdetail, step = step } end
    return { kind = "message", msg_type = msg.msg_type, msg = msg, raw = ev.raw, step = step }
  end
  return { kind = ev.kind, data = ev.data, step = step }
end

-- What a flow run (ok, err, detail from handshake() or a step) tells of the
-- peer. A stopped flow is observed further (timeout seconds).
function expect.outcome(conn, ok, err, detail, timeout)
  if ok then
    if conn.stopped_at then return expect.observe(conn, timeout) end
    return { kind = "completed" }
  end
  local step = conn.failed and conn.failed.step or conn.current_step
  if err == "alert_received" and conn.received_alert then
    return alert_observation(conn.received_alert, step)
  end
  if err == "closed" and conn.received_alert and conn.received_alert.description == 0 then
    return { kind = "closed", detail = "close_notify", step = step }
  end
  local obs = error_observation(err, detail, step)
  if obs.kind == "nothing" then obs.timeout = timeout end
  -- A send that failed because the peer had closed: its alert may be
  -- waiting unread (when the transport was kept open, see expect.keep_open).
  if obs.kind == "closed" and conn.transport.keep_open and not conn.transport.read_closed then
    local again = expect.observe(conn, 1, step)
    if again.kind == "alert" then return again end
  end
  return obs
end

-- Compares: {ok, expected, observed, observation}.
function expect.check(expectation, obs)
  if not expect.is(expectation) then error("tlshs: expect.check: not an expectation: " .. type(expectation), 2) end
  return {
    ok = expectation:match(obs),
    expected = expectation:describe(),
    observed = expect.describe(obs),
    observation = obs,
  }
end

-- A step that waits for the peer's next move and checks it: insert it with
-- conn:insert_after(step, name, expect.step(expectation, timeout)). The
-- result lands in conn.expectations; a mismatch fails the flow with
-- "expectation_failed".
function expect.step(expectation, timeout)
  if not expect.is(expectation) then error("tlshs: expect.step: not an expectation: " .. type(expectation), 2) end
  if timeout ~= nil and type(timeout) ~= "number" then
    error("tlshs: expect.step: timeout must be a number of seconds, got " .. type(timeout), 2)
  end
  return function(conn)
    local obs = expect.observe(conn, timeout, conn.current_step)
    local r = expect.check(expectation, obs)
    conn.expectations = conn.expectations or {}
    table.insert(conn.expectations, r)
    if not r.ok then
      return nil, "expectation_failed", "expected " .. r.expected .. ", observed " .. r.observed
    end
    if obs.kind == "alert" and obs.level == "fatal" or obs.kind == "closed" then
      conn.stop_requested = conn.current_step -- nothing more can happen
    end
    return true
  end
end

-- A transport whose close() is held back until really_close(), so that an
-- alert the peer sent before closing can still be read after our flow gave up.
function expect.keep_open(t)
  local w = setmetatable({ inner = t, keep_open = true }, { __index = function(_, k)
    local v = t[k]
    if type(v) == "function" then return function(_, ...) return v(t, ...) end end
    return v
  end })
  function w:close() self.closed_by_flow = true return 1 end
  function w:really_close() return t:close() end
  function w:receive(n)
    local data, err, partial = t:receive(n)
    if not data and err == "closed" then self.read_closed = true end
    return data, err, partial
  end
  return w
end

return expect
