-- tlshs inside nginx (ngx_http_lua / OpenResty): two content handlers that
-- run TLS 1.2 handshakes over cosockets. The flow calls the cosocket's
-- send/receive(n)/close, so a handshake yields whenever the cosocket does and
-- one worker runs many handshakes at once. See docs/embedding.md and
-- examples/nginx/nginx.conf.
--
--   init_by_lua_block    { require("tlshs_example").init { cafile = "/path/ca.pem",
--                                                          probes_dir = "/path/scripts/probes" } }
--   content_by_lua_block { require("tlshs_example").fetch() }  -- GET /fetch[?cipher=IANA name]
--   content_by_lua_block { require("tlshs_example").probe() }  -- GET /probe[?name=NAME]
--
-- The upstream is read from nginx variables $tlshs_upstream_host,
-- $tlshs_upstream_port and $tlshs_upstream_name (SNI and certificate name).
local tlshs = require "tlshs"
local credentials = require "tlshs.credentials"
local probe = require "tlshs.probe"
local expect = require "tlshs.expect"
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

-- Per worker (one Lua VM each): trust anchors and probes loaded once, and
-- how many fetches and probes this worker had in flight at once (shows
-- that they interleave).
local anchors
local probes, probe_names = {}, {} -- by name; the names, sorted
local fetches, probe_runs = { now = 0, max = 0 }, { now = 0, max = 0 }

-- Names this Lua VM (nginx makes a new one on reload).
local vm_id = (tlshs.random(6):gsub(".", function(c) return string.format("%02x", c:byte()) end))

-- Runs in init_by_lua: file reads belong here, not in request handlers
-- (io.open blocks the event loop). opts.cafile: the upstream's trust
-- anchors; opts.probes_dir: a directory of probe files (scripts/probes).
function example.init(opts)
  anchors = assert(credentials.anchors(opts.cafile))
  probes, probe_names = {}, {}
  for _, p in ipairs(opts.probes_dir and probe.load_dir(opts.probes_dir) or {}) do
    probes[p.name] = p
    probe_names[#probe_names + 1] = p.name
  end
  assert(not opts.probes_dir or #probe_names > 0, "no probe in " .. tostring(opts.probes_dir))
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

-- Counts the runs of fn(...) in flight at once in counter.
local function counted(counter, fn, ...)
  counter.now = counter.now + 1
  if counter.now > counter.max then counter.max = counter.now end
  local r = { pcall(fn, ...) }
  counter.now = counter.now - 1
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
  local ok, err, detail = counted(fetches, conn.handshake, conn)
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
    max_in_flight = fetches.max,
  })
end

---------------------------------------------------------------------------
-- GET /probe?name=NAME: run the probe scripts/probes/NAME.lua (docs/variants.md)
-- against the upstream and answer what it did and whether that is what a
-- correct server does. GET /probe: the probe names.
---------------------------------------------------------------------------

-- probe.lua and expect.lua pass timeouts in seconds (LuaSocket's unit);
-- a cosocket takes milliseconds. The rest goes straight through.
local Cosocket = {}
Cosocket.__index = Cosocket
function Cosocket:send(data) return self.sock:send(data) end
function Cosocket:receive(n) return self.sock:receive(n) end
function Cosocket:close() return self.sock:close() end
function Cosocket:settimeout(seconds) return self.sock:settimeout(seconds * 1000) end

-- ctx.connect for probe.run: kept open until the probe is done, so that an
-- alert the upstream sent before closing can still be read (expect.keep_open).
local function probe_connect(ctx)
  local sock, err = connect()
  if not sock then return nil, err end
  local t = setmetatable({ sock = sock }, Cosocket)
  t:settimeout(ctx.timeout)
  return expect.keep_open(t)
end

-- The JSON-safe part of an observation (no parsed message, no raw bytes).
local function observation_json(obs)
  if not obs then return nil end
  return {
    kind = obs.kind,
    step = obs.step,
    alert = obs.kind == "alert" and obs.description or nil,
    level = obs.level,
    msg_type = obs.msg_type,
    err = obs.err,
    detail = obs.detail ~= nil and tostring(obs.detail) or nil,
    timeout = obs.timeout,
    record_version = obs.record_version,
    bytes = obs.data and #obs.data or nil,
  }
end

function example.probe()
  local name = ngx.req.get_uri_args().name
  if name == nil then return reply(200, { probes = probe_names }) end
  local p = type(name) == "string" and probes[name]
  if not p then return reply(400, { ok = false, err = "unknown probe", probes = probe_names }) end
  local ctx = {
    host = ngx.var.tlshs_upstream_host,
    port = tonumber(ngx.var.tlshs_upstream_port),
    servername = ngx.var.tlshs_upstream_name,
    cafile = anchors,
    timeout = 5, -- seconds
    connect = probe_connect,
  }
  local r, err, detail = counted(probe_runs, probe.run, p, ctx)
  if not r then return reply(500, { probe = name, ok = false, err = err, detail = detail }) end
  return reply((r.observation or r.skipped) and 200 or 502, {
    probe = name,
    description = p.description,
    rfc = p.rfc,
    ok = r.ok,
    skipped = r.skipped,
    expected = r.expected,
    observed = r.observed,
    observation = observation_json(r.observation),
    cipher_suite = r.conn and r.conn.cipher_suite,
    max_in_flight = probe_runs.max,
  })
end

return example
