/* Private: the OIDs the core compares against (contents octets), shared by
 * X.509 and the key loaders. */
#ifndef THS_OID_H
#define THS_OID_H

#include "ths_x509.h"

#define THS_OID_DECL(name) extern const uint8_t name[]; extern const size_t name##_len
THS_OID_DECL(ths_oid_rsa_encryption);
THS_OID_DECL(ths_oid_sha1_rsa);
THS_OID_DECL(ths_oid_mgf1);
THS_OID_DECL(ths_oid_rsassa_pss);
THS_OID_DECL(ths_oid_sha256_rsa);
THS_OID_DECL(ths_oid_sha384_rsa);
THS_OID_DECL(ths_oid_sha512_rsa);
THS_OID_DECL(ths_oid_ec_public_key);
THS_OID_DECL(ths_oid_ecdsa_sha1);
THS_OID_DECL(ths_oid_ecdsa_sha256);
THS_OID_DECL(ths_oid_ecdsa_sha384);
THS_OID_DECL(ths_oid_ecdsa_sha512);
THS_OID_DECL(ths_oid_p256);
THS_OID_DECL(ths_oid_p384);
THS_OID_DECL(ths_oid_p521);
THS_OID_DECL(ths_oid_ed25519);
THS_OID_DECL(ths_oid_sha1);
THS_OID_DECL(ths_oid_sha224);
THS_OID_DECL(ths_oid_sha256);
THS_OID_DECL(ths_oid_sha384);
THS_OID_DECL(ths_oid_sha512);
THS_OID_DECL(ths_oid_ext_ski);
THS_OID_DECL(ths_oid_ext_key_usage);
THS_OID_DECL(ths_oid_ext_san);
THS_OID_DECL(ths_oid_ext_basic_constraints);
THS_OID_DECL(ths_oid_ext_policies);
THS_OID_DECL(ths_oid_ext_aki);
THS_OID_DECL(ths_oid_ext_eku);

int ths_oid_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
#define THS_OID_IS(d, name) ths_oid_eq((d)->val, (d)->len, name, name##_len)
/* "CN", "O", ... or NULL. */
const char *ths_oid_attr_name(const uint8_t *oid, size_t len);

#endif
