/* The handshake reassembler (RFC 5246 §6.2.1): bytes pushed in chunks of
 * fuzzed sizes, whole messages taken out after each push and parsed.
 * Input: limit(1) || { chunk_len(1) chunk }... */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) { (void)argc; (void)argv; return ths_init(); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    unsigned lim = fuzz_u8(&in);
    ths_reasm r;
    size_t total_in = 0, total_out = 0;
    int failed = 0;

    ths_reasm_init(&r, lim < 128 ? (size_t)lim * 64 : 0);
    while (in.n && !failed) {
        size_t n = fuzz_u8(&in);
        if (n > in.n)
            n = in.n;
        FUZZ_ASSERT(ths_reasm_push(&r, in.p, n) == 0);
        total_in += n;
        in.p += n;
        in.n -= n;
        for (;;) {
            const uint8_t *msg;
            size_t len, used;
            ths_error err;
            int rc;
            memset(&err, 0, sizeof err);
            rc = ths_reasm_next(&r, &msg, &len, &err);
            fuzz_check_fail(rc, &err);
            if (rc) {
                failed = 1;
                break;
            }
            if (!msg)
                break;
            FUZZ_ASSERT(len >= 4 && len == 4 + (((size_t)msg[1] << 16) | ((size_t)msg[2] << 8) | msg[3]));
            total_out += len;
            memset(&err, 0, sizeof err);
            rc = ths_msg_parse(msg, len, (int)(msg[0] & 3), 0, &used, &fuzz_sink, &err);
            fuzz_check_fail(rc, &err);
            FUZZ_ASSERT(rc != THS_ERR_NEED_MORE);
        }
    }
    if (!failed)
        FUZZ_ASSERT(total_out + ths_reasm_pending(&r) == total_in);
    ths_reasm_free(&r);
    return 0;
}
