/*
 * Certificate extensions (RFC 5280 §4.2): the ones path validation and host
 * matching use are decoded; every other one is kept raw (oid, critical,
 * value) and, when critical, marks the certificate so validation fails
 * (§4.2: "A certificate-using system MUST reject the certificate if it
 * encounters a critical extension it does not recognize").
 */
#include "oid.h"
#include "x509_private.h"
#include <string.h>

#define BAD THS_ALERT_BAD_CERTIFICATE

/* BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
 *                                 pathLenConstraint INTEGER (0..MAX) OPTIONAL } (§4.2.1.9) */
static int basic_constraints(ths_reader *r, ths_x509_cert *c)
{
    ths_der seq;
    int rc;
    if ((rc = ths_der_expect(r, THS_DER_SEQUENCE, &seq, "tbs.extensions.basicConstraints")))
        return rc;
    c->has_basic_constraints = 1;
    if (ths_der_peek(&seq.body) == THS_DER_BOOLEAN &&
        (rc = ths_der_boolean(&seq.body, &c->is_ca, "tbs.extensions.basicConstraints.cA")))
        return rc;
    if (ths_der_peek(&seq.body) == THS_DER_INTEGER &&
        (rc = ths_der_small_uint(&seq.body, 0x7fffffffL, &c->path_len,
                                 "tbs.extensions.basicConstraints.pathLenConstraint")))
        return rc;
    return ths_der_end(&seq.body, "tbs.extensions.basicConstraints");
}

/* KeyUsage ::= BIT STRING (§4.2.1.3) */
static int key_usage(ths_reader *r, ths_x509_cert *c)
{
    const uint8_t *bits;
    size_t n, i;
    unsigned unused;
    int rc = ths_der_bit_string(r, &bits, &n, &unused, "tbs.extensions.keyUsage");
    if (rc)
        return rc;
    c->has_key_usage = 1;
    c->key_usage = 0;
    for (i = 0; i < n && i < 2; i++) {
        int b;
        for (b = 0; b < 8; b++)
            if (bits[i] & (0x80 >> b))
                c->key_usage |= 1u << (i * 8 + (size_t)b);
    }
    c->key_usage &= 0x1ff;
    return 0;
}

/* ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (§4.2.1.12) */
static int ext_key_usage(ths_reader *r, ths_x509_cert *c)
{
    ths_der seq, oid;
    int rc;
    if ((rc = ths_der_expect(r, THS_DER_SEQUENCE, &seq, "tbs.extensions.extKeyUsage")))
        return rc;
    if (seq.len == 0)
        return ths_rd_fail(r, BAD, "tbs.extensions.extKeyUsage: empty at offset %zu", seq.offset);
    c->has_eku = 1;
    c->eku_list.p = seq.val;
    c->eku_list.n = seq.len;
    while (ths_rd_left(&seq.body) > 0) {
        if ((rc = ths_der_oid(&seq.body, &oid, "tbs.extensions.extKeyUsage")))
            return rc;
        c->eku |= ths_x509_eku_flag(oid.val, oid.len);
    }
    return 0;
}

/* One GeneralName (§4.2.1.6), structure checked. */
static int general_name(ths_reader *r, ths_x509_san *out, const char *field)
{
    ths_der g;
    size_t i;
    int rc = ths_der_any(r, &g, field);
    if (rc)
        return rc;
    out->type = g.tag & 0x1f;
    out->value.p = g.val;
    out->value.n = g.len;
    switch (g.tag) {
    case 0x81: /* rfc822Name IA5String */
    case 0x82: /* dNSName IA5String */
    case 0x86: /* uniformResourceIdentifier IA5String */
        for (i = 0; i < g.len; i++)
            if (g.val[i] >= 0x80)
                return ths_rd_fail(r, BAD, "%s: non-IA5 byte 0x%02x at offset %zu", field, g.val[i],
                                   g.offset + (g.tlv_len - g.len) + i);
        return 0;
    case 0x87: /* iPAddress OCTET STRING: 4 or 16 octets outside name constraints */
        if (g.len != 4 && g.len != 16)
            return ths_rd_fail(r, BAD, "%s: iPAddress of %zu bytes at offset %zu", field, g.len, g.offset);
        return 0;
    case 0x88: /* registeredID: OID contents (X.690 §8.19) */
        if (g.len == 0 || (g.val[g.len - 1] & 0x80))
            return ths_rd_fail(r, BAD, "%s: bad registeredID at offset %zu", field, g.offset);
        for (i = 0; i < g.len; i++)
            if (g.val[i] == 0x80 && (i == 0 || !(g.val[i - 1] & 0x80)))
                return ths_rd_fail(r, BAD, "%s: non-minimal registeredID at offset %zu", field, g.offset);
        return 0;
    case 0xa0: /* otherName */
    case 0xa3: /* x400Address */
    case 0xa4: /* directoryName (EXPLICIT Name) */
    case 0xa5: /* ediPartyName */
        return 0;
    default:
        return ths_rd_fail(r, BAD, "%s: unknown GeneralName tag 0x%02x at offset %zu", field, g.tag, g.offset);
    }
}

