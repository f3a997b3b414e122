-- The record layer of one connection (RFC 5246 §6): framing over a
-- transport, record protection per direction (prepared, then activated at
-- ChangeCipherSpec), handshake-message reassembly, and the events a flow
-- reads: a handshake message, a ChangeCipherSpec, an alert, application data.
local core = require "tlshs.core"

local RecordLayer = {}
RecordLayer.__index = RecordLayer

local record_layer = {}

local CT = { change_cipher_spec = 20, alert = 21, handshake = 22, application_data = 23 }
record_layer.CT = CT

local MAX_PLAINTEXT = 16384            -- 2^14, RFC 5246 §6.2.1
local MAX_CIPHERTEXT = 16384 + 2048    -- RFC 5246 §6.2.3
-- A peer may send warning alerts and empty records (RFC 5246 §6.2.1 allows
-- zero-length application data) without end, each read one by one. As
-- OpenSSL does (ssl/record: MAX_WARN_ALERT_COUNT, MAX_EMPTY_RECORDS), the
-- 5th warning alert in a row, or the 33rd empty record in a row, is
-- unexpected_message; a non-empty record of another kind resets the count.
local MAX_WARNING_ALERTS = 5
local MAX_EMPTY_RECORDS = 32
record_layer.MAX_WARNING_ALERTS, record_layer.MAX_EMPTY_RECORDS = MAX_WARNING_ALERTS, MAX_EMPTY_RECORDS

function record_layer.new(transport, opts)
  opts = opts or {}
  return setmetatable({
    transport = transport,
    version = opts.record_version or 0x0303,  -- written in outgoing headers
    expect_version = nil,                     -- checked on input once negotiated
    max_fragment = opts.max_fragment or MAX_PLAINTEXT,
    reassembler = core.reassembler(opts.max_handshake_size),
    read_state = nil, write_state = nil,      -- nil: no protection yet
    pending_read = nil, pending_write = nil,
    on_record = opts.on_record,               -- hook(direction, content_type, plaintext)
    -- Probe hooks (docs/variants.md): fragment_sizes cuts handshake data
    -- into records of these sizes (the last one repeats); packing holds
    -- handshake data until flush() so several messages share records;
    -- seal_once is a list of seal options for the next protected records.
    fragment_sizes = nil, packing = false, packed = nil, seal_once = nil,
    records_read = 0, warning_alerts = 0, empty_records = 0,
  }, RecordLayer)
end

-- Sends the handshake data held while packing (one stream, cut as usual).
function RecordLayer:flush()
  local data = self.packed
  self.packed = nil
  if data and #data > 0 then return self:send_split(CT.handshake, data) end
  return true
end

-- Protection states made from the key block, installed at ChangeCipherSpec.
function RecordLayer:prepare(read_state, write_state)
  self.pending_read, self.pending_write = read_state, write_state
end

function RecordLayer:activate_write()
  self.write_state, self.pending_write = assert(self.pending_write, "no pending write state"), nil
end

function RecordLayer:activate_read()
  if not self.pending_read then return nil, "unexpected_message", "ChangeCipherSpec before the keys are known" end
  self.read_state, self.pending_read = self.pending_read, nil
  return true
end

local function transport_failure(err)
  if err == "closed" then return nil, "closed", "the peer closed the connection" end
  if err == "timeout" then return nil, "timeout", "the peer sent nothing in time" end
  return nil, "transport", tostring(err)
end

-- Writes bytes as they are (a probe can send anything with this).
function RecordLayer:send_raw(bytes)
  local ok, err = self.transport:send(bytes)
  if not ok then return transport_failure(err) end
  return true
end

