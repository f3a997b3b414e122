/* The few Lua 5.2+ API calls the binding uses, provided for Lua 5.1 / LuaJIT. */
#ifndef TLSHS_COMPAT_H
#define TLSHS_COMPAT_H

#include <lauxlib.h>
#include <lua.h>

#if LUA_VERSION_NUM < 502
#define lua_rawlen(L, i) lua_objlen((L), (i))
#endif

/* LuaJIT 2.1 has these already (and defines luaL_newlib); plain Lua 5.1 does not. */
#if LUA_VERSION_NUM < 502 && !defined(luaL_newlib)

static inline void luaL_setfuncs(lua_State *L, const luaL_Reg *l, int nup)
{
    luaL_checkstack(L, nup + 1, "too many upvalues");
    for (; l->name; l++) {
        int i;
        for (i = 0; i < nup; i++)
            lua_pushvalue(L, -nup);
        lua_pushcclosure(L, l->func, nup);
        lua_setfield(L, -(nup + 2), l->name);
    }
    lua_pop(L, nup);
}

#define luaL_newlib(L, l) (lua_newtable(L), luaL_setfuncs((L), (l), 0))

static inline void *luaL_testudata(lua_State *L, int i, const char *tname)
{
    void *p = lua_touserdata(L, i);
    if (p && lua_getmetatable(L, i)) {
        luaL_getmetatable(L, tname);
        if (!lua_rawequal(L, -1, -2))
            p = NULL;
        lua_pop(L, 2);
        return p;
    }
    return NULL;
}
#endif

#endif
