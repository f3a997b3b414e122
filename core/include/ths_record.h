/*
 * Record protection for TLS 1.2 (RFC 5246 §6.2.3): one state per direction.
 *
 * A state transforms record FRAGMENTS (what follows the 5-byte record
 * header); framing belongs to the message layer.  The caller prepares the
 * keys from the key block, initialises a state, and the flow activates it at
 * ChangeCipherSpec.  The sequence number belongs to the state, starts at 0
 * and is never allowed to wrap (RFC 5246 §6.1).
 *
 * Schemes, one file each (like BearSSL's ssl_rec_*.c):
 *   rec_null.c    the initial state (optionally with a MAC: NULL_SHA* suites)
 *   rec_gcm.c     AES-128/256-GCM, RFC 5288
 *   rec_chapol.c  ChaCha20-Poly1305, RFC 7905
 *   rec_cbc.c     AES-128/256-CBC + HMAC, MAC-then-encrypt (RFC 5246
 *                 §6.2.3.2) or encrypt-then-MAC (RFC 7366)
 *   rec_hmac.c    HMAC for records, with a constant-time variant (Lucky 13)
 *   rec_common.c  dispatch, sequence numbers, size limits
 *
 * The state holds copies of every key and is wiped by ths_rec_free().
 * It is large (a GCM state carries 64 KiB of GHASH tables) and must be
 * 16-byte aligned (libsodium's AES-GCM state): allocate it with
 * ths_rec_new() or posix_memalign().
 */
#ifndef THS_RECORD_H
#define THS_RECORD_H

#include "tlshs.h"
#include <sodium.h>
#include <tomcrypt.h>

/* RFC 5246 §6.2.1-§6.2.3 */
#define THS_REC_MAX_PLAIN 16384u              /* 2^14 */
#define THS_REC_MAX_FRAGMENT (16384u + 2048u) /* TLSCiphertext.length limit */

typedef enum {
    THS_REC_NULL = 0,
    THS_REC_AES_128_GCM,
    THS_REC_AES_256_GCM,
    THS_REC_CHACHA20_POLY1305,
    THS_REC_AES_128_CBC,
    THS_REC_AES_256_CBC
} ths_rec_cipher;

typedef enum {
    THS_REC_MAC_NONE = 0,
    THS_REC_MAC_SHA1,
    THS_REC_MAC_SHA256,
    THS_REC_MAC_SHA384
} ths_rec_mac;

/* Keyed HMAC: the inner and outer hash states after the key block, so a
 * record costs no key processing (rec_hmac.c). */
typedef struct {
    int hash;          /* libtomcrypt hash index */
    size_t block;      /* 64 or 128 */
    size_t out;        /* 20, 32 or 48 */
    hash_state inner;  /* after (key ^ ipad) */
    hash_state outer;  /* after (key ^ opad) */
} ths_rec_hmac;

typedef struct ths_rec_state {
    size_t alloc_size;    /* bytes allocated for the state (0: sizeof) */
    ths_rec_cipher cipher;
    ths_rec_mac mac;
    int etm;              /* RFC 7366 encrypt-then-MAC (CBC only) */
    uint16_t version;     /* in the AAD / MAC input */
    uint64_t seq;         /* next sequence number */
    int seq_exhausted;    /* 2^64-1 was used: no more records (RFC 5246 §6.1) */
    int sodium_gcm;       /* AES-256-GCM through libsodium (AES-NI) */
    uint8_t key[32];
    size_t key_len;
    uint8_t iv[12];       /* GCM salt (4) or ChaCha20 IV (12) */
    size_t iv_len;
    uint8_t mac_key[48];
    size_t mac_key_len;
    ths_rec_hmac hmac;
    union {
        crypto_aead_aes256gcm_state sodium; /* 16-byte aligned */
        gcm_state gcm;
        symmetric_CBC cbc;                  /* CBC: AES schedule + chaining */
    } u;
} ths_rec_state;

/* Options of one seal, for probes and tests (all zero: a normal record). */
typedef struct {
    int pad;             /* CBC padding_length value 0..255; -1: minimal */
    int corrupt_mac;     /* flip a bit of the MAC / AEAD tag */
    int corrupt_padding; /* CBC: make the padding bytes inconsistent */
    const uint8_t *iv;   /* CBC: this 16-byte IV instead of one from the rng;
                            GCM: this 8-byte explicit nonce instead of seq */
} ths_rec_seal_opts;

