/*
 * Path validation as a TLS client or server uses it (RFC 5280 §6.1, without
 * policies, name constraints or revocation), with OpenSSL's order of checks
 * so that a certificate with several faults is reported as `openssl verify`
 * reports it:
 *
 *   1. build: from the leaf, an issuer is found among the anchors first, then
 *      among the other chain certificates (any order, extras ignored), by
 *      issuer/subject DN bytes and, when both are present, AKI = SKI
 *      (§4.2.1.1); depth-first with backtracking, bounded work;
 *   2. per certificate: unknown critical extension (§4.2) → unsupported;
 *      issuers: cA (§4.2.1.9), keyCertSign (§4.2.1.3), pathLenConstraint
 *      (§6.1.4 (l)-(m), self-issued intermediates not counted) → unknown_ca;
 *   3. purpose: the leaf's EKU must hold serverAuth/clientAuth when present
 *      (§4.2.1.12), as must any issuer's EKU (OpenSSL and Go nest EKU);
 *      the leaf's keyUsage must allow the key exchange → unsupported;
 *   4. host name (RFC 6125) → bad_certificate;
 *   5. from the anchor down: signature by the next certificate up
 *      → bad_certificate; validity against opts->now → certificate_expired.
 *
 * The anchor is trusted as given: its own signature is not checked, but its
 * validity, cA and keyUsage are (as `openssl verify -x509_strict` does).
 */
#include "ths_x509.h"
#include "ths_pkey.h"
#include <stdio.h>
#include <string.h>

#define MAX_WORK 256  /* candidate issuers tried, in all */

typedef struct {
    const ths_x509_cert *const *chain;
    size_t nchain;
    const ths_x509_cert *const *anchors;
    size_t nanchors;
    const ths_x509_verify_opts *opts;
    size_t max_depth;
    const ths_x509_cert *path[THS_X509_MAX_DEPTH * 4 + 1];
    int work;
    int have_fail;           /* a full candidate path failed: keep its error */
    ths_error fail;
    size_t deepest;          /* for the unknown_ca message */
    const ths_x509_cert *stuck;
} vctx;

