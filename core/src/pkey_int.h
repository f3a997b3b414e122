/* Internal to the crypto area: a strict DER reader, curve helpers and the
 * bignum macros of libtomcrypt (LTC_SOURCE gives mp_* over ltc_mp = GMP). */
#ifndef THS_PKEY_INT_H
#define THS_PKEY_INT_H

#ifndef LTC_SOURCE
#define LTC_SOURCE
#endif
#include "ths_crypto.h"
#include "ths_pkey.h"

/* HMAC key set-up that accepts an empty key (hmac.c). */
int ths_hmac_init(hmac_state *st, ths_hash_alg alg, const uint8_t *key, size_t keylen);

/* ---- strict DER (X.690 §10): definite, minimal lengths; no BER --------- */

enum {
    DER_INTEGER = 0x02,
    DER_BIT_STRING = 0x03,
    DER_OCTET_STRING = 0x04,
    DER_NULL = 0x05,
    DER_OID = 0x06,
    DER_SEQUENCE = 0x30,
    DER_CTX0 = 0xa0,
    DER_CTX1 = 0xa1
};

typedef struct {
    const uint8_t *p;
    size_t len;
    size_t pos;
    size_t base;   /* offset of p[0] in the outermost input, for details */
} ths_der;

void ths_der_init(ths_der *d, const uint8_t *p, size_t len);
/* Reads one element with the given tag into *out (its contents).
 * Fails with decode_error naming field and offset. */
int ths_der_get(ths_der *d, int tag, ths_der *out, const char *field, ths_error *err);
/* Tag of the next element, or -1 at the end. */
int ths_der_peek(const ths_der *d);
int ths_der_end(const ths_der *d, const char *field, ths_error *err);
/* A non-negative INTEGER: contents without the sign byte (strict minimal form). */
int ths_der_uint(ths_der *d, const uint8_t **p, size_t *len, const char *field, ths_error *err);
int ths_der_oid_is(const ths_der *oid, const uint8_t *want, size_t wantlen);

/* DER contents of the OIDs we know. */
extern const uint8_t THS_OID_RSA[9], THS_OID_EC[7], THS_OID_P256[8], THS_OID_P384[5], THS_OID_ED25519[3];
#define THS_OID_IS(o, name) ths_der_oid_is((o), name, sizeof name)

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

#endif
