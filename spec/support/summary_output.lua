-- busted output handler: busted's usual terminal output, then one plain line
-- "N passed, N failed, N skipped": errors (a spec file that does not load, an
-- error outside an assertion) count as failed, pending tests as skipped.
-- If TLSHS_SUMMARY names a file, the three numbers are appended to it as one
-- line "P F S", then one line "skipped <file>: <test name>" per skipped test,
-- so that .ci/run can add up several runs (Lua 5.4, LuaJIT, ...) and refuse
-- skips it does not allow by name.
return function(options)
  local busted = require "busted"
  local handler = require "busted.outputHandlers.utfTerminal"(options)

  local function where(p)
    local trace = p.trace or (p.element and p.element.trace) or {}
    local file = trace.short_src or trace.source or "?"
    return (tostring(file):gsub("^@", ""):gsub("^%./", ""))
  end

  busted.subscribe({ "suite", "end" }, function()
    local passed = handler.successesCount
    local failed = handler.failuresCount + handler.errorsCount
    local skipped = handler.pendingsCount
    io.write(string.format("\n%d passed, %d failed, %d skipped\n", passed, failed, skipped))
    local file = os.getenv("TLSHS_SUMMARY")
    if file and file ~= "" then
      local f = assert(io.open(file, "a"))
      f:write(passed, " ", failed, " ", skipped, "\n")
      for _, p in ipairs(handler.pendings) do
        f:write("skipped ", where(p), ": ", (tostring(p.name):gsub("\n", " ")), "\n")
      end
      f:close()
    end
    return nil, true
  end)

  return handler
end
