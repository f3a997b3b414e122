/* Descriptors of the extension bodies decoded by name.  Which one applies
 * depends on the message: a ClientHello offers, a ServerHello answers. */
#include "msg_fields.h"

static const ths_field u8_elem[] = {F_NUM(NULL, 1)};
static const ths_field u16_elem[] = {F_NUM(NULL, 2)};
static const ths_field empty[] = {F_END};

/* RFC 6066 §3: ServerName { name_type; HostName host_name } */
static const ths_field server_name_fields[] = {F_NUM("name_type", 1), F_VEC("host_name", 2, 1, 65535), F_END};
static const ths_field server_name_elem[] = {F_STRUCT(NULL, server_name_fields)};
static const ths_field server_name_ch[] = {F_LIST("server_name_list", 2, 1, 65535, server_name_elem), F_END};
/* RFC 6066 §3: the server's extension_data is empty */
static const ths_field server_name_sh[] = {F_LIST_OPT("server_name_list", 2, 1, 65535, server_name_elem), F_END};

/* RFC 6066 §1.1 max_fragment_length */
static const ths_field max_fragment_length[] = {F_NUM("max_fragment_length", 1), F_END};

/* RFC 6066 §8 CertificateStatusRequest (ocsp: the two vectors kept raw) */
static const ths_field status_request_ch[] = {
    F_NUM("status_type", 1), F_VEC("responder_id_list", 2, 0, 65535),
    F_VEC("request_extensions", 2, 0, 65535), F_END};

/* RFC 8422 §5.1.1 / RFC 7919 */
static const ths_field supported_groups[] = {F_LIST("named_group_list", 2, 2, 65534, u16_elem), F_END};
/* RFC 8422 §5.1.2 */
static const ths_field ec_point_formats[] = {F_LIST("ec_point_format_list", 1, 1, 255, u8_elem), F_END};
/* RFC 5246 §7.4.1.4.1 */
static const ths_field signature_algorithms[] = {
    F_LIST("supported_signature_algorithms", 2, 2, 65534, u16_elem), F_END};

/* RFC 7301 §3.1 ProtocolName protocol_name_list<2..2^16-1> */
static const ths_field protocol_elem[] = {F_VEC(NULL, 1, 1, 255)};
static const ths_field alpn[] = {F_LIST("protocol_name_list", 2, 2, 65535, protocol_elem), F_END};

/* RFC 8449 */
static const ths_field record_size_limit[] = {F_NUM("record_size_limit", 2), F_END};
/* RFC 5077 §3.2: the ticket, possibly empty, fills the extension */
static const ths_field session_ticket[] = {F_REST("ticket"), F_END};

/* RFC 8446 §4.2.1 */
static const ths_field supported_versions_ch[] = {F_LIST("versions", 1, 2, 254, u16_elem), F_END};
static const ths_field supported_versions_sh[] = {F_NUM("selected_version", 2), F_END};
/* RFC 8446 §4.2.9 */
static const ths_field psk_key_exchange_modes[] = {F_LIST("ke_modes", 1, 1, 255, u8_elem), F_END};

/* RFC 8446 §4.2.8 KeyShareEntry */
static const ths_field key_share_entry[] = {F_NUM("group", 2), F_VEC("key_exchange", 2, 1, 65535), F_END};
static const ths_field key_share_elem[] = {F_STRUCT(NULL, key_share_entry)};
static const ths_field key_share_ch[] = {F_LIST("client_shares", 2, 0, 65535, key_share_elem), F_END};
static const ths_field key_share_sh[] = {F_STRUCT("server_share", key_share_entry), F_END};
/* RFC 8446 §4.2.8: in a HelloRetryRequest (a ServerHello to TLS 1.2 parsers) only the group */
static const ths_field key_share_hrr[] = {F_NUM("selected_group", 2), F_END};

const ths_field *ths_ext_desc_hrr_key_share(void)
{
    return key_share_hrr;
}

/* RFC 5746 §3.2 */
static const ths_field renegotiation_info[] = {F_VEC("renegotiated_connection", 1, 0, 255), F_END};

const ths_field *ths_ext_desc(uint32_t type, int in_server_hello)
{
    switch (type) {
    case 0: return in_server_hello ? server_name_sh : server_name_ch;
    case 1: return max_fragment_length;
    case 5: return in_server_hello ? empty : status_request_ch;
    case 10: return supported_groups;
    case 11: return ec_point_formats;
    case 13: return signature_algorithms;
    case 16: return alpn;
    case 22: return empty;   /* encrypt_then_mac, RFC 7366 */
    case 23: return empty;   /* extended_master_secret, RFC 7627 */
    case 28: return record_size_limit;
    case 35: return session_ticket;
    case 43: return in_server_hello ? supported_versions_sh : supported_versions_ch;
    case 45: return psk_key_exchange_modes;
    case 49: return empty;   /* post_handshake_auth, RFC 8446 §4.2.6 */
    case 50: return signature_algorithms;   /* signature_algorithms_cert */
    case 51: return in_server_hello ? key_share_sh : key_share_ch;
    case 65281: return renegotiation_info;
    default: return NULL;
    }
}
