/*
 * Certificate parsing (RFC 5280 §4.1): one pass over the DER, every element
 * read in schema order through the strict reader in der.c, the whole input
 * consumed exactly.  Details name the path of the field, for example
 * "certificate.tbs.validity.notBefore: month 13 at offset 161".
 */
#include "oid.h"
#include "x509_private.h"
#include <string.h>

#define BAD THS_ALERT_BAD_CERTIFICATE

/* ---- Name (RFC 5280 §4.1.2.4): SEQUENCE OF SET SIZE(1..MAX) OF
 *      SEQUENCE { type OID, value ANY } ---- */

int ths_x509_parse_name(ths_reader *r, ths_span *name, int allow_empty, const char *field)
{
    ths_der seq;
    int rc = ths_der_expect(r, THS_DER_SEQUENCE, &seq, field);
    if (rc)
        return rc;
    name->p = seq.tlv;
    name->n = seq.tlv_len;
    if (seq.len == 0 && !allow_empty)
        return ths_rd_fail(r, BAD, "%s: empty name at offset %zu", field, seq.offset);
    while (ths_rd_left(&seq.body) > 0) {
        ths_der set;
        if ((rc = ths_der_expect(&seq.body, THS_DER_SET, &set, field)))
            return rc;
        if (set.len == 0)
            return ths_rd_fail(r, BAD, "%s: empty RDN at offset %zu", field, set.offset);
        while (ths_rd_left(&set.body) > 0) {
            ths_der atv, oid, value;
            if ((rc = ths_der_expect(&set.body, THS_DER_SEQUENCE, &atv, field)) ||
                (rc = ths_der_oid(&atv.body, &oid, field)) || (rc = ths_der_any(&atv.body, &value, field)) ||
                (rc = ths_der_end(&atv.body, field)))
                return rc;
        }
    }
    return 0;
}

/* ---- AlgorithmIdentifier (RFC 5280 §4.1.1.2) ---- */

static int hash_alg(ths_reader *r, ths_x509_hash *h, const char *field)
{
    ths_der seq, oid;
    int rc;
    if ((rc = ths_der_expect(r, THS_DER_SEQUENCE, &seq, field)) || (rc = ths_der_oid(&seq.body, &oid, field)))
        return rc;
    /* RFC 4055 §2.1: parameters NULL or absent. */
    if (ths_der_peek(&seq.body) == THS_DER_NULL) {
        ths_der null;
        if ((rc = ths_der_any(&seq.body, &null, field)))
            return rc;
        if (null.len)
            return ths_rd_fail(r, BAD, "%s: NULL with contents at offset %zu", field, null.offset);
    }
    if ((rc = ths_der_end(&seq.body, field)))
        return rc;
    if (THS_OID_IS(&oid, ths_oid_sha1)) *h = THS_X509_HASH_SHA1;
    else if (THS_OID_IS(&oid, ths_oid_sha224)) *h = THS_X509_HASH_SHA224;
    else if (THS_OID_IS(&oid, ths_oid_sha256)) *h = THS_X509_HASH_SHA256;
    else if (THS_OID_IS(&oid, ths_oid_sha384)) *h = THS_X509_HASH_SHA384;
    else if (THS_OID_IS(&oid, ths_oid_sha512)) *h = THS_X509_HASH_SHA512;
    else *h = THS_X509_HASH_NONE; /* unknown: the signature is then unsupported */
    return 0;
}

