/* Each extension body parser (ths_ext_desc): input is type(2) ||
 * flags(1) || data; flags bit 0 = in a ServerHello (some extensions differ),
 * bit 1 = the HelloRetryRequest key_share.  The same data is also parsed as
 * a whole extensions block of a ClientHello and of a ServerHello. */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) { (void)argc; (void)argv; return ths_init(); }

/* A ClientHello / ServerHello body with the given extensions block. */
static const uint8_t ch_prefix[] = {0x03, 0x03, /* random */ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
                                    0x00, /* session_id */ 0x00, 0x02, 0xc0, 0x2f, /* suites */ 0x01, 0x00};
static const uint8_t sh_prefix[] = {0x03, 0x03, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
                                    0x00, 0xc0, 0x2f, 0x00};

static void as_hello(int type, const uint8_t *prefix, size_t plen, const uint8_t *exts, size_t n)
{
    size_t body = plen + 2 + n, used;
    uint8_t *m;
    ths_error err;
    int rc;
    if (n > 0xffff)
        return;
    m = (uint8_t *)malloc(4 + body);
    m[0] = (uint8_t)type;
    m[1] = (uint8_t)(body >> 16);
    m[2] = (uint8_t)(body >> 8);
    m[3] = (uint8_t)body;
    memcpy(m + 4, prefix, plen);
    m[4 + plen] = (uint8_t)(n >> 8);
    m[5 + plen] = (uint8_t)n;
    memcpy(m + 6 + plen, exts, n);
    memset(&err, 0, sizeof err);
    rc = ths_msg_parse(m, 4 + body, 0, 0, &used, &fuzz_sink, &err);
    fuzz_check_fail(rc, &err);
    free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    unsigned type = fuzz_u16(&in), flags = fuzz_u8(&in);
    int in_sh = (int)(flags & 1);
    const ths_field *d = (flags & 2) ? ths_ext_desc_hrr_key_share() : ths_ext_desc(type, in_sh);
    ths_error err;
    uint8_t *copy = (uint8_t *)malloc(in.n ? in.n : 1);   /* exact-size copy: ASan sees over-reads */
    int rc;

    memcpy(copy, in.p, in.n);
    if (d) {
        memset(&err, 0, sizeof err);
        rc = ths_msg_parse_fields(d, "extension", copy, in.n, in_sh, &fuzz_sink, &err);
        fuzz_check_fail(rc, &err);
    }
    free(copy);
    as_hello(THS_HS_CLIENT_HELLO, ch_prefix, sizeof ch_prefix, data, size);
    as_hello(THS_HS_SERVER_HELLO, sh_prefix, sizeof sh_prefix, data, size);
    return 0;
}
