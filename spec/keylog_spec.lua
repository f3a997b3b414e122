-- The key log (NSS SSLKEYLOGFILE format) lets tshark decrypt a capture of
-- the conversation: our client against openssl s_server, and openssl
-- s_client against our server, captured on the loopback interface.
local tlshs = require "tlshs"
local socket = require "socket"
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"

local c = certs.get()

-- Captures TCP on the port while fn runs; returns the pcap path.
local function capture(port, fn)
  local pcap = os.tmpname()
  local tshark = peers.start({ "tshark", "-i", "lo", "-f", "tcp port " .. port, "-w", pcap }, { no_wait = true })
  local deadline = socket.gettime() + 10
  while not peers.output(tshark):find("Capture started", 1, true) and socket.gettime() < deadline do
    socket.sleep(0.05)
  end
  fn()
  socket.sleep(0.3) -- let dumpcap write the last packets
  peers.stop(tshark)
  return pcap
end

-- The HTTP status lines and TLS record types tshark sees with the key log.
local function decrypt(pcap, keylog, port)
  local _, out = peers.run({ "tshark", "-r", pcap, "-o", "tls.keylog_file:" .. keylog,
    "-d", "tcp.port==" .. port .. ",tls", "-o", "http.desegment_body:FALSE", "-Y", "http", "-T", "fields", "-e", "http.response.code",
    "-e", "http.request.method" })
  return out
end

describe("the key log", function()
  it("lets tshark decrypt our client's conversation with openssl s_server", function()
    local server = peers.start({ "openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert", c.rsa_cert,
      "-key", c.rsa_key, "-www", "-tls1_2" })
    local keylog = os.tmpname()
    local pcap = capture(server.port, function()
      local conn = tlshs.client.wrap(peers.connect(server.port), { cafile = c.ca, servername = "localhost", keylog = keylog })
      assert(conn:handshake())
      conn:send("GET / HTTP/1.0\r\n\r\n")
      conn:receive("*a")
      conn:close()
    end)
    peers.stop(server)
    assert.matches("^CLIENT_RANDOM %x+ %x+\n$", require("spec.helpers").read_file(keylog))
    local out = decrypt(pcap, keylog, server.port)
    assert.matches("GET", out)
    assert.matches("200", out)
    -- without the key log, nothing is readable
    local _, blind = peers.run({ "tshark", "-r", pcap, "-d", "tcp.port==" .. server.port .. ",tls", "-Y", "http" })
    assert.not_matches("GET", blind)
  end)

  it("lets tshark decrypt openssl s_client's conversation with our server", function()
    local keylog = os.tmpname()
    local lua = jit and "luajit" or "lua5.4"
    local server = peers.start({ lua, "scripts/server.lua", "--listen", "127.0.0.1:{port}", "--cert", c.rsa_cert,
      "--key", c.rsa_key, "--www", "--keylog", keylog })
    local pcap = capture(server.port, function()
      peers.run({ "openssl", "s_client", "-connect", "127.0.0.1:" .. server.port, "-CAfile", c.ca, "-tls1_2",
        "-cipher", "ECDHE-RSA-CHACHA20-POLY1305", "-ign_eof" }, { input = "GET / HTTP/1.0\r\n\r\n" })
    end)
    peers.stop(server)
    local out = decrypt(pcap, keylog, server.port)
    assert.matches("GET", out)
    assert.matches("200", out)
  end)
end)
