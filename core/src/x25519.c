/* X25519 (RFC 7748) through libsodium's crypto_scalarmult (which clamps). */
#include "pkey_int.h"
#include <sodium.h>
#include <string.h>

int ths_x25519_init(ths_kx *kx, const uint8_t *priv, size_t privlen, ths_rng *rng, ths_error *err)
{
    if (priv) {
        if (privlen != crypto_scalarmult_SCALARBYTES)
            return ths_fail(err, THS_ERR_ARG, "x25519: private key must be 32 bytes");
        memcpy(kx->priv, priv, 32);
    } else {
        ths_rng_fill(rng, kx->priv, 32);
    }
    kx->privlen = 32;
    kx->plen = 32;
    kx->publen = 32;
    if (crypto_scalarmult_base(kx->pub, kx->priv) != 0)
        return ths_fail(err, THS_ERR_CRYPTO, "x25519: base point multiplication failed");
    return 0;
}

int ths_x25519_agree(const ths_kx *kx, const uint8_t *peer, size_t peerlen, uint8_t *out, size_t *outlen,
                     ths_error *err)
{
    if (peerlen != crypto_scalarmult_BYTES)
        return ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "x25519: peer key is %zu bytes, need 32", peerlen);
    /* libsodium returns -1 for an all-zero result: RFC 7748 §6.1 says to
     * abort then (a small-order peer key) */
    if (crypto_scalarmult(out, kx->priv, peer) != 0) {
        ths_wipe(out, 32);
        return ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER,
                        "x25519: shared secret is all zeros (small-order peer key, RFC 7748 §6.1)");
    }
    *outlen = 32;
    return 0;
}
