/*
 * PEM armour (RFC 7468; RFC 1421 headers only to detect encryption): the
 * core's one PEM decoder, used by the key loaders and the certificate
 * loaders.  Base64 goes through libsodium, which rejects bad characters and
 * padding.  Failures are decode_error with the label and line in the detail
 * (a certificate loader may report them as bad_certificate).
 */
#ifndef THS_PEM_H
#define THS_PEM_H

#include "tlshs.h"

/* One block found in the text, not decoded yet (points into the input). */
typedef struct {
    char label[64];          /* "CERTIFICATE", "RSA PRIVATE KEY", ... */
    const uint8_t *text;     /* the whole input, for line numbers */
    const uint8_t *b64;      /* base64 body, RFC 1421 headers skipped; NULL: no block */
    size_t b64len;
    int encrypted;           /* RFC 1421 "Proc-Type: 4,ENCRYPTED" header present */
} ths_pem_armor;

/* A decoded block. */
typedef struct {
    char label[64];
    uint8_t *der;            /* decoded bytes, malloc'd; NULL when no block was found */
    size_t len;
    int encrypted;
} ths_pem_block;

/* Does the buffer contain a "-----BEGIN " line? */
int ths_pem_is_pem(const uint8_t *in, size_t len);
/* Finds the next block at or after *pos and advances *pos past its END line.
 * Returns 0 with a->b64 == NULL when no further block exists, or
 * decode_error for a malformed BEGIN line, a missing END line or a BEGIN
 * inside the block.  Text between blocks is ignored (RFC 7468 §2). */
int ths_pem_find(const uint8_t *in, size_t len, size_t *pos, ths_pem_armor *a, ths_error *err);
/* Bytes enough to decode a's body. */
size_t ths_pem_decoded_max(const ths_pem_armor *a);
/* Decodes a's base64 into out (cap >= ths_pem_decoded_max(a)); decode_error
 * naming the line of the first bad character. */
int ths_pem_decode(const ths_pem_armor *a, uint8_t *out, size_t cap, size_t *outlen, ths_error *err);
/* ths_pem_find + ths_pem_decode into a malloc'd buffer: 0 with
 * blk->der == NULL when no further block exists, decode_error, THS_ERR_NOMEM. */
int ths_pem_next(const uint8_t *in, size_t len, size_t *pos, ths_pem_block *blk, ths_error *err);
/* Wipes and frees blk->der (safe on a zeroed block). */
void ths_pem_block_free(ths_pem_block *blk);

#endif
