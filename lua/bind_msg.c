/*
 * Lua binding of the messages area: parse_handshake / build_handshake,
 * build_server_params and tlshs.names.  Parsing fills Lua tables through a
 * ths_sink; building reads them through a ths_source (ths_msg.h).  No C
 * memory is held while Lua runs: parse results point into the input string,
 * build output goes into a stack buffer (or, when too big, a Lua userdata
 * sized by a counting pass).
 */
#include "binding.h"
#include "ths_msg.h"
#include <string.h>

void tlshs_open_msg_record(lua_State *L);   /* bind_msg_record.c */

/* ---- sink: parsed values into Lua tables -------------------------------- */

#define SINK_DEPTH 16

typedef struct {
    ths_sink base;
    lua_State *L;
    int depth;
    const char *names[SINK_DEPTH];
} lua_sink;

/* Stores the value on top into the table below it: t[name] or t[#t+1]. */
static void sink_store(lua_State *L, const char *name)
{
    if (name)
        lua_setfield(L, -2, name);
    else
        lua_rawseti(L, -2, (int)lua_rawlen(L, -2) + 1);
}

static void sink_num(ths_sink *s, const char *name, uint32_t v)
{
    lua_State *L = ((lua_sink *)s)->L;
    lua_pushinteger(L, (lua_Integer)v);
    sink_store(L, name);
}

static void sink_bytes(ths_sink *s, const char *name, const uint8_t *p, size_t n)
{
    lua_State *L = ((lua_sink *)s)->L;
    lua_pushlstring(L, (const char *)p, n);
    sink_store(L, name);
}

static void sink_open(ths_sink *s, const char *name)
{
    lua_sink *ls = (lua_sink *)s;
    luaL_checkstack(ls->L, 4, "tlshs: message nesting");
    lua_newtable(ls->L);
    if (ls->depth < SINK_DEPTH)
        ls->names[ls->depth] = name;
    ls->depth++;
}

static void sink_close(ths_sink *s)
{
    lua_sink *ls = (lua_sink *)s;
    const char *name = NULL;
    ls->depth--;
    if (ls->depth < SINK_DEPTH)
        name = ls->names[ls->depth];
    sink_store(ls->L, name);
}

static void sink_init(lua_sink *s, lua_State *L)
{
    memset(s, 0, sizeof *s);
    s->base.num = sink_num;
    s->base.bytes = sink_bytes;
    s->base.open = sink_open;
    s->base.close = sink_close;
    s->L = L;
}

/* ---- source: Lua tables into the builder -------------------------------- */

typedef struct {
    ths_source base;
    lua_State *L;
} lua_source;

static void src_get(ths_source *s, const char *name, size_t idx, ths_src_val *v)
{
    lua_State *L = ((lua_source *)s)->L;
    luaL_checkstack(L, 4, "tlshs: message nesting");
    if (name)
        lua_getfield(L, -1, name);
    else
        lua_rawgeti(L, -1, (int)idx);
    memset(v, 0, sizeof *v);
    switch (lua_type(L, -1)) {
    case LUA_TNIL:
        v->kind = THS_SRC_NIL;
        break;
    case LUA_TNUMBER:
        v->kind = THS_SRC_NUM;
        v->num = (double)lua_tonumber(L, -1);
        break;
    case LUA_TSTRING:
        v->kind = THS_SRC_STR;
        v->p = (const uint8_t *)lua_tolstring(L, -1, &v->n);
        break;
    case LUA_TTABLE:
        v->kind = THS_SRC_TABLE;
        v->n = lua_rawlen(L, -1);
        break;
    default:
        v->kind = THS_SRC_OTHER;
    }
}

static void src_pop(ths_source *s)
{
    lua_pop(((lua_source *)s)->L, 1);
}

static void source_init(lua_source *s, lua_State *L)
{
    s->base.get = src_get;
    s->base.pop = src_pop;
    s->L = L;
}

typedef int (*build_fn)(ths_writer *w, ths_source *src, ths_error *err);

/* Most messages fit here: built in one pass, then copied into a string. */
#define BUILD_STACK 8192

/* Builds the table at index 1 and pushes the bytes: one pass into a stack
 * buffer; a message that does not fit is counted, then written into a
 * userdata of that size.  A table the builder refuses is a script error:
 * raises (no C memory is held). */
