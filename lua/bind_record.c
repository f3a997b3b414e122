/* Lua binding: record protection (core/include/ths_record.h).
 *
 *   p = tlshs.record_protection{cipher=, mac=, key=, iv=, mac_key=, etm=, version=}
 *   p:seal(type, plaintext [, {pad=, iv=, corrupt_mac=, corrupt_tag=, corrupt_padding=}])
 *   p:open(type, fragment)  → plaintext | nil, alert, detail
 *   p:sequence(), p:set_sequence(n), p:cipher(), p:mac(), p:etm(),
 *   p:overhead(), p:version(), p:set_version(v)
 *   tlshs._aead(cipher, key, nonce, aad, data, tag_or_nil, encrypt [, software])
 *     test-only: the record layer's own AEAD functions, for vector files.
 */
#include "binding.h"
#include "ths_record.h"
#include <stdint.h>
#include <string.h>

#define REC_MT "tlshs.record_protection"

/* The C state lives inside the userdata (aligned by hand: libsodium's
 * AES-GCM state wants 16 bytes), so the garbage collector sees its real
 * size (~70 KiB with libtomcrypt's GHASH tables) and the core mallocs
 * nothing; __gc wipes it. */
typedef struct {
    ths_rec_state *st; /* into the same userdata; NULL once wiped */
} lrec;

#define REC_ALIGN 64

static ths_rec_state *aligned_state(void *base)
{
    uintptr_t p = (uintptr_t)base;
    return (ths_rec_state *)((p + REC_ALIGN - 1) & ~(uintptr_t)(REC_ALIGN - 1));
}

/* A zeroed userdata holding an lrec and room for an aligned state of `size`
 * bytes (ths_rec_state_size: a ChaCha20 or libsodium GCM state is ~1 KiB,
 * only libtomcrypt's GCM needs its 70 KiB of tables). */
static lrec *new_rec(lua_State *L, size_t size)
{
    lrec *r = (lrec *)tlshs_new_object(L, sizeof(lrec) + size + REC_ALIGN, REC_MT);
    r->st = aligned_state((void *)(r + 1));
    r->st->alloc_size = size;
    return r;
}

/* One reusable output buffer per Lua state (in the registry) for seal and
 * open: the result is copied into a Lua string anyway, and a fresh 16 KiB
 * userdata per record costs an allocation, a collection and cache misses
 * (ChaCha20-Poly1305 on 16 KiB records went from 0.68x to ~1.0x of raw
 * libsodium: bench/README.md).  The
 * buffer is left on the stack; open wipes the plaintext it held. */
#define SCRATCH_KEY "tlshs.record_scratch"
#define SCRATCH_MIN (THS_REC_MAX_PLAIN + 2048 + 64)

static uint8_t *scratch(lua_State *L, size_t n)
{
    uint8_t *p;
    lua_getfield(L, LUA_REGISTRYINDEX, SCRATCH_KEY);
    p = (uint8_t *)lua_touserdata(L, -1);
    if (p && lua_rawlen(L, -1) >= n)
        return p;
    lua_pop(L, 1);
    p = (uint8_t *)lua_newuserdata(L, n > SCRATCH_MIN ? n : SCRATCH_MIN);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, SCRATCH_KEY);
    return p;
}

static ths_rec_state *check_rec(lua_State *L)
{
    lrec *r = (lrec *)luaL_checkudata(L, 1, REC_MT);
    if (!r->st)
        tlshs_closed(L, REC_MT);
    return r->st;
}

/* Optional bytes field t[name] pushed on the stack (kept there so the
 * pointer stays valid); NULL/0 when absent. */
static const uint8_t *opt_bytes_field(lua_State *L, int t, const char *name, size_t *len)
{
    lua_getfield(L, t, name);
    *len = 0;
    if (lua_isnil(L, -1))
        return NULL;
    if (!lua_isstring(L, -1) && !tlshs_is_secret(L, -1))
        luaL_error(L, "record_protection: %s must be a string or a tlshs.secret", name);
    return tlshs_check_bytes(L, lua_gettop(L), len);
}

/* Left on the stack like opt_bytes_field: an __index metamethod may return
 * a string nothing else references. */
static const char *opt_string_field(lua_State *L, int t, const char *name)
{
    size_t n;
    const char *s;
    lua_getfield(L, t, name);
    if (lua_isnil(L, -1))
        return NULL;
    if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "record_protection: %s must be a string", name);
    s = lua_tolstring(L, -1, &n);
    if (strlen(s) != n)
        luaL_error(L, "record_protection: %s contains a NUL byte", name);
    return s;
}

