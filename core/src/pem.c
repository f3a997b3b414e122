/* PEM armour decoding (RFC 7468; RFC 1421 headers only to detect encryption):
 * the core's one PEM decoder (ths_pem.h), for keys and certificates.
 * Base64 through libsodium, which rejects bad characters and padding. */
#include "ths_pem.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char BEGIN[] = "-----BEGIN ";
static const char END[] = "-----END ";
static const char DASHES[] = "-----";

/* Position of needle in hay[from..len), or len. */
static size_t find(const uint8_t *hay, size_t len, size_t from, const char *needle)
{
    size_t n = strlen(needle), i;
    if (n > len)
        return len;
    for (i = from; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return i;
    return len;
}

static size_t line_end(const uint8_t *in, size_t len, size_t i)
{
    while (i < len && in[i] != '\n')
        i++;
    return i;
}

static size_t line_no(const uint8_t *in, size_t pos)
{
    size_t i, n = 1;
    for (i = 0; i < pos; i++)
        if (in[i] == '\n')
            n++;
    return n;
}

static int only_space(const uint8_t *p, const uint8_t *end)
{
    if (!p)
        return 0;
    for (; p < end; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            return 0;
    return 1;
}

int ths_pem_is_pem(const uint8_t *in, size_t len)
{
    return in && find(in, len, 0, BEGIN) < len;
}

void ths_pem_block_free(ths_pem_block *blk)
{
    if (blk->der) {
        ths_wipe(blk->der, blk->len);
        free(blk->der);
    }
    memset(blk, 0, sizeof *blk);
}

int ths_pem_find(const uint8_t *in, size_t len, size_t *pos, ths_pem_armor *a, ths_error *err)
{
    size_t b, lab, labend, body, e, eol, i;
    char endline[64 + sizeof END + sizeof DASHES];

    memset(a, 0, sizeof *a);
    a->text = in;
    b = find(in, len, *pos, BEGIN);
    if (b >= len) {
        *pos = len;
        return 0;
    }
    /* -----BEGIN <label>----- */
    lab = b + strlen(BEGIN);
    eol = line_end(in, len, lab);
    labend = find(in, eol, lab, DASHES);
    if (labend >= eol || labend - lab >= sizeof a->label)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "pem: malformed BEGIN line at line %zu",
                        line_no(in, b));
    memcpy(a->label, in + lab, labend - lab);
    a->label[labend - lab] = 0;
    body = eol < len ? eol + 1 : len;

    snprintf(endline, sizeof endline, "%s%s%s", END, a->label, DASHES);
    e = find(in, len, body, endline);
    if (e >= len)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "pem: %s: no END line (truncated?)", a->label);
    if (find(in, e, body, BEGIN) < e)
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "pem: %s: BEGIN inside the block at line %zu",
                        a->label, line_no(in, find(in, e, body, BEGIN)));

    /* RFC 1421 headers ("Proc-Type: 4,ENCRYPTED", "DEK-Info: ...") end at a
     * blank line; skip them, remembering encryption. */
    if (find(in, e, body, ":") < e) {
        size_t hdr = body;
        if (find(in, e, body, "ENCRYPTED") < e)
            a->encrypted = 1;
        while (hdr < e) {
            size_t le = line_end(in, e, hdr);
            int blank = 1;
            for (i = hdr; i < le; i++)
                if (in[i] != '\r' && in[i] != ' ' && in[i] != '\t')
                    blank = 0;
            hdr = le < e ? le + 1 : e;
            if (blank)
                break;
        }
        body = hdr;
    }
    a->b64 = in + body;
    a->b64len = e - body;
    *pos = line_end(in, len, e);
    if (*pos < len)
        (*pos)++;
    return 0;
}

size_t ths_pem_decoded_max(const ths_pem_armor *a)
{
    return a->b64len / 4 * 3 + 3;
}

int ths_pem_decode(const ths_pem_armor *a, uint8_t *out, size_t cap, size_t *outlen, ths_error *err)
{
    const char *b64_end = NULL;
    *outlen = 0;
    if (sodium_base642bin(out, cap, (const char *)a->b64, a->b64len, " \t\r\n", outlen, &b64_end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        !only_space((const uint8_t *)b64_end, a->b64 + a->b64len)) {
        const uint8_t *bad = b64_end ? (const uint8_t *)b64_end : a->b64;
        *outlen = 0;
        return ths_fail(err, THS_ALERT_DECODE_ERROR, "pem: %s: invalid base64 at line %zu", a->label,
                        line_no(a->text, (size_t)(bad - a->text)));
    }
    return 0;
}

int ths_pem_next(const uint8_t *in, size_t len, size_t *pos, ths_pem_block *blk, ths_error *err)
{
    ths_pem_armor a;
    size_t maxout;
    int rc;

    memset(blk, 0, sizeof *blk);
    if ((rc = ths_pem_find(in, len, pos, &a, err)) || !a.b64)
        return rc;
    memcpy(blk->label, a.label, sizeof blk->label);
    blk->encrypted = a.encrypted;
    maxout = ths_pem_decoded_max(&a);
    blk->der = (uint8_t *)malloc(maxout);
    if (!blk->der)
        return ths_fail(err, THS_ERR_NOMEM, "pem: out of memory");
    if ((rc = ths_pem_decode(&a, blk->der, maxout, &blk->len, err))) {
        ths_pem_block_free(blk);
        return rc;
    }
    return 0;
}
