/* Lua binding: crypto functions (placeholder until the area lands). */
#include "binding.h"

void tlshs_open_crypto(lua_State *L)
{
    (void)L;
}
