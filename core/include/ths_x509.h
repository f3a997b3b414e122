/*
 * X.509 certificates (RFC 5280): certificate parsing on the DER reader of
 * ths_der.h, host-name matching (RFC 6125) and path validation (RFC 5280 §6).
 *
 * Memory: the caller owns everything.  A parsed ths_x509_cert points into the
 * DER bytes it was parsed from, so those bytes must outlive it; nothing here
 * allocates.  Variable-length lists (extensions, subjectAltName entries, EKU
 * OIDs) are validated once by the parser and then walked again on demand with
 * the iterators below, so no list needs storage of its own.
 */
#ifndef THS_X509_H
#define THS_X509_H

#include "tlshs.h"
#include "ths_der.h"

/* ---- certificates --------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t n;
} ths_span;

/* Signature algorithms of certificates (RFC 4055, RFC 5758, RFC 8410). */
typedef enum {
    THS_X509_SIG_UNKNOWN = 0,
    THS_X509_SIG_RSA_SHA1,
    THS_X509_SIG_RSA_SHA256,
    THS_X509_SIG_RSA_SHA384,
    THS_X509_SIG_RSA_SHA512,
    THS_X509_SIG_RSA_PSS,
    THS_X509_SIG_ECDSA_SHA1,
    THS_X509_SIG_ECDSA_SHA256,
    THS_X509_SIG_ECDSA_SHA384,
    THS_X509_SIG_ECDSA_SHA512,
    THS_X509_SIG_ED25519
} ths_x509_sig_alg;

/* Hash names used by RSASSA-PSS parameters (RFC 4055 §3.1). */
typedef enum {
    THS_X509_HASH_NONE = 0,
    THS_X509_HASH_SHA1,
    THS_X509_HASH_SHA224,
    THS_X509_HASH_SHA256,
    THS_X509_HASH_SHA384,
    THS_X509_HASH_SHA512
} ths_x509_hash;

typedef enum {
    THS_X509_KEY_UNKNOWN = 0,
    THS_X509_KEY_RSA,           /* rsaEncryption or id-RSASSA-PSS */
    THS_X509_KEY_EC,
    THS_X509_KEY_ED25519
} ths_x509_key_type;

/* keyUsage bits (RFC 5280 §4.2.1.3), bit 0 = digitalSignature. */
enum {
    THS_KU_DIGITAL_SIGNATURE = 1 << 0,
    THS_KU_NON_REPUDIATION = 1 << 1,
    THS_KU_KEY_ENCIPHERMENT = 1 << 2,
    THS_KU_DATA_ENCIPHERMENT = 1 << 3,
    THS_KU_KEY_AGREEMENT = 1 << 4,
    THS_KU_KEY_CERT_SIGN = 1 << 5,
    THS_KU_CRL_SIGN = 1 << 6,
    THS_KU_ENCIPHER_ONLY = 1 << 7,
    THS_KU_DECIPHER_ONLY = 1 << 8
};

/* extendedKeyUsage purposes we know by name (RFC 5280 §4.2.1.12). */
enum {
    THS_EKU_SERVER_AUTH = 1 << 0,
    THS_EKU_CLIENT_AUTH = 1 << 1,
    THS_EKU_CODE_SIGNING = 1 << 2,
    THS_EKU_EMAIL_PROTECTION = 1 << 3,
    THS_EKU_TIME_STAMPING = 1 << 4,
    THS_EKU_OCSP_SIGNING = 1 << 5,
    THS_EKU_ANY = 1 << 6,
    THS_EKU_OTHER = 1 << 7
};

typedef struct {
    ths_span der;                /* the whole Certificate */
    ths_span tbs;                /* tbsCertificate TLV: the signed bytes */
    int version;                 /* 1, 2 or 3 */
    ths_span serial;             /* INTEGER contents (may start with 0x00) */
    ths_span issuer, subject;    /* Name TLVs, compared byte for byte */
    int64_t not_before, not_after;
    ths_span spki;               /* SubjectPublicKeyInfo TLV */
    ths_x509_key_type key_type;
    int key_bits;
    uint16_t curve;              /* IANA group: 23 P-256, 24 P-384, 25 P-521 */
    ths_span key_alg_oid;        /* SPKI algorithm OID contents */
    /* signature */
    ths_x509_sig_alg sig_alg;
    ths_span sig_alg_oid;
    ths_x509_hash pss_hash, pss_mgf_hash;
    int pss_salt_len;
    ths_span sig;                /* BIT STRING contents after the unused-bits octet */
    /* extensions (v3) */
    ths_span extensions;         /* contents of the Extensions SEQUENCE; p NULL when absent */
    int ext_count;
    int has_basic_constraints, is_ca;
    long path_len;               /* -1 when absent */
    int has_key_usage;
    unsigned key_usage;          /* THS_KU_* */
    int has_eku;
    unsigned eku;                /* THS_EKU_* */
    ths_span eku_list;           /* contents of the KeyPurposeId SEQUENCE */
    int has_san;
    ths_span san;                /* contents of the GeneralNames SEQUENCE */
    ths_span ski, aki;           /* key identifier octets; p NULL when absent */
    int unknown_critical;        /* a critical extension we do not process */
    char unknown_critical_oid[64];
} ths_x509_cert;

/* Parses one DER certificate that must fill `len` exactly.  Returns 0 or
 * THS_ALERT_BAD_CERTIFICATE with err->detail such as
 * "certificate.tbs.validity.notBefore: month 13 at offset 161". */
int ths_x509_parse(ths_x509_cert *c, const uint8_t *der, size_t len, ths_error *err);

