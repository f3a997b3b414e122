# Embedding (issue 7): LuaRocks install and an nginx-lua host.
#   make test-rockspec  luarocks make (offline) for Lua 5.4 and LuaJIT into
#                       temp trees, then require "tlshs" + handshakes from /tmp
#   make test-nginx     Debian's nginx + lua module, tlshs over cosockets to an
#                       openssl s_server: 50 requests, 10 at a time
# Both print "N passed, N failed" and exit non-zero on failure.
DEBIAN_PACKAGES += luarocks nginx libnginx-mod-http-lua libnginx-mod-http-ndk

.PHONY: test-rockspec test-nginx

# Then the #rockspec specs, excluded from `make test` (minutes: they run the
# documented `luarocks make` commands and `make demo` in scratch copies).
ROCKSPEC_SPECS = spec/build_rockspec_spec.lua spec/outside_repo_spec.lua
test-rockspec:
	@rc=0; sh tests/rockspec/run.sh || rc=1; \
	LUA_PATH="$(TEST_PATH)" LUA_CPATH="$(TEST_CPATH54)" \
	  $(LUA) $(BUSTED) -o spec/support/summary_output.lua --tags=rockspec $(SPEC_ARGS) $(or $(SPEC),$(ROCKSPEC_SPECS)) || rc=1; \
	exit $$rc

# nginx's LuaJIT loads build/luajit/tlshs/core.so; the driver runs under
# Lua 5.4 with LuaSocket (busted, spec/support helpers).
test-nginx: $(MODJIT)
	LUA_PATH="$(TEST_PATH)" LUA_CPATH="/usr/lib/$(MULTIARCH)/lua/5.4/?.so;;" \
	  $(LUA) $(BUSTED) -o spec/support/summary_output.lua $(SPEC_ARGS) $(call spec_targets,tests/nginx)

# ---- luarocks make (rockspec/tlshs-scm-1.rockspec, build.type = "make") ----
# LuaRocks runs `make rock ROCK_LUA=<interpreter> LUA_INCDIR=... CFLAGS=...
# ROCK_SOURCES="<the rockspec's list>"`, then `make rock-install LIBDIR=...
# LUADIR=... BINDIR=...` (LuaRocks installs the Lua modules itself). The
# objects and tlshs/core.so go to build/luarocks-<interpreter>/, one directory
# per interpreter, where no other build writes: nothing lands in core/ or lua/.
# Only the Lua 5.4 rock installs bin/tlshs-busted (busted under Lua 5.4;
# LuaRocks wraps it with the tree's paths): both rocks share a tree's bin/.
ROCK_LUA      ?= $(LUA)
ROCK_DIR       = build/luarocks-$(notdir $(ROCK_LUA))
ROCK_SOURCES  ?= $(CORE_SRC) $(BIND_SRC)
LUA_INCDIR    ?= $(LUA_INC)
.PHONY: rock rock-install
$(eval $(call module_build,$(ROCK_DIR),$(LUA_INCDIR),$(ROCK_SOURCES)))

rock: $(ROCK_DIR)/tlshs/core.so

rock-install: $(ROCK_DIR)/tlshs/core.so
	@test -n "$(LIBDIR)" -a -n "$(LUADIR)" || { echo "rock-install: LIBDIR and LUADIR come from luarocks"; exit 2; }
	mkdir -p "$(LIBDIR)/tlshs" "$(LUADIR)/tlshs/probes" "$(LUADIR)/tlshs/client_probes"
	cp $(ROCK_DIR)/tlshs/core.so "$(LIBDIR)/tlshs/core.so"
	cp scripts/probes/*.lua "$(LUADIR)/tlshs/probes/"
	cp scripts/client_probes/*.lua "$(LUADIR)/tlshs/client_probes/"
	if [ "$(notdir $(ROCK_LUA))" = lua5.4 ]; then mkdir -p "$(BINDIR)" && cp bin/tlshs-busted "$(BINDIR)/"; fi
