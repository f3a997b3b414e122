-- Every code block of README.md and docs/*.md (DOCS) runs as shown (issue 12
-- §6). Each block is claimed below by what runs it: this spec (Lua blocks
-- against a real openssl s_server on a free port, the nginx config helper),
-- or another spec named in the claim (the luarocks and "outside the
-- repository" shell blocks). A block nobody claims fails the first test, so
-- a new snippet comes with its check. Placeholders are replaced by real
-- values: 4433 by the server's port, /path/to/tlshs by this checkout,
-- /path/to/ca.pem and ca.pem by the test CA, /tmp/... by a temp dir.
-- Where a block is a fragment of a script (it uses a `conn` or `bytes` the
-- text before it describes), the claim gives that context, and only that.
local helpers = require "spec.helpers"
local q, sh, write, tmpdir = helpers.quote, helpers.sh, helpers.write_file, helpers.tmpdir
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"

local root = helpers.root
local DOCS = { "README.md", "docs/embedding.md", "docs/crypto.md", "docs/messages.md", "docs/record.md",
  "docs/variants.md", "docs/x509.md" }
-- The reference pages: each Lua block is a script that runs alone.
local STANDALONE = { ["docs/crypto.md"] = true, ["docs/messages.md"] = true, ["docs/record.md"] = true,
  ["docs/x509.md"] = true }

-- Every fenced block: {file, lang, text, heading}.
local function all_blocks()
  local list = {}
  for _, file in ipairs(DOCS) do
    local text = helpers.read_file(root .. "/" .. file)
    local heading = ""
    local pos = 1
    while true do
      local s, e, lang, body = text:find("\n```(%w*)\n(.-)\n```", pos)
      if not s then break end
      -- the last heading before the block
      for h in text:sub(pos, s):gmatch("\n(#+ [^\n]+)") do heading = h end
      list[#list + 1] = { file = file, lang = lang, text = body, heading = heading }
      pos = e + 1
    end
  end
  return list
end

local function starts(text, prefix) return text:sub(1, #prefix) == prefix end

-- Lua: runs `source` as a file under lua5.4 with the checkout's paths, in dir.
local function run_lua(dir, name, source)
  write(dir .. "/" .. name, source)
  return sh("cd " .. q(dir) .. " && LUA_PATH=" .. q(root .. "/lua/?.lua;" .. root .. "/lua/?/init.lua;;")
    .. " LUA_CPATH=" .. q(root .. "/build/lua5.4/?.so;;") .. " lua5.4 " .. q(name))
end

local server, ca
local function port() return tostring(server.port) end

local function fill(text)
  return (text:gsub("4433", port()):gsub("/path/to/tlshs", root):gsub("/path/to/ca%.pem", ca))
end

-- What the text around a fragment says exists.
local PRELUDE_CONN = 'local tlshs = require "tlshs"\n'
  .. 'local conn = tlshs.client.wrap((tlshs.transport.pair()), { servername = "localhost", insecure = true })\n'
local PRELUDE_BYTES = 'local tlshs = require "tlshs"\n'
  .. 'local bytes = tlshs.build_handshake { msg_type = "server_hello_done" }\n'
  .. 'local wire = "\\22\\3\\3\\0\\4" .. bytes\n'
local PRELUDE_PROBE = 'local probe = require "tlshs.probe"\n'
local NGX = 'ngx = { socket = { tcp = function() return require("socket").tcp() end } } -- a cosocket\'s shape\n'

-- What a block shows, checked: `expr --> literal` (a string, integer, true or false,
-- maybe followed by a note in parentheses) becomes an assertion that expr gives
-- it; `print(...) --> text` expects that line of output (blanks match tabs),
-- in order. Returns the source to run and a checker of the output.
local function literal(text)
  text = text:gsub("%s+%(.*%)$", "")
  if text:match('^"[^"]*"$') or text:match("^%-?%d+$") or text:match("^0x%x+$")
    or text == "true" or text == "false" then return text end
end

local function shown(source)
  local lines, outputs = {}, {}
  for line in (source .. "\n"):gmatch("([^\n]*)\n") do
    local indent, expr, rhs = line:match("^(%s*)(.-)%s+%-%->%s*(.-)%s*$")
    if expr and expr:match("^print%(") then
      outputs[#outputs + 1] = rhs
    elseif expr and expr ~= "" and not expr:match("^local%s") and literal(rhs)
      and load("return " .. expr) then
      line = string.format("%sassert((%s) == %s, %q)", indent, expr, literal(rhs), line)
    end
    lines[#lines + 1] = line
  end
  return table.concat(lines, "\n"), function(out)
    local from = 1
    for _, want in ipairs(outputs) do
      local pat = "\n" .. want:gsub("%p", "%%%0"):gsub("%s+", "%%s+") .. "\n"
      local _, e = ("\n" .. out):find(pat, from)
      assert(e, "output line " .. want .. " not found in:\n" .. out)
      from = e
    end
    return #outputs
  end
end

-- claims: { match(block) -> bool, by = "who runs it", run = function(block, dir) (or nil: another spec) }
local claims = {
  { by = "this spec: our client against s_server (README, Connections)",
    match = function(b) return b.lang == "lua" and b.text:find('socket.connect("127.0.0.1", 4433)', 1, true)
      and b.text:find("session = conn:session()", 1, true) end,
    run = function(b, dir)
      sh("cp " .. q(ca) .. " " .. q(dir .. "/ca.pem"))
      local out, rc = run_lua(dir, "connect.lua", fill(b.text))
      assert.equal(0, rc, out)
      assert.truthy(out:find("TLSv1.2\tTLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 1, true), out)
      assert.truthy(out:find("HTTP/1.0 200", 1, true), out)
      assert.truthy(helpers.read_file(dir .. "/keys.log"):find("CLIENT_RANDOM", 1, true))
    end },
  { by = "this spec: surgery on a connection `conn` (README, Flows are steps)",
    match = function(b) return b.lang == "lua" and starts(b.text, 'conn:replace("send_finished"') end,
    run = function(b, dir)
      local out, rc = run_lua(dir, "flows.lua", PRELUDE_CONN .. b.text .. '\nprint("done")\n')
      assert.equal(0, rc, out)
      assert.truthy(out:find("done", 1, true), out)
    end },
  { by = "this spec: first.lua against s_server (README, Your first variant)",
    match = function(b) return b.lang == "lua" and starts(b.text, 'dofile("/path/to/tlshs/scripts/setup.lua")') end,
    run = function(b, dir)
      local out, rc = run_lua(dir, "first.lua", fill(b.text))
      assert.equal(0, rc, out)
      assert.truthy(out:find("alert decrypt_error\talert decrypt_error", 1, true), out)
      assert.truthy(out:find("\tok\n", 1, true), out)
    end },
  { by = "this spec: bin/tlshs-busted on the spec, against s_server (README)",
    match = function(b) return b.lang == "lua" and starts(b.text, 'local tls = require "tlshs.spec"') end,
    run = function(b, dir)
      write(dir .. "/finished_spec.lua", fill(b.text))
      local out, rc = sh("cd " .. q(dir) .. " && env -u LUA_PATH -u LUA_CPATH " .. q(root .. "/bin/tlshs-busted")
        .. " finished_spec.lua")
      assert.equal(0, rc, out)
      assert.truthy(out:find("1 success / 0 failures", 1, true), out)
    end },
  { by = "this spec: `bytes` and `wire` as the text says (README, Messages)",
    match = function(b) return b.lang == "lua" and starts(b.text, "local msg, next_pos = tlshs.parse_handshake(bytes") end,
    run = function(b, dir)
      local out, rc = run_lua(dir, "messages.lua", PRELUDE_BYTES .. b.text)
      assert.equal(0, rc, out)
      assert.truthy(out:find("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\t29", 1, true), out)
    end },
  { by = "this spec: the cosocket client, LuaSocket standing in for ngx.socket.tcp",
    match = function(b) return b.lang == "lua" and b.text:find("ngx.socket.tcp()", 1, true) ~= nil end,
    run = function(b, dir)
      local out, rc = run_lua(dir, "cosocket.lua", NGX .. fill(b.text)
        .. '\nassert(ok, tostring(err) .. " " .. tostring(detail))\nprint("handshake", conn.cipher_suite)\n')
      assert.equal(0, rc, out)
      assert.truthy(out:find("handshake\tTLS_", 1, true), out)
    end },
  { by = "this spec: examples/nginx/conf.lua fills the config; nginx -t accepts it",
    match = function(b) return b.lang == "sh" and starts(b.text, "lua5.4 examples/nginx/conf.lua ") end,
    run = function(b, dir)
      local prefix = b.text:match("conf%.lua (%S+)")
      local text = fill(b.text):gsub(prefix:gsub("%p", "%%%0"), dir .. "/nginx")
      local render, start = text:match("^([^\n]+)\n([^\n]+)")
      local out, rc = sh("cd " .. q(root) .. " && " .. render)
      assert.equal(0, rc, out)
      local conf = helpers.read_file(dir .. "/nginx/nginx.conf")
      assert.falsy(conf:find("%${[%u_]+}"), conf)
      assert.truthy(conf:find("listen 127.0.0.1:8080;", 1, true))
      assert.truthy(conf:find(root .. "/lua/?.lua", 1, true))
      assert.equal("nginx -p", start:sub(1, 8))
      out, rc = sh(start .. " -t")
      assert.equal(0, rc, out)
      assert.truthy(out:find("test is successful", 1, true), out)
    end },
  { by = "tests/nginx/nginx_spec.lua (make test-nginx): examples/nginx/nginx.conf verbatim",
    match = function(b)
      return b.lang == "nginx" and b.text .. "\n" == helpers.read_file(root .. "/examples/nginx/nginx.conf")
    end },
  { by = "spec/build_rockspec_spec.lua (make test-rockspec): the luarocks make commands",
    match = function(b) return b.lang == "sh" and starts(b.text, "luarocks --lua-version 5.4 make --local rockspec/") end },
  { by = "spec/outside_repo_spec.lua: a script and a spec of your own",
    match = function(b) return b.lang == "sh" and b.heading == "## Using tlshs outside the repository" end },
  { by = "this spec: runs alone in a dir with key.pem (RSA), ca.pem, chain.pem; what it shows checked",
    match = function(b) return b.lang == "lua" and STANDALONE[b.file] end,
    run = function(b, dir)
      local c = certs.get()
      sh("cp " .. q(c.rsa_key) .. " " .. q(dir .. "/key.pem") .. " && cp " .. q(c.ca) .. " " .. q(dir .. "/ca.pem")
        .. " && cp " .. q(c.rsa_cert) .. " " .. q(dir .. "/chain.pem"))
      local source, check = shown(b.text)
      local out, rc = run_lua(dir, "block.lua", source .. '\nprint("done")\n')
      assert.equal(0, rc, out)
      assert.truthy(out:find("done\n$"), out)
      check(out)
      if b.file == "docs/x509.md" then
        assert.truthy(out:find("CN=localhost\t%d+\tlocalhost\n"), out)
      end
    end },
  { by = "this spec: scripts/first.lua next to setup.lua, against s_server (docs/variants.md)",
    match = function(b) return b.lang == "lua" and starts(b.text, 'dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/setup.lua") -- saved as scripts/first.lua') end,
    run = function(b, dir)
      -- a checkout's layout around scripts/first.lua, without writing into the checkout
      sh("mkdir -p " .. q(dir .. "/scripts") .. " && ln -s " .. q(root .. "/scripts/setup.lua") .. " " .. q(dir .. "/scripts/setup.lua")
        .. " && ln -s " .. q(root .. "/lua") .. " " .. q(dir .. "/lua") .. " && ln -s " .. q(root .. "/build") .. " " .. q(dir .. "/build"))
      write(dir .. "/scripts/first.lua", fill(b.text))
      local out, rc = sh("cd " .. q(dir) .. " && env -u LUA_PATH -u LUA_CPATH lua5.4 scripts/first.lua")
      assert.equal(0, rc, out)
      local _, check = shown(b.text)
      assert.truthy(out:find("alert decrypt_error\talert decrypt_error at receive_new_session_ticket\tok\n", 1, true), out)
      check(out)
    end },
  { by = "this spec: flow surgery examples on a connection `conn`, `probe` loaded (docs/variants.md)",
    match = function(b) return b.lang == "lua" and starts(b.text, "-- a ClientHello one byte per record") end,
    run = function(b, dir)
      local out, rc = run_lua(dir, "surgery.lua", PRELUDE_CONN .. PRELUDE_PROBE .. b.text .. '\nprint("done")\n')
      assert.equal(0, rc, out)
      assert.truthy(out:find("done\n$"), out)
    end },
  { by = "this spec: after a completed handshake `conn` with s_server (docs/variants.md); s_server refuses",
    match = function(b) return b.lang == "lua" and starts(b.text, "local hello = conn:build_client_hello()\n") end,
    run = function(b, dir)
      local out, rc = run_lua(dir, "renegotiate.lua", 'local socket, tlshs = require "socket", require "tlshs"\n'
        .. 'local sock = assert(socket.connect("127.0.0.1", ' .. port() .. ')); sock:settimeout(5)\n'
        .. 'local conn = tlshs.client.wrap(tlshs.transport.socket(sock), { servername = "localhost", insecure = true })\n'
        .. 'assert(conn:handshake())\n' .. b.text
        .. '\nlocal o = require("tlshs.expect").observe(conn, 5)\nprint(o.kind, o.level, o.description)\n')
      assert.equal(0, rc, out)
      assert.truthy(out:find("alert\twarning\tno_renegotiation\n", 1, true), out)
    end },
  { by = "this spec: the probe file, saved in a probe directory, through scripts/probe.lua against s_server",
    match = function(b) return b.lang == "lua" and b.heading == "## Probes" and b.text:find("\nreturn {\n", 1, true) ~= nil end,
    run = function(b, dir)
      sh("mkdir -p " .. q(dir .. "/my_probes"))
      write(dir .. "/my_probes/bad_gcm_tag.lua", b.text)
      local out, rc = sh("cd " .. q(dir) .. " && env -u LUA_PATH -u LUA_CPATH lua5.4 " .. q(root .. "/scripts/probe.lua")
        .. " --connect 127.0.0.1:" .. port() .. " --insecure --probes my_probes")
      assert.equal(0, rc, out)
      assert.truthy(out:find("bad_gcm_tag", 1, true), out)
      assert.truthy(out:find("1 passed, 0 failed", 1, true), out)
    end },
  { by = "not code: output shown (the handshake ladder)",
    match = function(b) return b.lang == "" and b.text:find("ClientHello            ------------->", 1, true) ~= nil end },
}

local function claim(b)
  for _, c in ipairs(claims) do
    if c.match(b) then return c end
  end
end

describe("the code blocks of README.md and docs/*.md", function()
  local blocks = all_blocks()

  it("are each run by this spec or by the spec named in their claim", function()
    assert.is_true(#blocks >= 10, #blocks .. " blocks")
    local unclaimed = {}
    for _, b in ipairs(blocks) do
      if not claim(b) then
        unclaimed[#unclaimed + 1] = b.file .. " (" .. b.heading .. "): ```" .. b.lang .. " " .. b.text:match("^[^\n]*")
      end
    end
    assert.equal("", table.concat(unclaimed, "\n"))
  end)

  it("are valid Lua as shown, when Lua", function()
    local bad = {}
    for _, b in ipairs(blocks) do
      local ok, err = load(b.text, "=" .. b.file)
      if b.lang == "lua" and not ok then bad[#bad + 1] = b.file .. " (" .. b.heading .. "): " .. err end
    end
    assert.equal("", table.concat(bad, "\n"))
  end)

  -- the README's install block is the one docs/embedding.md shows (and build_rockspec_spec runs)
  it("README's luarocks commands are docs/embedding.md's", function()
    local readme, doc
    for _, b in ipairs(blocks) do
      if b.lang == "sh" and starts(b.text, "luarocks --lua-version 5.4 make --local rockspec/") then
        if b.file == "README.md" then readme = b.text else doc = b.text end
      end
    end
    assert.is_string(readme)
    assert.is_string(doc)
    assert.equal(readme, doc:sub(1, #readme))
  end)

  describe("run", function()
    local dir
    setup(function()
      local c = certs.get()
      ca = c.ca
      server = peers.start { "openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert", c.rsa_cert,
        "-key", c.rsa_key, "-www", "-tls1_2" }
    end)
    teardown(function() if server then peers.stop(server) end end)
    before_each(function() dir = tmpdir() end)
    after_each(function() sh("rm -rf " .. q(dir)) end)

    for i, b in ipairs(blocks) do
      local c = claim(b)
      if c and c.run then
        it(string.format("%s #%d (%s): %s", b.file, i, b.heading, c.by), function()
          c.run(b, dir)
        end)
      end
    end
  end)
end)
