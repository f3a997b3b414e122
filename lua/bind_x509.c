/* Lua binding: x509 functions (placeholder until the area lands). */
#include "binding.h"

void tlshs_open_x509(lua_State *L)
{
    (void)L;
}
