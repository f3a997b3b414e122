/*
 * Lua binding: X.509 certificates.
 *   tlshs.load_certificate(pem_or_der)   → cert | nil, "bad_certificate", detail
 *   tlshs.load_certificates(pem_or_der)  → { cert, ... } | nil, ...
 *   tlshs.parse_certificate(der)         → cert | nil, ...
 *   tlshs.match_host(cert, host)         → true | nil, "bad_certificate", reason
 *   cert:der(), cert:info(), cert:subject_der(), cert:issuer_der(), cert:public_key()
 * A cert is a userdata holding its parsed ths_x509_cert followed by its own
 * copy of the DER, which the parsed fields point into; nothing is malloc'd.
 */
#include "bind_x509.h"
#include "ths_pem.h"
#include <stdio.h>
#include <string.h>

tlshs_cert *tlshs_check_cert(lua_State *L, int idx)
{
    return (tlshs_cert *)luaL_checkudata(L, idx, TLSHS_CERT_MT);
}

/* A new, unparsed certificate object with room for n DER bytes (on the stack). */
static tlshs_cert *new_cert(lua_State *L, size_t n)
{
    tlshs_cert *c = (tlshs_cert *)tlshs_new_object(L, sizeof *c + n, TLSHS_CERT_MT);
    c->cap = n;
    return c;
}

/* Parses c->der[0..len) in place; on failure pops the object and pushes the
 * failure triple, returning 3, else returns 0 with the object on the stack. */
static int finish_cert(lua_State *L, tlshs_cert *c, size_t len)
{
    ths_error err;
    int rc;
    memset(&err, 0, sizeof err);
    c->len = len;
    rc = ths_x509_parse(&c->x, c->der, len, &err);
    if (rc) {
        lua_pop(L, 1);
        return tlshs_push_fail(L, rc, &err);
    }
    return 0;
}

/* PEM trouble in a certificate file is reported as bad_certificate. */
static int cert_pem_fail(ths_error *err)
{
    err->code = THS_ALERT_BAD_CERTIFICATE;
    return THS_ALERT_BAD_CERTIFICATE;
}

/* Pushes the certificates of `in` (PEM blocks, or one DER certificate).
 * Returns the number pushed, or -3 after pushing a failure triple.
 * Nothing is allocated outside Lua: each block is decoded straight into
 * its certificate's userdata. */
static int push_certs(lua_State *L, const uint8_t *in, size_t len, int max)
{
    ths_error err;
    size_t pos = 0;
    int count = 0;
    memset(&err, 0, sizeof err);
    if (!ths_pem_is_pem(in, len)) {
        tlshs_cert *c = new_cert(L, len);
        memcpy(c->der, in, len);
        return finish_cert(L, c, len) ? -3 : 1;
    }
    while (count < max) {
        ths_pem_armor a;
        size_t n;
        tlshs_cert *c;
        int rc = ths_pem_find(in, len, &pos, &a, &err);
        if (rc) {
            lua_pop(L, count);
            tlshs_push_fail(L, cert_pem_fail(&err), &err);
            return -3;
        }
        if (!a.b64)
            break;
        if (strcmp(a.label, "CERTIFICATE") != 0)   /* keys, parameters: skipped */
            continue;
        luaL_checkstack(L, 4, "too many certificates");
        c = new_cert(L, ths_pem_decoded_max(&a));
        if ((rc = ths_pem_decode(&a, c->der, c->cap, &n, &err))) {
            lua_pop(L, count + 1);
            tlshs_push_fail(L, cert_pem_fail(&err), &err);
            return -3;
        }
        if (finish_cert(L, c, n)) {
            /* the failure triple sits above the earlier certificates */
            int i;
            for (i = 0; i < 3; i++)
                lua_insert(L, -(3 + count));
            lua_pop(L, count);
            return -3;
        }
        count++;
    }
    if (count == 0) {
        ths_fail(&err, THS_ALERT_BAD_CERTIFICATE, "pem: no CERTIFICATE block");
        tlshs_push_fail(L, THS_ALERT_BAD_CERTIFICATE, &err);
        return -3;
    }
    return count;
}

static int l_load_certificate(lua_State *L)
{
    size_t len;
    const uint8_t *in = (const uint8_t *)luaL_checklstring(L, 1, &len);
    int n = push_certs(L, in, len, 1);
    return n < 0 ? 3 : 1;
}

static int l_load_certificates(lua_State *L)
{
    size_t len;
    const uint8_t *in = (const uint8_t *)luaL_checklstring(L, 1, &len);
    int n = push_certs(L, in, len, 1 << 20), i;
    if (n < 0)
        return 3;
    lua_createtable(L, n, 0);
    lua_insert(L, -(n + 1));
    for (i = n; i >= 1; i--)
        lua_rawseti(L, -(i + 1), i); /* pops the top: certificate i */
    return 1;
}

