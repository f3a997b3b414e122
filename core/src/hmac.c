/* HMAC (RFC 2104) through libtomcrypt. */
#include "pkey_int.h"

/* hmac_init refuses a zero-length key; RFC 2104 §2 pads the key with zeros
 * to the block size, so a single zero byte is the same key. */
int ths_hmac_init(hmac_state *st, ths_hash_alg alg, const uint8_t *key, size_t keylen)
{
    static const uint8_t zero[1] = {0};
    int idx = ths_hash_ltc_index(alg);
    if (idx < 0)
        return THS_ERR_ARG;
    if (keylen == 0) {
        key = zero;
        keylen = 1;
    }
    return hmac_init(st, idx, key, keylen) == CRYPT_OK ? THS_OK : THS_ERR_CRYPTO;
}

int ths_hmac(ths_hash_alg alg, const uint8_t *key, size_t keylen, const uint8_t *data, size_t len,
             uint8_t *out)
{
    unsigned long ol = THS_HASH_MAX;
    hmac_state st;
    int rc = ths_hmac_init(&st, alg, key, keylen);
    if (rc == THS_OK)
        rc = (len == 0 || hmac_process(&st, data, len) == CRYPT_OK) && hmac_done(&st, out, &ol) == CRYPT_OK
                 ? THS_OK
                 : THS_ERR_CRYPTO;
    ths_wipe(&st, sizeof st);
    return rc;
}
