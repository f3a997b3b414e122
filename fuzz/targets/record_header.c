/* Record layer framing (RFC 5246 §6.2.1): ths_record_parse over a stream of
 * records, as the record layer reads them. */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) { (void)argc; (void)argv; return ths_init(); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;
    while (off < size) {
        ths_record rec;
        ths_error err;
        size_t used = 0;
        int rc;
        memset(&err, 0, sizeof err);
        rc = ths_record_parse(data + off, size - off, &rec, &used, &err);
        fuzz_check_fail(rc, &err);
        if (rc)
            break;
        FUZZ_ASSERT(used >= THS_RECORD_HEADER && used <= size - off);
        FUZZ_ASSERT(rec.length == used - THS_RECORD_HEADER && rec.length <= THS_RECORD_MAX_FRAGMENT);
        touch(rec.fragment, rec.length);
        off += used;
    }
    return 0;
}
