/* RSAES-PKCS1-v1_5 (RFC 8017 §7.2) for the TLS RSA key exchange.
 *
 * Decryption does the raw private operation in ths_rsa_private_op: the base
 * blinded with libsodium randomness, then CRT with GMP's mpz_powm_sec on the
 * secret dP and dQ (libtomcrypt's rsa_exptmod runs mpz_powm, whose timing
 * and memory accesses depend on the exponent bits), fault-checked against
 * the public exponent like LTC_RSA_CRT_HARDENING; then it checks the
 * padding itself in constant time, like BearSSL rsa_pkcs1_v15_unpad /
 * rsa_ssl_decrypt: libtomcrypt's rsa_decrypt_key_ex branches on the padding.
 * The premaster variant is the RFC 5246 §7.4.7.1 countermeasure (Bleichenbacher,
 * and the Klima-Pokorny-Rosa version check). */
#include "pkey_int.h"
#include "ct.h"
#include <gmp.h>
#include <sodium.h>
#include <string.h>

/* Masks (all-ones or 0) from the shared constant-time predicates (ct.h). */
static uint32_t ct_is_zero(uint32_t x) { return ths_ct_mask(ths_ct_eq0(x)); }
static uint32_t ct_eq(uint32_t a, uint32_t b) { return ths_ct_mask(ths_ct_eq(a, b)); }
/* a < b for a, b < 2^31 */
static uint32_t ct_lt(uint32_t a, uint32_t b) { return ths_ct_mask(ths_ct_lt(a, b)); }

static size_t rsa_k(const ths_pkey *key)
{
    return mp_unsigned_bin_size(key->k.rsa.N);
}

int ths_rsa_encrypt(const ths_pkey *key, ths_rng *rng, const uint8_t *pt, size_t ptlen, uint8_t *ct,
                    size_t *ctlen, ths_error *err)
{
    prng_state ps;
    int pidx;
    unsigned long ol = *ctlen;
    if (!key || key->type != THS_PKEY_RSA)
        return ths_fail(err, THS_ERR_ARG, "rsa_encrypt: not an RSA key");
    if (ptlen + 11 > rsa_k(key))
        return ths_fail(err, THS_ERR_ARG, "rsa_encrypt: message of %zu bytes too long for a %zu-byte key", ptlen,
                        rsa_k(key));
    pidx = ths_ltc_prng(&ps, rng);
    /* the nonzero random padding comes from rng (libtomcrypt pkcs_1_v1_5_encode) */
    if (rsa_encrypt_key_ex(pt, ptlen, ct, &ol, NULL, 0, &ps, pidx, 0, LTC_PKCS_1_V1_5, (rsa_key *)&key->k.rsa) !=
        CRYPT_OK)
        return ths_fail(err, THS_ERR_CRYPTO, "rsa_encrypt: libtomcrypt failed");
    *ctlen = ol;
    return 0;
}

/* RSAEP alone (RFC 8017 §5.1.1), no padding: for probes that must send a
 * block with a deliberately wrong PKCS#1 padding.  The block must be exactly
 * the modulus size and below the modulus. */
int ths_rsa_public_raw(const ths_pkey *key, const uint8_t *block, size_t n, uint8_t *ct, size_t *ctlen,
                       ths_error *err)
{
    unsigned long ol = *ctlen;
    if (!key || key->type != THS_PKEY_RSA)
        return ths_fail(err, THS_ERR_ARG, "rsa_encrypt: not an RSA key");
    if (n != rsa_k(key))
        return ths_fail(err, THS_ERR_ARG, "rsa_encrypt: a raw block must be %zu bytes, not %zu", rsa_k(key), n);
    if (rsa_exptmod(block, n, ct, &ol, PK_PUBLIC, (rsa_key *)&key->k.rsa) != CRYPT_OK)
        return ths_fail(err, THS_ERR_ARG, "rsa_encrypt: the raw block is not below the modulus");
    *ctlen = ol;
    return 0;
}

/* m = c^d mod n by CRT (RFC 8017 §5.1.2 step 2.b) with mpz_powm_sec, GMP's
 * side-channel-silent exponentiation (same time and memory access pattern
 * for every exponent of a given size), for the two secret exponents dP, dQ.
 * The rest (reductions, the recombination with qInv) sees only the blinded
 * base.  Under gmp_desc libtomcrypt's rsa_key holds mpz_t pointers. Then
 * the fault check (Boneh-DeMillo-Lipton): m^e must give c back, else a
 * faulty CRT half would leak a factor of n.  in and out are k bytes. */
