/* The error helper and the names of TLS alerts. */
#include "tlshs.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ths_fail(ths_error *err, int code, const char *fmt, ...)
{
    if (err && err->code == 0) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->detail, sizeof err->detail, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* ---- alert names (RFC 5246 §7.2, RFC 8446 §6, IANA TLS Alerts registry) ---- */

static const struct { int n; const char *name; } alert_names[] = {
    {0, "close_notify"}, {10, "unexpected_message"}, {20, "bad_record_mac"},
    {21, "decryption_failed"}, {22, "record_overflow"}, {30, "decompression_failure"},
    {40, "handshake_failure"}, {41, "no_certificate"}, {42, "bad_certificate"},
    {43, "unsupported_certificate"}, {44, "certificate_revoked"}, {45, "certificate_expired"},
    {46, "certificate_unknown"}, {47, "illegal_parameter"}, {48, "unknown_ca"},
    {49, "access_denied"}, {50, "decode_error"}, {51, "decrypt_error"},
    {60, "export_restriction"}, {70, "protocol_version"}, {71, "insufficient_security"},
    {80, "internal_error"}, {86, "inappropriate_fallback"}, {90, "user_canceled"},
    {100, "no_renegotiation"}, {109, "missing_extension"}, {110, "unsupported_extension"},
    {111, "certificate_unobtainable"}, {112, "unrecognized_name"},
    {113, "bad_certificate_status_response"}, {114, "bad_certificate_hash_value"},
    {115, "unknown_psk_identity"}, {116, "certificate_required"},
    {120, "no_application_protocol"}, {121, "ech_required"},
};

const char *ths_alert_name(int alert)
{
    size_t i;
    for (i = 0; i < sizeof alert_names / sizeof alert_names[0]; i++)
        if (alert_names[i].n == alert)
            return alert_names[i].name;
    return NULL;
}

int ths_alert_from_name(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof alert_names / sizeof alert_names[0]; i++)
        if (strcmp(alert_names[i].name, name) == 0)
            return alert_names[i].n;
    return -1;
}