static int l_parse_certificate(lua_State *L)
{
    size_t len;
    const uint8_t *in = (const uint8_t *)luaL_checklstring(L, 1, &len);
    tlshs_cert *c = new_cert(L, len);
    memcpy(c->der, in, len);
    return finish_cert(L, c, len) ? 3 : 1;
}

/* ---- methods ---- */

static int cert_der(lua_State *L)
{
    tlshs_cert *c = tlshs_check_cert(L, 1);
    lua_pushlstring(L, (const char *)c->der, c->len);
    return 1;
}

static int cert_subject_der(lua_State *L)
{
    tlshs_cert *c = tlshs_check_cert(L, 1);
    lua_pushlstring(L, (const char *)c->x.subject.p, c->x.subject.n);
    return 1;
}

static int cert_issuer_der(lua_State *L)
{
    tlshs_cert *c = tlshs_check_cert(L, 1);
    lua_pushlstring(L, (const char *)c->x.issuer.p, c->x.issuer.n);
    return 1;
}

static void push_hex(lua_State *L, const uint8_t *p, size_t n)
{
    luaL_Buffer b;
    size_t i;
    luaL_buffinit(L, &b);
    for (i = 0; i < n; i++) {
        char h[3];
        snprintf(h, sizeof h, "%02x", p[i]);
        luaL_addlstring(&b, h, 2);
    }
    luaL_pushresult(&b);
}

static void push_name(lua_State *L, ths_span name)
{
    char small[512];
    size_t n = ths_x509_name_format(name, small, sizeof small);
    if (n < sizeof small) {
        lua_pushlstring(L, small, n);
    } else {
        char *big = (char *)lua_newuserdata(L, n + 1);
        ths_x509_name_format(name, big, n + 1);
        lua_pushlstring(L, big, n);
        lua_remove(L, -2);
    }
}

