/* Lua binding: keys (tlshs.pkey) — load_private_key, load_public_key,
 * signatures and RSA encryption.  The key lives in the userdata; __gc and
 * k:close() free it and wipe it (ths_pkey_free). */
#include "binding.h"
#include "bind_crypto.h"
#include "ths_crypto.h"
#include <string.h>

#define PKEY_MT "tlshs.pkey"

struct ths_pkey *tlshs_new_pkey(lua_State *L)
{
    return (struct ths_pkey *)tlshs_new_object(L, sizeof(ths_pkey), PKEY_MT);
}

int tlshs_crypto_fail(lua_State *L, int code, const ths_error *err)
{
    if (code == THS_ERR_UNSUPPORTED) {
        lua_pushnil(L);
        lua_pushstring(L, "unsupported");
        lua_pushstring(L, err && err->detail[0] ? err->detail : "unsupported");
        return 3;
    }
    return tlshs_push_fail(L, code, err);
}

static ths_pkey *check_key(lua_State *L, int idx)
{
    ths_pkey *k = (ths_pkey *)luaL_checkudata(L, idx, PKEY_MT);
    if (k->type == THS_PKEY_NONE)
        tlshs_closed(L, PKEY_MT);
    return k;
}

/* scheme: name ("rsa_pss_rsae_sha256") or number (0x0804) */
static uint16_t check_scheme(lua_State *L, int idx)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        return (uint16_t)tlshs_check_int(L, idx, 0, 0xffff);
    } else {
        const char *name = tlshs_check_name(L, idx);
        uint16_t s = ths_sig_from_name(name);
        if (!s)
            luaL_argerror(L, idx, lua_pushfstring(L, "unknown signature scheme '%s'", name));
        return s;
    }
}

/* tlshs.load_private_key(pem_or_der) → key | nil, "decode_error"/"unsupported", detail */
static int l_load_private_key(lua_State *L)
{
    size_t n;
    const uint8_t *in = tlshs_check_bytes(L, 1, &n);
    ths_error err = {0, ""};
    ths_pkey *k = tlshs_new_pkey(L);
    int rc = ths_pkey_load_private(k, in, n, &err);
    if (rc) {
        lua_pop(L, 1);
        return tlshs_crypto_fail(L, rc, &err);
    }
    return 1;
}

/* tlshs.load_public_key(spki_der [, min_rsa_bits]) → key
 * | nil, "decode_error"/"unsupported"/"insufficient_security", detail.
 * A public key is a peer's: RSA under min_rsa_bits (default
 * THS_MIN_RSA_BITS) is refused; a probe may lower the floor. */
static int l_load_public_key(lua_State *L)
{
    size_t n;
    const uint8_t *in = (const uint8_t *)luaL_checklstring(L, 1, &n);
    int min_bits = tlshs_rsa_floor(L, 2);
    ths_error err = {0, ""};
    ths_pkey *k;
    int rc;
    lua_settop(L, 2);
    k = tlshs_new_pkey(L);
    rc = ths_pkey_from_spki(k, in, n, &err);
    if (rc == 0 && (rc = ths_pkey_check_rsa_floor(k, min_bits, "public key", &err)) != 0)
        ths_pkey_free(k);
    if (rc) {
        lua_pop(L, 1);
        return tlshs_crypto_fail(L, rc, &err);
    }
    return 1;
}

static int k_gc(lua_State *L)
{
    ths_pkey *k = (ths_pkey *)luaL_checkudata(L, 1, PKEY_MT);
    ths_pkey_free(k);
    return 0;
}

static int k_type(lua_State *L)
{
    ths_pkey *k = check_key(L, 1);
    lua_pushstring(L, k->type == THS_PKEY_RSA ? "rsa" : k->type == THS_PKEY_EC ? "ec" : "ed25519");
    return 1;
}

static int k_bits(lua_State *L)
{
    lua_pushinteger(L, ths_pkey_bits(check_key(L, 1)));
    return 1;
}

