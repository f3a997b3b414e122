/* Public keys from SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 3279 §2.3,
 * RFC 5480 §2, RFC 8410 §4), SPKI export, copies and freeing.
 * DER is parsed here with a strict reader rather than libtomcrypt's
 * lenient one; libtomcrypt only receives the validated integers. */
#include "pkey_int.h"
#include <sodium.h>
#include <string.h>

#define RSA_MAX_BITS 8192

/* RSA public key from big-endian n and e, with sanity checks. */
static int rsa_public(ths_pkey *key, const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen,
                      const char *field, ths_error *err)
{
    if (nlen * 8 > RSA_MAX_BITS + 8 || nlen < 64)
        return ths_fail(err, THS_ERR_UNSUPPORTED, "%s: RSA modulus of %zu bytes not supported (512..8192 bits)",
                        field, nlen);
    if (!(n[nlen - 1] & 1))
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: RSA modulus is even", field);
    if (elen > 8 || !(e[elen - 1] & 1) || (elen == 1 && e[0] < 3))
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: bad RSA public exponent", field);
    if (rsa_set_key(n, nlen, e, elen, NULL, 0, &key->k.rsa) != CRYPT_OK)
        return ths_fail(err, THS_ERR_CRYPTO, "%s: libtomcrypt refused the RSA key", field);
    key->type = THS_PKEY_RSA;
    key->is_private = 0;
    return 0;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1) */
static int rsa_public_der(ths_pkey *key, ths_reader *in, ths_error *err)
{
    ths_der seq;
    const uint8_t *n, *e;
    size_t nlen, elen;
    int rc;
    if ((rc = ths_der_expect(in, THS_DER_SEQUENCE, &seq, "RSAPublicKey")) ||
        (rc = ths_der_uint(&seq.body, &n, &nlen, "RSAPublicKey.modulus")) ||
        (rc = ths_der_uint(&seq.body, &e, &elen, "RSAPublicKey.publicExponent")) ||
        (rc = ths_der_end(&seq.body, "RSAPublicKey")) || (rc = ths_der_end(in, "RSAPublicKey")))
        return rc;
    return rsa_public(key, n, nlen, e, elen, "RSAPublicKey", err);
}

/* namedCurve OID → IANA group */
int ths_pkey_curve_from_oid(const ths_der *oid, uint16_t *group, ths_error *err)
{
    if (THS_OID_IS(oid, ths_oid_p256))
        *group = 23;
    else if (THS_OID_IS(oid, ths_oid_p384))
        *group = 24;
    else
        return ths_fail(err, THS_ERR_UNSUPPORTED, "ec: unsupported curve (only secp256r1 and secp384r1)");
    return 0;
}

