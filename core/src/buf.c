/* Bounds-checked reader and length-prefix writer (see tlshs.h). */
#include "tlshs.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ths_rd_init(ths_reader *r, const uint8_t *data, size_t len, const char *ctx, ths_error *err)
{
    r->data = data;
    r->len = len;
    r->pos = 0;
    r->base = 0;
    r->ctx = ctx ? ctx : "";
    r->err = err;
    r->failed = 0;
    r->der_alert = 0;
}

size_t ths_rd_left(const ths_reader *r)
{
    return r->failed ? 0 : r->len - r->pos;
}

int ths_rd_fail(ths_reader *r, int code, const char *fmt, ...)
{
    if (r->failed)
        return r->err ? r->err->code : code;
    r->failed = 1;
    if (r->err && r->err->code == 0) {
        va_list ap;
        int n = snprintf(r->err->detail, sizeof r->err->detail, "%s%s", r->ctx, *r->ctx ? "." : "");
        if (n < 0 || (size_t)n >= sizeof r->err->detail)
            n = 0;
        va_start(ap, fmt);
        vsnprintf(r->err->detail + n, sizeof r->err->detail - (size_t)n, fmt, ap);
        va_end(ap);
        r->err->code = code;
    }
    return code;
}

/* Returns a pointer to n bytes at the cursor and advances, or NULL. */
static const uint8_t *take(ths_reader *r, size_t n, const char *field)
{
    const uint8_t *p;
    if (r->failed)
        return NULL;
    if (r->len - r->pos < n) {
        ths_rd_fail(r, THS_ALERT_DECODE_ERROR, "%s: truncated at offset %zu (need %zu bytes, have %zu)",
                    field, r->base + r->pos, n, r->len - r->pos);
        return NULL;
    }
    p = r->data + r->pos;
    r->pos += n;
    return p;
}

static uint32_t read_be(ths_reader *r, size_t n, const char *field)
{
    const uint8_t *p = take(r, n, field);
    uint32_t v = 0;
    size_t i;
    if (!p)
        return 0;
    for (i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

uint32_t ths_rd_u8(ths_reader *r, const char *field) { return read_be(r, 1, field); }
uint32_t ths_rd_u16(ths_reader *r, const char *field) { return read_be(r, 2, field); }
uint32_t ths_rd_u24(ths_reader *r, const char *field) { return read_be(r, 3, field); }
uint32_t ths_rd_u32(ths_reader *r, const char *field) { return read_be(r, 4, field); }

const uint8_t *ths_rd_bytes(ths_reader *r, size_t n, const char *field)
{
    return take(r, n, field);
}

int ths_rd_vector(ths_reader *r, int prefix, size_t min, size_t max, const char *field, ths_reader *sub)
{
    size_t at = r->base + r->pos;
    size_t n = read_be(r, (size_t)prefix, field);
    const uint8_t *p;
    memset(sub, 0, sizeof *sub);
    sub->ctx = r->ctx;
    sub->err = r->err;
    sub->der_alert = r->der_alert;
    if (r->failed) {
        sub->failed = 1;
        return r->err ? r->err->code : THS_ALERT_DECODE_ERROR;
    }
    if (n < min || n > max) {
        sub->failed = 1;
        return ths_rd_fail(r, THS_ALERT_DECODE_ERROR, "%s: length %zu at offset %zu outside %zu..%zu",
                           field, n, at, min, max);
    }
    if (r->len - r->pos < n) {
        sub->failed = 1;
        return ths_rd_fail(r, THS_ALERT_DECODE_ERROR,
                           "%s: length %zu at offset %zu runs past the end (%zu bytes left)",
                           field, n, at, r->len - r->pos);
    }
    p = take(r, n, field);
    sub->data = p;
    sub->len = n;
    sub->base = r->base + (size_t)(p - r->data);
    return 0;
}

int ths_rd_end(ths_reader *r, const char *field)
{
    if (r->failed)
        return r->err ? r->err->code : THS_ALERT_DECODE_ERROR;
    if (r->pos != r->len)
        return ths_rd_fail(r, THS_ALERT_DECODE_ERROR, "%s: %zu trailing bytes at offset %zu",
                           field, r->len - r->pos, r->base + r->pos);
    return 0;
}

/* ---- writer ---- */

void ths_wr_init(ths_writer *w, uint8_t *data, size_t cap)
{
    w->data = data;
    w->cap = data ? cap : (size_t)-1;
    w->len = 0;
    w->failed = 0;
}

static uint8_t *reserve(ths_writer *w, size_t n)
{
    uint8_t *p;
    if (w->failed)
        return NULL;
    if (w->cap - w->len < n) {
        w->failed = THS_ERR_SPACE;
        return NULL;
    }
    p = w->data ? w->data + w->len : NULL;
    w->len += n;
    return p;
}

static void write_be(ths_writer *w, uint32_t v, size_t n)
{
    uint8_t *p = reserve(w, n);
    size_t i;
    if (!p)
        return;
    for (i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

void ths_wr_u8(ths_writer *w, uint32_t v) { write_be(w, v, 1); }
void ths_wr_u16(ths_writer *w, uint32_t v) { write_be(w, v, 2); }
void ths_wr_u24(ths_writer *w, uint32_t v) { write_be(w, v, 3); }
void ths_wr_u32(ths_writer *w, uint32_t v) { write_be(w, v, 4); }

void ths_wr_bytes(ths_writer *w, const void *src, size_t n)
{
    uint8_t *p = reserve(w, n);
    if (p && n)
        memcpy(p, src, n);
}

ths_wr_mark ths_wr_open(ths_writer *w, int prefix)
{
    ths_wr_mark m;
    m.at = w->len;
    m.prefix = prefix;
    write_be(w, 0, (size_t)prefix);
    return m;
}

void ths_wr_close(ths_writer *w, ths_wr_mark m, long override)
{
    size_t body = w->len - m.at - (size_t)m.prefix;
    uint32_t v = override >= 0 ? (uint32_t)override : (uint32_t)body;
    int i;
    if (w->failed || !w->data)
        return;
    for (i = 0; i < m.prefix; i++)
        w->data[m.at + (size_t)i] = (uint8_t)(v >> (8 * (m.prefix - 1 - i)));
}
