/*
 * Constant-time check of MAC-then-encrypt CBC decryption with valgrind
 * (the "ctgrind" technique, A. Langley 2010): the decrypted record is marked
 * UNDEFINED, so memcheck reports every branch and every memory index that
 * depends on it.  open_mte() (core/src/rec_cbc.c) must produce exactly one
 * report per call: its final `if (!good)`, where the single pass/fail flag
 * becomes public on purpose.  Not a test (needs valgrind); run
 *
 *   cc -O2 -g -std=gnu99 -DGMP_DESC -Icore/include -Icore/src bench/ctgrind_cbc.c \
 *      $(ls build/core/[a-z]*.o | grep -v rec_cbc.o) -o build/ctgrind_cbc -ltomcrypt -lgmp -lsodium -lpsl -lpthread
 *   valgrind -q --error-limit=no build/ctgrind_cbc
 *
 * Every padding length 0..255 is run for each MAC (SHA-1, SHA-256, SHA-384),
 * intact, with a corrupted MAC and with corrupted padding bytes, and the
 * minimal padding at every content length 0..300.
 *
 * Expected: one error context only, "Conditional jump or move depends on
 * uninitialised value(s)" at open_mte's `if (!good)` (rec_cbc.c).  Before
 * ths_ct_opaque() was added, gcc -O2 had turned public loop counters into
 * secret-relative ones and valgrind flagged those loops too.
 */
#include "../core/src/rec_cbc.c"
#include <stdio.h>
#include <valgrind/memcheck.h>

/* Seals one record with padding pad (-1: minimal) and a corruption mode
 * (0 none, 1 MAC, 2 padding bytes), decrypts it, marks the plaintext secret
 * and runs open_mte.  Returns 0 when open_mte answers as it must. */
static int one(ths_rec_state *st, ths_rng *rng, size_t len, int pad, int corrupt)
{
    static uint8_t frag[2048], buf[2048], plain[1024];
    ths_rec_seal_opts o = {pad, corrupt == 1, corrupt == 2, NULL};
    uint8_t hdr[13];
    size_t n, plen;
    int rc;

    st->seq = 0;
    ths_rec_header(hdr, 0, 23, 0x0303, len);
    if (ths_rec_cbc_seal(st, hdr, plain, len, &o, rng, frag, &n) != THS_OK)
        return 1;
    cbc_setiv(frag, 16, &st->u.cbc);
    cbc_decrypt(frag + 16, buf, n - 16, &st->u.cbc);
    VALGRIND_MAKE_MEM_UNDEFINED(buf, n - 16);
    rc = open_mte(st, hdr, buf, n - 16, &plen);
    VALGRIND_MAKE_MEM_DEFINED(&rc, sizeof rc);
    VALGRIND_MAKE_MEM_DEFINED(&plen, sizeof plen);
    VALGRIND_MAKE_MEM_DEFINED(buf, n - 16);
    if ((rc == THS_OK) != (corrupt == 0) || (rc == THS_OK && plen != len))
        return 2;
    return 0;
}

int main(void)
{
    static uint8_t key[16] = {1}, mac_key[48] = {2};
    ths_rec_mac macs[] = {THS_REC_MAC_SHA1, THS_REC_MAC_SHA256, THS_REC_MAC_SHA384};
    ths_rec_state *st = ths_rec_new();
    ths_rng rng;
    size_t len, maclen, m;
    int calls = 0, pairs = 0, pad, corrupt, k;
    ths_error err;

    ths_init();
    ths_rng_init_system(&rng);
    for (m = 0; m < 3; m++) {
        ths_rec_init(st, THS_REC_AES_128_CBC, macs[m], key, 16, NULL, 0, mac_key,
                     ths_rec_mac_size(macs[m]), 0, 0x0303, &err);
        maclen = ths_rec_mac_size(macs[m]);
        /* every padding length 0..255 (RFC 5246 §6.2.3.2), each at the two
         * shortest content lengths that fit it, each intact and corrupted */
        for (pad = 0; pad <= 255; pad++) {
            len = (16 - (maclen + (size_t)pad + 1) % 16) % 16;
            for (k = 0; k < 2; k++, len += 16)
                for (corrupt = 0; corrupt < 3; corrupt++) {
                    if (one(st, &rng, len, pad, corrupt))
                        return 2;
                    calls++;
                }
            pairs++;
        }
        /* and the minimal padding at every content length 0..300 */
        for (len = 0; len <= 300; len++)
            for (corrupt = 0; corrupt < 3; corrupt++) {
                if (one(st, &rng, len, -1, corrupt))
                    return 2;
                calls++;
            }
    }
    if (pairs != 3 * 256)
        return 3;
    printf("%d (MAC, padding length) pairs\n", pairs);
    printf("%d open_mte calls\n", calls);
    ths_rec_free(st);
    return 0;
}