static int k_group(lua_State *L)
{
    ths_pkey *k = check_key(L, 1);
    if (k->type == THS_PKEY_EC)
        lua_pushstring(L, k->group == 23 ? "secp256r1" : "secp384r1");
    else
        lua_pushnil(L);
    return 1;
}

static int k_is_private(lua_State *L)
{
    lua_pushboolean(L, check_key(L, 1)->is_private);
    return 1;
}

static int k_public_key(lua_State *L)
{
    ths_pkey *k = check_key(L, 1);
    ths_error err = {0, ""};
    ths_pkey *pub = tlshs_new_pkey(L);
    int rc = ths_pkey_public_copy(k, pub, &err);
    if (rc) {
        lua_pop(L, 1);
        return tlshs_crypto_fail(L, rc, &err);
    }
    return 1;
}

static int k_spki(lua_State *L)
{
    ths_pkey *k = check_key(L, 1);
    uint8_t der[THS_SIG_MAX + 256];
    size_t n = sizeof der;
    if (ths_pkey_spki(k, der, &n))
        return luaL_error(L, "tlshs: cannot encode the public key");
    lua_pushlstring(L, (const char *)der, n);
    return 1;
}

static int k_supports(lua_State *L)
{
    ths_pkey *k = check_key(L, 1);
    uint16_t s;
    if (lua_type(L, 2) == LUA_TSTRING && !ths_sig_from_name(lua_tostring(L, 2))) {
        lua_pushboolean(L, 0);
        return 1;
    }
    s = check_scheme(L, 2);
    lua_pushboolean(L, ths_pkey_supports(k, s));
    return 1;
}

/* k:sign(scheme, data) → signature | nil, alert, detail */
static int k_sign(lua_State *L)
{
    ths_pkey *k = check_key(L, 1);
    uint16_t s = check_scheme(L, 2);
    size_t n, sl = THS_SIG_MAX;
    const uint8_t *msg = tlshs_check_bytes(L, 3, &n);
    uint8_t sig[THS_SIG_MAX];
    ths_error err = {0, ""};
    int rc;
    luaL_argcheck(L, k->is_private, 1, "signing needs a private key");
    rc = ths_pkey_sign(k, s, tlshs_rng(L), msg, n, sig, &sl, &err);
    if (rc)
        return tlshs_crypto_fail(L, rc, &err);
    lua_pushlstring(L, (const char *)sig, sl);
    return 1;
}

/* k:verify(scheme, data, sig) → true | nil, "decrypt_error"/"illegal_parameter", detail */
static int k_verify(lua_State *L)
{
    ths_pkey *k = check_key(L, 1);
    uint16_t s = check_scheme(L, 2);
    size_t n, sl;
    const uint8_t *msg = tlshs_check_bytes(L, 3, &n);
    const uint8_t *sig = (const uint8_t *)luaL_checklstring(L, 4, &sl);
    ths_error err = {0, ""};
    int rc = ths_pkey_verify(k, s, msg, n, sig, sl, &err);
    if (rc)
        return tlshs_crypto_fail(L, rc, &err);
    lua_pushboolean(L, 1);
    return 1;
}

static ths_pkey *check_rsa(lua_State *L)
{
    ths_pkey *k = check_key(L, 1);
    luaL_argcheck(L, k->type == THS_PKEY_RSA, 1, "not an RSA key");
    return k;
}

/* k:rsa_encrypt(plaintext [, {raw = true}]) → PKCS#1 v1.5 ciphertext; raw:
 * plaintext is the whole padded block (modulus size), encrypted as is. */
