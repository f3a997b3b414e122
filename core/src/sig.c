/* TLS signature schemes (RFC 8446 §4.2.3; RFC 5246 §7.4.1.4.1 pairs):
 * RSASSA-PKCS1-v1_5, RSASSA-PSS (rsae, salt = hash length), ECDSA with
 * strict DER signatures, Ed25519 (libsodium). */
#include "pkey_int.h"
#include <sodium.h>
#include <string.h>

enum { K_RSA_PKCS1, K_RSA_PSS, K_ECDSA, K_ED25519, K_RSA_PSS_PSS };

static const struct {
    uint16_t scheme;
    const char *name;
    int kind;
    ths_hash_alg hash;
    uint16_t group;   /* ECDSA: the scheme's curve (TLS 1.3); 0 = any */
} schemes[] = {
    {THS_SIG_RSA_PKCS1_SHA1, "rsa_pkcs1_sha1", K_RSA_PKCS1, THS_HASH_SHA1, 0},
    {THS_SIG_ECDSA_SHA1, "ecdsa_sha1", K_ECDSA, THS_HASH_SHA1, 0},
    {THS_SIG_RSA_PKCS1_SHA256, "rsa_pkcs1_sha256", K_RSA_PKCS1, THS_HASH_SHA256, 0},
    {THS_SIG_ECDSA_SECP256R1_SHA256, "ecdsa_secp256r1_sha256", K_ECDSA, THS_HASH_SHA256, 23},
    {THS_SIG_RSA_PKCS1_SHA384, "rsa_pkcs1_sha384", K_RSA_PKCS1, THS_HASH_SHA384, 0},
    {THS_SIG_ECDSA_SECP384R1_SHA384, "ecdsa_secp384r1_sha384", K_ECDSA, THS_HASH_SHA384, 24},
    {THS_SIG_RSA_PKCS1_SHA512, "rsa_pkcs1_sha512", K_RSA_PKCS1, THS_HASH_SHA512, 0},
    {THS_SIG_ECDSA_SECP521R1_SHA512, "ecdsa_secp521r1_sha512", K_ECDSA, THS_HASH_SHA512, 25},
    {THS_SIG_RSA_PSS_RSAE_SHA256, "rsa_pss_rsae_sha256", K_RSA_PSS, THS_HASH_SHA256, 0},
    {THS_SIG_RSA_PSS_RSAE_SHA384, "rsa_pss_rsae_sha384", K_RSA_PSS, THS_HASH_SHA384, 0},
    {THS_SIG_RSA_PSS_RSAE_SHA512, "rsa_pss_rsae_sha512", K_RSA_PSS, THS_HASH_SHA512, 0},
    {THS_SIG_ED25519, "ed25519", K_ED25519, THS_HASH_NONE, 0},
    {THS_SIG_RSA_PSS_PSS_SHA256, "rsa_pss_pss_sha256", K_RSA_PSS_PSS, THS_HASH_SHA256, 0},
    {THS_SIG_RSA_PSS_PSS_SHA384, "rsa_pss_pss_sha384", K_RSA_PSS_PSS, THS_HASH_SHA384, 0},
    {THS_SIG_RSA_PSS_PSS_SHA512, "rsa_pss_pss_sha512", K_RSA_PSS_PSS, THS_HASH_SHA512, 0},
    {THS_SIG_RSA_PKCS1_MD5_SHA1, "rsa_pkcs1_md5_sha1", K_RSA_PKCS1, THS_HASH_MD5_SHA1, 0},
};
#define NSCHEMES (sizeof schemes / sizeof schemes[0])

static int find_scheme(uint16_t scheme)
{
    size_t i;
    for (i = 0; i < NSCHEMES; i++)
        if (schemes[i].scheme == scheme)
            return (int)i;
    return -1;
}

uint16_t ths_sig_from_name(const char *name)
{
    size_t i;
    for (i = 0; name && i < NSCHEMES; i++)
        if (strcmp(schemes[i].name, name) == 0)
            return schemes[i].scheme;
    return 0;
}

const char *ths_sig_name(uint16_t scheme)
{
    int i = find_scheme(scheme);
    return i < 0 ? NULL : schemes[i].name;
}

