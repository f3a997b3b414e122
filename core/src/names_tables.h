/* The registries behind ths_name_of (names.c, names_suites.c); each sorted by value. */
#ifndef THS_NAMES_TABLES_H
#define THS_NAMES_TABLES_H

#include "ths_msg.h"

extern const ths_name ths_names_cipher_suites[];
extern const size_t ths_names_cipher_suites_count;

#endif
