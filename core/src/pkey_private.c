/* Private keys from PEM or DER: PKCS#1 RSAPrivateKey (RFC 8017 A.1.2),
 * SEC1 ECPrivateKey (RFC 5915 §3), PKCS#8 PrivateKeyInfo / OneAsymmetricKey
 * (RFC 5208 §5, RFC 5958 §2) holding RSA, EC or Ed25519 (RFC 8410 §7).
 * Failures: decode_error for malformed/truncated/unknown input,
 * THS_ERR_UNSUPPORTED for encrypted keys and unsupported types or curves. */
#include "pkey_int.h"
#include <sodium.h>
#include <string.h>

static const char ENCRYPTED_MSG[] = "encrypted private keys are not supported: decrypt it with openssl pkey first";

/* RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv } */
static int load_pkcs1(ths_pkey *key, const uint8_t *der, size_t len, ths_error *err)
{
    static const char *const names[8] = {"RSAPrivateKey.modulus", "RSAPrivateKey.publicExponent",
                                          "RSAPrivateKey.privateExponent", "RSAPrivateKey.prime1",
                                          "RSAPrivateKey.prime2", "RSAPrivateKey.exponent1",
                                          "RSAPrivateKey.exponent2", "RSAPrivateKey.coefficient"};
    ths_reader in;
    ths_der seq;
    const uint8_t *v[8], *ver;
    size_t l[8], verl;
    int rc, i;
    void *t = NULL;

    ths_der_init(&in, der, len, "", err, THS_ALERT_DECODE_ERROR);
    if ((rc = ths_der_expect(&in, THS_DER_SEQUENCE, &seq, "RSAPrivateKey")) ||
        (rc = ths_der_end(&in, "RSAPrivateKey")) ||
        (rc = ths_der_uint(&seq.body, &ver, &verl, "RSAPrivateKey.version")))
        return rc;
    if (verl != 1 || ver[0] != 0)
        return ths_fail(err, THS_ERR_UNSUPPORTED, "RSAPrivateKey: multi-prime keys (version %u) are not supported",
                        verl == 1 ? ver[0] : 99);
    for (i = 0; i < 8; i++)
        if ((rc = ths_der_uint(&seq.body, &v[i], &l[i], names[i])))
            return rc;
    if ((rc = ths_der_end(&seq.body, "RSAPrivateKey")))
        return rc;
    if (l[0] * 8 > 8192 + 8 || l[0] < 64)
        return ths_fail(err, THS_ERR_UNSUPPORTED, "RSAPrivateKey: modulus of %zu bytes not supported", l[0]);
    if (!(v[0][l[0] - 1] & 1) || !(v[1][l[1] - 1] & 1) || l[1] > 8)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "RSAPrivateKey: bad modulus or public exponent");
    if (rsa_set_key(v[0], l[0], v[1], l[1], v[2], l[2], &key->k.rsa) != CRYPT_OK)
        return ths_fail(err, THS_ERR_CRYPTO, "RSAPrivateKey: libtomcrypt refused the key");
    key->type = THS_PKEY_RSA;
    key->is_private = 1;
    if (rsa_set_factors(v[3], l[3], v[4], l[4], &key->k.rsa) != CRYPT_OK ||
        rsa_set_crt_params(v[5], l[5], v[6], l[6], v[7], l[7], &key->k.rsa) != CRYPT_OK)
        return ths_fail(err, THS_ERR_CRYPTO, "RSAPrivateKey: libtomcrypt refused the CRT parameters");
    /* p * q must be n, or every private operation would be wrong */
    if (mp_init(&t) != CRYPT_OK)
        return ths_fail(err, THS_ERR_NOMEM, "RSAPrivateKey: out of memory");
    rc = mp_mul(key->k.rsa.p, key->k.rsa.q, t) != CRYPT_OK || mp_cmp(t, key->k.rsa.N) != LTC_MP_EQ;
    mp_clear(t);
    if (rc)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "RSAPrivateKey: prime1 * prime2 != modulus");
    return 0;
}

/* ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING,
 *   parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }
 * group_hint: the curve from PKCS#8 or an "EC PARAMETERS" block (0 = none). */
static int load_sec1(ths_pkey *key, const uint8_t *der, size_t len, uint16_t group_hint, ths_error *err)
{
    ths_reader in;
    ths_der seq, priv, ctx, oid, bits;
    const uint8_t *ver;
    size_t verl;
    uint16_t group = group_hint;
    int rc, have_pub = 0;

    ths_der_init(&in, der, len, "", err, THS_ALERT_DECODE_ERROR);
    if ((rc = ths_der_expect(&in, THS_DER_SEQUENCE, &seq, "ECPrivateKey")) ||
        (rc = ths_der_end(&in, "ECPrivateKey")) ||
        (rc = ths_der_uint(&seq.body, &ver, &verl, "ECPrivateKey.version")))
        return rc;
    if (verl != 1 || ver[0] != 1)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "ECPrivateKey: version must be 1");
    if ((rc = ths_der_expect(&seq.body, THS_DER_OCTET_STRING, &priv, "ECPrivateKey.privateKey")))
        return rc;
    if (ths_der_peek(&seq.body) == THS_DER_CTX0) {
        uint16_t g;
        if ((rc = ths_der_expect(&seq.body, THS_DER_CTX0, &ctx, "ECPrivateKey.parameters")))
            return rc;
        if (ths_der_peek(&ctx.body) != THS_DER_OID)
            return ths_fail(err, THS_ERR_UNSUPPORTED, "ECPrivateKey: explicit curve parameters are not supported");
        if ((rc = ths_der_oid(&ctx.body, &oid, "ECPrivateKey.parameters.namedCurve")) ||
            (rc = ths_der_end(&ctx.body, "ECPrivateKey.parameters")) || (rc = ths_pkey_curve_from_oid(&oid, &g, err)))
            return rc;
        if (group && g != group)
            return ths_fail(err, THS_ALERT_DECODE_ERROR, "ECPrivateKey: curve differs from the algorithm parameters");
        group = g;
    }
    if (ths_der_peek(&seq.body) == THS_DER_CTX1) {
        if ((rc = ths_der_expect(&seq.body, THS_DER_CTX1, &ctx, "ECPrivateKey.publicKey")) ||
            (rc = ths_der_expect(&ctx.body, THS_DER_BIT_STRING, &bits, "ECPrivateKey.publicKey")) ||
            (rc = ths_der_end(&ctx.body, "ECPrivateKey.publicKey")))
            return rc;
        have_pub = 1;
    }
    if ((rc = ths_der_end(&seq.body, "ECPrivateKey")))
        return rc;
    if (!group)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "ECPrivateKey: no curve given");
    /* RFC 5915 §3: privateKey is ceiling(log2(n)/8) octets */
    if (priv.len != ths_ec_size(group))
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "ECPrivateKey.privateKey: %zu bytes, need %zu", priv.len,
                        ths_ec_size(group));
    if ((rc = ths_ec_key_from_private(&key->k.ecc, group, priv.val, priv.len, err))) {
        if (rc == THS_ALERT_ILLEGAL_PARAMETER && err)
            err->code = rc = THS_ALERT_DECODE_ERROR;
        return rc;
    }
    key->type = THS_PKEY_EC;
    key->group = group;
    key->is_private = 1;
    if (have_pub) {
        uint8_t pt[1 + 2 * ECC_MAXSIZE];
        size_t ptl = sizeof pt;
        if (bits.len < 1 || bits.val[0] != 0 || ths_ec_point_export(&key->k.ecc, pt, &ptl) ||
            bits.len - 1 != ptl || memcmp(bits.val + 1, pt, ptl) != 0)
            return ths_fail(err, THS_ALERT_DECODE_ERROR, "ECPrivateKey.publicKey does not match the private key");
    }
    return 0;
}

