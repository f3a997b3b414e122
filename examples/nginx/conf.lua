-- Fills in examples/nginx/nginx.conf: every ${NAME} replaced, written to
-- PREFIX/nginx.conf, with the directories the config names (PREFIX/tmp).
--
--   lua5.4 examples/nginx/conf.lua PREFIX PORT=8080 UPSTREAM_PORT=4433 CAFILE=/path/to/ca.pem
--   nginx -p PREFIX -e PREFIX/error.log -c PREFIX/nginx.conf
--
-- PREFIX and TLSHS_ROOT (this checkout) are filled in; NGINX_MODULES defaults
-- to Debian's /usr/share/nginx/modules. Any other ${NAME} must be given as
-- NAME=VALUE; a missing or unknown one is an error, naming the others.
-- tests/nginx/nginx_spec.lua (make test-nginx) writes its config with this.
local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."

local function fail(msg)
  io.stderr:write("conf.lua: ", msg, "\n")
  os.exit(2)
end

local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- The absolute path of a directory (made if missing), without "." or "..".
local function absolute(path)
  local p = io.popen("mkdir -p " .. q(path) .. " && cd " .. q(path) .. " && pwd")
  local dir = p:read("*l")
  p:close()
  if not dir then fail("cannot use the directory " .. path) end
  return dir
end

local prefix = arg[1]
if not prefix or prefix:find("=", 1, true) then
  fail("usage: conf.lua PREFIX NAME=VALUE... (PORT, UPSTREAM_PORT, CAFILE; NGINX_MODULES, TLSHS_ROOT)")
end
prefix = absolute(prefix)

local root = absolute(here .. "/../..")
local vars = { PREFIX = prefix, TLSHS_ROOT = root, NGINX_MODULES = "/usr/share/nginx/modules" }
for i = 2, #arg do
  local k, v = arg[i]:match("^([%u_]+)=(.*)$")
  if not k then fail("not NAME=VALUE: " .. arg[i]) end
  vars[k] = v
end

local f = assert(io.open(here .. "/nginx.conf", "r"))
local template = f:read("*a")
f:close()

local used, missing = {}, {}
local conf = template:gsub("%${([%u_]+)}", function(name)
  used[name] = true
  if vars[name] == nil then missing[#missing + 1] = name; return "" end
  return vars[name]
end)
if #missing > 0 then fail("no value for " .. table.concat(missing, ", ")) end
for k in pairs(vars) do
  if not used[k] then
    local names = {}
    for n in pairs(used) do names[#names + 1] = n end
    table.sort(names)
    fail("nginx.conf has no ${" .. k .. "}; it has " .. table.concat(names, ", "))
  end
end

absolute(prefix .. "/tmp")
local out = assert(io.open(prefix .. "/nginx.conf", "w"))
out:write(conf)
out:close()
print(prefix .. "/nginx.conf")
