# Embedding (issue 7): LuaRocks install and an nginx-lua host.
#   make test-rockspec  luarocks make (offline) for Lua 5.4 and LuaJIT into
#                       temp trees, then require "tlshs" + handshakes from /tmp
#   make test-nginx     Debian's nginx + lua module, tlshs over cosockets to an
#                       openssl s_server: 50 requests, 10 at a time
# Both print "N passed, N failed" and exit non-zero on failure.
DEBIAN_PACKAGES += luarocks nginx libnginx-mod-http-lua libnginx-mod-http-ndk

.PHONY: test-rockspec test-nginx

test-rockspec:
	@sh tests/rockspec/run.sh

# nginx's LuaJIT loads build/luajit/tlshs/core.so; the driver runs under
# Lua 5.4 with LuaSocket (busted, spec/support helpers).
test-nginx: $(MODJIT)
	LUA_PATH="$(TEST_PATH)" LUA_CPATH="/usr/lib/$(MULTIARCH)/lua/5.4/?.so;;" \
	  $(LUA) $(BUSTED) -o spec/support/summary_output.lua $(SPEC_ARGS) tests/nginx
