/*
 * The generic walker: parses bytes against a ths_field descriptor (values go
 * to a ths_sink) and builds bytes from one (values come from a ths_source).
 * Every detail has the shape "<message>.<field path>: <what> at offset N";
 * offsets count from the first byte of the handshake header.
 */
#include "ths_msg.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- field paths -------------------------------------------------------- */

typedef struct {
    char path[200];
    size_t plen;
} path_buf;

/* Appends a then b (either may be NULL), truncating like snprintf would;
 * returns the old length for path_pop.  No printf: paths are built for every
 * field and only read when something fails. */
static size_t path_add(path_buf *pb, const char *a, const char *b)
{
    size_t old = pb->plen, n = old;
    const char *parts[2];
    int k;
    if (old >= sizeof pb->path - 1)
        return old;
    parts[0] = a;
    parts[1] = b;
    for (k = 0; k < 2; k++) {
        const char *s = parts[k];
        if (!s)
            continue;
        while (*s && n < sizeof pb->path - 1)
            pb->path[n++] = *s++;
    }
    pb->path[n] = 0;
    pb->plen = n;
    return old;
}

/* Appends "[idx]". */
static size_t path_index(path_buf *pb, size_t idx)
{
    char num[24], *q = num + sizeof num;
    *--q = 0;
    *--q = ']';
    do {
        *--q = (char)('0' + idx % 10);
        idx /= 10;
    } while (idx);
    *--q = '[';
    return path_add(pb, q, NULL);
}

static void path_pop(path_buf *pb, size_t old)
{
    pb->plen = old;
    pb->path[old] = 0;
}

