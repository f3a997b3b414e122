/* Object identifiers the core knows (X.509, key files), and their names. */
#include "oid.h"
#include <string.h>

#define OID(name, ...) const uint8_t name[] = {__VA_ARGS__}; const size_t name##_len = sizeof name

/* RFC 8017 App. C, RFC 4055 §2.1, §3.1 (1.2.840.113549.1.1.x). */
OID(ths_oid_rsa_encryption, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);
OID(ths_oid_sha1_rsa, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05);
OID(ths_oid_mgf1, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08);
OID(ths_oid_rsassa_pss, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a);
OID(ths_oid_sha256_rsa, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b);
OID(ths_oid_sha384_rsa, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c);
OID(ths_oid_sha512_rsa, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d);
/* RFC 5480 §2.1.1, RFC 5758 §3.2 (1.2.840.10045.x), SEC 2 curves. */
OID(ths_oid_ec_public_key, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01);
OID(ths_oid_ecdsa_sha1, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01);
OID(ths_oid_ecdsa_sha256, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02);
OID(ths_oid_ecdsa_sha384, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03);
OID(ths_oid_ecdsa_sha512, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04);
OID(ths_oid_p256, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07);
OID(ths_oid_p384, 0x2b, 0x81, 0x04, 0x00, 0x22);
OID(ths_oid_p521, 0x2b, 0x81, 0x04, 0x00, 0x23);
/* RFC 8410 §3. */
OID(ths_oid_ed25519, 0x2b, 0x65, 0x70);
/* Hashes (RFC 4055 §2.1). */
OID(ths_oid_sha1, 0x2b, 0x0e, 0x03, 0x02, 0x1a);
OID(ths_oid_sha224, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04);
OID(ths_oid_sha256, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01);
OID(ths_oid_sha384, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02);
OID(ths_oid_sha512, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03);
/* Certificate extensions (RFC 5280 §4.2, id-ce = 2.5.29). */
OID(ths_oid_ext_ski, 0x55, 0x1d, 0x0e);
OID(ths_oid_ext_key_usage, 0x55, 0x1d, 0x0f);
OID(ths_oid_ext_san, 0x55, 0x1d, 0x11);
OID(ths_oid_ext_basic_constraints, 0x55, 0x1d, 0x13);
OID(ths_oid_ext_policies, 0x55, 0x1d, 0x20);
OID(ths_oid_ext_aki, 0x55, 0x1d, 0x23);
OID(ths_oid_ext_eku, 0x55, 0x1d, 0x25);

int ths_oid_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* ---- extended key usage (RFC 5280 §4.2.1.12, id-kp = 1.3.6.1.5.5.7.3) ---- */

static const uint8_t kp_prefix[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03};
static const uint8_t any_eku[] = {0x55, 0x1d, 0x25, 0x00};

static const struct {
    uint8_t last;
    unsigned flag;
    const char *name;
} kp_names[] = {
    {1, THS_EKU_SERVER_AUTH, "server_auth"},     {2, THS_EKU_CLIENT_AUTH, "client_auth"},
    {3, THS_EKU_CODE_SIGNING, "code_signing"},   {4, THS_EKU_EMAIL_PROTECTION, "email_protection"},
    {8, THS_EKU_TIME_STAMPING, "time_stamping"}, {9, THS_EKU_OCSP_SIGNING, "ocsp_signing"},
};

const char *ths_x509_eku_name(const uint8_t *oid, size_t len)
{
    size_t i;
    if (ths_oid_eq(oid, len, any_eku, sizeof any_eku))
        return "any";
    if (len != sizeof kp_prefix + 1 || memcmp(oid, kp_prefix, sizeof kp_prefix) != 0)
        return NULL;
    for (i = 0; i < sizeof kp_names / sizeof kp_names[0]; i++)
        if (kp_names[i].last == oid[len - 1])
            return kp_names[i].name;
    return NULL;
}

