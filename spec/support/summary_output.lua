-- busted output handler: busted's usual terminal output, then one plain line
-- "N passed, N failed" (errors count as failures; pending tests are skipped).
-- If TLSHS_SUMMARY names a file, the two numbers are appended to it so that
-- .ci/run can add up several runs (Lua 5.4, LuaJIT, ...).
return function(options)
  local busted = require "busted"
  local handler = require "busted.outputHandlers.utfTerminal"(options)

  busted.subscribe({ "suite", "end" }, function()
    local passed = handler.successesCount
    local failed = handler.failuresCount + handler.errorsCount
    io.write(string.format("\n%d passed, %d failed, %d skipped\n", passed, failed, handler.pendingsCount))
    local file = os.getenv("TLSHS_SUMMARY")
    if file and file ~= "" then
      local f = assert(io.open(file, "a"))
      f:write(passed, " ", failed, "\n")
      f:close()
    end
    return nil, true
  end)

  return handler
end
