-- What the command-line tools share: one line per error on stderr, exit
-- status 2 for usage errors (a wrong option or name, a file that cannot be
-- read) and 1 for connection or handshake failures, never a Lua traceback;
-- every file argument is checked before connecting or listening.
--   local cli = require "cli_common"
--   local run = cli.new("client.lua", parser)
--   run:main(function() ... end)
local suites = require "tlshs.suites"
local negotiate = require "tlshs.negotiate"
local credentials = require "tlshs.credentials"

local cli = { USAGE = 2, FAILURE = 1 }

local Run = {}
Run.__index = Run

-- Usage errors of the argparse parser become one line and exit 2.
function cli.new(name, parser)
  local self = setmetatable({ name = name }, Run)
  if parser then
    parser.error = function(_, msg) self:usage(msg) end
  end
  return self
end

-- An error raised by tlshs, without "file:line:" and "tlshs:" in front.
function cli.message(err)
  return (tostring(err):gsub("^[^\n:]*:%d+: ", ""):gsub("^tlshs: ", ""):gsub("\n.*", ""))
end

function Run:line(msg)
  io.stdout:flush()
  io.stderr:write(self.name, ": ", msg, "\n")
end

function Run:usage(msg)
  self:line(msg .. " (see --help)")
  os.exit(cli.USAGE)
end

function Run:failure(msg)
  self:line(msg)
  os.exit(cli.FAILURE)
end

-- Runs fn; anything it raises is reported in one line (exit 1), never as a
-- traceback.
function Run:main(fn)
  local ok, err = xpcall(fn, function(e) return e end)
  if not ok then self:failure("internal error: " .. cli.message(err)) end
end

-- Calls fn(...); a raised error is a usage error about `what`.
function Run:checked(what, fn, ...)
  local ok, a, b = pcall(fn, ...)
  if not ok then self:usage(what .. ": " .. cli.message(a)) end
  return a, b
end

-- IANA suite names for --cipher values; OpenSSL's names are mapped to theirs.
function Run:suites(list)
  local out = {}
  for i, n in ipairs(list) do
    local s = suites.by_openssl_name[n]
    if s then out[i] = s.name else
      local ok, why = suites.check(n)
      if not ok then self:usage("--cipher " .. n .. ": " .. why) end
      out[i] = n
    end
  end
  return out
end

-- Group names for --group values (only groups the engine completes).
function Run:groups(list)
  for _, g in ipairs(list) do
    local ok, why = negotiate.check("groups", g)
    if not ok then self:usage("--group " .. g .. ": " .. why) end
  end
  return list
end

-- Trust anchors from a file, read now (not after connecting).
function Run:cafile(option, path)
  local anchors, err = credentials.anchors(path)
  if not anchors or #anchors == 0 then
    local why = tostring(err or "no certificate in it"):gsub("^cafile: ", ""):gsub("^" .. path:gsub("%p", "%%%0") .. ": ", "")
    self:usage(option .. " " .. path .. ": " .. why)
  end
  return anchors
end

-- A certificate chain and its key, read and matched now.
function Run:credentials(cert_option, cert, key_option, key)
  local cred, err = credentials.load(cert, key)
  if not cred then
    local is_key = tostring(err):match("^key:") ~= nil
    local option, value = cert_option, cert
    if is_key then option, value = key_option, key end
    local why = tostring(err):gsub("^%a+: ", ""):gsub("^" .. tostring(value):gsub("%p", "%%%0") .. ": ", "")
    self:usage(option .. " " .. tostring(value) .. ": " .. why)
  end
  return cred
end

-- A file that will be written (appended to): its directory must exist. The
-- file itself is not created here (its mode is the writer's business).
function Run:writable(option, path)
  local dir = path:match("^(.*)/[^/]*$") or "."
  if dir == "" then dir = "/" end
  local f = io.open(path, "r")
  if f then f:close(); return path end
  if not os.rename(dir, dir) then self:usage(option .. " " .. path .. ": no directory " .. dir) end
  return path
end

-- A directory that must exist.
function Run:directory(option, path)
  if not os.rename(path, path) then self:usage(option .. " " .. path .. ": no such directory") end
  return path
end

-- The probes of --probes DIR that --only selects; with --list, prints them and
-- exits 0.
function Run:probes(args)
  local probe = require "tlshs.probe"
  self:directory("--probes", args.probes)
  local list = self:checked("--probes " .. args.probes, probe.load_dir, args.probes)
  local selected, err = probe.select(list, args.only)
  if not selected then self:usage("--only: " .. err) end
  if args.list then
    for _, p in ipairs(selected) do print(string.format("%-34s %s", p.name, p.description or "")) end
    os.exit(0)
  end
  return selected
end

-- HOST:PORT ([v6]:port too).
function Run:host_port(option, value)
  local host, port = tostring(value):match("^%[?(.-)%]?:(%d+)$")
  if not host or host == "" or tonumber(port) > 65535 then self:usage(option .. " wants HOST:PORT, got " .. tostring(value)) end
  return host, tonumber(port)
end

function Run:number(option, value)
  local n = tonumber(value)
  if not n or n <= 0 then self:usage(option .. " wants a positive number, got " .. tostring(value)) end
  return n
end

return cli