/* SubjectAltName ::= GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName */
static int subject_alt_name(ths_reader *r, ths_x509_cert *c)
{
    ths_der seq;
    ths_x509_san one;
    int rc;
    if ((rc = ths_der_expect(r, THS_DER_SEQUENCE, &seq, "tbs.extensions.subjectAltName")))
        return rc;
    if (seq.len == 0)
        return ths_rd_fail(r, BAD, "tbs.extensions.subjectAltName: empty at offset %zu", seq.offset);
    c->has_san = 1;
    c->san.p = seq.val;
    c->san.n = seq.len;
    while (ths_rd_left(&seq.body) > 0)
        if ((rc = general_name(&seq.body, &one, "tbs.extensions.subjectAltName")))
            return rc;
    return 0;
}

/* SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING (§4.2.1.2) */
static int subject_key_id(ths_reader *r, ths_x509_cert *c)
{
    ths_der o;
    int rc = ths_der_expect(r, THS_DER_OCTET_STRING, &o, "tbs.extensions.subjectKeyIdentifier");
    if (rc)
        return rc;
    c->ski.p = o.val;
    c->ski.n = o.len;
    return 0;
}

/* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL,
 *   authorityCertIssuer [1] GeneralNames OPTIONAL, authorityCertSerialNumber [2] OPTIONAL } (§4.2.1.1) */
static int authority_key_id(ths_reader *r, ths_x509_cert *c)
{
    static const char *F = "tbs.extensions.authorityKeyIdentifier";
    ths_der seq, part;
    int rc;
    if ((rc = ths_der_expect(r, THS_DER_SEQUENCE, &seq, F)))
        return rc;
    if (ths_der_peek(&seq.body) == 0x80) {
        if ((rc = ths_der_any(&seq.body, &part, F)))
            return rc;
        c->aki.p = part.val;
        c->aki.n = part.len;
    }
    if (ths_der_peek(&seq.body) == 0xa1) {
        ths_x509_san one;
        if ((rc = ths_der_any(&seq.body, &part, F)))
            return rc;
        while (ths_rd_left(&part.body) > 0)
            if ((rc = general_name(&part.body, &one, F)))
                return rc;
    }
    if (ths_der_peek(&seq.body) == 0x82 && (rc = ths_der_any(&seq.body, &part, F)))
        return rc;
    return ths_der_end(&seq.body, F);
}

/* One Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
static int extension(ths_reader *r, ths_x509_ext *e, size_t *offset)
{
    ths_der seq, oid, value;
    int rc;
    memset(e, 0, sizeof *e);
    if ((rc = ths_der_expect(r, THS_DER_SEQUENCE, &seq, "tbs.extensions.extension")) ||
        (rc = ths_der_oid(&seq.body, &oid, "tbs.extensions.extension.extnID")))
        return rc;
    *offset = seq.offset;
    /* An explicit FALSE is not DER (X.690 §11.5) but common; tolerated. */
    if (ths_der_peek(&seq.body) == THS_DER_BOOLEAN &&
        (rc = ths_der_boolean(&seq.body, &e->critical, "tbs.extensions.extension.critical")))
        return rc;
    if ((rc = ths_der_expect(&seq.body, THS_DER_OCTET_STRING, &value, "tbs.extensions.extension.extnValue")) ||
        (rc = ths_der_end(&seq.body, "tbs.extensions.extension")))
        return rc;
    e->oid.p = oid.val;
    e->oid.n = oid.len;
    e->value.p = value.val;
    e->value.n = value.len;
    return 0;
}

