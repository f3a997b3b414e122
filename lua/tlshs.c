/* luaopen_tlshs_core: the C module under `require "tlshs"` (lua/tlshs/init.lua). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr, RTLD_NODELETE */
#endif
#include "binding.h"
#include <dlfcn.h>
#include <string.h>

#define RNG_KEY "tlshs.rng"

int tlshs_push_fail(lua_State *L, int code, const ths_error *err)
{
    const char *name = NULL;
    lua_pushnil(L);
    if (code > 0 && code < 256)
        name = ths_alert_name(code);
    else if (code == THS_ERR_NEED_MORE)
        name = "need_more";
    lua_pushstring(L, name ? name : "internal_error");
    lua_pushstring(L, err && err->detail[0] ? err->detail : (name ? name : "internal error"));
    return 3;
}

void *tlshs_new_object(lua_State *L, size_t size, const char *metatable)
{
    void *p = lua_newuserdata(L, size);
    memset(p, 0, size);
    luaL_getmetatable(L, metatable);
    lua_setmetatable(L, -2);
    return p;
}

void tlshs_define_class(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction gc)
{
    if (luaL_newmetatable(L, name)) {
        lua_newtable(L);
        luaL_setfuncs(L, methods, 0);
        lua_setfield(L, -2, "__index");
        if (gc) {
            lua_pushcfunction(L, gc);
            lua_setfield(L, -2, "__gc");
        }
        lua_pushstring(L, name);
        lua_setfield(L, -2, "__name");
    }
    lua_pop(L, 1);
}

ths_rng *tlshs_rng(lua_State *L)
{
    ths_rng *rng;
    lua_getfield(L, LUA_REGISTRYINDEX, RNG_KEY);
    rng = (ths_rng *)lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!rng) {
        rng = (ths_rng *)lua_newuserdata(L, sizeof *rng);
        ths_rng_init_system(rng);
        lua_setfield(L, LUA_REGISTRYINDEX, RNG_KEY);
    }
    return rng;
}

/* tlshs.set_random(seed) — 32-byte seed: every later random byte of this Lua
 * state comes from a deterministic stream; nil returns to system randomness. */
static int l_set_random(lua_State *L)
{
    ths_rng *rng = tlshs_rng(L);
    if (lua_isnoneornil(L, 1)) {
        ths_rng_init_system(rng);
    } else {
        size_t n;
        const char *seed = luaL_checklstring(L, 1, &n);
        luaL_argcheck(L, n == 32, 1, "seed must be 32 bytes");
        ths_rng_init_seeded(rng, (const uint8_t *)seed);
    }
    return 0;
}

/* tlshs.random(n) → n random bytes from this state's generator. */
static int l_random(lua_State *L)
{
    lua_Integer n = tlshs_check_int(L, 1, 0, 1 << 20);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    while (n > 0) {
        size_t k = (size_t)n < LUAL_BUFFERSIZE ? (size_t)n : LUAL_BUFFERSIZE;
        char *p = luaL_prepbuffer(&b);
        ths_rng_fill(tlshs_rng(L), (uint8_t *)p, k);
        luaL_addsize(&b, k);
        n -= (lua_Integer)k;
    }
    luaL_pushresult(&b);
    return 1;
}

/* Keeps this shared object loaded for the life of the process. Its
 * one-time set-up leaves pointers to its code in process-wide places: GMP's
 * memory functions (core/src/pkey_init.c) and libtomcrypt's PRNG table. Lua
 * dlcloses C modules when a state is closed (lua_close; nginx does it on
 * every reload), after which any GMP user of the process, or the next state
 * loading tlshs, would call into unmapped code. RTLD_NODELETE pins it;
 * RTLD_NOLOAD only finds the copy already loaded. docs/embedding.md. */
static void pin_module(void)
{
    Dl_info info;
    if (dladdr((void *)&pin_module, &info) && info.dli_fname)
        (void)dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
}

int luaopen_tlshs_core(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"set_random", l_set_random},
        {"random", l_random},
        {NULL, NULL}};
    pin_module();
    if (ths_init() != THS_OK)
        return luaL_error(L, "tlshs: cannot initialise libsodium/libtomcrypt");
    lua_newtable(L);
    luaL_setfuncs(L, functions, 0);
    tlshs_open_secret(L);
    tlshs_open_msg(L);
    tlshs_open_crypto(L);
    tlshs_open_record(L);
    tlshs_open_x509(L);
    tlshs_open_ticket(L);
    tlshs_open_keylog(L);
    return 1;
}
