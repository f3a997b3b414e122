/*
 * Handshake crypto: PEM armour, hashes, HMAC, HKDF, the TLS PRF, RSA
 * premaster handling and key exchange (DH, ECDH, X25519).
 *
 * Everything here sits on libtomcrypt 1.18.2 (GMP math) and libsodium 1.0.18;
 * nothing implements a primitive itself.  Return values follow tlshs.h:
 * 0, a TLS alert number, or THS_ERR_*.  Secrets are wiped on every free path.
 */
#ifndef THS_CRYPTO_H
#define THS_CRYPTO_H

#include "tlshs.h"
#include "ths_pkey.h"
#include "ths_pem.h"   /* PEM armour (RFC 7468) */

/* ---- hashes -------------------------------------------------------------- */

typedef enum {
    THS_HASH_NONE = 0,
    THS_HASH_MD5,
    THS_HASH_SHA1,
    THS_HASH_SHA224,
    THS_HASH_SHA256,
    THS_HASH_SHA384,
    THS_HASH_SHA512,
    THS_HASH_MD5_SHA1    /* MD5 || SHA-1, 36 bytes (RFC 2246 §7.4.8, §5) */
} ths_hash_alg;

#define THS_HASH_MAX 64

/* A running hash that can be copied (forked) and read without finishing. */
typedef struct {
    ths_hash_alg alg;
    hash_state a, b;     /* b is only used by MD5_SHA1 (SHA-1 half) */
} ths_hash;

ths_hash_alg ths_hash_from_name(const char *name);
const char *ths_hash_name(ths_hash_alg alg);
size_t ths_hash_len(ths_hash_alg alg);
/* libtomcrypt descriptor index, or -1 (MD5_SHA1 has none). */
int ths_hash_ltc_index(ths_hash_alg alg);

int ths_hash_init(ths_hash *h, ths_hash_alg alg);
void ths_hash_update(ths_hash *h, const uint8_t *data, size_t len);
/* Writes the digest of everything so far; h keeps running. */
void ths_hash_peek(const ths_hash *h, uint8_t *out);
int ths_hash_once(ths_hash_alg alg, const uint8_t *data, size_t len, uint8_t *out);

/* ---- HMAC, HKDF, TLS PRF ------------------------------------------------- */

int ths_hmac(ths_hash_alg alg, const uint8_t *key, size_t keylen, const uint8_t *data, size_t len,
             uint8_t *out);
/* RFC 5869 extract-then-expand. */
int ths_hkdf(ths_hash_alg alg, const uint8_t *ikm, size_t ikmlen, const uint8_t *salt, size_t saltlen,
             const uint8_t *info, size_t infolen, uint8_t *out, size_t outlen, ths_error *err);

/* A seed given as a list of chunks, so nothing is concatenated first (BearSSL). */
typedef struct {
    const uint8_t *data;
    size_t len;
} ths_chunk;

/* TLS PRF: alg SHA256/SHA384 → RFC 5246 §5 P_hash; MD5_SHA1 → RFC 2246 §5
 * split-secret P_MD5 XOR P_SHA1.  out = PRF(secret, label, seed chunks). */
int ths_prf(ths_hash_alg alg, const uint8_t *secret, size_t secretlen, const char *label,
            const ths_chunk *seed, size_t nseed, uint8_t *out, size_t outlen, ths_error *err);

/* Constant-time equality of two equal-length buffers (1 if equal). */
int ths_ct_equal(const uint8_t *a, const uint8_t *b, size_t n);

/* ---- RSA encryption (PKCS#1 v1.5, RFC 8017 §7.2) ------------------------- */

/* ct capacity *ctlen must be at least the modulus size. */
int ths_rsa_encrypt(const ths_pkey *key, ths_rng *rng, const uint8_t *pt, size_t ptlen, uint8_t *ct,
                    size_t *ctlen, ths_error *err);
/* RSAEP without padding (probes): block of exactly the modulus size. */
int ths_rsa_public_raw(const ths_pkey *key, const uint8_t *block, size_t n, uint8_t *ct, size_t *ctlen,
                       ths_error *err);
