/* Private interface between the record protection files (rec_*.c). */
#ifndef THS_REC_INT_H
#define THS_REC_INT_H

#include "ths_record.h"
#include "ct.h"

/* Internal: per-scheme functions (rec_*.c), called by rec_common.c. */
int ths_rec_gcm_init(ths_rec_state *st);
int ths_rec_gcm_seal(ths_rec_state *st, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                     const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16]);
int ths_rec_gcm_open(ths_rec_state *st, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                     const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out);
int ths_rec_chapol_seal(ths_rec_state *st, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                        const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16]);
int ths_rec_chapol_open(ths_rec_state *st, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                        const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out);
int ths_rec_cbc_init(ths_rec_state *st);
int ths_rec_cbc_seal(ths_rec_state *st, const uint8_t hdr[13], const uint8_t *plain, size_t plain_len,
                     const ths_rec_seal_opts *opts, ths_rng *rng, uint8_t *out, size_t *out_len);
int ths_rec_cbc_open(ths_rec_state *st, const uint8_t hdr[13], const uint8_t *frag, size_t frag_len,
                     uint8_t *out, size_t *out_len, ths_error *err);
size_t ths_rec_cbc_sealed_size(const ths_rec_state *st, size_t plain_len, const ths_rec_seal_opts *opts);
int ths_rec_null_seal(ths_rec_state *st, const uint8_t hdr[13], const uint8_t *plain, size_t plain_len,
                      const ths_rec_seal_opts *opts, uint8_t *out, size_t *out_len);
int ths_rec_null_open(ths_rec_state *st, const uint8_t hdr[13], const uint8_t *frag, size_t frag_len,
                      uint8_t *out, size_t *out_len, ths_error *err);

/* HMAC (rec_hmac.c).  hmac_init keys a ths_rec_hmac; hmac_mac computes
 * HMAC(hdr(13) ‖ a ‖ b) with public lengths; hmac_mac_ct computes
 * HMAC(hdr(13) ‖ data[0..len)) where len is SECRET but lies in
 * [min_len, max_len] (public), reading data[0..max_len) and running the
 * same compression calls whatever len is. */
int ths_rec_hmac_init(ths_rec_hmac *h, ths_rec_mac mac, const uint8_t *key, size_t key_len);
int ths_rec_hmac_mac(const ths_rec_hmac *h, const uint8_t hdr[13], const uint8_t *a, size_t a_len,
                     const uint8_t *b, size_t b_len, uint8_t *out);
int ths_rec_hmac_mac_ct(const ths_rec_hmac *h, const uint8_t hdr[13], const uint8_t *data, size_t len,
                        size_t min_len, size_t max_len, uint8_t *out);

/* Record header for the MAC / AAD: seq(8) ‖ type(1) ‖ version(2) ‖ length(2). */
void ths_rec_header(uint8_t hdr[13], uint64_t seq, uint8_t type, uint16_t version, size_t len);


/* Constant-time helpers (ths_ct_eq, ths_ct_lt, ths_ct_mux, ...): ct.h */

#endif
