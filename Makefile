# tlshs — build, test and set-up.  `make deps` (as root) installs what the
# project needs from Debian; `make` builds the module for Lua 5.4;
# `make test` runs every spec under Lua 5.4, `make test-luajit` under LuaJIT.

LUA        ?= lua5.4
LUAJIT     ?= luajit
LUA_INC    ?= /usr/include/lua5.4
LUAJIT_INC ?= /usr/include/luajit-2.1
BUSTED     ?= /usr/bin/busted
MULTIARCH  := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu99 -Wall -Wextra -Wno-unused-parameter -fPIC -DGMP_DESC -Icore/include -Icore/src
LDFLAGS ?=
LIBS     = -ltomcrypt -lgmp -lsodium -lpsl -lpthread

CORE_SRC := $(wildcard core/src/*.c)
BIND_SRC := $(wildcard lua/*.c)
HEADERS  := $(wildcard core/include/*.h core/src/*.h lua/*.h)
CORE_OBJ := $(CORE_SRC:core/src/%.c=build/core/%.o)
MOD54    := lua/tlshs/core.so
MODJIT   := build/luajit/tlshs/core.so

DEBIAN_PACKAGES = build-essential pkg-config lua5.4 liblua5.4-dev libtomcrypt-dev libtommath-dev \
  libgmp-dev libsodium-dev libpsl-dev lua-busted lua-socket lua-cqueues lua-argparse lua-dkjson \
  openssl gnutls-bin curl python3 tshark luajit2 libluajit2-5.1-dev

# Specs find lua/ and spec/ first, then busted's own modules (Debian ships
# them for Lua 5.1 only; they are plain Lua and run under 5.4 and LuaJIT).
TEST_PATH = $(CURDIR)/?.lua;$(CURDIR)/lua/?.lua;$(CURDIR)/lua/?/init.lua;/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua;;
BUSTED_ARGS = -o spec/support/summary_output.lua $(SPEC_ARGS) spec

.PHONY: all luajit test test-luajit deps clean demo
all: $(MOD54)
luajit: $(MODJIT)

build/core/%.o: core/src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

build/lua5.4/%.o: lua/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(LUA_INC) -c -o $@ $<

build/luajit/%.o: lua/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(LUAJIT_INC) -c -o $@ $<

$(MOD54): $(CORE_OBJ) $(BIND_SRC:lua/%.c=build/lua5.4/%.o)
	$(CC) -shared $(LDFLAGS) -o $@ $^ $(LIBS)

$(MODJIT): $(CORE_OBJ) $(BIND_SRC:lua/%.c=build/luajit/%.o)
	@mkdir -p $(@D)
	$(CC) -shared $(LDFLAGS) -o $@ $^ $(LIBS)

test: $(MOD54)
	LUA_PATH="$(TEST_PATH)" LUA_CPATH="$(CURDIR)/lua/?.so;/usr/lib/$(MULTIARCH)/lua/5.4/?.so;;" \
	  $(LUA) $(BUSTED) $(BUSTED_ARGS)

test-luajit: $(MODJIT)
	LUA_PATH="$(TEST_PATH)" LUA_CPATH="$(CURDIR)/build/luajit/?.so;/usr/lib/$(MULTIARCH)/lua/5.1/?.so;;" \
	  $(LUAJIT) $(BUSTED) $(BUSTED_ARGS)

# The main job: a full handshake between our client and server, traced.
demo: $(MOD54)
	LUA=$(LUA) bash scripts/demo.sh $(ARGS)

# Idempotent: installs only what is missing.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else echo "all Debian packages present"; fi

clean:
	rm -rf build $(MOD54)

# Each area adds its own targets (fuzz, bench, nginx, ...) in mk/<area>.mk.
-include mk/*.mk