/* Ed25519: CurvePrivateKey ::= OCTET STRING (32-byte seed), RFC 8410 §7 */
static int load_ed25519(ths_pkey *key, const ths_der *priv, ths_error *err)
{
    ths_reader in = priv->body;
    ths_der seed;
    int rc;
    if ((rc = ths_der_expect(&in, THS_DER_OCTET_STRING, &seed, "CurvePrivateKey")) ||
        (rc = ths_der_end(&in, "CurvePrivateKey")))
        return rc;
    if (seed.len != crypto_sign_SEEDBYTES)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "Ed25519 private key is %zu bytes, need 32", seed.len);
    crypto_sign_seed_keypair(key->k.ed25519.pk, key->k.ed25519.sk, seed.val);
    key->type = THS_PKEY_ED25519;
    key->is_private = 1;
    return 0;
}

/* PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, privateKey OCTET STRING,
 *   [0] attributes OPTIONAL, [1] publicKey OPTIONAL (v2) } */
static int load_pkcs8(ths_pkey *key, const uint8_t *der, size_t len, ths_error *err)
{
    ths_reader in;
    ths_der seq, alg, oid, priv;
    const uint8_t *ver;
    size_t verl;
    int rc;

    ths_der_init(&in, der, len, "", err, THS_ALERT_DECODE_ERROR);
    if ((rc = ths_der_expect(&in, THS_DER_SEQUENCE, &seq, "PrivateKeyInfo")) ||
        (rc = ths_der_end(&in, "PrivateKeyInfo")))
        return rc;
    if (ths_der_peek(&seq.body) == THS_DER_SEQUENCE)   /* EncryptedPrivateKeyInfo (RFC 5208 §6) */
        return ths_fail(err, THS_ERR_UNSUPPORTED, ENCRYPTED_MSG);
    if ((rc = ths_der_uint(&seq.body, &ver, &verl, "PrivateKeyInfo.version")))
        return rc;
    if (verl != 1 || ver[0] > 1)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "PrivateKeyInfo: unknown version");
    if ((rc = ths_der_expect(&seq.body, THS_DER_SEQUENCE, &alg, "PrivateKeyInfo.privateKeyAlgorithm")) ||
        (rc = ths_der_oid(&alg.body, &oid, "PrivateKeyInfo.privateKeyAlgorithm.algorithm")) ||
        (rc = ths_der_expect(&seq.body, THS_DER_OCTET_STRING, &priv, "PrivateKeyInfo.privateKey")))
        return rc;
    /* attributes [0] and publicKey [1] are skipped */
    while (ths_der_peek(&seq.body) == THS_DER_CTX0 || ths_der_peek(&seq.body) == THS_DER_CTX1 ||
           ths_der_peek(&seq.body) == 0x81) {
        ths_der skip;
        if ((rc = ths_der_any(&seq.body, &skip, "PrivateKeyInfo.attributes")))
            return rc;
    }
    if ((rc = ths_der_end(&seq.body, "PrivateKeyInfo")))
        return rc;

    if (THS_OID_IS(&oid, ths_oid_rsa_encryption))
        return load_pkcs1(key, priv.val, priv.len, err);
    if (THS_OID_IS(&oid, ths_oid_ec_public_key)) {
        ths_der curve;
        uint16_t group;
        if ((rc = ths_der_oid(&alg.body, &curve, "ecPublicKey.namedCurve")) ||
            (rc = ths_pkey_curve_from_oid(&curve, &group, err)))
            return rc;
        return load_sec1(key, priv.val, priv.len, group, err);
    }
    if (THS_OID_IS(&oid, ths_oid_ed25519))
        return load_ed25519(key, &priv, err);
    return ths_fail(err, THS_ERR_UNSUPPORTED, "PrivateKeyInfo: unsupported key algorithm (RSA, EC and Ed25519 only)");
}

