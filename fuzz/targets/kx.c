/* Key exchange on hostile peer values: X25519, P-256/P-384 points (on-curve
 * check), FFDHE and server-chosen DH parameters (RFC 5246 §7.4.3).
 * Input: group(1) || [DH: plen(2) p glen(1) g] || peer value. */
#include "fuzz_common.h"
#include "ths_crypto.h"

static ths_rng rng;
static ths_kx kx;
static uint8_t out[THS_KX_MAX_P];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const uint8_t seed[32] = {1};
    (void)argc;
    (void)argv;
    ths_crypto_init();
    ths_rng_init_seeded(&rng, seed);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ths_kx_group groups[] = {THS_KX_X25519, THS_KX_SECP256R1, THS_KX_SECP384R1, THS_KX_FFDHE2048,
                                          THS_KX_DH};
    fuzz_in in = {data, size};
    ths_kx_group g = groups[fuzz_u8(&in) % (sizeof groups / sizeof groups[0])];
    const uint8_t *p = NULL, *gen = NULL;
    size_t plen = 0, glen = 0, outlen = 0;
    ths_error err;
    int rc;

    if (g == THS_KX_DH) {
        plen = fuzz_u16(&in);
        if (plen > in.n)
            plen = in.n;
        p = in.p;
        in.p += plen;
        in.n -= plen;
        glen = fuzz_u8(&in);
        if (glen > in.n)
            glen = in.n;
        gen = in.p;
        in.p += glen;
        in.n -= glen;
        if (plen > 512)   /* keep modular exponentiations cheap */
            return 0;
    }
    memset(&err, 0, sizeof err);
    rc = ths_kx_init(&kx, g, p, plen, gen, glen, NULL, 0, &rng, &err);
    fuzz_check_fail(rc, &err);
    if (rc)
        return 0;
    memset(&err, 0, sizeof err);
    rc = ths_kx_agree(&kx, in.p, in.n, out, &outlen, &err);
    fuzz_check_fail(rc, &err);
    if (rc == 0)
        FUZZ_ASSERT(outlen > 0 && outlen <= sizeof out);
    ths_kx_free(&kx);
    return 0;
}