/* RSASSA-PSS-params (RFC 4055 §3.1), every field with its default. */
static int pss_params(ths_reader *r, ths_x509_cert *c, const char *field)
{
    ths_der seq, tagged;
    int rc;
    long v;
    c->pss_hash = THS_X509_HASH_SHA1;
    c->pss_mgf_hash = THS_X509_HASH_SHA1;
    c->pss_salt_len = 20;
    if ((rc = ths_der_expect(r, THS_DER_SEQUENCE, &seq, field)))
        return rc;
    if (ths_der_peek(&seq.body) == 0xa0) {
        if ((rc = ths_der_any(&seq.body, &tagged, field)) || (rc = hash_alg(&tagged.body, &c->pss_hash, field)) ||
            (rc = ths_der_end(&tagged.body, field)))
            return rc;
    }
    if (ths_der_peek(&seq.body) == 0xa1) {
        ths_der mgf, oid;
        if ((rc = ths_der_any(&seq.body, &tagged, field)) ||
            (rc = ths_der_expect(&tagged.body, THS_DER_SEQUENCE, &mgf, field)) ||
            (rc = ths_der_oid(&mgf.body, &oid, field)))
            return rc;
        if (!THS_OID_IS(&oid, ths_oid_mgf1))
            c->pss_mgf_hash = THS_X509_HASH_NONE;
        else if ((rc = hash_alg(&mgf.body, &c->pss_mgf_hash, field)))
            return rc;
        if ((rc = ths_der_end(&mgf.body, field)) || (rc = ths_der_end(&tagged.body, field)))
            return rc;
    }
    if (ths_der_peek(&seq.body) == 0xa2) {
        if ((rc = ths_der_any(&seq.body, &tagged, field)) || (rc = ths_der_small_uint(&tagged.body, 1024, &v, field)) ||
            (rc = ths_der_end(&tagged.body, field)))
            return rc;
        c->pss_salt_len = (int)v;
    }
    if (ths_der_peek(&seq.body) == 0xa3) {
        if ((rc = ths_der_any(&seq.body, &tagged, field)) || (rc = ths_der_small_uint(&tagged.body, 255, &v, field)) ||
            (rc = ths_der_end(&tagged.body, field)))
            return rc;
        if (v != 1) /* trailerFieldBC */
            return ths_rd_fail(r, BAD, "%s: trailerField %ld is not 1 at offset %zu", field, v, tagged.offset);
    }
    return ths_der_end(&seq.body, field);
}

static int sig_alg(ths_reader *r, ths_x509_cert *c, ths_der *whole, const char *field)
{
    ths_der oid;
    int rc, params, null_params = 0;
    static const struct {
        const uint8_t *oid;
        const size_t *len;
        ths_x509_sig_alg alg;
        int rsa;
    } algs[] = {
        {ths_oid_sha1_rsa, &ths_oid_sha1_rsa_len, THS_X509_SIG_RSA_SHA1, 1},
        {ths_oid_sha256_rsa, &ths_oid_sha256_rsa_len, THS_X509_SIG_RSA_SHA256, 1},
        {ths_oid_sha384_rsa, &ths_oid_sha384_rsa_len, THS_X509_SIG_RSA_SHA384, 1},
        {ths_oid_sha512_rsa, &ths_oid_sha512_rsa_len, THS_X509_SIG_RSA_SHA512, 1},
        {ths_oid_ecdsa_sha1, &ths_oid_ecdsa_sha1_len, THS_X509_SIG_ECDSA_SHA1, 0},
        {ths_oid_ecdsa_sha256, &ths_oid_ecdsa_sha256_len, THS_X509_SIG_ECDSA_SHA256, 0},
        {ths_oid_ecdsa_sha384, &ths_oid_ecdsa_sha384_len, THS_X509_SIG_ECDSA_SHA384, 0},
        {ths_oid_ecdsa_sha512, &ths_oid_ecdsa_sha512_len, THS_X509_SIG_ECDSA_SHA512, 0},
        {ths_oid_ed25519, &ths_oid_ed25519_len, THS_X509_SIG_ED25519, 0},
    };
    size_t i;

    if ((rc = ths_der_expect(r, THS_DER_SEQUENCE, whole, field)) || (rc = ths_der_oid(&whole->body, &oid, field)))
        return rc;
    c->sig_alg_oid.p = oid.val;
    c->sig_alg_oid.n = oid.len;
    c->sig_alg = THS_X509_SIG_UNKNOWN;
    if (THS_OID_IS(&oid, ths_oid_rsassa_pss)) {
        c->sig_alg = THS_X509_SIG_RSA_PSS;
        if ((rc = pss_params(&whole->body, c, field)))
            return rc;
        return ths_der_end(&whole->body, field);
    }
    params = ths_rd_left(&whole->body) > 0;
    if (params) {
        ths_der p;
        if ((rc = ths_der_any(&whole->body, &p, field)) || (rc = ths_der_end(&whole->body, field)))
            return rc;
        null_params = p.tag == THS_DER_NULL && p.len == 0;
    }
    for (i = 0; i < sizeof algs / sizeof algs[0]; i++) {
        if (!ths_oid_eq(oid.val, oid.len, algs[i].oid, *algs[i].len))
            continue;
        c->sig_alg = algs[i].alg;
        /* RFC 4055 §5: NULL parameters for PKCS #1 v1.5 (absent tolerated);
         * RFC 5758 §3.2, RFC 8410 §3: absent for ECDSA and Ed25519. */
        if (params && !(algs[i].rsa && null_params))
            return ths_rd_fail(r, BAD, "%s: unexpected parameters at offset %zu", field, whole->offset);
    }
    return 0;
}

