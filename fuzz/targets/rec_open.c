/* Record protection, receiving side: ths_rec_open on hostile fragments for
 * every scheme (AES-GCM, ChaCha20-Poly1305, AES-CBC MAC-then-encrypt and
 * encrypt-then-MAC, NULL), with fixed keys.  Input: config(1) || mode(1) ||
 * rest.  Mode 0: rest is a fragment to open.  Mode 1: rest is a plaintext,
 * sealed then opened (must give it back).  Mode 2: sealed, one byte flipped
 * at a fuzzed position, opened (must fail with bad_record_mac). */
#include "fuzz_common.h"
#include "ths_record.h"

static const struct {
    ths_rec_cipher c;
    ths_rec_mac m;
    unsigned flags;
} configs[] = {
    {THS_REC_AES_128_GCM, THS_REC_MAC_NONE, 0},
    {THS_REC_AES_256_GCM, THS_REC_MAC_NONE, 0},
    {THS_REC_AES_256_GCM, THS_REC_MAC_NONE, THS_REC_SOFTWARE_GCM},
    {THS_REC_CHACHA20_POLY1305, THS_REC_MAC_NONE, 0},
    {THS_REC_AES_128_CBC, THS_REC_MAC_SHA1, 0},
    {THS_REC_AES_128_CBC, THS_REC_MAC_SHA256, 0},
    {THS_REC_AES_256_CBC, THS_REC_MAC_SHA384, 0},
    {THS_REC_AES_128_CBC, THS_REC_MAC_SHA1, THS_REC_ETM},
    {THS_REC_AES_256_CBC, THS_REC_MAC_SHA256, THS_REC_ETM},
    {THS_REC_NULL, THS_REC_MAC_SHA256, 0},
    {THS_REC_NULL, THS_REC_MAC_NONE, 0},
};
#define NCONF (sizeof configs / sizeof configs[0])

static ths_rec_state *st;
static ths_rng rng;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const uint8_t seed[32] = {2};
    (void)argc;
    (void)argv;
    ths_init();
    ths_rng_init_seeded(&rng, seed);
    st = ths_rec_new();
    return st ? 0 : 1;
}

/* Keys: key[i] = 0x10 + i, iv[i] = 0x40 + i, mac_key[i] = 0x70 + i
 * (fuzz/make_corpus.py seals its seeds with the same). */
static void setup(unsigned ci)
{
    uint8_t key[32], iv[12], mk[48];
    size_t i, kl = ths_rec_key_size(configs[ci].c), il = ths_rec_iv_size(configs[ci].c),
              ml = ths_rec_mac_size(configs[ci].m);
    ths_error err;
    for (i = 0; i < sizeof key; i++)
        key[i] = (uint8_t)(0x10 + i);
    for (i = 0; i < sizeof iv; i++)
        iv[i] = (uint8_t)(0x40 + i);
    for (i = 0; i < sizeof mk; i++)
        mk[i] = (uint8_t)(0x70 + i);
    memset(&err, 0, sizeof err);
    ths_rec_wipe(st);
    if (ths_rec_init(st, configs[ci].c, configs[ci].m, key, kl, iv, il, mk, ml, configs[ci].flags, 0x0303, &err))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    unsigned ci = fuzz_u8(&in) % NCONF, mode = fuzz_u8(&in) % 3;
    uint8_t *buf, *out, *sealed = NULL;
    size_t outlen = 0, slen = 0, flip = 0;
    ths_error err;
    int rc;

    if (mode == 2)
        flip = fuzz_u16(&in);
    setup(ci);
    memset(&err, 0, sizeof err);
    if (mode == 0) {
        buf = (uint8_t *)malloc(in.n ? in.n : 1);
        out = (uint8_t *)malloc(in.n ? in.n : 1);
        memcpy(buf, in.p, in.n);
        rc = ths_rec_open(st, 23, buf, in.n, out, &outlen, &err);
        fuzz_check_fail(rc, &err);
        if (rc == 0) {
            FUZZ_ASSERT(outlen <= in.n && outlen <= THS_REC_MAX_PLAIN);
            touch(out, outlen);
        } else {
            FUZZ_ASSERT(rc == THS_ALERT_BAD_RECORD_MAC || rc == THS_ALERT_RECORD_OVERFLOW);
        }
        free(buf);
        free(out);
        return 0;
    }
    if (in.n > THS_REC_MAX_PLAIN)
        return 0;
    slen = ths_rec_sealed_size(st, in.n, NULL);
    sealed = (uint8_t *)malloc(slen);
    out = (uint8_t *)malloc(slen);
    rc = ths_rec_seal(st, 22, in.p, in.n, NULL, &rng, sealed, &slen, &err);
    FUZZ_ASSERT(rc == 0);
    setup(ci);   /* the receiving side starts at sequence 0 too */
    if (mode == 2 && slen) {
        if (configs[ci].c == THS_REC_NULL && configs[ci].m == THS_REC_MAC_NONE)
            goto done;   /* nothing to detect a change */
        sealed[flip % slen] ^= 0x01;
    }
    memset(&err, 0, sizeof err);
    rc = ths_rec_open(st, 22, sealed, slen, out, &outlen, &err);
    if (mode == 1) {
        FUZZ_ASSERT(rc == 0 && outlen == in.n && memcmp(out, in.p, in.n) == 0);
    } else if (slen) {
        FUZZ_ASSERT(rc == THS_ALERT_BAD_RECORD_MAC);
    }
done:
    free(sealed);
    free(out);
    return 0;
}