static int build_twice(lua_State *L, build_fn fn)
{
    lua_source src;
    ths_writer w;
    ths_error err;
    uint8_t stack[BUILD_STACK];
    uint8_t *buf;
    size_t need;
    int rc;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    source_init(&src, L);
    ths_wr_init(&w, stack, sizeof stack);
    rc = fn(&w, &src.base, &err);
    if (!w.failed) {   /* it fitted: the result or the builder's refusal */
        if (rc != 0)
            return luaL_error(L, "%s", err.detail);
        lua_pushlstring(L, (const char *)stack, w.len);
        return 1;
    }
    ths_wr_init(&w, NULL, 0);
    if ((rc = fn(&w, &src.base, &err)) != 0)
        return luaL_error(L, "%s", err.detail);
    need = w.len;
    buf = (uint8_t *)lua_newuserdata(L, need ? need : 1);
    lua_pushvalue(L, 1);   /* the builder reads the table on top */
    ths_wr_init(&w, buf, need);
    if ((rc = fn(&w, &src.base, &err)) != 0 || w.len != need)
        return luaL_error(L, "%s", rc ? err.detail : "tlshs: the message changed while it was built");
    lua_pushlstring(L, (const char *)buf, need);
    return 1;
}

/* ---- functions ---------------------------------------------------------- */

static int kx_of(lua_State *L, const char *s)
{
    if (!s)
        return THS_MSG_KX_NONE;
    if (strcmp(s, "rsa") == 0)
        return THS_MSG_KX_RSA;
    if (strcmp(s, "dhe") == 0 || strcmp(s, "dh_anon") == 0)
        return THS_MSG_KX_DHE;
    if (strcmp(s, "ecdhe") == 0 || strcmp(s, "ecdh_anon") == 0)
        return THS_MSG_KX_ECDHE;
    return luaL_error(L, "tlshs: unknown kx \"%s\" (rsa, dhe or ecdhe)", s);
}

/* tlshs.parse_handshake(bytes [, pos [, opts]]) → msg, next_pos
 * | nil, "need_more", detail | nil, alert, detail */
static int l_parse_handshake(lua_State *L)
{
    size_t len, used = 0;
    const uint8_t *p = (const uint8_t *)luaL_checklstring(L, 1, &len);
    lua_Integer pos = tlshs_opt_int(L, 2, 1, 1, (lua_Integer)len + 1);
    int kx = THS_MSG_KX_NONE, anon = 0, rc;
    lua_sink sink;
    ths_error err;
    if (!lua_isnoneornil(L, 3)) {
        const char *kxs;
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_getfield(L, 3, "kx");
        kxs = lua_tostring(L, -1);
        kx = kx_of(L, kxs);
        lua_getfield(L, 3, "anonymous");
        anon = lua_toboolean(L, -1) || (kxs && (strcmp(kxs, "dh_anon") == 0 || strcmp(kxs, "ecdh_anon") == 0));
        lua_pop(L, 2);
    }
    p += pos - 1;
    len -= (size_t)(pos - 1);
    lua_settop(L, 3);
    lua_newtable(L);
    sink_init(&sink, L);
    rc = ths_msg_parse(p, len, kx, anon, &used, &sink.base, &err);
    if (rc != 0) {
        lua_settop(L, 3);
        return tlshs_push_fail(L, rc, &err);
    }
    lua_pushlstring(L, (const char *)p, used);
    lua_setfield(L, -2, "raw");
    lua_pushinteger(L, pos + (lua_Integer)used);
    return 2;
}

/* tlshs.build_handshake(msg) → bytes (header included) */
static int l_build_handshake(lua_State *L)
{
    return build_twice(L, ths_msg_build);
}

/* tlshs.build_server_params(msg) → ServerECDHParams / ServerDHParams bytes */
static int l_build_server_params(lua_State *L)
{
    return build_twice(L, ths_msg_build_params);
}

/* tlshs.names.<table>[number] = name and [name] = number */
static void push_names(lua_State *L)
{
    int id;
    lua_newtable(L);
    for (id = 0; id < THS_NAMES_COUNT; id++) {
        const ths_name *e;
        size_t n, i;
        const char *tname = ths_names_table(id, &e, &n);
        lua_newtable(L);
        for (i = 0; i < n; i++) {
            lua_pushstring(L, e[i].name);
            lua_rawseti(L, -2, (int)e[i].value);
            lua_getfield(L, -1, e[i].name);
            if (lua_isnil(L, -1)) {   /* first value wins: "GREASE" → 0x0A0A */
                lua_pushinteger(L, (lua_Integer)e[i].value);
                lua_setfield(L, -3, e[i].name);
            }
            lua_pop(L, 1);
        }
        lua_setfield(L, -2, tname);
    }
}

void tlshs_open_msg(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"parse_handshake", l_parse_handshake},
        {"build_handshake", l_build_handshake},
        {"build_server_params", l_build_server_params},
        {NULL, NULL}};
    luaL_setfuncs(L, functions, 0);
    push_names(L);
    lua_setfield(L, -2, "names");
    tlshs_open_msg_record(L);
}
