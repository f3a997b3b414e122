-- The handshake transcript (RFC 5246 §7.4.8, §7.4.9): every handshake
-- message as sent on the wire, HelloRequest excepted. The hash is only known
-- once the suite is chosen, so messages are kept and a running hash starts
-- when set_hash is called (as Go's crypto/tls does with its finishedHash).
local core = require "tlshs.core"

local Transcript = {}
Transcript.__index = Transcript

local transcript = {}

function transcript.new()
  return setmetatable({ messages = {}, running = nil }, Transcript)
end

-- Appends the exact bytes of one handshake message (4-byte header included).
function Transcript:add(raw)
  self.messages[#self.messages + 1] = raw
  if self.running then self.running:update(raw) end
end

-- Chooses the PRF hash ("sha256", "sha384"); earlier messages are hashed now.
function Transcript:set_hash(name)
  self.hash_name = name
  self.running = core.hash_new(name)
  for _, m in ipairs(self.messages) do self.running:update(m) end
end

-- Hash of everything so far (the running hash is not finished).
function Transcript:digest()
  return assert(self.running, "transcript hash not chosen yet"):digest()
end

-- All messages so far, concatenated: what a TLS 1.2 CertificateVerify signs
-- (RFC 5246 §7.4.8), whatever hash its signature scheme uses.
function Transcript:bytes()
  return table.concat(self.messages)
end

function Transcript:count()
  return #self.messages
end

return transcript
