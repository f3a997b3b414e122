/* Lua binding: msg functions (placeholder until the area lands). */
#include "binding.h"

void tlshs_open_msg(lua_State *L)
{
    (void)L;
}