/* DigestInfo prefixes (RFC 8017 §9.2 note 1); MD5_SHA1 has none (RFC 2246). */
static const uint8_t DI_SHA1[] = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
static const uint8_t DI_SHA256[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
static const uint8_t DI_SHA384[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                    0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
static const uint8_t DI_SHA512[] = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                    0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

static size_t rsa_bytes(const ths_pkey *key)
{
    return mp_unsigned_bin_size(key->k.rsa.N);
}

/* EMSA-PKCS1-v1_5 (RFC 8017 §9.2): 00 01 FF..FF 00 DigestInfo H. */
static int pkcs1_encode(ths_hash_alg alg, const uint8_t *hash, uint8_t *em, size_t k)
{
    const uint8_t *di = NULL;
    size_t dil = 0, hl = ths_hash_len(alg), t;
    switch (alg) {
    case THS_HASH_SHA1: di = DI_SHA1; dil = sizeof DI_SHA1; break;
    case THS_HASH_SHA256: di = DI_SHA256; dil = sizeof DI_SHA256; break;
    case THS_HASH_SHA384: di = DI_SHA384; dil = sizeof DI_SHA384; break;
    case THS_HASH_SHA512: di = DI_SHA512; dil = sizeof DI_SHA512; break;
    case THS_HASH_MD5_SHA1: break;
    default: return THS_ERR_ARG;
    }
    t = dil + hl;
    if (k < t + 11)
        return THS_ERR_SPACE;
    em[0] = 0;
    em[1] = 1;
    memset(em + 2, 0xff, k - t - 3);
    em[k - t - 1] = 0;
    if (dil)
        memcpy(em + k - t, di, dil);
    memcpy(em + k - hl, hash, hl);
    return 0;
}

int ths_pkey_supports(const ths_pkey *key, uint16_t scheme)
{
    int i = find_scheme(scheme);
    if (i < 0 || !key)
        return 0;
    switch (schemes[i].kind) {
    case K_RSA_PKCS1:
        return key->type == THS_PKEY_RSA && rsa_bytes(key) >= ths_hash_len(schemes[i].hash) + 19 + 11;
    case K_RSA_PSS:
        /* RFC 8017 §9.1.1: emLen >= hLen + sLen + 2, sLen = hLen */
        return key->type == THS_PKEY_RSA &&
               (size_t)((ths_pkey_bits(key) - 1 + 7) / 8) >= 2 * ths_hash_len(schemes[i].hash) + 2;
    case K_ECDSA:
        return key->type == THS_PKEY_EC && (!schemes[i].group || schemes[i].group == key->group);
    case K_ED25519:
        return key->type == THS_PKEY_ED25519;
    default:
        return 0;   /* rsa_pss_pss_*: RSASSA-PSS keys are not supported */
    }
}

/* Kind check shared by sign and verify: illegal_parameter when the scheme
 * cannot be used with this key at all. */
static int check_kind(const ths_pkey *key, int i, uint16_t scheme, ths_error *err)
{
    int ok;
    if (i < 0)
        return ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "signature: unknown scheme 0x%04x", scheme);
    switch (schemes[i].kind) {
    case K_RSA_PKCS1:
    case K_RSA_PSS: ok = key->type == THS_PKEY_RSA; break;
    case K_ECDSA: ok = key->type == THS_PKEY_EC && schemes[i].group != 25; break;
    case K_ED25519: ok = key->type == THS_PKEY_ED25519; break;
    default: ok = 0;
    }
    if (!ok)
        return ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "signature: scheme %s does not fit a%s key",
                        schemes[i].name,
                        key->type == THS_PKEY_RSA ? "n RSA" : key->type == THS_PKEY_EC ? "n EC" :
                        key->type == THS_PKEY_ED25519 ? "n Ed25519" : " missing");
    return 0;
}

/* ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } in strict DER
 * (RFC 5480 §2.2 / X9.62); every BER variant is refused.  Writes r||s,
 * each left-padded to n bytes. */
