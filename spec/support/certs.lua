-- Test credentials made with the openssl CLI once per process, in a temp
-- dir: a CA (P-256), server certificates for localhost/127.0.0.1 with RSA
-- 2048 and ECDSA P-256 keys, and a client certificate.
--   local certs = require "spec.support.certs"
--   local c = certs.get()  -- c.dir, c.ca, c.rsa_cert, c.rsa_key, c.ec_cert, c.ec_key, c.client_cert, c.client_key
local certs = {}

local cached

local function run(cmd)
  local ok = os.execute(cmd .. " >/dev/null 2>&1")
  assert(ok == true or ok == 0, "command failed: " .. cmd)
end

local function write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

local function issue(dir, name, keyspec, subject, extensions)
  local ext = dir .. "/" .. name .. ".ext"
  write(ext, extensions)
  run(string.format("openssl req -newkey %s -nodes -keyout %s/%s.key -out %s/%s.csr -subj '%s'",
    keyspec, dir, name, dir, name, subject))
  run(string.format("openssl x509 -req -in %s/%s.csr -CA %s/ca.pem -CAkey %s/ca.key -CAcreateserial -days 30 -out %s/%s.pem -extfile %s",
    dir, name, dir, dir, dir, name, ext))
end

function certs.get()
  if cached then return cached end
  local dir = os.tmpname()
  os.remove(dir)
  run("mkdir -p " .. dir)
  run(string.format("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout %s/ca.key -out %s/ca.pem -days 30 -subj '/CN=tlshs test CA' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
    dir, dir))
  local server_ext = "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
  issue(dir, "rsa", "rsa:2048", "/CN=localhost", server_ext)
  issue(dir, "ec", "ec -pkeyopt ec_paramgen_curve:P-256", "/CN=localhost", server_ext)
  issue(dir, "client", "ec -pkeyopt ec_paramgen_curve:P-256", "/CN=tlshs test client",
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n")
  cached = {
    dir = dir, ca = dir .. "/ca.pem",
    rsa_cert = dir .. "/rsa.pem", rsa_key = dir .. "/rsa.key",
    ec_cert = dir .. "/ec.pem", ec_key = dir .. "/ec.key",
    client_cert = dir .. "/client.pem", client_key = dir .. "/client.key",
  }
  return cached
end

return certs
