-- --trace output: one line per message as a ladder diagram, the client on
-- the left and the server on the right, with each message's key fields.
--
--   ClientHello           ------------->                        TLSv1.2, 27 suites, sni=localhost
--                         <-------------  ServerHello           TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
local core = require "tlshs.core"

local Tracer = {}
Tracer.__index = Tracer

local trace = {}

-- target: true (stderr), a function(line), or nil/false (no trace). id
-- (optional): each line is prefixed "[id] ", so the ladders of connections
-- that run at once can be told apart (scripts/server.lua --trace).
local function writer(target, id)
  local out
  if type(target) == "function" then
    out = target
  elseif target then
    out = function(line) io.stderr:write(line, "\n") end
  else
    return nil
  end
  if id == nil then return out end
  local prefix = "[" .. tostring(id) .. "] "
  return function(line) return out(prefix .. line) end
end

-- A trace target for opts.trace that prefixes each line with [id].
function trace.writer(target, id)
  return writer(target, id)
end

function trace.new(role, target, id)
  local self = setmetatable({ role = role, out = writer(target, id) }, Tracer)
  if self.out then
    self.out(string.format("%-22s %-15s %s", "client", "", "server"))
  end
  return self
end

local function camel(name)
  if type(name) ~= "string" then return "handshake(" .. tostring(name) .. ")" end
  return (name:gsub("_(%w)", string.upper):gsub("^%w", string.upper))
end

local function hex(s, max)
  s = s or ""
  local h = s:sub(1, max or #s):gsub(".", function(c) return string.format("%02x", c:byte()) end)
  if max and #s > max then h = h .. ".." end
  return h
end

local function name_of(table_name, n)
  local t = core.names and core.names[table_name]
  return (t and t[n]) or (type(n) == "number" and string.format("0x%04x", n)) or tostring(n)
end

local function list_names(table_name, list, max)
  local out = {}
  for i, v in ipairs(list or {}) do
    if max and i > max then out[#out + 1] = "..."; break end
    out[#out + 1] = name_of(table_name, v)
  end
  return table.concat(out, ",")
end

local function extension_names(exts)
  local out = {}
  for _, e in ipairs(exts or {}) do out[#out + 1] = e.name or tostring(e.type) end
  return table.concat(out, ",")
end

local function find_ext(msg, name)
  for _, e in ipairs(msg.extensions or {}) do
    if e.name == name then return e end
  end
end

local summaries = {}

function summaries.client_hello(m)
  local parts = { name_of("versions", m.version), #(m.cipher_suites or {}) .. " suites" }
  local sni = find_ext(m, "server_name")
  if sni and sni.server_name_list and sni.server_name_list[1] then
    parts[#parts + 1] = "sni=" .. tostring(sni.server_name_list[1].host_name)
  end
  local groups = find_ext(m, "supported_groups")
  if groups then parts[#parts + 1] = "groups=" .. list_names("groups", groups.named_group_list, 4) end
  if #(m.session_id or "") > 0 then parts[#parts + 1] = "session_id=" .. hex(m.session_id, 4) end
  parts[#parts + 1] = "ext=" .. extension_names(m.extensions)
  return table.concat(parts, ", ")
end

function summaries.server_hello(m)
  local parts = { name_of("versions", m.version), name_of("cipher_suites", m.cipher_suite) }
  if #(m.session_id or "") > 0 then parts[#parts + 1] = "session_id=" .. hex(m.session_id, 4) end
  parts[#parts + 1] = "ext=" .. extension_names(m.extensions)
  return table.concat(parts, ", ")
end

function summaries.certificate(m)
  local list = m.certificate_list or {}
  local s = #list .. " certificate(s)"
  if list[1] and core.parse_certificate then
    local cert = core.parse_certificate(list[1])
    if cert then s = s .. ", subject " .. tostring(cert:info().subject) end
  end
  return s
end

function summaries.server_key_exchange(m)
  local what
  if m.named_curve then
    what = name_of("groups", m.named_curve) .. " public " .. #(m.public or "") .. " bytes"
  elseif m.dh_p then
    what = "DH " .. (#m.dh_p * 8) .. "-bit p"
  else
    what = "?"
  end
  return what .. ", signed " .. name_of("signature_schemes", m.signature_algorithm)
end

function summaries.certificate_request(m)
  return "sig=" .. list_names("signature_schemes", m.supported_signature_algorithms, 3) ..
    ", " .. #(m.certificate_authorities or {}) .. " CA names"
end

function summaries.certificate_verify(m)
  return name_of("signature_schemes", m.signature_algorithm) .. ", " .. #(m.signature or "") .. " bytes"
end

function summaries.client_key_exchange(m)
  local v = m.encrypted_pre_master_secret or m.dh_yc or m.ecdh_yc or ""
  return (m.encrypted_pre_master_secret and "encrypted premaster " or "public ") .. #v .. " bytes"
end

function summaries.finished(m) return "verify_data " .. hex(m.verify_data) end

function summaries.new_session_ticket(m)
  return "lifetime " .. tostring(m.ticket_lifetime_hint) .. "s, ticket " .. #(m.ticket or "") .. " bytes"
end

-- direction: "sent" or "received" from this side's point of view.
function Tracer:line(direction, label, detail)
  if not self.out then return end
  local from_client = (direction == "sent") == (self.role == "client")
  if from_client then
    self.out(string.format("%-22s %-15s %-22s %s", label, "------------->", "", detail or ""))
  else
    self.out(string.format("%-22s %-15s %-22s %s", "", "<-------------", label, detail or ""))
  end
end

function Tracer:message(direction, msg)
  if not self.out then return end
  local summarize = summaries[msg.msg_type]
  self:line(direction, camel(msg.msg_type), summarize and summarize(msg) or "")
end

function Tracer:ccs(direction)
  self:line(direction, "ChangeCipherSpec", "")
end

function Tracer:alert(direction, alert)
  local level = alert.level_name or (alert.level == 1 and "warning" or alert.level == 2 and "fatal" or tostring(alert.level))
  local desc = alert.description_name or (type(alert.description) == "string" and alert.description) or
    name_of("alerts", alert.description)
  self:line(direction, "Alert", level .. " " .. desc)
end

function Tracer:application_data(direction, n)
  self:line(direction, "ApplicationData", n .. " bytes")
end

function Tracer:note(text)
  if self.out then self.out("  * " .. text) end
end

return trace
