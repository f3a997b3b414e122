/* ECDHE over secp256r1 / secp384r1 (RFC 8422 §5.10) with libtomcrypt.
 * The peer's point is validated first (ths_ec_point_import: uncompressed
 * form, coordinates below p, on the curve — libtomcrypt 1.18.2 would accept
 * an off-curve point, the invalid-curve attack).  P-256 and P-384 have
 * cofactor 1, so a valid point times a scalar in [1, n-1] is never infinity. */
#include "pkey_int.h"
#include <string.h>

static uint16_t iana(ths_kx_group g)
{
    return g == THS_KX_SECP256R1 ? 23 : 24;
}

int ths_ecdh_init(ths_kx *kx, const uint8_t *priv, size_t privlen, ths_rng *rng, ths_error *err)
{
    uint16_t group = iana(kx->group);
    size_t n = ths_ec_size(group);
    ecc_key key;
    int rc;

    kx->plen = n;
    if (priv) {
        if (privlen == 0 || privlen > n)
            return ths_fail(err, THS_ERR_ARG, "ecdh: private scalar must be 1..%zu bytes", n);
        memset(kx->priv, 0, n);
        memcpy(kx->priv + (n - privlen), priv, privlen);
        rc = ths_ec_key_from_private(&key, group, kx->priv, n, err);
        if (rc == THS_ALERT_ILLEGAL_PARAMETER) {
            if (err)
                err->code = THS_ERR_ARG;
            rc = THS_ERR_ARG;
        }
    } else {
        /* rejection sampling of a scalar in [1, n-1] (FIPS 186-4 B.4.2) */
        ths_error tmp;
        do {
            memset(&tmp, 0, sizeof tmp);
            ths_rng_fill(rng, kx->priv, n);
            rc = ths_ec_key_from_private(&key, group, kx->priv, n, &tmp);
        } while (rc == THS_ALERT_ILLEGAL_PARAMETER);
        if (rc)
            ths_fail(err, rc, "%s", tmp.detail);
    }
    if (rc)
        return rc;
    kx->privlen = n;
    kx->publen = sizeof kx->pub;
    rc = ths_ec_point_export(&key, kx->pub, &kx->publen);
    ths_ec_key_clear(&key);
    return rc ? ths_fail(err, rc, "ecdh: cannot export the public point") : 0;
}

int ths_ecdh_agree(const ths_kx *kx, const uint8_t *peer, size_t peerlen, uint8_t *out, size_t *outlen,
                   ths_error *err)
{
    uint16_t group = iana(kx->group);
    size_t n = kx->plen, xs;
    ecc_key pk;
    ecc_point *R = NULL;
    void *k = NULL, *prime = NULL;
    int rc;

    memset(&pk, 0, sizeof pk);
    pk.idx = ths_ec_set_index(group);
    pk.dp = &ltc_ecc_sets[pk.idx];
    pk.type = PK_PUBLIC;
    rc = ths_ec_point_import(&pk, peer, peerlen, "ecdh peer public key", err);
    if (rc) {
        if (err)
            err->code = THS_ALERT_ILLEGAL_PARAMETER;
        return THS_ALERT_ILLEGAL_PARAMETER;
    }
    R = ltc_ecc_new_point();
    if (!R || mp_init_multi(&k, &prime, NULL) != CRYPT_OK) {
        rc = ths_fail(err, THS_ERR_NOMEM, "ecdh: out of memory");
        goto out;
    }
    if (mp_read_unsigned_bin(k, (unsigned char *)kx->priv, n) || mp_read_radix(prime, pk.dp->prime, 16) ||
        ltc_ecc_mulmod(k, &pk.pubkey, R, prime, 1) != CRYPT_OK) {
        rc = ths_fail(err, THS_ERR_CRYPTO, "ecdh: scalar multiplication failed");
        goto out;
    }
    xs = mp_unsigned_bin_size(R->x);
    if (xs > n || mp_iszero(R->z)) {
        rc = ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "ecdh: result is the point at infinity");
        goto out;
    }
    /* RFC 8422 §5.10: the x coordinate, as an octet string of the field size */
    memset(out, 0, n);
    mp_to_unsigned_bin(R->x, out + (n - xs));
    *outlen = n;
out:
    if (R)
        ltc_ecc_del_point(R);
    if (k)
        mp_clear(k);
    if (prime)
        mp_clear(prime);
    ths_ec_key_clear(&pk);
    return rc;
}
