# Probes and variants (docs/variants.md). `make test` already runs the probe
# specs (spec/probe*_spec.lua, spec/variants_spec.lua) and the example spec
# (through spec/probe_examples_spec.lua). `make test-examples` runs the
# example specs of examples/specs/ alone, as a user would, under Lua 5.4 and
# LuaJIT; it prints "N passed, N failed".
.PHONY: test-examples
test-examples: $(MOD54) $(MODJIT)
	LUA_PATH="$(TEST_PATH)" LUA_CPATH="$(TEST_CPATH54)" \
	  $(LUA) $(BUSTED) -o spec/support/summary_output.lua examples/specs
	LUA_PATH="$(TEST_PATH)" LUA_CPATH="$(TEST_CPATHJIT)" \
	  $(LUAJIT) $(BUSTED) -o spec/support/summary_output.lua examples/specs
