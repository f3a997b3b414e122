/* IANA TLS registries as tables both ways (tls-parameters, tls-extensiontype-values),
 * so details and scripts can name what they see.  Every table is sorted by value. */
#include "names_tables.h"
#include <string.h>

#define GREASE16                                                                    \
    {0x0A0A, "GREASE"}, {0x1A1A, "GREASE"}, {0x2A2A, "GREASE"}, {0x3A3A, "GREASE"}, \
    {0x4A4A, "GREASE"}, {0x5A5A, "GREASE"}, {0x6A6A, "GREASE"}, {0x7A7A, "GREASE"}, \
    {0x8A8A, "GREASE"}, {0x9A9A, "GREASE"}, {0xAAAA, "GREASE"}, {0xBABA, "GREASE"}, \
    {0xCACA, "GREASE"}, {0xDADA, "GREASE"}, {0xEAEA, "GREASE"}, {0xFAFA, "GREASE"}

/* Supported Groups (RFC 8422 §5.1.1, RFC 7919, RFC 8446 §4.2.7, draft ML-KEM hybrids) */
static const ths_name groups[] = {
    {1, "sect163k1"}, {2, "sect163r1"}, {3, "sect163r2"}, {4, "sect193r1"}, {5, "sect193r2"},
    {6, "sect233k1"}, {7, "sect233r1"}, {8, "sect239k1"}, {9, "sect283k1"}, {10, "sect283r1"},
    {11, "sect409k1"}, {12, "sect409r1"}, {13, "sect571k1"}, {14, "sect571r1"},
    {15, "secp160k1"}, {16, "secp160r1"}, {17, "secp160r2"}, {18, "secp192k1"},
    {19, "secp192r1"}, {20, "secp224k1"}, {21, "secp224r1"}, {22, "secp256k1"},
    {23, "secp256r1"}, {24, "secp384r1"}, {25, "secp521r1"}, {26, "brainpoolP256r1"},
    {27, "brainpoolP384r1"}, {28, "brainpoolP512r1"}, {29, "x25519"}, {30, "x448"},
    {31, "brainpoolP256r1tls13"}, {32, "brainpoolP384r1tls13"}, {33, "brainpoolP512r1tls13"},
    {256, "ffdhe2048"}, {257, "ffdhe3072"}, {258, "ffdhe4096"}, {259, "ffdhe6144"},
    {260, "ffdhe8192"}, {0x0200, "MLKEM512"}, {0x0201, "MLKEM768"}, {0x0202, "MLKEM1024"},
    {0x0A0A, "GREASE"}, {0x11EB, "SecP256r1MLKEM768"}, {0x11EC, "X25519MLKEM768"},
    {0x11ED, "SecP384r1MLKEM1024"}, {0x1A1A, "GREASE"}, {0x2A2A, "GREASE"}, {0x3A3A, "GREASE"},
    {0x4A4A, "GREASE"}, {0x5A5A, "GREASE"}, {0x6399, "X25519Kyber768Draft00"},
    {0x6A6A, "GREASE"}, {0x7A7A, "GREASE"}, {0x8A8A, "GREASE"}, {0x9A9A, "GREASE"},
    {0xAAAA, "GREASE"}, {0xBABA, "GREASE"}, {0xCACA, "GREASE"}, {0xDADA, "GREASE"},
    {0xEAEA, "GREASE"}, {0xFAFA, "GREASE"},
    {0xFF01, "arbitrary_explicit_prime_curves"}, {0xFF02, "arbitrary_explicit_char2_curves"},
};

/* SignatureScheme (RFC 8446 §4.2.3) and the TLS 1.2 hash/signature pairs
 * (RFC 5246 §7.4.1.4.1) that have no TLS 1.3 name. */