static int k_rsa_encrypt(lua_State *L)
{
    ths_pkey *k = check_rsa(L);
    size_t n, cl = THS_SIG_MAX;
    const uint8_t *pt = tlshs_check_bytes(L, 2, &n);
    uint8_t ct[THS_SIG_MAX];
    ths_error err = {0, ""};
    int raw = 0, rc;
    if (lua_istable(L, 3)) {
        lua_getfield(L, 3, "raw");
        raw = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    rc = raw ? ths_rsa_public_raw(k, pt, n, ct, &cl, &err) : ths_rsa_encrypt(k, tlshs_rng(L), pt, n, ct, &cl, &err);
    if (rc == THS_ERR_ARG)
        return luaL_argerror(L, 2, err.detail);
    if (rc)
        return tlshs_crypto_fail(L, rc, &err);
    lua_pushlstring(L, (const char *)ct, cl);
    return 1;
}

/* k:rsa_decrypt(ct) → plaintext | nil, "decrypt_error", "pkcs1: decryption failed" */
static int k_rsa_decrypt(lua_State *L)
{
    ths_pkey *k = check_rsa(L);
    size_t n, pl = 0;
    const uint8_t *ct = (const uint8_t *)luaL_checklstring(L, 2, &n);
    uint8_t pt[THS_SIG_MAX];
    ths_error err = {0, ""};
    int rc;
    luaL_argcheck(L, k->is_private, 1, "decryption needs a private key");
    rc = ths_rsa_decrypt(k, ct, n, pt, &pl, &err);
    if (rc)
        return tlshs_crypto_fail(L, rc, &err);
    lua_pushlstring(L, (const char *)pt, pl);
    ths_wipe(pt, pl);
    return 1;
}

/* k:rsa_decrypt_premaster(ct, client_version) → tlshs.secret of 48 bytes, always */
static int k_rsa_decrypt_premaster(lua_State *L)
{
    ths_pkey *k = check_rsa(L);
    size_t n;
    const uint8_t *ct = (const uint8_t *)luaL_checklstring(L, 2, &n);
    lua_Integer v = tlshs_check_int(L, 3, 0, 0xffff);
    uint8_t pms[48];
    luaL_argcheck(L, k->is_private, 1, "decryption needs a private key");
    if (ths_rsa_decrypt_premaster(k, tlshs_rng(L), ct, n, (uint16_t)v, pms))
        return luaL_error(L, "tlshs: RSA key too small for a premaster");
    tlshs_push_secret(L, pms, 48);
    ths_wipe(pms, sizeof pms);
    return 1;
}

static int k_close(lua_State *L)
{
    ths_pkey *k = (ths_pkey *)luaL_checkudata(L, 1, PKEY_MT);
    ths_pkey_free(k);
    return 0;
}

static int k_tostring(lua_State *L)
{
    ths_pkey *k = (ths_pkey *)luaL_checkudata(L, 1, PKEY_MT);
    if (k->type == THS_PKEY_NONE)
        lua_pushstring(L, "tlshs.pkey (closed)");
    else
        lua_pushfstring(L, "tlshs.pkey (%s %d%s)",
                        k->type == THS_PKEY_RSA ? "rsa" : k->type == THS_PKEY_EC ? "ec" : "ed25519",
                        ths_pkey_bits(k), k->is_private ? ", private" : "");
    return 1;
}

void tlshs_open_crypto_pkey(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"type", k_type}, {"bits", k_bits}, {"group", k_group}, {"is_private", k_is_private},
        {"public_key", k_public_key}, {"spki", k_spki}, {"supports", k_supports}, {"sign", k_sign},
        {"verify", k_verify}, {"rsa_encrypt", k_rsa_encrypt}, {"rsa_decrypt", k_rsa_decrypt},
        {"rsa_decrypt_premaster", k_rsa_decrypt_premaster}, {"close", k_close}, {NULL, NULL}};
    tlshs_define_class(L, PKEY_MT, methods, k_gc);
    luaL_getmetatable(L, PKEY_MT);
    lua_pushcfunction(L, k_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_load_private_key);
    lua_setfield(L, -2, "load_private_key");
    lua_pushcfunction(L, l_load_public_key);
    lua_setfield(L, -2, "load_public_key");
}
