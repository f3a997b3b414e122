/*
 * Certificate signatures: the signatureAlgorithm of a certificate mapped onto
 * the crypto area's ths_pkey_verify schemes (RFC 8446 §4.2.3 names):
 *   sha{1,256,384,512}WithRSAEncryption  → rsa_pkcs1_sha*          (RFC 4055 §5)
 *   ecdsa-with-SHA{1,256,384}            → ecdsa_*_sha*, any curve  (RFC 5758 §3.2)
 *   Ed25519                              → ed25519                  (RFC 8410 §6)
 *   RSASSA-PSS, MGF1 hash = hash, salt = hash length → rsa_pss_rsae_sha* (RFC 4055 §3.1)
 *   RSASSA-PSS with another salt length  → libtomcrypt rsa_verify_hash_ex here
 * ecdsa-with-SHA512 is refused (the crypto area has no P-521, and its
 * ecdsa_secp521r1_sha512 scheme is unusable), as are a PSS MGF1 hash that
 * differs from the message hash (libtomcrypt ties the two).
 */
#include "ths_crypto.h"
#include "ths_x509.h"
#include "oid.h"
#include <string.h>

#define UNSUPPORTED THS_ALERT_UNSUPPORTED_CERTIFICATE

/* An id-RSASSA-PSS SubjectPublicKeyInfo re-labelled as rsaEncryption, so the
 * crypto area's SPKI reader takes it (RFC 4055 §1.2: same RSAPublicKey). */
