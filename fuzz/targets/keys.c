/* Key files: ths_pkey_load_private (PEM or DER: PKCS#1, SEC 1, PKCS#8),
 * ths_pkey_from_spki, and the PEM armour reader (ths_pem.h) on its own.
 * An accepted key must re-export an SPKI that loads again. */
#include "fuzz_common.h"
#include "ths_crypto.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) { (void)argc; (void)argv; return ths_crypto_init(); }

static void spki_roundtrip(const ths_pkey *k)
{
    uint8_t buf[2048];
    size_t n = sizeof buf;
    ths_pkey again;
    ths_error err;
    if (ths_pkey_spki(k, NULL, &n) || n > sizeof buf)
        return;
    n = sizeof buf;
    FUZZ_ASSERT(ths_pkey_spki(k, buf, &n) == 0);
    memset(&err, 0, sizeof err);
    FUZZ_ASSERT(ths_pkey_from_spki(&again, buf, n, &err) == 0);
    ths_pkey_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ths_pkey k;
    ths_error err;
    ths_pem_block blk;
    size_t pos = 0;
    int rc, blocks = 0;
    uint8_t *copy = (uint8_t *)malloc(size ? size : 1);   /* exact size: over-reads are seen */
    memcpy(copy, data, size);

    memset(&err, 0, sizeof err);
    rc = ths_pkey_load_private(&k, copy, size, &err);
    fuzz_check_fail(rc, &err);
    if (rc == 0) {
        FUZZ_ASSERT(k.is_private);
        spki_roundtrip(&k);
        ths_pkey_free(&k);
    }
    memset(&err, 0, sizeof err);
    rc = ths_pkey_from_spki(&k, copy, size, &err);
    fuzz_check_fail(rc, &err);
    if (rc == 0) {
        spki_roundtrip(&k);
        ths_pkey_free(&k);
    }
    /* every PEM block, as the certificate loader walks them */
    for (;;) {
        size_t before = pos;
        memset(&err, 0, sizeof err);
        rc = ths_pem_next(copy, size, &pos, &blk, &err);
        fuzz_check_fail(rc, &err);
        if (rc || !blk.der)
            break;
        FUZZ_ASSERT(pos > before && pos <= size);
        touch(blk.der, blk.len);
        ths_pem_block_free(&blk);
        if (++blocks > 64)
            break;
    }
    free(copy);
    return 0;
}
