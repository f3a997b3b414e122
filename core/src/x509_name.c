/*
 * Distinguished names as text, RFC 4514 style: RDNs from last to first,
 * "CN=example.com, O=Example, C=US" (we separate with ", " for readability
 * where RFC 4514 §2.1 uses ","), multi-valued RDNs joined with "+", values
 * escaped per §2.4, unknown attribute types as dotted OIDs, values that are
 * not strings as "#" and the hex of their DER (§2.4).  Comparisons never use
 * this text: they compare the Name DER bytes.
 */
#include "oid.h"
#include "x509_private.h"
#include <stdio.h>
#include <string.h>

typedef struct {
    char *out;
    size_t cap, len;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (b->len + 1 < b->cap)
            b->out[b->len] = s[i];
        b->len++;
    }
    if (b->cap)
        b->out[b->len < b->cap ? b->len : b->cap - 1] = 0;
}

static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }

static void put_hex_byte(sbuf *b, const char *prefix, unsigned v)
{
    char tmp[8];
    snprintf(tmp, sizeof tmp, "%s%02X", prefix, v & 0xff);
    puts_(b, tmp);
}

/* One Unicode code point as UTF-8 (escaped per §2.4 when special). */
static void put_cp(sbuf *b, uint32_t cp, int first, int last)
{
    char u[4];
    if (cp < 0x80) {
        char ch = (char)cp;
        if (cp < 0x20 || cp == 0x7f) {
            put_hex_byte(b, "\\", cp);
            return;
        }
        if (strchr(",+\"\\<>;", ch) || (first && (ch == '#' || ch == ' ')) || (last && ch == ' '))
            put(b, "\\", 1);
        put(b, &ch, 1);
        return;
    }
    if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        put(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        put(b, u, 3);
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        put(b, u, 4);
    }
}

/* Length of a valid UTF-8 sequence at p (shortest form, no surrogates), or 0. */
static size_t utf8_seq(const uint8_t *p, size_t n, uint32_t *cp)
{
    size_t k, i;
    uint32_t v;
    if (p[0] < 0x80) { *cp = p[0]; return 1; }
    if (p[0] >= 0xc2 && p[0] <= 0xdf) { k = 2; v = p[0] & 0x1f; }
    else if (p[0] >= 0xe0 && p[0] <= 0xef) { k = 3; v = p[0] & 0x0f; }
    else if (p[0] >= 0xf0 && p[0] <= 0xf4) { k = 4; v = p[0] & 0x07; }
    else return 0;
    if (n < k)
        return 0;
    for (i = 1; i < k; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3f);
    }
    if ((k == 3 && v < 0x800) || (k == 4 && (v < 0x10000 || v > 0x10ffff)) || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return k;
}

static void put_value(sbuf *b, uint8_t tag, const uint8_t *v, size_t n, const uint8_t *tlv, size_t tlv_len)
{
    size_t i = 0;
    switch (tag) {
    case THS_DER_UTF8_STRING:
    case THS_DER_PRINTABLE_STRING:
    case THS_DER_IA5_STRING:
    case THS_DER_T61_STRING:
    case 0x1a: /* VisibleString */
        while (i < n) {
            uint32_t cp;
            size_t k = utf8_seq(v + i, n - i, &cp);
            if (k == 0 || (tag != THS_DER_UTF8_STRING && cp >= 0x80)) {
                put_hex_byte(b, "\\", v[i]); /* not text: escaped as \XX */
                i++;
                continue;
            }
            put_cp(b, cp, i == 0, i + k == n);
            i += k;
        }
        return;
    case THS_DER_BMP_STRING: /* UCS-2 big-endian */
        if (n % 2)
            break;
        for (i = 0; i < n; i += 2)
            put_cp(b, ((uint32_t)v[i] << 8) | v[i + 1], i == 0, i + 2 == n);
        return;
    case THS_DER_UNIVERSAL_STRING: /* UCS-4 big-endian */
        if (n % 4)
            break;
        for (i = 0; i < n; i += 4) {
            uint32_t cp = ((uint32_t)v[i] << 24) | ((uint32_t)v[i + 1] << 16) | ((uint32_t)v[i + 2] << 8) | v[i + 3];
            if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                cp = 0xfffd;
            put_cp(b, cp, i == 0, i + 4 == n);
        }
        return;
    default:
        break;
    }
    /* §2.4: "#" followed by the hex of the BER encoding. */
    put(b, "#", 1);
    for (i = 0; i < tlv_len; i++) {
        char h[3];
        snprintf(h, sizeof h, "%02x", tlv[i]);
        put(b, h, 2);
    }
}

/* Walks the RDN SETs of a Name that ths_x509_parse_name accepted. */
static size_t rdns(ths_span name, ths_der *out, size_t max)
{
    ths_reader r, body;
    ths_der seq;
    size_t n = 0;
    ths_der_init(&r, name.p, name.n, "name", NULL, THS_ALERT_BAD_CERTIFICATE);
    if (ths_der_expect(&r, THS_DER_SEQUENCE, &seq, "name"))
        return 0;
    body = seq.body;
    while (n < max && ths_rd_left(&body) > 0)
        if (ths_der_expect(&body, THS_DER_SET, &out[n++], "rdn"))
            return n - 1;
    return n;
}

#define MAX_RDNS 64

size_t ths_x509_name_format(ths_span name, char *out, size_t cap)
{
    ths_der set[MAX_RDNS];
    sbuf b;
    size_t n, i;
    b.out = out;
    b.cap = cap;
    b.len = 0;
    if (cap)
        out[0] = 0;
    n = rdns(name, set, MAX_RDNS);
    for (i = n; i-- > 0;) {
        ths_reader atvs = set[i].body;
        int first = 1;
        if (i + 1 != n)
            puts_(&b, ", ");
        while (ths_rd_left(&atvs) > 0) {
            ths_der atv, oid, val;
            const char *short_name;
            if (ths_der_expect(&atvs, THS_DER_SEQUENCE, &atv, "atv") || ths_der_oid(&atv.body, &oid, "type") ||
                ths_der_any(&atv.body, &val, "value"))
                break;
            if (!first)
                puts_(&b, "+");
            first = 0;
            short_name = ths_oid_attr_name(oid.val, oid.len);
            if (short_name) {
                puts_(&b, short_name);
            } else {
                char txt[96];
                ths_der_oid_text(oid.val, oid.len, txt, sizeof txt);
                puts_(&b, txt);
            }
            put(&b, "=", 1);
            if (short_name)
                put_value(&b, val.tag, val.val, val.len, val.tlv, val.tlv_len);
            else
                put_value(&b, 0, val.val, val.len, val.tlv, val.tlv_len);
        }
    }
    return b.len;
}

int ths_x509_name_cn(ths_span name, int want, ths_span *cn)
{
    ths_der set[MAX_RDNS];
    size_t n = rdns(name, set, MAX_RDNS), i;
    static const uint8_t cn_oid[] = {0x55, 0x04, 0x03};
    int seen = 0;
    for (i = 0; i < n; i++) {
        ths_reader atvs = set[i].body;
        while (ths_rd_left(&atvs) > 0) {
            ths_der atv, oid, val;
            if (ths_der_expect(&atvs, THS_DER_SEQUENCE, &atv, "atv") || ths_der_oid(&atv.body, &oid, "type") ||
                ths_der_any(&atv.body, &val, "value"))
                return -1;
            if (ths_oid_eq(oid.val, oid.len, cn_oid, sizeof cn_oid) && seen++ == want) {
                cn->p = val.val;
                cn->n = val.len;
                return val.tag;
            }
        }
    }
    return -1;
}