int ths_pkey_from_spki(ths_pkey *key, const uint8_t *der, size_t len, ths_error *err)
{
    ths_reader in;
    ths_der spki, alg, oid, bits;
    int rc;

    memset(key, 0, sizeof *key);
    if (ths_crypto_init() != THS_OK)
        return ths_fail(err, THS_ERR_CRYPTO, "crypto: library initialisation failed");
    ths_der_init(&in, der, len, "", err, THS_ALERT_DECODE_ERROR);
    if ((rc = ths_der_expect(&in, THS_DER_SEQUENCE, &spki, "SubjectPublicKeyInfo")) ||
        (rc = ths_der_end(&in, "SubjectPublicKeyInfo")) ||
        (rc = ths_der_expect(&spki.body, THS_DER_SEQUENCE, &alg, "SubjectPublicKeyInfo.algorithm")) ||
        (rc = ths_der_oid(&alg.body, &oid, "SubjectPublicKeyInfo.algorithm.algorithm")) ||
        (rc = ths_der_expect(&spki.body, THS_DER_BIT_STRING, &bits, "SubjectPublicKeyInfo.subjectPublicKey")) ||
        (rc = ths_der_end(&spki.body, "SubjectPublicKeyInfo")))
        return rc;
    /* The key is a whole number of octets: the unused-bits octet is 0. */
    if (bits.len < 1 || bits.val[0] != 0)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "SubjectPublicKeyInfo.subjectPublicKey: unused bits at offset %zu",
                        bits.body.base);
    ths_rd_u8(&bits.body, "SubjectPublicKeyInfo.subjectPublicKey.unused_bits");

    if (THS_OID_IS(&oid, ths_oid_rsa_encryption)) {
        /* RFC 3279 §2.3.1: parameters NULL (tolerate absent) */
        if (ths_der_peek(&alg.body) == THS_DER_NULL) {
            ths_der null;
            if ((rc = ths_der_expect(&alg.body, THS_DER_NULL, &null, "rsaEncryption.parameters")))
                return rc;
        }
        if ((rc = ths_der_end(&alg.body, "rsaEncryption.parameters")))
            return rc;
        rc = rsa_public_der(key, &bits.body, err);
    } else if (THS_OID_IS(&oid, ths_oid_ec_public_key)) {
        ths_der curve;
        uint16_t group;
        if ((rc = ths_der_oid(&alg.body, &curve, "ecPublicKey.namedCurve")) ||
            (rc = ths_der_end(&alg.body, "ecPublicKey.parameters")) ||
            (rc = ths_pkey_curve_from_oid(&curve, &group, err)))
            return rc;
        key->type = THS_PKEY_EC;
        key->group = group;
        key->k.ecc.idx = ths_ec_set_index(group);
        key->k.ecc.dp = &ltc_ecc_sets[key->k.ecc.idx];
        key->k.ecc.type = PK_PUBLIC;
        rc = ths_ec_point_import(&key->k.ecc, bits.val + 1, bits.len - 1, "ecPublicKey", err);
        if (rc == THS_ALERT_ILLEGAL_PARAMETER) {   /* a bad key is a decoding failure here */
            rc = THS_ALERT_DECODE_ERROR;
            if (err)
                err->code = rc;
        }
    } else if (THS_OID_IS(&oid, ths_oid_ed25519)) {
        /* RFC 8410 §3: parameters absent */
        if ((rc = ths_der_end(&alg.body, "Ed25519.parameters")))
            return rc;
        if (bits.len - 1 != 32)
            return ths_fail(err, THS_ALERT_DECODE_ERROR, "Ed25519 public key is %zu bytes, need 32", bits.len - 1);
        key->type = THS_PKEY_ED25519;
        memcpy(key->k.ed25519.pk, bits.val + 1, 32);
    } else {
        return ths_fail(err, THS_ERR_UNSUPPORTED,
                        "SubjectPublicKeyInfo: unsupported key algorithm (RSA, EC and Ed25519 only)");
    }
    if (rc)
        ths_pkey_free(key);
    return rc;
}

/* ---- DER writing for SPKI export ---- */

static size_t put_hdr(uint8_t *out, int tag, size_t n)
{
    size_t k = 0;
    if (out)
        out[0] = (uint8_t)tag;
    if (n < 0x80) {
        if (out)
            out[1] = (uint8_t)n;
        return 2;
    }
    k = n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
    if (out) {
        size_t i;
        out[1] = (uint8_t)(0x80 | k);
        for (i = 0; i < k; i++)
            out[2 + i] = (uint8_t)(n >> (8 * (k - 1 - i)));
    }
    return 2 + k;
}

/* Appends tag+len+content at *at (content may already be in place at the
 * end position: we memmove). */
static void put_tlv(uint8_t *buf, size_t *at, int tag, const uint8_t *content, size_t n)
{
    size_t h = put_hdr(buf + *at, tag, n);
    memmove(buf + *at + h, content, n);
    *at += h + n;
}

/* INTEGER from big-endian magnitude (adds a 00 when the top bit is set) */
static void put_uint(uint8_t *buf, size_t *at, const uint8_t *p, size_t n)
{
    uint8_t tmp[RSA_MAX_BITS / 8 + 1];
    while (n > 1 && p[0] == 0) {
        p++;
        n--;
    }
    tmp[0] = 0;
    memcpy(tmp + 1, p, n);
    if (p[0] & 0x80)
        put_tlv(buf, at, THS_DER_INTEGER, tmp, n + 1);
    else
        put_tlv(buf, at, THS_DER_INTEGER, tmp + 1, n);
}

