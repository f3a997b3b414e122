-- Probes: one flow variant and what a correct peer does about it.
--
-- A probe is a plain Lua file returning a table (scripts/probes/*.lua test
-- servers, scripts/client_probes/*.lua test clients):
--
--   local expect = require "tlshs.expect"
--   return {
--     description = "ClientHello offering no suite the server has",
--     rfc = "RFC 5246 §7.4.1.3",
--     expect = expect.alert("handshake_failure"),      -- or function(ctx) -> expectation
--     options = { ciphers = {...} },                   -- merged into the flow options (or function(ctx))
--     setup = function(conn, ctx) conn:mutate(...) end, -- flow surgery before the handshake
--     after = function(conn, ctx) ... end,             -- after a completed handshake (then observe)
--     skip = function(ctx) return "why" end,           -- optional: nil to run
--   }
--
-- probe.run(p, ctx) runs it as a client against ctx (host, port, servername,
-- cafile, insecure, timeout); probe.run_server(p, ctx) runs it as a server
-- on a connection ctx.accept() gives. Both return
-- {name, ok, expected, observed, observation} (ok = nil when skipped).
local client = require "tlshs.client"
local server = require "tlshs.server"
local transport = require "tlshs.transport"
local expect = require "tlshs.expect"
local options = require "tlshs.options"

local probe = {}

-- What a probe table may hold (a wrong key or type raises when it is loaded
-- or run).
probe.FIELDS = options.schema("probe", {
  name = "string", path = "string", description = "string", rfc = "string",
  expect = options.either(options.named("an expectation", function(v)
    if expect.is(v) then return true end
    return nil, "must be an expectation (tlshs.expect) or a function returning one, got " .. type(v)
  end), "function"),
  options = "table|function", setup = "function", after = "function", skip = "function",
})

-- The context of probe.run / probe.run_server.
probe.CONTEXT = options.schema("probe context", {
  host = "string", port = "number", servername = "string", cafile = "string|table",
  insecure = "boolean", timeout = "number", trace = "boolean|function",
  connect = "function", accept = "function",
  cert = "string|table|userdata", key = "string|userdata",
  other_cert = "string|table|userdata", other_key = "string|userdata",
})

-- Loads one probe file; its name is the file name without ".lua".
function probe.load(path)
  local chunk = assert(loadfile(path))
  local p = chunk()
  assert(type(p) == "table", path .. ": a probe returns a table")
  p.name = p.name or path:match("([^/]+)%.lua$")
  p.path = path
  local ok, err = pcall(probe.FIELDS.check, probe.FIELDS, p)
  if not ok then error(path .. ": " .. tostring(err):gsub("^.-probe: ", ""), 2) end
  return p
end

-- Every *.lua in dir, sorted by name.
function probe.load_dir(dir)
  if type(dir) ~= "string" then error("tlshs.probe.load_dir: dir must be a string (a folder of probe files)", 2) end
  -- a folder that is missing (or not a folder) is the caller's mistake: an
  -- empty list would make a probe run that tests nothing pass
  local f = io.open(dir .. "/.", "r")
  if not f then error("tlshs.probe.load_dir: no such folder: " .. dir, 2) end
  f:close()
  local list = {}
  local pipe = io.popen("ls -1 '" .. dir:gsub("'", "'\\''") .. "' 2>/dev/null")
  for file in pipe:lines() do
    if file:match("%.lua$") then list[#list + 1] = probe.load(dir .. "/" .. file) end
  end
  pipe:close()
  table.sort(list, function(a, b) return a.name < b.name end)
  return list
end

-- Keeps the probes whose name is in `only` (a list; empty keeps all).
function probe.select(list, only)
  if not only or #only == 0 then return list end
  local want, out = {}, {}
  for _, n in ipairs(only) do want[n] = true end
  for _, p in ipairs(list) do
    if want[p.name] then out[#out + 1] = p; want[p.name] = nil end
  end
  local missing = next(want)
  if missing then return nil, "no probe named " .. missing end
  return out
end

local function value(v, ctx)
  if type(v) == "function" then return v(ctx) end
  return v
end

local function merge(base, extra)
  local out = {}
  for k, v in pairs(base) do out[k] = v end
  for k, v in pairs(extra or {}) do out[k] = v end
  return out
end

-- A TCP connection to ctx.host:ctx.port as a transport kept open until
-- really_close (so an alert sent before a close can still be read).
-- LuaSocket is required here, not at load time: a host with its own
-- transport (ctx.connect, e.g. nginx cosockets) does not need it.
function probe.connect(ctx)
  local socket = require "socket"
  local sock, err = socket.connect(ctx.host, ctx.port)
  if not sock then return nil, err end
  sock:settimeout(ctx.timeout or 5)
  return expect.keep_open(transport.socket(sock))
end

local function finish(p, conn, ok, err, detail, ctx)
  local obs
  if ok and not conn.stopped_at and p.after then
    local aok, aerr, adetail = p.after(conn, ctx)
    if aok == false or (aok == nil and aerr) then
      obs = expect.outcome(conn, nil, aerr, adetail, ctx.timeout)
    else
      obs = expect.observe(conn, ctx.timeout, "after the handshake")
    end
  else
    obs = expect.outcome(conn, ok, err, detail, ctx.timeout)
  end
  if conn.records.odd_version then obs.record_version = conn.records.odd_version end
  local r = expect.check(value(p.expect, ctx), obs)
  r.name, r.conn = p.name, conn
  return r
end

local function skipped(p, why)
  return { name = p.name, ok = nil, skipped = why, expected = "-", observed = "skipped: " .. why }
end

-- Runs p as a client against the server ctx names.
function probe.run(p, ctx)
  probe.FIELDS:check(p)
  probe.CONTEXT:check(ctx)
  local why = p.skip and p.skip(ctx)
  if why then return skipped(p, why) end
  local t, err = (ctx.connect or probe.connect)(ctx)
  if not t then
    return { name = p.name, ok = false, expected = expect.describe({ kind = "?" }), observed = "connect: " .. tostring(err) }
  end
  local opts = merge({
    servername = ctx.servername, cafile = ctx.cafile, insecure = ctx.insecure, trace = ctx.trace,
  }, value(p.options, ctx))
  local conn = client.wrap(t, opts)
  conn.io_timeout = ctx.timeout or 5
  conn.records.lenient_version = true -- observe what comes, noting an odd record version
  if p.setup then p.setup(conn, ctx) end
  local ok, herr, detail = conn:handshake()
  local r = finish(p, conn, ok, herr, detail, ctx)
  if t.really_close then t:really_close() end
  return r
end

-- Runs p as a server on the transport ctx.accept() returns (nil, err when
-- no client came). ctx.cert/ctx.key (or p.options) are the credentials.
function probe.run_server(p, ctx)
  probe.FIELDS:check(p)
  probe.CONTEXT:check(ctx)
  local why = p.skip and p.skip(ctx)
  if why then return skipped(p, why) end
  local t, err = ctx.accept()
  if not t then
    return { name = p.name, ok = false, expected = value(p.expect, ctx):describe(), observed = "no client connected: " .. tostring(err) }
  end
  local opts = merge({ cert = ctx.cert, key = ctx.key, trace = ctx.trace }, value(p.options, ctx))
  local conn = server.wrap(t, opts)
  conn.io_timeout = ctx.timeout or 5
  conn.records.lenient_version = true
  if p.setup then p.setup(conn, ctx) end
  local ok, herr, detail = conn:handshake()
  local r = finish(p, conn, ok, herr, detail, ctx)
  if t.really_close then t:really_close() end
  return r
end

-- Suite names for probe options: probe.suites{kx = "rsa", auth = "rsa", aead = true}.
-- Raises on a key no suite has, and when no suite matches (an empty offer
-- is surgery's job, not an option's).
function probe.suites(filter)
  local suites = require "tlshs.suites"
  local fields = {}
  for _, s in ipairs(suites.list) do for f in pairs(s) do fields[f] = true end end
  for k in pairs(filter or {}) do
    if not fields[k] then
      local keys = {}
      for f in pairs(fields) do keys[#keys + 1] = f end
      table.sort(keys)
      error("tlshs: probe.suites: no suite field named " .. tostring(k) .. "; fields are: " .. table.concat(keys, ", "), 2)
    end
  end
  local out = {}
  for _, s in ipairs(suites.list) do
    local keep = true
    for k, v in pairs(filter or {}) do
      if s[k] ~= v then keep = false end
    end
    if keep then out[#out + 1] = s.name end
  end
  if #out == 0 then error("tlshs: probe.suites: no suite matches the filter", 2) end
  return out
end

-- A copy of bytes with bit 0 of the byte at position i flipped (from the
-- end when i < 0).
function probe.flip(bytes, i)
  if i < 0 then i = #bytes + 1 + i end
  local b = bytes:byte(i)
  return bytes:sub(1, i - 1) .. string.char(b % 2 == 0 and b + 1 or b - 1) .. bytes:sub(i + 1)
end

-- An RSA PKCS#1 v1.5 block for key (RFC 8017 §7.2.1: 00 02 PS 00 M),
-- optionally broken: opts.block_type (default 2), opts.no_separator,
-- opts.ps_zero (a zero inside the padding); encrypted without further padding.
local RSA_BLOCK_OPTIONS = options.schema("probe.rsa_encrypt_block", {
  block_type = "number", no_separator = "boolean", ps_zero = "boolean",
})

function probe.rsa_encrypt_block(key, message, opts)
  opts = RSA_BLOCK_OPTIONS:check(opts)
  local core = require "tlshs.core"
  local k = math.floor((key:bits() + 7) / 8)
  local ps_len = k - 3 - #message
  local ps = core.random(ps_len):gsub(".", function(c) if c == "\0" then return "\1" end end)
  if opts.ps_zero then ps = ps:sub(1, 4) .. "\0" .. ps:sub(6) end
  local sep = opts.no_separator and "\1" or "\0"
  local block = "\0" .. string.char(opts.block_type or 2) .. ps .. sep .. message
  return key:rsa_encrypt(block, { raw = true })
end

-- "name  expected X  observed Y  ok|FAIL|skip"
function probe.line(r)
  local status = r.ok == nil and "skip" or (r.ok and "ok" or "FAIL")
  return string.format("%-34s expected %-44s observed %-44s %s", r.name, r.expected, r.observed, status)
end

-- The other way: a runner's output → name → {status = "ok"|"FAIL"|"skip", line = ...}.
function probe.parse_lines(out)
  local results = {}
  for line in out:gmatch("[^\n]+") do
    local name = line:match("^(%S+)%s+expected ")
    if name then results[name] = { status = line:match("%s(%S+)$"), line = line } end
  end
  return results
end

-- Runs a list with `run` (probe.run or probe.run_server), printing a line per
-- probe with out(line); returns passed, failed, results.
function probe.run_all(list, ctx, run, out)
  local passed, failed, results = 0, 0, {}
  for _, p in ipairs(list) do
    local ok, r = pcall(run, p, ctx)
    if not ok then
      r = { name = p.name, ok = false, expected = "-", observed = "probe error: " .. tostring(r) }
    end
    results[#results + 1] = r
    if r.ok then passed = passed + 1 elseif r.ok == false then failed = failed + 1 end
    if out then out(probe.line(r)) end
  end
  return passed, failed, results
end

return probe
