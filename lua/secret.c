/*
 * tlshs.secret: bytes that are wiped when collected (premaster, master secret,
 * key block).  Functions that take key material accept a Lua string or a
 * secret; functions that derive a secret from a secret return a secret, so the
 * flows never hold key material in a Lua string they cannot wipe.
 */
#include "binding.h"
#include <stdlib.h>
#include <string.h>

#define SECRET_MT "tlshs.secret"

typedef struct {
    size_t len;
    uint8_t *bytes;
} secret;

static int secret_gc(lua_State *L)
{
    secret *s = (secret *)luaL_checkudata(L, 1, SECRET_MT);
    if (s->bytes) {
        ths_wipe(s->bytes, s->len);
        free(s->bytes);
    }
    s->bytes = NULL;
    s->len = 0;
    return 0;
}

void tlshs_push_secret(lua_State *L, const uint8_t *p, size_t len)
{
    secret *s = (secret *)tlshs_new_object(L, sizeof *s, SECRET_MT);
    s->bytes = (uint8_t *)malloc(len ? len : 1);
    if (!s->bytes)
        luaL_error(L, "tlshs: out of memory");
    if (len)
        memcpy(s->bytes, p, len);
    s->len = len;
}

const uint8_t *tlshs_check_bytes(lua_State *L, int idx, size_t *len)
{
    secret *s = (secret *)luaL_testudata(L, idx, SECRET_MT);
    if (s && !s->bytes)
        tlshs_closed(L, SECRET_MT);   /* a wiped secret is not an empty key */
    if (s) {
        *len = s->len;
        return s->bytes ? s->bytes : (const uint8_t *)"";
    }
    return (const uint8_t *)luaL_checklstring(L, idx, len);
}

int tlshs_is_secret(lua_State *L, int idx)
{
    return luaL_testudata(L, idx, SECRET_MT) != NULL;
}

/* tlshs.secret(bytes) → a secret holding a copy of bytes. */
static int l_secret(lua_State *L)
{
    size_t n;
    const uint8_t *p = tlshs_check_bytes(L, 1, &n);
    tlshs_push_secret(L, p, n);
    return 1;
}

/* tlshs.random_secret(n [, prefix]) → a secret of prefix (public bytes, e.g.
 * the premaster's client_version) followed by n random bytes, drawn straight
 * into it: the random part is never a Lua string (RFC 5246 §7.4.7.1). */
static int l_random_secret(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 1);
    size_t pl = 0, len;
    const char *prefix = luaL_optlstring(L, 2, "", &pl);
    secret *s;
    luaL_argcheck(L, n >= 0 && n <= 4096, 1, "length out of range (0..4096)");
    luaL_argcheck(L, pl <= 4096, 2, "prefix longer than 4096 bytes");
    len = pl + (size_t)n;
    tlshs_push_secret(L, (const uint8_t *)prefix, pl);
    s = (secret *)lua_touserdata(L, -1);
    {
        uint8_t *b = (uint8_t *)malloc(len ? len : 1);
        if (!b)
            return luaL_error(L, "tlshs: out of memory");
        memcpy(b, prefix, pl);
        ths_rng_fill(tlshs_rng(L), b + pl, (size_t)n);
        ths_wipe(s->bytes, s->len);
        free(s->bytes);
        s->bytes = b;
        s->len = len;
    }
    return 1;
}

/* secret:bytes() → the bytes as a Lua string (for key logs and scripts). */
static secret *check_open(lua_State *L)
{
    secret *s = (secret *)luaL_checkudata(L, 1, SECRET_MT);
    if (!s->bytes)
        tlshs_closed(L, SECRET_MT);
    return s;
}

static int secret_bytes(lua_State *L)
{
    secret *s = check_open(L);
    lua_pushlstring(L, (const char *)s->bytes, s->len);
    return 1;
}

/* secret:sub(i [, j]) → a new secret, with string.sub's index rules. */
static int secret_sub(lua_State *L)
{
    secret *s = check_open(L);
    lua_Integer n = (lua_Integer)s->len;
    lua_Integer i = tlshs_check_int(L, 2, -((lua_Integer)1 << 53), (lua_Integer)1 << 53);
    lua_Integer j = tlshs_opt_int(L, 3, -1, -((lua_Integer)1 << 53), (lua_Integer)1 << 53);
    if (i < 0) i = n + i + 1 > 0 ? n + i + 1 : 1;
    if (i == 0) i = 1;
    if (j < 0) j = n + j + 1;
    if (j > n) j = n;
    if (i > j)
        tlshs_push_secret(L, NULL, 0);
    else
        tlshs_push_secret(L, s->bytes + (i - 1), (size_t)(j - i + 1));
    return 1;
}

static int secret_len(lua_State *L)
{
    secret *s = (secret *)luaL_checkudata(L, 1, SECRET_MT);
    lua_pushinteger(L, (lua_Integer)s->len);
    return 1;
}

static int secret_tostring(lua_State *L)
{
    secret *s = (secret *)luaL_checkudata(L, 1, SECRET_MT);
    lua_pushfstring(L, "tlshs.secret (%d bytes)", (int)s->len);
    return 1;
}

void tlshs_open_secret(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"bytes", secret_bytes}, {"sub", secret_sub}, {"len", secret_len}, {"wipe", secret_gc}, {NULL, NULL}};
    tlshs_define_class(L, SECRET_MT, methods, secret_gc);
    luaL_getmetatable(L, SECRET_MT);
    lua_pushcfunction(L, secret_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, secret_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_secret);
    lua_setfield(L, -2, "secret");
    lua_pushcfunction(L, l_random_secret);
    lua_setfield(L, -2, "random_secret");
}
