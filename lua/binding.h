/* Shared helpers of the tlshs Lua binding (one file per area registers its functions). */
#ifndef TLSHS_BINDING_H
#define TLSHS_BINDING_H

#include <stdio.h>
#include "compat.h"
#include "tlshs.h"
#include <string.h>

/* Pushes nil, <alert name>, <detail> and returns 3 — the failure shape of
 * every function that reads untrusted bytes.  Internal codes map to
 * "internal_error" (or "need_more" for THS_ERR_NEED_MORE). */
int tlshs_push_fail(lua_State *L, int code, const ths_error *err);

/* A zero-filled userdata with the named metatable, so __gc is always safe. */
void *tlshs_new_object(lua_State *L, size_t size, const char *metatable);

/* Creates (once) a metatable with methods in __index and the given __gc. */
void tlshs_define_class(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction gc);

/* The random generator of this Lua state (system, or seeded by tlshs.set_random). */
ths_rng *tlshs_rng(lua_State *L);

/* Key material: a Lua string or a tlshs.secret (lua/secret.c). */
const uint8_t *tlshs_check_bytes(lua_State *L, int idx, size_t *len);
int tlshs_is_secret(lua_State *L, int idx);
/* Pushes a new tlshs.secret holding a copy of p; wiped when collected. */
void tlshs_push_secret(lua_State *L, const uint8_t *p, size_t len);

/* Pushes a zeroed key object ("tlshs.pkey", freed and wiped by __gc) and
 * returns its ths_pkey to fill; lua/bind_crypto.c.  Used by the X.509 binding
 * for cert:public_key(). */
struct ths_pkey;
struct ths_pkey *tlshs_new_pkey(lua_State *L);

/* ---- argument checks shared by every binding file --------------------- */

/* The number at idx as an integer in lo..hi, or 0 with *ok = 0 when it is
 * not a number, not integral, NaN, ±inf or out of range.  Never casts an
 * out-of-range double (undefined behaviour in C): the bounds are compared
 * as doubles first, and kept within ±2^53 where doubles are exact. */
static inline lua_Integer tlshs_to_int(lua_State *L, int idx, lua_Integer lo, lua_Integer hi, int *ok)
{
    lua_Number d, dlo, dhi;
    *ok = 0;
    if (lua_type(L, idx) != LUA_TNUMBER)
        return 0;
#if LUA_VERSION_NUM >= 503
    if (lua_isinteger(L, idx)) {
        lua_Integer v = lua_tointeger(L, idx);
        if (v < lo || v > hi)
            return 0;
        *ok = 1;
        return v;
    }
#endif
    d = lua_tonumber(L, idx);
    dlo = lo < -9007199254740992LL ? -9007199254740992.0 : (lua_Number)lo;
    dhi = hi > 9007199254740992LL ? 9007199254740992.0 : (lua_Number)hi;
    if (!(d >= dlo && d <= dhi) || (lua_Number)(lua_Integer)d != d)   /* NaN fails the first test */
        return 0;
    *ok = 1;
    return (lua_Integer)d;
}

/* Argument idx must be an integer in lo..hi: raises naming the range. */
static inline lua_Integer tlshs_check_int(lua_State *L, int idx, lua_Integer lo, lua_Integer hi)
{
    int ok;
    lua_Integer v = tlshs_to_int(L, idx, lo, hi, &ok);
    if (!ok) {
        char msg[96];
        if (lua_type(L, idx) == LUA_TNUMBER)
            snprintf(msg, sizeof msg, "integer in %lld..%lld expected, got %.17g", (long long)lo, (long long)hi,
                     (double)lua_tonumber(L, idx));
        else
            snprintf(msg, sizeof msg, "integer in %lld..%lld expected, got %s", (long long)lo, (long long)hi,
                     luaL_typename(L, idx));
        luaL_argerror(L, idx, msg);
    }
    return v;
}

static inline lua_Integer tlshs_opt_int(lua_State *L, int idx, lua_Integer dflt, lua_Integer lo, lua_Integer hi)
{
    return lua_isnoneornil(L, idx) ? dflt : tlshs_check_int(L, idx, lo, hi);
}

/* A name argument (hash, group, scheme...): a string without embedded NULs,
 * so "sha256\0x" is not taken for "sha256". */
static inline const char *tlshs_check_name(lua_State *L, int idx)
{
    size_t n;
    const char *s = luaL_checklstring(L, idx, &n);
    if (strlen(s) != n)
        luaL_argerror(L, idx, "name contains a NUL byte");
    return s;
}

/* A min_rsa_bits argument or option: nil → the default floor (passed to C
 * as 0), 0 → no floor, else 1..16384 bits. */
static inline int tlshs_rsa_floor(lua_State *L, int idx)
{
    lua_Integer v = tlshs_opt_int(L, idx, 0, 0, 16384);
    return lua_isnoneornil(L, idx) ? 0 : v == 0 ? 1 : (int)v;
}

/* Raises "<class>: object is closed": every method of a finalized object
 * (after __gc, close or wipe) says so instead of touching wiped state. */
static inline int tlshs_closed(lua_State *L, const char *cls)
{
    return luaL_error(L, "%s: object is closed", cls);
}

/* Each area registers its functions into the module table on top of the stack. */
void tlshs_open_secret(lua_State *L);
void tlshs_open_msg(lua_State *L);
void tlshs_open_crypto(lua_State *L);
void tlshs_open_record(lua_State *L);
void tlshs_open_x509(lua_State *L);
void tlshs_open_ticket(lua_State *L);  /* lua/bind_ticket.c */
void tlshs_open_keylog(lua_State *L);  /* lua/bind_keylog.c */

#endif
