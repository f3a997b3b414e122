/*
 * Host-name verification (RFC 6125 §6.4, RFC 2818 §3.1).
 *
 * - A reference identity that parses as an IPv4 or IPv6 literal (one trailing
 *   dot allowed: "127.0.0.1." is that address) is compared only with
 *   iPAddress subjectAltName entries, byte for byte (RFC 2818 §3.1).
 * - Any other IP-shaped name (its last label all digits, or 0x and hex,
 *   as the WHATWG URL host parser's "ends in a number": "1.2.3", "0x7f.1")
 *   matches nothing: it is never compared with dNSName entries or the CN
 *   (RFC 6125 §6.2.1: an IP reference identity is not a DNS name).
 * - Otherwise it is a DNS name: ASCII case-insensitive (§6.4.1), one trailing
 *   dot ignored, compared with each dNSName entry.
 * - Wildcards (§6.4.3): only "*" as the complete left-most label, followed by
 *   at least two labels; it matches exactly one non-empty label.  The labels
 *   after "*" must not be an ICANN public suffix ("*.co.uk" matches nothing;
 *   §7.2 and CA/B Forum BR 3.2.2.6), looked up in the Public Suffix List of
 *   Debian's libpsl (psl_latest: the newer of libpsl's built-in list and
 *   /usr/share/publicsuffix), as Chromium does with the ICANN section only
 *   ("*.github.io", a private-section suffix run by one owner, still
 *   matches).  Without a list, wildcards match nothing (fail closed).  Partial
 *   wildcards ("f*.example.com", "*oo.example.com") never match: RFC 6125
 *   allows them as a MAY, CA/Browser Forum certificates do not use them, and
 *   Go and BoringSSL refuse them (OpenSSL accepts them unless told not to).
 * - The subject CN is used only when the certificate has no subjectAltName
 *   extension at all (§6.4.4; CAs stopped relying on CN long ago).
 */
#define _GNU_SOURCE /* memmem */
#include "ths_x509.h"
#include <arpa/inet.h>
#include <libpsl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

/* Loaded once per process and never freed (a few hundred KiB, read only). */
static void psl_load(void)
{
    psl = psl_latest(NULL);
    if (!psl)
        psl = psl_builtin();
}

/* 1 when the name (n bytes, lower case, no trailing dot) is an ICANN public
 * suffix, or when no list could be loaded. */
