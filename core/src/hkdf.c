/* HKDF (RFC 5869) through libtomcrypt's hkdf(). */
#include "ths_crypto.h"

int ths_hkdf(ths_hash_alg alg, const uint8_t *ikm, size_t ikmlen, const uint8_t *salt, size_t saltlen,
             const uint8_t *info, size_t infolen, uint8_t *out, size_t outlen, ths_error *err)
{
    int idx = ths_hash_ltc_index(alg);
    static const uint8_t empty[1] = {0};
    if (idx < 0)
        return ths_fail(err, THS_ERR_ARG, "hkdf: unsupported hash");
    /* RFC 5869 §2.3: L <= 255 * HashLen */
    if (outlen > 255 * ths_hash_len(alg))
        return ths_fail(err, THS_ERR_ARG, "hkdf: length %zu exceeds 255 * HashLen", outlen);
    if (outlen == 0)
        return 0;
    if (hkdf(idx, salt ? salt : empty, saltlen, info ? info : empty, infolen, ikm ? ikm : empty, ikmlen, out,
             outlen) != CRYPT_OK)
        return ths_fail(err, THS_ERR_CRYPTO, "hkdf: libtomcrypt failed");
    return 0;
}