static int opt_bool_field(lua_State *L, int t, const char *name)
{
    int b;
    lua_getfield(L, t, name);
    b = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return b;
}

static lua_Integer opt_int_field(lua_State *L, int t, const char *name, lua_Integer dflt,
                                 lua_Integer lo, lua_Integer hi)
{
    lua_Integer v = dflt;
    lua_getfield(L, t, name);
    if (!lua_isnil(L, -1)) {
        int ok;
        v = tlshs_to_int(L, lua_gettop(L), lo, hi, &ok);
        if (!ok)
            luaL_error(L, "%s must be an integer in %d..%d", name, (int)lo, (int)hi);
    }
    lua_pop(L, 1);
    return v;
}

/* tlshs.record_protection{...} → a protection state for one direction. */
static int l_record_protection(lua_State *L)
{
    const char *cname, *mname;
    const uint8_t *key, *iv, *mac_key;
    size_t key_len, iv_len, mac_key_len;
    int cipher, mac = THS_REC_MAC_NONE, top;
    unsigned flags = 0;
    lua_Integer version;
    lrec *r;
    ths_error err = {0, ""};

    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    cname = opt_string_field(L, 1, "cipher");
    if (!cname)
        return luaL_error(L, "record_protection: cipher is required");
    cipher = ths_rec_cipher_from_name(cname);
    if (cipher < 0)
        return luaL_error(L, "record_protection: unknown cipher '%s'", cname);
    mname = opt_string_field(L, 1, "mac");
    if (mname && (mac = ths_rec_mac_from_name(mname)) < 0)
        return luaL_error(L, "record_protection: unknown mac '%s'", mname);
    version = opt_int_field(L, 1, "version", 0x0303, 0, 0xffff);
    if (opt_bool_field(L, 1, "etm"))
        flags |= THS_REC_ETM;
    if (opt_bool_field(L, 1, "software_gcm"))
        flags |= THS_REC_SOFTWARE_GCM;
    top = lua_gettop(L);
    key = opt_bytes_field(L, 1, "key", &key_len);
    iv = opt_bytes_field(L, 1, "iv", &iv_len);
    mac_key = opt_bytes_field(L, 1, "mac_key", &mac_key_len);

    r = new_rec(L, ths_rec_state_size((ths_rec_cipher)cipher, flags));
    if (ths_rec_init(r->st, (ths_rec_cipher)cipher, (ths_rec_mac)mac, key, key_len, iv, iv_len, mac_key,
                     mac_key_len, flags, (uint16_t)version, &err) != THS_OK)
        return luaL_error(L, "%s", err.detail); /* nothing to free: the state is wiped */
    lua_replace(L, top + 1);
    lua_settop(L, top + 1);
    return 1;
}

static int rec_gc(lua_State *L)
{
    lrec *r = (lrec *)luaL_checkudata(L, 1, REC_MT);
    ths_rec_wipe(r->st);
    r->st = NULL;
    return 0;
}

