/* Private: what the X.509 source files share. */
#ifndef THS_X509_PRIVATE_H
#define THS_X509_PRIVATE_H

#include "ths_x509.h"

/* A Name (RFC 5280 §4.1.2.4), structure checked; *name is its TLV. */
int ths_x509_parse_name(ths_reader *r, ths_span *name, int allow_empty, const char *field);
/* The contents of the [3] extensions wrapper (RFC 5280 §4.2). */
int ths_x509_parse_extensions(ths_reader *r, ths_x509_cert *c);

/* More extensions than this is refused (duplicate checks stay cheap). */
#define THS_X509_MAX_EXTENSIONS 64

#endif
