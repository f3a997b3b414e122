/* Private: constant-time helpers on 32-bit values (no branch, no table
 * lookup), shared by record protection (CBC padding/MAC, Lucky 13) and the
 * RSA premaster check (RFC 5246 §7.4.7.1).  Each predicate returns 1 or 0;
 * ths_ct_mask turns that into 0xffffffff or 0; MUX(c, x, y) is c ? x : y for
 * c in {0, 1}. */
#ifndef THS_CT_H
#define THS_CT_H

#include <stdint.h>

static inline uint32_t ths_ct_eq0(uint32_t x) { return ((x | (0u - x)) >> 31) ^ 1u; }
static inline uint32_t ths_ct_eq(uint32_t x, uint32_t y) { return ths_ct_eq0(x ^ y); }
/* x < y for x, y < 2^31 (record lengths are far below) */
static inline uint32_t ths_ct_lt(uint32_t x, uint32_t y) { return (x - y) >> 31; }
static inline uint32_t ths_ct_ge(uint32_t x, uint32_t y) { return ths_ct_lt(x, y) ^ 1u; }
static inline uint32_t ths_ct_le(uint32_t x, uint32_t y) { return ths_ct_lt(y, x) ^ 1u; }
/* Hides a PUBLIC value (a loop index) from the optimiser.  Without it gcc -O2
 * rewrites loops such as `for (u..) ... ths_ct_lt(u, secret)` to count on
 * u - secret, so the loop test itself reads the secret (bench/ctgrind_cbc.c
 * shows it); the asm emits no instruction. */
static inline uint32_t ths_ct_opaque(uint32_t x)
{
#if defined(__GNUC__)
    __asm__("" : "+r"(x));
#endif
    return x;
}
static inline uint32_t ths_ct_mux(uint32_t c, uint32_t x, uint32_t y) { return y ^ ((0u - c) & (x ^ y)); }
static inline uint32_t ths_ct_mask(uint32_t c) { return 0u - c; }

#endif