/* Plain decryption: one error (decrypt_error, "pkcs1: decryption failed") for
 * every invalid input.  pt capacity must be the modulus size. */
int ths_rsa_decrypt(const ths_pkey *key, const uint8_t *ct, size_t ctlen, uint8_t *pt, size_t *ptlen,
                    ths_error *err);
/* RFC 5246 §7.4.7.1: always yields 48 bytes.  A random premaster is drawn
 * first; the decrypted value replaces it, in constant time, only when the
 * padding is right, the length is 48 and the first two bytes equal
 * client_version.  Returns non-zero only for an internal failure. */
int ths_rsa_decrypt_premaster(const ths_pkey *key, ths_rng *rng, const uint8_t *ct, size_t ctlen,
                              uint16_t client_version, uint8_t premaster[48]);

/* ---- key exchange -------------------------------------------------------- */

typedef enum {
    THS_KX_NONE = 0,
    THS_KX_X25519,       /* RFC 7748 */
    THS_KX_SECP256R1,    /* RFC 8422, uncompressed points */
    THS_KX_SECP384R1,
    THS_KX_FFDHE2048,    /* RFC 7919 */
    THS_KX_FFDHE3072,
    THS_KX_FFDHE4096,
    THS_KX_DH            /* server-chosen p, g (RFC 5246 §7.4.3) */
} ths_kx_group;

#define THS_KX_MAX_P 1024 /* largest DH modulus in bytes (8192 bits) */

typedef struct {
    ths_kx_group group;
    size_t plen;                  /* DH: modulus length; EC: field length */
    uint8_t priv[THS_KX_MAX_P];   /* private scalar / exponent (big-endian; X25519 raw) */
    size_t privlen;
    uint8_t pub[THS_KX_MAX_P + 1];/* our public value in wire form */
    size_t publen;
    uint8_t p[THS_KX_MAX_P];      /* DH only */
    uint8_t g[THS_KX_MAX_P];
    size_t glen;
} ths_kx;

ths_kx_group ths_kx_from_name(const char *name);
const char *ths_kx_name(ths_kx_group g);
/* IANA NamedGroup number (29, 23, 24, 256..258), or 0 for custom DH. */
uint16_t ths_kx_group_id(ths_kx_group g);

/* Sets up a key pair.  For THS_KX_DH, p/g are the server's parameters:
 * p shorter than 1024 bits → insufficient_security; g outside 1 < g < p-1,
 * even p, or p longer than THS_KX_MAX_P → illegal_parameter.  priv/privlen
 * fixes the private value (NULL: drawn from rng). */
int ths_kx_init(ths_kx *kx, ths_kx_group group, const uint8_t *p, size_t plen, const uint8_t *g,
                size_t glen, const uint8_t *priv, size_t privlen, ths_rng *rng, ths_error *err);
/* Shared secret: X25519 32 bytes (all-zero output rejected, RFC 7748 §6.1);
 * ECDH the x coordinate, field length (RFC 8422 §5.10); DH with leading
 * zeros stripped (RFC 5246 §8.1.2).  Bad peer value → illegal_parameter.
 * out capacity must be THS_KX_MAX_P. */
int ths_kx_agree(const ths_kx *kx, const uint8_t *peer, size_t peerlen, uint8_t *out, size_t *outlen,
                 ths_error *err);
void ths_kx_free(ths_kx *kx);
/* How many safe-prime tests of a server-chosen p this process has run
 * (each verdict is cached per prime; core/src/dh.c).  For specs. */
unsigned long ths_dh_prime_test_count(void);

/* ---- libtomcrypt glue ---------------------------------------------------- */

/* ths_init() plus the crypto area's own once-only set-up (PRNG adapter,
 * wiping GMP allocator).  Every entry point calls it; safe to call often. */
int ths_crypto_init(void);

/* A libtomcrypt PRNG whose output comes from a ths_rng (registered once).
 * Fills *state so that libtomcrypt reads from rng; returns the prng index. */
int ths_ltc_prng(prng_state *state, ths_rng *rng);

#endif
