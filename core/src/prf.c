/* The TLS PRF.
 * TLS 1.2 (RFC 5246 §5): PRF(secret, label, seed) = P_<hash>(secret, label + seed),
 *   P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...,
 *   A(0) = seed, A(i) = HMAC(secret, A(i-1)).
 * TLS 1.0/1.1 (RFC 2246 §5): the secret is split in halves S1, S2 (sharing a
 *   middle byte when odd) and PRF = P_MD5(S1, label + seed) XOR P_SHA-1(S2, label + seed).
 * The seed is a list of chunks, so nothing is concatenated (BearSSL prf.c). */
#include "pkey_int.h"
#include <string.h>

/* HMAC keyed once (RFC 2104 §2): the hash states after (K ^ ipad) and
 * (K ^ opad) are computed once per PRF call and copied for every HMAC, as
 * rec_hmac.c does for record MACs.  P_hash runs 2 HMACs per output block,
 * and libtomcrypt's hmac_init re-hashes both pads (and mallocs) each time:
 * about 40% of the PRF's instructions (bench/README.md). */
typedef struct {
    const struct ltc_hash_descriptor *d;
    hash_state inner, outer;
} keyed_hmac;

static int keyed_init(keyed_hmac *h, ths_hash_alg alg, const uint8_t *key, size_t keylen)
{
    uint8_t k[MAXBLOCKSIZE], pad[MAXBLOCKSIZE];
    int idx = ths_hash_ltc_index(alg), rc = THS_ERR_CRYPTO;
    unsigned long bl, i;
    if (idx < 0)
        return THS_ERR_ARG;
    h->d = &hash_descriptor[idx];
    bl = h->d->blocksize;
    if (bl > sizeof k)
        return THS_ERR_CRYPTO;
    memset(k, 0, sizeof k);
    if (keylen > bl) { /* RFC 2104 §2: a long key is hashed first */
        hash_state md;
        if (h->d->init(&md) != CRYPT_OK || h->d->process(&md, key, (unsigned long)keylen) != CRYPT_OK ||
            h->d->done(&md, k) != CRYPT_OK)
            goto out;
    } else if (keylen) {
        memcpy(k, key, keylen);
    }
    for (i = 0; i < bl; i++)
        pad[i] = k[i] ^ 0x36;
    if (h->d->init(&h->inner) != CRYPT_OK || h->d->process(&h->inner, pad, bl) != CRYPT_OK)
        goto out;
    for (i = 0; i < bl; i++)
        pad[i] = k[i] ^ 0x5c;
    if (h->d->init(&h->outer) != CRYPT_OK || h->d->process(&h->outer, pad, bl) != CRYPT_OK)
        goto out;
    rc = THS_OK;
out:
    ths_wipe(k, sizeof k);
    ths_wipe(pad, sizeof pad);
    return rc;
}

/* out = HMAC(key, a + label + seed); a may be NULL. */
static int keyed_mac(const keyed_hmac *h, const uint8_t *a, size_t alen, const char *label, size_t labellen,
                     const ths_chunk *seed, size_t nseed, uint8_t *out)
{
    hash_state md = h->inner;
    uint8_t inner[MAXBLOCKSIZE];
    size_t i;
    int ok = (!alen || h->d->process(&md, a, (unsigned long)alen) == CRYPT_OK) &&
             (!labellen || h->d->process(&md, (const uint8_t *)label, (unsigned long)labellen) == CRYPT_OK);
    for (i = 0; ok && i < nseed; i++)
        if (seed[i].len)
            ok = h->d->process(&md, seed[i].data, (unsigned long)seed[i].len) == CRYPT_OK;
    ok = ok && h->d->done(&md, inner) == CRYPT_OK;
    if (ok) {
        md = h->outer;
        ok = h->d->process(&md, inner, h->d->hashsize) == CRYPT_OK && h->d->done(&md, out) == CRYPT_OK;
    }
    ths_wipe(&md, sizeof md);
    ths_wipe(inner, sizeof inner);
    return ok ? THS_OK : THS_ERR_CRYPTO;
}

/* out ^= P_hash(secret, label + seed)[0 .. outlen) */
static int p_hash_xor(ths_hash_alg alg, const uint8_t *secret, size_t secretlen, const char *label,
                      const ths_chunk *seed, size_t nseed, uint8_t *out, size_t outlen)
{
    uint8_t a[MAXBLOCKSIZE], block[MAXBLOCKSIZE];
    size_t hl = ths_hash_len(alg), i, done = 0, labellen = strlen(label);
    keyed_hmac h;
    int rc;

    /* A(1) = HMAC(secret, label + seed) */
    if ((rc = keyed_init(&h, alg, secret, secretlen)) == THS_OK)
        rc = keyed_mac(&h, NULL, 0, label, labellen, seed, nseed, a);
    while (rc == THS_OK && done < outlen) {
        size_t n;
        /* HMAC(secret, A(i) + label + seed) */
        if ((rc = keyed_mac(&h, a, hl, label, labellen, seed, nseed, block)) != THS_OK)
            break;
        n = outlen - done < hl ? outlen - done : hl;
        for (i = 0; i < n; i++)
            out[done + i] ^= block[i];
        done += n;
        /* A(i+1) = HMAC(secret, A(i)), unless that was the last block */
        if (done < outlen)
            rc = keyed_mac(&h, a, hl, NULL, 0, NULL, 0, a);
    }
    ths_wipe(a, sizeof a);
    ths_wipe(block, sizeof block);
    ths_wipe(&h, sizeof h);
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
