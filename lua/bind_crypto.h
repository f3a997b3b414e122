/* Internal to the crypto binding (lua/bind_crypto*.c). */
#ifndef TLSHS_BIND_CRYPTO_H
#define TLSHS_BIND_CRYPTO_H

#include "binding.h"

/* Like tlshs_push_fail, but THS_ERR_UNSUPPORTED becomes nil, "unsupported", detail. */
int tlshs_crypto_fail(lua_State *L, int code, const ths_error *err);

void tlshs_open_crypto_pkey(lua_State *L);
void tlshs_open_crypto_hash(lua_State *L);
void tlshs_open_crypto_kx(lua_State *L);

#endif
