/* HMAC (RFC 2104) for record MACs (RFC 5246 §6.2.3.1), with a variant whose
 * running time does not depend on the (secret) length of the data: the
 * Lucky 13 counter-measure (AlFardan & Paterson 2013) for MAC-then-encrypt.
 *
 * Hashes are libtomcrypt's: the keyed inner/outer states are prepared once
 * (ths_rec_hmac_init) and copied per record.  The constant-time variant
 * drives libtomcrypt's compression function itself — whole blocks fed to
 * hash_descriptor[].process() while the state's buffer is empty go straight
 * to compress() — and reads the chaining value out of the hash_state, as
 * BearSSL's br_hmac_outCT does with its hash vtables' state(). */
#include "rec_int.h"
#include <string.h>

static const char *hash_name(ths_rec_mac m)
{
    switch (m) {
    case THS_REC_MAC_SHA1:
        return "sha1";
    case THS_REC_MAC_SHA256:
        return "sha256";
    case THS_REC_MAC_SHA384:
        return "sha384";
    default:
        return NULL;
    }
}

int ths_rec_hmac_init(ths_rec_hmac *h, ths_rec_mac mac, const uint8_t *key, size_t key_len)
{
    uint8_t k[128], pad[128];
    unsigned long kl;
    size_t i;
    int rc = THS_ERR_CRYPTO;
    const char *name = hash_name(mac);

    memset(h, 0, sizeof *h);
    if (!name || (h->hash = find_hash(name)) < 0)
        return THS_ERR_ARG;
    h->block = hash_descriptor[h->hash].blocksize;
    h->out = hash_descriptor[h->hash].hashsize;
    if (h->block > sizeof k)
        return THS_ERR_CRYPTO;
    memset(k, 0, sizeof k);
    /* RFC 2104 §2: a key longer than the block is hashed first. */
    if (key_len > h->block) {
        kl = sizeof k;
        if (hash_memory(h->hash, key, (unsigned long)key_len, k, &kl) != CRYPT_OK)
            goto done;
    } else if (key_len) {
        memcpy(k, key, key_len);
    }
    for (i = 0; i < h->block; i++)
        pad[i] = k[i] ^ 0x36;
    if (hash_descriptor[h->hash].init(&h->inner) != CRYPT_OK ||
        hash_descriptor[h->hash].process(&h->inner, pad, h->block) != CRYPT_OK)
        goto done;
    for (i = 0; i < h->block; i++)
        pad[i] = k[i] ^ 0x5c;
    if (hash_descriptor[h->hash].init(&h->outer) != CRYPT_OK ||
        hash_descriptor[h->hash].process(&h->outer, pad, h->block) != CRYPT_OK)
        goto done;
    rc = THS_OK;
done:
    ths_wipe(k, sizeof k);
    ths_wipe(pad, sizeof pad);
    return rc;
}

/* outer(inner digest) → out */
static int finish(const ths_rec_hmac *h, uint8_t *inner_digest, uint8_t *out)
{
    hash_state md = h->outer;
    uint8_t full[64];
    unsigned long n;
    int rc = THS_ERR_CRYPTO;
    if (hash_descriptor[h->hash].process(&md, inner_digest, h->out) == CRYPT_OK &&
        hash_descriptor[h->hash].done(&md, full) == CRYPT_OK) {
        n = h->out;
        memcpy(out, full, n);
        rc = THS_OK;
    }
    ths_wipe(&md, sizeof md);
    ths_wipe(full, sizeof full);
    return rc;
}

int ths_rec_hmac_mac(const ths_rec_hmac *h, const uint8_t hdr[13], const uint8_t *a, size_t a_len,
                     const uint8_t *b, size_t b_len, uint8_t *out)
{
    hash_state md = h->inner;
    uint8_t digest[64];
    int rc = THS_ERR_CRYPTO;
    const struct ltc_hash_descriptor *d = &hash_descriptor[h->hash];
    if (d->process(&md, hdr, 13) == CRYPT_OK &&
        (a_len == 0 || d->process(&md, a, (unsigned long)a_len) == CRYPT_OK) &&
        (b_len == 0 || d->process(&md, b, (unsigned long)b_len) == CRYPT_OK) &&
        d->done(&md, digest) == CRYPT_OK)
        rc = finish(h, digest, out);
    ths_wipe(&md, sizeof md);
    ths_wipe(digest, sizeof digest);
    return rc;
}

/* Folds the chaining value of md into acc (big-endian bytes) when take is 1,
 * leaves acc as it is when take is 0, without a branch on take. */
