/* A strict DER reader for key structures (X.690 §10.1: definite lengths in
 * the fewest octets; §8.3.2: minimal INTEGER encodings).  Every failure is
 * decode_error with the field name and offset. */
#include "pkey_int.h"
#include <string.h>

const uint8_t THS_OID_RSA[9] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01}; /* 1.2.840.113549.1.1.1 */
const uint8_t THS_OID_EC[7] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};             /* 1.2.840.10045.2.1 */
const uint8_t THS_OID_P256[8] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};     /* 1.2.840.10045.3.1.7 */
const uint8_t THS_OID_P384[5] = {0x2b, 0x81, 0x04, 0x00, 0x22};                       /* 1.3.132.0.34 */
const uint8_t THS_OID_ED25519[3] = {0x2b, 0x65, 0x70};                                /* 1.3.101.112 */

void ths_der_init(ths_der *d, const uint8_t *p, size_t len)
{
    d->p = p;
    d->len = len;
    d->pos = 0;
    d->base = 0;
}

int ths_der_peek(const ths_der *d)
{
    return d->pos < d->len ? d->p[d->pos] : -1;
}

int ths_der_get(ths_der *d, int tag, ths_der *out, const char *field, ths_error *err)
{
    size_t at = d->pos, left = d->len - d->pos, n, hdr = 2;
    const uint8_t *q = d->p + d->pos;
    if (left < 2)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: truncated at offset %zu", field, d->base + at);
    if (q[0] != tag)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: expected tag 0x%02x, got 0x%02x at offset %zu", field,
                        tag, q[0], d->base + at);
    n = q[1];
    if (n & 0x80) {
        size_t k = n & 0x7f, i;
        if (k == 0 || k > 4)
            return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: unsupported length form at offset %zu", field,
                            d->base + at);
        if (left < 2 + k)
            return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: truncated length at offset %zu", field,
                            d->base + at);
        n = 0;
        for (i = 0; i < k; i++)
            n = (n << 8) | q[2 + i];
        /* DER: long form only for >= 128 and without leading zero octets */
        if (n < 0x80 || q[2] == 0)
            return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: non-minimal length at offset %zu", field,
                            d->base + at);
        hdr = 2 + k;
    }
    if (n > left - hdr)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: truncated at offset %zu (need %zu bytes, have %zu)",
                        field, d->base + at, n, left - hdr);
    out->p = q + hdr;
    out->len = n;
    out->pos = 0;
    out->base = d->base + at + hdr;
    d->pos += hdr + n;
    return 0;
}

int ths_der_end(const ths_der *d, const char *field, ths_error *err)
{
    if (d->pos != d->len)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: %zu trailing bytes at offset %zu", field,
                        d->len - d->pos, d->base + d->pos);
    return 0;
}

int ths_der_uint(ths_der *d, const uint8_t **p, size_t *len, const char *field, ths_error *err)
{
    ths_der v;
    size_t at = d->base + d->pos;
    int rc = ths_der_get(d, DER_INTEGER, &v, field, err);
    if (rc)
        return rc;
    if (v.len == 0)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: empty INTEGER at offset %zu", field, at);
    if (v.p[0] & 0x80)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: negative INTEGER at offset %zu", field, at);
    if (v.len > 1 && v.p[0] == 0 && !(v.p[1] & 0x80))
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: non-minimal INTEGER at offset %zu", field, at);
    *p = v.p;
    *len = v.len;
    if (*len > 1 && (*p)[0] == 0) {
        (*p)++;
        (*len)--;
    }
    return 0;
}

int ths_der_oid_is(const ths_der *oid, const uint8_t *want, size_t wantlen)
{
    return oid->len == wantlen && memcmp(oid->p, want, wantlen) == 0;
}
