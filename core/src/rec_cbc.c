/* AES-CBC + HMAC records: MAC-then-encrypt (RFC 5246 §6.2.3.2) and
 * encrypt-then-MAC (RFC 7366).  TLS 1.2 sends an explicit random IV with
 * every record, so the state keeps only the AES key schedule. */
#include "rec_int.h"
#include <string.h>

#define BLOCK 16u

int ths_rec_cbc_init(ths_rec_state *st)
{
    static const uint8_t zero[BLOCK] = {0};
    int idx = find_cipher("aes");
    if (idx < 0)
        return THS_ERR_CRYPTO;
    return cbc_start(idx, zero, st->key, (int)st->key_len, 0, &st->u.cbc) == CRYPT_OK ? THS_OK
                                                                                   : THS_ERR_CRYPTO;
}

/* padding_length value: the caller's, or the smallest that fills the last
 * block (RFC 5246 §6.2.3.2: any multiple up to 255 is allowed). */
static size_t pad_value(size_t covered, const ths_rec_seal_opts *opts)
{
    if (opts && opts->pad >= 0)
        return (size_t)opts->pad;
    return (BLOCK - (covered + 1) % BLOCK) % BLOCK;
}

size_t ths_rec_cbc_sealed_size(const ths_rec_state *st, size_t plain_len, const ths_rec_seal_opts *opts)
{
    size_t maclen = st->hmac.out;
    if (st->etm)
        return BLOCK + plain_len + pad_value(plain_len, opts) + 1 + maclen;
    return BLOCK + plain_len + maclen + pad_value(plain_len + maclen, opts) + 1;
}

/* Writes padding_length+1 bytes of value p at q; corrupt: make them wrong. */
static void write_padding(uint8_t *q, size_t p, int corrupt)
{
    memset(q, (int)p, p + 1);
    if (corrupt) {
        if (p > 0)
            q[0] ^= 0x01;  /* a padding byte differs from padding_length */
        else
            q[0] = 0xff;   /* no padding bytes: claim 255 of them */
    }
}

int ths_rec_cbc_seal(ths_rec_state *st, const uint8_t hdr_in[13], const uint8_t *plain, size_t plain_len,
                     const ths_rec_seal_opts *opts, ths_rng *rng, uint8_t *out, size_t *out_len)
{
    size_t maclen = st->hmac.out, p, total;
    uint8_t hdr[13], *body = out + BLOCK;
    int rc;

    memcpy(hdr, hdr_in, 13);
    if (opts->pad > 255)
        return THS_ERR_ARG;
    /* RFC 5246 §6.2.3.2: IV, then E(content ‖ MAC ‖ padding ‖ padding_length).
     * RFC 7366 §3: IV, then E(content ‖ padding ‖ padding_length), then the
     * MAC over seq ‖ type ‖ version ‖ length(IV + ciphertext) ‖ IV ‖ ciphertext. */
    total = st->etm ? plain_len : plain_len + maclen;
    p = pad_value(total, opts);
    total += p + 1;
    if (total % BLOCK)
        return THS_ERR_ARG;
    if (opts->iv)
        memcpy(out, opts->iv, BLOCK);
    else
        ths_rng_fill(rng, out, BLOCK);
    if (plain_len)
        memmove(body, plain, plain_len);
    if (!st->etm) {
        if ((rc = ths_rec_hmac_mac(&st->hmac, hdr, body, plain_len, NULL, 0, body + plain_len)) != THS_OK)
            return rc;
        if (opts->corrupt_mac)
            body[plain_len] ^= 0x01;
        write_padding(body + plain_len + maclen, p, opts->corrupt_padding);
    } else {
        write_padding(body + plain_len, p, opts->corrupt_padding);
    }
    if (cbc_setiv(out, BLOCK, &st->u.cbc) != CRYPT_OK ||
        cbc_encrypt(body, body, (unsigned long)total, &st->u.cbc) != CRYPT_OK)
        return THS_ERR_CRYPTO;
    if (st->etm) {
        hdr[11] = (uint8_t)((BLOCK + total) >> 8);
        hdr[12] = (uint8_t)(BLOCK + total);
        if ((rc = ths_rec_hmac_mac(&st->hmac, hdr, out, BLOCK + total, NULL, 0, body + total)) != THS_OK)
            return rc;
        if (opts->corrupt_mac)
            body[total] ^= 0x01;
        total += maclen;
    }
    *out_len = BLOCK + total;
    return THS_OK;
}