/* Names ("aes_128_gcm", "sha256") and back; -1 for an unknown name. */
const char *ths_rec_cipher_name(ths_rec_cipher c);
int ths_rec_cipher_from_name(const char *name);
const char *ths_rec_mac_name(ths_rec_mac m);
int ths_rec_mac_from_name(const char *name);

/* Expected sizes for a scheme (0 when unused); the MAC key size equals the
 * MAC output size (RFC 5246 §6.3). */
size_t ths_rec_key_size(ths_rec_cipher c);
size_t ths_rec_iv_size(ths_rec_cipher c);
size_t ths_rec_mac_size(ths_rec_mac m);

/* The bytes a state for this scheme needs: the fixed part and the one union
 * member the cipher uses (a ChaCha20 or libsodium AES-GCM state is about
 * 1 KiB, a libtomcrypt GCM state 70 KiB).  A caller that allocates only
 * this much zeroes it and sets alloc_size before ths_rec_init. */
size_t ths_rec_state_size(ths_rec_cipher c, unsigned flags);

/* Allocation helpers: a 16-byte aligned, zeroed state; free wipes it. */
ths_rec_state *ths_rec_new(void);
void ths_rec_free(ths_rec_state *st);
/* Wipes the keys and derived schedules (the state can be re-initialised;
 * alloc_size is kept). */
void ths_rec_wipe(ths_rec_state *st);

/*
 * Prepares a state.  Key/iv/mac_key sizes must match the scheme exactly
 * (THS_ERR_ARG otherwise, with a detail).  mac must be NONE for AEADs and
 * set for CBC (optional for NULL).  flags: THS_REC_ETM (RFC 7366; only
 * changes CBC, ignored elsewhere as RFC 7366 §3 says), THS_REC_SOFTWARE_GCM
 * (AES-256-GCM through libtomcrypt even where libsodium could; for tests).
 */
#define THS_REC_ETM 1u
#define THS_REC_SOFTWARE_GCM 2u
int ths_rec_init(ths_rec_state *st, ths_rec_cipher cipher, ths_rec_mac mac,
                 const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
                 const uint8_t *mac_key, size_t mac_key_len, unsigned flags, uint16_t version,
                 ths_error *err);

/* Maximum bytes a seal adds to a plaintext (explicit IV/nonce, MAC/tag, padding). */
size_t ths_rec_overhead(const ths_rec_state *st);
/* Exact size of the sealed fragment for a plaintext of plain_len bytes. */
size_t ths_rec_sealed_size(const ths_rec_state *st, size_t plain_len, const ths_rec_seal_opts *opts);

/*
 * Protects one record: out (ths_rec_sealed_size bytes) receives the fragment.
 * plain_len > 2^14 → THS_ERR_ARG.  rng supplies the CBC explicit IV.
 * Increments the sequence number.
 */
int ths_rec_seal(ths_rec_state *st, uint8_t type, const uint8_t *plain, size_t plain_len,
                 const ths_rec_seal_opts *opts, ths_rng *rng, uint8_t *out, size_t *out_len,
                 ths_error *err);

/*
 * Opens one record fragment.  out must hold frag_len bytes; the plaintext
 * is written to out, its length to *out_len.  Returns 0, or the alert:
 *   record_overflow  fragment > 2^14+2048, or plaintext > 2^14
 *   bad_record_mac   any authentication failure, bad CBC padding, or a
 *                    fragment too short to hold the nonce/IV and tag/MAC
 *                    (as OpenSSL does: a distinct alert for "too short"
 *                    would tell an attacker more than needed)
 * Increments the sequence number on success only.
 */
int ths_rec_open(ths_rec_state *st, uint8_t type, const uint8_t *frag, size_t frag_len,
                 uint8_t *out, size_t *out_len, ths_error *err);

/* ---- primitives, shared by the record code and the test vectors ------- */

/* AEAD with a 12-byte nonce and a 16-byte tag, on a state prepared by
 * ths_rec_init (the iv is unused here).  open returns bad_record_mac on a
 * tag mismatch and writes no plaintext then. */
int ths_rec_aead_seal(ths_rec_state *st, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                      const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16]);
int ths_rec_aead_open(ths_rec_state *st, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                      const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out);

#endif
