/* The record header layer (RFC 5246 §6.2.1): framing only, no protection. */
#include "ths_msg.h"

int ths_record_parse(const uint8_t *p, size_t n, ths_record *rec, size_t *used, ths_error *err)
{
    size_t len;
    if (err) {
        err->code = 0;
        err->detail[0] = 0;
    }
    if (n < THS_RECORD_HEADER)
        return ths_fail(err, THS_ERR_NEED_MORE, "record: header incomplete (%zu of 5 bytes)", n);
    len = ((size_t)p[3] << 8) | p[4];
    /* §6.2.3: a TLSCiphertext fragment is at most 2^14+2048 bytes; refuse as
     * soon as the header says so, without waiting for the body. */
    if (len > THS_RECORD_MAX_FRAGMENT)
        return ths_fail(err, THS_ALERT_RECORD_OVERFLOW,
                        "record.length: %zu at offset 3 exceeds %d (2^14+2048)", len, THS_RECORD_MAX_FRAGMENT);
    if (n - THS_RECORD_HEADER < len)
        return ths_fail(err, THS_ERR_NEED_MORE, "record: fragment incomplete (%zu of %zu bytes)",
                        n - THS_RECORD_HEADER, len);
    rec->content_type = p[0];
    rec->version = (uint16_t)((p[1] << 8) | p[2]);
    rec->length = len;
    rec->fragment = p + THS_RECORD_HEADER;
    if (used)
        *used = THS_RECORD_HEADER + len;
    return 0;
}

void ths_record_build(ths_writer *w, uint8_t content_type, uint16_t version,
                      const uint8_t *fragment, size_t n, long length_override)
{
    ths_wr_mark m;
    ths_wr_u8(w, content_type);
    ths_wr_u16(w, version);
    m = ths_wr_open(w, 2);
    ths_wr_bytes(w, fragment, n);
    ths_wr_close(w, m, length_override);
}
