-- make test-nginx: Debian's nginx with the lua module runs tlshs over
-- cosockets (examples/nginx/nginx.conf, examples/nginx/lua/tlshs_example.lua)
-- against an openssl s_server, both on free 127.0.0.1 ports; 50 /fetch
-- requests, 10 at a time (curl --parallel), each checked; then every probe of
-- scripts/probes through /probe?name=, 10 at a time. nginx and s_server are
-- always stopped.
local helpers = require "spec.helpers"
local peers = require "spec.support.peers"
local certs = require "spec.support.certs"
local json = require "dkjson"

local root = helpers.root == "." and os.getenv("PWD") or helpers.root
if root:sub(1, 1) ~= "/" then root = os.getenv("PWD") .. "/" .. root end

local REQUESTS, PARALLEL = 50, 10

-- Every probe of scripts/probes/ runs through /probe, PARALLEL at a time, and
-- must pass against s_server; for these the test also checks the outcome
-- (what a correct server does, docs/variants.md).
local PROBE_OUTCOMES = {
  sane_ecdhe = { kind = "completed" },
  sane_rsa = { kind = "completed" },
  client_hello_fragmented = { kind = "completed" },
  no_common_cipher = { kind = "alert", alert = "handshake_failure" },
  client_hello_truncated = { kind = "alert", alert = "decode_error" },
  finished_wrong = { kind = "alert", alert = "decrypt_error" },
  bad_tag_gcm = { kind = "alert", alert = "bad_record_mac" },
  ccs_early = { kind = "alert", alert = "unexpected_message" },
  rsa_premaster_no_separator = { kind = "alert", alert = "bad_record_mac" },
  zero_length_app_data = { kind = "application_data" },
}