unsigned ths_x509_eku_flag(const uint8_t *oid, size_t len)
{
    size_t i;
    if (ths_oid_eq(oid, len, any_eku, sizeof any_eku))
        return THS_EKU_ANY;
    if (len == sizeof kp_prefix + 1 && memcmp(oid, kp_prefix, sizeof kp_prefix) == 0)
        for (i = 0; i < sizeof kp_names / sizeof kp_names[0]; i++)
            if (kp_names[i].last == oid[len - 1])
                return kp_names[i].flag;
    return THS_EKU_OTHER;
}

/* ---- attribute types of names (RFC 4514 §3, RFC 5280 App. A) ---- */

static const struct {
    uint8_t len;
    uint8_t oid[10];
    const char *name;
} attr_names[] = {
    {3, {0x55, 0x04, 0x03}, "CN"},
    {3, {0x55, 0x04, 0x04}, "SN"},
    {3, {0x55, 0x04, 0x05}, "serialNumber"},
    {3, {0x55, 0x04, 0x06}, "C"},
    {3, {0x55, 0x04, 0x07}, "L"},
    {3, {0x55, 0x04, 0x08}, "ST"},
    {3, {0x55, 0x04, 0x09}, "STREET"},
    {3, {0x55, 0x04, 0x0a}, "O"},
    {3, {0x55, 0x04, 0x0b}, "OU"},
    {3, {0x55, 0x04, 0x0c}, "title"},
    {3, {0x55, 0x04, 0x11}, "postalCode"},
    {3, {0x55, 0x04, 0x2a}, "GN"},
    {3, {0x55, 0x04, 0x2b}, "initials"},
    {3, {0x55, 0x04, 0x2c}, "generationQualifier"},
    {3, {0x55, 0x04, 0x2e}, "dnQualifier"},
    {3, {0x55, 0x04, 0x41}, "pseudonym"},
    {10, {0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19}, "DC"},
    {10, {0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01}, "UID"},
    {9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01}, "emailAddress"},
};

const char *ths_oid_attr_name(const uint8_t *oid, size_t len)
{
    size_t i;
    for (i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
        if (ths_oid_eq(oid, len, attr_names[i].oid, attr_names[i].len))
            return attr_names[i].name;
    return NULL;
}

/* ---- algorithm names (as OpenSSL prints them) ---- */

const char *ths_x509_sig_alg_name(ths_x509_sig_alg a)
{
    switch (a) {
    case THS_X509_SIG_RSA_SHA1: return "sha1WithRSAEncryption";
    case THS_X509_SIG_RSA_SHA256: return "sha256WithRSAEncryption";
    case THS_X509_SIG_RSA_SHA384: return "sha384WithRSAEncryption";
    case THS_X509_SIG_RSA_SHA512: return "sha512WithRSAEncryption";
    case THS_X509_SIG_RSA_PSS: return "rsassaPss";
    case THS_X509_SIG_ECDSA_SHA1: return "ecdsa-with-SHA1";
    case THS_X509_SIG_ECDSA_SHA256: return "ecdsa-with-SHA256";
    case THS_X509_SIG_ECDSA_SHA384: return "ecdsa-with-SHA384";
    case THS_X509_SIG_ECDSA_SHA512: return "ecdsa-with-SHA512";
    case THS_X509_SIG_ED25519: return "ED25519";
    default: return NULL;
    }
}

const char *ths_x509_hash_name(ths_x509_hash h)
{
    switch (h) {
    case THS_X509_HASH_SHA1: return "sha1";
    case THS_X509_HASH_SHA224: return "sha224";
    case THS_X509_HASH_SHA256: return "sha256";
    case THS_X509_HASH_SHA384: return "sha384";
    case THS_X509_HASH_SHA512: return "sha512";
    default: return NULL;
    }
}

const char *ths_x509_curve_name(uint16_t group)
{
    switch (group) {
    case 23: return "secp256r1";
    case 24: return "secp384r1";
    case 25: return "secp521r1";
    default: return NULL;
    }
}
