/*
 * Handshake messages, extensions, the record header, the handshake
 * reassembler and the IANA names (issue 2).
 *
 * Design: every message body and every extension body is a small table of
 * field descriptors (ths_field), in the spirit of s2n's extension
 * descriptors.  One generic walker parses bytes against a descriptor and one
 * builds bytes from one, so every error detail has the same shape
 * ("<message>.<field path>: <what> at offset N") and every length override
 * (`<field>_len`) works the same way everywhere.
 *
 * The walker allocates nothing: parsing reports values to a ths_sink as it
 * goes (pointers into the input), building pulls them from a ths_source.
 * The Lua binding implements both over Lua tables; C callers may pass a
 * NULL sink to only validate.
 */
#ifndef THS_MSG_H
#define THS_MSG_H

#include "tlshs.h"

/* ---- descriptors -------------------------------------------------------- */

enum {
    THS_F_END = 0,  /* terminates a descriptor */
    THS_F_NUM,      /* unsigned big-endian integer of `width` bytes (1..4) */
    THS_F_FIXED,    /* exactly `min` bytes when parsing; built as given (any length) */
    THS_F_BYTES,    /* opaque vector, `width`-byte length prefix; width 0: the rest */
    THS_F_LIST,     /* vector (`width`-byte prefix) of elements described by sub[0] */
    THS_F_STRUCT,   /* nested fields `sub`, no prefix of its own */
    THS_F_EXTS      /* an extensions block (RFC 5246 §7.4.1.4): optional at the end */
};

/* Field flags. */
#define THS_FF_OPTIONAL 1u  /* parse: absent when no bytes are left; build: skipped when absent */
#define THS_FF_EQ 2u        /* parse: the number must equal `eq` (illegal_parameter otherwise) */

typedef struct ths_field {
    const char *name;              /* Lua field name; NULL for a list element */
    uint8_t kind;                  /* THS_F_* */
    uint8_t width;                 /* NUM: bytes; BYTES/LIST: length-prefix bytes */
    uint8_t flags;                 /* THS_FF_* */
    uint32_t min, max;             /* RFC <min..max> bounds of a vector's byte length */
    const struct ths_field *sub;   /* LIST: the element; STRUCT: the fields */
    uint32_t eq;                   /* with THS_FF_EQ */
} ths_field;

/* Key exchange variants that change server_key_exchange / client_key_exchange. */
enum { THS_MSG_KX_NONE = 0, THS_MSG_KX_RSA, THS_MSG_KX_DHE, THS_MSG_KX_ECDHE };

/* Handshake message types (RFC 5246 §7.4, RFC 5077). */
enum {
    THS_HS_HELLO_REQUEST = 0, THS_HS_CLIENT_HELLO = 1, THS_HS_SERVER_HELLO = 2,
    THS_HS_NEW_SESSION_TICKET = 4, THS_HS_CERTIFICATE = 11, THS_HS_SERVER_KEY_EXCHANGE = 12,
    THS_HS_CERTIFICATE_REQUEST = 13, THS_HS_SERVER_HELLO_DONE = 14,
    THS_HS_CERTIFICATE_VERIFY = 15, THS_HS_CLIENT_KEY_EXCHANGE = 16, THS_HS_FINISHED = 20
};

/* The body descriptor of a message; NULL when the type is unknown or needs a
 * key exchange that was not given (the body is then kept raw). */
const ths_field *ths_msg_desc(int msg_type, int kx, int anonymous);
/* ServerECDHParams / ServerDHParams alone (RFC 8422 §5.4, RFC 5246 §7.4.3). */
const ths_field *ths_msg_params_desc(int kx);
/* An extension body's descriptor, which depends on the message carrying it
 * (in_server_hello); NULL for an extension kept raw. */
const ths_field *ths_ext_desc(uint32_t type, int in_server_hello);
/* key_share of a HelloRetryRequest: `selected_group` only.  The walker uses it
 * for a 2-byte key_share in a server hello, and when building one that has
 * selected_group. */
const ths_field *ths_ext_desc_hrr_key_share(void);

/* ---- parsing ------------------------------------------------------------ */

/* Receives parsed values.  name == NULL appends to the array being filled. */
typedef struct ths_sink {
    void (*num)(struct ths_sink *s, const char *name, uint32_t v);
    void (*bytes)(struct ths_sink *s, const char *name, const uint8_t *p, size_t n);
    void (*open)(struct ths_sink *s, const char *name);   /* nested table */
    void (*close)(struct ths_sink *s);
} ths_sink;

/*
 * Parses one handshake message at p (n bytes available).  *used receives the
 * message size (4 + body length).  Returns THS_ERR_NEED_MORE when fewer bytes
 * than the header announces are present, an alert on malformed input.
 * Values go to sink (may be NULL): msg_type (the name, or the number when
 * unknown), then the body fields, or `body` raw when there is no descriptor.
 */
int ths_msg_parse(const uint8_t *p, size_t n, int kx, int anonymous, size_t *used,
                  ths_sink *sink, ths_error *err);

