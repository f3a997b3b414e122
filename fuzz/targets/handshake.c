/* Every handshake message parser (RFC 5246 §7.4 and extensions): input is
 * msg_type(1) || variant(1) || body.  The variant's low two bits pick the key
 * exchange (none, RSA, DHE, ECDHE: it changes ServerKeyExchange and
 * ClientKeyExchange) and bit 2 anonymous.  The body is wrapped in a correct
 * handshake header; the raw input is also parsed as-is (header from input). */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) { (void)argc; (void)argv; return ths_init(); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    unsigned type = fuzz_u8(&in), variant = fuzz_u8(&in);
    int kx = (int)(variant & 3), anon = (int)((variant >> 2) & 1);
    uint8_t *msg;
    size_t used = 0;
    ths_error err;
    int rc;

    if (in.n > 0xffffff)
        return 0;
    msg = (uint8_t *)malloc(4 + in.n);
    msg[0] = (uint8_t)type;
    msg[1] = (uint8_t)(in.n >> 16);
    msg[2] = (uint8_t)(in.n >> 8);
    msg[3] = (uint8_t)in.n;
    memcpy(msg + 4, in.p, in.n);
    memset(&err, 0, sizeof err);
    rc = ths_msg_parse(msg, 4 + in.n, kx, anon, &used, (variant & 8) ? NULL : &fuzz_sink, &err);
    fuzz_check_fail(rc, &err);
    FUZZ_ASSERT(rc != THS_ERR_NEED_MORE);
    if (rc == 0)
        FUZZ_ASSERT(used == 4 + in.n);
    free(msg);

    /* the same bytes with the header taken from the input */
    memset(&err, 0, sizeof err);
    rc = ths_msg_parse(data, size, kx, anon, &used, &fuzz_sink, &err);
    fuzz_check_fail(rc, &err);
    if (rc == 0)
        FUZZ_ASSERT(used <= size);

    /* ServerECDHParams / ServerDHParams alone */
    if (kx == THS_MSG_KX_DHE || kx == THS_MSG_KX_ECDHE) {
        const ths_field *d = ths_msg_params_desc(kx);
        memset(&err, 0, sizeof err);
        if (d) {
            rc = ths_msg_parse_fields(d, "params", in.p, in.n, 0, &fuzz_sink, &err);
            fuzz_check_fail(rc, &err);
        }
    }
    return 0;
}
