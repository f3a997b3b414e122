/* ECDSA verification (SEC 1 v2 §4.1.4) composed from libtomcrypt primitives.
 *
 * libtomcrypt 1.18.2's ecc_verify_hash uses Shamir's trick (ltc_ecc_mul2add)
 * whose projective addition does not recognise P == Q or P == -Q unless the
 * two points share the same z; Wycheproof's "Edge case for Shamir
 * multiplication" (tcId 295) is then rejected although valid.  So here
 * u1*G and u2*Q are computed separately (ltc_ecc_mulmod, affine), and the sum
 * is taken with an explicit check for equal / opposite points.  Only public
 * values are involved, so nothing here needs to be constant-time. */
#include "pkey_int.h"
#include <string.h>

/* R = P + Q for affine P, Q (z = 1); *inf set when the sum is infinity. */
static int add_affine(ecc_point *P, ecc_point *Q, ecc_point *R, void *prime, int *inf)
{
    void *mp = NULL, *mu = NULL, *negy = NULL;
    ecc_point *Pm = NULL, *Qm = NULL;
    int err = CRYPT_MEM;

    *inf = 0;
    if (mp_init_multi(&mu, &negy, NULL) != CRYPT_OK)
        return CRYPT_MEM;
    if (mp_cmp(P->x, Q->x) == LTC_MP_EQ) {
        if (mp_cmp(P->y, Q->y) != LTC_MP_EQ) {   /* P == -Q */
            *inf = 1;
            err = CRYPT_OK;
            goto out;
        }
    }
    Pm = ltc_ecc_new_point();
    Qm = ltc_ecc_new_point();
    if (!Pm || !Qm)
        goto out;
    /* into Montgomery form, as ltc_ecc_mulmod does */
    if ((err = mp_montgomery_setup(prime, &mp)) != CRYPT_OK ||
        (err = mp_montgomery_normalization(mu, prime)) != CRYPT_OK ||
        (err = mp_mulmod(P->x, mu, prime, Pm->x)) != CRYPT_OK || (err = mp_mulmod(P->y, mu, prime, Pm->y)) != CRYPT_OK ||
        (err = mp_mulmod(P->z, mu, prime, Pm->z)) != CRYPT_OK || (err = mp_mulmod(Q->x, mu, prime, Qm->x)) != CRYPT_OK ||
        (err = mp_mulmod(Q->y, mu, prime, Qm->y)) != CRYPT_OK || (err = mp_mulmod(Q->z, mu, prime, Qm->z)) != CRYPT_OK)
        goto out;
    if (mp_cmp(P->x, Q->x) == LTC_MP_EQ)
        err = ltc_ecc_projective_dbl_point(Pm, R, prime, mp);
    else
        err = ltc_ecc_projective_add_point(Pm, Qm, R, prime, mp);
    if (err == CRYPT_OK) {
        if (mp_iszero(R->z))
            *inf = 1;
        else
            err = ltc_ecc_map(R, prime, mp);
    }
out:
    if (Pm)
        ltc_ecc_del_point(Pm);
    if (Qm)
        ltc_ecc_del_point(Qm);
    if (mp)
        mp_montgomery_free(mp);
    mp_clear_multi(mu, negy, NULL);
    return err;
}

/* rs: r||s, each key->dp->size bytes; hash: the message digest.
 * Returns 1 for a valid signature, 0 otherwise. */
int ths_ecdsa_verify_raw(const ecc_key *key, const uint8_t *rs, const uint8_t *hash, size_t hl)
{
    size_t n = (size_t)key->dp->size;
    void *order = NULL, *prime = NULL, *r = NULL, *s = NULL, *e = NULL, *w = NULL, *u1 = NULL, *u2 = NULL;
    ecc_point *G = NULL, *R1 = NULL, *R2 = NULL, *R = NULL;
    int ok = 0, inf = 0;
    size_t bits, el;

    if (mp_init_multi(&order, &prime, &r, &s, &e, &w, &u1, &u2, NULL) != CRYPT_OK)
        return 0;
    G = ltc_ecc_new_point();
    R1 = ltc_ecc_new_point();
    R2 = ltc_ecc_new_point();
    R = ltc_ecc_new_point();
    if (!G || !R1 || !R2 || !R)
        goto out;
    if (mp_read_radix(order, key->dp->order, 16) || mp_read_radix(prime, key->dp->prime, 16) ||
        mp_read_radix(G->x, key->dp->Gx, 16) || mp_read_radix(G->y, key->dp->Gy, 16) || mp_set(G->z, 1) ||
        mp_read_unsigned_bin(r, (unsigned char *)rs, n) || mp_read_unsigned_bin(s, (unsigned char *)rs + n, n))
        goto out;
    /* §4.1.4 step 1: r, s in [1, n-1] */
    if (mp_iszero(r) || mp_iszero(s) || mp_cmp(r, order) != LTC_MP_LT || mp_cmp(s, order) != LTC_MP_LT)
        goto out;
    /* step 5: e = leftmost bitlen(n) bits of the hash (n is 256 or 384 bits,
     * a whole number of bytes) */
    bits = (size_t)mp_count_bits(order);
    el = hl * 8 > bits ? bits / 8 : hl;
    if (mp_read_unsigned_bin(e, (unsigned char *)hash, el))
        goto out;
    /* step 6: u1 = e * s^-1, u2 = r * s^-1 (mod n) */
    if (mp_invmod(s, order, w) || mp_mulmod(e, w, order, u1) || mp_mulmod(r, w, order, u2))
        goto out;
    /* R2 = u2 * Q; u2 != 0 since r, w != 0 mod the prime n */
    if (ltc_ecc_mulmod(u2, (ecc_point *)&key->pubkey, R2, prime, 1) != CRYPT_OK)
        goto out;
    if (mp_iszero(u1)) {
        /* R = R2 */
        if (mp_copy(R2->x, R->x) || mp_copy(R2->y, R->y) || mp_set(R->z, 1))
            goto out;
    } else {
        if (ltc_ecc_mulmod(u1, G, R1, prime, 1) != CRYPT_OK)
            goto out;
        if (add_affine(R1, R2, R, prime, &inf) != CRYPT_OK || inf)
            goto out;
    }
    /* step 7-8: v = x_R mod n == r */
    if (mp_mod(R->x, order, e))
        goto out;
    ok = mp_cmp(e, r) == LTC_MP_EQ;
out:
    if (G) ltc_ecc_del_point(G);
    if (R1) ltc_ecc_del_point(R1);
    if (R2) ltc_ecc_del_point(R2);
    if (R) ltc_ecc_del_point(R);
    mp_clear_multi(order, prime, r, s, e, w, u1, u2, NULL);
    return ok;
}