static const ths_name signature_schemes[] = {
    {0x0101, "rsa_pkcs1_md5"}, {0x0102, "dsa_md5"}, {0x0103, "ecdsa_md5"},
    {0x0201, "rsa_pkcs1_sha1"}, {0x0202, "dsa_sha1"}, {0x0203, "ecdsa_sha1"},
    {0x0301, "rsa_pkcs1_sha224"}, {0x0302, "dsa_sha224"}, {0x0303, "ecdsa_sha224"},
    {0x0401, "rsa_pkcs1_sha256"}, {0x0402, "dsa_sha256"}, {0x0403, "ecdsa_secp256r1_sha256"},
    {0x0420, "rsa_pkcs1_sha256_legacy"},
    {0x0501, "rsa_pkcs1_sha384"}, {0x0502, "dsa_sha384"}, {0x0503, "ecdsa_secp384r1_sha384"},
    {0x0520, "rsa_pkcs1_sha384_legacy"},
    {0x0601, "rsa_pkcs1_sha512"}, {0x0602, "dsa_sha512"}, {0x0603, "ecdsa_secp521r1_sha512"},
    {0x0620, "rsa_pkcs1_sha512_legacy"},
    {0x0804, "rsa_pss_rsae_sha256"}, {0x0805, "rsa_pss_rsae_sha384"}, {0x0806, "rsa_pss_rsae_sha512"},
    {0x0807, "ed25519"}, {0x0808, "ed448"},
    {0x0809, "rsa_pss_pss_sha256"}, {0x080A, "rsa_pss_pss_sha384"}, {0x080B, "rsa_pss_pss_sha512"},
    {0x081A, "ecdsa_brainpoolP256r1tls13_sha256"}, {0x081B, "ecdsa_brainpoolP384r1tls13_sha384"},
    {0x081C, "ecdsa_brainpoolP512r1tls13_sha512"},
    {0x0904, "mldsa44"}, {0x0905, "mldsa65"}, {0x0906, "mldsa87"},
    GREASE16,
};

/* TLS ExtensionType Values */
static const ths_name extensions[] = {
    {0, "server_name"}, {1, "max_fragment_length"}, {2, "client_certificate_url"},
    {3, "trusted_ca_keys"}, {4, "truncated_hmac"}, {5, "status_request"}, {6, "user_mapping"},
    {7, "client_authz"}, {8, "server_authz"}, {9, "cert_type"}, {10, "supported_groups"},
    {11, "ec_point_formats"}, {12, "srp"}, {13, "signature_algorithms"}, {14, "use_srtp"},
    {15, "heartbeat"}, {16, "application_layer_protocol_negotiation"},
    {17, "status_request_v2"}, {18, "signed_certificate_timestamp"},
    {19, "client_certificate_type"}, {20, "server_certificate_type"}, {21, "padding"},
    {22, "encrypt_then_mac"}, {23, "extended_master_secret"}, {24, "token_binding"},
    {25, "cached_info"}, {26, "tls_lts"}, {27, "compress_certificate"},
    {28, "record_size_limit"}, {29, "pwd_protect"}, {30, "pwd_clear"}, {31, "password_salt"},
    {32, "ticket_pinning"}, {33, "tls_cert_with_extern_psk"}, {34, "delegated_credential"},
    {35, "session_ticket"}, {36, "TLMSP"}, {37, "TLMSP_proxying"}, {38, "TLMSP_delegate"},
    {39, "supported_ekt_ciphers"}, {41, "pre_shared_key"}, {42, "early_data"},
    {43, "supported_versions"}, {44, "cookie"}, {45, "psk_key_exchange_modes"},
    {47, "certificate_authorities"}, {48, "oid_filters"}, {49, "post_handshake_auth"},
    {50, "signature_algorithms_cert"}, {51, "key_share"}, {52, "transparency_info"},
    {53, "connection_id_deprecated"}, {54, "connection_id"}, {55, "external_id_hash"},
    {56, "external_session_id"}, {57, "quic_transport_parameters"}, {58, "ticket_request"},
    {59, "dnssec_chain"}, {60, "sequence_number_encryption_algorithms"}, {61, "rrc"},
    {0x0A0A, "GREASE"}, {0x1A1A, "GREASE"}, {0x2A2A, "GREASE"},
    {0x3374, "next_protocol_negotiation"}, /* not IANA: the NPN draft, still sent by some peers */
    {0x3A3A, "GREASE"}, {0x4469, "application_settings"}, /* not IANA: ALPS draft (Chrome) */
    {0x4A4A, "GREASE"}, {0x5A5A, "GREASE"}, {0x6A6A, "GREASE"}, {0x7A7A, "GREASE"},
    {0x8A8A, "GREASE"}, {0x9A9A, "GREASE"}, {0xAAAA, "GREASE"}, {0xBABA, "GREASE"},
    {0xCACA, "GREASE"}, {0xDADA, "GREASE"}, {0xEAEA, "GREASE"}, {0xFAFA, "GREASE"},
    {0xFD00, "ech_outer_extensions"}, {0xFE0D, "encrypted_client_hello"},
    {0xFF01, "renegotiation_info"},
};

