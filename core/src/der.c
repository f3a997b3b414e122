/*
 * The strict DER reader (ITU-T X.690) on top of ths_reader (ths_der.h),
 * shared by X.509, the key loaders and ECDSA signatures.
 *
 * Why not libtomcrypt's der_decode_sequence_flexi: it builds a linked list of
 * mallocs for the whole tree, recurses on attacker-chosen nesting, and accepts
 * BER forms we must refuse.  Certificates and keys need a handful of TLV
 * shapes read in a fixed order, which a schema-driven walk over one
 * bounds-checked cursor does with no allocation and no recursion: nesting
 * depth is bounded by the schema (at most 8 levels for a certificate), not by
 * the input.
 */
#include "ths_der.h"
#include <stdio.h>
#include <string.h>

/* The alert malformed DER raises on this reader. */
#define BAD (r->der_alert ? r->der_alert : THS_ALERT_DECODE_ERROR)

void ths_der_init(ths_reader *r, const uint8_t *data, size_t len, const char *ctx, ths_error *err, int alert)
{
    ths_rd_init(r, data, len, ctx, err);
    r->der_alert = alert;
}

static void der_fail_sub(ths_reader *r, ths_der *out)
{
    memset(out, 0, sizeof *out);
    out->body.ctx = r->ctx;
    out->body.err = r->err;
    out->body.der_alert = r->der_alert;
    out->body.failed = 1;
}

int ths_der_peek(const ths_reader *r)
{
    if (r->failed || r->pos >= r->len)
        return -1;
    return r->data[r->pos];
}

int ths_der_any(ths_reader *r, ths_der *out, const char *field)
{
    size_t at, left, hdr = 2, len;
    uint8_t tag, b;

    der_fail_sub(r, out);
    if (r->failed)
        return r->err && r->err->code ? r->err->code : BAD;
    at = r->base + r->pos;
    left = r->len - r->pos;
    if (left < 2)
        return ths_rd_fail(r, BAD, "%s: truncated at offset %zu (need a tag and a length, have %zu bytes)",
                           field, at, left);
    tag = r->data[r->pos];
    b = r->data[r->pos + 1];
    if ((tag & 0x1f) == 0x1f)
        return ths_rd_fail(r, BAD, "%s: high-tag-number form 0x%02x at offset %zu", field, tag, at);
    if (b < 0x80) {
        len = b;
    } else if (b == 0x80) {
        /* X.690 §10.1: DER uses the definite form only. */
        return ths_rd_fail(r, BAD, "%s: indefinite length at offset %zu", field, at);
    } else {
        size_t n = b & 0x7f, i;
        if (n > 4)
            return ths_rd_fail(r, BAD, "%s: length of %zu octets at offset %zu", field, n, at);
        if (left < 2 + n)
            return ths_rd_fail(r, BAD, "%s: truncated length at offset %zu (need %zu bytes, have %zu)", field,
                               at, 2 + n, left);
        if (r->data[r->pos + 2] == 0)
            return ths_rd_fail(r, BAD, "%s: non-minimal length at offset %zu (leading zero octet)", field, at);
        len = 0;
        for (i = 0; i < n; i++)
            len = (len << 8) | r->data[r->pos + 2 + i];
        if (len < 0x80)
            return ths_rd_fail(r, BAD, "%s: non-minimal length %zu at offset %zu (long form)", field, len, at);
        hdr = 2 + n;
    }
    if (len > left - hdr)
        return ths_rd_fail(r, BAD, "%s: truncated: length %zu at offset %zu runs past the end (%zu bytes left)",
                           field, len, at, left - hdr);
    out->tag = tag;
    out->tlv = r->data + r->pos;
    out->tlv_len = hdr + len;
    out->val = r->data + r->pos + hdr;
    out->len = len;
    out->offset = at;
    out->body.data = out->val;
    out->body.len = len;
    out->body.pos = 0;
    out->body.base = at + hdr;
    out->body.failed = 0;
    r->pos += hdr + len;
    return 0;
}

int ths_der_expect(ths_reader *r, uint8_t tag, ths_der *out, const char *field)
{
    size_t at = r->base + r->pos;
    int rc = ths_der_any(r, out, field);
    if (rc)
        return rc;
    if (out->tag != tag) {
        r->pos -= out->tlv_len;
        der_fail_sub(r, out);
        return ths_rd_fail(r, BAD, "%s: expected tag 0x%02x, found 0x%02x at offset %zu", field, tag,
                           r->data[r->pos], at);
    }
    /* Primitive universal types never come constructed in DER (X.690 §10.2);
     * the tag check above already pins the constructed bit. */
    return 0;
}

