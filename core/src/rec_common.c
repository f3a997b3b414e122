/* Record protection: names, set-up, sequence numbers and size limits
 * (RFC 5246 §6.1, §6.2), dispatching to one file per scheme. */
#include "rec_int.h"
#include <stdlib.h>
#include <string.h>

static const char *const cipher_names[] = {
    "null", "aes_128_gcm", "aes_256_gcm", "chacha20_poly1305", "aes_128_cbc", "aes_256_cbc"};
static const char *const mac_names[] = {"none", "sha1", "sha256", "sha384"};

const char *ths_rec_cipher_name(ths_rec_cipher c)
{
    return (unsigned)c < sizeof cipher_names / sizeof *cipher_names ? cipher_names[c] : "?";
}

int ths_rec_cipher_from_name(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof cipher_names / sizeof *cipher_names; i++)
        if (strcmp(name, cipher_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *ths_rec_mac_name(ths_rec_mac m)
{
    return (unsigned)m < sizeof mac_names / sizeof *mac_names ? mac_names[m] : "?";
}

int ths_rec_mac_from_name(const char *name)
{
    size_t i;
    for (i = 1; i < sizeof mac_names / sizeof *mac_names; i++)
        if (strcmp(name, mac_names[i]) == 0)
            return (int)i;
    return -1;
}

static int n8(const ths_rec_state *st)
{
    return st->cipher == THS_REC_AES_128_GCM || st->cipher == THS_REC_AES_256_GCM;
}

static int is_aead(ths_rec_cipher c)
{
    return c == THS_REC_AES_128_GCM || c == THS_REC_AES_256_GCM || c == THS_REC_CHACHA20_POLY1305;
}

static int is_cbc(ths_rec_cipher c)
{
    return c == THS_REC_AES_128_CBC || c == THS_REC_AES_256_CBC;
}

size_t ths_rec_key_size(ths_rec_cipher c)
{
    switch (c) {
    case THS_REC_AES_128_GCM:
    case THS_REC_AES_128_CBC:
        return 16;
    case THS_REC_AES_256_GCM:
    case THS_REC_AES_256_CBC:
    case THS_REC_CHACHA20_POLY1305:
        return 32;
    default:
        return 0;
    }
}

/* RFC 5288 §3: 4-byte salt; RFC 7905 §2: 12-byte IV; CBC in TLS 1.2 has
 * explicit per-record IVs (RFC 5246 §6.2.3.2), so no fixed IV. */
size_t ths_rec_iv_size(ths_rec_cipher c)
{
    switch (c) {
    case THS_REC_AES_128_GCM:
    case THS_REC_AES_256_GCM:
        return 4;
    case THS_REC_CHACHA20_POLY1305:
        return 12;
    default:
        return 0;
    }
}

size_t ths_rec_mac_size(ths_rec_mac m)
{
    switch (m) {
    case THS_REC_MAC_SHA1:
        return 20;
    case THS_REC_MAC_SHA256:
        return 32;
    case THS_REC_MAC_SHA384:
        return 48;
    default:
        return 0;
    }
}

ths_rec_state *ths_rec_new(void)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, sizeof(ths_rec_state)) != 0)
        return NULL;
    memset(p, 0, sizeof(ths_rec_state));
    return (ths_rec_state *)p;
}

/* AES-256-GCM goes through libsodium where it can (AES-NI). */
static int use_sodium_gcm(ths_rec_cipher cipher, unsigned flags)
{
    return cipher == THS_REC_AES_256_GCM && !(flags & THS_REC_SOFTWARE_GCM) &&
           crypto_aead_aes256gcm_is_available();
}

size_t ths_rec_state_size(ths_rec_cipher c, unsigned flags)
{
    size_t member = 0;
    ths_rec_state *none = NULL;
    if (c == THS_REC_AES_128_GCM || c == THS_REC_AES_256_GCM)
        member = use_sodium_gcm(c, flags) ? sizeof none->u.sodium : sizeof none->u.gcm;
    else if (is_cbc(c))
        member = sizeof none->u.cbc;
    return (offsetof(ths_rec_state, u) + member + 15) & ~(size_t)15;
}

void ths_rec_wipe(ths_rec_state *st)
{
    if (st) {
        size_t size = st->alloc_size;
        ths_wipe(st, size ? size : sizeof *st);
        st->alloc_size = size;
    }
}