/* ---- SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 3279, RFC 5480, RFC 8410) ---- */

static int bit_length(const uint8_t *p, size_t n)
{
    int bits;
    while (n > 0 && *p == 0) {
        p++;
        n--;
    }
    if (n == 0)
        return 0;
    bits = (int)(n - 1) * 8;
    for (uint8_t b = *p; b; b >>= 1)
        bits++;
    return bits;
}

static int spki(ths_reader *r, ths_x509_cert *c)
{
    static const char *F = "tbs.subjectPublicKeyInfo";
    ths_der seq, alg, oid;
    const uint8_t *key;
    size_t keylen;
    unsigned unused;
    int rc;

    if ((rc = ths_der_expect(r, THS_DER_SEQUENCE, &seq, F)))
        return rc;
    c->spki.p = seq.tlv;
    c->spki.n = seq.tlv_len;
    if ((rc = ths_der_expect(&seq.body, THS_DER_SEQUENCE, &alg, "tbs.subjectPublicKeyInfo.algorithm")) ||
        (rc = ths_der_oid(&alg.body, &oid, "tbs.subjectPublicKeyInfo.algorithm")))
        return rc;
    c->key_alg_oid.p = oid.val;
    c->key_alg_oid.n = oid.len;
    c->key_type = THS_X509_KEY_UNKNOWN;

    if (THS_OID_IS(&oid, ths_oid_rsa_encryption) || THS_OID_IS(&oid, ths_oid_rsassa_pss)) {
        c->key_type = THS_X509_KEY_RSA;
        /* RFC 3279 §2.3.1: NULL; RFC 4055 §1.2: id-RSASSA-PSS params optional. */
        if (ths_rd_left(&alg.body) > 0) {
            ths_der p;
            if ((rc = ths_der_any(&alg.body, &p, "tbs.subjectPublicKeyInfo.algorithm.parameters")))
                return rc;
            if (THS_OID_IS(&oid, ths_oid_rsa_encryption) && (p.tag != THS_DER_NULL || p.len))
                return ths_rd_fail(r, BAD, "tbs.subjectPublicKeyInfo.algorithm.parameters: not NULL at offset %zu",
                                   p.offset);
        }
    } else if (THS_OID_IS(&oid, ths_oid_ec_public_key)) {
        ths_der curve;
        c->key_type = THS_X509_KEY_EC;
        /* RFC 5480 §2.1.1: namedCurve only (implicit/specified curves are
         * refused by RFC 5480's profile; we keep them parseable but unknown). */
        if (ths_der_peek(&alg.body) == THS_DER_OID) {
            if ((rc = ths_der_oid(&alg.body, &curve, "tbs.subjectPublicKeyInfo.algorithm.namedCurve")))
                return rc;
            if (THS_OID_IS(&curve, ths_oid_p256)) c->curve = 23, c->key_bits = 256;
            else if (THS_OID_IS(&curve, ths_oid_p384)) c->curve = 24, c->key_bits = 384;
            else if (THS_OID_IS(&curve, ths_oid_p521)) c->curve = 25, c->key_bits = 521;
        } else if ((rc = ths_der_any(&alg.body, &curve, "tbs.subjectPublicKeyInfo.algorithm.parameters"))) {
            return rc;
        }
    } else if (THS_OID_IS(&oid, ths_oid_ed25519)) {
        c->key_type = THS_X509_KEY_ED25519;
        c->key_bits = 256;
        /* RFC 8410 §3: parameters absent (checked by end_of below). */
    } else if (ths_rd_left(&alg.body) > 0) {
        ths_der p;
        if ((rc = ths_der_any(&alg.body, &p, "tbs.subjectPublicKeyInfo.algorithm.parameters")))
            return rc;
    }
    if ((rc = ths_der_end(&alg.body, "tbs.subjectPublicKeyInfo.algorithm")))
        return rc;
    if ((rc = ths_der_bit_string(&seq.body, &key, &keylen, &unused, "tbs.subjectPublicKeyInfo.subjectPublicKey")) ||
        (rc = ths_der_end(&seq.body, F)))
        return rc;
    if (c->key_type != THS_X509_KEY_UNKNOWN && unused)
        return ths_rd_fail(r, BAD, "%s.subjectPublicKey: unused bits in a key at offset %zu", F, seq.offset);

    if (c->key_type == THS_X509_KEY_RSA) {
        /* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
        ths_reader kr;
        ths_der rsa, n, e;
        ths_der_init(&kr, key, keylen, r->ctx, r->err, BAD);
        kr.base = r->base + (size_t)(key - r->data);
        if ((rc = ths_der_expect(&kr, THS_DER_SEQUENCE, &rsa, "tbs.subjectPublicKeyInfo.RSAPublicKey")) ||
            (rc = ths_der_integer(&rsa.body, &n, 0, "tbs.subjectPublicKeyInfo.RSAPublicKey.modulus")) ||
            (rc = ths_der_integer(&rsa.body, &e, 0, "tbs.subjectPublicKeyInfo.RSAPublicKey.publicExponent")) ||
            (rc = ths_der_end(&rsa.body, "tbs.subjectPublicKeyInfo.RSAPublicKey")) ||
            (rc = ths_der_end(&kr, "tbs.subjectPublicKeyInfo.RSAPublicKey"))) {
            r->failed = 1;
            return rc;
        }
        c->key_bits = bit_length(n.val, n.len);
        if (c->key_bits < 2 || !(n.val[n.len - 1] & 1) || bit_length(e.val, e.len) < 2)
            return ths_rd_fail(r, BAD, "%s.RSAPublicKey: implausible modulus or exponent at offset %zu", F,
                               n.offset);
    } else if (c->key_type == THS_X509_KEY_EC && c->curve) {
        /* SEC 1 §2.3.3: 04 || X || Y, or 02/03 || X. */
        size_t flen = ((size_t)c->key_bits + 7) / 8;
        if (!(keylen == 2 * flen + 1 && key[0] == 4) && !(keylen == flen + 1 && (key[0] == 2 || key[0] == 3)))
            return ths_rd_fail(r, BAD, "%s.subjectPublicKey: EC point of %zu bytes does not fit %s at offset %zu", F,
                               keylen, ths_x509_curve_name(c->curve), seq.offset);
    } else if (c->key_type == THS_X509_KEY_ED25519) {
        if (keylen != 32)
            return ths_rd_fail(r, BAD, "%s.subjectPublicKey: Ed25519 key of %zu bytes at offset %zu", F, keylen,
                               seq.offset);
    }
    return 0;
}

