/* NIST P-256 / P-384 helpers over libtomcrypt's ltc_ecc_sets and GMP.
 * libtomcrypt 1.18.2 does not check that an imported point is on the curve
 * (ecc_ansi_x963_import accepts any x, y), so ths_ec_point_import does:
 * SEC 1 §3.2.2.1 / SP 800-56A §5.6.2.3.4 partial validation, against the
 * invalid-curve attack (Wycheproof ecdh_* vectors). */
#include "pkey_int.h"
#include <string.h>

static const char *const P256_PRIME = "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF";
static const char *const P384_PRIME =
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF";

int ths_ec_set_index(uint16_t group)
{
    const char *prime = group == 23 ? P256_PRIME : group == 24 ? P384_PRIME : NULL;
    int i;
    if (!prime)
        return -1;
    for (i = 0; ltc_ecc_sets[i].size; i++)
        if (strcmp(ltc_ecc_sets[i].prime, prime) == 0)
            return i;
    return -1;
}

size_t ths_ec_size(uint16_t group)
{
    return group == 23 ? 32 : group == 24 ? 48 : 0;
}

static int set_dp(ecc_key *key, uint16_t group)
{
    int idx = ths_ec_set_index(group);
    if (idx < 0)
        return THS_ERR_UNSUPPORTED;
    key->idx = idx;
    key->dp = &ltc_ecc_sets[idx];
    return 0;
}

int ths_ec_point_import(ecc_key *key, const uint8_t *pt, size_t len, const char *field, ths_error *err)
{
    size_t n = (size_t)key->dp->size;
    void *p = NULL, *b = NULL, *x = NULL, *y = NULL, *lhs = NULL, *rhs = NULL, *t = NULL;
    int rc = 0;

    if (len == 0)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: empty point", field);
    if (pt[0] != 0x04)   /* RFC 8422 §5.4.1: uncompressed only */
        return ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "%s: point format 0x%02x is not uncompressed (04)",
                        field, pt[0]);
    if (len != 1 + 2 * n)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "%s: point is %zu bytes, need %zu", field, len, 1 + 2 * n);
    if (mp_init_multi(&p, &b, &x, &y, &lhs, &rhs, &t, NULL) != CRYPT_OK)
        return ths_fail(err, THS_ERR_NOMEM, "%s: out of memory", field);
    if (mp_read_radix(p, key->dp->prime, 16) || mp_read_radix(b, key->dp->B, 16) ||
        mp_read_unsigned_bin(x, (unsigned char *)pt + 1, n) ||
        mp_read_unsigned_bin(y, (unsigned char *)pt + 1 + n, n)) {
        rc = ths_fail(err, THS_ERR_CRYPTO, "%s: bignum failure", field);
        goto out;
    }
    if (mp_cmp(x, p) != LTC_MP_LT || mp_cmp(y, p) != LTC_MP_LT) {
        rc = ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "%s: coordinate not below the field prime", field);
        goto out;
    }
    /* y^2 == x^3 - 3x + b (mod p); (0,0) is not on P-256/P-384 since b != 0,
     * so this also rejects an "infinity" encoded as zeros. */
    if (mp_sqrmod(y, p, lhs) || mp_sqrmod(x, p, rhs) || mp_mulmod(rhs, x, p, rhs) ||
        mp_mul_d(x, 3, t) || mp_submod(rhs, t, p, rhs) || mp_addmod(rhs, b, p, rhs)) {
        rc = ths_fail(err, THS_ERR_CRYPTO, "%s: bignum failure", field);
        goto out;
    }
    if (mp_cmp(lhs, rhs) != LTC_MP_EQ) {
        rc = ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "%s: point is not on the curve", field);
        goto out;
    }
    if (!key->pubkey.x && mp_init_multi(&key->pubkey.x, &key->pubkey.y, &key->pubkey.z, NULL) != CRYPT_OK) {
        rc = ths_fail(err, THS_ERR_NOMEM, "%s: out of memory", field);
        goto out;
    }
    mp_copy(x, key->pubkey.x);
    mp_copy(y, key->pubkey.y);
    mp_set(key->pubkey.z, 1);
out:
    mp_clear_multi(p, b, x, y, lhs, rhs, t, NULL);
    return rc;
}

int ths_ec_key_from_private(ecc_key *key, uint16_t group, const uint8_t *k, size_t klen, ths_error *err)
{
    void *order = NULL, *prime = NULL;
    ecc_point *G = NULL;
    int rc = 0;

    memset(key, 0, sizeof *key);
    if (set_dp(key, group))
        return ths_fail(err, THS_ERR_UNSUPPORTED, "ec: unsupported group %u", group);
    if (mp_init_multi(&key->pubkey.x, &key->pubkey.y, &key->pubkey.z, &key->k, &order, &prime, NULL) != CRYPT_OK)
        return ths_fail(err, THS_ERR_NOMEM, "ec: out of memory");
    key->type = PK_PRIVATE;
    G = ltc_ecc_new_point();
    if (!G || mp_read_radix(order, key->dp->order, 16) || mp_read_radix(prime, key->dp->prime, 16) ||
        mp_read_radix(G->x, key->dp->Gx, 16) || mp_read_radix(G->y, key->dp->Gy, 16) || mp_set(G->z, 1) ||
        mp_read_unsigned_bin(key->k, (unsigned char *)k, klen)) {
        rc = ths_fail(err, THS_ERR_CRYPTO, "ec: bignum failure");
        goto out;
    }
    /* SEC 1 §3.2.1: the private key is an integer in [1, n-1] */
    if (mp_iszero(key->k) || mp_cmp(key->k, order) != LTC_MP_LT) {
        rc = ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "ec: private scalar out of range [1, n-1]");
        goto out;
    }
    /* Montgomery ladder with LTC_ECC_TIMING_RESISTANT */
    if (ltc_ecc_mulmod(key->k, G, &key->pubkey, prime, 1) != CRYPT_OK)
        rc = ths_fail(err, THS_ERR_CRYPTO, "ec: scalar multiplication failed");
out:
    if (G)
        ltc_ecc_del_point(G);
    mp_clear_multi(order, prime, NULL);
    if (rc)
        ths_ec_key_clear(key);
    return rc;
}

int ths_ec_point_export(const ecc_key *key, uint8_t *out, size_t *outlen)
{
    size_t n = (size_t)key->dp->size, xs, ys;
    if (*outlen < 1 + 2 * n)
        return THS_ERR_SPACE;
    xs = mp_unsigned_bin_size(key->pubkey.x);
    ys = mp_unsigned_bin_size(key->pubkey.y);
    if (xs > n || ys > n)
        return THS_ERR_CRYPTO;
    memset(out, 0, 1 + 2 * n);
    out[0] = 0x04;
    mp_to_unsigned_bin(key->pubkey.x, out + 1 + (n - xs));
    mp_to_unsigned_bin(key->pubkey.y, out + 1 + n + (n - ys));
    *outlen = 1 + 2 * n;
    return 0;
}

/* GMP's free function is set to wipe (crypto_init.c), so mp_clear wipes k. */
void ths_ec_key_clear(ecc_key *key)
{
    if (key->pubkey.x)
        mp_clear(key->pubkey.x);
    if (key->pubkey.y)
        mp_clear(key->pubkey.y);
    if (key->pubkey.z)
        mp_clear(key->pubkey.z);
    if (key->k)
        mp_clear(key->k);
    memset(key, 0, sizeof *key);
}