/* One extension, as walked by ths_x509_ext_next. */
typedef struct {
    ths_span oid;                /* OID contents */
    int critical;
    ths_span value;              /* extnValue OCTET STRING contents */
} ths_x509_ext;

/* Iterates the extensions of a parsed certificate: init, then next until it
 * returns 0.  Safe only on a certificate ths_x509_parse accepted. */
void ths_x509_ext_iter(const ths_x509_cert *c, ths_reader *it);
int ths_x509_ext_next(ths_reader *it, ths_x509_ext *out);

/* subjectAltName entries (GeneralName, RFC 5280 §4.2.1.6). */
enum { THS_SAN_OTHER = 0, THS_SAN_EMAIL = 1, THS_SAN_DNS = 2, THS_SAN_URI = 6, THS_SAN_IP = 7 };
typedef struct {
    int type;                    /* the context tag number */
    ths_span value;              /* contents (4 or 16 bytes for an IP address) */
} ths_x509_san;
void ths_x509_san_iter(const ths_x509_cert *c, ths_reader *it);
int ths_x509_san_next(ths_reader *it, ths_x509_san *out);

/* EKU purposes as OID contents. */
void ths_x509_eku_iter(const ths_x509_cert *c, ths_reader *it);
int ths_x509_eku_next(ths_reader *it, ths_span *oid);

/* Readable form of a Name (RFC 4514 order: last RDN first, "CN=a, O=b";
 * multi-valued RDNs joined with "+"; special characters escaped; unknown
 * attribute types as dotted OIDs with "#hex" values).  Truncated to cap-1
 * bytes; returns the length it needed. */
size_t ths_x509_name_format(ths_span name, char *out, size_t cap);
/* The n-th (0-based, in DER order) commonName value of a Name: its contents
 * in *cn and its string tag as the result, or -1 when there is none. */
int ths_x509_name_cn(ths_span name, int n, ths_span *cn);

/* Names of things, for scripts. */
const char *ths_x509_sig_alg_name(ths_x509_sig_alg a);   /* "sha256WithRSAEncryption" */
const char *ths_x509_hash_name(ths_x509_hash h);          /* "sha256" */
const char *ths_x509_curve_name(uint16_t group);          /* "secp256r1" or NULL */
const char *ths_x509_eku_name(const uint8_t *oid, size_t len); /* "server_auth" or NULL */
unsigned ths_x509_eku_flag(const uint8_t *oid, size_t len);

/* ---- host names (RFC 6125 §6.4) ------------------------------------------- */

/* Matches a reference identity (a DNS name, or an IPv4/IPv6 literal) against
 * the certificate: dNSName entries (wildcard only as the whole left-most
 * label), iPAddress entries for IP literals, and the subject CN only when the
 * certificate has no subjectAltName extension.  0 or bad_certificate with
 * "host name mismatch: wanted X, certificate has A, B". */
int ths_x509_match_host(const ths_x509_cert *c, const char *host, size_t len, ths_error *err);
/* One presented dNSName against one reference name (both without NUL); 1 on match. */
int ths_x509_match_dns(const char *pattern, size_t plen, const char *host, size_t hlen);
/* Parses an IPv4 or IPv6 literal into 4 or 16 bytes; returns the length or 0. */
size_t ths_x509_parse_ip(const char *s, size_t len, uint8_t out[16]);

/* ---- path validation (RFC 5280 §6.1, as TLS clients use it) --------------- */

#define THS_X509_MAX_DEPTH 10

enum { THS_X509_PURPOSE_ANY = 0, THS_X509_PURPOSE_SERVER, THS_X509_PURPOSE_CLIENT };

typedef struct {
    int64_t now;                 /* Unix seconds */
    const char *host;            /* NULL: no host check */
    size_t host_len;
    int purpose;                 /* THS_X509_PURPOSE_* */
    unsigned key_usage;          /* THS_KU_* the leaf must allow when it has keyUsage; 0 = none */
    int max_depth;               /* certificates in the path; 0 = THS_X509_MAX_DEPTH */
    int min_rsa_bits;            /* RSA keys of the path; 0 = THS_MIN_RSA_BITS (ths_pkey.h) */
} ths_x509_verify_opts;

/*
 * Builds and checks a path from chain[0] (the leaf) through any of the other
 * chain certificates to one of the anchors.  On success *path holds the path,
 * leaf first and anchor last, *path_len its length (room for max_depth+1
 * entries must be given).  Failure codes: certificate_expired, unknown_ca,
 * bad_certificate (signature, host), unsupported_certificate (algorithm, key,
 * keyUsage/EKU, unknown critical extension).
 */
int ths_x509_verify_chain(const ths_x509_cert *const *chain, size_t nchain,
                          const ths_x509_cert *const *anchors, size_t nanchors,
                          const ths_x509_verify_opts *opts,
                          const ths_x509_cert **path, size_t *path_len, ths_error *err);

/* Verifies that `issuer`'s key signed `c`.  0, bad_certificate (the signature
 * does not verify), unsupported_certificate (algorithm or key). */
int ths_x509_check_signature(const ths_x509_cert *c, const ths_x509_cert *issuer, ths_error *err);

/* The certificate's public key as a crypto-area key (ths_pkey.h); an
 * id-RSASSA-PSS key is read as the RSA key it is.  0 or
 * unsupported_certificate; on failure *key is freed. */
struct ths_pkey;
int ths_x509_public_key(const ths_x509_cert *c, struct ths_pkey *key, ths_error *err);

#endif