-- One record, protected by the current write state, content not split.
-- opts (probes): protect = false sends it in the clear even after
-- ChangeCipherSpec; seal = options for write_state:seal (corrupt_mac, ...);
-- length = a wrong record length.
function RecordLayer:send_record(content_type, data, version, opts)
  opts = opts or {}
  if self.on_record then self.on_record("sent", content_type, data) end
  local fragment = data
  if self.write_state and opts.protect ~= false then
    local seal = opts.seal
    if not seal and self.seal_once and #self.seal_once > 0 then seal = table.remove(self.seal_once, 1) end
    fragment = self.write_state:seal(content_type, data, seal)
  end
  version = version or self.version
  if not opts.length and type(content_type) == "number" and type(version) == "number" and #fragment <= 65535 and
    content_type >= 0 and content_type <= 255 and content_type % 1 == 0 and
    version >= 0 and version <= 65535 and version % 1 == 0 then
    -- the usual record: its 5-byte header (RFC 5246 §6.2.1) without a table
    local n = #fragment
    return self:send_raw(string.char(content_type, math.floor(version / 256), version % 256,
      math.floor(n / 256), n % 256) .. fragment)
  end
  return self:send_raw(core.build_record {
    content_type = content_type, version = version, fragment = fragment,
    length = opts.length,
  })
end

