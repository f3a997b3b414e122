/* Benchmark helper (not part of the tlshs module): the bytes glibc's malloc
 * has handed out and not taken back (mallinfo2().uordblks), so
 * bench/handshake.lua --memory can count C allocations (libtomcrypt, GMP,
 * libsodium, our core) together with the Lua heap (Lua allocates through
 * realloc).  Built by `make bench` as bench/mallinfo.so for Lua 5.4. */
#include <malloc.h>
#include <lua.h>
#include <lauxlib.h>

static int in_use(lua_State *L)
{
    struct mallinfo2 mi = mallinfo2();
    lua_pushnumber(L, (lua_Number)mi.uordblks);
    return 1;
}

int luaopen_mallinfo(lua_State *L)
{
    lua_newtable(L);
    lua_pushcfunction(L, in_use);
    lua_setfield(L, -2, "in_use");
    return 1;
}
