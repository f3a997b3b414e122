/* The TLS PRF.
 * TLS 1.2 (RFC 5246 §5): PRF(secret, label, seed) = P_<hash>(secret, label + seed),
 *   P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...,
 *   A(0) = seed, A(i) = HMAC(secret, A(i-1)).
 * TLS 1.0/1.1 (RFC 2246 §5): the secret is split in halves S1, S2 (sharing a
 *   middle byte when odd) and PRF = P_MD5(S1, label + seed) XOR P_SHA-1(S2, label + seed).
 * The seed is a list of chunks, so nothing is concatenated (BearSSL prf.c). */
#include "pkey_int.h"
#include <string.h>

/* out ^= P_hash(secret, label + seed)[0 .. outlen) */
static int p_hash_xor(ths_hash_alg alg, const uint8_t *secret, size_t secretlen, const char *label,
                      const ths_chunk *seed, size_t nseed, uint8_t *out, size_t outlen)
{
    uint8_t a[THS_HASH_MAX], block[THS_HASH_MAX];
    size_t hl = ths_hash_len(alg), i, done = 0, labellen = strlen(label);
    unsigned long ol;
    hmac_state st;
    int rc = THS_OK;

    /* A(1) = HMAC(secret, label + seed) */
    if ((rc = ths_hmac_init(&st, alg, secret, secretlen)))
        return rc;
    hmac_process(&st, (const uint8_t *)label, labellen);
    for (i = 0; i < nseed; i++)
        if (seed[i].len)
            hmac_process(&st, seed[i].data, seed[i].len);
    ol = sizeof a;
    hmac_done(&st, a, &ol);

    while (done < outlen) {
        size_t n;
        /* HMAC(secret, A(i) + label + seed) */
        if ((rc = ths_hmac_init(&st, alg, secret, secretlen)))
            break;
        hmac_process(&st, a, hl);
        hmac_process(&st, (const uint8_t *)label, labellen);
        for (i = 0; i < nseed; i++)
            if (seed[i].len)
                hmac_process(&st, seed[i].data, seed[i].len);
        ol = sizeof block;
        hmac_done(&st, block, &ol);
        n = outlen - done < hl ? outlen - done : hl;
        for (i = 0; i < n; i++)
            out[done + i] ^= block[i];
        done += n;
        /* A(i+1) = HMAC(secret, A(i)) */
        if ((rc = ths_hmac_init(&st, alg, secret, secretlen)))
            break;
        hmac_process(&st, a, hl);
        ol = sizeof a;
        hmac_done(&st, a, &ol);
    }
    ths_wipe(a, sizeof a);
    ths_wipe(block, sizeof block);
    ths_wipe(&st, sizeof st);
    return rc;
}

int ths_prf(ths_hash_alg alg, const uint8_t *secret, size_t secretlen, const char *label,
            const ths_chunk *seed, size_t nseed, uint8_t *out, size_t outlen, ths_error *err)
{
    int rc;
    if (ths_init() != THS_OK)
        return ths_fail(err, THS_ERR_CRYPTO, "prf: library initialisation failed");
    memset(out, 0, outlen);
    if (alg == THS_HASH_MD5_SHA1) {
        /* RFC 2246 §5: L_S1 = L_S2 = ceil(len / 2) */
        size_t half = (secretlen + 1) / 2;
        rc = p_hash_xor(THS_HASH_MD5, secret, half, label, seed, nseed, out, outlen);
        if (!rc)
            rc = p_hash_xor(THS_HASH_SHA1, secret + (secretlen - half), half, label, seed, nseed, out, outlen);
    } else if (alg == THS_HASH_SHA256 || alg == THS_HASH_SHA384 || alg == THS_HASH_SHA512 ||
               alg == THS_HASH_SHA224 || alg == THS_HASH_SHA1) {
        rc = p_hash_xor(alg, secret, secretlen, label, seed, nseed, out, outlen);
    } else {
        return ths_fail(err, THS_ERR_ARG, "prf: unsupported hash");
    }
    if (rc) {
        ths_wipe(out, outlen);
        return ths_fail(err, rc, "prf: HMAC failed");
    }
    return 0;
}