static int public_suffix(const char *name, size_t n)
{
    char buf[256];
    size_t i;
    if (n >= sizeof buf)
        return 0;   /* longer than any DNS name: no suffix rule is that long */
    for (i = 0; i < n; i++)
        buf[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    buf[n] = 0;
    pthread_once(&psl_once, psl_load);
    if (!psl)
        return 1;
    return psl_is_public_suffix2(psl, buf, PSL_TYPE_ICANN) != 0;
}

/* "Ends in a number" (WHATWG URL §3.5): the last label, after one trailing
 * dot, is all decimal digits or "0x"/"0X" followed by hex digits. */
static int ip_shaped(const char *s, size_t len)
{
    size_t start, i;
    if (len && s[len - 1] == '.')
        len--;
    if (len == 0)
        return 0;
    for (start = len; start > 0 && s[start - 1] != '.'; start--)
        ;
    if (len - start >= 2 && s[start] == '0' && (s[start + 1] == 'x' || s[start + 1] == 'X')) {
        for (i = start + 2; i < len; i++)
            if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
                return 0;
        return 1;
    }
    for (i = start; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch; }

static int eq_nocase(const char *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

size_t ths_x509_parse_ip(const char *s, size_t len, uint8_t out[16])
{
    char buf[64];
    if (len == 0 || len >= sizeof buf || memchr(s, 0, len))
        return 0;
    if (s[0] == '[' && s[len - 1] == ']' && len > 2) { /* "[::1]" as in URLs */
        s++;
        len -= 2;
    } else if (len > 1 && s[len - 1] == '.' && s[len - 2] != '.' && !memchr(s, ':', len)) {
        len--;   /* "127.0.0.1." is 127.0.0.1 (a fully qualified form) */
    }
    memcpy(buf, s, len);
    buf[len] = 0;
    if (inet_pton(AF_INET, buf, out) == 1)
        return 4;
    if (inet_pton(AF_INET6, buf, out) == 1)
        return 16;
    return 0;
}

int ths_x509_match_dns(const char *pattern, size_t plen, const char *host, size_t hlen)
{
    const char *dot;
    if (plen && pattern[plen - 1] == '.')
        plen--;
    if (hlen && host[hlen - 1] == '.')
        hlen--;
    if (plen == 0 || hlen == 0 || memchr(pattern, 0, plen) || memchr(host, 0, hlen) || memchr(host, '*', hlen))
        return 0;
    if (!memchr(pattern, '*', plen))
        return plen == hlen && eq_nocase(pattern, host, plen);
    /* "*.rest": the only wildcard form we accept (§6.4.3, see above). */
    if (plen < 4 || pattern[0] != '*' || pattern[1] != '.' || memchr(pattern + 1, '*', plen - 1))
        return 0;
    pattern += 2;
    plen -= 2;
    /* at least two labels after the wildcard, none empty */
    dot = memchr(pattern, '.', plen);
    if (!dot || dot == pattern || pattern[plen - 1] == '.' || memmem(pattern, plen, "..", 2))
        return 0;
    /* "*.co.uk" would cover every registrant under co.uk */
    if (public_suffix(pattern, plen))
        return 0;
    dot = memchr(host, '.', hlen);
    if (!dot || dot == host)
        return 0;
    hlen -= (size_t)(dot + 1 - host);
    host = dot + 1;
    return plen == hlen && eq_nocase(pattern, host, plen);
}

/* Appends one presented identity to the mismatch message. */
static void add_name(char *msg, size_t cap, int *count, const char *s, size_t n)
{
    size_t at = strlen(msg);
    if (at + 1 >= cap)
        return;
    snprintf(msg + at, cap - at, "%s%.*s", *count ? ", " : "", (int)n, s);
    (*count)++;
}

int ths_x509_match_host(const ths_x509_cert *c, const char *host, size_t len, ths_error *err)
{
    uint8_t ip[16];
    size_t iplen = ths_x509_parse_ip(host, len, ip);
    char have[THS_DETAIL_MAX];
    ths_reader it;
    ths_x509_san san;
    int count = 0;

    have[0] = 0;
    if (len == 0 || memchr(host, 0, len))
        return ths_fail(err, THS_ALERT_BAD_CERTIFICATE, "host name mismatch: empty or invalid reference name");
    if (!iplen && ip_shaped(host, len))
        return ths_fail(err, THS_ALERT_BAD_CERTIFICATE,
                        "host name mismatch: %.*s is shaped like an IP address but is not one; it matches no DNS name",
                        (int)(len > 64 ? 64 : len), host);
    ths_x509_san_iter(c, &it);
    while (ths_x509_san_next(&it, &san)) {
        if (iplen && san.type == THS_SAN_IP) {
            char txt[64];
            if (san.value.n == iplen && memcmp(san.value.p, ip, iplen) == 0)
                return 0;
            inet_ntop(san.value.n == 4 ? AF_INET : AF_INET6, san.value.p, txt, sizeof txt);
            add_name(have, sizeof have, &count, txt, strlen(txt));
        } else if (!iplen && san.type == THS_SAN_DNS) {
            if (ths_x509_match_dns((const char *)san.value.p, san.value.n, host, len))
                return 0;
            add_name(have, sizeof have, &count, (const char *)san.value.p, san.value.n);
        }
    }
    if (!c->has_san && !iplen) {
        ths_span cn;
        int i, tag;
        for (i = 0; (tag = ths_x509_name_cn(c->subject, i, &cn)) >= 0; i++) {
            if (tag != THS_DER_UTF8_STRING && tag != THS_DER_PRINTABLE_STRING && tag != THS_DER_IA5_STRING)
                continue;
            if (ths_x509_match_dns((const char *)cn.p, cn.n, host, len))
                return 0;
            add_name(have, sizeof have, &count, (const char *)cn.p, cn.n);
        }
    }
    return ths_fail(err, THS_ALERT_BAD_CERTIFICATE, "host name mismatch: wanted %.*s, certificate has %s",
                    (int)(len > 64 ? 64 : len), host,
                    count ? have : (iplen ? "no IP address" : "no DNS name"));
}
