/*
 * Finding "CERTIFICATE" blocks in PEM text (RFC 7468 §2, §5.1) and decoding
 * them with libsodium's base64 decoder.  Only certificates are wanted here,
 * so other blocks (keys, parameters) are skipped and text between blocks is
 * ignored, as RFC 7468 §2 allows.
 */
#define _GNU_SOURCE /* memmem */
#include "ths_x509.h"
#include <sodium.h>
#include <string.h>

static const char begin_cert[] = "-----BEGIN CERTIFICATE-----";
static const char end_cert[] = "-----END CERTIFICATE-----";

int ths_x509_is_pem(const uint8_t *in, size_t len)
{
    return memmem(in, len, "-----BEGIN ", 11) != NULL;
}

int ths_x509_pem_next(const uint8_t *in, size_t len, size_t *pos, const uint8_t **b64, size_t *b64len,
                      ths_error *err)
{
    const uint8_t *b, *e;
    size_t at = *pos;
    *b64 = NULL;
    *b64len = 0;
    if (at >= len)
        return 0;
    b = memmem(in + at, len - at, begin_cert, sizeof begin_cert - 1);
    if (!b) {
        *pos = len;
        return 0;
    }
    b += sizeof begin_cert - 1;
    e = memmem(b, len - (size_t)(b - in), end_cert, sizeof end_cert - 1);
    if (!e)
        return ths_fail(err, THS_ALERT_BAD_CERTIFICATE, "pem: BEGIN CERTIFICATE at offset %zu has no END line",
                        (size_t)(b - in) - (sizeof begin_cert - 1));
    *b64 = b;
    *b64len = (size_t)(e - b);
    *pos = (size_t)(e - in) + sizeof end_cert - 1;
    return 0;
}

int ths_x509_pem_decode(const uint8_t *b64, size_t b64len, uint8_t *out, size_t cap, size_t *outlen,
                        ths_error *err)
{
    const char *end = NULL;
    size_t n = 0;
    if (sodium_base642bin(out, cap, (const char *)b64, b64len, " \t\r\n", &n, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != (const char *)b64 + b64len)
        return ths_fail(err, THS_ALERT_BAD_CERTIFICATE, "pem: bad base64 in a CERTIFICATE block");
    *outlen = n;
    return 0;
}
