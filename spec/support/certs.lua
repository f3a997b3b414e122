-- Test credentials made with the openssl CLI once per process, in temp dirs.
--   certs.get()     a P-256 CA; server certificates for localhost/127.0.0.1
--                   with RSA 2048 and ECDSA P-256 keys; a client certificate:
--                   dir, ca, rsa_cert, rsa_key, ec_cert, ec_key, client_cert, client_key
--   certs.ed25519([fresh]) the same shape all in Ed25519: dir, ca, cert, key,
--                   client_cert, client_key (fresh: a new, uncached set under another CA)
local certs = {}

local SERVER_EXT = "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n" ..
  "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
local CLIENT_EXT = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n"

local function run(cmd)
  local ok = os.execute(cmd .. " >/dev/null 2>&1")
  assert(ok == true or ok == 0, "command failed: " .. cmd)
end

local function write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

local function new_dir()
  local dir = os.tmpname()
  os.remove(dir)
  run("mkdir -p " .. dir)
  return dir
end

-- dir/ca.pem + dir/ca.key, self-signed, of the given key type.
local function make_ca(dir, keyspec, subject)
  run(string.format("openssl req -x509 -newkey %s -nodes -keyout %s/ca.key -out %s/ca.pem -days 30 -subj '%s' " ..
    "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign", keyspec, dir, dir, subject))
end

-- dir/<name>.pem + dir/<name>.key, issued by dir/ca.pem.
local function issue(dir, name, keyspec, subject, extensions)
  local ext = dir .. "/" .. name .. ".ext"
  write(ext, extensions)
  run(string.format("openssl req -newkey %s -nodes -keyout %s/%s.key -out %s/%s.csr -subj '%s'",
    keyspec, dir, name, dir, name, subject))
  run(string.format("openssl x509 -req -in %s/%s.csr -CA %s/ca.pem -CAkey %s/ca.key -CAcreateserial -days 30 -out %s/%s.pem -extfile %s",
    dir, name, dir, dir, dir, name, ext))
end

local cached = {}

function certs.get()
  if cached.main then return cached.main end
  local dir = new_dir()
  local p256 = "ec -pkeyopt ec_paramgen_curve:P-256"
  make_ca(dir, p256, "/CN=tlshs test CA")
  issue(dir, "rsa", "rsa:2048", "/CN=localhost", SERVER_EXT)
  issue(dir, "ec", p256, "/CN=localhost", SERVER_EXT)
  issue(dir, "client", p256, "/CN=tlshs test client", CLIENT_EXT)
  cached.main = {
    dir = dir, ca = dir .. "/ca.pem",
    rsa_cert = dir .. "/rsa.pem", rsa_key = dir .. "/rsa.key",
    ec_cert = dir .. "/ec.pem", ec_key = dir .. "/ec.key",
    client_cert = dir .. "/client.pem", client_key = dir .. "/client.key",
  }
  return cached.main
end

function certs.ed25519(fresh)
  if cached.ed25519 and not fresh then return cached.ed25519 end
  local dir = new_dir()
  make_ca(dir, "ed25519", "/CN=tlshs ed25519 CA")
  issue(dir, "server", "ed25519", "/CN=localhost", (SERVER_EXT:gsub(",keyEncipherment", "")))
  issue(dir, "client", "ed25519", "/CN=tlshs ed25519 client", CLIENT_EXT)
  local set = {
    dir = dir, ca = dir .. "/ca.pem",
    cert = dir .. "/server.pem", key = dir .. "/server.key",
    client_cert = dir .. "/client.pem", client_key = dir .. "/client.key",
  }
  if not fresh then cached.ed25519 = set end
  return set
end

return certs
