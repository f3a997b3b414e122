-- Go crypto/tls testdata recordings (spec/vectors/tls12-transcripts/
-- go-crypto-tls): ">>> Flow N (client to server)" then an encoding/hex.Dump
-- of the raw TCP bytes of that flight.
--   go_flows.read(path)    -> { {from = "client"|"server", bytes = ...}, ... }
--   go_flows.records(bytes) -> { {type =, version =, fragment =}, ... }
local helpers = require "spec.helpers"

local go_flows = {}

function go_flows.read(path)
  local flows, cur = {}, nil
  for line in io.lines(path) do
    local who = line:match("^>>> Flow %d+ %((%a+) to %a+%)")
    if who then
      cur = { from = who, parts = {} }
      flows[#flows + 1] = cur
    elseif cur then
      local hex = line:match("^%x%x%x%x%x%x%x%x  (.-)%s*|")
      if hex then cur.parts[#cur.parts + 1] = helpers.unhex(hex) end
    end
  end
  for _, f in ipairs(flows) do
    f.bytes = table.concat(f.parts)
    f.parts = nil
  end
  return flows
end

-- Splits whole TLS records (5-byte headers, RFC 5246 §6.2.1) in plain Lua.
function go_flows.records(bytes)
  local out, i = {}, 1
  while i <= #bytes do
    local len = bytes:byte(i + 3) * 256 + bytes:byte(i + 4)
    local fragment = bytes:sub(i + 5, i + 4 + len)
    assert(#fragment == len, "truncated record")
    out[#out + 1] = { type = bytes:byte(i), version = bytes:byte(i + 1) * 256 + bytes:byte(i + 2), fragment = fragment }
    i = i + 5 + len
  end
  return out
end

return go_flows