-- data cut into records: handshake data by fragment_sizes when set, else
-- records of at most max_fragment bytes.
function RecordLayer:send_split(content_type, data)
  local sizes = content_type == CT.handshake and self.fragment_sizes or nil
  local i, k = 1, 1
  while i <= #data do
    local size = self.max_fragment
    if sizes then size = sizes[math.min(k, #sizes)] or size end
    local ok, err, detail = self:send_record(content_type, data:sub(i, i + size - 1))
    if not ok then return nil, err, detail end
    i, k = i + size, k + 1
  end
  return true
end

-- Sends data of a content type, split into records of at most max_fragment
-- bytes; an empty payload is one empty record (application data may be).
-- While packing, handshake data is held until flush() or another send.
function RecordLayer:send(content_type, data)
  if self.packing and content_type == CT.handshake then
    self.packed = (self.packed or "") .. data
    return true
  end
  local ok, err, detail = self:flush()
  if not ok then return nil, err, detail end
  if #data == 0 then return self:send_record(content_type, data) end
  return self:send_split(content_type, data)
end

-- What the first bytes from a peer that does not speak TLS look like.
local function not_tls(header)
  local method = header:match("^(%u+) ") or header:match("^(%u%u%u%u%u)")
  local http = { GET = 1, POST = 1, HEAD = 1, PUT = 1, DELET = 1, OPTIO = 1, PATCH = 1, TRACE = 1, CONNE = 1 }
  if header:match("^HTTP/") then return "an HTTP response" end
  if method and http[method] then return "an HTTP request" end
  return nil
end

-- The header's content type and version are checked before its fragment is
-- waited for, so bytes that are not TLS (a plain-HTTP request) fail at once
-- instead of when --timeout runs out (RFC 5246 §6.2.1: a known content type;
-- the version's major byte is 3 from SSL 3.0 to TLS 1.2, Appendix E.1).
local function check_header(self, header)
  local content_type, major = header:byte(1), header:byte(2)
  if content_type < CT.change_cipher_spec or content_type > CT.application_data or major ~= 3 then
    local what = self.records_read == 0 and not_tls(header)
    local shown = header:gsub("[^%w%p ]", ".")
    if what then
      return nil, "unexpected_message", string.format("record header: not TLS but %s (\"%s...\")", what, shown)
    end
    if content_type < CT.change_cipher_spec or content_type > CT.application_data then
      return nil, "unexpected_message", string.format("record.content_type: unknown type %d", content_type)
    end
    return nil, "protocol_version", string.format("record.version: 0x%02x%02x is not TLS (major version %d)",
      major, header:byte(3), major)
  end
  return true
end

-- Reads one record; returns content_type, plaintext, version.
function RecordLayer:read_record()
  local header, err = self.transport:receive(5)
  if not header then return transport_failure(err) end
  local ok, alert, detail0 = check_header(self, header)
  if not ok then return nil, alert, detail0 end
  self.records_read = self.records_read + 1
  local len = header:byte(4) * 256 + header:byte(5)
  if len > MAX_CIPHERTEXT then
    return nil, "record_overflow", string.format("record.length: %d at offset 3 exceeds 2^14+2048", len)
  end
  local fragment = ""
  if len > 0 then
    fragment, err = self.transport:receive(len)
    if not fragment then return transport_failure(err) end
  end
  -- The header is read here rather than by core.parse_record: the length
  -- was checked above and exactly that many bytes arrived, so parsing could
  -- not fail, and the record is neither concatenated nor copied again.
  local content_type, version = header:byte(1), header:byte(2) * 256 + header:byte(3)
  if self.expect_version and version ~= self.expect_version and not self.lenient_version then
    return nil, "protocol_version", string.format("record.version: 0x%04x, negotiated 0x%04x", version, self.expect_version)
  end
  if self.expect_version and version ~= self.expect_version then
    self.odd_version = version -- lenient_version (probes): noted, not refused
  end
  local plaintext, detail = fragment, nil
  if self.read_state then
    plaintext, err, detail = self.read_state:open(content_type, fragment)
    if not plaintext then return nil, err, detail end
  elseif #plaintext > MAX_PLAINTEXT then
    return nil, "record_overflow", string.format("record.fragment: %d bytes exceed 2^14", #plaintext)
  end
  if self.on_record then self.on_record("received", content_type, plaintext) end
  return content_type, plaintext, version
end

-- The next event from the peer:
--   {kind = "handshake", raw = bytes}            one whole handshake message
--   {kind = "change_cipher_spec"}
--   {kind = "alert", alert = {level=, description=, ...}}
--   {kind = "application_data", data = bytes}
-- or nil, err, detail (err an alert name to send, or "closed"/"timeout"/"transport").
function RecordLayer:read_event()
  if self.packed then -- never wait for the peer while holding our messages
    local ok, err, detail = self:flush()
    if not ok then return nil, err, detail end
  end
  while true do
    local msg, merr, mdetail = self.reassembler:next()
    if msg then return { kind = "handshake", raw = msg } end
    if merr then return nil, merr, mdetail end
    local ct, data, detail = self:read_record()
    if not ct then return nil, data, detail end
    if #data == 0 then
      self.empty_records = self.empty_records + 1
      if self.empty_records > MAX_EMPTY_RECORDS then
        return nil, "unexpected_message", string.format("record: more than %d empty records in a row", MAX_EMPTY_RECORDS)
      end
    else
      self.empty_records = 0
      if ct ~= CT.alert then self.warning_alerts = 0 end
    end
    if ct == CT.handshake then
      -- RFC 5246 §6.2.1: no zero-length handshake fragments.
      if #data == 0 then return nil, "unexpected_message", "record: empty handshake fragment" end
      self.reassembler:push(data)
    elseif self.reassembler:pending() > 0 then
      -- RFC 5246 §6.2.1: other records may not interleave a fragmented message.
      return nil, "unexpected_message",
        string.format("record: content type %d inside a fragmented handshake message", ct)
    elseif ct == CT.change_cipher_spec then
      -- RFC 5246 §7.1: the body is the single byte 1.  Anything else (empty,
      -- another value, more bytes) is not a ChangeCipherSpec at all:
      -- unexpected_message, as RFC 8446 §5 says and OpenSSL answers
      -- (SSL_R_BAD_CHANGE_CIPHER_SPEC); spec/ccs_spec.lua.
      if data ~= "\1" then
        return nil, "unexpected_message", string.format("change_cipher_spec: body of %d byte(s) (%s), must be the single byte 1",
          #data, (data:sub(1, 4):gsub(".", function(c) return string.format("%02x", c:byte()) end)))
      end
      return { kind = "change_cipher_spec" }
    elseif ct == CT.alert then
      local alert, aerr, adetail = core.parse_alert(data)
      if not alert then return nil, aerr, adetail end
      if alert.level == 1 and alert.description ~= 0 then -- close_notify ends it anyway
        self.warning_alerts = self.warning_alerts + 1
        if self.warning_alerts >= MAX_WARNING_ALERTS then
          return nil, "unexpected_message", string.format("alert: %d warning alerts in a row", self.warning_alerts)
        end
      end
      return { kind = "alert", alert = alert }
    elseif ct == CT.application_data then
      return { kind = "application_data", data = data }
    else
      return nil, "unexpected_message", string.format("record.content_type: unknown type %d", ct)
    end
  end
end

function RecordLayer:send_alert(level, description)
  local ok, err, detail = self:flush()
  if not ok then return nil, err, detail end
  return self:send_record(CT.alert, core.build_alert { level = level, description = description })
end

return record_layer
