/* The "null" protection: the initial state (TLS_NULL_WITH_NULL_NULL, RFC 5246
 * §6.1), and GenericStreamCipher with the null cipher and a MAC
 * (TLS_RSA_WITH_NULL_SHA*, RFC 5246 §6.2.3.1): content ‖ MAC. */
#include "rec_int.h"
#include <string.h>

int ths_rec_null_seal(ths_rec_state *st, const uint8_t hdr[13], const uint8_t *plain, size_t plain_len,
                      const ths_rec_seal_opts *opts, uint8_t *out, size_t *out_len)
{
    int rc;
    if (plain_len)
        memmove(out, plain, plain_len);
    *out_len = plain_len;
    if (st->mac == THS_REC_MAC_NONE)
        return THS_OK;
    if ((rc = ths_rec_hmac_mac(&st->hmac, hdr, plain, plain_len, NULL, 0, out + plain_len)) != THS_OK)
        return rc;
    if (opts->corrupt_mac)
        out[plain_len] ^= 0x01;
    *out_len += st->hmac.out;
    return THS_OK;
}

int ths_rec_null_open(ths_rec_state *st, const uint8_t hdr_in[13], const uint8_t *frag, size_t frag_len,
                      uint8_t *out, size_t *out_len, ths_error *err)
{
    uint8_t hdr[13], mac[64];
    size_t maclen = st->hmac.out, plen;
    int rc;

    if (st->mac == THS_REC_MAC_NONE) {
        if (frag_len)
            memcpy(out, frag, frag_len);
        *out_len = frag_len;
        return THS_OK;
    }
    if (frag_len < maclen)
        return ths_fail(err, THS_ALERT_BAD_RECORD_MAC,
                        "record(null): fragment of %u bytes is shorter than the MAC (%u) (seq %llu)",
                        (unsigned)frag_len, (unsigned)maclen, (unsigned long long)st->seq);
    plen = frag_len - maclen;
    memcpy(hdr, hdr_in, 13);
    hdr[11] = (uint8_t)(plen >> 8);
    hdr[12] = (uint8_t)plen;
    if ((rc = ths_rec_hmac_mac(&st->hmac, hdr, frag, plen, NULL, 0, mac)) != THS_OK)
        return ths_fail(err, rc, "record(null): MAC computation failed");
    rc = sodium_memcmp(mac, frag + plen, maclen);
    ths_wipe(mac, sizeof mac);
    if (rc != 0)
        return ths_fail(err, THS_ALERT_BAD_RECORD_MAC, "record(null): MAC mismatch (seq %llu)",
                        (unsigned long long)st->seq);
    if (plen)
        memcpy(out, frag, plen);
    *out_len = plen;
    return THS_OK;
}