/* Parses `n` bytes against a descriptor (used by the record-free helpers and
 * tests); ctx names the structure in details. */
int ths_msg_parse_fields(const ths_field *desc, const char *ctx, const uint8_t *p, size_t n,
                         int in_server_hello, ths_sink *sink, ths_error *err);

/* ---- building ----------------------------------------------------------- */

enum { THS_SRC_NIL = 0, THS_SRC_NUM, THS_SRC_STR, THS_SRC_TABLE, THS_SRC_OTHER };

typedef struct {
    int kind;             /* THS_SRC_* */
    double num;           /* NUM */
    const uint8_t *p;     /* STR: valid until the matching pop */
    size_t n;             /* STR: length; TABLE: array length */
} ths_src_val;

/* Supplies values: get() looks up `name` (or index idx when name is NULL) in
 * the table most recently entered and makes it the current value; a TABLE
 * value is entered.  pop() drops the value of the last get(). */
typedef struct ths_source {
    void (*get)(struct ths_source *s, const char *name, size_t idx, ths_src_val *v);
    void (*pop)(struct ths_source *s);
} ths_source;

/*
 * Builds a whole handshake message (header included) from the source's
 * current table: msg_type (name or number), `length` override, `body` raw,
 * or the fields of the message (the key exchange variant is inferred from
 * the fields present).  Errors: THS_ERR_ARG with a detail naming the field.
 */
int ths_msg_build(ths_writer *w, ths_source *src, ths_error *err);
/* Builds ServerECDHParams or ServerDHParams from the current table. */
int ths_msg_build_params(ths_writer *w, ths_source *src, ths_error *err);
/* Builds the fields of desc from the current table. */
int ths_msg_build_fields(ths_writer *w, const ths_field *desc, const char *ctx,
                         int in_server_hello, ths_source *src, ths_error *err);

/* ---- record header (RFC 5246 §6.2.1) ------------------------------------ */

#define THS_RECORD_HEADER 5
#define THS_RECORD_MAX_FRAGMENT (16384 + 2048)   /* TLSCiphertext, RFC 5246 §6.2.3 */

typedef struct {
    uint8_t content_type;
    uint16_t version;
    size_t length;
    const uint8_t *fragment;   /* points into the input */
} ths_record;

/* THS_ERR_NEED_MORE for an incomplete record, record_overflow when the length
 * field is over 2^14+2048 (checked as soon as the header is complete). */
int ths_record_parse(const uint8_t *p, size_t n, ths_record *rec, size_t *used, ths_error *err);
/* length_override < 0: the real fragment length. */
void ths_record_build(ths_writer *w, uint8_t content_type, uint16_t version,
                      const uint8_t *fragment, size_t n, long length_override);

/* ---- handshake reassembler (RFC 5246 §6.2.1: messages may span records) -- */

/* The largest legal ClientHello body: 2 + 32 + 1+32 + 2+65534 (cipher
 * suites) + 1+255 + 2+65535 (extensions) = 131,396 bytes, OpenSSL's
 * CLIENT_HELLO_MAX_LENGTH; core/src/reassembler.c. */
#define THS_REASM_DEFAULT_MAX 131396

typedef struct {
    uint8_t *buf;
    size_t cap, start, end;
    size_t max_body;     /* largest accepted message body */
    int failed;          /* sticky error code */
    ths_error error;
} ths_reasm;

void ths_reasm_init(ths_reasm *r, size_t max_body);
int ths_reasm_push(ths_reasm *r, const uint8_t *p, size_t n);      /* THS_ERR_NOMEM */
/* 0 and *msg set: a whole message (valid until the next push/next call);
 * 0 and *msg NULL: more bytes needed; else the sticky error. */
int ths_reasm_next(ths_reasm *r, const uint8_t **msg, size_t *n, ths_error *err);
size_t ths_reasm_pending(const ths_reasm *r);
void ths_reasm_free(ths_reasm *r);

/* ---- names (IANA registries) -------------------------------------------- */

enum {
    THS_NAMES_CIPHER_SUITES = 0, THS_NAMES_GROUPS, THS_NAMES_SIGNATURE_SCHEMES,
    THS_NAMES_EXTENSIONS, THS_NAMES_HANDSHAKE_TYPES, THS_NAMES_CONTENT_TYPES,
    THS_NAMES_ALERTS, THS_NAMES_ALERT_LEVELS, THS_NAMES_COMPRESSION_METHODS,
    THS_NAMES_VERSIONS, THS_NAMES_EC_POINT_FORMATS, THS_NAMES_COUNT
};

typedef struct { uint32_t value; const char *name; } ths_name;

/* The Lua name of table `id` ("cipher_suites") and its entries. */
const char *ths_names_table(int id, const ths_name **entries, size_t *count);
/* Name of value v in table id, or NULL. */
const char *ths_name_of(int id, uint32_t v);
/* Value of a name; 0 on success, -1 when unknown.  "GREASE" gives 0x0A0A. */
int ths_name_value(int id, const char *name, uint32_t *v);

#endif
