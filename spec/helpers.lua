-- Shared by every spec: paths to the repository, the test vectors, and
-- small conversions.
local helpers = {}

local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "spec"
helpers.root = here:gsub("/spec$", "")
if helpers.root == "spec" or helpers.root == "" then helpers.root = "." end

-- Third-party test vectors copied into the repository (spec/vectors/PROVENANCE.md).
helpers.vectors = helpers.root .. "/spec/vectors"

function helpers.read_file(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

-- A word for the shell, single-quoted.
function helpers.quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- Runs a shell command: its output (stdout and stderr) and exit status.
function helpers.sh(cmd)
  local p = assert(io.popen("(" .. cmd .. ") 2>&1; echo \"rc=$?\""))
  local out = p:read("*a")
  p:close()
  local rc = tonumber(out:match("rc=(%d+)%s*$"))
  return (out:gsub("rc=%d+%s*$", "")), rc
end

function helpers.write_file(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

-- A new empty directory under /tmp.
function helpers.tmpdir()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir -p " .. helpers.quote(dir)))
  return dir
end

function helpers.unhex(s)
  s = s:gsub("%s+", "")
  assert(#s % 2 == 0, "odd hex length")
  return (s:gsub("..", function(h) return string.char(tonumber(h, 16)) end))
end

function helpers.hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

-- JSON decoding for vector files (dkjson ships with busted's dependencies).
function helpers.read_json(path)
  local json = require "dkjson"
  local obj, _, err = json.decode(helpers.read_file(path), 1, json.null)
  assert(obj, err)
  return obj
end

return helpers
