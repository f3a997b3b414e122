/*
 * The one strict DER reader (ITU-T X.690 §8, §10) of the core, on top of
 * ths_reader: X.509 certificates, key files (SPKI, PKCS#1, SEC 1, PKCS#8)
 * and ECDSA signatures all parse through it.
 *
 * Only the DER subset these structures need is accepted: single-byte tags
 * (no high-tag-number form), definite lengths in the shortest form (X.690
 * §10.1), at most 4 length octets, contents inside the enclosing element.
 * Nothing allocates and nothing recurses: nesting depth is bounded by the
 * caller's schema, not by the input.
 *
 * Errors: every failure sticks on the reader (see ths_reader) with a detail
 * naming the field and its offset in the outermost input.  The alert a
 * malformed element raises is the reader's `der_alert` (set by ths_der_init;
 * inherited by sub-readers): bad_certificate for certificates, decode_error
 * for keys and signatures (0 also means decode_error).
 */
#ifndef THS_DER_H
#define THS_DER_H

#include "tlshs.h"

/* One TLV.  `body` is a sub-reader over the contents that shares the error
 * and reports offsets relative to the outermost input. */
typedef struct {
    uint8_t tag;              /* class | constructed | number, e.g. 0x30 */
    const uint8_t *tlv;       /* the whole element, header included */
    size_t tlv_len;
    const uint8_t *val;       /* the contents */
    size_t len;
    size_t offset;            /* offset of the tag byte in the outermost input */
    ths_reader body;
} ths_der;

/* Universal tags (X.680 §8.6) and the context tags in use. */
enum {
    THS_DER_BOOLEAN = 0x01,
    THS_DER_INTEGER = 0x02,
    THS_DER_BIT_STRING = 0x03,
    THS_DER_OCTET_STRING = 0x04,
    THS_DER_NULL = 0x05,
    THS_DER_OID = 0x06,
    THS_DER_UTF8_STRING = 0x0c,
    THS_DER_PRINTABLE_STRING = 0x13,
    THS_DER_T61_STRING = 0x14,
    THS_DER_IA5_STRING = 0x16,
    THS_DER_UTC_TIME = 0x17,
    THS_DER_GENERALIZED_TIME = 0x18,
    THS_DER_UNIVERSAL_STRING = 0x1c,
    THS_DER_BMP_STRING = 0x1e,
    THS_DER_SEQUENCE = 0x30,
    THS_DER_SET = 0x31,
    THS_DER_CTX0 = 0xa0,      /* [0] constructed */
    THS_DER_CTX1 = 0xa1       /* [1] constructed */
};

/* ths_rd_init plus the alert malformed DER raises on this reader. */
void ths_der_init(ths_reader *r, const uint8_t *data, size_t len, const char *ctx, ths_error *err, int alert);
/* Reads the next element, whatever its tag. */
int ths_der_any(ths_reader *r, ths_der *out, const char *field);
/* Reads the next element and fails unless its tag is `tag`. */
int ths_der_expect(ths_reader *r, uint8_t tag, ths_der *out, const char *field);
/* Tag of the next element, or -1 at the end or after a failure (never fails). */
int ths_der_peek(const ths_reader *r);
/* Fails unless every byte of r was consumed ("N unexpected bytes"). */
int ths_der_end(ths_reader *r, const char *field);
/* An INTEGER element's contents checked for minimal encoding (X.690 §8.3.2);
 * fails on negative values when !allow_negative. */
int ths_der_integer(ths_reader *r, ths_der *out, int allow_negative, const char *field);
/* A non-negative INTEGER as its magnitude: big-endian bytes without the
 * sign octet (RSA moduli and exponents, ECDSA r and s). */
int ths_der_uint(ths_reader *r, const uint8_t **p, size_t *len, const char *field);
/* A non-negative INTEGER that fits in a long (version, pathLen, saltLength). */
int ths_der_small_uint(ths_reader *r, long max, long *value, const char *field);
/* BOOLEAN in DER form: 0x00 or 0xFF (X.690 §11.1). */
int ths_der_boolean(ths_reader *r, int *value, const char *field);
/* BIT STRING: *bits points after the unused-bits octet; unused bits must be
 * zero (X.690 §11.2.1). */
int ths_der_bit_string(ths_reader *r, const uint8_t **bits, size_t *nbytes, unsigned *unused, const char *field);
/* OBJECT IDENTIFIER contents, checked (minimal base-128 arcs, X.690 §8.19). */
int ths_der_oid(ths_reader *r, ths_der *out, const char *field);
/* Dotted text of OID contents ("1.2.840.113549.1.1.11"); "" if it does not fit. */
void ths_der_oid_text(const uint8_t *oid, size_t len, char *out, size_t cap);
/* UTCTime or GeneralizedTime in the RFC 5280 §4.1.2.5 forms
 * (YYMMDDHHMMSSZ, YYYYMMDDHHMMSSZ) as Unix seconds. */
int ths_der_time(ths_reader *r, int64_t *t, const char *field);

#endif
