/* For spec/hostile_spec.lua (built and loaded by spec/support/malloc_in_use.lua,
 * not part of tlshs): the bytes glibc's malloc has handed out and not taken
 * back, small blocks and mmapped ones (mallinfo2: uordblks + hblkhd).  Lua
 * allocates through realloc, so this counts the Lua heap and every C
 * allocation (libtomcrypt, GMP, libsodium, the core) alike, and unlike the
 * resident size it does not move when malloc keeps or returns free pages.
 * in_use(true) first gives free pages back to the system (malloc_trim), so
 * that a resident size read next shows live memory, not fragmentation. */
#include <malloc.h>
#include <lua.h>

static int in_use(lua_State *L)
{
    struct mallinfo2 mi;
    if (lua_toboolean(L, 1))
        malloc_trim(0);
    mi = mallinfo2();
    lua_pushnumber(L, (lua_Number)(mi.uordblks + mi.hblkhd));
    return 1;
}

int luaopen_malloc_in_use(lua_State *L)
{
    lua_pushcfunction(L, in_use);
    return 1;
}