/* Rotates buf[0..len) left by num (public) when ctl is 1, in constant time. */
static void cond_rotate(uint32_t ctl, uint8_t *buf, size_t len, size_t num)
{
    uint8_t tmp[64];
    size_t u;
    for (u = 0; u < len; u++)
        tmp[u] = (uint8_t)ths_ct_mux(ctl, buf[(u + num) % len], buf[u]);
    memcpy(buf, tmp, len);
}

/*
 * MAC-then-encrypt, decrypted record in buf[0..n): content ‖ MAC ‖ padding
 * ‖ padding_length.  Lucky 13 (AlFardan & Paterson 2013) times how long the
 * receiver takes to reject a record to learn about the padding; so from the
 * decryption on, nothing here branches on, or indexes memory with, a value
 * derived from the plaintext:
 *   - the padding length byte only enters masks (ths_ct_*), and every byte
 *     that COULD be padding, buf[lo..n-1) with lo public, is checked;
 *   - a bad padding length is replaced by the shortest one, so the MAC is
 *     computed and compared anyway (no early exit);
 *   - the received MAC is copied out of every position it could occupy, into
 *     a buffer rotated by a secret amount, then rotated back by log2 steps
 *     of masked moves (as BearSSL's ssl_rec_cbc.c does);
 *   - the HMAC runs over a secret length with the same compression calls for
 *     any length in [lo - maclen, n - 1 - maclen] (ths_rec_hmac_mac_ct);
 *   - the comparison ORs all byte differences, and padding and MAC failures
 *     are folded into one flag and ONE error, bad_record_mac (RFC 5246
 *     §6.2.3.2, §7.2.2), with one detail text.
 * Only after that single flag is known does the code branch.  Loop indexes
 * that meet secrets go through ths_ct_opaque() so the optimiser cannot make
 * the loop tests secret-dependent.  bench/ctgrind_cbc.c checks all of this
 * under valgrind: the one report left is the final `if (!good)`.
 */
static int open_mte(ths_rec_state *st, uint8_t hdr[13], uint8_t *buf, size_t n, size_t *out_len)
{
    uint32_t maclen = (uint32_t)st->hmac.out, len = (uint32_t)n;
    uint32_t lo, hi, pad, good, cm, plen, rot, u, v, diff;
    uint8_t rmac[64], cmac[64];
    int i, rc;

    /* content ‖ MAC spans cm = n - 1 - pad bytes; cm lies in [lo, hi]
     * where lo and hi follow from the public length n only. */
    hi = len - 1;
    lo = (maclen + 256 < len) ? len - 256 : maclen;
    pad = buf[len - 1];
    good = ths_ct_le(pad, hi - lo);
    cm = ths_ct_mux(good, hi - pad, lo);
    for (u = lo; u < hi; u++)
        good &= ths_ct_lt(ths_ct_opaque(u), cm) | ths_ct_eq(buf[u], pad);

    /* The MAC sits at buf[plen .. cm); scan every place it could be. */
    plen = cm - maclen;
    memset(rmac, 0, sizeof rmac);
    rot = 0;
    for (u = lo - maclen, v = 0; u < hi; u++) {
        uint32_t uo = ths_ct_opaque(u);
        rmac[v] |= (uint8_t)ths_ct_mux(ths_ct_ge(uo, plen) & ths_ct_lt(uo, cm), buf[u], 0);
        rot = ths_ct_mux(ths_ct_eq(uo, plen), v, rot);
        if (++v == maclen)
            v = 0;
    }
    for (i = 5; i >= 0; i--)
        cond_rotate((rot >> i) & 1u, rmac, maclen, ((size_t)1 << i) % maclen);

    hdr[11] = (uint8_t)(plen >> 8);
    hdr[12] = (uint8_t)plen;
    rc = ths_rec_hmac_mac_ct(&st->hmac, hdr, buf, plen, lo - maclen, hi - maclen, cmac);
    diff = 0;
    for (u = 0; u < maclen; u++)
        diff |= (uint32_t)(rmac[u] ^ cmac[u]);
    good &= ths_ct_eq0(diff);
    ths_wipe(cmac, sizeof cmac);
    ths_wipe(rmac, sizeof rmac);
    if (rc != THS_OK)
        return rc;
    if (!good)
        return THS_ALERT_BAD_RECORD_MAC;
    *out_len = plen;
    return THS_OK;
}