static int rsa_crt_sec(const rsa_key *rk, const uint8_t *in, uint8_t *out, size_t k)
{
    mpz_ptr N = (mpz_ptr)rk->N, e = (mpz_ptr)rk->e, p = (mpz_ptr)rk->p, q = (mpz_ptr)rk->q;
    mpz_ptr dP = (mpz_ptr)rk->dP, dQ = (mpz_ptr)rk->dQ, qP = (mpz_ptr)rk->qP;
    mpz_t c, m1, m2, h;
    size_t need, cnt = 0;
    int rc = -1;
    if (!N || !e || !p || !q || !dP || !dQ || !qP || mpz_sgn(dP) <= 0 || mpz_sgn(dQ) <= 0 || !mpz_odd_p(p) ||
        !mpz_odd_p(q))
        return -1;
    mpz_inits(c, m1, m2, h, NULL);
    mpz_import(c, k, 1, 1, 1, 0, in);
    mpz_mod(m1, c, p);
    mpz_powm_sec(m1, m1, dP, p);            /* m1 = c^dP mod p */
    mpz_mod(m2, c, q);
    mpz_powm_sec(m2, m2, dQ, q);            /* m2 = c^dQ mod q */
    mpz_sub(h, m1, m2);
    mpz_mul(h, h, qP);
    mpz_mod(h, h, p);                       /* h = qInv (m1 - m2) mod p */
    mpz_mul(h, h, q);
    mpz_add(m1, m2, h);                     /* m = m2 + q h */
    mpz_powm(h, m1, e, N);                  /* public: the fault check */
    if (mpz_cmp(h, c) == 0 && mpz_cmp(m1, N) < 0) {
        need = (mpz_sizeinbase(m1, 2) + 7) / 8;
        memset(out, 0, k);
        if (mpz_sgn(m1) != 0 && need <= k)
            mpz_export(out + (k - need), &cnt, 1, 1, 1, 0, m1);
        rc = need <= k ? 0 : -1;
    }
    mpz_clears(c, m1, m2, h, NULL);   /* GMP frees through the wiping allocator */
    return rc;
}

/* RSADP/RSASP1 with our own blinding (Kocher; RFC 8017 §5.1.2 note):
 * libtomcrypt's LTC_RSA_BLINDING draws its factor with ltc_mp.rand, which
 * with gmp_desc is mpz_random on GMP's fixed-seed default state, so the
 * factor is predictable.  Here r comes from libsodium's system generator
 * (not from the replayable ths_rng: blinding does not change the output):
 * m = (c * r^e)^d * r^-1 mod n.  in must be k bytes and below n. */
int ths_rsa_private_op(const ths_pkey *key, const uint8_t *in, size_t inlen, uint8_t *out, size_t k)
{
    void *c = NULL, *r = NULL, *ri = NULL, *t = NULL;
    uint8_t buf[THS_SIG_MAX];
    int rc = -1;

    if (key->type != THS_PKEY_RSA || !key->is_private || inlen != k || k > THS_SIG_MAX)
        return -1;
    if (mp_init_multi(&c, &r, &ri, &t, NULL) != CRYPT_OK)
        return -1;
    if (mp_read_unsigned_bin(c, (unsigned char *)in, inlen) || mp_cmp(c, key->k.rsa.N) != LTC_MP_LT)
        goto out;
    do {
        randombytes_buf(buf, k);
        if (mp_read_unsigned_bin(r, buf, k) || mp_mod(r, key->k.rsa.N, r))
            goto out;
    } while (mp_cmp_d(r, 1) != LTC_MP_GT || mp_invmod(r, key->k.rsa.N, ri) != CRYPT_OK);
    if (mp_exptmod(r, key->k.rsa.e, key->k.rsa.N, t) || mp_mulmod(c, t, key->k.rsa.N, c))
        goto out;
    memset(buf, 0, k);
    mp_to_unsigned_bin(c, buf + (k - mp_unsigned_bin_size(c)));
    if (rsa_crt_sec(&key->k.rsa, buf, out, k))
        goto out;
    if (mp_read_unsigned_bin(t, out, k) || mp_mulmod(t, ri, key->k.rsa.N, t))
        goto out;
    memset(out, 0, k);
    mp_to_unsigned_bin(t, out + (k - mp_unsigned_bin_size(t)));
    rc = 0;
out:
    ths_wipe(buf, sizeof buf);
    mp_clear_multi(c, r, ri, t, NULL);   /* GMP frees through the wiping allocator */
    return rc;
}