-- The suites the requests ask for in turn, with OpenSSL's name for each
-- (s_server -www prints "Cipher is <name>"); nil: the client's default offer.
local ROTATION = {
  { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256" },
  { "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305" },
  { "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384" },
  { "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256" },
  { "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384" },
  { nil, "ECDHE-ECDSA-AES128-GCM-SHA256", default = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
}

local function sh_quote(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local function run(cmd)
  local ok = os.execute(cmd)
  return ok == true or ok == 0
end

local function write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

-- The probe names: scripts/probes/*.lua, sorted.
local probe_files = {}
do
  local p = io.popen("ls -1 " .. sh_quote(root .. "/scripts/probes"))
  for file in p:lines() do
    if file:match("%.lua$") then probe_files[#probe_files + 1] = file:sub(1, -5) end
  end
  p:close()
  table.sort(probe_files)
end

-- A process that exited but was not reaped yet (state Z) counts as gone.
local function alive(pid)
  local stat = read("/proc/" .. pid .. "/stat")
  return stat ~= nil and stat:match("^%d+ %b() (%a)") ~= "Z"
end

local function nginx_modules()
  for _, d in ipairs { "/usr/share/nginx/modules", "/usr/lib/nginx/modules" } do
    if read(d .. "/ngx_http_lua_module.so") then return d end
  end
  error("ngx_http_lua_module.so not found (make deps installs libnginx-mod-http-lua)")
end

-- Issues the URLs with curl, `parallel` at a time; returns per URL
-- {status = http code, body = decoded JSON or nil, raw = text}.
local function fetch_all(dir, urls, parallel)
  local lines = {}
  for i, url in ipairs(urls) do
    lines[#lines + 1] = string.format('url = "%s"\noutput = "%s/%d.json"', url, dir, i)
  end
  write(dir .. "/curl.cfg", table.concat(lines, "\n") .. "\n")
  local codes = dir .. "/codes"
  run(string.format("curl -s --parallel --parallel-max %d --max-time 30 -K %s -w '%%{url} %%{http_code}\\n' > %s 2>&1",
    parallel, sh_quote(dir .. "/curl.cfg"), sh_quote(codes)))
  local status = {}
  for line in (read(codes) or ""):gmatch("[^\n]+") do
    local url, code = line:match("^(%S+) (%d+)$")
    if url then status[url] = tonumber(code) end
  end
  local out = {}
  for i, url in ipairs(urls) do
    local raw = read(string.format("%s/%d.json", dir, i))
    os.remove(string.format("%s/%d.json", dir, i))
    out[i] = { status = status[url], raw = raw, body = raw and json.decode(raw) }
  end
  return out
end

describe("tlshs in nginx over cosockets (make test-nginx)", function()
  local prefix, nginx, upstream, port, fetched, probed, reloaded, reloaded_from
  local started = {}

  -- The processes whose parent is pid (from /proc: procps may be absent).
  local function children(pid)
    local list = {}
    local p = io.popen("ls /proc")
    for name in p:lines() do
      if name:match("^%d+$") then
        local stat = read("/proc/" .. name .. "/stat")
        local ppid = stat and stat:match("^%d+ %b() %a (%d+)")
        if tonumber(ppid) == pid then list[#list + 1] = tonumber(name) end
      end
    end
    p:close()
    return list
  end

  -- nginx: SIGTERM to the master, which stops its worker and exits; anything
  -- still there after 5 s (master or worker) gets SIGKILL.
  local function stop_nginx()
    if not (nginx and nginx.pid) then return end
    local pids = children(nginx.pid)
    for i, pid in ipairs(pids) do started["nginx worker " .. i] = pid end
    run("kill -TERM " .. nginx.pid .. " 2>/dev/null")
    for _ = 1, 100 do
      if not alive(nginx.pid) then break end
      run("sleep 0.05")
    end
    pids[#pids + 1] = nginx.pid
    for _, pid in ipairs(pids) do
      if alive(pid) then run("kill -9 " .. pid .. " 2>/dev/null") end
    end
    nginx.pid = nil
  end

  local function stop_all()
    stop_nginx()
    if upstream then peers.stop(upstream) end
  end

  lazy_setup(function()
    local ok, err = pcall(function()
      local c = certs.get()
      prefix = os.tmpname()
      os.remove(prefix)
      assert(run("mkdir -p " .. sh_quote(prefix .. "/tmp") .. " " .. sh_quote(prefix .. "/out")))

      upstream = peers.start { "openssl", "s_server", "-accept", "127.0.0.1:{port}",
        "-cert", c.rsa_cert, "-key", c.rsa_key, "-dcert", c.ec_cert, "-dkey", c.ec_key,
        "-www", "-tls1_2", "-cipher", "ALL:@SECLEVEL=1" }
      started.upstream = upstream.pid

      port = peers.free_port()
      -- the config as a user writes it: examples/nginx/conf.lua fills in ${...}
      local ok = run("lua5.4 " .. sh_quote(root .. "/examples/nginx/conf.lua") .. " " .. sh_quote(prefix)
        .. " NGINX_MODULES=" .. sh_quote(nginx_modules()) .. " CAFILE=" .. sh_quote(c.ca)
        .. " PORT=" .. port .. " UPSTREAM_PORT=" .. upstream.port .. " >/dev/null")
      assert(ok, "examples/nginx/conf.lua failed")
      nginx = peers.start({ "nginx", "-p", prefix, "-e", prefix .. "/error.log", "-c", prefix .. "/nginx.conf" },
        { port = port })
      started.nginx = nginx.pid

      local urls = {}
      for i = 1, REQUESTS do
        local r = ROTATION[(i - 1) % #ROTATION + 1]
        urls[i] = string.format("http://127.0.0.1:%d/fetch?i=%d%s", port, i, r[1] and ("&cipher=" .. r[1]) or "")
      end
      fetched = fetch_all(prefix .. "/out", urls, PARALLEL)

      local base = string.format("http://127.0.0.1:%d/probe", port)
      local purls = { base, base .. "?name=nonsense" }
      for _, name in ipairs(probe_files) do purls[#purls + 1] = base .. "?name=" .. name end
      local res = fetch_all(prefix .. "/out", purls, PARALLEL)
      probed = { list = res[1], unknown = res[2], runs = {} }
      for i, name in ipairs(probe_files) do probed.runs[name] = res[i + 2] end

      -- Reload (SIGHUP): the master closes its Lua VM, builds a new one
      -- (which loads tlshs again) and forks a new worker; the old worker
      -- finishes gracefully. Wait until the new VM answers and the old
      -- worker has gone.
      local old_vm = fetched[1].body and fetched[1].body.vm_id
      reloaded_from = fetched[1].body and fetched[1].body.worker_pid
      run("kill -HUP " .. nginx.pid)
      local url = string.format("http://127.0.0.1:%d/fetch", port)
      for _ = 1, 100 do
        local r = fetch_all(prefix .. "/out", { url }, 1)[1]
        if r.body and r.body.vm_id and r.body.vm_id ~= old_vm and not alive(reloaded_from) then break end
        run("sleep 0.05")
      end
      local again = {}
      for i = 1, PARALLEL do again[i] = url .. "?after_reload=" .. i end
      reloaded = fetch_all(prefix .. "/out", again, PARALLEL)
      reloaded.old_vm = old_vm
    end)
    if not ok then
      local log = prefix and read(prefix .. "/error.log") or ""
      stop_all()
      error(tostring(err) .. "\nnginx error.log:\n" .. tostring(log), 0)
    end
  end)

  lazy_teardown(function()
    if os.getenv("TLSHS_KEEP_NGINX_LOG") then io.stderr:write(read(prefix .. "/error.log") or "", "\n") end
    stop_all()
    if prefix then run("rm -rf " .. sh_quote(prefix)) end
  end)

  for i = 1, REQUESTS do
    local r = ROTATION[(i - 1) % #ROTATION + 1]
    local want = r[1] or r.default
    it(string.format("request %d: handshake with %s and fetch the page", i, r[1] or "the default offer"), function()
      local res = fetched[i]
      assert.equal(200, res.status, tostring(res.raw))
      local body = assert(res.body, "no JSON: " .. tostring(res.raw))
      assert.is_true(body.ok)
      assert.equal("TLSv1.2", body.version)
      assert.equal(want, body.cipher_suite)
      assert.is_true(body.ems)
      -- the page s_server -www sent over that connection names the same suite
      assert.matches("^HTTP/1%.0 200 ok", body.page)
      assert.truthy(body.page:find("Cipher is " .. r[2], 1, true), body.page)
    end)
  end

  it("ran the handshakes of concurrent requests interleaved in one worker", function()
    local pids, max = {}, 0
    for _, res in ipairs(fetched) do
      if res.body and res.body.ok then
        pids[res.body.worker_pid] = true
        if res.body.max_in_flight > max then max = res.body.max_in_flight end
      end
    end
    local n = 0
    for pid in pairs(pids) do
      n = n + 1
      assert.are_not.equal(nginx.pid, pid) -- the worker, not the master
    end
    assert.equal(1, n)
    assert.is_true(max >= 2, "at most " .. max .. " handshake(s) in flight at once")
    assert.is_true(max <= PARALLEL)
  end)

  it("GET /probe lists the probes of scripts/probes", function()
    assert.equal(200, probed.list.status, tostring(probed.list.raw))
    local b = assert(probed.list.body, probed.list.raw)
    assert.same(probe_files, b.probes)
  end)

  it("GET /probe?name=<unknown> answers 400 with the probe names", function()
    assert.equal(400, probed.unknown.status)
    local b = assert(probed.unknown.body, probed.unknown.raw)
    assert.is_false(b.ok)
    assert.same(probe_files, b.probes)
  end)

  for _, name in ipairs(probe_files) do
    local want = PROBE_OUTCOMES[name]
    it(string.format("GET /probe?name=%s: s_server does what the probe expects%s", name,
      want and (" (" .. want.kind .. (want.alert and (" " .. want.alert) or "") .. ")") or ""), function()
      local res = probed.runs[name]
      assert.equal(200, res.status, tostring(res.raw))
      local b = assert(res.body, "no JSON: " .. tostring(res.raw))
      assert.equal(name, b.probe)
      -- the probe file's own description, as loaded in init_by_lua
      assert.truthy(read(root .. "/scripts/probes/" .. name .. ".lua"):find(b.description, 1, true), b.description)
      assert.matches("^RFC", b.rfc)
      assert.is_true(b.ok, "expected " .. tostring(b.expected) .. ", observed " .. tostring(b.observed))
      if want then
        assert.equal(want.kind, b.observation.kind)
        assert.equal(want.alert, b.observation.alert)
        if want.alert then assert.equal("fatal", b.observation.level) end
        if want.kind == "completed" then assert.is_string(b.cipher_suite) end
      end
    end)
  end

  it("ran the probes of concurrent requests interleaved", function()
    local max = 0
    for _, name in ipairs(probe_files) do
      local b = probed.runs[name].body
      if b and b.max_in_flight > max then max = b.max_in_flight end
    end
    assert.is_true(max >= 2, "at most " .. max .. " probe(s) in flight at once")
    assert.is_true(max <= PARALLEL)
  end)

  it("still runs handshakes after a reload (SIGHUP: the master closes its Lua VM, opens a new one, forks a new worker)", function()
    assert.is_string(reloaded.old_vm)
    for i = 1, PARALLEL do
      local res = reloaded[i]
      assert.equal(200, res.status, tostring(res.raw))
      local body = assert(res.body, tostring(res.raw))
      assert.is_true(body.ok)
      assert.are_not.equal(reloaded.old_vm, body.vm_id)
      assert.are_not.equal(reloaded_from, body.worker_pid) -- a new worker
      started["nginx worker after reload"] = body.worker_pid
    end
  end)

  it("left nothing worse than a notice in nginx's error log", function()
    local log = read(prefix .. "/error.log") or ""
    local bad = {}
    for line in log:gmatch("[^\n]+") do
      if line:find("%[error%]") or line:find("%[crit%]") or line:find("%[alert%]") or line:find("%[emerg%]")
        or line:find("%[warn%]") then
        bad[#bad + 1] = line
      end
    end
    assert.equal("", table.concat(bad, "\n"))
  end)

  it("is the configuration docs/embedding.md shows", function()
    local doc = assert(read(root .. "/docs/embedding.md"))
    local conf = assert(read(root .. "/examples/nginx/nginx.conf"))
    assert.truthy(doc:find(conf, 1, true), "docs/embedding.md does not contain examples/nginx/nginx.conf verbatim")
  end)

  it("stops nginx (master and workers) and s_server", function()
    assert.is_true(alive(nginx.pid), "nginx's master died before the end")
    local kids = children(nginx.pid)
    assert.equal(1, #kids, "worker processes")
    stop_all()
    nginx, upstream = nil, nil
    for what, pid in pairs(started) do
      local running = true
      for _ = 1, 40 do
        running = alive(pid)
        if not running then break end
        run("sleep 0.05")
      end
      assert.is_false(running, what .. " (pid " .. pid .. ") still runs")
    end
  end)
end)
