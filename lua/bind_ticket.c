/*
 * Session tickets (core/src/ticket.c): a key ring that seals and opens
 * ticket states in C, so neither the ticket key, nor the plaintext, nor the
 * master secret in it is ever a Lua string.
 *
 *   keys = tlshs.ticket_keys([key [, now]])   key: 32 bytes (string or
 *          tlshs.secret); random from this state's generator if nil
 *   keys:seal(state) → ticket | nil, "internal_error", detail (too large)
 *   keys:open(ticket, now) → state | nil, "decrypt_error", detail
 *   keys:rotate(key | nil, now, grace)   new key seals; the old one opens
 *          tickets until now + grace
 *   keys:since() → when the sealing key began;  keys:name() → its name
 *
 * state = {cipher_suite = n, ems = bool, issued = s, lifetime = s,
 *          servername = string | nil, master_secret = tlshs.secret (48),
 *          certificates = {der, ...} | nil}
 */
#include "binding.h"
#include "ths_ticket.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TICKET_KEYS_MT "tlshs.ticket_keys"

typedef struct {
    ths_ticket_keys *k; /* NULL once wiped */
} ticket_keys;

static ticket_keys *check_keys(lua_State *L)
{
    ticket_keys *t = (ticket_keys *)luaL_checkudata(L, 1, TICKET_KEYS_MT);
    if (!t->k)
        luaL_error(L, "tlshs.ticket_keys: object is closed");
    return t;
}

static int64_t check_time(lua_State *L, int idx)
{
    lua_Number n;
    if (lua_isnoneornil(L, idx))
        return (int64_t)time(NULL);
    n = luaL_checknumber(L, idx);
    luaL_argcheck(L, n == n && n > -9.0e15 && n < 9.0e15, idx, "time must be a finite number of seconds");
    return (int64_t)n;
}

/* A 32-byte key from idx (string or secret), or random ones into buf. */
static const uint8_t *check_key(lua_State *L, int idx, uint8_t buf[THS_TICKET_KEY_LEN])
{
    size_t n;
    const uint8_t *key;
    if (lua_isnoneornil(L, idx)) {
        ths_rng_fill(tlshs_rng(L), buf, THS_TICKET_KEY_LEN);
        return buf;
    }
    key = tlshs_check_bytes(L, idx, &n);
    luaL_argcheck(L, n == THS_TICKET_KEY_LEN, idx, "ticket key must be 32 bytes");
    return key;
}

static int l_ticket_keys(lua_State *L)
{
    uint8_t buf[THS_TICKET_KEY_LEN];
    const uint8_t *key = check_key(L, 1, buf);
    int64_t now = check_time(L, 2);
    ticket_keys *t = (ticket_keys *)tlshs_new_object(L, sizeof *t, TICKET_KEYS_MT);
    t->k = (ths_ticket_keys *)malloc(sizeof *t->k);
    if (!t->k) {
        ths_wipe(buf, sizeof buf);
        return luaL_error(L, "tlshs: out of memory");
    }
    ths_ticket_keys_init(t->k, key, now);
    ths_wipe(buf, sizeof buf);
    return 1;
}

static int tk_gc(lua_State *L)
{
    ticket_keys *t = (ticket_keys *)luaL_checkudata(L, 1, TICKET_KEYS_MT);
    if (t->k) {
        ths_ticket_keys_wipe(t->k);
        free(t->k);
        t->k = NULL;
    }
    return 0;
}

/* keys:rotate(key | nil, now, grace) */
static int tk_rotate(lua_State *L)
{
    ticket_keys *t = check_keys(L);
    uint8_t buf[THS_TICKET_KEY_LEN];
    const uint8_t *key;
    int64_t now, grace;
    now = check_time(L, 3);
    grace = (int64_t)luaL_checkinteger(L, 4);
    luaL_argcheck(L, grace >= 0, 4, "grace must be >= 0 seconds");
    key = check_key(L, 2, buf);
    ths_ticket_keys_rotate(t->k, key, now, grace);
    ths_wipe(buf, sizeof buf);
    return 0;
}

static int tk_since(lua_State *L)
{
    ticket_keys *t = check_keys(L);
    lua_pushnumber(L, (lua_Number)t->k->current.since);
    return 1;
}

static int tk_name(lua_State *L)
{
    ticket_keys *t = check_keys(L);
    lua_pushlstring(L, (const char *)t->k->current.name, THS_TICKET_NAME_LEN);
    return 1;
}

static lua_Integer field_integer(lua_State *L, int t, const char *name, lua_Integer lo, lua_Integer hi)
{
    lua_Integer v;
    lua_getfield(L, t, name);
    if (!lua_isnumber(L, -1))
        luaL_error(L, "tlshs.ticket_keys:seal: state.%s must be a number", name);
    v = lua_tointeger(L, -1);
    if (v < lo || v > hi)
        luaL_error(L, "tlshs.ticket_keys:seal: state.%s out of range", name);
    lua_pop(L, 1);
    return v;
}

/* keys:seal(state) — every argument is read (and may raise) before C
 * memory is taken; the strings stay anchored on the stack meanwhile. */
