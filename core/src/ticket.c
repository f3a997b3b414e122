/* Session tickets (RFC 5077 §4): state serialised and sealed in C, with
 * libsodium's ChaCha20-Poly1305 (IETF), under a rotating key ring.
 * Format in core/include/ths_ticket.h. */
#include "ths_ticket.h"
#include <sodium.h>
#include <string.h>

static const char NAME_LABEL[] = "tlshs ticket key name";

/* The key name is derived from the key, so processes that share a key agree
 * on its name, and the name says nothing about the key (a PRF output). */
static void key_set(ths_ticket_key *k, const uint8_t key[THS_TICKET_KEY_LEN], int64_t now)
{
    uint8_t mac[THS_HASH_MAX];
    memcpy(k->key, key, THS_TICKET_KEY_LEN);
    ths_hmac(THS_HASH_SHA256, key, THS_TICKET_KEY_LEN, (const uint8_t *)NAME_LABEL, sizeof NAME_LABEL - 1, mac);
    memcpy(k->name, mac, THS_TICKET_NAME_LEN);
    ths_wipe(mac, sizeof mac);
    k->since = now;
    k->until = 0;
    k->live = 1;
}

void ths_ticket_keys_init(ths_ticket_keys *k, const uint8_t key[THS_TICKET_KEY_LEN], int64_t now)
{
    ths_wipe(k, sizeof *k);
    key_set(&k->current, key, now);
}

void ths_ticket_keys_rotate(ths_ticket_keys *k, const uint8_t key[THS_TICKET_KEY_LEN], int64_t now,
                            int64_t grace)
{
    k->previous = k->current;
    k->previous.until = now + (grace > 0 ? grace : 0);
    key_set(&k->current, key, now);
}

void ths_ticket_keys_wipe(ths_ticket_keys *k)
{
    ths_wipe(k, sizeof *k);
}

static size_t state_size(const ths_ticket_state *s, const ths_chunk *certs, size_t ncerts)
{
    size_t n = 2 + 2 + 1 + 8 + 4 + 1 + s->servername_len + THS_TICKET_MASTER_LEN + 3, i;
    for (i = 0; i < ncerts; i++)
        n += 3 + certs[i].len;
    return n;
}

size_t ths_ticket_size(const ths_ticket_state *s, const ths_chunk *certs, size_t ncerts)
{
    return THS_TICKET_OVERHEAD + state_size(s, certs, ncerts);
}

int ths_ticket_seal(const ths_ticket_keys *k, ths_rng *rng, const ths_ticket_state *s, const ths_chunk *certs,
                    size_t ncerts, uint8_t *out, size_t cap, size_t *outlen, ths_error *err)
{
    size_t plen = state_size(s, certs, ncerts), i;
    size_t total = THS_TICKET_OVERHEAD + plen;
    unsigned long long clen = 0;
    uint8_t *plain, *nonce;
    ths_writer w;
    ths_wr_mark m;
    int rc = THS_OK;

    if (!k->current.live)
        return ths_fail(err, THS_ERR_ARG, "ticket: no sealing key");
    if (!s->master_secret || s->servername_len > 255)
        return ths_fail(err, THS_ERR_ARG, "ticket: master secret missing or server name over 255 bytes");
    for (i = 0; i < ncerts; i++)
        if (certs[i].len == 0 || certs[i].len > 0xffffff)
            return ths_fail(err, THS_ERR_ARG, "ticket: certificate %u is empty or too long", (unsigned)(i + 1));
    if (total > THS_TICKET_MAX || total > cap)
        return ths_fail(err, THS_ERR_SPACE, "ticket: %lu bytes exceed the limit of %u", (unsigned long)total,
                        (unsigned)(cap < THS_TICKET_MAX ? cap : THS_TICKET_MAX));

    /* The plaintext is written at its final place, after name and nonce, and
     * encrypted in place (libsodium allows c == m). */
    memcpy(out, k->current.name, THS_TICKET_NAME_LEN);
    nonce = out + THS_TICKET_NAME_LEN;
    ths_rng_fill(rng, nonce, THS_TICKET_NONCE_LEN);
    plain = nonce + THS_TICKET_NONCE_LEN;
    ths_wr_init(&w, plain, plen);
    ths_wr_u16(&w, 0x0303);
    ths_wr_u16(&w, s->cipher_suite);
    ths_wr_u8(&w, s->ems ? 1 : 0);
    ths_wr_u32(&w, (uint32_t)((uint64_t)s->issued >> 32));
    ths_wr_u32(&w, (uint32_t)((uint64_t)s->issued & 0xffffffffu));
    ths_wr_u32(&w, s->lifetime);
    m = ths_wr_open(&w, 1);
    ths_wr_bytes(&w, s->servername, s->servername_len);
    ths_wr_close(&w, m, -1);
    ths_wr_bytes(&w, s->master_secret, THS_TICKET_MASTER_LEN);
    m = ths_wr_open(&w, 3);
    for (i = 0; i < ncerts; i++) {
        ths_wr_mark c = ths_wr_open(&w, 3);
        ths_wr_bytes(&w, certs[i].data, certs[i].len);
        ths_wr_close(&w, c, -1);
    }
    ths_wr_close(&w, m, -1);
    if (w.failed || w.len != plen)
        rc = ths_fail(err, THS_ERR_SPACE, "ticket: state does not fit");
    else if (crypto_aead_chacha20poly1305_ietf_encrypt(plain, &clen, plain, plen, out, THS_TICKET_NAME_LEN, NULL,
                                                       nonce, k->current.key) != 0)
        rc = ths_fail(err, THS_ERR_CRYPTO, "ticket: sealing failed");
    if (rc) {
        ths_wipe(out, total);
        return rc;
    }
    *outlen = total;
    return THS_OK;
}