static void take_state(ths_rec_mac mac, const hash_state *md, uint8_t *acc, uint32_t take)
{
    uint32_t m32 = 0u - take;
    uint64_t m64 = (uint64_t)0 - (uint64_t)take;
    int i, j;
    switch (mac) {
    case THS_REC_MAC_SHA1:
        for (i = 0; i < 5; i++)
            for (j = 0; j < 4; j++)
                acc[4 * i + j] |= (uint8_t)((md->sha1.state[i] & m32) >> (24 - 8 * j));
        break;
    case THS_REC_MAC_SHA256:
        for (i = 0; i < 8; i++)
            for (j = 0; j < 4; j++)
                acc[4 * i + j] |= (uint8_t)((md->sha256.state[i] & m32) >> (24 - 8 * j));
        break;
    default: /* SHA-384: the first six words of the SHA-512 state */
        for (i = 0; i < 6; i++)
            for (j = 0; j < 8; j++)
                acc[8 * i + j] |= (uint8_t)((md->sha512.state[i] & m64) >> (56 - 8 * j));
        break;
    }
}

/*
 * HMAC(hdr ‖ data[0..len)) where len is secret, min_len <= len <= max_len.
 *
 * Why this is constant-time: the message m = hdr ‖ data has a secret length
 * L = 13 + len.  The Merkle-Damgård padding (0x80, zeros, the 64-bit or
 * 128-bit bit length) makes L decide which block is the last one
 * (kf = (L + lenfield) / B, a shift).  Blocks before floor((13+min_len)/B)
 * hold only message bytes whatever L is: they go through process() as
 * usual.  Every later block up to the last possible one, kmax, is built
 * byte by byte with masks (message byte, 0x80, zero or length byte, chosen
 * by comparisons computed arithmetically), compressed, and the chaining
 * value is OR-ed into the result under a mask that is all-ones only for
 * block kf.  So the number of compressions, the bytes read (data[0..max_len)
 * in order) and the instructions run depend on min_len and max_len only,
 * which follow from the public record length.
 */
int ths_rec_hmac_mac_ct(const ths_rec_hmac *h, const uint8_t hdr[13], const uint8_t *data, size_t len,
                        size_t min_len, size_t max_len, uint8_t *out)
{
    const struct ltc_hash_descriptor *d = &hash_descriptor[h->hash];
    hash_state md = h->inner;
    ths_rec_mac mac = h->block == 128 ? THS_REC_MAC_SHA384 : (h->out == 20 ? THS_REC_MAC_SHA1 : THS_REC_MAC_SHA256);
    uint32_t B = (uint32_t)h->block;
    uint32_t shift = B == 128 ? 7 : 6; /* divisions by B are shifts: no variable-time div */
    uint32_t lf = B == 128 ? 16 : 8;   /* size of the length field */
    uint32_t L = 13 + (uint32_t)len;   /* secret */
    uint32_t kf = (L + lf) >> shift;   /* secret: index of the final block */
    uint32_t start = (13 + (uint32_t)min_len) >> shift, kmax = (13 + (uint32_t)max_len + lf) >> shift;
    uint64_t bits = ((uint64_t)B + L) * 8; /* secret: the ipad block counts too */
    uint8_t block[128], acc[64];
    uint32_t k, j, i, v, is_final;
    int rc = THS_ERR_CRYPTO;

    /* min_len <= len <= max_len is the caller's promise: checking len here
     * would be a branch on the secret. */
    if (min_len > max_len || max_len > 0x10000)
        return THS_ERR_ARG;
    memset(acc, 0, sizeof acc);
    /* Public prefix: start*B bytes of m, a multiple of the block size, so
     * the hash state's buffer is empty afterwards. */
    if (start > 0) {
        if (d->process(&md, hdr, 13) != CRYPT_OK ||
            d->process(&md, data, (unsigned long)(start * B - 13)) != CRYPT_OK)
            goto done;
    }
    for (k = start; k <= kmax; k++) {
        is_final = ths_ct_eq(ths_ct_opaque(k), kf);
        for (j = 0; j < B; j++) {
            i = ths_ct_opaque(k * B + j); /* position in m: public */
            if (i < 13)
                v = hdr[i];
            else if (i - 13 < max_len)
                v = data[i - 13];
            else
                v = 0;
            v = ths_ct_mux(ths_ct_lt(i, L), v, ths_ct_mux(ths_ct_eq(i, L), 0x80, 0));
            if (j >= B - 8) /* low 8 bytes of the length field (SHA-384's high 8 are 0) */
                v = ths_ct_mux(is_final, (uint32_t)(bits >> (8 * (B - 1 - j))) & 0xff, v);
            block[j] = (uint8_t)v;
        }
        if (d->process(&md, block, B) != CRYPT_OK)
            goto done;
        take_state(mac, &md, acc, is_final);
    }
    rc = finish(h, acc, out);
done:
    ths_wipe(&md, sizeof md);
    ths_wipe(block, sizeof block);
    ths_wipe(acc, sizeof acc);
    return rc;
}