int ths_der_end(ths_reader *r, const char *field)
{
    if (r->failed)
        return r->err && r->err->code ? r->err->code : BAD;
    if (r->pos != r->len)
        return ths_rd_fail(r, BAD, "%s: %zu unexpected bytes at offset %zu (trailing data)", field,
                           r->len - r->pos, r->base + r->pos);
    return 0;
}

int ths_der_integer(ths_reader *r, ths_der *out, int allow_negative, const char *field)
{
    int rc = ths_der_expect(r, THS_DER_INTEGER, out, field);
    if (rc)
        return rc;
    if (out->len == 0)
        return ths_rd_fail(r, BAD, "%s: empty INTEGER at offset %zu", field, out->offset);
    /* X.690 §8.3.2: the first nine bits are never all zero or all one. */
    if (out->len > 1 && ((out->val[0] == 0x00 && !(out->val[1] & 0x80)) ||
                         (out->val[0] == 0xff && (out->val[1] & 0x80))))
        return ths_rd_fail(r, BAD, "%s: non-minimal INTEGER at offset %zu", field, out->offset);
    if (!allow_negative && (out->val[0] & 0x80))
        return ths_rd_fail(r, BAD, "%s: negative INTEGER at offset %zu", field, out->offset);
    return 0;
}

int ths_der_uint(ths_reader *r, const uint8_t **p, size_t *len, const char *field)
{
    ths_der d;
    int rc = ths_der_integer(r, &d, 0, field);
    *p = NULL;
    *len = 0;
    if (rc)
        return rc;
    *p = d.val;
    *len = d.len;
    if (*len > 1 && (*p)[0] == 0) { /* the sign octet of a positive value */
        (*p)++;
        (*len)--;
    }
    return 0;
}

int ths_der_small_uint(ths_reader *r, long max, long *value, const char *field)
{
    ths_der d;
    size_t i;
    unsigned long v = 0;
    int rc = ths_der_integer(r, &d, 0, field);
    *value = 0;
    if (rc)
        return rc;
    i = d.val[0] == 0 ? 1 : 0; /* the sign octet of a positive value */
    if (d.len - i > sizeof v - 1)
        return ths_rd_fail(r, BAD, "%s: INTEGER too large (max %ld) at offset %zu", field, max, d.offset);
    for (; i < d.len; i++)
        v = (v << 8) | d.val[i];
    if (v > (unsigned long)max)
        return ths_rd_fail(r, BAD, "%s: INTEGER too large (max %ld) at offset %zu", field, max, d.offset);
    *value = (long)v;
    return 0;
}

int ths_der_boolean(ths_reader *r, int *value, const char *field)
{
    ths_der d;
    int rc = ths_der_expect(r, THS_DER_BOOLEAN, &d, field);
    *value = 0;
    if (rc)
        return rc;
    if (d.len != 1 || (d.val[0] != 0x00 && d.val[0] != 0xff))
        return ths_rd_fail(r, BAD, "%s: BOOLEAN not 00 or FF at offset %zu", field, d.offset);
    *value = d.val[0] == 0xff;
    return 0;
}

int ths_der_bit_string(ths_reader *r, const uint8_t **bits, size_t *nbytes, unsigned *unused, const char *field)
{
    ths_der d;
    int rc = ths_der_expect(r, THS_DER_BIT_STRING, &d, field);
    *bits = NULL;
    *nbytes = 0;
    *unused = 0;
    if (rc)
        return rc;
    if (d.len == 0)
        return ths_rd_fail(r, BAD, "%s: empty BIT STRING at offset %zu", field, d.offset);
    if (d.val[0] > 7 || (d.len == 1 && d.val[0] != 0))
        return ths_rd_fail(r, BAD, "%s: bad unused-bits count %u at offset %zu", field, d.val[0], d.offset);
    /* X.690 §11.2.1: unused bits are zero. */
    if (d.len > 1 && (d.val[d.len - 1] & ((1u << d.val[0]) - 1)))
        return ths_rd_fail(r, BAD, "%s: non-zero unused bits at offset %zu", field, d.offset);
    *bits = d.val + 1;
    *nbytes = d.len - 1;
    *unused = d.val[0];
    return 0;
}