/* p:seal(type, plaintext [, opts]) → fragment */
static int rec_seal(lua_State *L)
{
    ths_rec_state *st = check_rec(L);
    lua_Integer type = tlshs_check_int(L, 2, 0, 255);
    size_t plain_len, size, out_len = 0;
    const uint8_t *plain = tlshs_check_bytes(L, 3, &plain_len);
    ths_rec_seal_opts opts = {-1, 0, 0, NULL};
    int cbc = st->cipher == THS_REC_AES_128_CBC || st->cipher == THS_REC_AES_256_CBC;
    uint8_t *out;
    ths_error err = {0, ""};
    int rc;

    luaL_argcheck(L, plain_len <= THS_REC_MAX_PLAIN, 3, "plaintext longer than 2^14 bytes");
    if (!lua_isnoneornil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        opts.pad = (int)opt_int_field(L, 4, "pad", -1, 0, 255);
        opts.corrupt_mac = opt_bool_field(L, 4, "corrupt_mac") || opt_bool_field(L, 4, "corrupt_tag");
        opts.corrupt_padding = opt_bool_field(L, 4, "corrupt_padding");
        luaL_argcheck(L, cbc || (opts.pad < 0 && !opts.corrupt_padding), 4,
                      "pad and corrupt_padding apply to CBC only");
        lua_getfield(L, 4, "iv");
        if (!lua_isnil(L, -1)) {
            size_t n;
            opts.iv = (const uint8_t *)lua_tolstring(L, -1, &n);
            luaL_argcheck(L, opts.iv && ((cbc && n == 16) || ((st->cipher == THS_REC_AES_128_GCM ||
                                                                st->cipher == THS_REC_AES_256_GCM) && n == 8)),
                          4, "iv: 16 bytes for CBC, 8 (explicit nonce) for GCM");
        }
        luaL_argcheck(L, opts.corrupt_mac == 0 || st->cipher != THS_REC_NULL || st->mac != THS_REC_MAC_NONE,
                      4, "this state has no MAC or tag to corrupt");
    }
    if (st->seq_exhausted) {
        ths_fail(&err, THS_ERR_ARG, "record(%s): sequence number exhausted", ths_rec_cipher_name(st->cipher));
        return tlshs_push_fail(L, THS_ERR_ARG, &err);
    }
    size = ths_rec_sealed_size(st, plain_len, &opts);
    out = scratch(L, size ? size : 1);
    rc = ths_rec_seal(st, (uint8_t)type, plain, plain_len, &opts, tlshs_rng(L), out, &out_len, &err);
    if (rc == THS_ERR_ARG)
        return luaL_error(L, "%s", err.detail);
    if (rc != THS_OK)
        return tlshs_push_fail(L, rc, &err);
    lua_pushlstring(L, (const char *)out, out_len);
    return 1;
}

/* p:open(type, fragment) → plaintext | nil, alert, detail */
static int rec_open(lua_State *L)
{
    ths_rec_state *st = check_rec(L);
    lua_Integer type = tlshs_check_int(L, 2, 0, 255);
    size_t frag_len, out_len = 0;
    const uint8_t *frag = (const uint8_t *)luaL_checklstring(L, 3, &frag_len);
    uint8_t *out;
    ths_error err = {0, ""};
    int rc;

    out = scratch(L, frag_len ? frag_len : 1);
    rc = ths_rec_open(st, (uint8_t)type, frag, frag_len, out, &out_len, &err);
    if (rc != THS_OK)
        return tlshs_push_fail(L, rc, &err);
    lua_pushlstring(L, (const char *)out, out_len);
    ths_wipe(out, out_len);
    return 1;
}

/* p:sequence() → n (exact up to 2^53), 8-byte big-endian string */
static int rec_sequence(lua_State *L)
{
    ths_rec_state *st = check_rec(L);
    char be[8];
    int i;
    if (st->seq <= ((uint64_t)1 << 53))
        lua_pushinteger(L, (lua_Integer)st->seq);
    else
        lua_pushnumber(L, (lua_Number)st->seq);
    for (i = 0; i < 8; i++)
        be[i] = (char)(st->seq >> (56 - 8 * i));
    lua_pushlstring(L, be, 8);
    return 2;
}

/* p:set_sequence(n) — n an integer in 0..2^53, or an 8-byte big-endian string. */
static int rec_set_sequence(lua_State *L)
{
    ths_rec_state *st = check_rec(L);
    uint64_t seq = 0;
    if (lua_type(L, 2) == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, 2, &n);
        int i;
        luaL_argcheck(L, n == 8, 2, "sequence string must be 8 bytes");
        for (i = 0; i < 8; i++)
            seq = (seq << 8) | (uint8_t)s[i];
    } else {
        lua_Number d = luaL_checknumber(L, 2);
        luaL_argcheck(L, d >= 0 && d <= 9007199254740992.0 && d == (lua_Number)(uint64_t)d, 2,
                      "sequence must be an integer in 0..2^53 (or an 8-byte string)");
        seq = (uint64_t)d;
    }
    st->seq = seq;
    st->seq_exhausted = 0;
    return 0;
}

static int rec_cipher(lua_State *L)
{
    lua_pushstring(L, ths_rec_cipher_name(check_rec(L)->cipher));
    return 1;
}

static int rec_mac(lua_State *L)
{
    ths_rec_state *st = check_rec(L);
    if (st->mac == THS_REC_MAC_NONE)
        lua_pushnil(L);
    else
        lua_pushstring(L, ths_rec_mac_name(st->mac));
    return 1;
}

