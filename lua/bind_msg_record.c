/*
 * Lua binding of the record header layer, ChangeCipherSpec, alerts and the
 * handshake reassembler (messages area; record protection lives elsewhere).
 */
#include "binding.h"
#include "ths_msg.h"
#include <string.h>

#define REASM_CLASS "tlshs.reassembler"

/* A number, or a name from names table `id` (for content types, alerts...). */
static uint32_t check_named(lua_State *L, int idx, const char *field, int id, uint32_t max)
{
    uint32_t v = 0;
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *s = lua_tostring(L, idx);
        if (ths_name_value(id, s, &v) != 0)
            luaL_error(L, "tlshs: %s: unknown name \"%s\"", field, s);
        return v;
    }
    if (lua_type(L, idx) == LUA_TNUMBER) {
        int ok;
        lua_Integer n = tlshs_to_int(L, idx, 0, (lua_Integer)max, &ok);
        if (!ok)   /* NaN, ±inf, fractions and out-of-range values */
            luaL_error(L, "tlshs: %s: %f does not fit", field, (double)lua_tonumber(L, idx));
        return (uint32_t)n;
    }
    luaL_error(L, "tlshs: %s: expected a name or a number, got %s", field, luaL_typename(L, idx));
    return 0;
}

/* tlshs.parse_record(bytes [, pos]) → rec, next_pos | nil, "need_more" | nil, "record_overflow", detail */
static int l_parse_record(lua_State *L)
{
    size_t len, used = 0;
    const uint8_t *p = (const uint8_t *)luaL_checklstring(L, 1, &len);
    lua_Integer pos = tlshs_opt_int(L, 2, 1, 1, (lua_Integer)len + 1);
    ths_record rec;
    ths_error err;
    int rc;
    rc = ths_record_parse(p + pos - 1, len - (size_t)(pos - 1), &rec, &used, &err);
    if (rc != 0)
        return tlshs_push_fail(L, rc, &err);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, rec.content_type);
    lua_setfield(L, -2, "content_type");
    lua_pushinteger(L, rec.version);
    lua_setfield(L, -2, "version");
    lua_pushlstring(L, (const char *)rec.fragment, rec.length);
    lua_setfield(L, -2, "fragment");
    lua_pushinteger(L, pos + (lua_Integer)used);
    return 2;
}

/* tlshs.build_record{content_type=, version=, fragment=, length=} → bytes */
static int l_build_record(lua_State *L)
{
    uint32_t type, version;
    long ov = -1;
    size_t n;
    const char *frag;
    ths_writer w;
    uint8_t *out;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_getfield(L, 1, "content_type");
    type = check_named(L, 2, "record.content_type", THS_NAMES_CONTENT_TYPES, 255);
    lua_getfield(L, 1, "version");
    version = lua_isnil(L, 3) ? 0x0303 : check_named(L, 3, "record.version", THS_NAMES_VERSIONS, 65535);
    lua_getfield(L, 1, "fragment");
    frag = lua_isnil(L, 4) ? "" : luaL_checklstring(L, 4, &n);
    if (lua_isnil(L, 4))
        n = 0;
    lua_getfield(L, 1, "length");
    if (!lua_isnil(L, 5))
        ov = (long)check_named(L, 5, "record.length", -1, 65535);
    else if (n > 65535)
        return luaL_error(L, "tlshs: record.fragment: %d bytes do not fit a 2-byte length (give length=)", (int)n);
    out = (uint8_t *)lua_newuserdata(L, n + THS_RECORD_HEADER);
    ths_wr_init(&w, out, n + THS_RECORD_HEADER);
    ths_record_build(&w, (uint8_t)type, (uint16_t)version, (const uint8_t *)frag, n, ov);
    lua_pushlstring(L, (const char *)out, w.len);
    return 1;
}

/* tlshs.parse_change_cipher_spec(bytes) → {type=1} (RFC 5246 §7.1) */
static int l_parse_ccs(lua_State *L)
{
    size_t n;
    const uint8_t *p = (const uint8_t *)luaL_checklstring(L, 1, &n);
    ths_error err;
    err.code = 0;
    if (n != 1) {
        ths_fail(&err, THS_ALERT_DECODE_ERROR, "change_cipher_spec: length %d, expected 1", (int)n);
        return tlshs_push_fail(L, err.code, &err);
    }
    if (p[0] != 1) {
        ths_fail(&err, THS_ALERT_ILLEGAL_PARAMETER, "change_cipher_spec.type: %u at offset 0, expected 1", p[0]);
        return tlshs_push_fail(L, err.code, &err);
    }
    lua_createtable(L, 0, 1);
    lua_pushinteger(L, 1);
    lua_setfield(L, -2, "type");
    return 1;
}

