-- tlshs probe runner: runs the probes of scripts/probes/ (one flow variant
-- each, with the outcome a correct RFC 5246 server gives) against a server.
--   lua5.4 scripts/probe.lua --connect 127.0.0.1:4433 --cafile ca.pem [--only NAME]... [--list]
-- Prints one line per probe (name, expected, observed, ok/FAIL) and
-- "N passed, N failed"; exits 1 when a probe failed, 2 on a usage error
-- (one line on stderr).
dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/setup.lua")
local argparse = require "argparse"
local probe = require "tlshs.probe"
local cli = require "cli_common"

local here = arg[0]:match("^(.*)/[^/]*$") or "."
local parser = argparse("probe.lua", "Runs TLS 1.2 probes against a server.")
  :epilog("Exit status: 0 every probe passed, 1 a probe failed, 2 usage error.")
parser:option("--connect", "HOST:PORT of the server.")
parser:option("--only", "Run only this probe (repeatable)."):count("*")
parser:flag("--list", "List the probes and exit.")
parser:option("--servername", "Server name for SNI and the certificate check (default: HOST).")
parser:option("--cafile", "Trust anchors (PEM) for the server certificate.")
parser:flag("--insecure", "Skip certificate checks.")
parser:option("--timeout", "Seconds to wait for the server's next move.", "5")
parser:option("--probes", "Directory of probe files.", here .. "/probes")
parser:flag("--trace", "Print each handshake as a ladder diagram on stderr.")

local run = cli.new("probe.lua", parser)

run:main(function()
  local args = parser:parse()
  local selected = run:probes(args)

  if not args.connect then run:usage("--connect HOST:PORT is required (or --list)") end
  local host, port = run:host_port("--connect", args.connect)
  if args.cafile and args.insecure then run:usage("--cafile and --insecure exclude each other") end
  local timeout = run:number("--timeout", args.timeout)
  if args.cafile then run:cafile("--cafile", args.cafile) end

  local ctx = {
    host = host, port = port, servername = args.servername or host,
    cafile = args.cafile, insecure = args.insecure or not args.cafile,
    timeout = timeout, trace = args.trace or nil,
  }
  local passed, failed = probe.run_all(selected, ctx, probe.run, function(line)
    io.stdout:write(line, "\n")
    io.stdout:flush()
  end)
  print(string.format("%d passed, %d failed", passed, failed))
  os.exit(failed == 0 and 0 or 1)
end)
