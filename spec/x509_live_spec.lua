-- The client flow's certificate checks against a live openssl s_server: for
-- every server-side case of the test PKI (spec/support/pki.lua) the client
-- accepts the good chains and rejects the bad ones with the case's alert —
-- which the server must receive — and --insecure skips the checks, saying so.
local tlshs = require "tlshs"
local pki = require "spec.support.pki"
local peers = require "spec.support.peers"

local ALERT_NUMBERS = { bad_certificate = 42, unsupported_certificate = 43, certificate_expired = 45, unknown_ca = 48 }

-- The PKI's leaves share the EC leaf key, except the P-384 and RSA ones.
local function key_of(files, leaf)
  if leaf == "pss_leaf" then return files.rsa_leaf_key end
  return files[leaf .. "_key"] or files.leaf_key
end

local function start_server(files, case)
  local argv = { "openssl", "s_server", "-accept", "127.0.0.1:{port}", "-www", "-tls1_2",
    "-cert", files[case.leaf], "-key", key_of(files, case.leaf) }
  if case.untrusted then
    argv[#argv + 1] = "-cert_chain"
    argv[#argv + 1] = files[case.untrusted]
  end
  return peers.start(argv)
end

-- One handshake; returns ok, err, detail, the trace lines.
local function connect(port, opts)
  local lines = {}
  opts.trace = function(line) lines[#lines + 1] = line end
  local conn = tlshs.client.wrap(peers.connect(port), opts)
  local ok, err, detail = conn:handshake()
  conn:close()
  return ok, err, detail, table.concat(lines, "\n")
end

describe("client certificate checks against openssl s_server", function()
  local files, dir
  setup(function() files, dir = pki.temporary() end)
  teardown(function() pki.remove(dir) end)

  for _, case in ipairs(pki.cases) do
    -- The client flow always checks for the server purpose with the key usage
    -- its key exchange needs: cases about other purposes stay in x509_verify_spec.
    if case.purpose ~= "client" and not case.key_usage then
      it(case.name, function()
        local server = start_server(files, case)
        local opts = { cafile = files[case.root], servername = case.host or case.ip, time = case.time }
        -- a case without a name checks the chain only, and says so
        if opts.servername == nil then opts.verify_host = false end
        local ok, err, detail, trace = connect(server.port, opts)
        peers.stop(server)
        local log = peers.output(server)
        if case.expect then
          assert.is_nil(ok, trace)
          assert.equal(case.expect, err, detail)
          -- the server received our alert
          assert.matches("alert number " .. ALERT_NUMBERS[case.expect], log, 1, true)
        else
          assert.is_true(ok, tostring(err) .. ": " .. tostring(detail) .. "\n" .. trace)
        end
      end)
    end
  end

  it("skips every check with insecure, and says so", function()
    local case = { leaf = "wrong_host", untrusted = "untrusted" }
    local server = start_server(files, case)
    local ok, err, detail, trace = connect(server.port, { insecure = true, servername = "example.com" })
    local ok2, err2 = connect(server.port, { cafile = files.root, servername = "example.com" })
    peers.stop(server)
    assert.is_true(ok, tostring(err) .. " " .. tostring(detail))
    assert.matches("certificate checks skipped", trace, 1, true)
    assert.is_nil(ok2)
    assert.equal("bad_certificate", err2)
  end)
end)