/* ---- Certificate (RFC 5280 §4.1) ---- */

static int tbs(ths_reader *r, ths_x509_cert *c, ths_der *tbs_alg)
{
    ths_der seq, serial, validity;
    ths_reader *b;
    int rc;

    if ((rc = ths_der_expect(r, THS_DER_SEQUENCE, &seq, "tbs")))
        return rc;
    c->tbs.p = seq.tlv;
    c->tbs.n = seq.tlv_len;
    b = &seq.body;

    /* version [0] EXPLICIT Version DEFAULT v1 */
    c->version = 1;
    if (ths_der_peek(b) == 0xa0) {
        ths_der v;
        long n;
        if ((rc = ths_der_any(b, &v, "tbs.version")) || (rc = ths_der_small_uint(&v.body, 2, &n, "tbs.version")) ||
            (rc = ths_der_end(&v.body, "tbs.version")))
            return rc;
        c->version = (int)n + 1;
    }
    /* serialNumber: positive, at most 20 octets (§4.1.2.2) */
    if ((rc = ths_der_integer(b, &serial, 0, "tbs.serialNumber")))
        return rc;
    if (serial.len > 21 || (serial.len == 21 && serial.val[0] != 0))
        return ths_rd_fail(r, BAD, "tbs.serialNumber: %zu octets (max 20) at offset %zu", serial.len, serial.offset);
    c->serial.p = serial.val;
    c->serial.n = serial.len;

    if ((rc = sig_alg(b, c, tbs_alg, "tbs.signature")))
        return rc;
    if ((rc = ths_x509_parse_name(b, &c->issuer, 0, "tbs.issuer")))
        return rc;
    if ((rc = ths_der_expect(b, THS_DER_SEQUENCE, &validity, "tbs.validity")) ||
        (rc = ths_der_time(&validity.body, &c->not_before, "tbs.validity.notBefore")) ||
        (rc = ths_der_time(&validity.body, &c->not_after, "tbs.validity.notAfter")) ||
        (rc = ths_der_end(&validity.body, "tbs.validity")))
        return rc;
    /* §4.1.2.6: the subject may be empty (then subjectAltName is critical). */
    if ((rc = ths_x509_parse_name(b, &c->subject, 1, "tbs.subject")))
        return rc;
    if ((rc = spki(b, c)))
        return rc;
    /* issuerUniqueID [1], subjectUniqueID [2]: v2 or v3 only (§4.1.2.8) */
    if (ths_der_peek(b) == 0x81 || ths_der_peek(b) == 0xa1) {
        ths_der u;
        if ((rc = ths_der_any(b, &u, "tbs.issuerUniqueID")))
            return rc;
        if (c->version < 2)
            return ths_rd_fail(r, BAD, "tbs.issuerUniqueID: in a v1 certificate at offset %zu", u.offset);
    }
    if (ths_der_peek(b) == 0x82 || ths_der_peek(b) == 0xa2) {
        ths_der u;
        if ((rc = ths_der_any(b, &u, "tbs.subjectUniqueID")))
            return rc;
        if (c->version < 2)
            return ths_rd_fail(r, BAD, "tbs.subjectUniqueID: in a v1 certificate at offset %zu", u.offset);
    }
    /* extensions [3] EXPLICIT: v3 only (§4.1.2.9) */
    if (ths_der_peek(b) == 0xa3) {
        ths_der x;
        if ((rc = ths_der_any(b, &x, "tbs.extensions")))
            return rc;
        if (c->version != 3)
            return ths_rd_fail(r, BAD, "tbs.extensions: in a v%d certificate at offset %zu", c->version, x.offset);
        if ((rc = ths_x509_parse_extensions(&x.body, c)) || (rc = ths_der_end(&x.body, "tbs.extensions")))
            return rc;
    }
    return ths_der_end(b, "tbs");
}