/* tlshs.build_change_cipher_spec([value]) → one byte (1 unless told) */
static int l_build_ccs(lua_State *L)
{
    lua_Integer v = tlshs_opt_int(L, 1, 1, 0, 255);
    char c = (char)v;
    lua_pushlstring(L, &c, 1);
    return 1;
}

/* tlshs.parse_alert(bytes) → {level, description, level_name, description_name} (RFC 5246 §7.2) */
static int l_parse_alert(lua_State *L)
{
    size_t n;
    const uint8_t *p = (const uint8_t *)luaL_checklstring(L, 1, &n);
    const char *name;
    ths_error err;
    err.code = 0;
    if (n != 2) {
        ths_fail(&err, THS_ALERT_DECODE_ERROR, "alert: length %d, expected 2", (int)n);
        return tlshs_push_fail(L, err.code, &err);
    }
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, p[0]);
    lua_setfield(L, -2, "level");
    lua_pushinteger(L, p[1]);
    lua_setfield(L, -2, "description");
    if ((name = ths_name_of(THS_NAMES_ALERT_LEVELS, p[0])) != NULL) {
        lua_pushstring(L, name);
        lua_setfield(L, -2, "level_name");
    }
    if ((name = ths_name_of(THS_NAMES_ALERTS, p[1])) != NULL) {
        lua_pushstring(L, name);
        lua_setfield(L, -2, "description_name");
    }
    return 1;
}

/* tlshs.build_alert{level=, description=} (names or numbers) → 2 bytes */
static int l_build_alert(lua_State *L)
{
    char out[2];
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_getfield(L, 1, "level");
    out[0] = (char)check_named(L, 2, "alert.level", THS_NAMES_ALERT_LEVELS, 255);
    lua_getfield(L, 1, "description");
    out[1] = (char)check_named(L, 3, "alert.description", THS_NAMES_ALERTS, 255);
    lua_pushlstring(L, out, 2);
    return 1;
}

/* ---- reassembler -------------------------------------------------------- */

/* The userdata: the reassembler and whether __gc already freed it (a freed
 * ths_reasm is all zeros, like a new one with max_message_size 0). */
typedef struct {
    ths_reasm r;
    int closed;
} lreasm;

static ths_reasm *check_reasm(lua_State *L)
{
    lreasm *lr = (lreasm *)luaL_checkudata(L, 1, REASM_CLASS);
    if (lr->closed)
        tlshs_closed(L, REASM_CLASS);
    return &lr->r;
}

/* tlshs.reassembler([max_message_size]) */
static int l_reassembler(lua_State *L)
{
    lua_Integer max = tlshs_opt_int(L, 1, THS_REASM_DEFAULT_MAX, 0, 0xFFFFFF);
    ths_reasm *r = &((lreasm *)tlshs_new_object(L, sizeof(lreasm), REASM_CLASS))->r;
    ths_reasm_init(r, (size_t)max);
    if (max == 0)
        r->max_body = 0;
    return 1;
}

static int l_reasm_push(lua_State *L)
{
    ths_reasm *r = check_reasm(L);
    size_t n;
    const char *p = luaL_checklstring(L, 2, &n);
    if (ths_reasm_push(r, (const uint8_t *)p, n) != 0)
        return luaL_error(L, "tlshs: reassembler: out of memory");
    lua_settop(L, 1);
    return 1;
}

static int l_reasm_next(lua_State *L)
{
    ths_reasm *r = check_reasm(L);
    const uint8_t *msg;
    size_t n;
    ths_error err;
    int rc = ths_reasm_next(r, &msg, &n, &err);
    if (rc != 0)
        return tlshs_push_fail(L, rc, &err);
    if (!msg) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushlstring(L, (const char *)msg, n);
    return 1;
}

static int l_reasm_pending(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)ths_reasm_pending(check_reasm(L)));
    return 1;
}

static int l_reasm_gc(lua_State *L)
{
    lreasm *lr = (lreasm *)luaL_checkudata(L, 1, REASM_CLASS);
    ths_reasm_free(&lr->r);
    lr->closed = 1;
    return 0;
}

void tlshs_open_msg_record(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"parse_record", l_parse_record},
        {"build_record", l_build_record},
        {"parse_change_cipher_spec", l_parse_ccs},
        {"build_change_cipher_spec", l_build_ccs},
        {"parse_alert", l_parse_alert},
        {"build_alert", l_build_alert},
        {"reassembler", l_reassembler},
        {NULL, NULL}};
    static const luaL_Reg methods[] = {
        {"push", l_reasm_push},
        {"next", l_reasm_next},
        {"pending", l_reasm_pending},
        {NULL, NULL}};
    tlshs_define_class(L, REASM_CLASS, methods, l_reasm_gc);
    luaL_setfuncs(L, functions, 0);
}
