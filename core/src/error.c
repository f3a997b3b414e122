/* The error helper and the names of TLS alerts. */
#include "ths_msg.h"   /* ths_name_of: the alert registry */
#include <stdarg.h>
#include <stdio.h>

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

/* ---- alert names: the one table is the registry's in names.c ---- */

const char *ths_alert_name(int alert)
{
    if (alert < 0 || alert > 255)
        return NULL;
    return ths_name_of(THS_NAMES_ALERTS, (uint32_t)alert);
}

int ths_alert_from_name(const char *name)
{
    uint32_t v;
    return ths_name_value(THS_NAMES_ALERTS, name, &v) == 0 ? (int)v : -1;
}
