/* Internal to the crypto area: curve helpers and the
 * bignum macros of libtomcrypt (LTC_SOURCE gives mp_* over ltc_mp = GMP). */
#ifndef THS_PKEY_INT_H
#define THS_PKEY_INT_H

#ifndef LTC_SOURCE
#define LTC_SOURCE
#endif
#include "ths_crypto.h"
#include "ths_pkey.h"
#include "ths_der.h"
#include "oid.h"

/* HMAC key set-up that accepts an empty key (hmac.c). */
int ths_hmac_init(hmac_state *st, ths_hash_alg alg, const uint8_t *key, size_t keylen);

/* RSA private operation with blinding (rsa.c); in is k bytes, below n. */
int ths_rsa_private_op(const ths_pkey *key, const uint8_t *in, size_t inlen, uint8_t *out, size_t k);

/* namedCurve OID → IANA group (23, 24); THS_ERR_UNSUPPORTED otherwise. */
int ths_pkey_curve_from_oid(const ths_der *oid, uint16_t *group, ths_error *err);

/* ---- EC helpers (pkey_ec.c) ---------------------------------------------- */

/* Index into ltc_ecc_sets for a group (23, 24), or -1. */
int ths_ec_set_index(uint16_t group);
size_t ths_ec_size(uint16_t group);
/* Imports an uncompressed X9.62 point into key->pubkey after checking
 * 0 <= x, y < p and y^2 = x^3 - 3x + b (mod p).  key->dp must be set.
 * Returns 0 or THS_ALERT_ILLEGAL_PARAMETER / decode_error. */
int ths_ec_point_import(ecc_key *key, const uint8_t *pt, size_t len, const char *field, ths_error *err);
/* Sets up a key for group with private scalar k (big-endian) and computes
 * the public point k*G.  0 < k < n required. */
int ths_ec_key_from_private(ecc_key *key, uint16_t group, const uint8_t *k, size_t klen, ths_error *err);
/* Writes 04||x||y (1 + 2*size bytes). */
int ths_ec_point_export(const ecc_key *key, uint8_t *out, size_t *outlen);
void ths_ec_key_clear(ecc_key *key);
/* ECDSA verification of r||s (each dp->size bytes) over hash; 1 if valid
 * (sig_ecdsa.c: avoids libtomcrypt 1.18.2's Shamir-trick edge-case bug). */
int ths_ecdsa_verify_raw(const ecc_key *key, const uint8_t *rs, const uint8_t *hash, size_t hl);

#endif
