/* The DER reader (ths_der.h) on its own: a bounded-depth walk of any TLV
 * tree, each element also read with every typed reader, under both alerts. */
#include "fuzz_common.h"
#include "ths_der.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) { (void)argc; (void)argv; return ths_init(); }

static void typed(const ths_der *el, ths_error *err, int alert)
{
    ths_reader r;
    ths_der d;
    const uint8_t *p;
    size_t n;
    unsigned unused;
    long v;
    int b;
    int64_t t;
    char text[128];

    /* re-read the element's TLV with each typed reader */
#define AGAIN(call)                                                    \
    do {                                                               \
        ths_der_init(&r, el->tlv, el->tlv_len, "fuzz", err, alert);    \
        memset(err, 0, sizeof *err);                                   \
        fuzz_check_fail((call), err);                                  \
    } while (0)
    AGAIN(ths_der_integer(&r, &d, 1, "i"));
    AGAIN(ths_der_uint(&r, &p, &n, "u"));
    AGAIN(ths_der_small_uint(&r, 1000000, &v, "s"));
    AGAIN(ths_der_boolean(&r, &b, "b"));
    AGAIN(ths_der_bit_string(&r, &p, &n, &unused, "bs"));
    AGAIN(ths_der_oid(&r, &d, "oid"));
    AGAIN(ths_der_time(&r, &t, "t"));
    AGAIN(ths_der_expect(&r, THS_DER_SEQUENCE, &d, "seq"));
#undef AGAIN
    ths_der_oid_text(el->val, el->len, text, sizeof text);
    FUZZ_ASSERT(memchr(text, 0, sizeof text) != NULL);
    ths_der_oid_text(el->val, el->len, text, 5);
}

static void walk(ths_reader *r, int depth, ths_error *err)
{
    while (ths_der_peek(r) >= 0) {
        ths_der el;
        ths_error e2;
        int rc = ths_der_any(r, &el, "el");
        fuzz_check_fail(rc, err);
        if (rc)
            return;
        FUZZ_ASSERT(el.tlv_len == (size_t)(el.val - el.tlv) + el.len);
        touch(el.val, el.len);
        if (depth < 3)   /* the typed readers are costly: the top levels only */
            typed(&el, &e2, depth & 1 ? THS_ALERT_BAD_CERTIFICATE : 0);
        if ((el.tag & 0x20) && depth < 32)
            walk(&el.body, depth + 1, err);
    }
    fuzz_check_fail(ths_der_end(r, "end"), err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ths_reader r;
    ths_error err;
    memset(&err, 0, sizeof err);
    ths_der_init(&r, data, size, "", &err, THS_ALERT_DECODE_ERROR);
    walk(&r, 0, &err);
    return 0;
}