static int tk_seal(lua_State *L)
{
    ticket_keys *t = check_keys(L);
    ths_ticket_state s;
    ths_chunk *certs = NULL;
    size_t ncerts = 0, i, n, size, outlen = 0;
    uint8_t *out;
    ths_error err = {0, ""};
    int rc, certs_idx;

    memset(&s, 0, sizeof s);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    s.cipher_suite = (uint16_t)field_integer(L, 2, "cipher_suite", 0, 0xffff);
    s.issued = (int64_t)field_integer(L, 2, "issued", 0, (lua_Integer)1 << 52);
    s.lifetime = (uint32_t)field_integer(L, 2, "lifetime", 0, 0xffffffffu);
    lua_getfield(L, 2, "ems");
    s.ems = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, 2, "servername"); /* 3 */
    if (!lua_isnil(L, 3)) {
        if (lua_type(L, 3) != LUA_TSTRING)
            return luaL_error(L, "tlshs.ticket_keys:seal: state.servername must be a string or nil");
        s.servername = (const uint8_t *)lua_tolstring(L, 3, &s.servername_len);
        if (s.servername_len > 255)
            return luaL_error(L, "tlshs.ticket_keys:seal: state.servername over 255 bytes");
    }
    lua_getfield(L, 2, "master_secret"); /* 4 */
    if (!tlshs_is_secret(L, 4))
        return luaL_error(L, "tlshs.ticket_keys:seal: state.master_secret must be a tlshs.secret");
    s.master_secret = tlshs_check_bytes(L, 4, &n);
    if (n != THS_TICKET_MASTER_LEN)
        return luaL_error(L, "tlshs.ticket_keys:seal: state.master_secret must be 48 bytes");
    lua_getfield(L, 2, "certificates"); /* 5 */
    certs_idx = 5;
    if (!lua_isnil(L, certs_idx)) {
        luaL_checktype(L, certs_idx, LUA_TTABLE);
        ncerts = (size_t)lua_rawlen(L, certs_idx);
        if (ncerts > 4096)
            return luaL_error(L, "tlshs.ticket_keys:seal: too many certificates");
        /* One userdata holds the chunk array (collected, never leaked). */
        certs = (ths_chunk *)lua_newuserdata(L, (ncerts ? ncerts : 1) * sizeof *certs); /* 6 */
        for (i = 0; i < ncerts; i++) {
            lua_rawgeti(L, certs_idx, (lua_Integer)(i + 1));
            if (lua_type(L, -1) != LUA_TSTRING)
                return luaL_error(L, "tlshs.ticket_keys:seal: state.certificates[%d] must be a DER string", (int)(i + 1));
            /* anchored: the table at certs_idx keeps the string alive */
            certs[i].data = (const uint8_t *)lua_tolstring(L, -1, &certs[i].len);
            lua_pop(L, 1);
        }
    }
    size = ths_ticket_size(&s, certs, ncerts);
    if (size > THS_TICKET_MAX) {
        ths_fail(&err, THS_ERR_SPACE, "ticket: %lu bytes exceed the limit of %u", (unsigned long)size,
                 THS_TICKET_MAX);
        return tlshs_push_fail(L, THS_ERR_SPACE, &err);
    }
    out = (uint8_t *)lua_newuserdata(L, size); /* scratch, collected */
    rc = ths_ticket_seal(t->k, tlshs_rng(L), &s, certs, ncerts, out, size, &outlen, &err);
    if (rc)
        return tlshs_push_fail(L, rc, &err);
    lua_pushlstring(L, (const char *)out, outlen);
    return 1;
}

/* keys:open(ticket, now) */
static int tk_open(lua_State *L)
{
    ticket_keys *t = check_keys(L);
    size_t len, i = 0;
    const uint8_t *ticket = (const uint8_t *)luaL_checklstring(L, 2, &len);
    int64_t now = check_time(L, 3);
    ths_ticket_state s;
    ths_error err = {0, ""};
    uint8_t *plain;
    ths_reader r, cert;
    int rc;

    lua_settop(L, 3);
    /* The plaintext goes into a tlshs.secret, so that it is wiped however
     * this function ends (a raise on out-of-memory included). */
    tlshs_push_secret(L, ticket, len); /* 4: scratch of len bytes */
    plain = (uint8_t *)tlshs_check_bytes(L, 4, &i);
    i = 0;
    rc = ths_ticket_open(t->k, now, ticket, len, plain, &s, &err);
    if (rc) {
        ths_wipe(plain, len);
        return tlshs_push_fail(L, rc, &err);
    }
    tlshs_push_secret(L, s.master_secret, THS_TICKET_MASTER_LEN);
    lua_createtable(L, 0, 8);
    lua_insert(L, -2);
    lua_setfield(L, -2, "master_secret");
    lua_pushinteger(L, s.cipher_suite);
    lua_setfield(L, -2, "cipher_suite");
    lua_pushboolean(L, s.ems);
    lua_setfield(L, -2, "ems");
    lua_pushnumber(L, (lua_Number)s.issued);
    lua_setfield(L, -2, "issued");
    lua_pushnumber(L, (lua_Number)s.lifetime);
    lua_setfield(L, -2, "lifetime");
    if (s.servername_len > 0) {
        lua_pushlstring(L, (const char *)s.servername, s.servername_len);
        lua_setfield(L, -2, "servername");
    }
    lua_newtable(L);
    ths_rd_init(&r, s.certificates, s.certificates_len, "client_certificates", NULL);
    while (ths_rd_left(&r) > 0 && ths_rd_vector(&r, 3, 1, 0xffffff, "certificate", &cert) == THS_OK) {
        lua_pushlstring(L, (const char *)cert.data, cert.len);
        lua_rawseti(L, -2, (lua_Integer)++i);
    }
    lua_setfield(L, -2, "certificates");
    ths_wipe(plain, len);
    return 1;
}

void tlshs_open_ticket(lua_State *L)
{
    static const luaL_Reg methods[] = {{"seal", tk_seal},   {"open", tk_open}, {"rotate", tk_rotate},
                                       {"since", tk_since}, {"name", tk_name}, {"close", tk_gc},
                                       {NULL, NULL}};
    tlshs_define_class(L, TICKET_KEYS_MT, methods, tk_gc);
    lua_pushcfunction(L, l_ticket_keys);
    lua_setfield(L, -2, "ticket_keys");
}