int ths_x509_parse(ths_x509_cert *c, const uint8_t *der, size_t len, ths_error *err)
{
    ths_reader r;
    ths_der cert, tbs_alg, alg;
    ths_x509_cert sig_alg_copy;
    unsigned unused;
    size_t siglen;
    int rc;

    memset(c, 0, sizeof *c);
    c->path_len = -1;
    ths_der_init(&r, der, len, "certificate", err, BAD);
    if ((rc = ths_der_expect(&r, THS_DER_SEQUENCE, &cert, "Certificate")) || (rc = ths_der_end(&r, "Certificate")))
        goto out;
    c->der.p = cert.tlv;
    c->der.n = cert.tlv_len;
    if ((rc = tbs(&cert.body, c, &tbs_alg)))
        goto out;
    /* signatureAlgorithm must equal tbsCertificate.signature (§4.1.1.2). */
    sig_alg_copy = *c;
    if ((rc = sig_alg(&cert.body, &sig_alg_copy, &alg, "signatureAlgorithm")))
        goto out;
    if (alg.tlv_len != tbs_alg.tlv_len || memcmp(alg.tlv, tbs_alg.tlv, alg.tlv_len) != 0) {
        rc = ths_rd_fail(&cert.body, BAD, "signatureAlgorithm: differs from tbs.signature at offset %zu",
                         alg.offset);
        goto out;
    }
    if ((rc = ths_der_bit_string(&cert.body, &c->sig.p, &siglen, &unused, "signatureValue")))
        goto out;
    c->sig.n = siglen;
    if (unused) {
        rc = ths_rd_fail(&cert.body, BAD, "signatureValue: %u unused bits", unused);
        goto out;
    }
    rc = ths_der_end(&cert.body, "Certificate");
out:
    if (rc) {
        /* Whatever the reader said (decode_error for a truncation), a
         * malformed certificate is bad_certificate (RFC 5246 §7.2.2). */
        if (err && err->code)
            err->code = BAD;
        return rc >= 0x100 ? rc : BAD;
    }
    return 0;
}
