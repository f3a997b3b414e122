-- Placeholder main job: proves the module loads from a script.
local root = (arg and arg[0] or ""):match("^(.*)/scripts/[^/]*$") or "."
package.path = root .. "/lua/?.lua;" .. root .. "/lua/?/init.lua;" .. package.path
package.cpath = root .. "/lua/?.so;" .. package.cpath
local tlshs = require "tlshs"
print("tlshs loaded; 8 random bytes:", (tlshs.random(8):gsub(".", function(c) return string.format("%02x", c:byte()) end)))
