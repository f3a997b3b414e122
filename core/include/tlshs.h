/*
 * tlshs — the C core of a scriptable TLS handshake engine.
 *
 * The core does no I/O and holds no Lua.  Every function returns one int:
 *   0                      success
 *   1 .. 255               a TLS alert description (RFC 5246 §7.2): a protocol failure
 *   THS_ERR_* (>= 0x100)   an internal failure (no memory, bad argument, crypto library)
 * Parsers also fill a ths_error with a human-readable detail that names the field
 * and the offset, e.g. "client_hello.cipher_suites: odd length 5 at offset 41".
 */
#ifndef TLSHS_H
#define TLSHS_H

#include <stddef.h>
#include <stdint.h>

/* ---- errors ------------------------------------------------------------- */

/* TLS alert descriptions used by the core (RFC 5246 §7.2, RFC 8446 §6). */
enum {
    THS_ALERT_CLOSE_NOTIFY = 0,
    THS_ALERT_UNEXPECTED_MESSAGE = 10,
    THS_ALERT_BAD_RECORD_MAC = 20,
    THS_ALERT_RECORD_OVERFLOW = 22,
    THS_ALERT_HANDSHAKE_FAILURE = 40,
    THS_ALERT_BAD_CERTIFICATE = 42,
    THS_ALERT_UNSUPPORTED_CERTIFICATE = 43,
    THS_ALERT_CERTIFICATE_REVOKED = 44,
    THS_ALERT_CERTIFICATE_EXPIRED = 45,
    THS_ALERT_CERTIFICATE_UNKNOWN = 46,
    THS_ALERT_ILLEGAL_PARAMETER = 47,
    THS_ALERT_UNKNOWN_CA = 48,
    THS_ALERT_DECODE_ERROR = 50,
    THS_ALERT_DECRYPT_ERROR = 51,
    THS_ALERT_PROTOCOL_VERSION = 70,
    THS_ALERT_INSUFFICIENT_SECURITY = 71,
    THS_ALERT_INTERNAL_ERROR = 80,
    THS_ALERT_UNSUPPORTED_EXTENSION = 110
};

enum {
    THS_OK = 0,
    THS_ERR_NOMEM = 0x100,     /* allocation failed */
    THS_ERR_ARG = 0x101,       /* the caller passed something invalid */
    THS_ERR_SPACE = 0x102,     /* output buffer too small */
    THS_ERR_CRYPTO = 0x103,    /* the crypto library failed */
    THS_ERR_NEED_MORE = 0x104, /* incomplete input: feed more bytes */
    THS_ERR_UNSUPPORTED = 0x105
};

#define THS_DETAIL_MAX 160

/* Where a failure happened, for the "<alert>, <detail>" pair handed to scripts. */
typedef struct {
    int code;                        /* same value the function returned */
    char detail[THS_DETAIL_MAX];     /* "" when nothing more is known */
} ths_error;

/* Sets err (if non-NULL) and returns code; printf-style detail. */
int ths_fail(ths_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Name of an alert ("decode_error"), or NULL for an unknown number. */
const char *ths_alert_name(int alert);
/* Alert number for a name, or -1. */
int ths_alert_from_name(const char *name);

/* One-time initialisation of libtomcrypt (ltc_mp = gmp_desc, descriptors)
 * and libsodium.  Safe to call many times and from many threads. */
int ths_init(void);

/* Overwrite memory that held a secret, in a way the compiler keeps. */
void ths_wipe(void *p, size_t n);

/* ---- randomness --------------------------------------------------------- */

/* Every core function that needs randomness takes a ths_rng, so a caller can
 * make a conversation replayable.  ths_rng_system() is libsodium's. */
typedef struct ths_rng {
    void (*fill)(struct ths_rng *rng, uint8_t *out, size_t n);
    uint8_t seed[32];      /* for the deterministic generator */
    uint64_t counter;
} ths_rng;

void ths_rng_init_system(ths_rng *rng);
/* A deterministic stream from a 32-byte seed (ChaCha20 via libsodium). */
void ths_rng_init_seeded(ths_rng *rng, const uint8_t seed[32]);
void ths_rng_fill(ths_rng *rng, uint8_t *out, size_t n);

/* ---- bounds-checked reader ---------------------------------------------- */

/*
 * A reader walks untrusted bytes.  The first failure sticks: later reads
 * return zeros and do nothing, and err keeps the first detail.  Each read
 * names the field it reads so the detail can say which one was bad.
 * `base` is the offset of data[0] inside the outermost message, so offsets
 * in details are relative to the message the caller handed in.
 */
typedef struct {
    const uint8_t *data;
    size_t len;
    size_t pos;
    size_t base;
    const char *ctx;     /* message or structure name, e.g. "client_hello" */
    ths_error *err;      /* shared with sub-readers; may be NULL */
    int failed;
    int der_alert;       /* alert for malformed DER (ths_der.h); 0: decode_error */
} ths_reader;

void ths_rd_init(ths_reader *r, const uint8_t *data, size_t len, const char *ctx, ths_error *err);
size_t ths_rd_left(const ths_reader *r);
uint32_t ths_rd_u8(ths_reader *r, const char *field);
uint32_t ths_rd_u16(ths_reader *r, const char *field);
uint32_t ths_rd_u24(ths_reader *r, const char *field);
uint32_t ths_rd_u32(ths_reader *r, const char *field);
/* n raw bytes; returns a pointer into the input, or NULL on failure. */
const uint8_t *ths_rd_bytes(ths_reader *r, size_t n, const char *field);
/* A length-prefixed vector (prefix of 1, 2 or 3 bytes) as a sub-reader that
 * shares the error; min/max are the RFC's <min..max> bounds on its length. */
int ths_rd_vector(ths_reader *r, int prefix, size_t min, size_t max, const char *field, ths_reader *sub);
/* Fails with decode_error unless every byte was consumed. */
int ths_rd_end(ths_reader *r, const char *field);
/* Records a failure at the current position (sticky).  Returns the code. */
int ths_rd_fail(ths_reader *r, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ---- writer ------------------------------------------------------------- */

/*
 * A writer appends into a caller buffer.  With data == NULL it only counts,
 * so a caller can size a buffer in a first pass.  Errors stick (THS_ERR_SPACE).
 * Length prefixes are reserved with ths_wr_open and filled by ths_wr_close,
 * so no length is computed by hand; an override lets a script send a wrong one.
 */
typedef struct {
    uint8_t *data;
    size_t cap;
    size_t len;
    int failed;
} ths_writer;

typedef struct { size_t at; int prefix; } ths_wr_mark;

void ths_wr_init(ths_writer *w, uint8_t *data, size_t cap);
void ths_wr_u8(ths_writer *w, uint32_t v);
void ths_wr_u16(ths_writer *w, uint32_t v);
void ths_wr_u24(ths_writer *w, uint32_t v);
void ths_wr_u32(ths_writer *w, uint32_t v);
void ths_wr_bytes(ths_writer *w, const void *p, size_t n);
ths_wr_mark ths_wr_open(ths_writer *w, int prefix);
/* override < 0: write the real length; otherwise write override as is. */
void ths_wr_close(ths_writer *w, ths_wr_mark m, long override);

#endif
