-- Background processes for peers under test (specs and the probe runners):
-- start a shell command, stop it with its children, find a free port.
-- Helper processes do not inherit a preloaded library: a sanitizer runtime
-- preloaded into the interpreter under test makes pkill and peers hang.
local process = {}

function process.quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

local function plain(cmd)
  if os.getenv("LD_PRELOAD") then return "env -u LD_PRELOAD " .. cmd end
  return cmd
end

-- Starts a shell command (or an argv list) in the background, its output to
-- log (a new temporary file if nil); returns its pid and the log path.
function process.spawn(cmd, log)
  if type(cmd) == "table" then
    local words = {}
    for i, w in ipairs(cmd) do words[i] = process.quote(w) end
    cmd = "exec " .. table.concat(words, " ")
  end
  log = log or os.tmpname()
  local pipe = io.popen(plain("sh -c " .. process.quote("(" .. cmd .. ") </dev/null >" ..
    process.quote(log) .. " 2>&1 & echo $!")))
  local pid = tonumber(pipe:read("*l"))
  pipe:close()
  return pid, log
end

-- Stops what spawn started: the command runs in a subshell, so its children
-- first, then the subshell.
function process.kill(pid)
  if pid then os.execute(plain("pkill -P " .. pid) .. " 2>/dev/null; kill " .. pid .. " 2>/dev/null") end
end

-- A free TCP port on 127.0.0.1 (LuaSocket).
function process.free_port()
  local socket = require "socket"
  local s = assert(socket.bind("127.0.0.1", 0))
  local _, port = s:getsockname()
  s:close()
  return tonumber(port)
end

return process