int ths_x509_parse_extensions(ths_reader *r, ths_x509_cert *c)
{
    ths_der seq;
    int rc;
    if ((rc = ths_der_expect(r, THS_DER_SEQUENCE, &seq, "tbs.extensions")))
        return rc;
    if (seq.len == 0) /* SIZE (1..MAX) */
        return ths_rd_fail(r, BAD, "tbs.extensions: empty at offset %zu", seq.offset);
    c->extensions.p = seq.val;
    c->extensions.n = seq.len;
    while (ths_rd_left(&seq.body) > 0) {
        ths_x509_ext e;
        ths_reader prev, v;
        ths_x509_ext p;
        size_t at = 0;
        int k;
        if ((rc = extension(&seq.body, &e, &at)))
            return rc;
        if (++c->ext_count > THS_X509_MAX_EXTENSIONS)
            return ths_rd_fail(r, BAD, "tbs.extensions: more than %d extensions at offset %zu",
                               THS_X509_MAX_EXTENSIONS, at);
        /* §4.2: "A certificate MUST NOT include more than one instance of a
         * particular extension." */
        ths_der_init(&prev, c->extensions.p, (size_t)(e.oid.p - c->extensions.p), r->ctx, NULL, BAD);
        for (k = 0; k < c->ext_count - 1 && ths_x509_ext_next(&prev, &p); k++)
            if (ths_oid_eq(p.oid.p, p.oid.n, e.oid.p, e.oid.n)) {
                char txt[64];
                ths_der_oid_text(e.oid.p, e.oid.n, txt, sizeof txt);
                return ths_rd_fail(r, BAD, "tbs.extensions: duplicate extension %s at offset %zu", txt, at);
            }

        ths_der_init(&v, e.value.p, e.value.n, r->ctx, r->err, BAD);
        v.base = seq.body.base + (size_t)(e.value.p - seq.body.data);
        if (ths_oid_eq(e.oid.p, e.oid.n, ths_oid_ext_basic_constraints, ths_oid_ext_basic_constraints_len))
            rc = basic_constraints(&v, c);
        else if (ths_oid_eq(e.oid.p, e.oid.n, ths_oid_ext_key_usage, ths_oid_ext_key_usage_len))
            rc = key_usage(&v, c);
        else if (ths_oid_eq(e.oid.p, e.oid.n, ths_oid_ext_eku, ths_oid_ext_eku_len))
            rc = ext_key_usage(&v, c);
        else if (ths_oid_eq(e.oid.p, e.oid.n, ths_oid_ext_san, ths_oid_ext_san_len))
            rc = subject_alt_name(&v, c);
        else if (ths_oid_eq(e.oid.p, e.oid.n, ths_oid_ext_ski, ths_oid_ext_ski_len))
            rc = subject_key_id(&v, c);
        else if (ths_oid_eq(e.oid.p, e.oid.n, ths_oid_ext_aki, ths_oid_ext_aki_len))
            rc = authority_key_id(&v, c);
        else {
            /* certificatePolicies is understood in the sense of §6.1 with
             * any-policy as the initial set: it restricts nothing, so a
             * critical one does not fail (as in OpenSSL and Go). */
            if (e.critical && !c->unknown_critical &&
                !ths_oid_eq(e.oid.p, e.oid.n, ths_oid_ext_policies, ths_oid_ext_policies_len)) {
                c->unknown_critical = 1;
                ths_der_oid_text(e.oid.p, e.oid.n, c->unknown_critical_oid, sizeof c->unknown_critical_oid);
            }
            continue;
        }
        if (rc || (rc = ths_der_end(&v, "tbs.extensions.extnValue"))) {
            r->failed = 1;
            return rc;
        }
    }
    return 0;
}

/* ---- iterators over a parsed certificate ---- */

void ths_x509_ext_iter(const ths_x509_cert *c, ths_reader *it)
{
    ths_der_init(it, c->extensions.p, c->extensions.p ? c->extensions.n : 0, "certificate", NULL, BAD);
}

int ths_x509_ext_next(ths_reader *it, ths_x509_ext *out)
{
    size_t at;
    if (ths_rd_left(it) == 0)
        return 0;
    return extension(it, out, &at) == 0;
}

void ths_x509_san_iter(const ths_x509_cert *c, ths_reader *it)
{
    ths_der_init(it, c->san.p, c->has_san ? c->san.n : 0, "certificate", NULL, BAD);
}

int ths_x509_san_next(ths_reader *it, ths_x509_san *out)
{
    if (ths_rd_left(it) == 0)
        return 0;
    return general_name(it, out, "san") == 0;
}

void ths_x509_eku_iter(const ths_x509_cert *c, ths_reader *it)
{
    ths_der_init(it, c->eku_list.p, c->has_eku ? c->eku_list.n : 0, "certificate", NULL, BAD);
}

int ths_x509_eku_next(ths_reader *it, ths_span *oid)
{
    ths_der d;
    if (ths_rd_left(it) == 0)
        return 0;
    if (ths_der_oid(it, &d, "eku"))
        return 0;
    oid->p = d.val;
    oid->n = d.len;
    return 1;
}
