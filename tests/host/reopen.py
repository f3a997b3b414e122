"""A host that closes its Lua state and opens another, as nginx does on
reload, while something else in the process keeps using GMP.

    python3 reopen.py LIBLUA MODULE_CPATH [luajit]

Opens a Lua state (LIBLUA: liblua5.4.so or libluajit-5.1.so), loads
tlshs.core from MODULE_CPATH and runs public-key operations (they install
tlshs's GMP memory functions and libtomcrypt's PRNG descriptor), closes the
state, then uses GMP directly (as another library of the host would), and
does it all again in a second state. Prints "ok" lines and exits 0; a
dangling pointer into an unloaded tlshs.core ends it with SIGSEGV instead.
"""
import ctypes
import sys

liblua, cpath = sys.argv[1], sys.argv[2]
lua = ctypes.CDLL(liblua, mode=ctypes.RTLD_GLOBAL)
gmp = ctypes.CDLL("libgmp.so.10")  # held by the "host": stays loaded

lua.luaL_newstate.restype = ctypes.c_void_p
lua.luaL_openlibs.argtypes = [ctypes.c_void_p]
lua.luaL_loadstring.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
lua.lua_close.argtypes = [ctypes.c_void_p]
lua.lua_tolstring.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
lua.lua_tolstring.restype = ctypes.c_char_p
if hasattr(lua, "lua_pcallk"):
    lua.lua_pcallk.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
    pcall = lambda L: lua.lua_pcallk(L, 0, 0, 0, None, None)
else:
    lua.lua_pcall.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int]
    pcall = lambda L: lua.lua_pcall(L, 0, 0, 0)

CHUNK = b"""
package.cpath = %s
local core = require "tlshs.core"
for _, g in ipairs { "x25519", "secp256r1" } do
  local a, b = assert(core.key_exchange(g)), assert(core.key_exchange(g))
  assert(a:agree(b:public()) ~= nil)
end
local dh = assert(core.key_exchange("ffdhe2048"))
assert(#dh:public() == 256)
""" % (b'"' + cpath.encode() + b'"')


def run_state(round_):
    L = lua.luaL_newstate()
    lua.luaL_openlibs(L)
    if lua.luaL_loadstring(L, CHUNK) != 0 or pcall(L) != 0:
        print("not ok - Lua state %d: %s" % (round_, lua.lua_tolstring(L, -1, None).decode()))
        sys.exit(1)
    lua.lua_close(L)
    print("ok - Lua state %d ran key exchanges and was closed" % round_)


def use_gmp(round_):
    # mpz_t is 16 bytes on LP64; the exported names carry GMP's __g prefix.
    z = ctypes.create_string_buffer(64)
    gmp.__gmpz_init(z)
    gmp.__gmpz_set_ui(z, ctypes.c_ulong(3))
    gmp.__gmpz_pow_ui(z, z, ctypes.c_ulong(5000))  # grows: realloc
    gmp.__gmpz_clear(z)                           # frees
    print("ok - GMP used by the host after state %d closed" % round_)


for r in (1, 2):
    run_state(r)
    use_gmp(r)
