-- Options tables, checked against a schema: an unknown key or a value of the
-- wrong type is the script's mistake, so it raises at once, naming the key
-- and what it wants (DESIGN: misuse raises, naming the valid choices; only
-- peer input returns nil, alert, detail). A typo that is silently ignored
-- makes a broken test look like a finding.
--
--   local CLIENT = options.schema("tlshs.client.wrap", {
--     servername = "string",                        -- a Lua type name
--     cert = "string|table|userdata",               -- one of several
--     ciphers = options.list_of(names.suite),       -- a list of checked values
--     verify_client = options.one_of("request", "require"),
--   })
--   CLIENT:check(opts)          -- raises, or returns opts
--
-- Adding an option is one line in its schema (schema:add(key, spec) from
-- elsewhere). A spec is a type name, several joined by "|", or a checker:
-- {describe = "text", check = function(value) -> nil | "why not"}.
local options = {}

local function type_checker(spec)
  local wanted = {}
  for t in spec:gmatch("[^|]+") do wanted[t] = true end
  return {
    describe = spec:gsub("|", " or "),
    check = function(v)
      if wanted.any or wanted[type(v)] then return nil end
      return "must be a " .. spec:gsub("|", " or ") .. ", got " .. type(v)
    end,
  }
end

-- A checker from a spec (a type name, "a|b", or a checker table).
function options.checker(spec)
  if type(spec) == "string" then return type_checker(spec) end
  assert(type(spec) == "table" and type(spec.check) == "function", "tlshs.options: a spec is a type name or a checker")
  return spec
end

local function quoted(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = type(v) == "string" and string.format("%q", v) or tostring(v) end
  return table.concat(out, ", ")
end

-- One of the given values (strings, numbers or booleans).
function options.one_of(...)
  local values = { ... }
  local set = {}
  for _, v in ipairs(values) do set[v] = true end
  return {
    describe = "one of " .. quoted(values),
    check = function(v)
      if set[v] ~= nil then return nil end
      return "must be one of " .. quoted(values) .. ", got " .. (type(v) == "string" and string.format("%q", v) or tostring(v))
    end,
  }
end

-- A list (a table with entries 1..n and no other keys), each entry checked.
function options.list_of(spec)
  local item = options.checker(spec)
  return {
    describe = "a list of " .. item.describe,
    check = function(v)
      if type(v) ~= "table" then return "must be a list of " .. item.describe .. ", got " .. type(v) end
      local n = #v
      for k in pairs(v) do
        if type(k) ~= "number" or k < 1 or k > n or k % 1 ~= 0 then
          return "must be a list of " .. item.describe .. ", has key " .. tostring(k)
        end
      end
      for i = 1, n do
        local why = item.check(v[i])
        if why then return string.format("[%d]: %s", i, why) end
      end
    end,
  }
end

-- Any of several specs ("a function or a list of names").
function options.either(...)
  local list = {}
  for i, s in ipairs({ ... }) do list[i] = options.checker(s) end
  local parts = {}
  for i, c in ipairs(list) do parts[i] = c.describe end
  local describe = table.concat(parts, " or ")
  return {
    describe = describe,
    check = function(v)
      local first
      for _, c in ipairs(list) do
        local why = c.check(v)
        if not why then return nil end
        first = first or why
      end
      -- one message that says what fits
      if #list == 1 then return first end
      return "must be " .. describe .. ", got " .. (type(v) == "table" and "a table that is neither" or type(v))
    end,
  }
end

-- A named value out of a set given by lookup(v) -> true | nil, why.
function options.named(describe, lookup)
  return {
    describe = describe,
    check = function(v)
      local ok, why = lookup(v)
      if ok then return nil end
      return why
    end,
  }
end

-- Names tlshs supports, from the IANA tables (C core): a wrong one raises
-- naming the supported ones.
options.suite = options.named("a cipher suite name (IANA)", function(v)
  return require("tlshs.suites").check(v)
end)
options.group = options.named("a group name", function(v)
  return require("tlshs.negotiate").check("groups", v)
end)
options.signature_scheme = options.named("a signature scheme name", function(v)
  return require("tlshs.negotiate").check("signature_schemes", v)
end)

-- The string keys of a name table (core.names.alerts, a flow's branches,
-- ...), sorted: the valid choices an error message lists.
function options.sorted_names(t)
  local out = {}
  for k in pairs(t) do if type(k) == "string" then out[#out + 1] = k end end
  table.sort(out)
  return out
end

local Schema = {}
Schema.__index = Schema

-- name: what the options belong to (used in messages, e.g. "tlshs.client.wrap");
-- fields: key -> spec.
function options.schema(name, fields)
  local self = setmetatable({ name = name, fields = {} }, Schema)
  for k, spec in pairs(fields) do self:add(k, spec) end
  return self
end

function Schema:add(key, spec)
  self.fields[key] = options.checker(spec)
  return self
end

-- A new schema with every key of this one and of `more` (key -> spec).
function Schema:extend(name, more)
  local s = options.schema(name, {})
  for k, c in pairs(self.fields) do s.fields[k] = c end
  for k, spec in pairs(more or {}) do s:add(k, spec) end
  return s
end

function Schema:keys()
  local keys = {}
  for k in pairs(self.fields) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- Raises (at the caller of the function that called check, by default) on
-- the first unknown key or wrong value, sorted by key; returns opts. nil
-- stands for an empty table.
function Schema:check(opts, level)
  level = (level or 2) + 1
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    error(self.name .. ": options must be a table, got " .. type(opts), level)
  end
  local keys = {}
  for k in pairs(opts) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    local c = self.fields[k]
    if not c then
      error(string.format("%s: unknown option %s; options are: %s", self.name,
        type(k) == "string" and ("'" .. k .. "'") or tostring(k), table.concat(self:keys(), ", ")), level)
    end
    local why = c.check(opts[k])
    if why then error(string.format("%s: option '%s' %s", self.name, k, why), level) end
  end
  return opts
end

return options
