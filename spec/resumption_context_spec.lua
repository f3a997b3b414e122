-- Resumption bound to the context a session was made in (RFC 5077 §4/§5,
-- RFC 6066 §3, RFC 7627 §5.3, as OpenSSL does): suite still enabled and
-- offered, same server name, today's client-certificate policy met, within
-- its lifetime; a bounded, expiring session cache; rotating ticket keys.
-- A refused resumption is a full handshake, never a failure.
local tlshs = require "tlshs"
local sessions = require "tlshs.sessions"
local certs = require "spec.support.certs"
local run_pair = require "spec.support.converse"

local c = certs.get()
local AES128 = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
local AES256 = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"

local function shared(opts)
  opts = opts or {}
  opts.cert, opts.key = c.rsa_cert, c.rsa_key
  return assert(tlshs.server.shared(opts))
end

local function converse(client_opts, server_opts, setup)
  client_opts.cafile = client_opts.cafile or c.ca
  local cli, srv, cr, sr = run_pair(client_opts, server_opts, setup)
  assert.is_true(cr[1], "client: " .. tostring(cr[2]) .. " " .. tostring(cr[3]))
  assert.is_true(sr[1], "server: " .. tostring(sr[2]) .. " " .. tostring(sr[3]))
  assert.equal("pong", cli.pong)
  return cli, srv
end

-- A client that offers its session whatever it would decide itself, to
-- show what the server does with it.
local function offer_anyway(cli)
  cli.resumable_session = function(self) return self.opts.session end
end

local MODES = { { name = "ticket", tickets = true }, { name = "session ID", tickets = false } }

