/* Finite-field Diffie-Hellman: the RFC 7919 groups and server-chosen p/g
 * (RFC 5246 §7.4.3 ServerDHParams).
 *
 * libtomcrypt 1.18.2's dh_set_pg_groupsize has its own groups, not the RFC
 * 7919 ones, so the primes are embedded (RFC 7919 Appendix A.1-A.3, g = 2;
 * cross-checked with OpenSSL 3.0's built-in ffdhe groups).  The arithmetic is
 * GMP (libtomcrypt's math provider here) through mpz_powm_sec, GMP's
 * side-channel-silent modular exponentiation, for every use of the private
 * exponent.  GMP frees through the wiping allocator (pkey_init.c). */
#include "pkey_int.h"
#include <gmp.h>
#include <pthread.h>
#include <string.h>

static const char FFDHE2048_P[] =
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695"
    "A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A"
    "D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935"
    "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A"
    "BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4"
    "AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61"
    "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005"
    "C58EF1837D1683B2C6F34A26C1B2EFFA886B423861285C97FFFFFFFFFFFFFFFF";

static const char FFDHE3072_P[] =
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695"
    "A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A"
    "D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935"
    "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A"
    "BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4"
    "AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61"
    "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005"
    "C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B"
    "BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C"
    "AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF"
    "5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E"
    "0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B66C62E37FFFFFFFFFFFFFFFF";

static const char FFDHE4096_P[] =
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695"
    "A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A"
    "D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935"
    "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A"
    "BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4"
    "AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61"
    "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005"
    "C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B"
    "BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C"
    "AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF"
    "5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E"
    "0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B669E1EF16E6F52C3164DF4FB"
    "7930E9E4E58857B6AC7D5F42D69F6D187763CF1D5503400487F55BA57E31CC7A"
    "7135C886EFB4318AED6A1E012D9E6832A907600A918130C46DC778F971AD0038"
    "092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF"
    "8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E655F6AFFFFFFFFFFFFFFFF";

/* Big-endian bytes → mpz, and mpz → big-endian bytes left-padded to n. */
static void to_mpz(mpz_t z, const uint8_t *p, size_t n)
{
    mpz_import(z, n, 1, 1, 1, 0, p);
}

static void from_mpz(uint8_t *out, size_t n, const mpz_t z)
{
    size_t cnt = 0, need = (mpz_sizeinbase(z, 2) + 7) / 8;
    memset(out, 0, n);
    if (mpz_sgn(z) == 0)
        return;
    mpz_export(out + (n - need), &cnt, 1, 1, 1, 0, z);
}

/* Strips leading zero bytes (a wire value may carry them). */
static void strip(const uint8_t **p, size_t *n)
{
    while (*n > 0 && (*p)[0] == 0) {
        (*p)++;
        (*n)--;
    }
}

/* 1 < v < p - 1  (RFC 7919 §5.1; SP 800-56A §5.6.2.3.1 partial check) */
static int in_range(const mpz_t v, const mpz_t p)
{
    mpz_t pm1;
    int ok;
    mpz_init(pm1);
    mpz_sub_ui(pm1, p, 1);
    ok = mpz_cmp_ui(v, 1) > 0 && mpz_cmp(v, pm1) < 0;
    mpz_clear(pm1);
    return ok;
}

/* ---- is a server's p a safe prime? --------------------------------------
 * A client must not trust a server-chosen group blindly: a composite p, or a
 * prime whose p - 1 has small factors, gives small subgroups in which the
 * shared secret (and a reused exponent) leaks (RFC 7919 §1, §5.1; Raccoon
 * and "Measuring small subgroup attacks", NDSS 2017).  p and q = (p - 1)/2
 * must both be prime.  GMP 6.2's mpz_probab_prime_p runs trial division,
 * Baillie-PSW, then reps - 24 Miller-Rabin rounds: 40 gives BPSW (no known
 * pseudoprime) plus 16 rounds, an error below 2^-32 even against a chosen
 * composite on top of BPSW.  A test costs tens of milliseconds for 2048
 * bits, so verdicts are cached per prime: the RFC 7919 primes are known safe
 * and a server's repeated prime is tested once per process. */
#define PRIME_REPS 40
#define PRIME_CACHE 8

typedef struct {
    size_t len;              /* 0: empty slot */
    int safe;
    uint8_t p[THS_KX_MAX_P];
} prime_verdict;

