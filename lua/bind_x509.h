/* Private to the X.509 binding (lua/bind_x509*.c). */
#ifndef TLSHS_BIND_X509_H
#define TLSHS_BIND_X509_H

#include "binding.h"
#include "ths_x509.h"
#include <arpa/inet.h>

#define TLSHS_CERT_MT "tlshs.certificate"

/* The certificate userdata: parsed fields pointing into der[]. */
typedef struct {
    ths_x509_cert x;
    size_t len, cap;
    uint8_t der[];
} tlshs_cert;

tlshs_cert *tlshs_check_cert(lua_State *L, int idx);
int tlshs_cert_public_key(lua_State *L);
int tlshs_verify_chain(lua_State *L);

#endif
