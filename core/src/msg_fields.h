/* Shorthands for writing ths_field descriptors (msg_desc.c, ext_desc.c). */
#ifndef THS_MSG_FIELDS_H
#define THS_MSG_FIELDS_H

#include "ths_msg.h"

#define F_NUM(n, w) {n, THS_F_NUM, w, 0, 0, 0, NULL, 0}
#define F_NUM_EQ(n, w, v) {n, THS_F_NUM, w, THS_FF_EQ, 0, 0, NULL, v}
#define F_FIXED(n, len) {n, THS_F_FIXED, 0, 0, len, len, NULL, 0}
#define F_VEC(n, w, lo, hi) {n, THS_F_BYTES, w, 0, lo, hi, NULL, 0}
#define F_REST(n) {n, THS_F_BYTES, 0, 0, 0, 0xFFFFFFFFu, NULL, 0}
#define F_LIST(n, w, lo, hi, elem) {n, THS_F_LIST, w, 0, lo, hi, elem, 0}
#define F_LIST_OPT(n, w, lo, hi, elem) {n, THS_F_LIST, w, THS_FF_OPTIONAL, lo, hi, elem, 0}
#define F_STRUCT(n, fields) {n, THS_F_STRUCT, 0, 0, 0, 0, fields, 0}
#define F_EXTS {"extensions", THS_F_EXTS, 2, THS_FF_OPTIONAL, 0, 65535, NULL, 0}
#define F_END {NULL, THS_F_END, 0, 0, 0, 0, NULL, 0}

#endif