static int pss_spki_as_rsa(const ths_x509_cert *c, uint8_t *buf, size_t cap, size_t *len)
{
    static const uint8_t alg[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                  0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    ths_reader r;
    ths_der seq, a, bits;
    ths_writer w;
    ths_der_init(&r, c->spki.p, c->spki.n, "spki", NULL, THS_ALERT_BAD_CERTIFICATE);
    if (ths_der_expect(&r, THS_DER_SEQUENCE, &seq, "spki") || ths_der_any(&seq.body, &a, "alg") ||
        ths_der_any(&seq.body, &bits, "key"))
        return UNSUPPORTED;
    /* SEQUENCE header with a long-form length when needed */
    {
        size_t body = sizeof alg + bits.tlv_len;
        ths_wr_init(&w, buf, cap);
        ths_wr_u8(&w, 0x30);
        if (body < 0x80) {
            ths_wr_u8(&w, (uint32_t)body);
        } else if (body < 0x100) {
            ths_wr_u8(&w, 0x81);
            ths_wr_u8(&w, (uint32_t)body);
        } else {
            ths_wr_u8(&w, 0x82);
            ths_wr_u16(&w, (uint32_t)body);
        }
        ths_wr_bytes(&w, alg, sizeof alg);
        ths_wr_bytes(&w, bits.tlv, bits.tlv_len);
    }
    if (w.failed || bits.tlv_len > 0xff00)
        return UNSUPPORTED;
    *len = w.len;
    return 0;
}

int ths_x509_public_key(const ths_x509_cert *c, ths_pkey *key, ths_error *err)
{
    ths_error e2;
    int rc;
    memset(&e2, 0, sizeof e2);
    if (c->key_type == THS_X509_KEY_RSA &&
        ths_oid_eq(c->key_alg_oid.p, c->key_alg_oid.n, ths_oid_rsassa_pss, ths_oid_rsassa_pss_len)) {
        uint8_t buf[2400];
        size_t n;
        if (pss_spki_as_rsa(c, buf, sizeof buf, &n))
            return ths_fail(err, UNSUPPORTED, "public key: RSASSA-PSS key too large");
        rc = ths_pkey_from_spki(key, buf, n, &e2);
    } else {
        rc = ths_pkey_from_spki(key, c->spki.p, c->spki.n, &e2);
    }
    if (rc) {
        ths_pkey_free(key);
        return ths_fail(err, UNSUPPORTED, "public key: %s", e2.detail[0] ? e2.detail : "unsupported");
    }
    return 0;
}

static ths_hash_alg hash_of(ths_x509_hash h)
{
    switch (h) {
    case THS_X509_HASH_SHA256: return THS_HASH_SHA256;
    case THS_X509_HASH_SHA384: return THS_HASH_SHA384;
    case THS_X509_HASH_SHA512: return THS_HASH_SHA512;
    default: return THS_HASH_NONE;
    }
}

/* RSASSA-PSS with explicit parameters (RFC 4055 §3.1, RFC 8017 §8.1.2). */
static int verify_pss(const ths_x509_cert *c, const ths_pkey *key, ths_error *err)
{
    ths_hash_alg h = hash_of(c->pss_hash);
    uint8_t digest[THS_HASH_MAX];
    int stat = 0;
    if (h == THS_HASH_NONE || c->pss_mgf_hash != c->pss_hash)
        return ths_fail(err, UNSUPPORTED, "signature: RSASSA-PSS with hash %s and MGF1 hash %s is not supported",
                        ths_x509_hash_name(c->pss_hash) ? ths_x509_hash_name(c->pss_hash) : "unknown",
                        ths_x509_hash_name(c->pss_mgf_hash) ? ths_x509_hash_name(c->pss_mgf_hash) : "unknown");
    if (key->type != THS_PKEY_RSA)
        return ths_fail(err, THS_ALERT_BAD_CERTIFICATE, "signature: RSASSA-PSS signature but the issuer key is not RSA");
    if ((size_t)c->pss_salt_len == ths_hash_len(h)) {
        static const uint16_t scheme[] = {THS_SIG_RSA_PSS_RSAE_SHA256, THS_SIG_RSA_PSS_RSAE_SHA384,
                                          THS_SIG_RSA_PSS_RSAE_SHA512};
        int rc = ths_pkey_verify(key, scheme[h == THS_HASH_SHA256 ? 0 : h == THS_HASH_SHA384 ? 1 : 2], c->tbs.p,
                                 c->tbs.n, c->sig.p, c->sig.n, NULL);
        if (rc == THS_ALERT_DECRYPT_ERROR)
            return ths_fail(err, THS_ALERT_BAD_CERTIFICATE, "signature: RSASSA-PSS signature does not verify");
        return rc ? ths_fail(err, rc, "signature: RSASSA-PSS verification failed") : 0;
    }
    if (ths_hash_once(h, c->tbs.p, c->tbs.n, digest))
        return ths_fail(err, THS_ERR_CRYPTO, "signature: hash failed");
    if (rsa_verify_hash_ex(c->sig.p, c->sig.n, digest, ths_hash_len(h), LTC_PKCS_1_PSS, ths_hash_ltc_index(h),
                           (unsigned long)c->pss_salt_len, &stat, (rsa_key *)&key->k.rsa) != CRYPT_OK ||
        stat != 1)
        return ths_fail(err, THS_ALERT_BAD_CERTIFICATE, "signature: RSASSA-PSS signature does not verify");
    return 0;
}

int ths_x509_check_signature(const ths_x509_cert *c, const ths_x509_cert *issuer, ths_error *err)
{
    ths_pkey key;
    ths_error e2;
    uint16_t scheme = 0;
    int rc, want_type = THS_PKEY_NONE;

    switch (c->sig_alg) {
    case THS_X509_SIG_RSA_SHA1: scheme = THS_SIG_RSA_PKCS1_SHA1; want_type = THS_PKEY_RSA; break;
    case THS_X509_SIG_RSA_SHA256: scheme = THS_SIG_RSA_PKCS1_SHA256; want_type = THS_PKEY_RSA; break;
    case THS_X509_SIG_RSA_SHA384: scheme = THS_SIG_RSA_PKCS1_SHA384; want_type = THS_PKEY_RSA; break;
    case THS_X509_SIG_RSA_SHA512: scheme = THS_SIG_RSA_PKCS1_SHA512; want_type = THS_PKEY_RSA; break;
    case THS_X509_SIG_ECDSA_SHA1: scheme = THS_SIG_ECDSA_SHA1; want_type = THS_PKEY_EC; break;
    /* TLS 1.2 pairs: the ECDSA scheme names only the hash (RFC 5246 §7.4.1.4.1) */
    case THS_X509_SIG_ECDSA_SHA256: scheme = THS_SIG_ECDSA_SECP256R1_SHA256; want_type = THS_PKEY_EC; break;
    case THS_X509_SIG_ECDSA_SHA384: scheme = THS_SIG_ECDSA_SECP384R1_SHA384; want_type = THS_PKEY_EC; break;
    case THS_X509_SIG_ED25519: scheme = THS_SIG_ED25519; want_type = THS_PKEY_ED25519; break;
    case THS_X509_SIG_RSA_PSS: want_type = THS_PKEY_RSA; break;
    default: {
        char txt[64];
        ths_der_oid_text(c->sig_alg_oid.p, c->sig_alg_oid.n, txt, sizeof txt);
        return ths_fail(err, UNSUPPORTED, "signature: unsupported algorithm %s",
                        c->sig_alg == THS_X509_SIG_ECDSA_SHA512 ? "ecdsa-with-SHA512" : txt);
    }
    }
    if ((rc = ths_x509_public_key(issuer, &key, err)))
        return rc;
    if ((int)key.type != want_type) {
        ths_pkey_free(&key);
        return ths_fail(err, THS_ALERT_BAD_CERTIFICATE, "signature: %s does not fit the issuer's key type",
                        ths_x509_sig_alg_name(c->sig_alg));
    }
    if (c->sig_alg == THS_X509_SIG_RSA_PSS) {
        rc = verify_pss(c, &key, err);
        ths_pkey_free(&key);
        return rc;
    }
    memset(&e2, 0, sizeof e2);
    rc = ths_pkey_verify(&key, scheme, c->tbs.p, c->tbs.n, c->sig.p, c->sig.n, &e2);
    ths_pkey_free(&key);
    if (rc == THS_ALERT_DECRYPT_ERROR)
        return ths_fail(err, THS_ALERT_BAD_CERTIFICATE, "signature: %s signature does not verify (%s)",
                        ths_x509_sig_alg_name(c->sig_alg), e2.detail);
    if (rc)
        return ths_fail(err, rc < 0x100 ? UNSUPPORTED : rc, "signature: %s", e2.detail);
    return 0;
}
