/* Descriptors of the TLS 1.2 handshake message bodies (RFC 5246 §7.4,
 * RFC 8422 §5 for ECDHE, RFC 5077 §3.3 for NewSessionTicket). */
#include "msg_fields.h"

static const ths_field u8_elem[] = {F_NUM(NULL, 1)};
static const ths_field u16_elem[] = {F_NUM(NULL, 2)};
/* opaque ASN.1Cert<1..2^24-1> (§7.4.2) */
static const ths_field cert_elem[] = {F_VEC(NULL, 3, 1, 0xFFFFFF)};
/* opaque DistinguishedName<1..2^16-1> (§7.4.4) */
static const ths_field dn_elem[] = {F_VEC(NULL, 2, 1, 65535)};

static const ths_field empty[] = {F_END};

/* §7.4.1.2 */
static const ths_field client_hello[] = {
    F_NUM("version", 2),
    F_FIXED("random", 32),
    F_VEC("session_id", 1, 0, 32),
    F_LIST("cipher_suites", 2, 2, 65534, u16_elem),
    F_LIST("compression_methods", 1, 1, 255, u8_elem),
    F_EXTS,
    F_END};

/* §7.4.1.3 */
static const ths_field server_hello[] = {
    F_NUM("version", 2),
    F_FIXED("random", 32),
    F_VEC("session_id", 1, 0, 32),
    F_NUM("cipher_suite", 2),
    F_NUM("compression_method", 1),
    F_EXTS,
    F_END};

/* §7.4.2 */
static const ths_field certificate[] = {
    F_LIST("certificate_list", 3, 0, 0xFFFFFF, cert_elem),
    F_END};

/* RFC 8422 §5.4: ServerECDHParams (named_curve only) + signature (§7.4.1.4.1 DigitallySigned) */
#define ECDH_PARAMS F_NUM_EQ("curve_type", 1, 3), F_NUM("named_curve", 2), F_VEC("public", 1, 1, 255)
/* §7.4.3: ServerDHParams */
#define DH_PARAMS F_VEC("dh_p", 2, 1, 65535), F_VEC("dh_g", 2, 1, 65535), F_VEC("dh_ys", 2, 1, 65535)
#define SIGNED F_NUM("signature_algorithm", 2), F_VEC("signature", 2, 0, 65535)

static const ths_field ske_ecdhe[] = {ECDH_PARAMS, SIGNED, F_END};
static const ths_field ske_ecdhe_anon[] = {ECDH_PARAMS, F_END};
static const ths_field ske_dhe[] = {DH_PARAMS, SIGNED, F_END};
static const ths_field ske_dhe_anon[] = {DH_PARAMS, F_END};

/* §7.4.4 */
static const ths_field certificate_request[] = {
    F_LIST("certificate_types", 1, 1, 255, u8_elem),
    F_LIST("supported_signature_algorithms", 2, 2, 65534, u16_elem),
    F_LIST("certificate_authorities", 2, 0, 65535, dn_elem),
    F_END};

/* §7.4.8 */
static const ths_field certificate_verify[] = {SIGNED, F_END};

/* §7.4.7.1 (TLS 1.0+ puts a 2-byte length on the encrypted premaster) */
static const ths_field cke_rsa[] = {F_VEC("encrypted_pre_master_secret", 2, 0, 65535), F_END};
/* §7.4.7.2 ClientDiffieHellmanPublic, explicit */
static const ths_field cke_dhe[] = {F_VEC("dh_yc", 2, 1, 65535), F_END};
/* RFC 8422 §5.7 ClientECDiffieHellmanPublic */
static const ths_field cke_ecdhe[] = {F_VEC("ecdh_yc", 1, 1, 255), F_END};

/* §7.4.9: verify_data is whatever the body holds; the flow checks its length */
static const ths_field finished[] = {F_REST("verify_data"), F_END};

/* RFC 5077 §3.3 */
static const ths_field new_session_ticket[] = {
    F_NUM("ticket_lifetime_hint", 4),
    F_VEC("ticket", 2, 0, 65535),
    F_END};

const ths_field *ths_msg_desc(int msg_type, int kx, int anonymous)
{
    switch (msg_type) {
    case THS_HS_HELLO_REQUEST: return empty;
    case THS_HS_CLIENT_HELLO: return client_hello;
    case THS_HS_SERVER_HELLO: return server_hello;
    case THS_HS_NEW_SESSION_TICKET: return new_session_ticket;
    case THS_HS_CERTIFICATE: return certificate;
    case THS_HS_SERVER_KEY_EXCHANGE:
        if (kx == THS_MSG_KX_ECDHE)
            return anonymous ? ske_ecdhe_anon : ske_ecdhe;
        if (kx == THS_MSG_KX_DHE)
            return anonymous ? ske_dhe_anon : ske_dhe;
        return NULL;
    case THS_HS_CERTIFICATE_REQUEST: return certificate_request;
    case THS_HS_SERVER_HELLO_DONE: return empty;
    case THS_HS_CERTIFICATE_VERIFY: return certificate_verify;
    case THS_HS_CLIENT_KEY_EXCHANGE:
        if (kx == THS_MSG_KX_RSA)
            return cke_rsa;
        if (kx == THS_MSG_KX_DHE)
            return cke_dhe;
        if (kx == THS_MSG_KX_ECDHE)
            return cke_ecdhe;
        return NULL;
    case THS_HS_FINISHED: return finished;
    default: return NULL;
    }
}

const ths_field *ths_msg_params_desc(int kx)
{
    return kx == THS_MSG_KX_DHE ? ske_dhe_anon : ske_ecdhe_anon;
}
