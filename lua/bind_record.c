/* Lua binding: record functions (placeholder until the area lands). */
#include "binding.h"

void tlshs_open_record(lua_State *L)
{
    (void)L;
}
