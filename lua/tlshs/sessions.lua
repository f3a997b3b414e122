-- Server-side session state for resumption: a session-ID cache (RFC 5246
-- §7.4.1.2) and session tickets (RFC 5077 §4).
--
-- A session is
--   { suite = IANA name, ems = bool, master_secret = tlshs.secret (48),
--     servername = SNI host name or nil (RFC 6066 §3),
--     certificates = the client's chain as DER strings, or nil,
--     peer_certificates = the same as certificate objects (cache only),
--     issued = Unix seconds, lifetime = seconds }
-- and resumes only within its lifetime (RFC 5077 §5.6, RFC 5246 §7.4.1.2:
-- an upper limit of 24 hours is suggested; the default here is 2 hours, as
-- OpenSSL's).
--
-- Tickets are sealed and opened in C (lua/bind_ticket.c, core/src/ticket.c):
-- the ticket key, the plaintext and the master secret in it never become Lua
-- strings. The key ring rotates: a new key seals, the previous one still
-- opens tickets for one period.
local core = require "tlshs.core"
local suites = require "tlshs.suites"

local sessions = {}

sessions.DEFAULT_LIFETIME = 7200
sessions.DEFAULT_CACHE_SIZE = 1000

-- Whether a session may still be resumed at time now.
function sessions.fresh(session, now)
  return session.issued ~= nil and now < session.issued + (session.lifetime or 0)
end

---------------------------------------------------------------------------
-- Session-ID cache: bounded, least recently used entries dropped first,
-- expired entries dropped when met.
---------------------------------------------------------------------------

local Cache = {}
Cache.__index = Cache

-- A doubly linked list through the nodes (head: most recently used) and a
-- map from session ID to node: every operation O(1).
function sessions.cache(max_entries)
  max_entries = max_entries or sessions.DEFAULT_CACHE_SIZE
  local head = {}
  head.prev, head.next = head, head
  return setmetatable({ max = max_entries, nodes = {}, n = 0, head = head }, Cache)
end

local function unlink(node)
  node.prev.next, node.next.prev = node.next, node.prev
end

local function push_front(self, node)
  local head = self.head
  node.prev, node.next = head, head.next
  head.next.prev = node
  head.next = node
end

function Cache:remove(id)
  local node = self.nodes[id]
  if node then
    unlink(node)
    self.nodes[id] = nil
    self.n = self.n - 1
  end
end

-- The session cached under id and still fresh at now (it becomes the most
-- recently used), or nil, "unknown session ID" | "expired" (an expired
-- entry is dropped).
function Cache:get(id, now)
  local node = self.nodes[id]
  if not node then return nil, "unknown session ID" end
  if now and not sessions.fresh(node.session, now) then
    self:remove(id)
    return nil, "expired"
  end
  unlink(node)
  push_front(self, node)
  return node.session
end

function Cache:put(id, session, now)
  self:remove(id)
  if self.max <= 0 then return end
  -- Expired entries at the cold end go first, then the least recently used.
  local tail = self.head.prev
  while tail ~= self.head and now and not sessions.fresh(tail.session, now) do
    self:remove(tail.id)
    tail = self.head.prev
  end
  while self.n >= self.max do self:remove(self.head.prev.id) end
  local node = { id = id, session = session }
  push_front(self, node)
  self.nodes[id] = node
  self.n = self.n + 1
end

function Cache:count()
  return self.n
end

---------------------------------------------------------------------------
-- Tickets
---------------------------------------------------------------------------

local Tickets = {}
Tickets.__index = Tickets

-- opts: key (32 bytes, string or tlshs.secret; random if omitted),
-- lifetime (seconds), rotation (seconds between automatic key rotations;
-- none if omitted), now (Unix seconds: when the first key starts).
function sessions.tickets(opts)
  opts = opts or {}
  return setmetatable({
    keys = core.ticket_keys(opts.key, opts.now or os.time()),
    lifetime = opts.lifetime or sessions.DEFAULT_LIFETIME,
    rotation = opts.rotation,
  }, Tickets)
end

-- A new key seals from now on (key: 32 bytes, random if nil); the one it
-- replaces opens tickets for one more period (the rotation period, or the
-- ticket lifetime when keys are rotated by hand).
function Tickets:rotate(key, now)
  now = now or os.time()
  self.keys:rotate(key, now, self.rotation or self.lifetime)
end

-- Automatic rotation, checked whenever the keys are used.
function Tickets:tick(now)
  if self.rotation and now >= self.keys:since() + self.rotation then self:rotate(nil, now) end
end

-- The ticket for session, or nil, err, detail when its state cannot be
-- sealed (a client chain too large for a ticket, RFC 5077 §3.3).
function Tickets:seal(session, now)
  now = now or os.time()
  self:tick(now)
  return self.keys:seal {
    cipher_suite = suites.by_name[session.suite].id,
    ems = session.ems,
    issued = session.issued or now,
    lifetime = session.lifetime or self.lifetime,
    servername = session.servername,
    master_secret = session.master_secret,
    certificates = session.certificates,
  }
end

-- The session in a ticket, or nil, reason when it is not one of ours
-- (another key, a key retired past its period, damaged, unknown suite).
-- Its lifetime is the caller's to check (sessions.fresh).
function Tickets:open(ticket, now)
  now = now or os.time()
  self:tick(now)
  local state, _, detail = self.keys:open(ticket, now)
  if not state then return nil, detail end
  local suite = suites.by_id[state.cipher_suite]
  if not suite then return nil, "ticket: unknown cipher suite" end
  return {
    suite = suite.name, ems = state.ems, master_secret = state.master_secret,
    servername = state.servername,
    certificates = #state.certificates > 0 and state.certificates or nil,
    issued = state.issued, lifetime = state.lifetime,
  }
end

return sessions