static int ecdsa_sig_parse(const uint8_t *sig, size_t siglen, size_t n, uint8_t *rs, ths_error *err)
{
    ths_reader in;
    ths_der seq;
    const uint8_t *r, *s;
    size_t rl, sl;
    int rc;
    ths_der_init(&in, sig, siglen, "", err, THS_ALERT_DECODE_ERROR);
    if ((rc = ths_der_expect(&in, THS_DER_SEQUENCE, &seq, "ecdsa signature")) ||
        (rc = ths_der_end(&in, "ecdsa signature")) ||
        (rc = ths_der_uint(&seq.body, &r, &rl, "ecdsa signature.r")) ||
        (rc = ths_der_uint(&seq.body, &s, &sl, "ecdsa signature.s")) ||
        (rc = ths_der_end(&seq.body, "ecdsa signature")))
        return rc;
    if (rl > n || sl > n)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "ecdsa signature: integer longer than the curve order");
    memset(rs, 0, 2 * n);
    memcpy(rs + n - rl, r, rl);
    memcpy(rs + 2 * n - sl, s, sl);
    return 0;
}

int ths_pkey_verify(const ths_pkey *key, uint16_t scheme, const uint8_t *msg, size_t msglen,
                    const uint8_t *sig, size_t siglen, ths_error *err)
{
    int i = find_scheme(scheme), rc, stat = 0;
    uint8_t hash[THS_HASH_MAX];
    size_t hl;

    if ((rc = check_kind(key, i, scheme, err)))
        return rc;
    if (ths_crypto_init() != THS_OK)
        return ths_fail(err, THS_ERR_CRYPTO, "crypto: library initialisation failed");
    if (schemes[i].kind == K_ED25519) {
        if (siglen != crypto_sign_BYTES ||
            crypto_sign_verify_detached(sig, msg, msglen, key->k.ed25519.pk) != 0)
            return ths_fail(err, THS_ALERT_DECRYPT_ERROR, "ed25519: bad signature");
        return 0;
    }
    hl = ths_hash_len(schemes[i].hash);
    if ((rc = ths_hash_once(schemes[i].hash, msg, msglen, hash)))
        return ths_fail(err, rc, "signature: hash failed");

    if (schemes[i].kind == K_RSA_PKCS1) {
        uint8_t em[THS_SIG_MAX], want[THS_SIG_MAX];
        unsigned long eml = sizeof em;
        size_t k = rsa_bytes(key);
        /* RFC 8017 §8.2.2 step 1: the signature is exactly k bytes */
        if (siglen != k || k > sizeof em)
            return ths_fail(err, THS_ALERT_DECRYPT_ERROR, "rsa_pkcs1: signature is %zu bytes, key needs %zu",
                            siglen, k);
        if (rsa_exptmod(sig, siglen, em, &eml, PK_PUBLIC, (rsa_key *)&key->k.rsa) != CRYPT_OK || eml != k)
            return ths_fail(err, THS_ALERT_DECRYPT_ERROR, "rsa_pkcs1: bad signature (representative out of range)");
        /* §8.2.2 step 3-4: re-encode and compare; no DigestInfo parsing */
        if (pkcs1_encode(schemes[i].hash, hash, want, k) || !ths_ct_equal(em, want, k))
            return ths_fail(err, THS_ALERT_DECRYPT_ERROR, "rsa_pkcs1: bad signature");
        return 0;
    }
    if (schemes[i].kind == K_RSA_PSS) {
        int hidx = ths_hash_ltc_index(schemes[i].hash);
        if (siglen != rsa_bytes(key))
            return ths_fail(err, THS_ALERT_DECRYPT_ERROR, "rsa_pss: signature is %zu bytes, key needs %zu", siglen,
                            rsa_bytes(key));
        if (rsa_verify_hash_ex(sig, siglen, hash, hl, LTC_PKCS_1_PSS, hidx, hl, &stat, (rsa_key *)&key->k.rsa) !=
                CRYPT_OK ||
            stat != 1)
            return ths_fail(err, THS_ALERT_DECRYPT_ERROR, "rsa_pss: bad signature");
        return 0;
    }
    {   /* ECDSA */
        size_t n = (size_t)key->k.ecc.dp->size;
        uint8_t rs[2 * ECC_MAXSIZE];
        if ((rc = ecdsa_sig_parse(sig, siglen, n, rs, err))) {
            if (err)
                err->code = THS_ALERT_DECRYPT_ERROR;
            return THS_ALERT_DECRYPT_ERROR;
        }
        if (!ths_ecdsa_verify_raw(&key->k.ecc, rs, hash, hl))
            return ths_fail(err, THS_ALERT_DECRYPT_ERROR, "ecdsa: bad signature");
        return 0;
    }
}

