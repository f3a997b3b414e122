-- Certificates, private keys and trust anchors from files or PEM strings,
-- as the flows' options give them (cert/key/cafile).
local core = require "tlshs.core"

local credentials = {}

local function read_file(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local data = f:read("*a")
  f:close()
  return data
end

-- A PEM string is used as is; anything else is a file path.
local function contents(value, what)
  if type(value) ~= "string" then return nil, what .. ": expected a file path or a PEM string" end
  if value:find("-----BEGIN", 1, true) then return value end
  local data, err = read_file(value)
  if not data then return nil, what .. ": " .. tostring(err) end
  return data
end

-- cert: file, PEM string, a certificate object or an array of them (leaf
-- first); key: file, PEM string or a key object. Returns {chain, key} or nil, err.
function credentials.load(cert, key)
  local chain
  if type(cert) == "table" then
    chain = cert
  elseif type(cert) == "userdata" then
    chain = { cert }
  else
    local pem, err = contents(cert, "cert")
    if not pem then return nil, err end
    local list, _, detail = core.load_certificates(pem)
    if not list or #list == 0 then return nil, "cert: " .. tostring(detail or "no certificate found") end
    chain = list
  end
  local private = key
  if type(key) ~= "userdata" then
    local pem, err = contents(key, "key")
    if not pem then return nil, err end
    local k, _, detail = core.load_private_key(pem)
    if not k then return nil, "key: " .. tostring(detail) end
    private = k
  end
  local public, _, pdetail = chain[1]:public_key(0)   -- our own key: no floor (0)
  if not public then return nil, "cert: " .. tostring(pdetail) end
  if public:spki() ~= private:spki() then
    return nil, "cert/key: the private key does not belong to the certificate"
  end
  local ders = {}
  for i, c in ipairs(chain) do ders[i] = c:der() end
  return { chain = chain, der_chain = ders, key = private, key_type = private:type() }
end

local anchor_cache = {}

-- Trust anchors from a CA file (cached per path) or an array of certificates.
function credentials.anchors(cafile)
  if type(cafile) == "table" then return cafile end
  if anchor_cache[cafile] then return anchor_cache[cafile] end
  local pem, err = contents(cafile, "cafile")
  if not pem then return nil, err end
  local list, _, detail = core.load_certificates(pem)
  if not list then return nil, "cafile: " .. tostring(detail) end
  anchor_cache[cafile] = list
  return list
end

-- The system's CA bundle on Debian, used when a client gives no cafile.
credentials.SYSTEM_CAFILE = "/etc/ssl/certs/ca-certificates.crt"

return credentials
