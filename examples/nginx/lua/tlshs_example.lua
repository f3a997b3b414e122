-- tlshs inside nginx (ngx_http_lua / OpenResty): two content handlers that
-- run TLS 1.2 handshakes over cosockets. The flow calls the cosocket's
-- send/receive(n)/close, so a handshake yields whenever the cosocket does and
-- one worker runs many handshakes at once. See docs/embedding.md and
-- examples/nginx/nginx.conf.
--
--   init_by_lua_block    { require("tlshs_example").init { cafile = "/path/ca.pem" } }
--   content_by_lua_block { require("tlshs_example").fetch() }  -- GET /fetch[?cipher=IANA name]
--   content_by_lua_block { require("tlshs_example").probe() }  -- GET /probe?variant=NAME
--
-- The upstream is read from nginx variables $tlshs_upstream_host,
-- $tlshs_upstream_port and $tlshs_upstream_name (SNI and certificate name).
local tlshs = require "tlshs"
local credentials = require "tlshs.credentials"
require "tlshs.client" -- and with it the whole flow: no module is read per request

-- cjson where it exists (OpenResty, Debian's lua-cjson), else dkjson (pure Lua).
local encode
do
  local ok, cjson = pcall(require, "cjson.safe")
  if ok then
    encode = cjson.encode
  else
    local dkjson = require "dkjson"
    encode = function(v) return dkjson.encode(v) end
  end
end

local unpack = unpack or table.unpack

local example = {}

-- Per worker (one Lua VM each): trust anchors parsed once, and how many
-- handshakes this worker had in flight at once (shows they interleave).
local anchors
local in_flight, max_in_flight = 0, 0

-- Names this Lua VM (nginx makes a new one on reload).
local vm_id = (tlshs.random(6):gsub(".", function(c) return string.format("%02x", c:byte()) end))

-- Runs in init_by_lua: file reads belong here, not in request handlers
-- (io.open blocks the event loop).
function example.init(opts)
  anchors = assert(credentials.anchors(opts.cafile))
end

local function reply(status, body)
  ngx.status = status
  ngx.header["Content-Type"] = "application/json"
  ngx.say(encode(body))
  return ngx.exit(status)
end

local function connect()
  local sock = ngx.socket.tcp()
  sock:settimeout(5000) -- cosockets take milliseconds (LuaSocket: seconds)
  local ok, err = sock:connect(ngx.var.tlshs_upstream_host, tonumber(ngx.var.tlshs_upstream_port))
  if not ok then return nil, err end
  return sock
end

-- Counts the handshakes in flight around fn(...).
local function counted(fn, ...)
  in_flight = in_flight + 1
  if in_flight > max_in_flight then max_in_flight = in_flight end
  local r = { pcall(fn, ...) }
  in_flight = in_flight - 1
  if not r[1] then return nil, "lua_error", tostring(r[2]) end
  return unpack(r, 2, 4)
end

local function client_opts(extra)
  local opts = {
    servername = ngx.var.tlshs_upstream_name,
    cafile = anchors,
  }
  for k, v in pairs(extra or {}) do opts[k] = v end
  return opts
end

---------------------------------------------------------------------------
-- GET /fetch[?cipher=TLS_...]: handshake, GET / over TLS, return the
-- negotiated parameters and the page.
---------------------------------------------------------------------------
function example.fetch()
  local args = ngx.req.get_uri_args()
  local sock, cerr = connect()
  if not sock then return reply(502, { ok = false, step = "connect", err = cerr }) end
  local conn = tlshs.client.wrap(sock, client_opts { ciphers = args.cipher and { args.cipher } or nil })
  local ok, err, detail = counted(conn.handshake, conn)
  if not ok then
    conn:close()
    return reply(502, { ok = false, step = conn.failed and conn.failed.step or "handshake", err = err, detail = detail })
  end
  local sent, serr = conn:send("GET / HTTP/1.0\r\nHost: " .. ngx.var.tlshs_upstream_name .. "\r\n\r\n")
  if not sent then return reply(502, { ok = false, step = "send", err = serr }) end
  local page, rerr, partial = conn:receive("*a")
  conn:close()
  if not page then return reply(502, { ok = false, step = "receive", err = rerr, partial = partial }) end
  return reply(200, {
    ok = true,
    version = conn.version,
    cipher_suite = conn.cipher_suite,
    group = conn.group,
    ems = conn.ems,
    page = page,
    worker_pid = ngx.worker.pid(),
    vm_id = vm_id,
    max_in_flight = max_in_flight,
  })
end

---------------------------------------------------------------------------
-- GET /probe?variant=NAME: run a deliberately different handshake and report
-- how the upstream reacted. The variants are written inline here; the probes
-- of scripts/probes/ (issue 6) can be run the same way once they exist.
---------------------------------------------------------------------------
local variants = {}

-- The normal handshake, for comparison.
variants.baseline = {
  about = "an ordinary TLS 1.2 handshake",
  setup = function(conn) end,
}

-- Only TLS_RSA_WITH_NULL_MD5 (0x0001), which no sane server enables: the
-- server finds no common suite (RFC 5246 §7.4.1.3) and sends handshake_failure.
variants.no_common_suite = {
  about = "a ClientHello offering only TLS_RSA_WITH_NULL_MD5",
  setup = function(conn)
    conn:wrap("build_client_hello", function(self, original)
      local ch = original(self)
      ch.cipher_suites = { 0x0001 }
      return ch
    end)
  end,
}

-- client_version TLS 1.1 (0x0302): a TLS-1.2-only server answers protocol_version.
variants.tls11_client_hello = {
  about = "a ClientHello with client_version 0x0302 (TLS 1.1)",
  setup = function(conn)
    conn:wrap("build_client_hello", function(self, original)
      local ch = original(self)
      ch.version = 0x0302
      return ch
    end)
  end,
}

-- A client Finished whose verify_data is off by one bit: the server must
-- refuse it with decrypt_error (RFC 5246 §7.4.9).
variants.bad_finished = {
  about = "a client Finished with one verify_data bit flipped",
  setup = function(conn)
    conn:wrap("send_finished", function(self, original)
      local send_handshake = self.send_handshake
      self.send_handshake = function(s, msg)
        s.send_handshake = send_handshake
        local vd = msg.verify_data
        msg.verify_data = string.char((vd:byte(1) + 1) % 256) .. vd:sub(2)
        return send_handshake(s, msg)
      end
      return original(self)
    end)
  end,
}

example.variants = variants

function example.probe()
  local name = ngx.req.get_uri_args().variant or "baseline"
  local variant = variants[name]
  if type(name) ~= "string" or not variant then
    local known = {}
    for k in pairs(variants) do known[#known + 1] = k end
    table.sort(known)
    return reply(400, { ok = false, err = "unknown variant", variants = known })
  end
  local sock, cerr = connect()
  if not sock then return reply(502, { ok = false, step = "connect", err = cerr }) end
  local conn = tlshs.client.wrap(sock, client_opts())
  variant.setup(conn)
  local ok, err, detail = counted(conn.handshake, conn)
  local reaction = { ok = true, variant = name, about = variant.about }
  if ok then
    reaction.outcome = "handshake_completed"
    reaction.cipher_suite = conn.cipher_suite
    conn:close()
  else
    local alert = conn.received_alert
    reaction.outcome = alert and "alert" or err
    reaction.failed_step = conn.failed and conn.failed.step
    reaction.err, reaction.detail = err, detail
    if alert then
      reaction.alert = alert.description_name or alert.description
      reaction.alert_level = alert.level == 2 and "fatal" or "warning"
    end
  end
  return reply(200, reaction)
end

return example
