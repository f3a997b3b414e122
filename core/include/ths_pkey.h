/*
 * Public and private keys (RSA, ECDSA P-256/P-384, Ed25519) and the TLS
 * signature schemes that use them.  Implemented in core/src/pkey*.c and
 * core/src/sig*.c; used by the handshake code and by X.509 path validation.
 */
#ifndef THS_PKEY_H
#define THS_PKEY_H

#include "tlshs.h"
#include <tomcrypt.h>

typedef enum {
    THS_PKEY_NONE = 0,
    THS_PKEY_RSA = 1,
    THS_PKEY_EC = 2,
    THS_PKEY_ED25519 = 3
} ths_pkey_type;

typedef struct ths_pkey {
    ths_pkey_type type;
    int is_private;
    uint16_t group;            /* EC: IANA group number (23 secp256r1, 24 secp384r1) */
    union {
        rsa_key rsa;
        ecc_key ecc;
        struct { uint8_t pk[32]; uint8_t sk[64]; } ed25519;
    } k;
} ths_pkey;

/* TLS SignatureScheme numbers (RFC 8446 §4.2.3; RFC 5246 §7.4.1.4.1 pairs). */
enum {
    THS_SIG_RSA_PKCS1_SHA1 = 0x0201,
    THS_SIG_ECDSA_SHA1 = 0x0203,
    THS_SIG_RSA_PKCS1_SHA256 = 0x0401,
    THS_SIG_ECDSA_SECP256R1_SHA256 = 0x0403,
    THS_SIG_RSA_PKCS1_SHA384 = 0x0501,
    THS_SIG_ECDSA_SECP384R1_SHA384 = 0x0503,
    THS_SIG_RSA_PKCS1_SHA512 = 0x0601,
    THS_SIG_ECDSA_SECP521R1_SHA512 = 0x0603,
    THS_SIG_RSA_PSS_RSAE_SHA256 = 0x0804,
    THS_SIG_RSA_PSS_RSAE_SHA384 = 0x0805,
    THS_SIG_RSA_PSS_RSAE_SHA512 = 0x0806,
    THS_SIG_ED25519 = 0x0807,
    THS_SIG_RSA_PSS_PSS_SHA256 = 0x0809,
    THS_SIG_RSA_PSS_PSS_SHA384 = 0x080a,
    THS_SIG_RSA_PSS_PSS_SHA512 = 0x080b,
    /* tlshs-internal (private-use range): TLS 1.0/1.1 RSA signatures over
     * MD5||SHA-1 without DigestInfo (RFC 2246 §7.4.3, RFC 4346 §4.7) */
    THS_SIG_RSA_PKCS1_MD5_SHA1 = 0xff01
};

/* Largest signature we produce or accept (RSA-8192). */
#define THS_SIG_MAX 1024

/* Public key from a DER SubjectPublicKeyInfo (RSA, EC P-256/P-384, Ed25519). */
int ths_pkey_from_spki(ths_pkey *key, const uint8_t *der, size_t len, ths_error *err);
/* Private key from PEM or DER: PKCS#1, SEC1, PKCS#8 (unencrypted). */
int ths_pkey_load_private(ths_pkey *key, const uint8_t *pem_or_der, size_t len, ths_error *err);
/* Verify sig over msg (the scheme's hash is applied here).
 * Returns 0, or THS_ALERT_DECRYPT_ERROR for a bad signature,
 * THS_ALERT_ILLEGAL_PARAMETER for a scheme that does not fit the key. */
int ths_pkey_verify(const ths_pkey *key, uint16_t scheme, const uint8_t *msg, size_t msglen,
                    const uint8_t *sig, size_t siglen, ths_error *err);
/* Sign msg; *siglen is the capacity in, the length out. */
int ths_pkey_sign(const ths_pkey *key, uint16_t scheme, ths_rng *rng, const uint8_t *msg, size_t msglen,
                  uint8_t *sig, size_t *siglen, ths_error *err);
/* SignatureScheme by name ("rsa_pss_rsae_sha256") → number, 0 if unknown;
 * and number → name (NULL if unknown). */
uint16_t ths_sig_from_name(const char *name);
const char *ths_sig_name(uint16_t scheme);
/* Does the key's type (and size, for PSS) fit the scheme?  For ecdsa_secp*
 * the key's curve must be the scheme's curve (TLS 1.3 meaning); sign and
 * verify do NOT enforce the curve, because in TLS 1.2 the scheme is only the
 * pair (hash, ecdsa) and the curve comes from the key (RFC 5246 §7.4.1.4.1,
 * RFC 8422 §5.10). */
int ths_pkey_supports(const ths_pkey *key, uint16_t scheme);
/* Key size in bits (RSA modulus; 256 / 384 for EC; 256 for Ed25519). */
int ths_pkey_bits(const ths_pkey *key);

/* The smallest RSA modulus accepted from a peer (certificates, imported
 * public keys) unless a caller lowers it for probing: 1024 bits, OpenSSL's
 * security level 1 floor (RSA-512 is factored in hours: CVE-2015-0204 FREAK). */
#define THS_MIN_RSA_BITS 1024
/* 0, or insufficient_security when key is RSA with fewer than min_bits bits
 * (min_bits 0 → THS_MIN_RSA_BITS).  `what` names the key in the detail. */
int ths_pkey_check_rsa_floor(const ths_pkey *key, int min_bits, const char *what, ths_error *err);
/* DER SubjectPublicKeyInfo of the public part; out == NULL → size only. */
int ths_pkey_spki(const ths_pkey *key, uint8_t *out, size_t *outlen);
/* A public-only copy of key (pub must be freed with ths_pkey_free). */
int ths_pkey_public_copy(const ths_pkey *key, ths_pkey *pub, ths_error *err);

/* Frees the library key and wipes the struct (safe on a zeroed struct). */
void ths_pkey_free(ths_pkey *key);

#endif
