/* Key exchange front: one ths_kx for X25519, ECDH and DH, by group. */
#include "pkey_int.h"
#include <string.h>

int ths_dh_init(ths_kx *kx, const uint8_t *p, size_t plen, const uint8_t *g, size_t glen, const uint8_t *priv,
                size_t privlen, ths_rng *rng, ths_error *err);
int ths_dh_agree(const ths_kx *kx, const uint8_t *peer, size_t peerlen, uint8_t *out, size_t *outlen,
                 ths_error *err);
int ths_ecdh_init(ths_kx *kx, const uint8_t *priv, size_t privlen, ths_rng *rng, ths_error *err);
int ths_ecdh_agree(const ths_kx *kx, const uint8_t *peer, size_t peerlen, uint8_t *out, size_t *outlen,
                   ths_error *err);
int ths_x25519_init(ths_kx *kx, const uint8_t *priv, size_t privlen, ths_rng *rng, ths_error *err);
int ths_x25519_agree(const ths_kx *kx, const uint8_t *peer, size_t peerlen, uint8_t *out, size_t *outlen,
                     ths_error *err);

static const struct {
    ths_kx_group g;
    const char *name;
    uint16_t id;   /* IANA TLS Supported Groups (RFC 8422, RFC 7919) */
} groups[] = {
    {THS_KX_X25519, "x25519", 29},       {THS_KX_SECP256R1, "secp256r1", 23}, {THS_KX_SECP384R1, "secp384r1", 24},
    {THS_KX_FFDHE2048, "ffdhe2048", 256}, {THS_KX_FFDHE3072, "ffdhe3072", 257}, {THS_KX_FFDHE4096, "ffdhe4096", 258},
    {THS_KX_DH, "dh", 0},
};
#define NGROUPS (sizeof groups / sizeof groups[0])

ths_kx_group ths_kx_from_name(const char *name)
{
    size_t i;
    for (i = 0; name && i < NGROUPS; i++)
        if (strcmp(groups[i].name, name) == 0)
            return groups[i].g;
    return THS_KX_NONE;
}

const char *ths_kx_name(ths_kx_group g)
{
    size_t i;
    for (i = 0; i < NGROUPS; i++)
        if (groups[i].g == g)
            return groups[i].name;
    return NULL;
}

uint16_t ths_kx_group_id(ths_kx_group g)
{
    size_t i;
    for (i = 0; i < NGROUPS; i++)
        if (groups[i].g == g)
            return groups[i].id;
    return 0;
}

int ths_kx_init(ths_kx *kx, ths_kx_group group, const uint8_t *p, size_t plen, const uint8_t *g, size_t glen,
                const uint8_t *priv, size_t privlen, ths_rng *rng, ths_error *err)
{
    int rc;
    memset(kx, 0, sizeof *kx);
    if (ths_crypto_init() != THS_OK)
        return ths_fail(err, THS_ERR_CRYPTO, "crypto: library initialisation failed");
    kx->group = group;
    switch (group) {
    case THS_KX_X25519:
        rc = ths_x25519_init(kx, priv, privlen, rng, err);
        break;
    case THS_KX_SECP256R1:
    case THS_KX_SECP384R1:
        rc = ths_ecdh_init(kx, priv, privlen, rng, err);
        break;
    case THS_KX_FFDHE2048:
    case THS_KX_FFDHE3072:
    case THS_KX_FFDHE4096:
    case THS_KX_DH:
        rc = ths_dh_init(kx, p, plen, g, glen, priv, privlen, rng, err);
        break;
    default:
        rc = ths_fail(err, THS_ERR_ARG, "kx: unknown group");
    }
    if (rc)
        ths_kx_free(kx);
    return rc;
}

int ths_kx_agree(const ths_kx *kx, const uint8_t *peer, size_t peerlen, uint8_t *out, size_t *outlen,
                 ths_error *err)
{
    switch (kx->group) {
    case THS_KX_X25519:
        return ths_x25519_agree(kx, peer, peerlen, out, outlen, err);
    case THS_KX_SECP256R1:
    case THS_KX_SECP384R1:
        return ths_ecdh_agree(kx, peer, peerlen, out, outlen, err);
    case THS_KX_NONE:
        return ths_fail(err, THS_ERR_ARG, "kx: not initialised");
    default:
        return ths_dh_agree(kx, peer, peerlen, out, outlen, err);
    }
}

/* The private value lives in kx->priv: wiped with the whole struct. */
void ths_kx_free(ths_kx *kx)
{
    ths_wipe(kx, sizeof *kx);
}
