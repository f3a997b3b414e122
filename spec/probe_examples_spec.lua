-- The example spec of examples/specs/ runs in the suite as it is shipped
-- (loaded into this file's environment, where busted's describe/it live).
local helpers = require "spec.helpers"
local path = helpers.root .. "/examples/specs/openssl_server_spec.lua"
local chunk
if setfenv then
  chunk = assert(loadfile(path))
  setfenv(chunk, getfenv(1))
else
  chunk = assert(loadfile(path, "t", _ENV))
end
chunk()
