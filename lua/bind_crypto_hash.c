/* Lua binding: hashes, running/forkable hash objects (transcript), HMAC,
 * HKDF, the TLS PRF and constant-time comparison. */
#include "bind_crypto.h"
#include "ths_crypto.h"
#include <string.h>

#define HASH_MT "tlshs.hash"

static ths_hash_alg check_hash(lua_State *L, int idx)
{
    const char *name = tlshs_check_name(L, idx);
    ths_hash_alg a = ths_hash_from_name(name);
    if (a == THS_HASH_NONE || a == THS_HASH_SHA224)
        luaL_argerror(L, idx, lua_pushfstring(L, "unknown hash '%s'", name));
    return a;
}

/* tlshs.hash(name, data) → digest */
static int l_hash(lua_State *L)
{
    ths_hash_alg a = check_hash(L, 1);
    size_t n;
    const uint8_t *d = tlshs_check_bytes(L, 2, &n);
    uint8_t out[THS_HASH_MAX];
    if (ths_hash_once(a, d, n, out))
        return luaL_error(L, "tlshs: hash failed");
    lua_pushlstring(L, (const char *)out, ths_hash_len(a));
    return 1;
}

/* tlshs.hash_new(name) → h */
static int l_hash_new(lua_State *L)
{
    ths_hash_alg a = check_hash(L, 1);
    ths_hash *h = (ths_hash *)tlshs_new_object(L, sizeof *h, HASH_MT);
    if (ths_hash_init(h, a))
        return luaL_error(L, "tlshs: hash init failed");
    return 1;
}

/* A hash after __gc has alg NONE: its methods would index hash_descriptor[-1]. */
static ths_hash *check_h(lua_State *L)
{
    ths_hash *h = (ths_hash *)luaL_checkudata(L, 1, HASH_MT);
    if (h->alg == THS_HASH_NONE)
        tlshs_closed(L, HASH_MT);
    return h;
}

static int h_update(lua_State *L)
{
    ths_hash *h = check_h(L);
    size_t n;
    const uint8_t *d = tlshs_check_bytes(L, 2, &n);
    ths_hash_update(h, d, n);
    lua_settop(L, 1);
    return 1;
}

static int h_digest(lua_State *L)
{
    ths_hash *h = check_h(L);
    uint8_t out[THS_HASH_MAX];
    ths_hash_peek(h, out);
    lua_pushlstring(L, (const char *)out, ths_hash_len(h->alg));
    return 1;
}

static int h_fork(lua_State *L)
{
    ths_hash *h = check_h(L);
    ths_hash *c = (ths_hash *)tlshs_new_object(L, sizeof *c, HASH_MT);
    *c = *h;   /* libtomcrypt hash_state is plain data: a copy is a fork */
    return 1;
}

static int h_name(lua_State *L)
{
    ths_hash *h = check_h(L);
    lua_pushstring(L, ths_hash_name(h->alg));
    return 1;
}

static int h_gc(lua_State *L)
{
    ths_hash *h = (ths_hash *)luaL_checkudata(L, 1, HASH_MT);
    ths_wipe(h, sizeof *h);
    return 0;
}

/* tlshs.hmac(name, key, data) → mac */
static int l_hmac(lua_State *L)
{
    ths_hash_alg a = check_hash(L, 1);
    size_t kl, n;
    const uint8_t *k = tlshs_check_bytes(L, 2, &kl);
    const uint8_t *d = tlshs_check_bytes(L, 3, &n);
    uint8_t out[THS_HASH_MAX];
    luaL_argcheck(L, a != THS_HASH_MD5_SHA1, 1, "md5_sha1 has no HMAC");
    if (ths_hmac(a, k, kl, d, n, out))
        return luaL_error(L, "tlshs: hmac failed");
    lua_pushlstring(L, (const char *)out, ths_hash_len(a));
    return 1;
}

/* Pushes derived key material like the input at idx: a tlshs.secret when
 * that was one, else a string; then wipes out. */
