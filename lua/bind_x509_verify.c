/* Lua binding: cert:public_key() and tlshs.verify_chain (need the crypto area). */
#include "bind_x509.h"

int tlshs_cert_public_key(lua_State *L)
{
    tlshs_check_cert(L, 1);
    return luaL_error(L, "tlshs: cert:public_key() needs the crypto area");
}

int tlshs_verify_chain(lua_State *L)
{
    return luaL_error(L, "tlshs: verify_chain needs the crypto area");
}