static int rec_etm(lua_State *L)
{
    lua_pushboolean(L, check_rec(L)->etm);
    return 1;
}

static int rec_overhead(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)ths_rec_overhead(check_rec(L)));
    return 1;
}

static int rec_version(lua_State *L)
{
    lua_pushinteger(L, check_rec(L)->version);
    return 1;
}

static int rec_set_version(lua_State *L)
{
    ths_rec_state *st = check_rec(L);
    lua_Integer v = tlshs_check_int(L, 2, 0, 0xffff);
    st->version = (uint16_t)v;
    return 0;
}

/* tlshs._aead(cipher, key, nonce, aad, data, tag_or_nil, encrypt [, software])
 *   encrypt → ciphertext, tag;  decrypt → plaintext | nil, "bad_record_mac", detail
 * Test-only: runs the record layer's AEAD functions on a 12-byte nonce. */
static int l_aead(lua_State *L)
{
    const char *cname = tlshs_check_name(L, 1);
    size_t key_len, nonce_len, aad_len, len, tag_len = 0;
    const uint8_t *key = tlshs_check_bytes(L, 2, &key_len);
    const uint8_t *nonce = (const uint8_t *)luaL_checklstring(L, 3, &nonce_len);
    const uint8_t *aad = (const uint8_t *)luaL_checklstring(L, 4, &aad_len);
    const uint8_t *data = (const uint8_t *)luaL_checklstring(L, 5, &len);
    const uint8_t *tag = lua_isnoneornil(L, 6) ? NULL : (const uint8_t *)luaL_checklstring(L, 6, &tag_len);
    int encrypt = lua_toboolean(L, 7), cipher = ths_rec_cipher_from_name(cname), rc;
    unsigned flags = lua_toboolean(L, 8) ? THS_REC_SOFTWARE_GCM : 0;
    static const uint8_t zero_iv[12] = {0};
    uint8_t *out, out_tag[16];
    ths_rec_state *st;
    ths_error err = {0, ""};

    luaL_argcheck(L, cipher == THS_REC_AES_128_GCM || cipher == THS_REC_AES_256_GCM ||
                         cipher == THS_REC_CHACHA20_POLY1305, 1, "not an AEAD cipher");
    luaL_argcheck(L, key_len == ths_rec_key_size((ths_rec_cipher)cipher), 2, "wrong key size");
    luaL_argcheck(L, nonce_len == 12, 3, "nonce must be 12 bytes");
    luaL_argcheck(L, encrypt || tag_len == 16, 6, "tag must be 16 bytes");
    out = (uint8_t *)lua_newuserdata(L, len ? len : 1);
    st = new_rec(L, ths_rec_state_size((ths_rec_cipher)cipher, flags))->st; /* wiped by __gc */
    rc = ths_rec_init(st, (ths_rec_cipher)cipher, THS_REC_MAC_NONE, key, key_len, zero_iv,
                      ths_rec_iv_size((ths_rec_cipher)cipher), NULL, 0, flags, 0x0303, &err);
    if (rc == THS_OK) {
        if (encrypt)
            rc = ths_rec_aead_seal(st, nonce, aad, aad_len, data, len, out, out_tag);
        else
            rc = ths_rec_aead_open(st, nonce, aad, aad_len, data, len, tag, out);
        if (rc != THS_OK)
            ths_fail(&err, rc, rc == THS_ALERT_BAD_RECORD_MAC ? "%s: tag mismatch" : "%s: failed", cname);
    }
    ths_rec_wipe(st);
    if (rc != THS_OK)
        return tlshs_push_fail(L, rc, &err);
    lua_pushlstring(L, (const char *)out, len);
    if (!encrypt)
        return 1;
    lua_pushlstring(L, (const char *)out_tag, 16);
    return 2;
}

void tlshs_open_record(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"seal", rec_seal},
        {"open", rec_open},
        {"sequence", rec_sequence},
        {"set_sequence", rec_set_sequence},
        {"cipher", rec_cipher},
        {"mac", rec_mac},
        {"etm", rec_etm},
        {"overhead", rec_overhead},
        {"version", rec_version},
        {"set_version", rec_set_version},
        {NULL, NULL}};
    tlshs_define_class(L, REC_MT, methods, rec_gc);
    lua_pushcfunction(L, l_record_protection);
    lua_setfield(L, -2, "record_protection");
    lua_pushcfunction(L, l_aead);
    lua_setfield(L, -2, "_aead");
}