static int span_eq(ths_span a, ths_span b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static int self_issued(const ths_x509_cert *c) { return span_eq(c->issuer, c->subject); }

/* Could `issuer` have issued c?  Names, then key identifiers when both exist. */
static int issued_by(const ths_x509_cert *c, const ths_x509_cert *issuer)
{
    if (!span_eq(c->issuer, issuer->subject))
        return 0;
    if (c->aki.p && issuer->ski.p && !span_eq(c->aki, issuer->ski))
        return 0;
    return 1;
}

static const char *who(const ths_x509_cert *c, char *buf, size_t cap)
{
    ths_x509_name_format(c->subject, buf, cap);
    if (strlen(buf) > 48)
        strcpy(buf + 45, "...");
    return buf;
}

static int purpose_ok(const ths_x509_cert *c, int purpose)
{
    if (!c->has_eku || purpose == THS_X509_PURPOSE_ANY)
        return 1;
    return (c->eku & (purpose == THS_X509_PURPOSE_SERVER ? THS_EKU_SERVER_AUTH : THS_EKU_CLIENT_AUTH)) != 0;
}

/* Checks a complete candidate path[0..n-1] (path[n-1] is an anchor). */
static int check_path(vctx *v, size_t n, ths_error *err)
{
    const ths_x509_verify_opts *o = v->opts;
    char name[64];
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        const ths_x509_cert *c = v->path[i];
        if (c->unknown_critical)
            return ths_fail(err, THS_ALERT_UNSUPPORTED_CERTIFICATE,
                            "certificate %zu (%s): unhandled critical extension %s", i, who(c, name, sizeof name),
                            c->unknown_critical_oid);
        if (i == 0)
            continue;
        /* An issuer must be a CA; a v1 anchor is accepted as one (X.509 v1
         * roots predate basicConstraints, OpenSSL does the same). */
        if (!(c->has_basic_constraints && c->is_ca) && !(i == n - 1 && c->version == 1))
            return ths_fail(err, THS_ALERT_UNKNOWN_CA, "certificate %zu (%s): issuer is not a CA (no basicConstraints cA)",
                            i, who(c, name, sizeof name));
        if (c->has_key_usage && !(c->key_usage & THS_KU_KEY_CERT_SIGN))
            return ths_fail(err, THS_ALERT_UNKNOWN_CA, "certificate %zu (%s): keyUsage lacks keyCertSign", i,
                            who(c, name, sizeof name));
        if (c->path_len >= 0) {
            long below = 0;
            size_t k;
            for (k = 1; k < i; k++)
                if (!self_issued(v->path[k]))
                    below++;
            if (below > c->path_len)
                return ths_fail(err, THS_ALERT_UNKNOWN_CA,
                                "certificate %zu (%s): pathLenConstraint %ld exceeded (%ld intermediates below)", i,
                                who(c, name, sizeof name), c->path_len, below);
        }
    }
    /* Weak keys anywhere in the path, the anchor's too (as OpenSSL's
     * security levels: EE_KEY_TOO_SMALL / CA_KEY_TOO_SMALL). */
    for (i = 0; i < n; i++) {
        const ths_x509_cert *c = v->path[i];
        int floor = o->min_rsa_bits > 0 ? o->min_rsa_bits : THS_MIN_RSA_BITS;
        if (c->key_type == THS_X509_KEY_RSA && c->key_bits < floor)
            return ths_fail(err, THS_ALERT_INSUFFICIENT_SECURITY,
                            "certificate %zu (%s): RSA key of %d bits is below the floor of %d bits", i,
                            who(c, name, sizeof name), c->key_bits, floor);
    }
    for (i = 0; i < n; i++) {
        const ths_x509_cert *c = v->path[i];
        if (!purpose_ok(c, o->purpose))
            return ths_fail(err, THS_ALERT_UNSUPPORTED_CERTIFICATE, "certificate %zu (%s): extKeyUsage lacks %s", i,
                            who(c, name, sizeof name), o->purpose == THS_X509_PURPOSE_SERVER ? "serverAuth" : "clientAuth");
    }
    if (v->path[0]->has_key_usage) {
        unsigned ku = v->path[0]->key_usage;
        if (o->key_usage && !(ku & o->key_usage))
            return ths_fail(err, THS_ALERT_UNSUPPORTED_CERTIFICATE, "certificate 0 (%s): keyUsage lacks %s",
                            who(v->path[0], name, sizeof name),
                            o->key_usage == THS_KU_KEY_ENCIPHERMENT ? "keyEncipherment" : "digitalSignature");
        /* a TLS end entity needs one of these (as OpenSSL's ssl purposes) */
        if (o->purpose != THS_X509_PURPOSE_ANY &&
            !(ku & (THS_KU_DIGITAL_SIGNATURE | THS_KU_KEY_ENCIPHERMENT | THS_KU_KEY_AGREEMENT)))
            return ths_fail(err, THS_ALERT_UNSUPPORTED_CERTIFICATE,
                            "certificate 0 (%s): keyUsage allows no TLS key exchange", who(v->path[0], name, sizeof name));
    }
    if (o->host && (rc = ths_x509_match_host(v->path[0], o->host, o->host_len, err)))
        return rc;
    for (i = n; i-- > 0;) {
        const ths_x509_cert *c = v->path[i];
        if (i + 1 < n) {
            ths_error e2;
            memset(&e2, 0, sizeof e2);
            if ((rc = ths_x509_check_signature(c, v->path[i + 1], &e2)))
                return ths_fail(err, rc, "certificate %zu (%s): %s", i, who(c, name, sizeof name), e2.detail);
        }
        if (o->now < c->not_before)
            return ths_fail(err, THS_ALERT_CERTIFICATE_EXPIRED, "certificate %zu (%s): not yet valid", i,
                            who(c, name, sizeof name));
        if (o->now > c->not_after)
            return ths_fail(err, THS_ALERT_CERTIFICATE_EXPIRED, "certificate %zu (%s): expired", i,
                            who(c, name, sizeof name));
    }
    return 0;
}