/* "name" at the top level, ".name" below it, "[i]" for a list element. */
static size_t path_field(path_buf *pb, const ths_field *f, size_t idx)
{
    if (f->name)
        return path_add(pb, pb->plen ? "." : NULL, f->name);
    return path_index(pb, idx);
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct {
    path_buf pb;
    int in_sh;
    ths_sink *sink;
    ths_error *err;
} pwalk;

static int rd_status(const ths_reader *r)
{
    if (!r->failed)
        return 0;
    return r->err && r->err->code ? r->err->code : THS_ALERT_DECODE_ERROR;
}

static int parse_field(pwalk *w, ths_reader *r, const ths_field *f, size_t idx);

static int parse_fields(pwalk *w, ths_reader *r, const ths_field *desc)
{
    int rc;
    for (; desc->kind != THS_F_END; desc++)
        if ((rc = parse_field(w, r, desc, 0)) != 0)
            return rc;
    return 0;
}

static const char *ext_name(uint32_t type)
{
    return ths_name_of(THS_NAMES_EXTENSIONS, type);
}

/* RFC 5246 §7.4.1.4: an extensions block; a repeated type is refused with
 * decode_error (the block violates the message syntax, as Go and BoringSSL
 * treat it; OpenSSL says illegal_parameter). */
static int parse_exts(pwalk *w, ths_reader *r, const ths_field *f)
{
    ths_reader blk;
    uint8_t seen[8192];
    size_t i = 0;
    int rc;
    size_t old = path_field(&w->pb, f, 0);
    if ((rc = ths_rd_vector(r, 2, f->min, f->max, w->pb.path, &blk)) != 0)
        return rc;
    memset(seen, 0, sizeof seen);
    if (w->sink)
        w->sink->open(w->sink, f->name);
    while (ths_rd_left(&blk) > 0) {
        size_t at = blk.base + blk.pos, old2;
        uint32_t type;
        ths_reader data;
        const ths_field *desc;
        const char *name;
        old2 = path_index(&w->pb, ++i);
        type = ths_rd_u16(&blk, w->pb.path);
        if ((rc = ths_rd_vector(&blk, 2, 0, 65535, w->pb.path, &data)) != 0)
            return rc;
        name = ext_name(type);
        if (seen[type >> 3] & (1u << (type & 7)))
            return ths_rd_fail(&blk, THS_ALERT_DECODE_ERROR, "%s: duplicate extension %s (%u) at offset %zu",
                               w->pb.path, name ? name : "type", (unsigned)type, at);
        seen[type >> 3] |= (uint8_t)(1u << (type & 7));
        if (w->sink) {
            w->sink->open(w->sink, NULL);
            w->sink->num(w->sink, "type", type);
            /* GREASE values (RFC 8701) parse like unknown types: no name */
            if (name && strcmp(name, "GREASE") != 0)
                w->sink->bytes(w->sink, "name", (const uint8_t *)name, strlen(name));
            w->sink->bytes(w->sink, "data", data.data, data.len);
        }
        desc = ths_ext_desc(type, w->in_sh);
        if (type == 51 && w->in_sh && data.len == 2)
            desc = ths_ext_desc_hrr_key_share();
        if (desc) {
            /* fields of an extension are named "extensions[3] supported_groups.<field>" */
            size_t save = path_add(&w->pb, " ", name ? name : "extension");
            if ((rc = parse_fields(w, &data, desc)) != 0)
                return rc;
            if ((rc = ths_rd_end(&data, w->pb.path)) != 0)
                return rc;
            path_pop(&w->pb, save);
        }
        if (w->sink)
            w->sink->close(w->sink);
        path_pop(&w->pb, old2);
    }
    if (w->sink)
        w->sink->close(w->sink);
    path_pop(&w->pb, old);
    return rd_status(&blk);
}

static int parse_field(pwalk *w, ths_reader *r, const ths_field *f, size_t idx)
{
    size_t old, at;
    int rc = 0;
    if ((f->flags & THS_FF_OPTIONAL) && ths_rd_left(r) == 0 && !r->failed)
        return 0;
    if (f->kind == THS_F_EXTS)
        return parse_exts(w, r, f);
    old = path_field(&w->pb, f, idx);
    at = r->base + r->pos;
    switch (f->kind) {
    case THS_F_NUM: {
        uint32_t v = 0;
        switch (f->width) {
        case 1: v = ths_rd_u8(r, w->pb.path); break;
        case 2: v = ths_rd_u16(r, w->pb.path); break;
        case 3: v = ths_rd_u24(r, w->pb.path); break;
        default: v = ths_rd_u32(r, w->pb.path); break;
        }
        if ((rc = rd_status(r)) != 0)
            break;
        if ((f->flags & THS_FF_EQ) && v != f->eq) {
            rc = ths_rd_fail(r, THS_ALERT_ILLEGAL_PARAMETER, "%s: %u at offset %zu (only %u is supported)",
                             w->pb.path, (unsigned)v, at, (unsigned)f->eq);
            break;
        }
        if (w->sink)
            w->sink->num(w->sink, f->name, v);
        break;
    }
    case THS_F_FIXED: {
        const uint8_t *p = ths_rd_bytes(r, f->min, w->pb.path);
        if ((rc = rd_status(r)) == 0 && w->sink)
            w->sink->bytes(w->sink, f->name, p, f->min);
        break;
    }
    case THS_F_BYTES: {
        ths_reader sub;
        if (f->width == 0) {
            size_t n = ths_rd_left(r);
            const uint8_t *p;
            if (n < f->min || n > f->max) {
                rc = ths_rd_fail(r, THS_ALERT_DECODE_ERROR, "%s: length %zu at offset %zu outside %u..%u",
                                 w->pb.path, n, at, (unsigned)f->min, (unsigned)f->max);
                break;
            }
            p = ths_rd_bytes(r, n, w->pb.path);
            if ((rc = rd_status(r)) == 0 && w->sink)
                w->sink->bytes(w->sink, f->name, p ? p : (const uint8_t *)"", n);
            break;
        }
        if ((rc = ths_rd_vector(r, f->width, f->min, f->max, w->pb.path, &sub)) != 0)
            break;
        if (w->sink)
            w->sink->bytes(w->sink, f->name, sub.data ? sub.data : (const uint8_t *)"", sub.len);
        break;
    }
    case THS_F_LIST: {
        ths_reader sub;
        const ths_field *elem = f->sub;
        size_t i = 0;
        if ((rc = ths_rd_vector(r, f->width, f->min, f->max, w->pb.path, &sub)) != 0)
            break;
        if (elem->kind == THS_F_NUM && sub.len % elem->width != 0) {
            rc = ths_rd_fail(r, THS_ALERT_DECODE_ERROR, "%s: %s %zu at offset %zu",
                             w->pb.path, elem->width == 2 ? "odd length" : "length not a multiple of the element size",
                             sub.len, at);
            break;
        }
        if (w->sink)
            w->sink->open(w->sink, f->name);
        while (ths_rd_left(&sub) > 0)
            if ((rc = parse_field(w, &sub, elem, ++i)) != 0)
                break;
        if (rc == 0 && w->sink)
            w->sink->close(w->sink);
        break;
    }
    case THS_F_STRUCT:
        if (w->sink)
            w->sink->open(w->sink, f->name);
        rc = parse_fields(w, r, f->sub);
        if (rc == 0 && w->sink)
            w->sink->close(w->sink);
        break;
    default:
        rc = ths_rd_fail(r, THS_ERR_ARG, "%s: bad descriptor", w->pb.path);
    }
    path_pop(&w->pb, old);
    return rc ? rc : rd_status(r);
}

static void reset_err(ths_error *err)
{
    err->code = 0;
    err->detail[0] = 0;
}

int ths_msg_parse_fields(const ths_field *desc, const char *ctx, const uint8_t *p, size_t n,
                         int in_server_hello, ths_sink *sink, ths_error *err)
{
    ths_error local;
    ths_reader r;
    pwalk w;
    int rc;
    if (!err)
        err = &local;
    reset_err(err);
    memset(&w, 0, sizeof w);
    w.in_sh = in_server_hello;
    w.sink = sink;
    w.err = err;
    ths_rd_init(&r, p, n, ctx, err);
    if ((rc = parse_fields(&w, &r, desc)) != 0)
        return rc;
    return ths_rd_end(&r, "body");
}

int ths_msg_parse(const uint8_t *p, size_t n, int kx, int anonymous, size_t *used,
                  ths_sink *sink, ths_error *err)
{
    ths_error local;
    ths_reader r;
    pwalk w;
    size_t len;
    const char *name;
    const ths_field *desc;
    int rc;
    if (!err)
        err = &local;
    reset_err(err);
    if (n < 4)
        return ths_fail(err, THS_ERR_NEED_MORE, "handshake: header incomplete (%zu of 4 bytes)", n);
    len = ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
    name = ths_name_of(THS_NAMES_HANDSHAKE_TYPES, p[0]);
    if (n - 4 < len)
        return ths_fail(err, THS_ERR_NEED_MORE, "%s: body incomplete (%zu of %zu bytes)",
                        name ? name : "handshake", n - 4, len);
    if (used)
        *used = 4 + len;
    if (sink) {
        if (name)
            sink->bytes(sink, "msg_type", (const uint8_t *)name, strlen(name));
        else
            sink->num(sink, "msg_type", p[0]);
    }
    desc = ths_msg_desc(p[0], kx, anonymous);
    if (!desc) {
        if (sink)
            sink->bytes(sink, "body", p + 4, len);
        return 0;
    }
    memset(&w, 0, sizeof w);
    w.in_sh = p[0] == THS_HS_SERVER_HELLO;
    w.sink = sink;
    w.err = err;
    ths_rd_init(&r, p, 4 + len, name ? name : "handshake", err);
    ths_rd_bytes(&r, 4, "header");
    if ((rc = parse_fields(&w, &r, desc)) != 0)
        return rc;
    return ths_rd_end(&r, "body");
}

/* ---- building ----------------------------------------------------------- */

typedef struct {
    path_buf pb;
    int in_sh;
    const char *ctx;
    ths_source *src;
    ths_writer *w;
    ths_error *err;
} bwalk;

static int bfail(bwalk *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int bfail(bwalk *b, const char *fmt, ...)
{
    char what[THS_DETAIL_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ths_fail(b->err, THS_ERR_ARG, "%s%s%s: %s", b->ctx, b->pb.plen ? "." : "", b->pb.path, what);
}

static const char *kind_name(int kind)
{
    switch (kind) {
    case THS_SRC_NIL: return "nil";
    case THS_SRC_NUM: return "a number";
    case THS_SRC_STR: return "a string";
    case THS_SRC_TABLE: return "a table";
    default: return "an unsupported value";
    }
}

/* A source number as an integer of `width` bytes; refuses what does not fit. */
static int to_uint(bwalk *b, const ths_src_val *v, int width, uint32_t *out)
{
    double max = width >= 4 ? 4294967295.0 : (double)((1ul << (8 * width)) - 1);
    if (v->kind != THS_SRC_NUM)
        return bfail(b, "expected a number, got %s", kind_name(v->kind));
    if (v->num != floor(v->num) || v->num < 0 || v->num > max)
        return bfail(b, "%.17g does not fit in %d byte%s", v->num, width, width > 1 ? "s" : "");
    *out = (uint32_t)v->num;
    return 0;
}

static void wr_num(ths_writer *w, uint32_t v, int width)
{
    switch (width) {
    case 1: ths_wr_u8(w, v); break;
    case 2: ths_wr_u16(w, v); break;
    case 3: ths_wr_u24(w, v); break;
    default: ths_wr_u32(w, v); break;
    }
}

/* `<key>` (a length override) in the current table: -1 when absent. */
static int get_override(bwalk *b, const char *key, long *ov)
{
    ths_src_val v;
    uint32_t n;
    int rc = 0;
    *ov = -1;
    b->src->get(b->src, key, 0, &v);
    if (v.kind != THS_SRC_NIL) {
        size_t old = path_add(&b->pb, b->pb.plen ? "(" : NULL, key);
        if (old)   /* "(key)" below the top level, "key" at it */
            path_add(&b->pb, ")", NULL);
        rc = to_uint(b, &v, 4, &n);
        path_pop(&b->pb, old);
        if (rc == 0)
            *ov = (long)n;
    }
    b->src->pop(b->src);
    return rc;
}

static int override_for(bwalk *b, const ths_field *f, long *ov)
{
    char key[64];
    size_t n;
    *ov = -1;
    if (!f->name)
        return 0;
    n = strlen(f->name);
    if (n > sizeof key - 5)
        n = sizeof key - 5;   /* no field name is that long */
    memcpy(key, f->name, n);
    memcpy(key + n, "_len", 5);
    return get_override(b, key, ov);
}

/* Closes a length prefix; without an override the real length must fit. */
static int close_vec(bwalk *b, ths_wr_mark m, long ov)
{
    size_t body = b->w->len - m.at - (size_t)m.prefix;
    if (ov < 0 && m.prefix < 4 && body > (size_t)((1ul << (8 * m.prefix)) - 1))
        return bfail(b, "%zu bytes do not fit a %d-byte length (give an explicit _len)", body, m.prefix);
    ths_wr_close(b->w, m, ov);
    return 0;
}

static int build_fields(bwalk *b, const ths_field *desc);
static int build_field(bwalk *b, const ths_field *f, size_t idx);
static int has(ths_source *src, const char *key);

static int build_ext(bwalk *b)
{
    ths_src_val v;
    uint32_t type = 0;
    long ov;
    int rc = 0;
    ths_wr_mark m;
    b->src->get(b->src, "type", 0, &v);
    if (v.kind != THS_SRC_NIL) {
        rc = to_uint(b, &v, 2, &type);
        b->src->pop(b->src);
        if (rc)
            return rc;
    } else {
        b->src->pop(b->src);
        b->src->get(b->src, "name", 0, &v);
        if (v.kind == THS_SRC_STR) {
            char name[64];
            size_t n = v.n < sizeof name - 1 ? v.n : sizeof name - 1;
            memcpy(name, v.p, n);
            name[n] = 0;
            if (ths_name_value(THS_NAMES_EXTENSIONS, name, &type) != 0 || n != v.n)
                rc = bfail(b, "unknown extension name \"%s\"", name);
        } else {
            rc = bfail(b, "needs a type or a name");
        }
        b->src->pop(b->src);
        if (rc)
            return rc;
    }
    if ((rc = get_override(b, "data_len", &ov)) != 0)
        return rc;
    ths_wr_u16(b->w, type);
    m = ths_wr_open(b->w, 2);
    b->src->get(b->src, "data", 0, &v);
    if (v.kind == THS_SRC_STR) {
        ths_wr_bytes(b->w, v.p, v.n);
        b->src->pop(b->src);
    } else if (v.kind != THS_SRC_NIL) {
        b->src->pop(b->src);
        return bfail(b, "data: expected a string, got %s", kind_name(v.kind));
    } else {
        const ths_field *desc = ths_ext_desc(type, b->in_sh);
        const char *name = ths_name_of(THS_NAMES_EXTENSIONS, type);
        size_t old;
        b->src->pop(b->src);
        if (type == 51 && b->in_sh && has(b->src, "selected_group"))
            desc = ths_ext_desc_hrr_key_share();
        if (!desc)
            return bfail(b, "extension %u has no data and no known encoding", (unsigned)type);
        old = path_add(&b->pb, " ", name ? name : "extension");
        rc = build_fields(b, desc);
        path_pop(&b->pb, old);
        if (rc)
            return rc;
    }
    return close_vec(b, m, ov);
}

static int build_exts(bwalk *b, size_t count, long ov)
{
    ths_wr_mark m;
    size_t i;
    int rc;
    m = ths_wr_open(b->w, 2);
    for (i = 1; i <= count; i++) {
        ths_src_val v;
        size_t old = path_index(&b->pb, i);
        b->src->get(b->src, NULL, i, &v);
        if (v.kind != THS_SRC_TABLE)
            rc = bfail(b, "expected a table, got %s", kind_name(v.kind));
        else
            rc = build_ext(b);
        b->src->pop(b->src);
        path_pop(&b->pb, old);
        if (rc)
            return rc;
    }
    return close_vec(b, m, ov);
}

/* Builds the value the source currently holds, as field f. */
static int build_value(bwalk *b, const ths_field *f, const ths_src_val *v, long ov)
{
    switch (f->kind) {
    case THS_F_NUM: {
        uint32_t n;
        int rc;
        if (v->kind == THS_SRC_STR) {   /* raw bytes where a number goes */
            ths_wr_bytes(b->w, v->p, v->n);
            return 0;
        }
        if ((rc = to_uint(b, v, f->width, &n)) != 0)
            return rc;
        wr_num(b->w, n, f->width);
        return 0;
    }
    case THS_F_FIXED:
        if (v->kind != THS_SRC_STR)
            return bfail(b, "expected a string, got %s", kind_name(v->kind));
        ths_wr_bytes(b->w, v->p, v->n);   /* any length: a script may send a short random */
        return 0;
    case THS_F_BYTES: {
        ths_wr_mark m;
        if (v->kind != THS_SRC_STR && v->kind != THS_SRC_NIL)
            return bfail(b, "expected a string, got %s", kind_name(v->kind));
        if (f->width == 0) {
            if (v->kind == THS_SRC_STR)
                ths_wr_bytes(b->w, v->p, v->n);
            return 0;
        }
        m = ths_wr_open(b->w, f->width);
        if (v->kind == THS_SRC_STR)
            ths_wr_bytes(b->w, v->p, v->n);
        return close_vec(b, m, ov);
    }
    case THS_F_LIST: {
        ths_wr_mark m;
        size_t i;
        int rc;
        if (v->kind != THS_SRC_TABLE && v->kind != THS_SRC_NIL)
            return bfail(b, "expected a table, got %s", kind_name(v->kind));
        m = ths_wr_open(b->w, f->width);
        for (i = 1; v->kind == THS_SRC_TABLE && i <= v->n; i++)
            if ((rc = build_field(b, f->sub, i)) != 0)
                return rc;
        return close_vec(b, m, ov);
    }
    case THS_F_STRUCT:
        if (v->kind != THS_SRC_TABLE)
            return bfail(b, "expected a table, got %s", kind_name(v->kind));
        return build_fields(b, f->sub);
    case THS_F_EXTS:
        if (v->kind != THS_SRC_TABLE)
            return bfail(b, "expected a table, got %s", kind_name(v->kind));
        return build_exts(b, v->n, ov);
    }
    return bfail(b, "bad descriptor");
}

static int build_field(bwalk *b, const ths_field *f, size_t idx)
{
    ths_src_val v;
    long ov = -1;
    size_t old = path_field(&b->pb, f, idx);
    int rc;
    if ((rc = override_for(b, f, &ov)) != 0) {
        path_pop(&b->pb, old);
        return rc;
    }
    b->src->get(b->src, f->name, idx, &v);
    if (v.kind == THS_SRC_NIL &&
        ((f->flags & THS_FF_OPTIONAL) || f->kind == THS_F_EXTS)) {
        rc = 0;   /* absent: nothing is sent (no extensions block at all) */
    } else if (v.kind == THS_SRC_NIL &&
               (f->kind == THS_F_NUM || f->kind == THS_F_FIXED || f->kind == THS_F_STRUCT)) {
        rc = bfail(b, "missing");
    } else {
        rc = build_value(b, f, &v, ov);
    }
    b->src->pop(b->src);
    path_pop(&b->pb, old);
    return rc;
}

static int build_fields(bwalk *b, const ths_field *desc)
{
    int rc;
    for (; desc->kind != THS_F_END; desc++)
        if ((rc = build_field(b, desc, 0)) != 0)
            return rc;
    return 0;
}

static void bwalk_init(bwalk *b, ths_writer *w, ths_source *src, ths_error *err, const char *ctx, int in_sh)
{
    memset(b, 0, sizeof *b);
    b->w = w;
    b->src = src;
    b->err = err;
    b->ctx = ctx;
    b->in_sh = in_sh;
}

static int finish(bwalk *b)
{
    if (b->w->failed)
        return ths_fail(b->err, b->w->failed, "%s: output buffer too small", b->ctx);
    return 0;
}

int ths_msg_build_fields(ths_writer *w, const ths_field *desc, const char *ctx,
                         int in_server_hello, ths_source *src, ths_error *err)
{
    bwalk b;
    ths_error local;
    int rc;
    if (!err)
        err = &local;
    reset_err(err);
    bwalk_init(&b, w, src, err, ctx, in_server_hello);
    if ((rc = build_fields(&b, desc)) != 0)
        return rc;
    return finish(&b);
}

/* Is `key` present (not nil) in the current table? */
static int has(ths_source *src, const char *key)
{
    ths_src_val v;
    src->get(src, key, 0, &v);
    src->pop(src);
    return v.kind != THS_SRC_NIL;
}

/* The variant of a key-exchange message, inferred from the fields present. */
static const ths_field *infer_desc(ths_source *src, int type)
{
    int anon;
    switch (type) {
    case THS_HS_SERVER_KEY_EXCHANGE:
        anon = !has(src, "signature") && !has(src, "signature_algorithm");
        return ths_msg_desc(type, has(src, "dh_p") ? THS_MSG_KX_DHE : THS_MSG_KX_ECDHE, anon);
    case THS_HS_CLIENT_KEY_EXCHANGE:
        if (has(src, "encrypted_pre_master_secret"))
            return ths_msg_desc(type, THS_MSG_KX_RSA, 0);
        if (has(src, "dh_yc"))
            return ths_msg_desc(type, THS_MSG_KX_DHE, 0);
        if (has(src, "ecdh_yc"))
            return ths_msg_desc(type, THS_MSG_KX_ECDHE, 0);
        return NULL;
    default:
        return ths_msg_desc(type, THS_MSG_KX_NONE, 0);
    }
}

int ths_msg_build(ths_writer *w, ths_source *src, ths_error *err)
{
    bwalk b;
    ths_error local;
    ths_src_val v;
    uint32_t type = 0;
    const char *name;
    ths_wr_mark m;
    long ov;
    int rc = 0;
    if (!err)
        err = &local;
    reset_err(err);
    bwalk_init(&b, w, src, err, "handshake", 0);
    src->get(src, "msg_type", 0, &v);
    if (v.kind == THS_SRC_STR) {
        char buf[64];
        size_t n = v.n < sizeof buf - 1 ? v.n : sizeof buf - 1;
        memcpy(buf, v.p, n);
        buf[n] = 0;
        if (ths_name_value(THS_NAMES_HANDSHAKE_TYPES, buf, &type) != 0 || n != v.n)
            rc = bfail(&b, "msg_type: unknown name \"%s\"", buf);
    } else if (v.kind == THS_SRC_NUM) {
        path_add(&b.pb, "msg_type", NULL);
        rc = to_uint(&b, &v, 1, &type);
        path_pop(&b.pb, 0);
    } else {
        rc = bfail(&b, "msg_type: expected a name or a number, got %s", kind_name(v.kind));
    }
    src->pop(src);
    if (rc)
        return rc;
    name = ths_name_of(THS_NAMES_HANDSHAKE_TYPES, type);
    b.ctx = name ? name : "handshake";
    b.in_sh = type == THS_HS_SERVER_HELLO;
    if ((rc = get_override(&b, "length", &ov)) != 0)
        return rc;
    ths_wr_u8(w, type);
    m = ths_wr_open(w, 3);
    src->get(src, "body", 0, &v);
    if (v.kind == THS_SRC_STR) {
        ths_wr_bytes(w, v.p, v.n);
        src->pop(src);
    } else if (v.kind != THS_SRC_NIL) {
        src->pop(src);
        return bfail(&b, "body: expected a string, got %s", kind_name(v.kind));
    } else {
        const ths_field *desc;
        src->pop(src);
        desc = infer_desc(src, (int)type);
        if (!desc)
            return bfail(&b, "no body and no known fields for this message");
        if ((rc = build_fields(&b, desc)) != 0)
            return rc;
    }
    if ((rc = close_vec(&b, m, ov)) != 0)
        return rc;
    return finish(&b);
}

int ths_msg_build_params(ths_writer *w, ths_source *src, ths_error *err)
{
    int dhe = has(src, "dh_p");
    return ths_msg_build_fields(w, ths_msg_params_desc(dhe ? THS_MSG_KX_DHE : THS_MSG_KX_ECDHE),
                                dhe ? "server_dh_params" : "server_ecdh_params", 0, src, err);
}
