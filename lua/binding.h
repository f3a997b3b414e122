/* Shared helpers of the tlshs Lua binding (one file per area registers its functions). */
#ifndef TLSHS_BINDING_H
#define TLSHS_BINDING_H

#include "compat.h"
#include "tlshs.h"

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

/* Each area registers its functions into the module table on top of the stack. */
void tlshs_open_secret(lua_State *L);
void tlshs_open_msg(lua_State *L);
void tlshs_open_crypto(lua_State *L);
void tlshs_open_record(lua_State *L);
void tlshs_open_x509(lua_State *L);
void tlshs_open_ticket(lua_State *L);  /* lua/bind_ticket.c */
void tlshs_open_keylog(lua_State *L);  /* lua/bind_keylog.c */

#endif