int ths_der_oid(ths_reader *r, ths_der *out, const char *field)
{
    size_t i;
    int rc = ths_der_expect(r, THS_DER_OID, out, field);
    if (rc)
        return rc;
    if (out->len == 0)
        return ths_rd_fail(r, BAD, "%s: empty OBJECT IDENTIFIER at offset %zu", field, out->offset);
    /* X.690 §8.19.2: each arc in the fewest octets (no leading 0x80), and
     * the last octet ends an arc. */
    for (i = 0; i < out->len; i++)
        if (out->val[i] == 0x80 && (i == 0 || !(out->val[i - 1] & 0x80)))
            return ths_rd_fail(r, BAD, "%s: non-minimal OID arc at offset %zu", field, out->offset);
    if (out->val[out->len - 1] & 0x80)
        return ths_rd_fail(r, BAD, "%s: OID ends inside an arc at offset %zu", field, out->offset);
    return 0;
}

void ths_der_oid_text(const uint8_t *oid, size_t len, char *out, size_t cap)
{
    size_t i, at = 0;
    uint64_t arc = 0;
    int first = 1, bits = 0;
    if (cap == 0)
        return;
    out[0] = 0;
    for (i = 0; i < len; i++) {
        arc = (arc << 7) | (oid[i] & 0x7f);
        bits += 7;
        if (bits > 63) {
            out[0] = 0;
            return;
        }
        if (oid[i] & 0x80)
            continue;
        {
            int n;
            if (first) {
                /* X.690 §8.19.4: the first octets hold 40 * X + Y. */
                unsigned x = arc < 40 ? 0 : arc < 80 ? 1 : 2;
                n = snprintf(out + at, cap - at, "%u.%llu", x, (unsigned long long)(arc - 40u * x));
                first = 0;
            } else {
                n = snprintf(out + at, cap - at, ".%llu", (unsigned long long)arc);
            }
            if (n < 0 || (size_t)n >= cap - at) {
                out[0] = 0;
                return;
            }
            at += (size_t)n;
        }
        arc = 0;
        bits = 0;
    }
}

/* ---- time (RFC 5280 §4.1.2.5) ---- */

static int digits(const uint8_t *p, size_t n, int *v)
{
    size_t i;
    *v = 0;
    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        *v = *v * 10 + (p[i] - '0');
    }
    return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int ths_der_time(ths_reader *r, int64_t *t, const char *field)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    ths_der d;
    int y, mo, da, h, mi, s, leap, rc, ylen;
    const uint8_t *p;
    int tag = ths_der_peek(r);

    *t = 0;
    if (tag != THS_DER_UTC_TIME && tag != THS_DER_GENERALIZED_TIME) {
        rc = ths_der_any(r, &d, field);
        if (rc)
            return rc;
        return ths_rd_fail(r, BAD, "%s: expected UTCTime or GeneralizedTime, found tag 0x%02x at offset %zu",
                           field, d.tag, d.offset);
    }
    rc = ths_der_any(r, &d, field);
    if (rc)
        return rc;
    ylen = d.tag == THS_DER_UTC_TIME ? 2 : 4;
    /* §4.1.2.5.1/§4.1.2.5.2: seconds present, "Z", no fractions. */
    if (d.len != (size_t)ylen + 11 || d.val[d.len - 1] != 'Z')
        return ths_rd_fail(r, BAD, "%s: %s of %zu bytes is not %sMMDDHHMMSSZ at offset %zu", field,
                           ylen == 2 ? "UTCTime" : "GeneralizedTime", d.len, ylen == 2 ? "YY" : "YYYY", d.offset);
    p = d.val;
    if (!digits(p, (size_t)ylen, &y) || !digits(p + ylen, 2, &mo) || !digits(p + ylen + 2, 2, &da) ||
        !digits(p + ylen + 4, 2, &h) || !digits(p + ylen + 6, 2, &mi) || !digits(p + ylen + 8, 2, &s))
        return ths_rd_fail(r, BAD, "%s: non-digit in time at offset %zu", field, d.offset);
    if (ylen == 2)
        y += y >= 50 ? 1900 : 2000; /* §4.1.2.5.1 */
    if (mo < 1 || mo > 12)
        return ths_rd_fail(r, BAD, "%s: month %d at offset %zu", field, mo, d.offset);
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (da < 1 || da > mdays[mo - 1] + (mo == 2 && leap))
        return ths_rd_fail(r, BAD, "%s: day %d of month %d at offset %zu", field, da, mo, d.offset);
    if (h > 23 || mi > 59 || s > 59)
        return ths_rd_fail(r, BAD, "%s: time of day %02d:%02d:%02d at offset %zu", field, h, mi, s, d.offset);
    *t = days_from_civil(y, mo, da) * 86400 + h * 3600 + mi * 60 + s;
    return 0;
}
