/*
 * Handshake reassembly (RFC 5246 §6.2.1): handshake messages may be split
 * over records and several may share one record.  Bytes go in as they come
 * out of records; whole messages (header included) come out.
 *
 * A message whose header announces more than max_body bytes is refused with
 * illegal_parameter as soon as its header is complete (as OpenSSL does for
 * "excessive message size"), so a peer cannot make us buffer 16 MiB.  The
 * default, 131,396 bytes, is the largest legal ClientHello (2^16-1 bytes of
 * extensions plus 2^16-2 of cipher suites; OpenSSL's CLIENT_HELLO_MAX_LENGTH):
 * Go's 64 KiB refuses legal hellos, and the bound is still far below what a
 * 24-bit length could make us buffer.
 */
#include "ths_msg.h"
#include <stdlib.h>
#include <string.h>

void ths_reasm_init(ths_reasm *r, size_t max_body)
{
    memset(r, 0, sizeof *r);
    r->max_body = max_body ? max_body : THS_REASM_DEFAULT_MAX;
}

size_t ths_reasm_pending(const ths_reasm *r)
{
    return r->end - r->start;
}

int ths_reasm_push(ths_reasm *r, const uint8_t *p, size_t n)
{
    if (n == 0)
        return 0;
    if (r->start > 0 && r->start == r->end)
        r->start = r->end = 0;
    if (r->cap - r->end < n) {
        size_t have = r->end - r->start, cap;
        uint8_t *nb;
        if (r->start > 0) {   /* compact first */
            memmove(r->buf, r->buf + r->start, have);
            r->start = 0;
            r->end = have;
        }
        if (r->cap - r->end < n) {
            cap = r->cap ? r->cap : 1024;
            while (cap - have < n) {
                if (cap > ((size_t)-1) / 2)
                    return THS_ERR_NOMEM;
                cap *= 2;
            }
            nb = (uint8_t *)realloc(r->buf, cap);
            if (!nb)
                return THS_ERR_NOMEM;
            r->buf = nb;
            r->cap = cap;
        }
    }
    memcpy(r->buf + r->end, p, n);
    r->end += n;
    return 0;
}

int ths_reasm_next(ths_reasm *r, const uint8_t **msg, size_t *n, ths_error *err)
{
    size_t have = r->end - r->start, len;
    const uint8_t *p;
    *msg = NULL;
    *n = 0;
    if (r->failed) {
        if (err)
            *err = r->error;
        return r->failed;
    }
    if (have < 4)
        return 0;
    p = r->buf + r->start;
    len = ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
    if (len > r->max_body) {
        r->failed = ths_fail(&r->error, THS_ALERT_ILLEGAL_PARAMETER,
                             "handshake.length: %zu exceeds the limit of %zu bytes (message type %u)",
                             len, r->max_body, (unsigned)p[0]);
        if (err)
            *err = r->error;
        return r->failed;
    }
    if (have - 4 < len)
        return 0;
    *msg = p;
    *n = 4 + len;
    r->start += 4 + len;
    return 0;
}

void ths_reasm_free(ths_reasm *r)
{
    if (r->buf) {
        ths_wipe(r->buf, r->cap);
        free(r->buf);
    }
    memset(r, 0, sizeof *r);
}
