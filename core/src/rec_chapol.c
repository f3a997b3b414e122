/* ChaCha20-Poly1305 for TLS 1.2 records (RFC 7905, the RFC 8439 AEAD),
 * through libsodium's IETF construction. */
#include "rec_int.h"

int ths_rec_chapol_seal(ths_rec_state *st, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                        const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    unsigned long long tl = 16;
    return crypto_aead_chacha20poly1305_ietf_encrypt_detached(out, tag, &tl, in, len, aad, aad_len,
                                                              NULL, nonce, st->key) == 0
               ? THS_OK : THS_ERR_CRYPTO;
}

int ths_rec_chapol_open(ths_rec_state *st, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                        const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out)
{
    /* libsodium verifies the tag (constant time) before writing plaintext. */
    return crypto_aead_chacha20poly1305_ietf_decrypt_detached(out, NULL, in, len, tag, aad, aad_len,
                                                              nonce, st->key) == 0
               ? THS_OK : THS_ALERT_BAD_RECORD_MAC;
}