/* Private operation into em (k bytes).  Public checks only (length, range). */
static int rsa_private(const ths_pkey *key, const uint8_t *ct, size_t ctlen, uint8_t *em, size_t k)
{
    return ths_rsa_private_op(key, ct, ctlen, em, k);
}

/* Constant-time EME-PKCS1-v1_5 check of em (k bytes):
 * 00 02 PS(>= 8 nonzero) 00 M.  Returns all-ones mask when valid and sets
 * *mlen (meaningful only then); no branch depends on em. */
static uint32_t unpad(const uint8_t *em, size_t k, size_t *mlen)
{
    uint32_t good = ct_eq(em[0], 0) & ct_eq(em[1], 2);
    uint32_t found = 0, zpos = 0;
    size_t i;
    for (i = 2; i < k; i++) {
        uint32_t z = ct_is_zero(em[i]) & ~found;
        zpos |= z & (uint32_t)i;
        found |= z;
    }
    good &= found;
    /* PS at least 8 bytes: zero separator at index >= 10 */
    good &= ~ct_lt(zpos, 10);
    *mlen = (size_t)((uint32_t)(k - 1 - zpos) & good);
    return good;
}

int ths_rsa_decrypt(const ths_pkey *key, const uint8_t *ct, size_t ctlen, uint8_t *pt, size_t *ptlen,
                    ths_error *err)
{
    uint8_t em[THS_SIG_MAX];
    size_t k = key && key->type == THS_PKEY_RSA ? rsa_k(key) : 0, mlen;
    uint32_t good;
    if (!k || rsa_private(key, ct, ctlen, em, k)) {
        ths_wipe(em, sizeof em);
        return ths_fail(err, THS_ALERT_DECRYPT_ERROR, "pkcs1: decryption failed");
    }
    good = unpad(em, k, &mlen);
    if (!good) {   /* the one branch: this API reports failure by design */
        ths_wipe(em, sizeof em);
        return ths_fail(err, THS_ALERT_DECRYPT_ERROR, "pkcs1: decryption failed");
    }
    memcpy(pt, em + k - mlen, mlen);
    *ptlen = mlen;
    ths_wipe(em, sizeof em);
    return 0;
}

int ths_rsa_decrypt_premaster(const ths_pkey *key, ths_rng *rng, const uint8_t *ct, size_t ctlen,
                              uint16_t client_version, uint8_t premaster[48])
{
    uint8_t em[THS_SIG_MAX];
    size_t k, mlen = 0, i;
    uint32_t good;
    const uint8_t *m;

    /* 1. random premaster R first (RFC 5246 §7.4.7.1) */
    ths_rng_fill(rng, premaster, 48);
    if (!key || key->type != THS_PKEY_RSA || !key->is_private)
        return THS_ERR_ARG;
    k = rsa_k(key);
    if (k < 48 + 11 || k > sizeof em)
        return THS_ERR_ARG;
    /* 2. decrypt; a ciphertext of the wrong length or out of range (public
     *    facts) leaves em as zeros, which fails the padding check below */
    memset(em, 0, sizeof em);
    if (rsa_private(key, ct, ctlen, em, k))
        memset(em, 0, sizeof em);
    /* 3. good = padding ok AND length == 48 AND version == client_version */
    good = unpad(em, k, &mlen);
    m = em + k - 48;
    good &= ct_eq((uint32_t)mlen, 48);
    good &= ct_eq(m[0], (uint32_t)(client_version >> 8)) & ct_eq(m[1], (uint32_t)(client_version & 0xff));
    /* 4. select without branching */
    for (i = 0; i < 48; i++)
        premaster[i] = (uint8_t)((m[i] & good) | (premaster[i] & ~good));
    ths_wipe(em, sizeof em);
    return 0;
}
