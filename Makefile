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
LDFLAGS ?=
# What every build of the C module needs, whatever CFLAGS says.
TLSHS_CFLAGS = -std=gnu99 -Wall -Wextra -Wno-unused-parameter -fPIC -DGMP_DESC -Icore/include -Icore/src
LIBS     = -ltomcrypt -lgmp -lsodium -lpsl -lpthread

CORE_SRC := $(wildcard core/src/*.c)
BIND_SRC := $(wildcard lua/*.c)
HEADERS  := $(wildcard core/include/*.h core/src/*.h lua/*.h)

# Each build writes its objects and its tlshs/core.so under its own directory,
# where no other build writes: build/lua5.4 (make), build/luajit (make
# luajit), build/luarocks-<interpreter> (luarocks make, rockspec/), build/asan
# and build/fuzz (mk/robust.mk). Nothing is written into lua/ or core/.
# Scripts (scripts/setup.lua) and specs (LUA_CPATH below) load the module of
# their own interpreter.
MOD54    := build/lua5.4/tlshs/core.so
MODJIT   := build/luajit/tlshs/core.so
CORE_OBJ := $(CORE_SRC:core/src/%.c=build/lua5.4/core/%.o)

# $(call module_build,DIR,LUA_INCDIR,SOURCES): rules for DIR/tlshs/core.so
# from SOURCES (core/src/*.c and lua/*.c), objects in DIR/core and DIR/lua.
module_objects = $(patsubst core/src/%.c,$(1)/core/%.o,$(filter core/src/%,$(2))) \
  $(patsubst lua/%.c,$(1)/lua/%.o,$(filter lua/%,$(2)))
define module_build
$(1)/core/%.o: core/src/%.c $$(HEADERS)
	@mkdir -p $$(@D)
	$$(CC) $$(TLSHS_CFLAGS) $$(CFLAGS) $$(EXTRA_INCDIRS) -c -o $$@ $$<
$(1)/lua/%.o: lua/%.c $$(HEADERS)
	@mkdir -p $$(@D)
	$$(CC) $$(TLSHS_CFLAGS) $$(CFLAGS) $$(EXTRA_INCDIRS) -I$(2) -c -o $$@ $$<
$(1)/tlshs/core.so: $$(call module_objects,$(1),$(3))
	@mkdir -p $$(@D)
	$$(CC) -shared $$(LDFLAGS) -o $$@ $$^ $$(EXTRA_LIBDIRS) $$(LIBS)
endef

DEBIAN_PACKAGES = build-essential pkg-config lua5.4 liblua5.4-dev libtomcrypt-dev libtommath-dev \
  libgmp-dev libsodium-dev libpsl-dev lua-busted lua-socket lua-cqueues lua-argparse lua-dkjson \
  openssl gnutls-bin curl python3 tshark luajit2 libluajit2-5.1-dev

# Specs find lua/ and spec/ first, then busted's own modules (Debian ships
# them for Lua 5.1 only; they are plain Lua and run under 5.4 and LuaJIT).
# Each interpreter loads the C module of its own build.
TEST_PATH  = $(CURDIR)/?.lua;$(CURDIR)/lua/?.lua;$(CURDIR)/lua/?/init.lua;/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua;;
TEST_CPATH54  = $(CURDIR)/build/lua5.4/?.so;/usr/lib/$(MULTIARCH)/lua/5.4/?.so;;
TEST_CPATHJIT = $(CURDIR)/build/luajit/?.so;/usr/lib/$(MULTIARCH)/lua/5.1/?.so;;

# Which specs: `make test SPEC=spec/x_spec.lua` (one or several files or
# directories), or busted options in SPEC_ARGS (`SPEC_ARGS=--pattern=x`, or
# files: `SPEC_ARGS=spec/x_spec.lua`). The directory (spec, tests/nginx) is
# added only when neither SPEC nor SPEC_ARGS names an existing file or dir.
# $(call spec_targets,DEFAULT_DIR)
spec_targets = $(or $(SPEC),$(if $(wildcard $(filter-out -%,$(SPEC_ARGS))),,$(1)))
# The #rockspec specs take minutes: `make test-rockspec` runs them.
BUSTED_ARGS = -o spec/support/summary_output.lua --exclude-tags=rockspec $(SPEC_ARGS) $(call spec_targets,spec)

.PHONY: all luajit test test-luajit deps clean demo
all: $(MOD54)
luajit: $(MODJIT)

$(eval $(call module_build,build/lua5.4,$(LUA_INC),$(CORE_SRC) $(BIND_SRC)))
$(eval $(call module_build,build/luajit,$(LUAJIT_INC),$(CORE_SRC) $(BIND_SRC)))

# Both modules: specs start lua5.4 and luajit processes (scripts, nginx -t).
test: $(MOD54) $(MODJIT)
	LUA_PATH="$(TEST_PATH)" LUA_CPATH="$(TEST_CPATH54)" \
	  $(LUA) $(BUSTED) $(BUSTED_ARGS)

test-luajit: $(MODJIT) $(MOD54)
	LUA_PATH="$(TEST_PATH)" LUA_CPATH="$(TEST_CPATHJIT)" \
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

# (lua/tlshs/core.so and the top-level tlshs link were an older layout.)
clean:
	rm -rf build lua/tlshs/core.so

# Each area adds its own targets (fuzz, bench, nginx, ...) in mk/<area>.mk.
-include mk/*.mk
