/* Lua binding: tlshs.key_exchange — X25519, ECDH P-256/P-384, RFC 7919
 * ffdhe groups and server-chosen DH.  The ths_kx (with the private value)
 * lives in the userdata and is wiped by __gc (ths_kx_free). */
#include "bind_crypto.h"
#include "ths_crypto.h"
#include <string.h>

#define KX_MT "tlshs.kx"

/* Optional byte-string field of the opts table at idx.  The value is LEFT
 * ON THE STACK (the caller's settop drops it): an __index metamethod may
 * return a fresh string that nothing else references, and a later
 * getfield may run the collector. */
static const uint8_t *opt_bytes(lua_State *L, int idx, const char *field, size_t *len)
{
    *len = 0;
    if (lua_isnoneornil(L, idx))
        return NULL;
    lua_getfield(L, idx, field);
    if (lua_isnil(L, -1))
        return NULL;
    if (lua_type(L, -1) != LUA_TSTRING && !tlshs_is_secret(L, -1))
        luaL_error(L, "opts.%s must be a byte string", field);
    return tlshs_check_bytes(L, lua_gettop(L), len);
}

/* tlshs.key_exchange(group [, opts]) → kx | nil, alert, detail */
static int l_key_exchange(lua_State *L)
{
    const char *name = tlshs_check_name(L, 1);
    ths_kx_group g = ths_kx_from_name(name);
    size_t pl, gl, xl;
    const uint8_t *p, *gen, *priv;
    ths_error err = {0, ""};
    ths_kx *kx;
    int rc;

    if (g == THS_KX_NONE)
        return luaL_argerror(L, 1, lua_pushfstring(L, "unknown group '%s'", name));
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    p = opt_bytes(L, 2, "p", &pl);
    gen = opt_bytes(L, 2, "g", &gl);
    priv = opt_bytes(L, 2, "private", &xl);
    if (g == THS_KX_DH && (!p || !gen))
        return luaL_error(L, "tlshs.key_exchange: group 'dh' needs opts.p and opts.g");
    kx = (ths_kx *)tlshs_new_object(L, sizeof *kx, KX_MT);
    rc = ths_kx_init(kx, g, p, pl, gen, gl, priv, xl, tlshs_rng(L), &err);
    if (rc == THS_ERR_ARG)
        return luaL_error(L, "tlshs.key_exchange: %s", err.detail);
    if (rc)
        return tlshs_crypto_fail(L, rc, &err);
    return 1;
}

static ths_kx *check_kx(lua_State *L)
{
    ths_kx *kx = (ths_kx *)luaL_checkudata(L, 1, KX_MT);
    if (kx->group == THS_KX_NONE)   /* wiped by __gc */
        tlshs_closed(L, KX_MT);
    return kx;
}

static int kx_public(lua_State *L)
{
    ths_kx *kx = check_kx(L);
    lua_pushlstring(L, (const char *)kx->pub, kx->publen);
    return 1;
}

/* kx:agree(peer_public) → tlshs.secret | nil, "illegal_parameter", detail */
static int kx_agree(lua_State *L)
{
    ths_kx *kx = check_kx(L);
    size_t n, ol = 0;
    const uint8_t *peer = (const uint8_t *)luaL_checklstring(L, 2, &n);
    uint8_t out[THS_KX_MAX_P];
    ths_error err = {0, ""};
    int rc = ths_kx_agree(kx, peer, n, out, &ol, &err);
    if (rc)
        return tlshs_crypto_fail(L, rc, &err);
    tlshs_push_secret(L, out, ol);
    ths_wipe(out, sizeof out);
    return 1;
}

static int kx_group(lua_State *L)
{
    lua_pushstring(L, ths_kx_name(check_kx(L)->group));
    return 1;
}

/* DH only: kx:params() → p, g (big-endian bytes) */
static int kx_params(lua_State *L)
{
    ths_kx *kx = check_kx(L);
    if (kx->group < THS_KX_FFDHE2048) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushlstring(L, (const char *)kx->p, kx->plen);
    lua_pushlstring(L, (const char *)kx->g, kx->glen);
    return 2;
}

static int kx_gc(lua_State *L)
{
    ths_kx_free((ths_kx *)luaL_checkudata(L, 1, KX_MT));
    return 0;
}

/* tlshs._dh_prime_tests() → safe-prime tests run so far (test-only: shows
 * the per-prime cache at work). */
static int l_dh_prime_tests(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)ths_dh_prime_test_count());
    return 1;
}

void tlshs_open_crypto_kx(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"public", kx_public}, {"agree", kx_agree}, {"group", kx_group}, {"params", kx_params}, {NULL, NULL}};
    tlshs_define_class(L, KX_MT, methods, kx_gc);
    lua_pushcfunction(L, l_key_exchange);
    lua_setfield(L, -2, "key_exchange");
    lua_pushcfunction(L, l_dh_prime_tests);
    lua_setfield(L, -2, "_dh_prime_tests");
}