static void set_str(lua_State *L, const char *k, const char *v)
{
    if (v) {
        lua_pushstring(L, v);
        lua_setfield(L, -2, k);
    }
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

static void push_oid(lua_State *L, const uint8_t *oid, size_t len)
{
    char txt[128];
    ths_der_oid_text(oid, len, txt, sizeof txt);
    lua_pushstring(L, txt);
}

static int cert_info(lua_State *L)
{
    static const char *ku_names[9] = {"digital_signature", "non_repudiation", "key_encipherment",
                                      "data_encipherment", "key_agreement",   "key_cert_sign",
                                      "crl_sign",          "encipher_only",   "decipher_only"};
    tlshs_cert *c = tlshs_check_cert(L, 1);
    const ths_x509_cert *x = &c->x;
    ths_reader it;
    int i, n;

    lua_newtable(L);
    set_int(L, "version", x->version);
    /* serial: hex of the magnitude (the sign octet of a positive value dropped) */
    if (x->serial.n > 1 && x->serial.p[0] == 0)
        push_hex(L, x->serial.p + 1, x->serial.n - 1);
    else
        push_hex(L, x->serial.p, x->serial.n);
    lua_setfield(L, -2, "serial");
    push_name(L, x->issuer);
    lua_setfield(L, -2, "issuer");
    push_name(L, x->subject);
    lua_setfield(L, -2, "subject");
    set_int(L, "not_before", (lua_Integer)x->not_before);
    set_int(L, "not_after", (lua_Integer)x->not_after);

    switch (x->key_type) {
    case THS_X509_KEY_RSA: set_str(L, "public_key_type", "rsa"); break;
    case THS_X509_KEY_EC: set_str(L, "public_key_type", "ec"); break;
    case THS_X509_KEY_ED25519: set_str(L, "public_key_type", "ed25519"); break;
    default:
        push_oid(L, x->key_alg_oid.p, x->key_alg_oid.n);
        lua_setfield(L, -2, "public_key_type");
    }
    if (x->key_bits)
        set_int(L, "public_key_bits", x->key_bits);
    set_str(L, "curve", ths_x509_curve_name(x->curve));
    if (ths_x509_sig_alg_name(x->sig_alg)) {
        set_str(L, "signature_algorithm", ths_x509_sig_alg_name(x->sig_alg));
    } else {
        push_oid(L, x->sig_alg_oid.p, x->sig_alg_oid.n);
        lua_setfield(L, -2, "signature_algorithm");
    }
    if (x->sig_alg == THS_X509_SIG_RSA_PSS) {
        lua_createtable(L, 0, 3);
        set_str(L, "hash", ths_x509_hash_name(x->pss_hash));
        set_str(L, "mgf1_hash", ths_x509_hash_name(x->pss_mgf_hash));
        set_int(L, "salt_length", x->pss_salt_len);
        lua_setfield(L, -2, "pss");
    }
    lua_pushlstring(L, (const char *)x->sig.p, x->sig.n);
    lua_setfield(L, -2, "signature");

    lua_pushboolean(L, x->is_ca);
    lua_setfield(L, -2, "is_ca");
    if (x->path_len >= 0)
        set_int(L, "path_len", x->path_len);
    if (x->has_key_usage) {
        lua_newtable(L);
        for (i = 0; i < 9; i++)
            if (x->key_usage & (1u << i)) {
                lua_pushboolean(L, 1);
                lua_setfield(L, -2, ku_names[i]);
            }
        lua_setfield(L, -2, "key_usage");
    }
    if (x->has_eku) {
        ths_span oid;
        lua_newtable(L);
        ths_x509_eku_iter(x, &it);
        for (n = 1; ths_x509_eku_next(&it, &oid); n++) {
            const char *name = ths_x509_eku_name(oid.p, oid.n);
            if (name)
                lua_pushstring(L, name);
            else
                push_oid(L, oid.p, oid.n);
            lua_rawseti(L, -2, n);
        }
        lua_setfield(L, -2, "ext_key_usage");
    }
    {
        ths_x509_san san;
        int nd = 0, ni = 0;
        lua_newtable(L); /* dns_names */
        lua_newtable(L); /* ip_addresses */
        ths_x509_san_iter(x, &it);
        while (ths_x509_san_next(&it, &san)) {
            if (san.type == THS_SAN_DNS) {
                lua_pushlstring(L, (const char *)san.value.p, san.value.n);
                lua_rawseti(L, -3, ++nd);
            } else if (san.type == THS_SAN_IP) {
                char txt[64];
                inet_ntop(san.value.n == 4 ? AF_INET : AF_INET6, san.value.p, txt, sizeof txt);
                lua_pushstring(L, txt);
                lua_rawseti(L, -2, ++ni);
            }
        }
        lua_setfield(L, -3, "ip_addresses");
        lua_setfield(L, -2, "dns_names");
    }
    if (x->ski.p) {
        push_hex(L, x->ski.p, x->ski.n);
        lua_setfield(L, -2, "subject_key_id");
    }
    if (x->aki.p) {
        push_hex(L, x->aki.p, x->aki.n);
        lua_setfield(L, -2, "authority_key_id");
    }
    {
        ths_x509_ext e;
        lua_newtable(L);
        ths_x509_ext_iter(x, &it);
        for (n = 1; ths_x509_ext_next(&it, &e); n++) {
            lua_createtable(L, 0, 3);
            push_oid(L, e.oid.p, e.oid.n);
            lua_setfield(L, -2, "oid");
            lua_pushboolean(L, e.critical);
            lua_setfield(L, -2, "critical");
            lua_pushlstring(L, (const char *)e.value.p, e.value.n);
            lua_setfield(L, -2, "data");
            lua_rawseti(L, -2, n);
        }
        lua_setfield(L, -2, "extensions");
    }
    return 1;
}

static int cert_tostring(lua_State *L)
{
    tlshs_cert *c = tlshs_check_cert(L, 1);
    char subject[200];
    ths_x509_name_format(c->x.subject, subject, sizeof subject);
    lua_pushfstring(L, "tlshs.certificate (%s)", subject);
    return 1;
}

static int cert_eq(lua_State *L)
{
    tlshs_cert *a = (tlshs_cert *)luaL_testudata(L, 1, TLSHS_CERT_MT);
    tlshs_cert *b = (tlshs_cert *)luaL_testudata(L, 2, TLSHS_CERT_MT);
    lua_pushboolean(L, a && b && a->len == b->len && memcmp(a->der, b->der, a->len) == 0);
    return 1;
}

/* tlshs.match_host(cert, host) */
static int l_match_host(lua_State *L)
{
    tlshs_cert *c = tlshs_check_cert(L, 1);
    size_t n;
    const char *host = luaL_checklstring(L, 2, &n);
    ths_error err;
    int rc;
    memset(&err, 0, sizeof err);
    rc = ths_x509_match_host(&c->x, host, n, &err);
    if (rc)
        return tlshs_push_fail(L, rc, &err);
    lua_pushboolean(L, 1);
    return 1;
}

void tlshs_open_x509(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"der", cert_der},
        {"info", cert_info},
        {"subject_der", cert_subject_der},
        {"issuer_der", cert_issuer_der},
        {"public_key", tlshs_cert_public_key},
        {NULL, NULL}};
    static const luaL_Reg functions[] = {
        {"load_certificate", l_load_certificate},
        {"load_certificates", l_load_certificates},
        {"parse_certificate", l_parse_certificate},
        {"match_host", l_match_host},
        {"verify_chain", tlshs_verify_chain},
        {NULL, NULL}};
    tlshs_define_class(L, TLSHS_CERT_MT, methods, NULL);
    luaL_getmetatable(L, TLSHS_CERT_MT);
    lua_pushcfunction(L, cert_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, cert_eq);
    lua_setfield(L, -2, "__eq");
    lua_pop(L, 1);
    luaL_setfuncs(L, functions, 0);
}