static int in_path(const vctx *v, size_t depth, const ths_x509_cert *c)
{
    size_t k;
    for (k = 0; k < depth; k++)
        if (v->path[k] == c || span_eq(v->path[k]->der, c->der))
            return 1;
    return 0;
}

/* path[0..depth-1] is built; find issuers of path[depth-1]. */
static int extend(vctx *v, size_t depth, ths_error *err)
{
    const ths_x509_cert *cur = v->path[depth - 1];
    size_t i;
    int rc;

    if (depth > v->deepest) {
        v->deepest = depth;
        v->stuck = cur;
    }
    if (depth >= v->max_depth)
        return -1;
    for (i = 0; i < v->nanchors; i++) {
        ths_error e2;
        if (!issued_by(cur, v->anchors[i]) || ++v->work > MAX_WORK)
            continue;
        v->path[depth] = v->anchors[i];
        memset(&e2, 0, sizeof e2);
        if ((rc = check_path(v, depth + 1, &e2)) == 0)
            return (int)(depth + 1);
        if (!v->have_fail) {
            v->have_fail = 1;
            v->fail = e2;
        }
    }
    for (i = 1; i < v->nchain; i++) {
        const ths_x509_cert *c = v->chain[i];
        if (!issued_by(cur, c) || in_path(v, depth, c) || ++v->work > MAX_WORK)
            continue;
        v->path[depth] = c;
        if ((rc = extend(v, depth + 1, err)) > 0)
            return rc;
    }
    return -1;
}

int ths_x509_verify_chain(const ths_x509_cert *const *chain, size_t nchain, const ths_x509_cert *const *anchors,
                          size_t nanchors, const ths_x509_verify_opts *opts, const ths_x509_cert **path,
                          size_t *path_len, ths_error *err)
{
    vctx v;
    char name[64], issuer[64];
    size_t i;
    int n;

    *path_len = 0;
    if (nchain == 0)
        return ths_fail(err, THS_ALERT_BAD_CERTIFICATE, "verify: empty certificate chain");
    memset(&v, 0, sizeof v);
    v.chain = chain;
    v.nchain = nchain;
    v.anchors = anchors;
    v.nanchors = nanchors;
    v.opts = opts;
    v.max_depth = opts->max_depth > 0 ? (size_t)opts->max_depth : THS_X509_MAX_DEPTH;
    if (v.max_depth > sizeof v.path / sizeof v.path[0])
        v.max_depth = sizeof v.path / sizeof v.path[0];
    v.path[0] = chain[0];

    /* The leaf may itself be an anchor (same DER): a path of one. */
    for (i = 0; i < nanchors; i++)
        if (span_eq(anchors[i]->der, chain[0]->der)) {
            ths_error e2;
            memset(&e2, 0, sizeof e2);
            if (check_path(&v, 1, &e2) == 0) {
                path[0] = chain[0];
                *path_len = 1;
                return 0;
            }
            v.have_fail = 1;
            v.fail = e2;
            break;
        }

    n = extend(&v, 1, err);
    if (n > 0) {
        for (i = 0; i < (size_t)n; i++)
            path[i] = v.path[i];
        *path_len = (size_t)n;
        return 0;
    }
    if (v.have_fail)
        return ths_fail(err, v.fail.code, "%s", v.fail.detail);
    who(v.stuck, name, sizeof name);
    if (v.deepest >= v.max_depth)
        return ths_fail(err, THS_ALERT_UNKNOWN_CA, "no path to a trust anchor within %zu certificates", v.max_depth);
    if (v.deepest == 1 && self_issued(chain[0]))
        return ths_fail(err, THS_ALERT_UNKNOWN_CA, "self-signed certificate (%s) is not a trust anchor", name);
    ths_x509_name_format(v.stuck->issuer, issuer, sizeof issuer);
    return ths_fail(err, THS_ALERT_UNKNOWN_CA, "no path to a trust anchor: issuer of %s (%s) not found", name,
                    issuer);
}
