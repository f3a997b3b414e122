/* Lua binding: the crypto area registers keys (bind_crypto_pkey.c), hashes,
 * HMAC, HKDF and PRF (bind_crypto_hash.c) and key exchange (bind_crypto_kx.c). */
#include "bind_crypto.h"
#include "ths_crypto.h"

void tlshs_open_crypto(lua_State *L)
{
    if (ths_crypto_init() != THS_OK)
        luaL_error(L, "tlshs: crypto initialisation failed");
    tlshs_open_crypto_hash(L);
    tlshs_open_crypto_pkey(L);
}