/* The key of the ring named by the ticket, or NULL. */
static const ths_ticket_key *find_key(const ths_ticket_keys *k, const uint8_t *name, int64_t now)
{
    if (k->current.live && sodium_memcmp(k->current.name, name, THS_TICKET_NAME_LEN) == 0)
        return &k->current;
    if (k->previous.live && now < k->previous.until &&
        sodium_memcmp(k->previous.name, name, THS_TICKET_NAME_LEN) == 0)
        return &k->previous;
    return NULL;
}

int ths_ticket_open(const ths_ticket_keys *k, int64_t now, const uint8_t *ticket, size_t len, uint8_t *plain,
                    ths_ticket_state *s, ths_error *err)
{
    const ths_ticket_key *key;
    unsigned long long plen = 0;
    ths_reader r, sub;
    uint32_t hi, lo;

    memset(s, 0, sizeof *s);
    if (len < THS_TICKET_OVERHEAD)
        return ths_fail(err, THS_ALERT_DECRYPT_ERROR, "ticket: %lu bytes is too short", (unsigned long)len);
    key = find_key(k, ticket, now);
    if (!key)
        return ths_fail(err, THS_ALERT_DECRYPT_ERROR, "ticket: unknown or retired key name");
    /* libsodium checks the tag (constant time) before writing plaintext. */
    if (crypto_aead_chacha20poly1305_ietf_decrypt(plain, &plen, NULL, ticket + THS_TICKET_NAME_LEN + THS_TICKET_NONCE_LEN,
                                                  len - THS_TICKET_NAME_LEN - THS_TICKET_NONCE_LEN, ticket,
                                                  THS_TICKET_NAME_LEN, ticket + THS_TICKET_NAME_LEN, key->key) != 0)
        return ths_fail(err, THS_ALERT_DECRYPT_ERROR, "ticket: authentication failed");

    /* Ours, so well formed unless the format changed: parse strictly anyway. */
    ths_rd_init(&r, plain, (size_t)plen, "ticket", err);
    if (ths_rd_u16(&r, "version") != 0x0303 && !r.failed)
        ths_rd_fail(&r, THS_ALERT_DECRYPT_ERROR, "ticket.version: not 0x0303");
    s->cipher_suite = (uint16_t)ths_rd_u16(&r, "cipher_suite");
    s->ems = ths_rd_u8(&r, "extended_master_secret") != 0;
    hi = ths_rd_u32(&r, "issued");
    lo = ths_rd_u32(&r, "issued");
    s->issued = (int64_t)(((uint64_t)hi << 32) | lo);
    s->lifetime = ths_rd_u32(&r, "lifetime");
    if (ths_rd_vector(&r, 1, 0, 255, "server_name", &sub) == THS_OK) {
        s->servername = sub.data;
        s->servername_len = sub.len;
    }
    s->master_secret = ths_rd_bytes(&r, THS_TICKET_MASTER_LEN, "master_secret");
    if (ths_rd_vector(&r, 3, 0, 0xffffff, "client_certificates", &sub) == THS_OK) {
        s->certificates = sub.data;
        s->certificates_len = sub.len;
        while (ths_rd_left(&sub) > 0) {
            ths_reader cert;
            ths_rd_vector(&sub, 3, 1, 0xffffff, "client_certificates", &cert);
            if (sub.failed)
                break;
        }
    }
    ths_rd_end(&r, "ticket");
    if (r.failed) {
        /* Every failure to open is the same to the caller: not a ticket we take. */
        ths_wipe(plain, (size_t)plen);
        memset(s, 0, sizeof *s);
        if (err)
            err->code = THS_ALERT_DECRYPT_ERROR;
        return THS_ALERT_DECRYPT_ERROR;
    }
    return THS_OK;
}