void ths_rec_free(ths_rec_state *st)
{
    if (st) {
        ths_rec_wipe(st);
        free(st);
    }
}

void ths_rec_header(uint8_t hdr[13], uint64_t seq, uint8_t type, uint16_t version, size_t len)
{
    int i;
    for (i = 0; i < 8; i++)
        hdr[i] = (uint8_t)(seq >> (56 - 8 * i));
    hdr[8] = type;
    hdr[9] = (uint8_t)(version >> 8);
    hdr[10] = (uint8_t)version;
    hdr[11] = (uint8_t)(len >> 8);
    hdr[12] = (uint8_t)len;
}

int ths_rec_init(ths_rec_state *st, ths_rec_cipher cipher, ths_rec_mac mac,
                 const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
                 const uint8_t *mac_key, size_t mac_key_len, unsigned flags, uint16_t version,
                 ths_error *err)
{
    int rc;
    const char *cn = ths_rec_cipher_name(cipher);

    if ((unsigned)cipher > THS_REC_AES_256_CBC || (unsigned)mac > THS_REC_MAC_SHA384)
        return ths_fail(err, THS_ERR_ARG, "record: unknown cipher or mac");
    if (is_aead(cipher) && mac != THS_REC_MAC_NONE)
        return ths_fail(err, THS_ERR_ARG, "record(%s): an AEAD takes no mac", cn);
    if (is_cbc(cipher) && mac == THS_REC_MAC_NONE)
        return ths_fail(err, THS_ERR_ARG, "record(%s): CBC needs a mac", cn);
    if (key_len != ths_rec_key_size(cipher))
        return ths_fail(err, THS_ERR_ARG, "record(%s): key must be %u bytes, got %u", cn,
                        (unsigned)ths_rec_key_size(cipher), (unsigned)key_len);
    /* TLS 1.2 CBC has no fixed IV; a caller may pass the key block's
     * (unused) client/server IV, so any iv is accepted and ignored there. */
    if (!is_cbc(cipher) && iv_len != ths_rec_iv_size(cipher))
        return ths_fail(err, THS_ERR_ARG, "record(%s): iv must be %u bytes, got %u", cn,
                        (unsigned)ths_rec_iv_size(cipher), (unsigned)iv_len);
    if (mac_key_len != ths_rec_mac_size(mac))
        return ths_fail(err, THS_ERR_ARG, "record(%s): mac_key must be %u bytes, got %u", cn,
                        (unsigned)ths_rec_mac_size(mac), (unsigned)mac_key_len);

    if (st->alloc_size && st->alloc_size < ths_rec_state_size(cipher, flags))
        return ths_fail(err, THS_ERR_ARG, "record(%s): state allocated too small", cn);

    ths_rec_wipe(st);
    st->cipher = cipher;
    st->mac = mac;
    st->etm = is_cbc(cipher) && (flags & THS_REC_ETM) != 0;
    st->version = version;
    st->seq = 0;
    st->seq_exhausted = 0;
    if (key_len)
        memcpy(st->key, key, key_len);
    st->key_len = key_len;
    if (ths_rec_iv_size(cipher)) {
        memcpy(st->iv, iv, iv_len);
        st->iv_len = iv_len;
    }
    if (mac_key_len)
        memcpy(st->mac_key, mac_key, mac_key_len);
    st->mac_key_len = mac_key_len;
    if (mac != THS_REC_MAC_NONE &&
        (rc = ths_rec_hmac_init(&st->hmac, mac, mac_key, mac_key_len)) != THS_OK)
        goto fail;

    switch (cipher) {
    case THS_REC_AES_128_GCM:
    case THS_REC_AES_256_GCM:
        st->sodium_gcm = use_sodium_gcm(cipher, flags);
        rc = ths_rec_gcm_init(st);
        break;
    case THS_REC_AES_128_CBC:
    case THS_REC_AES_256_CBC:
        rc = ths_rec_cbc_init(st);
        break;
    default:
        rc = THS_OK;
    }
    if (rc != THS_OK)
        goto fail;
    return THS_OK;
fail:
    ths_rec_wipe(st);
    return ths_fail(err, rc, "record(%s): the crypto library refused the key", cn);
}

