/*
 * Lua binding: cert:public_key() and
 *   tlshs.verify_chain(chain, anchors [, opts]) → true, path | nil, alert, reason
 * opts: host (DNS name or IP literal), time (Unix seconds, default now),
 * purpose ("server" | "client"), key_usage ("digital_signature" |
 * "key_encipherment"), max_depth (default 10), min_rsa_bits (default 1024,
 * 0 for none).
 */
#include "bind_x509.h"
#include "ths_pkey.h"
#include <string.h>
#include <time.h>

/* cert:public_key([min_rsa_bits]) → key | nil, alert, detail.  The key of a
 * peer's certificate: RSA under min_rsa_bits (default THS_MIN_RSA_BITS)
 * is refused with insufficient_security; a probe may lower the floor
 * (0: none, for our own certificate). */
int tlshs_cert_public_key(lua_State *L)
{
    tlshs_cert *c = tlshs_check_cert(L, 1);
    int min_bits = tlshs_rsa_floor(L, 2);
    ths_error err;
    struct ths_pkey *key;
    int rc;
    lua_settop(L, 2);
    key = tlshs_new_pkey(L); /* zeroed; its __gc frees it */
    memset(&err, 0, sizeof err);
    rc = ths_x509_public_key(&c->x, key, &err);
    if (rc == 0 && (rc = ths_pkey_check_rsa_floor(key, min_bits, "certificate public key", &err)) != 0)
        ths_pkey_free(key);
    if (rc)
        return tlshs_push_fail(L, rc, &err);
    return 1;
}

/* Array of certificates at idx → C pointers in a scratch userdata (pushed). */
static const ths_x509_cert **cert_array(lua_State *L, int idx, size_t *n, const char *what)
{
    const ths_x509_cert **a;
    size_t i, len;
    luaL_checktype(L, idx, LUA_TTABLE);
    len = (size_t)lua_rawlen(L, idx);
    a = (const ths_x509_cert **)lua_newuserdata(L, (len ? len : 1) * sizeof *a);
    for (i = 0; i < len; i++) {
        tlshs_cert *c;
        lua_rawgeti(L, idx, (int)i + 1);
        c = (tlshs_cert *)luaL_testudata(L, -1, TLSHS_CERT_MT);
        if (!c)
            luaL_error(L, "tlshs.verify_chain: %s[%d] is not a certificate", what, (int)i + 1);
        a[i] = &c->x;
        lua_pop(L, 1);
    }
    *n = len;
    return a;
}

/* The value is LEFT ON THE STACK while C reads it: an __index metamethod
 * may return a fresh string that nothing else references, and the next
 * getfield may run the collector. */
static const char *opt_string(lua_State *L, int idx, const char *k, size_t *len)
{
    const char *s = NULL;
    lua_getfield(L, idx, k);
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "tlshs.verify_chain: opts.%s must be a string", k);
        s = lua_tolstring(L, -1, len);
    }
    return s;
}

/* Optional integer field k of opts in lo..hi (NaN, ±inf, fractions and
 * out-of-range numbers raise: no undefined cast). */
static lua_Integer opt_int(lua_State *L, int idx, const char *k, lua_Integer dflt, lua_Integer lo, lua_Integer hi)
{
    lua_Integer v = dflt;
    lua_getfield(L, idx, k);
    if (!lua_isnil(L, -1)) {
        int ok;
        v = tlshs_to_int(L, lua_gettop(L), lo, hi, &ok);
        if (!ok)
            luaL_error(L, "tlshs.verify_chain: opts.%s must be an integer in %f..%f", k, (double)lo, (double)hi);
    }
    lua_pop(L, 1);
    return v;
}

int tlshs_verify_chain(lua_State *L)
{
    const ths_x509_cert **chain, **anchors, *path[THS_X509_MAX_DEPTH * 4 + 1];
    size_t nchain, nanchors, npath = 0, i, n;
    ths_x509_verify_opts o;
    ths_error err;
    const char *s;
    int rc;

    memset(&o, 0, sizeof o);
    memset(&err, 0, sizeof err);
    o.now = (int64_t)time(NULL);
    lua_settop(L, 3);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    /* Options first: their metamethods may run Lua code (and the collector),
     * which must not happen once C holds pointers into the certificates. */
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        o.host = opt_string(L, 3, "host", &o.host_len);
        /* time: Unix seconds; ±2^53 keeps every value exact */
        o.now = (int64_t)opt_int(L, 3, "time", o.now, -((lua_Integer)1 << 53), (lua_Integer)1 << 53);
        o.max_depth = (int)opt_int(L, 3, "max_depth", 0, 0, THS_X509_MAX_DEPTH * 4);
        s = opt_string(L, 3, "purpose", &n);
        if (s && strcmp(s, "server") == 0)
            o.purpose = THS_X509_PURPOSE_SERVER;
        else if (s && strcmp(s, "client") == 0)
            o.purpose = THS_X509_PURPOSE_CLIENT;
        else if (s)
            luaL_error(L, "tlshs.verify_chain: opts.purpose must be \"server\" or \"client\"");
        s = opt_string(L, 3, "key_usage", &n);
        if (s && strcmp(s, "digital_signature") == 0)
            o.key_usage = THS_KU_DIGITAL_SIGNATURE;
        else if (s && strcmp(s, "key_encipherment") == 0)
            o.key_usage = THS_KU_KEY_ENCIPHERMENT;
        else if (s)
            luaL_error(L, "tlshs.verify_chain: opts.key_usage must be \"digital_signature\" or \"key_encipherment\"");
        lua_getfield(L, 3, "min_rsa_bits");
        o.min_rsa_bits = tlshs_rsa_floor(L, lua_gettop(L));
        lua_pop(L, 1);
    }
    /* Raw reads only from here on: no Lua code runs until the verdict. */
    chain = cert_array(L, 1, &nchain, "chain");
    anchors = cert_array(L, 2, &nanchors, "anchors");
    rc = ths_x509_verify_chain(chain, nchain, anchors, nanchors, &o, path, &npath, &err);
    if (rc)
        return tlshs_push_fail(L, rc, &err);
    lua_pushboolean(L, 1);
    lua_createtable(L, (int)npath, 0);
    for (i = 0; i < npath; i++) {
        size_t k;
        int found = 0;
        for (k = 0; k < nchain && !found; k++)
            if (chain[k] == path[i]) {
                lua_rawgeti(L, 1, (int)k + 1);
                found = 1;
            }
        for (k = 0; k < nanchors && !found; k++)
            if (anchors[k] == path[i]) {
                lua_rawgeti(L, 2, (int)k + 1);
                found = 1;
            }
        lua_rawseti(L, -2, (int)i + 1);
    }
    return 2;
}
