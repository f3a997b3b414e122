-- Busted helpers: write specs of your own TLS server or client in a few
-- lines. Requiring the module registers these luassert assertions:
--
--   assert.completes(outcome)                     the handshake completed
--   assert.alert(name_or_list, outcome)           a fatal alert of that name (one of the list)
--   assert.alert_at(name, step, outcome)          ... received during that step of our flow
--   assert.warning(name, outcome)                 a warning alert
--   assert.closed(outcome)                        the peer closed without an alert
--   assert.nothing(outcome)                       the peer did nothing within the timeout
--   assert.outcome(expectation, outcome)          any tlshs.expect expectation
--   assert.passes(result)                         a shipped probe's own expectation held
--
-- (each works with busted's modifiers: assert.is_not.completes(o)). The
-- failure message says what was expected and what came instead.
--
--   local tls = require "tlshs.spec"
--   local server = tls.server { host = "127.0.0.1", port = 4433, servername = "localhost", cafile = "ca.pem" }
--   it("refuses a ClientHello without common suites", function()
--     local outcome = server:handshake(function(conn)
--       conn:mutate("client_hello", function(m) m.cipher_suites = { 0x0A0A } end)
--     end)
--     assert.alert("handshake_failure", outcome)
--   end)
--
-- An outcome is a tlshs.expect observation: {kind = "completed" | "alert" |
-- "message" | "closed" | "nothing" | "error" | ..., step = ..., ...} plus
-- `conn` (the connection object, to look at what was negotiated).
local socket = require "socket"
local expect = require "tlshs.expect"
local probe = require "tlshs.probe"
local client = require "tlshs.client"
local server = require "tlshs.server"
local transport = require "tlshs.transport"
local process = require "tlshs.process"
local options = require "tlshs.options"

local tls = { expect = expect }

-- The working directory, for a relative source path (lfs comes with busted).
local function cwd()
  local ok, lfs = pcall(require, "lfs")
  if ok and lfs.currentdir then return lfs.currentdir() end
  local p = io.popen("pwd")
  local dir = p and p:read("*l")
  if p then p:close() end
  return dir
end

local function exists(path)
  local f = io.open(path, "r")
  if f then f:close() end
  return f ~= nil
end

-- tls.root: the absolute path of the checkout this file belongs to
-- (<root>/lua/tlshs/spec.lua beside <root>/scripts/probes), or nil when it was
-- installed (luarocks make), where the probes are modules tlshs.probes.* and
-- tlshs.client_probes.* found through package.path.
local function checkout_root()
  local file = debug.getinfo(1, "S").source:match("^@(.*)$")
  if not file then return nil end
  if file:sub(1, 1) ~= "/" then
    local dir = cwd()
    if not dir then return nil end
    file = dir .. "/" .. file
  end
  -- .../lua/tlshs/spec.lua -> ..., without "." and ".." components
  local parts = {}
  for part in file:gmatch("[^/]+") do
    if part == ".." then parts[#parts] = nil elseif part ~= "." then parts[#parts + 1] = part end
  end
  if #parts < 3 or parts[#parts - 1] ~= "tlshs" or parts[#parts - 2] ~= "lua" then return nil end
  local root = "/" .. table.concat(parts, "/", 1, #parts - 3)
  if root ~= "/" and exists(root .. "/scripts/probes/sane_rsa.lua") then return root end
  return nil
end
tls.root = checkout_root()

-- The file of a shipped probe: kind is "probes" (scripts/probes/, servers
-- under test) or "client_probes" (scripts/client_probes/).
local function probe_file(kind, name)
  local tried = {}
  if tls.root then
    local file = tls.root .. "/scripts/" .. kind .. "/" .. name .. ".lua"
    if exists(file) then return file end
    tried[#tried + 1] = file
  end
  local file, err = package.searchpath("tlshs." .. kind .. "." .. name, package.path)
  if file then return file end
  error(string.format("no probe named %q: %s%s", name, table.concat(tried, ", "), err or ""), 3)
end
tls.probe_file = probe_file

---------------------------------------------------------------------------
-- Assertions
---------------------------------------------------------------------------

local function register()
  local ok, luassert = pcall(require, "luassert")
  if not ok then return end
  local say = require "say"
  local function check(expectation, state, arguments)
    local obs = arguments[arguments.n or #arguments] -- the outcome comes last
    local r = expect.check(expectation, obs or { kind = "?" })
    for i = 1, arguments.n or #arguments do arguments[i] = nil end
    arguments[1], arguments[2], arguments.n = r.expected, r.observed, 2
    arguments.nofmt = { true, true }
    return r.ok
  end
  local function define(name, make)
    say:set("assertion." .. name .. ".positive", "Expected %s\nObserved %s")
    say:set("assertion." .. name .. ".negative", "Expected anything but %s\nObserved %s")
    luassert:register("assertion", name, function(state, arguments)
      return check(make(arguments), state, arguments)
    end, "assertion." .. name .. ".positive", "assertion." .. name .. ".negative")
  end
  define("completes", function() return expect.completes() end)
  define("alert", function(a) return expect.alert(a[1]) end)
  define("alert_at", function(a) return expect.alert(a[1], { step = a[2] }) end)
  define("warning", function(a) return expect.alert(a[1], { level = "warning" }) end)
  define("closed", function() return expect.closed() end)
  define("nothing", function() return expect.nothing() end)
  define("outcome", function(a) return a[1] end)
  say:set("assertion.passes.positive", "Probe %s: expected %s\nObserved %s")
  say:set("assertion.passes.negative", "Probe %s: expected it to fail (%s)\nObserved %s")
  luassert:register("assertion", "passes", function(state, arguments)
    local r = arguments[1] or {}
    arguments[1], arguments[2], arguments[3], arguments.n = tostring(r.name), tostring(r.expected), tostring(r.observed), 3
    arguments.nofmt = { true, true, true }
    return r.ok == true
  end, "assertion.passes.positive", "assertion.passes.negative")
end
register()

---------------------------------------------------------------------------
-- A server under test: we are the client
---------------------------------------------------------------------------

local Target = {}
Target.__index = Target

local SERVER_OPTIONS = options.schema("tls.server", {
  host = "string", port = "number|string", servername = "string", cafile = "string|table",
  insecure = "boolean", timeout = "number", trace = "boolean|function",
})

-- opts: host, port, servername, cafile | insecure, timeout (seconds, default 5).
function tls.server(opts)
  SERVER_OPTIONS:check(opts)
  local ctx = {
    host = opts.host or "127.0.0.1", port = assert(tonumber(opts.port), "tls.server: port"),
    servername = opts.servername or opts.host or "127.0.0.1", cafile = opts.cafile,
    insecure = opts.insecure or not opts.cafile, timeout = opts.timeout or 5, trace = opts.trace,
  }
  return setmetatable({ ctx = ctx }, Target)
end

local function as_probe(setup, options)
  if type(setup) == "table" and not options and (setup.setup or setup.expect or setup.after or setup.options) then
    return setup
  end
  if type(setup) == "table" then setup, options = nil, setup end
  return { name = "handshake", setup = setup, options = options, expect = expect.completes() }
end

-- One connection running our client flow: setup(conn) does the surgery
-- first, options go to tlshs.client.wrap; after(conn) runs after a
-- completed handshake. Returns the outcome.
function Target:handshake(setup, options, after)
  local p = as_probe(setup, options)
  if after then p.after = after end
  local r = probe.run(p, self.ctx)
  local obs = r.observation or { kind = "error", err = "probe", detail = r.observed }
  obs.conn = r.conn
  return obs
end

-- Runs a shipped probe (a name from scripts/probes/ or a probe table).
function Target:probe(p)
  if type(p) == "string" then p = probe.load(probe_file("probes", p)) end
  return probe.run(p, self.ctx)
end

---------------------------------------------------------------------------
-- A client under test: we are the server
---------------------------------------------------------------------------

local Listener = {}
Listener.__index = Listener

-- opts: cert, key (for our server), host (default 127.0.0.1), port (0:
-- free), exec (shell command starting the client, "{port}" replaced; run
-- once per handshake and stopped after), timeout.
local CLIENT_OPTIONS = options.schema("tls.client", {
  cert = "string|table|userdata", key = "string|userdata", host = "string", port = "number",
  exec = "string", timeout = "number", trace = "boolean|function",
  other_cert = "string|table|userdata", other_key = "string|userdata",
})

function tls.client(opts)
  CLIENT_OPTIONS:check(opts)
  local sock = assert(socket.bind(opts.host or "127.0.0.1", opts.port or 0))
  local _, port = sock:getsockname()
  local self = setmetatable({ listener = sock, port = tonumber(port), opts = opts }, Listener)
  self.ctx = { cert = opts.cert, key = opts.key, timeout = opts.timeout or 5, trace = opts.trace,
    other_cert = opts.other_cert, other_key = opts.other_key }
  self.ctx.accept = function()
    local pid = opts.exec and tls.spawn((opts.exec:gsub("{port}", tostring(self.port))))
    self.child = pid
    sock:settimeout(self.ctx.timeout)
    local c, err = sock:accept()
    if not c then return nil, err end
    c:settimeout(self.ctx.timeout)
    return expect.keep_open(transport.socket(c))
  end
  return self
end

local function stop_child(self)
  if self.child then tls.kill(self.child); self.child = nil end
end

-- One connection of the client under test, served by our server flow
-- after setup(conn); returns the outcome.
function Listener:handshake(setup, options, after)
  local p = as_probe(setup, options)
  if after then p.after = after end
  local ok, r = pcall(probe.run_server, p, self.ctx)
  stop_child(self)
  if not ok then error(r, 0) end
  local obs = r.observation or { kind = "error", err = "probe", detail = r.observed }
  obs.conn = r.conn
  return obs
end

function Listener:probe(p)
  if type(p) == "string" then p = probe.load(probe_file("client_probes", p)) end
  local ok, r = pcall(probe.run_server, p, self.ctx)
  stop_child(self)
  if not ok then error(r, 0) end
  return r
end

function Listener:close()
  stop_child(self)
  self.listener:close()
end

---------------------------------------------------------------------------
-- Processes (peers for specs)
---------------------------------------------------------------------------

tls.spawn, tls.kill, tls.free_port = process.spawn, process.kill, process.free_port

-- Starts a server command with "{port}" replaced by a free port and waits
-- until it accepts connections: returns {port = n, pid = n, log = path}.
function tls.start_server(argv, seconds)
  local port = tls.free_port()
  local words = {}
  for i, w in ipairs(argv) do words[i] = (tostring(w):gsub("{port}", tostring(port))) end
  local pid, log = tls.spawn(words)
  local deadline = socket.gettime() + (seconds or 10)
  while socket.gettime() < deadline do
    local c = socket.connect("127.0.0.1", port)
    if c then c:close(); return { port = port, pid = pid, log = log } end
    socket.sleep(0.05)
  end
  tls.kill(pid)
  error("server did not start: " .. table.concat(words, " "))
end

function tls.stop(peer)
  if peer and peer.pid then tls.kill(peer.pid); peer.pid = nil end
  if peer and peer.log then os.remove(peer.log) end
end

return tls