/* DER without a label: recognise the structure by its first fields. */
static int load_der(ths_pkey *key, const uint8_t *der, size_t len, ths_error *err)
{
    ths_reader in, probe;
    ths_der seq, first;
    ths_der_init(&in, der, len, "", err, THS_ALERT_DECODE_ERROR);
    if (len && der[0] == THS_DER_SEQUENCE) {
        int rc = ths_der_expect(&in, THS_DER_SEQUENCE, &seq, "private key");
        if (rc)
            return rc;
    } else
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "private key: neither PEM nor DER (%s)",
                        len ? "no SEQUENCE at offset 0" : "empty input");
    if (ths_der_peek(&seq.body) == THS_DER_SEQUENCE)
        return ths_fail(err, THS_ERR_UNSUPPORTED, ENCRYPTED_MSG);
    /* probe the first field on a copy that reports nowhere */
    probe = seq.body;
    probe.err = NULL;
    if (ths_der_expect(&probe, THS_DER_INTEGER, &first, "version"))
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "private key: unknown DER structure");
    if (first.len == 1 && first.val[0] == 1 && ths_der_peek(&probe) == THS_DER_OCTET_STRING)
        return load_sec1(key, der, len, 0, err);
    if (ths_der_peek(&probe) == THS_DER_SEQUENCE)
        return load_pkcs8(key, der, len, err);
    if (ths_der_peek(&probe) == THS_DER_INTEGER)
        return load_pkcs1(key, der, len, err);
    return ths_fail(err, THS_ALERT_DECODE_ERROR, "private key: unknown DER structure");
}

static int load_pem(ths_pkey *key, const uint8_t *in, size_t len, ths_error *err)
{
    size_t pos = 0;
    uint16_t ec_params = 0;
    char seen[96] = "";
    int rc = 0;

    for (;;) {
        ths_pem_block blk;
        if ((rc = ths_pem_next(in, len, &pos, &blk, err)))
            return rc;
        if (!blk.der)
            break;
        if (blk.encrypted || strcmp(blk.label, "ENCRYPTED PRIVATE KEY") == 0) {
            ths_pem_block_free(&blk);
            return ths_fail(err, THS_ERR_UNSUPPORTED, ENCRYPTED_MSG);
        }
        if (strcmp(blk.label, "RSA PRIVATE KEY") == 0)
            rc = load_pkcs1(key, blk.der, blk.len, err);
        else if (strcmp(blk.label, "EC PRIVATE KEY") == 0)
            rc = load_sec1(key, blk.der, blk.len, ec_params, err);
        else if (strcmp(blk.label, "PRIVATE KEY") == 0)
            rc = load_pkcs8(key, blk.der, blk.len, err);
        else {
            if (strcmp(blk.label, "EC PARAMETERS") == 0) {
                /* ECParameters ::= CHOICE { namedCurve OID, ... } (RFC 5480 §2.1.1) */
                ths_reader d;
                ths_der oid;
                ths_der_init(&d, blk.der, blk.len, "", err, THS_ALERT_DECODE_ERROR);
                if (ths_der_oid(&d, &oid, "EC PARAMETERS") || ths_der_end(&d, "EC PARAMETERS") ||
                    ths_pkey_curve_from_oid(&oid, &ec_params, err)) {
                    ths_pem_block_free(&blk);
                    return err ? err->code : THS_ALERT_DECODE_ERROR;
                }
            }
            if (strlen(seen) + strlen(blk.label) + 3 < sizeof seen) {
                if (seen[0])
                    strcat(seen, ", ");
                strcat(seen, blk.label);
            }
            ths_pem_block_free(&blk);
            continue;
        }
        ths_pem_block_free(&blk);
        return rc;
    }
    return ths_fail(err, THS_ALERT_DECODE_ERROR, "pem: no private key block found%s%s%s", seen[0] ? " (saw " : "",
                    seen, seen[0] ? ")" : "");
}

int ths_pkey_load_private(ths_pkey *key, const uint8_t *in, size_t len, ths_error *err)
{
    int rc;
    memset(key, 0, sizeof *key);
    if (ths_crypto_init() != THS_OK)
        return ths_fail(err, THS_ERR_CRYPTO, "crypto: library initialisation failed");
    if (ths_pem_is_pem(in, len))
        rc = load_pem(key, in, len, err);
    else
        rc = load_der(key, in, len, err);
    if (rc)
        ths_pkey_free(key);
    return rc;
}