size_t ths_rec_overhead(const ths_rec_state *st)
{
    switch (st->cipher) {
    case THS_REC_AES_128_GCM:
    case THS_REC_AES_256_GCM:
        return 8 + 16; /* explicit nonce + tag */
    case THS_REC_CHACHA20_POLY1305:
        return 16;
    case THS_REC_AES_128_CBC:
    case THS_REC_AES_256_CBC:
        return 16 + ths_rec_mac_size(st->mac) + 256; /* IV + MAC + longest padding */
    default:
        return ths_rec_mac_size(st->mac);
    }
}

size_t ths_rec_sealed_size(const ths_rec_state *st, size_t plain_len, const ths_rec_seal_opts *opts)
{
    if (is_cbc(st->cipher))
        return ths_rec_cbc_sealed_size(st, plain_len, opts);
    return plain_len + ths_rec_overhead(st);
}

/* RFC 5288 §3: nonce = salt(4) ‖ explicit(8); RFC 7905 §2: nonce = iv XOR
 * (0^4 ‖ seq). */
static void aead_nonce(const ths_rec_state *st, const uint8_t explicit_nonce[8], uint8_t nonce[12])
{
    int i;
    if (st->cipher == THS_REC_CHACHA20_POLY1305) {
        memcpy(nonce, st->iv, 12);
        for (i = 0; i < 8; i++)
            nonce[4 + i] ^= explicit_nonce[i];
    } else {
        memcpy(nonce, st->iv, 4);
        memcpy(nonce + 4, explicit_nonce, 8);
    }
}

int ths_rec_aead_seal(ths_rec_state *st, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                      const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    if (st->cipher == THS_REC_CHACHA20_POLY1305)
        return ths_rec_chapol_seal(st, nonce, aad, aad_len, in, len, out, tag);
    if (st->cipher == THS_REC_AES_128_GCM || st->cipher == THS_REC_AES_256_GCM)
        return ths_rec_gcm_seal(st, nonce, aad, aad_len, in, len, out, tag);
    return THS_ERR_ARG;
}

int ths_rec_aead_open(ths_rec_state *st, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                      const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out)
{
    if (st->cipher == THS_REC_CHACHA20_POLY1305)
        return ths_rec_chapol_open(st, nonce, aad, aad_len, in, len, tag, out);
    if (st->cipher == THS_REC_AES_128_GCM || st->cipher == THS_REC_AES_256_GCM)
        return ths_rec_gcm_open(st, nonce, aad, aad_len, in, len, tag, out);
    return THS_ERR_ARG;
}

/* RFC 5246 §6.1: "Sequence numbers are of type uint64 and may not exceed
 * 2^64-1" — after the last one the state refuses to go on. */
static void advance(ths_rec_state *st)
{
    if (st->seq == UINT64_MAX)
        st->seq_exhausted = 1;
    else
        st->seq++;
}

int ths_rec_seal(ths_rec_state *st, uint8_t type, const uint8_t *plain, size_t plain_len,
                 const ths_rec_seal_opts *opts, ths_rng *rng, uint8_t *out, size_t *out_len,
                 ths_error *err)
{
    static const ths_rec_seal_opts none = {-1, 0, 0, NULL};
    uint8_t hdr[13], nonce[12], explicit_nonce[8];
    const char *cn = ths_rec_cipher_name(st->cipher);
    size_t n;
    int rc;

    if (!opts)
        opts = &none;
    if (st->seq_exhausted)
        return ths_fail(err, THS_ERR_ARG, "record(%s): sequence number exhausted", cn);
    if (plain_len > THS_REC_MAX_PLAIN)
        return ths_fail(err, THS_ERR_ARG, "record(%s): plaintext of %u bytes exceeds 2^14", cn,
                        (unsigned)plain_len);
    ths_rec_header(hdr, st->seq, type, st->version, plain_len);

    switch (st->cipher) {
    case THS_REC_AES_128_GCM:
    case THS_REC_AES_256_GCM:
    case THS_REC_CHACHA20_POLY1305:
        /* GCM: the explicit nonce is the sequence number (as OpenSSL does;
         * RFC 5288 §3 lets the sender choose, RFC 5116 §3.2 wants unique). */
        memcpy(explicit_nonce, opts->iv && n8(st) ? opts->iv : hdr, 8);
        aead_nonce(st, explicit_nonce, nonce);
        n = st->cipher == THS_REC_CHACHA20_POLY1305 ? 0 : 8;
        memcpy(out, explicit_nonce, n);
        rc = ths_rec_aead_seal(st, nonce, hdr, 13, plain, plain_len, out + n, out + n + plain_len);
        if (rc != THS_OK)
            return ths_fail(err, rc, "record(%s): encryption failed", cn);
        if (opts->corrupt_mac)
            out[n + plain_len] ^= 0x01;
        *out_len = n + plain_len + 16;
        break;
    case THS_REC_AES_128_CBC:
    case THS_REC_AES_256_CBC:
        rc = ths_rec_cbc_seal(st, hdr, plain, plain_len, opts, rng, out, out_len);
        if (rc != THS_OK)
            return ths_fail(err, rc, rc == THS_ERR_ARG ?
                            "record(%s): padding length does not fill whole blocks" :
                            "record(%s): encryption failed", cn);
        break;
    default:
        rc = ths_rec_null_seal(st, hdr, plain, plain_len, opts, out, out_len);
        if (rc != THS_OK)
            return ths_fail(err, rc, "record(%s): MAC failed", cn);
    }
    advance(st);
    return THS_OK;
}