/* TLS HandshakeType */
static const ths_name handshake_types[] = {
    {0, "hello_request"}, {1, "client_hello"}, {2, "server_hello"},
    {3, "hello_verify_request"}, {4, "new_session_ticket"}, {5, "end_of_early_data"},
    {6, "hello_retry_request"}, {8, "encrypted_extensions"}, {9, "request_connection_id"},
    {10, "new_connection_id"}, {11, "certificate"}, {12, "server_key_exchange"},
    {13, "certificate_request"}, {14, "server_hello_done"}, {15, "certificate_verify"},
    {16, "client_key_exchange"}, {17, "client_certificate_request"}, {20, "finished"},
    {21, "certificate_url"}, {22, "certificate_status"}, {23, "supplemental_data"},
    {24, "key_update"}, {25, "compressed_certificate"}, {26, "ekt_key"},
    {254, "message_hash"},
};

/* TLS ContentType */
static const ths_name content_types[] = {
    {20, "change_cipher_spec"}, {21, "alert"}, {22, "handshake"}, {23, "application_data"},
    {24, "heartbeat"}, {25, "tls12_cid"}, {26, "ACK"},
};

/* TLS Alerts (RFC 5246 §7.2, RFC 8446 §6, IANA TLS Alerts registry); also behind
 * ths_alert_name / ths_alert_from_name (error.c) */
static const ths_name alerts[] = {
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

static const ths_name alert_levels[] = {{1, "warning"}, {2, "fatal"}};

/* TLS Compression Method Identifiers (RFC 3749, RFC 3943) */
static const ths_name compression_methods[] = {{0, "null"}, {1, "DEFLATE"}, {64, "LZS"}};

/* ProtocolVersion values */
static const ths_name versions[] = {
    {0x0002, "SSLv2"}, {0x0300, "SSLv3"}, {0x0301, "TLSv1.0"}, {0x0302, "TLSv1.1"},
    {0x0303, "TLSv1.2"}, {0x0304, "TLSv1.3"}, GREASE16,
    {0xFEFC, "DTLSv1.3"}, {0xFEFD, "DTLSv1.2"}, {0xFEFF, "DTLSv1.0"},
};

/* EC Point Formats (RFC 8422 §5.1.2) */
static const ths_name ec_point_formats[] = {
    {0, "uncompressed"}, {1, "ansiX962_compressed_prime"}, {2, "ansiX962_compressed_char2"},
};

#define TABLE(lua, arr) {lua, arr, sizeof arr / sizeof arr[0]}
static const struct {
    const char *lua;
    const ths_name *entries;
    size_t count;
} tables[THS_NAMES_COUNT] = {
    {"cipher_suites", ths_names_cipher_suites, 0},   /* count filled at lookup */
    TABLE("groups", groups),
    TABLE("signature_schemes", signature_schemes),
    TABLE("extensions", extensions),
    TABLE("handshake_types", handshake_types),
    TABLE("content_types", content_types),
    TABLE("alerts", alerts),
    TABLE("alert_levels", alert_levels),
    TABLE("compression_methods", compression_methods),
    TABLE("versions", versions),
    TABLE("ec_point_formats", ec_point_formats),
};

const char *ths_names_table(int id, const ths_name **entries, size_t *count)
{
    if (id < 0 || id >= THS_NAMES_COUNT)
        return NULL;
    if (entries)
        *entries = tables[id].entries;
    if (count)
        *count = id == THS_NAMES_CIPHER_SUITES ? ths_names_cipher_suites_count : tables[id].count;
    return tables[id].lua;
}

const char *ths_name_of(int id, uint32_t v)
{
    const ths_name *e;
    size_t lo = 0, hi;
    if (!ths_names_table(id, &e, &hi))
        return NULL;
    while (lo < hi) {   /* binary search: tables are sorted by value */
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].value == v)
            return e[mid].name;
        if (e[mid].value < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int ths_name_value(int id, const char *name, uint32_t *v)
{
    const ths_name *e;
    size_t i, n;
    if (!ths_names_table(id, &e, &n) || !name)
        return -1;
    for (i = 0; i < n; i++)
        if (strcmp(e[i].name, name) == 0) {
            *v = e[i].value;
            return 0;
        }
    return -1;
}
