/*
 * Session tickets (RFC 5077 §4): the server's session state sealed under a
 * key only the server holds, so the state never leaves C memory in clear.
 *
 *   ticket = key_name[16] ‖ nonce[12] ‖ ChaCha20-Poly1305(state) ‖ tag[16]
 *
 * with key_name as the associated data (RFC 5077 §4 recommends a key name
 * so the server can rotate keys).  The state inside:
 *
 *   struct {
 *       uint16 version = 0x0303;
 *       CipherSuite cipher_suite;
 *       uint8 extended_master_secret;           (RFC 7627 §5.3)
 *       uint64 issued;                          Unix seconds
 *       uint32 lifetime;                        seconds
 *       opaque server_name<0..255>;             (RFC 6066 §3)
 *       opaque master_secret[48];
 *       ASN.1Cert client_certificates<0..2^24-1>;  each <1..2^24-1>
 *   } TicketState;
 *
 * A key ring holds the sealing key and the previous one, which still opens
 * tickets until its grace period ends (rotation: new key seals, old key
 * opens for one period).  The ring holds copies of the keys and is wiped by
 * ths_ticket_keys_wipe().
 */
#ifndef THS_TICKET_H
#define THS_TICKET_H

#include "tlshs.h"
#include "ths_crypto.h" /* ths_chunk */

#define THS_TICKET_KEY_LEN 32
#define THS_TICKET_NAME_LEN 16
#define THS_TICKET_NONCE_LEN 12
#define THS_TICKET_TAG_LEN 16
#define THS_TICKET_OVERHEAD (THS_TICKET_NAME_LEN + THS_TICKET_NONCE_LEN + THS_TICKET_TAG_LEN)
#define THS_TICKET_MAX 65535u /* opaque ticket<0..2^16-1> (RFC 5077 §3.3) */
#define THS_TICKET_MASTER_LEN 48

typedef struct {
    uint8_t name[THS_TICKET_NAME_LEN]; /* HMAC-SHA256(key, "tlshs ticket key name")[0..15] */
    uint8_t key[THS_TICKET_KEY_LEN];
    int64_t since;                     /* when it began sealing */
    int64_t until;                     /* retired key: opens nothing at or after this time */
    int live;
} ths_ticket_key;

typedef struct {
    ths_ticket_key current;            /* seals and opens */
    ths_ticket_key previous;           /* opens until previous.until */
} ths_ticket_keys;

/* The public fields of a ticket's state; master_secret points to 48 bytes
 * and certificates to the body of client_certificates (a list of 3-byte
 * length-prefixed DER certificates). */
typedef struct {
    uint16_t cipher_suite;
    int ems;
    int64_t issued;
    uint32_t lifetime;
    const uint8_t *servername;
    size_t servername_len;
    const uint8_t *master_secret;
    const uint8_t *certificates;
    size_t certificates_len;
} ths_ticket_state;

/* A ring whose sealing key is key (32 bytes), in use from now. */
void ths_ticket_keys_init(ths_ticket_keys *k, const uint8_t key[THS_TICKET_KEY_LEN], int64_t now);
/* key seals from now on; the sealing key so far opens tickets until now + grace
 * (the key retired before it is dropped). */
void ths_ticket_keys_rotate(ths_ticket_keys *k, const uint8_t key[THS_TICKET_KEY_LEN], int64_t now,
                            int64_t grace);
void ths_ticket_keys_wipe(ths_ticket_keys *k);

/* Size of the ticket for s with these client certificates (DER each). */
size_t ths_ticket_size(const ths_ticket_state *s, const ths_chunk *certs, size_t ncerts);

/* Seals s (certificates from certs, s->certificates ignored) with the
 * current key and a random nonce.  THS_ERR_SPACE when the ticket would
 * exceed THS_TICKET_MAX or cap; THS_ERR_ARG for a bad field. */
int ths_ticket_seal(const ths_ticket_keys *k, ths_rng *rng, const ths_ticket_state *s, const ths_chunk *certs,
                    size_t ncerts, uint8_t *out, size_t cap, size_t *outlen, ths_error *err);

/* Opens a ticket into plain (capacity at least len; the caller wipes it)
 * and fills s with pointers into plain.  Not one of ours, sealed under a key
 * retired past its grace period, damaged or malformed: THS_ALERT_DECRYPT_ERROR
 * with a detail (the caller falls back to a full handshake, RFC 5077 §3.4). */
int ths_ticket_open(const ths_ticket_keys *k, int64_t now, const uint8_t *ticket, size_t len, uint8_t *plain,
                    ths_ticket_state *s, ths_error *err);

#endif
