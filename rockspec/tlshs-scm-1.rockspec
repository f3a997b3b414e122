-- LuaRocks package of tlshs: `luarocks make rockspec/tlshs-scm-1.rockspec`
-- from the repository root (builds offline: nothing is downloaded).
--
-- build.type is "make", not "builtin": the builtin backend compiles in place
-- (objects beside the sources, tlshs/core.so at the top of the working copy),
-- where one interpreter's build overwrites another's. The Makefile's `rock`
-- target (mk/embed.mk) builds the C sources listed below into
-- build/luarocks-<interpreter>/ instead, a directory no other build writes;
-- `rock-install` copies that tlshs/core.so, the probe files (modules
-- tlshs.probes.* and tlshs.client_probes.*, which tlshs.spec finds with
-- package.searchpath) and, for Lua 5.4 only, bin/tlshs-busted (the one
-- command that runs a user's busted specs under Lua 5.4); the Lua modules are
-- installed by LuaRocks from build.install.
--
-- Every C source and Lua module is listed by hand: spec/embed_rockspec_spec.lua
-- fails when a file of core/src, lua/ or lua/tlshs/ is missing here (or
-- listed here but gone).
rockspec_format = "3.0"
package = "tlshs"
version = "scm-1"

source = {
   -- No public repository yet; `luarocks make` builds the working copy and
   -- never fetches this.
   url = "git+file:///dev/null/tlshs.git",
}

description = {
   license = "MIT",
   summary = "A scriptable TLS 1.2 handshake engine: C primitives, Lua flows",
   detailed = [[
tlshs exposes every TLS 1.2 handshake primitive of a C core (crypto from
libtomcrypt with GMP and libsodium) to Lua, and composes them in Lua into
client and server flows that a script can change step by step. Runs under
Lua 5.4 and LuaJIT (OpenResty cosockets work as transports).
]],
}

dependencies = {
   "lua >= 5.1, < 5.5",
}

external_dependencies = {
   TOMCRYPT = { header = "tomcrypt.h", library = "tomcrypt" },
   SODIUM = { header = "sodium.h", library = "sodium" },
   -- No header check for GMP: Debian (and Ubuntu) install gmp.h in the
   -- multiarch directory /usr/include/<triplet>/, which LuaRocks 3.8 does not
   -- search (so `header = "gmp.h"` fails there although the compiler finds it).
   -- Elsewhere pass GMP_DIR or GMP_INCDIR if gmp.h is not in a default path.
   GMP = { library = "gmp" },
   PSL = { header = "libpsl.h", library = "psl" },   -- Debian: libpsl-dev
}

-- The C module tlshs.core: every core/src/*.c and lua/*.c.
local sources = {
            "core/src/buf.c",
            "core/src/der.c",
            "core/src/dh.c",
            "core/src/dh_kx.c",
            "core/src/ecdh.c",
            "core/src/error.c",
            "core/src/ext_desc.c",
            "core/src/hash.c",
            "core/src/hkdf.c",
            "core/src/hmac.c",
            "core/src/hostname.c",
            "core/src/init.c",
            "core/src/msg_desc.c",
            "core/src/msg_walk.c",
            "core/src/names.c",
            "core/src/names_suites.c",
            "core/src/oid.c",
            "core/src/pem.c",
            "core/src/pkey.c",
            "core/src/pkey_ec.c",
            "core/src/pkey_init.c",
            "core/src/pkey_private.c",
            "core/src/prf.c",
            "core/src/reassembler.c",
            "core/src/rec_cbc.c",
            "core/src/rec_chapol.c",
            "core/src/rec_common.c",
            "core/src/rec_gcm.c",
            "core/src/rec_hmac.c",
            "core/src/rec_null.c",
            "core/src/record_header.c",
            "core/src/rng.c",
            "core/src/rsa.c",
            "core/src/sig.c",
            "core/src/sig_ecdsa.c",
            "core/src/ticket.c",
            "core/src/x25519.c",
            "core/src/x509_ext.c",
            "core/src/x509_name.c",
            "core/src/x509_parse.c",
            "core/src/x509_sig.c",
            "core/src/x509_verify.c",
            "lua/bind_crypto.c",
            "lua/bind_crypto_hash.c",
            "lua/bind_crypto_kx.c",
            "lua/bind_crypto_pkey.c",
            "lua/bind_keylog.c",
            "lua/bind_msg.c",
            "lua/bind_msg_record.c",
            "lua/bind_record.c",
            "lua/bind_ticket.c",
            "lua/bind_x509.c",
            "lua/bind_x509_verify.c",
            "lua/secret.c",
            "lua/tlshs.c",
}

-- The list as one word list for make (the rockspec environment is empty:
-- no table.concat).
local function words(list)
   local s = ""
   for i = 1, #list do s = s .. (i > 1 and " " or "") .. list[i] end
   return s
end

build = {
   type = "make",
   build_target = "rock",
   build_variables = {
      ROCK_SOURCES = words(sources),
      ROCK_LUA = "$(LUA)",
      LUA_INCDIR = "$(LUA_INCDIR)",
      CFLAGS = "$(CFLAGS)",
      EXTRA_INCDIRS = "-I$(TOMCRYPT_INCDIR) -I$(SODIUM_INCDIR) -I$(GMP_INCDIR) -I$(PSL_INCDIR)",
      EXTRA_LIBDIRS = "-L$(TOMCRYPT_LIBDIR) -L$(SODIUM_LIBDIR) -L$(GMP_LIBDIR) -L$(PSL_LIBDIR)",
   },
   install_target = "rock-install",
   install_variables = {
      ROCK_LUA = "$(LUA)",
      LIBDIR = "$(LIBDIR)",
      LUADIR = "$(LUADIR)",
      BINDIR = "$(BINDIR)",
   },
   install = {
      lua = {
      ["tlshs.client"] = "lua/tlshs/client.lua",
      ["tlshs.credentials"] = "lua/tlshs/credentials.lua",
      ["tlshs.expect"] = "lua/tlshs/expect.lua",
      ["tlshs.flow"] = "lua/tlshs/flow.lua",
      ["tlshs"] = "lua/tlshs/init.lua",
      ["tlshs.keys"] = "lua/tlshs/keys.lua",
      ["tlshs.loop"] = "lua/tlshs/loop.lua",
      ["tlshs.negotiate"] = "lua/tlshs/negotiate.lua",
      ["tlshs.options"] = "lua/tlshs/options.lua",
      ["tlshs.probe"] = "lua/tlshs/probe.lua",
      ["tlshs.process"] = "lua/tlshs/process.lua",
      ["tlshs.record_layer"] = "lua/tlshs/record_layer.lua",
      ["tlshs.server"] = "lua/tlshs/server.lua",
      ["tlshs.sessions"] = "lua/tlshs/sessions.lua",
      ["tlshs.spec"] = "lua/tlshs/spec.lua",
      ["tlshs.suites"] = "lua/tlshs/suites.lua",
      ["tlshs.trace"] = "lua/tlshs/trace.lua",
      ["tlshs.transcript"] = "lua/tlshs/transcript.lua",
      ["tlshs.transport"] = "lua/tlshs/transport.lua",
      },
   },
}

test = {
   type = "busted",
}
