/* Hashes through libtomcrypt descriptors, plus TLS 1.0/1.1's MD5||SHA-1.
 * A ths_hash can be copied by value (fork) and read without finishing,
 * which is what a running handshake transcript needs. */
#include "ths_crypto.h"
#include <string.h>

static const struct {
    ths_hash_alg alg;
    const char *name;   /* our name (TLS style) */
    const char *ltc;    /* libtomcrypt descriptor name */
    size_t len;
} hashes[] = {
    {THS_HASH_MD5, "md5", "md5", 16},
    {THS_HASH_SHA1, "sha1", "sha1", 20},
    {THS_HASH_SHA224, "sha224", "sha224", 28},
    {THS_HASH_SHA256, "sha256", "sha256", 32},
    {THS_HASH_SHA384, "sha384", "sha384", 48},
    {THS_HASH_SHA512, "sha512", "sha512", 64},
    {THS_HASH_MD5_SHA1, "md5_sha1", NULL, 36},
};
#define NHASHES (sizeof hashes / sizeof hashes[0])

ths_hash_alg ths_hash_from_name(const char *name)
{
    size_t i;
    for (i = 0; name && i < NHASHES; i++)
        if (strcmp(hashes[i].name, name) == 0)
            return hashes[i].alg;
    return THS_HASH_NONE;
}

const char *ths_hash_name(ths_hash_alg alg)
{
    size_t i;
    for (i = 0; i < NHASHES; i++)
        if (hashes[i].alg == alg)
            return hashes[i].name;
    return NULL;
}

size_t ths_hash_len(ths_hash_alg alg)
{
    size_t i;
    for (i = 0; i < NHASHES; i++)
        if (hashes[i].alg == alg)
            return hashes[i].len;
    return 0;
}

int ths_hash_ltc_index(ths_hash_alg alg)
{
    size_t i;
    if (ths_init() != THS_OK)
        return -1;
    for (i = 0; i < NHASHES; i++)
        if (hashes[i].alg == alg && hashes[i].ltc)
            return find_hash(hashes[i].ltc);
    return -1;
}

int ths_hash_init(ths_hash *h, ths_hash_alg alg)
{
    memset(h, 0, sizeof *h);
    h->alg = alg;
    if (alg == THS_HASH_MD5_SHA1) {
        int m = ths_hash_ltc_index(THS_HASH_MD5), s = ths_hash_ltc_index(THS_HASH_SHA1);
        if (m < 0 || s < 0)
            return THS_ERR_CRYPTO;
        hash_descriptor[m].init(&h->a);
        hash_descriptor[s].init(&h->b);
        return THS_OK;
    } else {
        int idx = ths_hash_ltc_index(alg);
        if (idx < 0)
            return THS_ERR_ARG;
        return hash_descriptor[idx].init(&h->a) == CRYPT_OK ? THS_OK : THS_ERR_CRYPTO;
    }
}

void ths_hash_update(ths_hash *h, const uint8_t *data, size_t len)
{
    if (!len)
        return;
    if (h->alg == THS_HASH_MD5_SHA1) {
        hash_descriptor[ths_hash_ltc_index(THS_HASH_MD5)].process(&h->a, data, len);
        hash_descriptor[ths_hash_ltc_index(THS_HASH_SHA1)].process(&h->b, data, len);
    } else {
        hash_descriptor[ths_hash_ltc_index(h->alg)].process(&h->a, data, len);
    }
}

void ths_hash_peek(const ths_hash *h, uint8_t *out)
{
    hash_state tmp;
    if (h->alg == THS_HASH_MD5_SHA1) {
        tmp = h->a;
        hash_descriptor[ths_hash_ltc_index(THS_HASH_MD5)].done(&tmp, out);
        tmp = h->b;
        hash_descriptor[ths_hash_ltc_index(THS_HASH_SHA1)].done(&tmp, out + 16);
    } else {
        tmp = h->a;
        hash_descriptor[ths_hash_ltc_index(h->alg)].done(&tmp, out);
    }
    ths_wipe(&tmp, sizeof tmp);
}

int ths_hash_once(ths_hash_alg alg, const uint8_t *data, size_t len, uint8_t *out)
{
    ths_hash h;
    int rc = ths_hash_init(&h, alg);
    if (rc)
        return rc;
    ths_hash_update(&h, data, len);
    ths_hash_peek(&h, out);
    ths_wipe(&h, sizeof h);
    return THS_OK;
}

int ths_ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint8_t d = 0;
    size_t i;
    for (i = 0; i < n; i++)
        d |= (uint8_t)(a[i] ^ b[i]);
    /* 1 when d == 0, without a branch on d */
    return (int)(1 & ((uint32_t)((uint32_t)d - 1) >> 8));
}
