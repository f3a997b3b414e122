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
 * Expected: one error context only, "Conditional jump or move depends on
 * uninitialised value(s)" at open_mte's `if (!good)` (rec_cbc.c).  Before
 * ths_ct_opaque() was added, gcc -O2 had turned public loop counters into
 * secret-relative ones and valgrind flagged those loops too.
 */
#include "../core/src/rec_cbc.c"
#include <stdio.h>
#include <valgrind/memcheck.h>

int main(void)
{
    static uint8_t key[16] = {1}, mac_key[48] = {2}, frag[2048], buf[2048], plain[1024];
    ths_rec_mac macs[] = {THS_REC_MAC_SHA1, THS_REC_MAC_SHA256, THS_REC_MAC_SHA384};
    ths_rec_state *st = ths_rec_new();
    ths_rng rng;
    size_t len, n, m, plen;
    int rc, calls = 0, pads[] = {-1, 0, 255}, corrupt, i;
    ths_error err;

    ths_init();
    ths_rng_init_system(&rng);
    for (m = 0; m < 3; m++) {
        ths_rec_init(st, THS_REC_AES_128_CBC, macs[m], key, 16, NULL, 0, mac_key,
                     ths_rec_mac_size(macs[m]), 0, 0x0303, &err);
        for (len = 0; len < 300; len += 37)
            for (i = 0; i < 3; i++)
                for (corrupt = 0; corrupt < 3; corrupt++) {
                    ths_rec_seal_opts o = {pads[i], corrupt == 1, corrupt == 2, NULL};
                    uint8_t hdr[13];
                    if (o.pad >= 0 && (len + ths_rec_mac_size(macs[m]) + o.pad + 1) % 16)
                        continue;
                    st->seq = 0;
                    ths_rec_header(hdr, 0, 23, 0x0303, len);
                    if (ths_rec_cbc_seal(st, hdr, plain, len, &o, &rng, frag, &n) != THS_OK)
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
                    calls++;
                }
    }
    printf("%d open_mte calls\n", calls);
    ths_rec_free(st);
    return 0;
}