int ths_rec_open(ths_rec_state *st, uint8_t type, const uint8_t *frag, size_t frag_len,
                 uint8_t *out, size_t *out_len, ths_error *err)
{
    uint8_t hdr[13], nonce[12];
    const char *cn = ths_rec_cipher_name(st->cipher);
    size_t n, plen;
    int rc;

    if (st->seq_exhausted)
        return ths_fail(err, THS_ERR_ARG, "record(%s): sequence number exhausted", cn);
    /* RFC 5246 §6.2.3: "The length MUST NOT exceed 2^14 + 2048." */
    if (frag_len > THS_REC_MAX_FRAGMENT)
        return ths_fail(err, THS_ALERT_RECORD_OVERFLOW,
                        "record(%s): fragment of %u bytes exceeds 2^14+2048 (seq %llu)", cn,
                        (unsigned)frag_len, (unsigned long long)st->seq);

    switch (st->cipher) {
    case THS_REC_AES_128_GCM:
    case THS_REC_AES_256_GCM:
    case THS_REC_CHACHA20_POLY1305:
        n = st->cipher == THS_REC_CHACHA20_POLY1305 ? 0 : 8;
        if (frag_len < n + 16)
            return ths_fail(err, THS_ALERT_BAD_RECORD_MAC,
                            "record(%s): fragment of %u bytes is shorter than nonce + tag (%u) (seq %llu)",
                            cn, (unsigned)frag_len, (unsigned)(n + 16), (unsigned long long)st->seq);
        plen = frag_len - n - 16;
        ths_rec_header(hdr, st->seq, type, st->version, plen);
        aead_nonce(st, n ? frag : hdr, nonce);
        rc = ths_rec_aead_open(st, nonce, hdr, 13, frag + n, plen, frag + n + plen, out);
        if (rc == THS_ALERT_BAD_RECORD_MAC)
            return ths_fail(err, rc, "record(%s): authentication tag mismatch (seq %llu)", cn,
                            (unsigned long long)st->seq);
        if (rc != THS_OK)
            return ths_fail(err, rc, "record(%s): decryption failed", cn);
        break;
    case THS_REC_AES_128_CBC:
    case THS_REC_AES_256_CBC:
        ths_rec_header(hdr, st->seq, type, st->version, 0);
        rc = ths_rec_cbc_open(st, hdr, frag, frag_len, out, out_len, err);
        if (rc != THS_OK)
            return rc;
        plen = *out_len;
        break;
    default:
        ths_rec_header(hdr, st->seq, type, st->version, 0);
        rc = ths_rec_null_open(st, hdr, frag, frag_len, out, out_len, err);
        if (rc != THS_OK)
            return rc;
        plen = *out_len;
    }
    /* RFC 5246 §6.2.1/§6.2.2: the plaintext MUST NOT exceed 2^14. */
    if (plen > THS_REC_MAX_PLAIN) {
        ths_wipe(out, plen);
        return ths_fail(err, THS_ALERT_RECORD_OVERFLOW,
                        "record(%s): plaintext of %u bytes exceeds 2^14 (seq %llu)", cn,
                        (unsigned)plen, (unsigned long long)st->seq);
    }
    *out_len = plen;
    advance(st);
    return THS_OK;
}
