-- Server-side session state for resumption: a session-ID cache (RFC 5246
-- §7.4.1.2) and session tickets (RFC 5077 §4), sealed with
-- ChaCha20-Poly1305 under a key that never leaves the server.
--
-- A session is {suite = IANA name, ems = bool, master_secret = tlshs.secret}.
local core = require "tlshs.core"
local suites = require "tlshs.suites"

local sessions = {}

---------------------------------------------------------------------------
-- Session-ID cache: bounded, oldest entries dropped first.
---------------------------------------------------------------------------

local Cache = {}
Cache.__index = Cache

function sessions.cache(max_entries)
  return setmetatable({ max = max_entries or 1000, entries = {}, order = {} }, Cache)
end

function Cache:get(id)
  return self.entries[id]
end

function Cache:put(id, session)
  if not self.entries[id] then
    self.order[#self.order + 1] = id
    if #self.order > self.max then
      self.entries[table.remove(self.order, 1)] = nil
    end
  end
  self.entries[id] = session
end

---------------------------------------------------------------------------
-- Tickets: nonce(12) ‖ AEAD(version(2) ‖ suite(2) ‖ ems(1) ‖ master_secret(48))
---------------------------------------------------------------------------

local Tickets = {}
Tickets.__index = Tickets

local TICKET_TYPE = 22 -- the AEAD's associated content type; any constant

-- key: 32 bytes (string or tlshs.secret); a random one if omitted.
function sessions.tickets(key, lifetime)
  return setmetatable({ key = core.secret(key or core.random(32)), lifetime = lifetime or 7200 }, Tickets)
end

local function sealer(key, nonce)
  return core.record_protection { cipher = "chacha20_poly1305", key = key, iv = nonce }
end

function Tickets:seal(session)
  local suite = suites.by_name[session.suite]
  local state = core.secret(string.char(3, 3, math.floor(suite.id / 256), suite.id % 256, session.ems and 1 or 0)
    .. session.master_secret:bytes())
  local nonce = core.random(12)
  return nonce .. sealer(self.key, nonce):seal(TICKET_TYPE, state:bytes())
end

-- The session in a ticket, or nil when it is not one of ours (or damaged).
function Tickets:open(ticket)
  if #ticket < 12 + 16 + 53 then return nil end
  local nonce = ticket:sub(1, 12)
  local state = sealer(self.key, nonce):open(TICKET_TYPE, ticket:sub(13))
  if not state or #state ~= 53 or state:sub(1, 2) ~= "\3\3" then return nil end
  local suite = suites.by_id[state:byte(3) * 256 + state:byte(4)]
  if not suite then return nil end
  local session = { suite = suite.name, ems = state:byte(5) == 1, master_secret = core.secret(state:sub(6)) }
  return session
end

return sessions