describe("resumption", function()
  for _, mode in ipairs(MODES) do
    describe("by " .. mode.name, function()
      it("resumes in the same context", function()
        local sh = shared()
        local first = converse({ tickets = mode.tickets }, { shared = sh })
        local again, srv = converse({ tickets = mode.tickets, session = first:session() }, { shared = sh })
        assert.is_true(again.resumed)
        assert.is_true(srv.resumed)
      end)

      it("does not resume a session made without a client certificate once one is required", function()
        local sh = shared()
        local first = converse({ tickets = mode.tickets, cert = c.client_cert, key = c.client_key }, { shared = sh })
        local again, srv = converse({ tickets = mode.tickets, session = first:session(), cert = c.client_cert, key = c.client_key },
          { shared = sh, verify_client = "require", cafile = c.ca })
        assert.is_nil(again.resumed)
        assert.is_nil(srv.resumed)
        assert.matches("no client certificate", srv.resumption_refused, 1, true)
        -- the full handshake asked for and checked the certificate
        assert.equal(1, #srv.peer_certificates)
      end)

      it("keeps the client's certificates on the resumed connection", function()
        local sh = shared()
        local server_opts = { shared = sh, verify_client = "require", cafile = c.ca }
        local first = converse({ tickets = mode.tickets, cert = c.client_cert, key = c.client_key }, server_opts)
        local again, srv = converse({ tickets = mode.tickets, session = first:session() },
          { shared = sh, verify_client = "require", cafile = c.ca })
        assert.is_true(again.resumed)
        assert.is_true(srv.resumed)
        assert.equal(1, #srv.peer_certificates)
        assert.equal("CN=tlshs test client", srv.peer_certificates[1]:info().subject)
        -- and the client keeps the server's
        assert.equal(1, #again.peer_certificates)
      end)

      it("does not resume when the client chain no longer verifies against today's CA", function()
        local sh = shared()
        local first = converse({ tickets = mode.tickets, cert = c.client_cert, key = c.client_key },
          { shared = sh, verify_client = "require", cafile = c.ca })
        local other_ca = certs.ed25519(true).dir .. "/ca.pem"
        local _, srv, _, sr = run_pair({ cafile = c.ca, tickets = mode.tickets, session = first:session() },
          { shared = sh, verify_client = "require", cafile = other_ca })
        assert.is_nil(srv.resumed)
        assert.matches("no longer verifies", srv.resumption_refused, 1, true)
        -- the full handshake then wants a certificate the client does not send
        assert.same({ nil, "handshake_failure" }, { sr[1], sr[2] })
      end)

      it("does not resume an AES-256 session after the server was limited to AES-128", function()
        local sh = shared()
        local first = converse({ tickets = mode.tickets, ciphers = { AES256 } }, { shared = sh })
        assert.equal(AES256, first.cipher_suite)
        local again, srv = converse({ tickets = mode.tickets, ciphers = { AES256, AES128 }, session = first:session() },
          { shared = sh, ciphers = { AES128 } })
        assert.is_nil(again.resumed)
        assert.is_nil(srv.resumed)
        assert.equal(AES128, again.cipher_suite)
        assert.matches("not enabled", srv.resumption_refused, 1, true)
      end)

      it("does not resume a session for another server name (RFC 6066 §3)", function()
        local sh = shared()
        local first = converse({ tickets = mode.tickets }, { shared = sh })
        local again, srv = converse({ tickets = mode.tickets, session = first:session() }, { shared = sh },
          function(cli)
            offer_anyway(cli)
            cli:mutate("client_hello", function(m)
              for _, e in ipairs(m.extensions) do
                if e.name == "server_name" then e.server_name_list[1].host_name = "other.example" end
              end
            end)
          end)
        assert.is_nil(again.resumed)
        assert.is_nil(srv.resumed)
        assert.equal("other.example", srv.servername)
        assert.matches("another server_name", srv.resumption_refused, 1, true)
      end)

      it("is refused after the session's lifetime, however often it was resumed", function()
        local t0 = os.time()
        local sh = shared { time = t0 }
        local first = converse({ tickets = mode.tickets, time = t0 }, { shared = sh, time = t0 })
        if mode.tickets then assert.equal(7200, first.ticket_lifetime) end
        local session = first:session()
        local latest = session
        for _, dt in ipairs { 60, 3600, 7199 } do
          local again, srv = converse({ tickets = mode.tickets, session = session, time = t0 + dt }, { shared = sh, time = t0 + dt })
          assert.is_true(again.resumed, "at +" .. dt)
          assert.is_true(srv.resumed)
          if mode.tickets then
            -- a renewed ticket keeps the session's issue time: its hint is what is left
            assert.equal(7200 - dt, again.ticket_lifetime)
          end
          latest = again:session()
        end
        for i, s in ipairs { session, latest } do
          -- (the client's clock says the ticket is just received: it offers it)
          local again, srv = converse({ tickets = mode.tickets, session = s, time = s.received },
            { shared = sh, time = t0 + 7200 })
          assert.is_nil(again.resumed)
          -- (the cache dropped the expired entry at the first try)
          assert.equal((i == 1 or mode.tickets) and "expired" or "unknown session ID", srv.resumption_refused)
        end
      end)

      it("honours session_lifetime", function()
        local t0 = os.time()
        local sh = shared { time = t0, session_lifetime = 60 }
        local first = converse({ tickets = mode.tickets, time = t0 }, { shared = sh, time = t0 })
        local again = converse({ tickets = mode.tickets, session = first:session(), time = t0 + 59 }, { shared = sh, time = t0 + 59 })
        assert.is_true(again.resumed)
        local late, srv = converse({ tickets = mode.tickets, session = first:session(), time = t0 },
          { shared = sh, time = t0 + 61 })
        assert.is_nil(late.resumed)
        assert.equal("expired", srv.resumption_refused)
      end)
    end)
  end

  describe("on the client", function()
    it("does not offer a ticket past its lifetime hint, and offers its session ID instead", function()
      local t0 = os.time()
      local sh = shared { time = t0, session_lifetime = 60 }
      local first = converse({ time = t0 }, { shared = sh, time = t0 })
      local s = first:session()
      assert.same({ 60, t0 }, { s.ticket_lifetime, s.received })
      local again = converse({ session = s, time = t0 + 30 }, { shared = sh, time = t0 + 30 })
      assert.is_true(again.resumed)
      local late = converse({ session = s, time = t0 + 60 }, { shared = sh, time = t0 + 30 })
      for _, e in ipairs(late.client_hello.extensions) do
        if e.name == "session_ticket" then assert.equal("", e.ticket) end
      end
      assert.equal(s.id, late.client_hello.session_id)
      assert.is_true(late.resumed) -- the server still has it in its cache
    end)

    it("does not offer a session for another server name", function()
      local sh = shared()
      local first = converse({}, { shared = sh })
      local session = first:session()
      local again = converse({ session = session, servername = "127.0.0.1" }, { shared = sh })
      assert.equal("", again.client_hello.session_id)
      for _, e in ipairs(again.client_hello.extensions) do
        if e.name == "session_ticket" then assert.equal("", e.ticket) end
      end
      assert.is_nil(again.resumed)
      assert.matches("another servername", again.session_refused, 1, true)
    end)

    it("does not offer a session whose suite it no longer offers", function()
      local sh = shared()
      local first = converse({ ciphers = { AES256 } }, { shared = sh })
      local again = converse({ ciphers = { AES128 }, session = first:session() }, { shared = sh })
      assert.equal("", again.client_hello.session_id)
      for _, e in ipairs(again.client_hello.extensions) do
        if e.name == "session_ticket" then assert.equal("", e.ticket) end
      end
      assert.is_nil(again.resumed)
      assert.matches("no longer offered", again.session_refused, 1, true)
    end)
  end)

  describe("ticket keys", function()
    local function key_name(session) return session.ticket:sub(1, 16) end

    it("rotate through shared:rotate_ticket_key(): the old key opens for one period", function()
      local t0 = os.time()
      local sh = shared { time = t0 }
      local first = converse({}, { shared = sh, time = t0 })
      local old = first:session()
      sh:rotate_ticket_key(nil, t0 + 10)
      local again = converse({ session = old }, { shared = sh, time = t0 + 20 })
      assert.is_true(again.resumed)
      local renewed = again:session()
      assert.not_equal(key_name(old), key_name(renewed)) -- sealed under the new key
      -- rotated again: the first key is gone, its ticket is refused
      sh:rotate_ticket_key(nil, t0 + 30)
      local late, srv = converse({ session = old }, { shared = sh, time = t0 + 40 })
      assert.is_nil(late.resumed)
      assert.matches("unknown or retired key", srv.resumption_refused, 1, true)
      -- the ticket under the second key still opens
      local ok = converse({ session = renewed }, { shared = sh, time = t0 + 40 })
      assert.is_true(ok.resumed)
    end)

    it("rotate every ticket_rotation seconds; a retired key opens for one more period", function()
      local t0 = os.time()
      local sh = shared { time = t0, ticket_rotation = 600 }
      local first = converse({}, { shared = sh, time = t0 })
      local old = first:session()
      local again = converse({ session = old }, { shared = sh, time = t0 + 700 })
      assert.is_true(again.resumed) -- rotated at +700; the old key opens until +1300
      assert.not_equal(key_name(old), key_name(again:session()))
      local late, srv = converse({ session = old }, { shared = sh, time = t0 + 1400 })
      assert.is_nil(late.resumed) -- within the session's lifetime, but its key is retired
      assert.matches("retired", srv.resumption_refused, 1, true)
    end)

    it("with the same ticket_key, servers open each other's tickets", function()
      local key = tlshs.random_secret(32)
      local a, b = shared { ticket_key = key }, shared { ticket_key = key }
      local first = converse({}, { shared = a })
      local again = converse({ session = first:session() }, { shared = b })
      assert.is_true(again.resumed)
      local other = converse({ session = first:session() }, { shared = shared() })
      assert.is_nil(other.resumed)
    end)
  end)

  describe("the session-ID cache", function()
    it("is bounded by session_cache_size and drops the least recently used", function()
      local sh = shared { session_cache_size = 2 }
      local made = {}
      for i = 1, 3 do
        if i == 3 then -- touch the first: the second is now the least recently used
          assert.is_true(converse({ tickets = false, session = made[1] }, { shared = sh }).resumed)
        end
        made[i] = converse({ tickets = false }, { shared = sh }):session()
      end
      assert.equal(2, sh.session_cache:count())
      assert.is_true(converse({ tickets = false, session = made[1] }, { shared = sh }).resumed)
      assert.is_true(converse({ tickets = false, session = made[3] }, { shared = sh }).resumed)
      assert.is_nil(converse({ tickets = false, session = made[2] }, { shared = sh }).resumed)
    end)

    it("expires entries and keeps its size without growing", function()
      local cache = sessions.cache(3)
      for i = 1, 100 do cache:put("id" .. i, { issued = i, lifetime = 10 }, i) end
      assert.equal(3, cache:count())
      assert.is_table(cache:get("id100", 100))
      assert.same({ nil, "expired" }, { cache:get("id100", 110) })
      assert.equal(2, cache:count())
      assert.is_nil(cache:get("id1", 1))
    end)
  end)
end)