static prime_verdict prime_cache[PRIME_CACHE];
static unsigned prime_next;
static pthread_mutex_t prime_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const RFC7919_P[] = {FFDHE2048_P, FFDHE3072_P, FFDHE4096_P};

/* The hex of an embedded prime equals the big-endian bytes p? */
static int equals_hex(const char *hex, const uint8_t *p, size_t plen)
{
    size_t i;
    if (strlen(hex) != 2 * plen)
        return 0;
    for (i = 0; i < plen; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        if ((uint8_t)v != p[i])
            return 0;
    }
    return 1;
}

static int cache_find(const uint8_t *p, size_t plen, int *safe)
{
    unsigned i;
    for (i = 0; i < PRIME_CACHE; i++)
        if (prime_cache[i].len == plen && memcmp(prime_cache[i].p, p, plen) == 0) {
            *safe = prime_cache[i].safe;
            return 1;
        }
    return 0;
}

static unsigned long prime_tests;   /* primality tests run (specs watch the cache) */

unsigned long ths_dh_prime_test_count(void)
{
    unsigned long n;
    pthread_mutex_lock(&prime_lock);
    n = prime_tests;
    pthread_mutex_unlock(&prime_lock);
    return n;
}

/* 1 when p (big-endian, no leading zero, plen <= THS_KX_MAX_P) is a safe prime. */
static int safe_prime(const uint8_t *p, size_t plen)
{
    int safe, cached;
    size_t i;
    mpz_t P, Q;
    for (i = 0; i < sizeof RFC7919_P / sizeof RFC7919_P[0]; i++)
        if (equals_hex(RFC7919_P[i], p, plen))
            return 1;
    pthread_mutex_lock(&prime_lock);
    if (cache_find(p, plen, &safe)) {
        pthread_mutex_unlock(&prime_lock);
        return safe;
    }
    pthread_mutex_unlock(&prime_lock);
    /* tested outside the lock: two threads may test the same prime once each */
    mpz_inits(P, Q, NULL);
    to_mpz(P, p, plen);
    mpz_sub_ui(Q, P, 1);
    mpz_fdiv_q_2exp(Q, Q, 1);
    /* q first: trial division rejects most non-safe p there cheaply */
    safe = mpz_probab_prime_p(Q, PRIME_REPS) != 0 && mpz_probab_prime_p(P, PRIME_REPS) != 0;
    mpz_clears(P, Q, NULL);
    pthread_mutex_lock(&prime_lock);
    prime_tests++;
    if (!cache_find(p, plen, &cached)) {
        prime_verdict *v = &prime_cache[prime_next++ % PRIME_CACHE];
        memcpy(v->p, p, plen);
        v->len = plen;
        v->safe = safe;
    }
    pthread_mutex_unlock(&prime_lock);
    return safe;
}