int ths_pkey_sign(const ths_pkey *key, uint16_t scheme, ths_rng *rng, const uint8_t *msg, size_t msglen,
                  uint8_t *sig, size_t *siglen, ths_error *err)
{
    int i = find_scheme(scheme), rc;
    uint8_t hash[THS_HASH_MAX];
    size_t hl;
    prng_state ps;
    int pidx;

    if ((rc = check_kind(key, i, scheme, err)))
        return rc;
    if (!key->is_private)
        return ths_fail(err, THS_ERR_ARG, "signature: %s needs a private key", schemes[i].name);
    if (ths_crypto_init() != THS_OK)
        return ths_fail(err, THS_ERR_CRYPTO, "crypto: library initialisation failed");
    if (schemes[i].kind == K_ED25519) {
        unsigned long long sl;
        if (*siglen < crypto_sign_BYTES)
            return ths_fail(err, THS_ERR_SPACE, "ed25519: signature buffer too small");
        crypto_sign_detached(sig, &sl, msg, msglen, key->k.ed25519.sk);
        *siglen = (size_t)sl;
        return 0;
    }
    hl = ths_hash_len(schemes[i].hash);
    if ((rc = ths_hash_once(schemes[i].hash, msg, msglen, hash)))
        return ths_fail(err, rc, "signature: hash failed");
    pidx = ths_ltc_prng(&ps, rng);

    if (schemes[i].kind == K_RSA_PKCS1) {
        uint8_t em[THS_SIG_MAX];
        size_t k = rsa_bytes(key);
        if (k > sizeof em || *siglen < k)
            return ths_fail(err, THS_ERR_SPACE, "rsa_pkcs1: signature buffer too small");
        if (pkcs1_encode(schemes[i].hash, hash, em, k))
            return ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "rsa_pkcs1: key too small for %s", schemes[i].name);
        /* RSASP1, blinded, with libtomcrypt's CRT fault check (LTC_RSA_CRT_HARDENING) */
        if (ths_rsa_private_op(key, em, k, sig, k))
            return ths_fail(err, THS_ERR_CRYPTO, "rsa_pkcs1: private operation failed");
        *siglen = k;
        return 0;
    }
    if (schemes[i].kind == K_RSA_PSS) {
        /* EMSA-PSS-ENCODE (RFC 8017 §9.1.1, salt = hash length, RFC 8446
         * §4.2.3) by libtomcrypt, then our RSASP1 (blinded base, CRT with
         * mpz_powm_sec): rsa_sign_hash_ex would run libtomcrypt's
         * rsa_exptmod (mpz_powm on the secret exponent). */
        uint8_t em[THS_SIG_MAX];
        size_t k = rsa_bytes(key);
        unsigned long eml = sizeof em;
        if (!ths_pkey_supports(key, scheme))
            return ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "rsa_pss: key too small for %s", schemes[i].name);
        if (k > sizeof em || *siglen < k)
            return ths_fail(err, THS_ERR_SPACE, "rsa_pss: signature buffer too small");
        if (pkcs_1_pss_encode(hash, hl, hl, &ps, pidx, ths_hash_ltc_index(schemes[i].hash),
                              (unsigned long)mp_count_bits(key->k.rsa.N), em, &eml) != CRYPT_OK || eml > k)
            return ths_fail(err, THS_ERR_CRYPTO, "rsa_pss: encoding failed");
        /* emLen = ceil((modBits - 1) / 8) may be k - 1: left-pad to k */
        memmove(em + (k - eml), em, eml);
        memset(em, 0, k - eml);
        if (ths_rsa_private_op(key, em, k, sig, k))
            return ths_fail(err, THS_ERR_CRYPTO, "rsa_pss: private operation failed");
        ths_wipe(em, sizeof em);
        *siglen = k;
        return 0;
    }
    {   /* ECDSA: DER output; the nonce comes from rng, so a seeded rng gives
         * reproducible signatures */
        unsigned long ol = *siglen;
        if (ecc_sign_hash(hash, hl, sig, &ol, &ps, pidx, (ecc_key *)&key->k.ecc) != CRYPT_OK)
            return ths_fail(err, THS_ERR_CRYPTO, "ecdsa: signing failed");
        *siglen = ol;
        return 0;
    }
}
