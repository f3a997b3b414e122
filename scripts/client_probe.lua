-- tlshs client probe runner: plays a TLS 1.2 server that misbehaves in one
-- way per probe (scripts/client_probes/*.lua) and reports what the client
-- under test does about it.
--   lua5.4 scripts/client_probe.lua --listen 127.0.0.1:4433 --cert c.pem --key k.pem \
--     --exec 'openssl s_client -connect 127.0.0.1:{port} -tls1_2 -CAfile ca.pem -verify_return_error -ign_eof'
-- With --exec the command is started once per probe ({port} is the
-- listening port) and stopped afterwards; without it, one connection is
-- awaited per probe. Prints one line per probe and "N passed, N failed";
-- exits 1 when a probe failed, 2 on a usage error (one line on stderr).
dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/setup.lua")
local argparse = require "argparse"
local socket = require "socket"
local probe = require "tlshs.probe"
local transport = require "tlshs.transport"
local expect = require "tlshs.expect"
local process = require "tlshs.process"
local cli = require "cli_common"

local here = arg[0]:match("^(.*)/[^/]*$") or "."
local parser = argparse("client_probe.lua", "Runs TLS 1.2 server-side probes against a client.")
  :epilog("Exit status: 0 every probe passed, 1 a probe failed or the port cannot be used, 2 usage error.")
parser:option("--listen", "HOST:PORT to listen on (port 0: any free port).")
parser:option("--cert", "Certificate chain (PEM) for the server, leaf first.")
parser:option("--key", "Private key (PEM).")
parser:option("--other-cert", "A certificate for another host name (certificate_other_host).")
parser:option("--other-key", "Its private key.")
parser:option("--exec", "Shell command starting the client under test; {port} is replaced.")
parser:option("--only", "Run only this probe (repeatable)."):count("*")
parser:flag("--list", "List the probes and exit.")
parser:option("--timeout", "Seconds to wait for the client.", "5")
parser:option("--probes", "Directory of probe files.", here .. "/client_probes")
parser:flag("--trace", "Print each handshake as a ladder diagram on stderr.")

local run = cli.new("client_probe.lua", parser)

run:main(function()
  local args = parser:parse()
  local selected = run:probes(args)
  if not (args.listen and args.cert and args.key) then run:usage("--listen, --cert and --key are required (or --list)") end
  local host, port = run:host_port("--listen", args.listen)
  local timeout = run:number("--timeout", args.timeout)
  run:credentials("--cert", args.cert, "--key", args.key)
  if (args.other_cert == nil) ~= (args.other_key == nil) then run:usage("--other-cert and --other-key go together") end
  if args.other_cert then run:credentials("--other-cert", args.other_cert, "--other-key", args.other_key) end

  local listener, berr = socket.bind(host, port)
  if not listener then run:failure("listen " .. host .. ":" .. port .. ": " .. tostring(berr)) end
  local _, bound = listener:getsockname()
  io.stderr:write("listening on ", host, ":", bound, "\n")

  local child
  local function start_client()
    if not args.exec then return end
    child = process.spawn((args.exec:gsub("{port}", tostring(bound))), "/dev/null")
  end
  local function stop_client()
    process.kill(child)
    child = nil
  end

  local ctx = {
    cert = args.cert, key = args.key, other_cert = args.other_cert, other_key = args.other_key,
    timeout = timeout, trace = args.trace or nil,
  }
  function ctx.accept()
    start_client()
    listener:settimeout(timeout)
    local sock, aerr = listener:accept()
    if not sock then return nil, aerr end
    sock:settimeout(timeout)
    return expect.keep_open(transport.socket(sock))
  end

  local function run_one(p, c)
    local ok, r = pcall(probe.run_server, p, c)
    stop_client()
    if not ok then error(r, 0) end
    return r
  end

  local passed, failed = probe.run_all(selected, ctx, run_one, function(line)
    io.stdout:write(line, "\n")
    io.stdout:flush()
  end)
  print(string.format("%d passed, %d failed", passed, failed))
  os.exit(failed == 0 and 0 or 1)
end)