int ths_rec_cbc_open(ths_rec_state *st, const uint8_t hdr_in[13], const uint8_t *frag, size_t frag_len,
                     uint8_t *out, size_t *out_len, ths_error *err)
{
    const char *cn = ths_rec_cipher_name(st->cipher);
    unsigned long long seq = (unsigned long long)st->seq;
    size_t maclen = st->hmac.out, clen, n, pad, i;
    uint8_t hdr[13], mac[64];
    int rc;

    memcpy(hdr, hdr_in, 13);
    if (!st->etm) {
        /* IV + whole blocks that hold at least the MAC and padding_length.
         * A shorter or ragged fragment is bad_record_mac, as in OpenSSL:
         * RFC 5246 §7.2.2 makes a wrong ciphertext length a bad_record_mac
         * (decryption_failed must not be sent). */
        if (frag_len % BLOCK || frag_len < BLOCK + ((maclen + 1 + BLOCK - 1) / BLOCK) * BLOCK)
            return ths_fail(err, THS_ALERT_BAD_RECORD_MAC,
                            "record(%s): fragment of %u bytes is not IV + whole blocks holding MAC and padding (seq %llu)",
                            cn, (unsigned)frag_len, seq);
        n = frag_len - BLOCK;
        if (cbc_setiv(frag, BLOCK, &st->u.cbc) != CRYPT_OK ||
            cbc_decrypt(frag + BLOCK, out, (unsigned long)n, &st->u.cbc) != CRYPT_OK)
            return ths_fail(err, THS_ERR_CRYPTO, "record(%s): decryption failed", cn);
        rc = open_mte(st, hdr, out, n, out_len);
        if (rc == THS_ALERT_BAD_RECORD_MAC) {
            ths_wipe(out, n);
            return ths_fail(err, rc, "record(%s): bad padding or MAC (seq %llu)", cn, seq);
        }
        if (rc != THS_OK)
            return ths_fail(err, rc, "record(%s): MAC computation failed", cn);
        return THS_OK;
    }

    /* RFC 7366 §3: check the MAC over IV ‖ ciphertext first; only then
     * decrypt (nothing secret is left to time after authentication). */
    if (frag_len < 2 * BLOCK + maclen || (frag_len - maclen) % BLOCK)
        return ths_fail(err, THS_ALERT_BAD_RECORD_MAC,
                        "record(%s): fragment of %u bytes is not IV + whole blocks + MAC (seq %llu)", cn,
                        (unsigned)frag_len, seq);
    clen = frag_len - maclen;
    hdr[11] = (uint8_t)(clen >> 8);
    hdr[12] = (uint8_t)clen;
    if ((rc = ths_rec_hmac_mac(&st->hmac, hdr, frag, clen, NULL, 0, mac)) != THS_OK)
        return ths_fail(err, rc, "record(%s): MAC computation failed", cn);
    rc = sodium_memcmp(mac, frag + clen, maclen);
    ths_wipe(mac, sizeof mac);
    if (rc != 0)
        return ths_fail(err, THS_ALERT_BAD_RECORD_MAC, "record(%s): MAC mismatch (seq %llu)", cn, seq);
    n = clen - BLOCK;
    if (cbc_setiv(frag, BLOCK, &st->u.cbc) != CRYPT_OK ||
        cbc_decrypt(frag + BLOCK, out, (unsigned long)n, &st->u.cbc) != CRYPT_OK)
        return ths_fail(err, THS_ERR_CRYPTO, "record(%s): decryption failed", cn);
    pad = out[n - 1];
    rc = pad + 1 > n;
    for (i = 0; !rc && i < pad; i++)
        rc = out[n - 2 - i] != pad;
    if (rc) {
        ths_wipe(out, n);
        return ths_fail(err, THS_ALERT_BAD_RECORD_MAC, "record(%s): bad padding (seq %llu)", cn, seq);
    }
    *out_len = n - 1 - pad;
    return THS_OK;
}