int ths_pkey_spki(const ths_pkey *key, uint8_t *out, size_t *outlen)
{
    uint8_t body[RSA_MAX_BITS / 8 + 64], alg[32], tmp[RSA_MAX_BITS / 8 + 128];
    size_t bl = 0, al = 0, tl = 0, total;

    if (key->type == THS_PKEY_RSA) {
        uint8_t n[RSA_MAX_BITS / 8], e[16];
        size_t nl = mp_unsigned_bin_size(key->k.rsa.N), el = mp_unsigned_bin_size(key->k.rsa.e);
        if (nl > sizeof n || el > sizeof e)
            return THS_ERR_SPACE;
        mp_to_unsigned_bin(key->k.rsa.N, n);
        mp_to_unsigned_bin(key->k.rsa.e, e);
        put_uint(tmp, &tl, n, nl);
        put_uint(tmp, &tl, e, el);
        body[bl++] = 0;   /* unused bits */
        put_tlv(body, &bl, THS_DER_SEQUENCE, tmp, tl);
        put_tlv(alg, &al, THS_DER_OID, ths_oid_rsa_encryption, ths_oid_rsa_encryption_len);
        alg[al++] = THS_DER_NULL;
        alg[al++] = 0;
    } else if (key->type == THS_PKEY_EC) {
        size_t pl = sizeof body - 1;
        body[bl++] = 0;
        if (ths_ec_point_export(&key->k.ecc, body + 1, &pl))
            return THS_ERR_CRYPTO;
        bl += pl;
        put_tlv(alg, &al, THS_DER_OID, ths_oid_ec_public_key, ths_oid_ec_public_key_len);
        if (key->group == 23)
            put_tlv(alg, &al, THS_DER_OID, ths_oid_p256, ths_oid_p256_len);
        else
            put_tlv(alg, &al, THS_DER_OID, ths_oid_p384, ths_oid_p384_len);
    } else if (key->type == THS_PKEY_ED25519) {
        body[bl++] = 0;
        memcpy(body + 1, key->k.ed25519.pk, 32);
        bl += 32;
        put_tlv(alg, &al, THS_DER_OID, ths_oid_ed25519, ths_oid_ed25519_len);
    } else {
        return THS_ERR_ARG;
    }
    /* SEQUENCE { SEQUENCE alg, BIT STRING body } */
    tl = 0;
    put_tlv(tmp, &tl, THS_DER_SEQUENCE, alg, al);
    put_tlv(tmp, &tl, THS_DER_BIT_STRING, body, bl);
    total = put_hdr(NULL, THS_DER_SEQUENCE, tl) + tl;
    if (!out) {
        *outlen = total;
        return 0;
    }
    if (*outlen < total)
        return THS_ERR_SPACE;
    bl = 0;
    put_tlv(out, &bl, THS_DER_SEQUENCE, tmp, tl);
    *outlen = bl;
    return 0;
}

int ths_pkey_public_copy(const ths_pkey *key, ths_pkey *pub, ths_error *err)
{
    uint8_t der[RSA_MAX_BITS / 8 + 256];
    size_t n = sizeof der;
    int rc = ths_pkey_spki(key, der, &n);
    memset(pub, 0, sizeof *pub);
    if (rc)
        return ths_fail(err, rc, "pkey: cannot export the public key");
    return ths_pkey_from_spki(pub, der, n, err);
}

int ths_pkey_bits(const ths_pkey *key)
{
    switch (key->type) {
    case THS_PKEY_RSA:
        return mp_count_bits(key->k.rsa.N);
    case THS_PKEY_EC:
        return key->group == 23 ? 256 : 384;
    case THS_PKEY_ED25519:
        return 256;
    default:
        return 0;
    }
}

int ths_pkey_check_rsa_floor(const ths_pkey *key, int min_bits, const char *what, ths_error *err)
{
    int bits = ths_pkey_bits(key);
    if (min_bits <= 0)
        min_bits = THS_MIN_RSA_BITS;
    if (key->type == THS_PKEY_RSA && bits < min_bits)
        return ths_fail(err, THS_ALERT_INSUFFICIENT_SECURITY, "%s: RSA key of %d bits is below the floor of %d bits",
                        what, bits, min_bits);
    return 0;
}

/* Every path wipes: GMP limbs through the wiping allocator (pkey_init.c),
 * Ed25519 bytes and the struct itself with ths_wipe. */
void ths_pkey_free(ths_pkey *key)
{
    if (!key)
        return;
    if (key->type == THS_PKEY_RSA && key->k.rsa.N)
        rsa_free(&key->k.rsa);
    else if (key->type == THS_PKEY_EC)
        ths_ec_key_clear(&key->k.ecc);
    ths_wipe(key, sizeof *key);
}