int ths_dh_init(ths_kx *kx, const uint8_t *p, size_t plen, const uint8_t *g, size_t glen, const uint8_t *priv,
                size_t privlen, ths_rng *rng, ths_error *err)
{
    mpz_t P, G, X, Y;
    int rc = 0;
    size_t xlen;

    if (kx->group != THS_KX_DH) {
        const char *hexp = kx->group == THS_KX_FFDHE2048 ? FFDHE2048_P
                           : kx->group == THS_KX_FFDHE3072 ? FFDHE3072_P : FFDHE4096_P;
        size_t i;
        plen = strlen(hexp) / 2;
        for (i = 0; i < plen; i++) {
            unsigned v;
            sscanf(hexp + 2 * i, "%2x", &v);
            kx->p[i] = (uint8_t)v;
        }
        kx->plen = plen;
        kx->g[0] = 2;
        kx->glen = 1;
    } else {
        if (!p || !g)
            return ths_fail(err, THS_ERR_ARG, "dh: p and g are required");
        strip(&p, &plen);
        strip(&g, &glen);
        /* a client should refuse a weak group (RFC 7919 §1, Logjam) */
        if (plen == 0 || (plen - 1) * 8 + (size_t)(32 - __builtin_clz(p[0])) < 1024)
            return ths_fail(err, THS_ALERT_INSUFFICIENT_SECURITY, "dh: p of %zu bits is shorter than 1024",
                            plen ? (plen - 1) * 8 + (size_t)(32 - __builtin_clz(p[0])) : 0);
        if (plen > THS_KX_MAX_P)
            return ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "dh: p of %zu bytes is longer than %d", plen,
                            THS_KX_MAX_P);
        if (!(p[plen - 1] & 1))
            return ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "dh: p is even");
        if (glen > plen)
            return ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "dh: g is not below p - 1");
        /* illegal_parameter, not insufficient_security: a composite or
         * non-safe p is a malformed field (RFC 5246 §7.2.2 "out of range"),
         * like an even p above; insufficient_security stays for well-formed
         * groups that are too small (RFC 7919 §4 and the 1024-bit floor). */
        if (!safe_prime(p, plen))
            return ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "dh: p is not a safe prime (p and (p - 1)/2 prime)");
        memcpy(kx->p, p, plen);
        memcpy(kx->g, g, glen);
        kx->plen = plen;
        kx->glen = glen;
    }

    mpz_inits(P, G, X, Y, NULL);
    to_mpz(P, kx->p, kx->plen);
    to_mpz(G, kx->g, kx->glen);
    if (!in_range(G, P)) {
        rc = ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "dh: g is not in 1 < g < p - 1");
        goto out;
    }
    if (priv) {
        strip(&priv, &privlen);
        if (privlen > kx->plen) {
            rc = ths_fail(err, THS_ERR_ARG, "dh: private value longer than p");
            goto out;
        }
        to_mpz(X, priv, privlen);
        if (!in_range(X, P)) {
            rc = ths_fail(err, THS_ERR_ARG, "dh: private value not in 1 < x < p - 1");
            goto out;
        }
    } else {
        /* RFC 7919 §5.2: an exponent of at least twice the security level;
         * 512 bits for the named groups; for a server-chosen group (subgroup
         * unknown) a full-length one, reduced below p - 1. */
        uint8_t buf[THS_KX_MAX_P];
        xlen = kx->group == THS_KX_DH ? kx->plen : 64;
        do {
            ths_rng_fill(rng, buf, xlen);
            to_mpz(X, buf, xlen);
            if (kx->group == THS_KX_DH) {
                mpz_t pm1;
                mpz_init(pm1);
                mpz_sub_ui(pm1, P, 1);
                mpz_mod(X, X, pm1);
                mpz_clear(pm1);
            }
        } while (!in_range(X, P));
        ths_wipe(buf, sizeof buf);
    }
    kx->privlen = kx->plen;
    from_mpz(kx->priv, kx->privlen, X);
    mpz_powm_sec(Y, G, X, P);   /* y = g^x mod p */
    kx->publen = kx->plen;
    from_mpz(kx->pub, kx->publen, Y);
out:
    mpz_clears(P, G, X, Y, NULL);
    return rc;
}

int ths_dh_agree(const ths_kx *kx, const uint8_t *peer, size_t peerlen, uint8_t *out, size_t *outlen,
                 ths_error *err)
{
    mpz_t P, X, Y, Z;
    int rc = 0;
    size_t zl, i;

    strip(&peer, &peerlen);
    if (peerlen > kx->plen)
        return ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "dh: peer value is not below p");
    mpz_inits(P, X, Y, Z, NULL);
    to_mpz(P, kx->p, kx->plen);
    to_mpz(Y, peer, peerlen);
    if (!in_range(Y, P)) {
        rc = ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "dh: peer value is not in 1 < y < p - 1");
        goto out;
    }
    to_mpz(X, kx->priv, kx->privlen);
    mpz_powm_sec(Z, Y, X, P);
    if (mpz_cmp_ui(Z, 1) <= 0) {
        rc = ths_fail(err, THS_ALERT_ILLEGAL_PARAMETER, "dh: shared secret is %s (small subgroup)",
                      mpz_sgn(Z) ? "1" : "0");
        goto out;
    }
    from_mpz(out, kx->plen, Z);
    /* RFC 5246 §8.1.2: leading bytes of Z that contain all zero bits are
     * stripped before it is used as the pre_master_secret */
    for (zl = 0; zl < kx->plen && out[zl] == 0; zl++)
        ;
    for (i = 0; i + zl < kx->plen; i++)
        out[i] = out[i + zl];
    *outlen = kx->plen - zl;
    ths_wipe(out + *outlen, zl);
out:
    mpz_clears(P, X, Y, Z, NULL);
    return rc;
}
