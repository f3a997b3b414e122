/* X.509 (RFC 5280): ths_x509_parse, then everything a script can ask of an
 * accepted certificate (extension/SAN/EKU walks, name formatting, host
 * matching, the public key, a self-signature check and a one-element path
 * validation). */
#include "fuzz_common.h"
#include "ths_crypto.h"
#include "ths_x509.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) { (void)argc; (void)argv; return ths_crypto_init(); }

static const char *const hosts[] = {"example.com", "www.example.com", "127.0.0.1", "::1", "a.b.example.net", "localhost"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ths_x509_cert c;
    ths_error err;
    ths_reader it;
    ths_x509_ext e;
    ths_x509_san san;
    ths_span oid, cn;
    ths_pkey key;
    char name[512];
    size_t i;
    int rc, n;

    memset(&err, 0, sizeof err);
    rc = ths_x509_parse(&c, data, size, &err);
    fuzz_check_fail(rc, &err);
    if (rc)
        return 0;
    FUZZ_ASSERT(c.der.p == data && c.der.n == size);

    ths_x509_ext_iter(&c, &it);
    n = 0;
    while (ths_x509_ext_next(&it, &e)) {
        touch(e.oid.p, e.oid.n);
        touch(e.value.p, e.value.n);
        n++;
    }
    FUZZ_ASSERT(n == c.ext_count);
    ths_x509_san_iter(&c, &it);
    while (ths_x509_san_next(&it, &san))
        touch(san.value.p, san.value.n);
    ths_x509_eku_iter(&c, &it);
    while (ths_x509_eku_next(&it, &oid)) {
        touch(oid.p, oid.n);
        (void)ths_x509_eku_name(oid.p, oid.n);
    }
    FUZZ_ASSERT(ths_x509_name_format(c.subject, name, sizeof name) < 1u << 20);
    FUZZ_ASSERT(memchr(name, 0, sizeof name) != NULL);
    (void)ths_x509_name_format(c.issuer, name, 8);   /* truncation path */
    for (n = 0; ths_x509_name_cn(c.subject, n, &cn) >= 0 && n < 8; n++)
        touch(cn.p, cn.n);
    for (i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        memset(&err, 0, sizeof err);
        fuzz_check_fail(ths_x509_match_host(&c, hosts[i], strlen(hosts[i]), &err), &err);
    }
    memset(&err, 0, sizeof err);
    rc = ths_x509_public_key(&c, &key, &err);
    fuzz_check_fail(rc, &err);
    if (rc == 0)
        ths_pkey_free(&key);
    {
        /* self-signed path: exercises signature checks on hostile keys */
        const ths_x509_cert *chain[1] = {&c}, *path[THS_X509_MAX_DEPTH + 1];
        ths_x509_verify_opts o;
        size_t plen = 0;
        memset(&o, 0, sizeof o);
        o.now = 1700000000;
        o.host = "example.com";
        o.host_len = 11;
        o.purpose = THS_X509_PURPOSE_SERVER;
        memset(&err, 0, sizeof err);
        fuzz_check_fail(ths_x509_verify_chain(chain, 1, chain, 1, &o, path, &plen, &err), &err);
    }
    return 0;
}