static int push_derived(lua_State *L, int idx, uint8_t *out, size_t len)
{
    if (tlshs_is_secret(L, idx))
        tlshs_push_secret(L, out, len);
    else
        lua_pushlstring(L, (const char *)out, len);
    ths_wipe(out, len);
    return 1;
}

/* tlshs.hkdf(name, ikm, salt, info, length) → okm (a secret if ikm is one) */
static int l_hkdf(lua_State *L)
{
    ths_hash_alg a = check_hash(L, 1);
    size_t il, sl = 0, nl = 0;
    const uint8_t *ikm = tlshs_check_bytes(L, 2, &il);
    const uint8_t *salt = lua_isnoneornil(L, 3) ? NULL : tlshs_check_bytes(L, 3, &sl);
    const uint8_t *info = lua_isnoneornil(L, 4) ? NULL : tlshs_check_bytes(L, 4, &nl);
    lua_Integer len;
    uint8_t out[255 * THS_HASH_MAX];
    ths_error err = {0, ""};
    luaL_argcheck(L, a != THS_HASH_MD5_SHA1, 1, "md5_sha1 has no HKDF");
    len = tlshs_check_int(L, 5, 0, 255 * (lua_Integer)ths_hash_len(a));
    if (ths_hkdf(a, ikm, il, salt, sl, info, nl, out, (size_t)len, &err))
        return luaL_error(L, "tlshs: %s", err.detail);
    return push_derived(L, 2, out, (size_t)len);
}

/* tlshs.prf(hash, secret, label, seed, length) → string, or a secret when
 * secret is a tlshs.secret.  hash: "sha256", "sha384" (RFC 5246 §5),
 * "md5_sha1" (RFC 2246 §5). */
static int l_prf(lua_State *L)
{
    ths_hash_alg a = check_hash(L, 1);
    size_t sl, ll, dl;
    const uint8_t *secret = tlshs_check_bytes(L, 2, &sl);
    const uint8_t *label = (const uint8_t *)luaL_checklstring(L, 3, &ll);
    const uint8_t *seed = tlshs_check_bytes(L, 4, &dl);
    lua_Integer len = tlshs_check_int(L, 5, 0, 1024);
    ths_chunk chunks[2];
    uint8_t buf[1024];
    uint8_t *out = buf;
    ths_error err = {0, ""};
    int rc;
    luaL_argcheck(L, a == THS_HASH_SHA256 || a == THS_HASH_SHA384 || a == THS_HASH_SHA512 ||
                         a == THS_HASH_MD5_SHA1,
                  1, "PRF hash must be sha256, sha384, sha512 or md5_sha1");
    chunks[0].data = label;
    chunks[0].len = ll;
    chunks[1].data = seed;
    chunks[1].len = dl;
    rc = ths_prf(a, secret, sl, "", chunks, 2, out, (size_t)len, &err);
    if (rc)
        return luaL_error(L, "tlshs: %s", err.detail);
    return push_derived(L, 2, out, (size_t)len);
}

/* tlshs.equal(a, b) → constant-time comparison; false if lengths differ */
static int l_equal(lua_State *L)
{
    size_t al, bl;
    const uint8_t *a = tlshs_check_bytes(L, 1, &al);
    const uint8_t *b = tlshs_check_bytes(L, 2, &bl);
    lua_pushboolean(L, al == bl && ths_ct_equal(a, b, al));
    return 1;
}

void tlshs_open_crypto_hash(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"update", h_update}, {"digest", h_digest}, {"fork", h_fork}, {"name", h_name}, {NULL, NULL}};
    static const luaL_Reg functions[] = {{"hash", l_hash}, {"hash_new", l_hash_new}, {"hmac", l_hmac},
                                         {"hkdf", l_hkdf}, {"prf", l_prf}, {"equal", l_equal},
                                         {NULL, NULL}};
    tlshs_define_class(L, HASH_MT, methods, h_gc);
    luaL_setfuncs(L, functions, 0);
}
